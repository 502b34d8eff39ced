//! Remote sources: feeds polled over HTTP(S), FTP(S) folders and IMAP(S) mailboxes. Each is
//! defined by a name and a URL, either in the config file (`[[sources]]`) or with
//! `wiredesk source add`, which keeps them in `DATA/sources.toml`. What a poll last saw (HTTP
//! validators, FTP files taken, how far a mailbox was read) is kept in
//! `DATA/sources-state.json`, so a restart takes nothing twice.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::SourceError;

/// One remote source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemoteSource {
    /// Shown on the desk and in metrics; letters, digits, `-`, `_` and `.`.
    pub name: String,
    /// `http://`, `https://`, `ftp://user:password@host/folder/` or `ftps://…` (explicit
    /// FTPS: AUTH TLS, then protected data connections), `imap://user:password@host/INBOX` or
    /// `imaps://…` (TLS from the first byte, port 993 unless named).
    pub url: String,
    /// Seconds between polls while the source is healthy.
    #[serde(default = "default_interval")]
    pub interval_secs: u64,
    /// Deadline for one whole fetch, body included (a feed that never ends is cut off).
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
    /// Largest body accepted, both as sent and after gzip decompression; at most the
    /// delivery limit (`MAX_FILE_BYTES`), which the decoders would refuse past anyway.
    #[serde(default = "default_max_bytes")]
    pub max_bytes: u64,
    /// Redirects followed before giving up (a redirect loop is refused at once).
    #[serde(default = "default_max_redirects")]
    pub max_redirects: usize,
    /// Longest back-off after repeated failures.
    #[serde(default = "default_max_backoff")]
    pub max_backoff_secs: u64,
    /// FTP and IMAP: delete a file (a message) on the server once its stories are committed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub delete_after: bool,
    /// FTPS and IMAPS: trust the certificates in this PEM file instead of the system's roots
    /// (for an agency server with a private certificate authority).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
}

fn default_interval() -> u64 {
    300
}
fn default_timeout() -> u64 {
    30
}
fn default_max_bytes() -> u64 {
    crate::MAX_FILE_BYTES
}
fn default_max_redirects() -> usize {
    5
}
fn default_max_backoff() -> u64 {
    3600
}

impl RemoteSource {
    /// A source with every setting but its name and URL at the default.
    pub fn new(name: &str, url: &str) -> RemoteSource {
        RemoteSource {
            name: name.to_string(),
            url: url.to_string(),
            interval_secs: default_interval(),
            timeout_secs: default_timeout(),
            max_bytes: default_max_bytes(),
            max_redirects: default_max_redirects(),
            max_backoff_secs: default_max_backoff(),
            delete_after: false,
            ca_file: None,
        }
    }

    /// Why this definition cannot be used, if it cannot.
    pub fn check(&self) -> Result<(), SourceError> {
        if !valid_name(&self.name) {
            return Err(SourceError::BadName(self.name.clone()));
        }
        let scheme = self
            .url
            .split_once("://")
            .map(|(s, _)| s.to_ascii_lowercase());
        match scheme.as_deref() {
            Some("http" | "https" | "ftp" | "ftps" | "imap" | "imaps") => {}
            _ => {
                return Err(SourceError::BadScheme {
                    name: self.name.clone(),
                    url: self.display_url(),
                });
            }
        }
        if self.interval_secs == 0 || self.timeout_secs == 0 || self.max_bytes == 0 {
            return Err(SourceError::ZeroLimit(self.name.clone()));
        }
        Ok(())
    }

    /// The body limit in force: `max_bytes`, but never past the delivery limit. A larger
    /// `max_bytes` (the default was 10 MiB before the limits became one) is not refused, so
    /// lists written then keep polling.
    pub fn body_limit(&self) -> u64 {
        self.max_bytes.min(crate::MAX_FILE_BYTES)
    }

    /// Whether this source is pulled by FTP (`ftp://` or `ftps://`) rather than HTTP.
    pub fn is_ftp(&self) -> bool {
        self.url
            .split_once("://")
            .is_some_and(|(s, _)| s.eq_ignore_ascii_case("ftp") || s.eq_ignore_ascii_case("ftps"))
    }

    /// Whether this source is a mailbox read over IMAP (`imap://` or `imaps://`).
    pub fn is_imap(&self) -> bool {
        self.url
            .split_once("://")
            .is_some_and(|(s, _)| s.eq_ignore_ascii_case("imap") || s.eq_ignore_ascii_case("imaps"))
    }

