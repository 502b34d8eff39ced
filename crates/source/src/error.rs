//! Why a remote source's definition, list or client cannot be used. The messages are the ones
//! the CLI, the logs and the desk show; they may quote a URL, so they pass through
//! `redact` wherever they are shown.

use std::path::PathBuf;

/// Why a source cannot be defined, listed or set up.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    #[error("source name {0:?}: use 1-64 letters, digits, '-', '_' or '.'")]
    BadName(String),
    #[error(
        "source {name}: URL {url:?} must start with http://, https://, ftp://, ftps://, imap:// \
         or imaps://"
    )]
    BadScheme { name: String, url: String },
    #[error("source {0}: interval_secs, timeout_secs and max_bytes must be above 0")]
    ZeroLimit(String),
    /// `DATA/sources.toml` cannot be read, parsed or written.
    #[error("{}: {message}", .path.display())]
    ListFile { path: PathBuf, message: String },
    /// The list cannot be written as TOML.
    #[error("{0}")]
    ListText(String),
    #[error("cannot build an HTTP client: {0}")]
    HttpClient(String),
    #[error("source {name}: URL: {message}")]
    Url { name: String, message: String },
    #[error("source {name}: {scheme}:// is not FTP")]
    NotFtp { name: String, scheme: String },
    #[error("source {name}: {scheme}:// is not IMAP")]
    NotImap { name: String, scheme: String },
    #[error(
        "source {0}: an IMAP URL names the user to log in as (imap://user:password@host/INBOX)"
    )]
    NoLogin(String),
    #[error("source {0}: the URL names no host")]
    NoHost(String),
    #[error("source {name}: TLS: {message}")]
    Tls { name: String, message: String },
    #[error("source {name}: ca_file {}: {message}", .path.display())]
    CaFile {
        name: String,
        path: PathBuf,
        message: String,
    },
}
