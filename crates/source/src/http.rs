//! One HTTP(S) fetch of a feed, defensively: a conditional GET (ETag / Last-Modified), gzip,
//! an overall deadline (a body that drips forever is cut off), a size limit enforced while
//! streaming and again after decompression (a gzip bomb is stopped), and a redirect limit
//! (a loop is refused at once). Every refusal is an [`FetchError`] with a reason; nothing
//! here panics on what a server sends.

use std::io::Read;
use std::time::Duration;

use reqwest::header::{
    ACCEPT_ENCODING, CONTENT_ENCODING, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
};

use crate::SourceError;
use crate::remote::{RemoteSource, Validators};

/// What came of a fetch that worked.
#[derive(Debug)]
pub enum Fetched {
    /// 304: nothing new since the validators sent.
    NotModified,
    /// A body (decompressed), with the validators to send next time.
    Body {
        bytes: Vec<u8>,
        validators: Validators,
    },
}

/// Why a fetch failed or was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureKind {
    /// Connection refused, reset, DNS, TLS…
    Network,
    /// A status other than 2xx or 304.
    Status,
    /// A body over the size limit.
    TooLarge,
    /// No complete response within the deadline.
    Deadline,
    /// A redirect loop or too many redirects.
    Redirects,
    /// A gzip body that decompresses past the size limit.
    GzipBomb,
    /// A gzip body that is not valid gzip.
    BadGzip,
}

impl FailureKind {
    /// The short label used in metrics.
    pub fn label(self) -> &'static str {
        match self {
            FailureKind::Network => "network",
            FailureKind::Status => "status",
            FailureKind::TooLarge => "too_large",
            FailureKind::Deadline => "deadline",
            FailureKind::Redirects => "redirects",
            FailureKind::GzipBomb => "gzip_bomb",
            FailureKind::BadGzip => "bad_gzip",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchError {
    pub kind: FailureKind,
    pub message: String,
}

impl FetchError {
    /// Messages often quote the URL (the HTTP client's do): its secrets are masked here, so
    /// no log line or page built from the error can show them.
    pub(crate) fn new(kind: FailureKind, message: impl AsRef<str>) -> FetchError {
        FetchError {
            kind,
            message: crate::redact::redact_text(message.as_ref()),
        }
    }
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FetchError {}

/// Why a redirect was not followed; shown as the fetch's error.
#[derive(Debug)]
struct RedirectRefused(String);

impl std::fmt::Display for RedirectRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RedirectRefused {}

/// A client for one source, with its redirect policy and timeouts.
pub struct HttpFetcher {
    source: RemoteSource,
    client: reqwest::Client,
}

impl HttpFetcher {
    pub fn new(source: &RemoteSource) -> Result<HttpFetcher, SourceError> {
        source.check()?;
        crate::install_tls_provider();
        let max = source.max_redirects;
        let policy = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().iter().any(|u| u == attempt.url()) {
                let msg = format!("redirect loop: {} was already visited", attempt.url());
                attempt.error(RedirectRefused(msg))
            } else if attempt.previous().len() > max {
                let msg = format!("more than {max} redirects");
                attempt.error(RedirectRefused(msg))
            } else {
                attempt.follow()
            }
        });
        let timeout = Duration::from_secs(source.timeout_secs.max(1));
        let client = reqwest::Client::builder()
            .user_agent(concat!("wiredesk/", env!("CARGO_PKG_VERSION")))
            .redirect(policy)
            .connect_timeout(timeout)
            .build()
            .map_err(|e| SourceError::HttpClient(e.to_string()))?;
        Ok(HttpFetcher {
            source: source.clone(),
            client,
        })
    }

    /// GET the feed, conditionally on `validators`, within the source's deadline.
    pub async fn fetch(&self, validators: &Validators) -> Result<Fetched, FetchError> {
        let deadline = Duration::from_secs(self.source.timeout_secs.max(1));
        match tokio::time::timeout(deadline, self.fetch_within(validators)).await {
            Ok(result) => result,
            Err(_) => Err(FetchError::new(
                FailureKind::Deadline,
                format!(
                    "no complete response within {} s (a slow or endless body); gave up",
                    deadline.as_secs()
                ),
            )),
        }
    }

    async fn fetch_within(&self, validators: &Validators) -> Result<Fetched, FetchError> {
        let mut request = self
            .client
            .get(&self.source.url)
            .header(ACCEPT_ENCODING, "gzip");
        if let Some(etag) = &validators.etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        if let Some(modified) = &validators.last_modified {
            request = request.header(IF_MODIFIED_SINCE, modified);
        }
        let mut response = request.send().await.map_err(classify)?;
        let status = response.status();
        if status == reqwest::StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified);
        }
        if !status.is_success() {
            return Err(FetchError::new(
                FailureKind::Status,
                format!("the server answered HTTP {status}"),
            ));
        }
        let limit = self.source.body_limit();
        if let Some(declared) = response.content_length()
            && declared > limit
        {
            return Err(too_large(format!(
                "the response declares {declared} bytes; the limit is {limit}; not read"
            )));
        }
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let next = Validators {
            etag: header(ETAG),
            last_modified: header(LAST_MODIFIED),
        };
        let gzipped = header(CONTENT_ENCODING).is_some_and(|e| {
            let e = e.to_ascii_lowercase();
            e.contains("gzip")
        });
        let mut body = Vec::new();
        let mut limited = LimitedBody::new(limit);
        while let Some(chunk) = response.chunk().await.map_err(classify)? {
            limited.push(&mut body, &chunk)?;
        }
        let bytes = if gzipped {
            gunzip_limited(&body, limit)?
        } else {
            body
        };
        Ok(Fetched::Body {
            bytes,
            validators: next,
        })
    }
}