    /// How it is fetched, as the desk and `/metrics` name it: `http`, `ftp` or `imap`.
    pub fn kind(&self) -> &'static str {
        if self.is_ftp() {
            "ftp"
        } else if self.is_imap() {
            "imap"
        } else {
            "http"
        }
    }

    /// The URL with its password and keys hidden, for pages, logs and metrics.
    pub fn display_url(&self) -> String {
        crate::redact::redact_url(&self.url)
    }
}

pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// The sources added with `wiredesk source add`: `DATA/sources.toml`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceList {
    #[serde(default)]
    pub sources: Vec<RemoteSource>,
}

impl SourceList {
    pub fn path_in(data: &Path) -> PathBuf {
        data.join("sources.toml")
    }

    /// The list in `path`; a missing file is an empty list.
    pub fn load(path: &Path) -> Result<SourceList, SourceError> {
        match std::fs::read_to_string(path) {
            Ok(text) => toml::from_str(&text).map_err(|e| list_file(path, e)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(SourceList::default()),
            Err(e) => Err(list_file(path, e)),
        }
    }

    /// Written to a temporary file and renamed, so a running server never reads half a list.
    pub fn save(&self, path: &Path) -> Result<(), SourceError> {
        let text =
            toml::to_string_pretty(self).map_err(|e| SourceError::ListText(e.to_string()))?;
        write_atomically(path, text.as_bytes()).map_err(|e| list_file(path, e))
    }
}

fn list_file(path: &Path, e: impl std::fmt::Display) -> SourceError {
    SourceError::ListFile {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// What the server last heard from a feed: its validators for a conditional GET.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validators {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct Saved {
    url: String,
    #[serde(flatten)]
    validators: Validators,
    /// FTP: the files taken (`name:size`).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    taken: BTreeSet<String>,
    /// IMAP: how far the mailbox has been taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    imap: Option<crate::imap::Mark>,
}

impl Saved {
    /// The source's saved state, started afresh when its URL changed: what was learnt of
    /// one server says nothing of another.
    fn of<'a>(entries: &'a mut BTreeMap<String, Saved>, name: &str, url: &str) -> &'a mut Saved {
        let entry = entries.entry(name.to_string()).or_default();
        if entry.url != url {
            *entry = Saved {
                url: url.to_string(),
                ..Saved::default()
            };
        }
        entry
    }
}

/// `DATA/sources-state.json`: validators per source, remembered across restarts. Entries are
/// keyed by source name and only used while the URL is the same.
#[derive(Debug)]
pub struct StateFile {
    path: PathBuf,
    entries: Mutex<BTreeMap<String, Saved>>,
}

impl StateFile {
    pub fn path_in(data: &Path) -> PathBuf {
        data.join("sources-state.json")
    }

