//! source: where deliveries come from — files and folders named on the command line, the
//! drop folder (`DATA/inbox/`) that agencies (often by FTP) write into, and remote sources
//! polled over HTTP(S), pulled over FTP(S), or read from a mailbox over IMAP(S).
//!
//! Owns: finding files, reading them with a size limit, deciding when a dropped file is
//! complete, and moving it to `archive/` or `rejected/` (with a `.reason` file) afterwards;
//! and the poll loop for remote sources (`poller`), which hands what it fetched to a sink;
//! and the delivery queue on NATS JetStream (`queue`), which carries raw deliveries durably
//! from whoever received them to the one writer, acked only after the writer committed them.
//! Must not: look inside the bytes (that is decoding) or touch the store. A dropped file is
//! only moved away after the caller says its stories are committed, so a crash in between
//! means the file is taken again, never lost.

pub mod backoff;
mod error;
pub mod ftp;
pub mod health;
pub mod http;
pub mod imap;
pub mod poller;
pub mod queue;
pub mod redact;
pub mod remote;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
mod tls;

/// The one TLS crypto provider of every client here (HTTP, FTPS, IMAPS, NATS): reqwest and
/// async-nats are built without one of their own, so ring is installed for the process; a
/// second call changes nothing.
pub fn install_tls_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use jiff::Timestamp;

/// One file's bytes as delivered: the type lives in `model`, re-exported here.
pub use wiredesk_model::Delivery;

pub use error::SourceError;

/// A file that could not even be read: it still gets a report, never a panic.
#[derive(Clone, Debug)]
pub struct Unreadable {
    pub path: PathBuf,
    pub reason: String,
}

/// Files over this size are refused before reading (the one delivery limit, from `model`).
pub const MAX_FILE_BYTES: u64 = wiredesk_model::MAX_DELIVERY_BYTES as u64;

/// Every regular file under `paths` (folders walked recursively, hidden files and partial
/// uploads skipped), sorted so that runs are repeatable.
pub fn collect_files(paths: &[PathBuf]) -> Vec<Result<PathBuf, Unreadable>> {
    let mut out = Vec::new();
    for p in paths {
        walk(p, &mut out, true);
    }
    out.sort_by(|a, b| key(a).cmp(key(b)));
    out
}

fn key(r: &Result<PathBuf, Unreadable>) -> &Path {
    match r {
        Ok(p) => p,
        Err(u) => &u.path,
    }
}

/// Names that mean "not finished yet" or "not a delivery" in the usual agency and FTP tools.
fn is_skipped_name(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.starts_with('.')
        || name.ends_with(".part")
        || name.ends_with(".tmp")
        || name.ends_with(".filepart")
        || name.ends_with(".reason")
}

fn walk(path: &Path, out: &mut Vec<Result<PathBuf, Unreadable>>, named: bool) {
    match std::fs::metadata(path) {
        Err(e) => out.push(Err(Unreadable {
            path: path.to_path_buf(),
            reason: format!("cannot read: {e}"),
        })),
        Ok(meta) if meta.is_dir() => match std::fs::read_dir(path) {
            Err(e) => out.push(Err(Unreadable {
                path: path.to_path_buf(),
                reason: format!("cannot list folder: {e}"),
            })),
            Ok(entries) => {
                for entry in entries.flatten() {
                    let child = entry.path();
                    if !is_skipped_name(&child) {
                        walk(&child, out, false);
                    }
                }
            }
        },
        Ok(meta) if meta.is_file() => {
            if named || !is_skipped_name(path) {
                out.push(Ok(path.to_path_buf()));
            }
        }
        Ok(_) => {}
    }
}

