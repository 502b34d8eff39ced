//! FTP pull: list a folder on an agency's FTP server and take the files that are complete —
//! not named like a partial upload (`.part`, `.tmp`, hidden) and the same size in two
//! listings in a row — once each. What was taken is remembered by the caller (see
//! `remote::StateFile`), and a file may be deleted on the server once its stories are
//! committed. Blocking (suppaftp's synchronous client): run it on a blocking thread.

use std::collections::{BTreeSet, HashMap};
use std::io::Read;
use std::net::ToSocketAddrs;
use std::time::{Duration, Instant};

use std::sync::Arc;

use rustls::ClientConfig;
use suppaftp::types::FileType;
use suppaftp::{FtpError, RustlsConnector, RustlsFtpStream};

use crate::SourceError;
use crate::http::{FailureKind, FetchError};
use crate::remote::RemoteSource;

/// One file taken from the server.
#[derive(Debug)]
pub struct FtpFile {
    pub name: String,
    pub size: u64,
    pub bytes: Vec<u8>,
}

/// A complete file that was not taken, and why (it is remembered as taken all the same).
#[derive(Debug)]
pub struct Refused {
    pub name: String,
    pub size: u64,
    pub reason: String,
}

/// What one poll took and refused.
#[derive(Debug, Default)]
pub struct Taken {
    pub files: Vec<FtpFile>,
    pub refused: Vec<Refused>,
    /// Files that could not be downloaded this time (tried again at the next poll).
    pub errors: Vec<FetchError>,
}

/// The key a taken file is remembered by: a file re-uploaded with another size is new.
pub fn taken_key(name: &str, size: u64) -> String {
    format!("{name}:{size}")
}

/// An FTP source and what its previous listing showed.
pub struct FtpPull {
    source: RemoteSource,
    host: String,
    port: u16,
    user: String,
    password: String,
    folder: String,
    /// FTPS: the TLS settings (explicit TLS on the control and data connections).
    tls: Option<Arc<ClientConfig>>,
    /// Sizes at the previous listing: a file is complete once its size stops changing.
    previous: HashMap<String, u64>,
}

fn ftp_error(e: FtpError) -> FetchError {
    FetchError::new(FailureKind::Network, format!("FTP: {e}"))
}

fn is_partial(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with(".part")
        || name.ends_with(".tmp")
        || name.ends_with(".filepart")
}

impl FtpPull {
    pub fn new(source: &RemoteSource) -> Result<FtpPull, SourceError> {
        source.check()?;
        let url = reqwest::Url::parse(&source.url).map_err(|e| SourceError::Url {
            name: source.name.clone(),
            message: e.to_string(),
        })?;
        let tls = match url.scheme() {
            "ftp" => None,
            "ftps" => Some(crate::tls::config(source)?),
            other => {
                return Err(SourceError::NotFtp {
                    name: source.name.clone(),
                    scheme: other.to_string(),
                });
            }
        };
        let host = url
            .host_str()
            .ok_or_else(|| SourceError::NoHost(source.name.clone()))?
            .to_string();
        let user = match url.username() {
            "" => "anonymous".to_string(),
            u => decode(u),
        };
        Ok(FtpPull {
            source: source.clone(),
            host,
            port: url.port().unwrap_or(21),
            password: url.password().map(decode).unwrap_or_default(),
            user,
            folder: decode(url.path()),
            tls,
            previous: HashMap::new(),
        })
    }

    fn connect(&self) -> Result<RustlsFtpStream, FetchError> {
        let timeout = Duration::from_secs(self.source.timeout_secs.max(1));
        let addr = (self.host.as_str(), self.port)
            .to_socket_addrs()
            .map_err(|e| {
                FetchError::new(
                    FailureKind::Network,
                    format!("cannot resolve {}: {e}", self.host),
                )
            })?
            .next()
            .ok_or_else(|| {
                FetchError::new(
                    FailureKind::Network,
                    format!("no address for {}", self.host),
                )
            })?;
        let mut ftp = RustlsFtpStream::connect_timeout(addr, timeout)
            .map_err(ftp_error)?
            .passive_stream_builder(move |addr| {
                let stream = std::net::TcpStream::connect_timeout(&addr, timeout)
                    .map_err(FtpError::ConnectionError)?;
                stream
                    .set_read_timeout(Some(timeout))
                    .and_then(|()| stream.set_write_timeout(Some(timeout)))
                    .map_err(FtpError::ConnectionError)?;
                Ok(stream)
            });
        let _ = ftp.get_ref().set_read_timeout(Some(timeout));
        if let Some(tls) = &self.tls {
            ftp = ftp
                .into_secure(RustlsConnector::from(tls.clone()), &self.host)
                .map_err(|e| {
                    FetchError::new(
                        FailureKind::Network,
                        format!("FTPS: cannot secure the connection: {e}"),
                    )
                })?;
        }
        ftp.login(self.user.as_str(), self.password.as_str())
            .map_err(ftp_error)?;
        ftp.transfer_type(FileType::Binary).map_err(ftp_error)?;
        if !self.folder.is_empty() && self.folder != "/" {
            ftp.cwd(&self.folder).map_err(ftp_error)?;
        }
        Ok(ftp)
    }