    /// The state in `path`; an unreadable file is forgotten (the cost is one full fetch).
    pub fn open(path: &Path) -> StateFile {
        let entries = match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                tracing::warn!("{}: {e}; starting without validators", path.display());
                BTreeMap::new()
            }),
            Err(_) => BTreeMap::new(),
        };
        StateFile {
            path: path.to_path_buf(),
            entries: Mutex::new(entries),
        }
    }

    pub fn get(&self, name: &str, url: &str) -> Validators {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        match entries.get(name) {
            Some(saved) if saved.url == url => saved.validators.clone(),
            _ => Validators::default(),
        }
    }

    pub fn put(&self, name: &str, url: &str, validators: Validators) -> std::io::Result<()> {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let known = entries.get(name).is_some_and(|s| s.url == url);
        let entry = Saved::of(&mut entries, name, url);
        if known && entry.validators == validators {
            return Ok(());
        }
        entry.validators = validators;
        self.write(&entries)
    }

    /// FTP: the files already taken from this source (`name:size`).
    pub fn taken(&self, name: &str, url: &str) -> BTreeSet<String> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        match entries.get(name) {
            Some(saved) if saved.url == url => saved.taken.clone(),
            _ => BTreeSet::new(),
        }
    }

    /// FTP: remember `new` files as taken, forgetting those for which `keep` says no (files
    /// no longer listed on the server need not be remembered).
    pub fn put_taken(
        &self,
        name: &str,
        url: &str,
        keep: impl Fn(&str) -> bool,
        new: impl IntoIterator<Item = String>,
    ) -> std::io::Result<()> {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let entry = Saved::of(&mut entries, name, url);
        entry.taken.retain(|k| keep(k));
        entry.taken.extend(new);
        self.write(&entries)
    }

    /// IMAP: how far this source's mailbox has been taken, if it has been read before.
    pub fn imap_mark(&self, name: &str, url: &str) -> Option<crate::imap::Mark> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        match entries.get(name) {
            Some(saved) if saved.url == url => saved.imap,
            _ => None,
        }
    }

    /// IMAP: remember `mark` once the messages up to it are committed.
    pub fn put_imap_mark(
        &self,
        name: &str,
        url: &str,
        mark: crate::imap::Mark,
    ) -> std::io::Result<()> {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let entry = Saved::of(&mut entries, name, url);
        if entry.imap == Some(mark) {
            return Ok(());
        }
        entry.imap = Some(mark);
        self.write(&entries)
    }

    fn write(&self, entries: &BTreeMap<String, Saved>) -> std::io::Result<()> {
        let bytes = serde_json::to_vec_pretty(entries).map_err(std::io::Error::other)?;
        write_atomically(&self.path, &bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ftp_and_imap_sources_are_told_by_their_scheme() {
        assert!(RemoteSource::new("f", "FTPS://a.example/in/").is_ftp());
        assert!(RemoteSource::new("f", "ftp://a.example/in/").is_ftp());
        assert!(!RemoteSource::new("h", "https://a.example/ftp://").is_ftp());
        let imap = RemoteSource::new("m", "IMAPS://desk:pw@mail.example/INBOX");
        assert!(imap.is_imap() && !imap.is_ftp() && imap.check().is_ok());
        assert_eq!(imap.kind(), "imap");
        assert_eq!(imap.display_url(), "IMAPS://desk:***@mail.example/INBOX");
        assert_eq!(RemoteSource::new("h", "https://a.example/").kind(), "http");
    }

    #[test]
    fn names_and_urls_are_checked() {
        assert!(
            RemoteSource::new("pti-feed_1.x", "https://a.example/rss")
                .check()
                .is_ok()
        );
        assert!(
            RemoteSource::new("bad name", "https://a.example/")
                .check()
                .is_err()
        );
        let err = RemoteSource::new("x", "file:///etc/passwd")
            .check()
            .unwrap_err()
            .to_string();
        assert!(err.contains("http://"), "{err}");
        assert_eq!(
            RemoteSource::new("x", "https://me:secret@a.example/f").display_url(),
            "https://me:***@a.example/f"
        );
    }

    #[test]
    fn the_list_and_the_validators_survive_a_reload() {
        let dir = tempfile::tempdir().unwrap();
        let list_path = SourceList::path_in(dir.path());
        assert!(SourceList::load(&list_path).unwrap().sources.is_empty());
        let mut list = SourceList::default();
        list.sources
            .push(RemoteSource::new("a", "http://127.0.0.1/a"));
        list.save(&list_path).unwrap();
        assert_eq!(SourceList::load(&list_path).unwrap().sources, list.sources);

        let state_path = StateFile::path_in(dir.path());
        let v = Validators {
            etag: Some("\"v1\"".into()),
            last_modified: None,
        };
        StateFile::open(&state_path)
            .put("a", "http://127.0.0.1/a", v.clone())
            .unwrap();
        let state = StateFile::open(&state_path);
        assert_eq!(state.get("a", "http://127.0.0.1/a"), v);
        assert_eq!(
            state.get("a", "http://127.0.0.1/other"),
            Validators::default()
        );

        // How far a mailbox was read survives too, and is forgotten with its URL.
        let mark = crate::imap::Mark {
            uid_validity: 7,
            last_uid: 42,
        };
        let url = "imap://desk:pw@127.0.0.1/INBOX";
        StateFile::open(&state_path)
            .put_imap_mark("m", url, mark)
            .unwrap();
        let state = StateFile::open(&state_path);
        assert_eq!(state.imap_mark("m", url), Some(mark));
        assert_eq!(state.imap_mark("m", "imap://desk:pw@127.0.0.1/Other"), None);
        assert_eq!(
            state.get("a", "http://127.0.0.1/a"),
            v,
            "other sources kept"
        );
    }
}