/// Read one file, refusing over-long ones before reading them into memory.
pub fn read_delivery(path: &Path, received: Timestamp) -> Result<Delivery, Unreadable> {
    let unreadable = |reason: String| Unreadable {
        path: path.to_path_buf(),
        reason,
    };
    let meta = std::fs::metadata(path).map_err(|e| unreadable(format!("cannot read: {e}")))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(unreadable(format!(
            "file is {:.1} MB; the limit is {} MB",
            meta.len() as f64 / 1_048_576.0,
            MAX_FILE_BYTES / 1_048_576
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| unreadable(format!("cannot read: {e}")))?;
    Ok(Delivery {
        path: path.to_path_buf(),
        bytes,
        received,
    })
}

/// The drop folder and where its files go once dealt with.
pub struct DropFolder {
    pub inbox: PathBuf,
    pub archive: PathBuf,
    pub rejected: PathBuf,
    /// Size and modification time seen at the previous scan, per file.
    seen: HashMap<PathBuf, (u64, SystemTime)>,
}

impl DropFolder {
    /// `DATA/inbox`, `DATA/archive`, `DATA/rejected`, created when missing.
    pub fn in_data_dir(data: &Path) -> std::io::Result<DropFolder> {
        let folder = DropFolder {
            inbox: data.join("inbox"),
            archive: data.join("archive"),
            rejected: data.join("rejected"),
            seen: HashMap::new(),
        };
        for dir in [&folder.inbox, &folder.archive, &folder.rejected] {
            std::fs::create_dir_all(dir)?;
        }
        Ok(folder)
    }

    /// Files that are complete: unchanged in size and time since the previous scan. A file
    /// still being written (by FTP, say) changes between scans and waits for the next one.
    pub fn complete_files(&mut self) -> Vec<PathBuf> {
        let mut current = HashMap::new();
        let mut ready = Vec::new();
        for found in collect_files(std::slice::from_ref(&self.inbox)) {
            let Ok(path) = found else { continue };
            let Ok(meta) = std::fs::metadata(&path) else {
                continue;
            };
            let stamp = (
                meta.len(),
                meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
            );
            if self.seen.get(&path) == Some(&stamp) {
                ready.push(path.clone());
            }
            current.insert(path, stamp);
        }
        self.seen = current;
        ready
    }

    /// The file's stories are committed: move it out of the inbox.
    pub fn archive(&mut self, path: &Path, received: Timestamp) -> std::io::Result<PathBuf> {
        let day = received.strftime("%Y-%m-%d").to_string();
        let dir = self.archive.join(day);
        std::fs::create_dir_all(&dir)?;
        self.seen.remove(path);
        place_unique(path, &dir, Handover::Move)
    }

    /// The file was refused: move it to `rejected/` with the reason beside it.
    pub fn reject(&mut self, path: &Path, reason: &str) -> std::io::Result<PathBuf> {
        self.seen.remove(path);
        set_aside(path, &self.rejected, reason, Handover::Move)
    }
}

/// A file refused by `wiredesk ingest`: a copy goes to `DATA/rejected/` with the reason beside
/// it, as for the drop folder, while the file itself stays where it was named.
pub fn keep_rejected_copy(data: &Path, path: &Path, reason: &str) -> std::io::Result<PathBuf> {
    let rejected = data.join("rejected");
    std::fs::create_dir_all(&rejected)?;
    set_aside(path, &rejected, reason, Handover::Copy)
}

enum Handover {
    Move,
    Copy,
}

/// Put `path` (moved or copied) into `dir` with `reason` in `NAME.reason` beside it.
fn set_aside(path: &Path, dir: &Path, reason: &str, how: Handover) -> std::io::Result<PathBuf> {
    let target = place_unique(path, dir, how)?;
    let mut reason_path = target.clone().into_os_string();
    reason_path.push(".reason");
    std::fs::write(PathBuf::from(reason_path), format!("{reason}\n"))?;
    Ok(target)
}

/// Move or copy `path` into `dir`, never over an earlier file of the same name.
fn place_unique(path: &Path, dir: &Path, how: Handover) -> std::io::Result<PathBuf> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "delivery".into());
    let mut target = dir.join(&name);
    let mut n = 1;
    while target.exists() {
        target = dir.join(format!("{n}-{name}"));
        n += 1;
    }
    match how {
        Handover::Move => std::fs::rename(path, &target)?,
        Handover::Copy => {
            std::fs::copy(path, &target)?;
        }
    }
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collect_walks_folders_and_skips_partial_uploads() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("a.txt"), "x").unwrap();
        std::fs::write(dir.path().join("sub/b.json"), "x").unwrap();
        std::fs::write(dir.path().join("c.xml.part"), "x").unwrap();
        std::fs::write(dir.path().join(".hidden"), "x").unwrap();
        let found: Vec<_> = collect_files(&[dir.path().to_path_buf()])
            .into_iter()
            .map(|r| {
                r.unwrap()
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        assert_eq!(found, ["a.txt", "b.json"]);
        let missing = collect_files(&[dir.path().join("nope")]);
        assert!(
            missing[0]
                .as_ref()
                .unwrap_err()
                .reason
                .contains("cannot read")
        );
    }

    #[test]
    fn an_over_long_file_is_refused_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.txt");
        let f = std::fs::File::create(&path).unwrap();
        f.set_len(MAX_FILE_BYTES + 1).unwrap();
        let err = read_delivery(&path, Timestamp::now()).unwrap_err();
        assert!(err.reason.contains("the limit is 5 MB"), "{}", err.reason);
    }

    #[test]
    fn a_dropped_file_is_taken_only_once_it_stops_changing() {
        let dir = tempfile::tempdir().unwrap();
        let mut drop = DropFolder::in_data_dir(dir.path()).unwrap();
        let file = drop.inbox.join("story.txt");
        std::fs::write(&file, "Head").unwrap();
        assert!(
            drop.complete_files().is_empty(),
            "first sight: maybe still writing"
        );
        std::fs::write(&file, "Headline\n\nMore copy arriving").unwrap();
        assert!(drop.complete_files().is_empty(), "it grew: still writing");
        assert_eq!(drop.complete_files(), vec![file.clone()]);
        let archived = drop.archive(&file, Timestamp::now()).unwrap();
        assert!(archived.exists() && !file.exists());
    }

    #[test]
    fn a_rejected_file_keeps_its_reason_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut drop = DropFolder::in_data_dir(dir.path()).unwrap();
        let file = drop.inbox.join("bad.bin");
        std::fs::write(&file, [0u8, 1, 2]).unwrap();
        let moved = drop.reject(&file, "binary data, not text").unwrap();
        let reason = std::fs::read_to_string(drop.rejected.join("bad.bin.reason")).unwrap();
        assert_eq!(reason.trim(), "binary data, not text");
        assert!(moved.exists());
        // A second file of the same name does not overwrite the first.
        std::fs::write(&file, [0u8]).unwrap();
        let second = drop.reject(&file, "again").unwrap();
        assert_ne!(second, moved);
        // `wiredesk ingest` keeps a copy the same way and leaves the named file alone.
        std::fs::write(&file, [0u8]).unwrap();
        let copy = keep_rejected_copy(dir.path(), &file, "third").unwrap();
        assert!(file.exists() && copy.exists() && copy != second);
        let mut reason_path = copy.into_os_string();
        reason_path.push(".reason");
        assert_eq!(std::fs::read_to_string(reason_path).unwrap(), "third\n");
    }
}