    /// List the folder and download every complete file not in `taken`. Files over the
    /// size limit are not downloaded; they come back in the second list with the reason.
    pub fn poll(&mut self, taken: &BTreeSet<String>) -> Result<Taken, FetchError> {
        let mut ftp = self.connect()?;
        let names = ftp.nlst(None).map_err(ftp_error)?;
        let mut sizes = HashMap::new();
        for name in names {
            let name = name.rsplit('/').next().unwrap_or(&name).to_string();
            if name.is_empty() || is_partial(&name) {
                continue;
            }
            // Folders and vanished files have no size: skipped.
            if let Ok(size) = ftp.size(&name) {
                sizes.insert(name, size as u64);
            }
        }
        let mut files = Vec::new();
        let mut refused = Vec::new();
        let mut errors = Vec::new();
        let limit = self.source.body_limit();
        let mut ready: Vec<_> = sizes
            .iter()
            .filter(|(name, size)| {
                self.previous.get(*name) == Some(size) && !taken.contains(&taken_key(name, **size))
            })
            .map(|(n, s)| (n.clone(), *s))
            .collect();
        ready.sort();
        for (name, size) in ready {
            if size > limit {
                refused.push(Refused {
                    name,
                    size,
                    reason: format!("the file is {size} bytes; the limit is {limit}; not taken"),
                });
                continue;
            }
            let until = Instant::now() + Duration::from_secs(self.source.timeout_secs.max(1));
            let downloaded = ftp
                .retr(&name, |reader| {
                    let mut buf = Vec::new();
                    Deadline {
                        inner: reader,
                        until,
                    }
                    .take(limit + 1)
                    .read_to_end(&mut buf)
                    .map_err(FtpError::ConnectionError)?;
                    Ok(buf)
                })
                .map_err(|e| {
                    let mut e = ftp_error(e);
                    if e.message.contains(DEADLINE) {
                        e.kind = FailureKind::Deadline;
                    }
                    e.message = format!("{name}: {}", e.message);
                    e
                });
            let bytes = match downloaded {
                Ok(bytes) => bytes,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            if bytes.len() as u64 > limit {
                refused.push(Refused {
                    name,
                    size,
                    reason: format!("the file passed the limit of {limit} bytes while downloading"),
                });
                continue;
            }
            // Grew since it was listed: still being written; taken at a later listing.
            if bytes.len() as u64 != size {
                continue;
            }
            files.push(FtpFile { name, size, bytes });
        }
        let _ = ftp.quit();
        self.previous = sizes;
        Ok(Taken {
            files,
            refused,
            errors,
        })
    }

    /// The `name:size` keys of the latest listing.
    pub fn listed_keys(&self) -> BTreeSet<String> {
        self.previous
            .iter()
            .map(|(name, size)| taken_key(name, *size))
            .collect()
    }

    /// Delete taken files on the server (after their stories are committed).
    pub fn delete(&self, names: &[String]) -> Result<(), FetchError> {
        if names.is_empty() {
            return Ok(());
        }
        let mut ftp = self.connect()?;
        for name in names {
            ftp.rm(name).map_err(ftp_error)?;
        }
        let _ = ftp.quit();
        Ok(())
    }
}

const DEADLINE: &str = "no complete file within the source's timeout (a slow or endless download)";

/// A reader that fails once its deadline has passed, so a download that drips forever ends.
struct Deadline<R> {
    inner: R,
    until: Instant,
}

impl<R: Read> Read for Deadline<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if Instant::now() > self.until {
            return Err(std::io::Error::new(std::io::ErrorKind::TimedOut, DEADLINE));
        }
        self.inner.read(buf)
    }
}

/// Percent-decoding for the user, password and path of an FTP URL.
fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_past_the_deadline_fails() {
        let mut r = Deadline {
            inner: &b"abc"[..],
            until: Instant::now() - Duration::from_secs(1),
        };
        let err = r.read(&mut [0u8; 3]).unwrap_err();
        assert!(err.to_string().contains("slow or endless"), "{err}");
    }

    #[test]
    fn partial_uploads_are_never_taken() {
        assert!(is_partial("story.xml.part"));
        assert!(is_partial(".upload"));
        assert!(is_partial("x.tmp"));
        assert!(!is_partial("story.xml"));
    }

    #[test]
    fn the_url_gives_the_login_and_folder() {
        let mut s = RemoteSource::new("pti", "ftp://pti%40wire:p%3Ass@127.0.0.1:2121/out/");
        s.interval_secs = 5;
        let pull = FtpPull::new(&s).unwrap();
        assert_eq!(pull.user, "pti@wire");
        assert_eq!(pull.password, "p:ss");
        assert_eq!(pull.port, 2121);
        assert_eq!(pull.folder, "/out/");
        assert_eq!(decode("a%2"), "a%2");
    }
}