fn too_large(message: String) -> FetchError {
    FetchError::new(FailureKind::TooLarge, message)
}

/// Counts a streamed body's bytes and refuses the chunk that would pass the limit.
struct LimitedBody {
    limit: u64,
}

impl LimitedBody {
    fn new(limit: u64) -> LimitedBody {
        LimitedBody { limit }
    }

    fn push(&mut self, body: &mut Vec<u8>, chunk: &[u8]) -> Result<(), FetchError> {
        if body.len() as u64 + chunk.len() as u64 > self.limit {
            return Err(too_large(format!(
                "the response body passed the limit of {} bytes; stopped reading",
                self.limit
            )));
        }
        body.extend_from_slice(chunk);
        Ok(())
    }
}

/// Decompress a gzip body, stopping as soon as the output passes `limit` bytes.
pub fn gunzip_limited(compressed: &[u8], limit: u64) -> Result<Vec<u8>, FetchError> {
    let mut out = Vec::new();
    let mut decoder = flate2::read::MultiGzDecoder::new(compressed).take(limit.saturating_add(1));
    decoder.read_to_end(&mut out).map_err(|e| {
        FetchError::new(
            FailureKind::BadGzip,
            format!("the gzip body cannot be decompressed: {e}"),
        )
    })?;
    if out.len() as u64 > limit {
        return Err(FetchError::new(
            FailureKind::GzipBomb,
            format!(
                "the gzip body ({} bytes) decompresses past the limit of {limit} bytes (a gzip bomb?); stopped",
                compressed.len()
            ),
        ));
    }
    Ok(out)
}

/// The reason behind a reqwest error, with its causes.
fn classify(e: reqwest::Error) -> FetchError {
    let mut message = e.to_string();
    let mut cause = std::error::Error::source(&e);
    while let Some(c) = cause {
        message.push_str(": ");
        message.push_str(&c.to_string());
        cause = c.source();
    }
    let kind = if e.is_redirect() {
        FailureKind::Redirects
    } else if e.is_timeout() {
        FailureKind::Deadline
    } else {
        FailureKind::Network
    };
    FetchError::new(kind, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn a_streamed_body_is_stopped_at_the_chunk_that_passes_the_limit() {
        let mut limited = LimitedBody::new(10);
        let mut body = Vec::new();
        limited.push(&mut body, b"12345").unwrap();
        limited.push(&mut body, b"67890").unwrap();
        let err = limited.push(&mut body, b"x").unwrap_err();
        assert_eq!(err.kind, FailureKind::TooLarge);
        assert!(err.message.contains("limit of 10 bytes"), "{err}");
        assert_eq!(body, b"1234567890");
    }

    #[test]
    fn gzip_is_decompressed_within_the_limit() {
        let text = b"<rss>feed</rss>".repeat(10);
        assert_eq!(gunzip_limited(&gzip(&text), 1000).unwrap(), text);
        assert_eq!(gunzip_limited(&gzip(&text), 150).unwrap(), text);
    }

    #[test]
    fn a_gzip_bomb_is_stopped_at_the_limit() {
        let bomb = gzip(&vec![0u8; 20 * 1024 * 1024]);
        assert!(bomb.len() < 100 * 1024, "{}", bomb.len());
        let err = gunzip_limited(&bomb, 1024 * 1024).unwrap_err();
        assert_eq!(err.kind, FailureKind::GzipBomb);
        assert!(err.message.contains("gzip bomb"), "{err}");
    }

    #[test]
    fn broken_gzip_is_refused_with_a_reason() {
        let err = gunzip_limited(b"\x1f\x8bnot gzip at all", 1000).unwrap_err();
        assert_eq!(err.kind, FailureKind::BadGzip);
    }

    #[test]
    fn a_bad_source_cannot_build_a_fetcher() {
        assert!(HttpFetcher::new(&RemoteSource::new("x", "gopher://a")).is_err());
    }
}
