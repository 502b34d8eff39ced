//! The delivery queue on NATS JetStream: a transport that takes a delivery durably off a
//! receiver's hands (the push API, a poller) and gives it to the one writer that commits it.
//!
//! `publish` stores a delivery in the stream and returns once JetStream acknowledged it, so a
//! caller that then answers `202 Accepted` knows it will not be lost. `next_batch` takes
//! deliveries from the durable pull consumer; each [`Queued`] is acked only after the caller
//! committed it, so a crash in between means the delivery comes again (after the ack wait),
//! and the pipeline finds the re-read copy unchanged. The queue only carries raw deliveries:
//! it never looks inside the bytes or decides anything about them.
//!
//! A delivery travels as its bytes (the message's payload) with its path and arrival time as
//! headers, and a `Nats-Msg-Id` that is a hash of its path and bytes, so the same file sent
//! twice within the stream's duplicate window is stored once.
//!
//! Secrets: a NATS URL may carry `user:password@` or `token@`. They are taken out of the URL
//! before the client sees it (and handed over as credentials), and every error names the
//! server by its redacted URL.

use std::path::PathBuf;
use std::time::Duration;

use async_nats::jetstream::{self, AckKind, consumer, stream};
use async_nats::{ConnectOptions, HeaderMap};
use futures_util::StreamExt;
use jiff::Timestamp;
use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, percent_encode};
use sha2::{Digest, Sha256};

use crate::Delivery;
use crate::redact::redact_url;

/// The header that carries a delivery's path (percent-encoded: controls, `%` and non-ASCII).
pub const PATH_HEADER: &str = "Wiredesk-Path";
/// The header that carries a delivery's arrival time (RFC 3339).
pub const RECEIVED_HEADER: &str = "Wiredesk-Received";

/// What is percent-encoded in the path header: a header value must not hold line breaks.
const PATH_ENCODE: &AsciiSet = &CONTROLS.add(b'%');

/// Room kept beside the payload for the headers when checking the server's payload limit.
const HEADER_ROOM: usize = 4096;

/// Where the queue lives and how it behaves. The defaults are the server's; tests use unique
/// names.
#[derive(Clone, Debug)]
pub struct QueueSettings {
    /// The JetStream stream that stores deliveries.
    pub stream: String,
    /// The one subject the stream takes.
    pub subject: String,
    /// The durable pull consumer the writer reads through.
    pub consumer: String,
    /// The same delivery (path and bytes) published again within this window is stored once.
    pub duplicate_window: Duration,
    /// A delivery taken but not acked within this time is delivered again.
    pub ack_wait: Duration,
    /// How long connecting to the server may take.
    pub connect_timeout: Duration,
    /// How long one request (a publish's ack, an ack's confirmation, setting up) may take.
    pub request_timeout: Duration,
}

impl Default for QueueSettings {
    fn default() -> QueueSettings {
        QueueSettings {
            stream: "WIREDESK_DELIVERIES".to_string(),
            subject: "wiredesk.deliveries".to_string(),
            consumer: "wiredesk-writer".to_string(),
            duplicate_window: Duration::from_secs(5 * 60),
            // A writer commits a batch well within it; one that dies mid-batch has its
            // deliveries handed to the standby this long after.
            ack_wait: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(10),
        }
    }
}

/// Why the queue could not do what was asked. Every message names the server by its
/// redacted URL (`server`), never with a password or token.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QueueError {
    #[error("NATS URL {server}: {message}")]
    BadUrl { server: String, message: String },
    #[error("NATS server {server}: cannot connect: {message}")]
    Connect { server: String, message: String },
    #[error("NATS server {server}: cannot set up stream {stream} / consumer {consumer}: {message}")]
    Setup {
        server: String,
        stream: String,
        consumer: String,
        message: String,
    },
    #[error("NATS server {server}: cannot publish {path}: {message}")]
    Publish {
        server: String,
        path: String,
        message: String,
    },
    #[error(
        "NATS server {server}: {path} is {bytes} bytes, over the server's max_payload of \
         {max_payload} (with room for headers); raise max_payload in its configuration"
    )]
    TooLarge {
        server: String,
        path: String,
        bytes: usize,
        max_payload: usize,
    },
    #[error("NATS server {server}: cannot fetch from consumer {consumer}: {message}")]
    Fetch {
        server: String,
        consumer: String,
        message: String,
    },
    #[error("NATS server {server}: cannot acknowledge {path}: {message}")]
    Ack {
        server: String,
        path: String,
        message: String,
    },
}

/// What JetStream said about a published delivery.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Published {
    /// Its sequence number in the stream (the first copy's, for a duplicate).
    pub sequence: u64,
    /// The same delivery was already stored within the duplicate window: not stored again.
    pub duplicate: bool,
}

/// A connection to the queue: its stream and durable consumer exist once this is made.
/// Cloning shares the connection.
#[derive(Clone)]
pub struct DeliveryQueue {
    client: async_nats::Client,
    jetstream: jetstream::Context,
    consumer: consumer::Consumer<consumer::pull::Config>,
    settings: QueueSettings,
    /// The URL as it may be shown.
    server: String,
}

impl std::fmt::Debug for DeliveryQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeliveryQueue")
            .field("server", &self.server)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl DeliveryQueue {
    /// Connect to the NATS server at `url` (`nats://[user:password@|token@]host:port`, several
    /// comma-separated for a cluster) and create the stream and the durable consumer, or bind
    /// to them if they exist (an existing one keeps its configuration). Fails, within
    /// `connect_timeout` plus `request_timeout`, if the server cannot be reached or has no
    /// JetStream.
    pub async fn connect(url: &str, settings: QueueSettings) -> Result<DeliveryQueue, QueueError> {
        crate::install_tls_provider();
        let server = redact_urls(url);
        let target = ServerUrls::parse(url).map_err(|message| QueueError::BadUrl {
            server: server.clone(),
            message,
        })?;
        let mut options = match &target.credentials {
            Some(Credentials::UserPassword(user, password)) => {
                ConnectOptions::with_user_and_password(user.clone(), password.clone())
            }
            Some(Credentials::Token(token)) => ConnectOptions::with_token(token.clone()),
            None => ConnectOptions::new(),
        };
        options = options
            .name("wiredesk")
            .connection_timeout(settings.connect_timeout)
            .request_timeout(Some(settings.request_timeout));
        let connect_err = |message: String| QueueError::Connect {
            server: server.clone(),
            message,
        };
        let client = tokio::time::timeout(
            settings.connect_timeout + settings.request_timeout,
            options.connect(target.addrs),
        )
        .await
        .map_err(|_| connect_err("timed out".to_string()))?
        .map_err(|e| connect_err(e.to_string()))?;

        let mut jetstream = jetstream::new(client.clone());
        jetstream.set_timeout(settings.request_timeout);
        let setup_err = |message: String| QueueError::Setup {
            server: server.clone(),
            stream: settings.stream.clone(),
            consumer: settings.consumer.clone(),
            message,
        };
        let setup = async {
            let stream = jetstream
                .get_or_create_stream(stream::Config {
                    name: settings.stream.clone(),
                    subjects: vec![settings.subject.clone()],
                    storage: stream::StorageType::File,
                    retention: stream::RetentionPolicy::WorkQueue,
                    duplicate_window: settings.duplicate_window,
                    ..Default::default()
                })
                .await
                .map_err(|e| setup_err(e.to_string()))?;
            stream
                .get_or_create_consumer(
                    &settings.consumer,
                    consumer::pull::Config {
                        durable_name: Some(settings.consumer.clone()),
                        ack_policy: consumer::AckPolicy::Explicit,
                        ack_wait: settings.ack_wait,
                        max_deliver: -1,
                        ..Default::default()
                    },
                )
                .await
                .map_err(|e| setup_err(e.to_string()))
        };
        let consumer = tokio::time::timeout(settings.request_timeout * 2, setup)
            .await
            .map_err(|_| setup_err("timed out".to_string()))??;
        Ok(DeliveryQueue {
            client,
            jetstream,
            consumer,
            settings,
            server,
        })
    }

    /// The server's URL as it may be shown (password or token masked).
    pub fn server(&self) -> &str {
        &self.server
    }

    /// Store `delivery` in the stream; returns once JetStream acknowledged it (written to the
    /// stream's file store, which the server syncs to disk on its own interval; a replicated
    /// stream acks once a quorum has it), or fails within `request_timeout` (twice it, at
    /// most) if the server cannot be reached.
    pub async fn publish(&self, delivery: &Delivery) -> Result<Published, QueueError> {
        let path = delivery.path.display().to_string();
        let max_payload = self.client.server_info().max_payload;
        if delivery.bytes.len() + HEADER_ROOM > max_payload {
            return Err(QueueError::TooLarge {
                server: self.server.clone(),
                path,
                bytes: delivery.bytes.len(),
                max_payload,
            });
        }
        let publish_err = |message: String| QueueError::Publish {
            server: self.server.clone(),
            path: path.clone(),
            message,
        };
        let mut headers = HeaderMap::new();
        headers.insert(PATH_HEADER, encode_path(&delivery.path).as_str());
        headers.insert(RECEIVED_HEADER, delivery.received.to_string().as_str());
        headers.insert(
            async_nats::header::NATS_MESSAGE_ID,
            message_id(delivery).as_str(),
        );
        let send = async {
            let ack = self
                .jetstream
                .publish_with_headers(
                    self.settings.subject.clone(),
                    headers,
                    delivery.bytes.clone().into(),
                )
                .await
                .map_err(|e| publish_err(e.to_string()))?;
            ack.await.map_err(|e| publish_err(e.to_string()))
        };
        // The context's timeout bounds the wait for the ack; this bounds the whole, queuing
        // the message on a connection that is down included.
        let ack = tokio::time::timeout(self.settings.request_timeout * 2, send)
            .await
            .map_err(|_| publish_err("timed out".to_string()))??;
        Ok(Published {
            sequence: ack.sequence,
            duplicate: ack.duplicate,
        })
    }

    /// Up to `max` deliveries from the durable consumer: waits up to `wait` for the first
    /// (none if none comes), then takes those already waiting, without waiting again. Each must be acked once committed, or
    /// it comes again after the ack wait. A message on the subject that is not a delivery
    /// (missing headers) is terminated, logged and skipped.
    pub async fn next_batch(&self, max: usize, wait: Duration) -> Result<Vec<Queued>, QueueError> {
        let fetch_err = |message: String| QueueError::Fetch {
            server: self.server.clone(),
            consumer: self.settings.consumer.clone(),
            message,
        };
        // A pull while the client is reconnecting finds nothing rather than failing: say so,
        // so the writer reports the queue as away instead of idle.
        if self.client.connection_state() != async_nats::connection::State::Connected {
            return Err(fetch_err("not connected to the server".to_string()));
        }
        // The server refuses a pull that expires too soon to be served.
        let wait = wait.max(Duration::from_millis(100));
        let fetch = async {
            // Wait for the first delivery alone, then take at once whatever else is there: a
            // pull that waited to fill the batch could be handed a delivery whose ack wait ran
            // out meanwhile a second time.
            let mut out = Vec::new();
            let first = self
                .consumer
                .batch()
                .max_messages(1)
                .expires(wait)
                .messages()
                .await
                .map_err(|e| fetch_err(e.to_string()))?;
            self.take(first, &mut out).await.map_err(&fetch_err)?;
            if out.is_empty() || max <= 1 {
                return Ok(out);
            }
            let rest = self
                .consumer
                .fetch()
                .max_messages(max - 1)
                .messages()
                .await
                .map_err(|e| fetch_err(e.to_string()))?;
            self.take(rest, &mut out).await.map_err(&fetch_err)?;
            Ok(out)
        };
        tokio::time::timeout(wait + self.settings.request_timeout, fetch)
            .await
            .map_err(|_| fetch_err("timed out".to_string()))?
    }

    /// The deliveries of one pull, appended to `out`; a message that is not a delivery is
    /// terminated (never delivered again) and logged.
    async fn take(
        &self,
        mut messages: consumer::pull::Batch,
        out: &mut Vec<Queued>,
    ) -> Result<(), String> {
        while let Some(message) = messages.next().await {
            let message = message.map_err(|e| e.to_string())?;
            match decode(&message) {
                Ok(delivery) => out.push(Queued {
                    receipt: Receipt {
                        message,
                        server: self.server.clone(),
                        path: delivery.path.display().to_string(),
                    },
                    delivery,
                }),
                Err(reason) => {
                    tracing::warn!(
                        "delivery queue {}: dropping a message that is not a delivery: {reason}",
                        self.settings.stream
                    );
                    let _ = message.ack_with(AckKind::Term).await;
                }
            }
        }
        Ok(())
    }

    /// How many deliveries the stream holds (taken but not yet acked ones included).
    pub async fn stored(&self) -> Result<u64, QueueError> {
        let err = |message: String| QueueError::Fetch {
            server: self.server.clone(),
            consumer: self.settings.consumer.clone(),
            message,
        };
        let info = async {
            let mut stream = self
                .jetstream
                .get_stream(&self.settings.stream)
                .await
                .map_err(|e| err(e.to_string()))?;
            stream
                .info()
                .await
                .map(|info| info.state.messages)
                .map_err(|e| err(e.to_string()))
        };
        tokio::time::timeout(self.settings.request_timeout * 2, info)
            .await
            .map_err(|_| err("timed out".to_string()))?
    }
}

/// A delivery taken from the queue, to be acked once committed. The two parts can be taken
/// apart (`let Queued { delivery, receipt } = queued;`) to hand the delivery on by value and
/// ack with the receipt afterwards.
pub struct Queued {
    pub delivery: Delivery,
    pub receipt: Receipt,
}

/// The bytes' length, not the bytes.
impl std::fmt::Debug for Queued {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Queued")
            .field("path", &self.delivery.path)
            .field("bytes", &self.delivery.bytes.len())
            .field("received", &self.delivery.received)
            .field("delivered", &self.receipt.delivered())
            .finish()
    }
}

impl Queued {
    /// How many times the queue has handed out this delivery (1 the first time).
    pub fn delivered(&self) -> u64 {
        self.receipt.delivered()
    }

    /// See [`Receipt::ack`].
    pub async fn ack(self) -> Result<(), QueueError> {
        self.receipt.ack().await
    }

    /// See [`Receipt::nak`].
    pub async fn nak(self, delay: Option<Duration>) -> Result<(), QueueError> {
        self.receipt.nak(delay).await
    }
}

/// What acks a delivery taken from the queue.
pub struct Receipt {
    message: jetstream::Message,
    server: String,
    /// The delivery's path, for errors.
    path: String,
}

impl std::fmt::Debug for Receipt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Receipt")
            .field("path", &self.path)
            .field("delivered", &self.delivered())
            .finish_non_exhaustive()
    }
}

impl Receipt {
    /// How many times the queue has handed out this delivery (1 the first time).
    pub fn delivered(&self) -> u64 {
        self.message
            .info()
            .map(|info| u64::try_from(info.delivered).unwrap_or(0))
            .unwrap_or(0)
    }

    /// The delivery was committed: remove it from the queue. Waits for the server to confirm
    /// (within the client's request timeout), so an `Ok` means it will not come again.
    pub async fn ack(self) -> Result<(), QueueError> {
        let result = self.message.double_ack().await;
        result.map_err(|e| self.error(e.to_string()))
    }

    /// The delivery could not be committed now: hand it out again after `delay` (at once if
    /// `None`) rather than after the ack wait.
    pub async fn nak(self, delay: Option<Duration>) -> Result<(), QueueError> {
        let result = self.message.ack_with(AckKind::Nak(delay)).await;
        result.map_err(|e| self.error(e.to_string()))
    }

    fn error(&self, message: String) -> QueueError {
        QueueError::Ack {
            server: self.server.clone(),
            path: self.path.clone(),
            message,
        }
    }
}

/// `urls` (one NATS URL or several, comma-separated) as they may be shown: each redacted.
fn redact_urls(urls: &str) -> String {
    urls.split(',')
        .map(|url| redact_url(url.trim()))
        .collect::<Vec<_>>()
        .join(",")
}

/// The message id that makes JetStream store the same delivery once within its duplicate
/// window: SHA-256 over the path and the bytes (each length-prefixed), not the arrival time.
fn message_id(delivery: &Delivery) -> String {
    let path = delivery.path.as_os_str().as_encoded_bytes();
    let mut hash = Sha256::new();
    hash.update((path.len() as u64).to_be_bytes());
    hash.update(path);
    hash.update((delivery.bytes.len() as u64).to_be_bytes());
    hash.update(&delivery.bytes);
    hex::encode(hash.finalize())
}

fn encode_path(path: &std::path::Path) -> String {
    percent_encode(path.as_os_str().as_encoded_bytes(), PATH_ENCODE).to_string()
}

fn decode_path(text: &str) -> PathBuf {
    let bytes: Vec<u8> = percent_decode_str(text).collect();
    match String::from_utf8(bytes) {
        Ok(text) => PathBuf::from(text),
        Err(e) => bytes_to_path(e.into_bytes()),
    }
}

#[cfg(unix)]
fn bytes_to_path(bytes: Vec<u8>) -> PathBuf {
    use std::os::unix::ffi::OsStringExt;
    PathBuf::from(std::ffi::OsString::from_vec(bytes))
}

#[cfg(not(unix))]
fn bytes_to_path(bytes: Vec<u8>) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(&bytes).into_owned())
}

/// The delivery a message carries, or why it carries none.
fn decode(message: &jetstream::Message) -> Result<Delivery, String> {
    let headers = message.headers.as_ref().ok_or("no headers")?;
    let path = headers
        .get(PATH_HEADER)
        .ok_or_else(|| format!("no {PATH_HEADER} header"))?;
    let received = headers
        .get(RECEIVED_HEADER)
        .ok_or_else(|| format!("no {RECEIVED_HEADER} header"))?;
    let received: Timestamp = received
        .as_str()
        .parse()
        .map_err(|e| format!("{RECEIVED_HEADER} {:?}: {e}", received.as_str()))?;
    Ok(Delivery {
        path: decode_path(path.as_str()),
        bytes: message.payload.to_vec(),
        received,
    })
}

enum Credentials {
    UserPassword(String, String),
    Token(String),
}

/// A NATS URL list with its credentials taken out.
struct ServerUrls {
    addrs: Vec<String>,
    credentials: Option<Credentials>,
}

impl ServerUrls {
    fn parse(urls: &str) -> Result<ServerUrls, String> {
        let mut addrs = Vec::new();
        let mut credentials = None;
        for url in urls.split(',').map(str::trim).filter(|u| !u.is_empty()) {
            let (scheme, rest) = match url.split_once("://") {
                Some((scheme, rest)) => (Some(scheme), rest),
                None => (None, url),
            };
            if let Some(scheme) = scheme
                && !matches!(scheme, "nats" | "tls" | "ws" | "wss")
            {
                return Err(format!(
                    "{scheme}:// is not NATS (use nats://, tls://, ws:// or wss://)"
                ));
            }
            let authority_end = rest.find('/').unwrap_or(rest.len());
            let (authority, tail) = rest.split_at(authority_end);
            let host = match authority.rsplit_once('@') {
                Some((userinfo, host)) => {
                    let decode = |s: &str| percent_decode_str(s).decode_utf8_lossy().into_owned();
                    credentials.get_or_insert(match userinfo.split_once(':') {
                        Some((user, password)) => {
                            Credentials::UserPassword(decode(user), decode(password))
                        }
                        None => Credentials::Token(decode(userinfo)),
                    });
                    host
                }
                None => authority,
            };
            if host.is_empty() {
                return Err("names no host".to_string());
            }
            addrs.push(match scheme {
                Some(scheme) => format!("{scheme}://{host}{tail}"),
                None => format!("{host}{tail}"),
            });
        }
        if addrs.is_empty() {
            return Err("names no server".to_string());
        }
        Ok(ServerUrls { addrs, credentials })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The NATS server (with JetStream) the tests use: `WIREDESK_TEST_NATS`, else the local one
    /// `scripts/test` starts.
    fn nats_url() -> String {
        std::env::var("WIREDESK_TEST_NATS").unwrap_or_else(|_| "nats://127.0.0.1:4222".into())
    }

    /// Names no other test (or run) uses.
    fn unique_settings(label: &str) -> QueueSettings {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let tag = format!("{label}_{}_{nanos}", std::process::id());
        QueueSettings {
            stream: format!("WIREDESK_TEST_{tag}"),
            subject: format!("wiredesk.test.{tag}"),
            consumer: format!("writer_{tag}"),
            ..QueueSettings::default()
        }
    }

    /// Deletes the test's stream when dropped, also when the test failed.
    struct Cleanup(String);

    impl Drop for Cleanup {
        fn drop(&mut self) {
            let stream = self.0.clone();
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                runtime.block_on(async {
                    if let Ok(client) = async_nats::connect(nats_url()).await {
                        let _ = jetstream::new(client).delete_stream(&stream).await;
                    }
                });
            })
            .join();
        }
    }

    async fn queue(settings: QueueSettings) -> (DeliveryQueue, Cleanup) {
        let cleanup = Cleanup(settings.stream.clone());
        // nats-server 2.9 (Debian's) may fail to create a stream while another test deletes
        // the last one ("could not create storage directory"): that alone is tried again.
        let mut attempts = 0;
        loop {
            attempts += 1;
            match DeliveryQueue::connect(&nats_url(), settings.clone()).await {
                Ok(queue) => return (queue, cleanup),
                Err(QueueError::Setup { message, .. })
                    if attempts < 5 && message.contains("creating store") =>
                {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => panic!("the test NATS server (scripts/test starts one) answers: {e}"),
            }
        }
    }

    fn delivery(path: &str, bytes: &[u8]) -> Delivery {
        Delivery {
            path: PathBuf::from(path),
            bytes: bytes.to_vec(),
            received: "2026-03-01T12:34:56.789012345Z".parse().unwrap(),
        }
    }

    #[tokio::test]
    async fn a_published_delivery_comes_back_whole() {
        let (queue, _cleanup) = queue(unique_settings("roundtrip")).await;
        let sent = delivery(
            "push/agency\nfeed/100% ünïcode.xml",
            b"\x00\xffbinary\r\nbytes",
        );
        let published = queue.publish(&sent).await.unwrap();
        assert!(!published.duplicate);
        let batch = queue.next_batch(10, Duration::from_secs(5)).await.unwrap();
        assert_eq!(batch.len(), 1);
        let got = &batch[0].delivery;
        assert_eq!(got.path, sent.path);
        assert_eq!(got.bytes, sent.bytes);
        assert_eq!(got.received, sent.received);
        assert_eq!(batch[0].delivered(), 1);
        for Queued { delivery, receipt } in batch {
            assert_eq!(delivery.bytes, sent.bytes);
            receipt.ack().await.unwrap();
        }
        // Acked: gone for good.
        assert_eq!(queue.stored().await.unwrap(), 0);
    }

    #[tokio::test]
    async fn an_unacked_delivery_comes_again_after_the_ack_wait_and_an_acked_one_does_not() {
        let settings = QueueSettings {
            ack_wait: Duration::from_secs(1),
            ..unique_settings("redeliver")
        };
        let (queue, _cleanup) = queue(settings).await;
        queue.publish(&delivery("a.xml", b"first")).await.unwrap();
        queue.publish(&delivery("b.xml", b"second")).await.unwrap();

        let batch = queue.next_batch(10, Duration::from_secs(5)).await.unwrap();
        let mut paths: Vec<_> = batch.iter().map(|q| q.delivery.path.clone()).collect();
        paths.sort();
        assert_eq!(paths, [PathBuf::from("a.xml"), PathBuf::from("b.xml")]);
        // Ack b; a is "lost in a crash": never acked.
        for queued in batch {
            if queued.delivery.path == std::path::Path::new("b.xml") {
                queued.ack().await.unwrap();
            }
        }

        // Well past the 1 s ack wait, a comes again, and only a.
        let mut again = Vec::new();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        while again.is_empty() && tokio::time::Instant::now() < deadline {
            again = queue.next_batch(10, Duration::from_secs(3)).await.unwrap();
        }
        assert_eq!(again.len(), 1, "{again:?}");
        assert_eq!(again[0].delivery.path, PathBuf::from("a.xml"));
        assert_eq!(again[0].delivery.bytes, b"first");
        assert!(again[0].delivered() >= 2);
        for queued in again {
            queued.ack().await.unwrap();
        }

        // Both acked: nothing more comes, even after another ack wait.
        let rest = queue.next_batch(10, Duration::from_secs(3)).await.unwrap();
        assert!(rest.is_empty(), "{rest:?}");
        assert_eq!(queue.stored().await.unwrap(), 0);
    }

    #[tokio::test]
    async fn a_nakked_delivery_comes_again_before_the_ack_wait() {
        // The default ack wait (30 s) is far longer than this test waits.
        let (queue, _cleanup) = queue(unique_settings("nak")).await;
        queue.publish(&delivery("n.xml", b"again")).await.unwrap();
        let batch = queue.next_batch(10, Duration::from_secs(5)).await.unwrap();
        assert_eq!(batch.len(), 1);
        for queued in batch {
            queued.nak(None).await.unwrap();
        }
        let again = queue.next_batch(10, Duration::from_secs(10)).await.unwrap();
        assert_eq!(again.len(), 1, "{again:?}");
        assert_eq!(again[0].delivery.bytes, b"again");
        assert_eq!(again[0].delivered(), 2);
        for queued in again {
            queued.ack().await.unwrap();
        }
    }

    #[tokio::test]
    async fn the_same_delivery_published_twice_is_stored_once() {
        let (queue, _cleanup) = queue(unique_settings("dedupe")).await;
        let first = delivery("dup.xml", b"same bytes");
        let mut resent = first.clone();
        resent.received = "2026-03-01T12:35:00Z".parse().unwrap();
        let a = queue.publish(&first).await.unwrap();
        let b = queue.publish(&resent).await.unwrap();
        assert!(!a.duplicate);
        assert!(b.duplicate);
        assert_eq!(a.sequence, b.sequence);
        // Other bytes under the same path are another delivery.
        let c = queue
            .publish(&delivery("dup.xml", b"other bytes"))
            .await
            .unwrap();
        assert!(!c.duplicate);
        assert_eq!(queue.stored().await.unwrap(), 2);

        let batch = queue.next_batch(10, Duration::from_secs(3)).await.unwrap();
        let bodies: Vec<_> = batch.iter().map(|q| q.delivery.bytes.clone()).collect();
        assert_eq!(bodies, [b"same bytes".to_vec(), b"other bytes".to_vec()]);
        assert_eq!(batch[0].delivery.received, first.received);
        for queued in batch {
            queued.ack().await.unwrap();
        }
        // Taken, committed and acked (so gone from the stream): sent again within the window,
        // it is still known.
        assert_eq!(queue.stored().await.unwrap(), 0);
        let again = queue.publish(&resent).await.unwrap();
        assert!(again.duplicate);
        assert!(
            queue
                .next_batch(10, Duration::from_millis(500))
                .await
                .unwrap()
                .is_empty()
        );
    }

    #[tokio::test]
    async fn a_delivery_over_the_servers_payload_limit_is_refused_before_sending() {
        let (queue, _cleanup) = queue(unique_settings("too_large")).await;
        let max = queue.client.server_info().max_payload;
        let err = queue
            .publish(&delivery("big.xml", &vec![b'x'; max]))
            .await
            .unwrap_err();
        assert!(matches!(err, QueueError::TooLarge { .. }), "{err}");
        assert!(err.to_string().contains("big.xml"), "{err}");
        assert_eq!(queue.stored().await.unwrap(), 0);
    }

    #[tokio::test]
    async fn no_server_is_a_clear_error_without_the_password() {
        // A port nothing listens on: bound, then freed.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = format!("nats://writer:s3cr3t-pw@127.0.0.1:{port}");
        let settings = QueueSettings {
            connect_timeout: Duration::from_secs(2),
            request_timeout: Duration::from_secs(2),
            ..unique_settings("down")
        };
        let started = std::time::Instant::now();
        let err = DeliveryQueue::connect(&url, settings).await.unwrap_err();
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "took {:?}",
            started.elapsed()
        );
        let message = err.to_string();
        assert!(matches!(err, QueueError::Connect { .. }), "{message}");
        assert!(
            message.contains(&format!("nats://writer:***@127.0.0.1:{port}")),
            "{message}"
        );
        assert!(!message.contains("s3cr3t"), "{message}");
        assert!(!format!("{err:?}").contains("s3cr3t"), "{err:?}");
    }

    /// A NATS server of the test's own, killed when dropped.
    struct OwnServer {
        child: std::process::Child,
        _dir: tempfile::TempDir,
        url: String,
    }

    impl OwnServer {
        /// Debian's `nats-server` (scripts/test installs it) with JetStream on a free port,
        /// with `extra` arguments.
        async fn start(extra: &[&str]) -> OwnServer {
            let binary = ["nats-server", "/usr/sbin/nats-server"]
                .into_iter()
                .find(|b| {
                    std::process::Command::new(b)
                        .arg("--version")
                        .output()
                        .is_ok()
                })
                .expect("nats-server installed (scripts/test installs it)");
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let dir = tempfile::tempdir().unwrap();
            let child = std::process::Command::new(binary)
                .args(["-a", "127.0.0.1", "-p", &port.to_string(), "-js", "-sd"])
                .arg(dir.path())
                .args(extra)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap();
            let url = format!("nats://127.0.0.1:{port}");
            for _ in 0..100 {
                if tokio::net::TcpStream::connect(("127.0.0.1", port))
                    .await
                    .is_ok()
                {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            OwnServer {
                child,
                _dir: dir,
                url,
            }
        }

        fn kill(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    impl Drop for OwnServer {
        fn drop(&mut self) {
            self.kill();
        }
    }

    #[tokio::test]
    async fn publishing_while_the_server_is_down_fails_without_hanging() {
        let mut server = OwnServer::start(&[]).await;
        let settings = QueueSettings {
            request_timeout: Duration::from_secs(2),
            ..unique_settings("server_gone")
        };
        let queue = DeliveryQueue::connect(&server.url, settings)
            .await
            .expect("our own nats-server answers");
        queue.publish(&delivery("up.xml", b"stored")).await.unwrap();

        server.kill();
        let started = std::time::Instant::now();
        let err = queue
            .publish(&delivery("down.xml", b"not stored"))
            .await
            .unwrap_err();
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "took {:?}",
            started.elapsed()
        );
        assert!(matches!(err, QueueError::Publish { .. }), "{err}");
        let message = err.to_string();
        assert!(message.contains("down.xml"), "{message}");
        assert!(message.contains(&server.url), "{message}");
        // Nor does the writer take an absent server for an empty queue.
        let err = queue
            .next_batch(10, Duration::from_millis(200))
            .await
            .unwrap_err();
        assert!(matches!(err, QueueError::Fetch { .. }), "{err}");
    }

    #[tokio::test]
    async fn credentials_in_the_url_sign_in_and_stay_out_of_errors() {
        let server = OwnServer::start(&["--user", "writer", "--pass", "s3cr3t"]).await;
        let port = server.url.rsplit(':').next().unwrap();
        let settings = || QueueSettings {
            connect_timeout: Duration::from_secs(2),
            request_timeout: Duration::from_secs(2),
            ..unique_settings("auth")
        };
        let good = format!("nats://writer:s3cr3t@127.0.0.1:{port}");
        let queue = DeliveryQueue::connect(&good, settings()).await.unwrap();
        assert!(!queue.server().contains("s3cr3t"), "{}", queue.server());
        assert!(!format!("{queue:?}").contains("s3cr3t"));
        queue
            .publish(&delivery("in.xml", b"signed in"))
            .await
            .unwrap();
        // A list of servers (a cluster's) signs in the same way.
        let list = format!("{good}, {good}");
        let queue = DeliveryQueue::connect(&list, settings()).await.unwrap();
        assert_eq!(
            queue.server(),
            format!("nats://writer:***@127.0.0.1:{port},nats://writer:***@127.0.0.1:{port}")
        );

        let bad = format!("nats://writer:wr0ng-pw@127.0.0.1:{port}");
        let err = DeliveryQueue::connect(&bad, settings()).await.unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, QueueError::Connect { .. }), "{message}");
        assert!(!message.contains("wr0ng-pw"), "{message}");
        assert!(message.contains("writer:***@"), "{message}");
    }

    #[test]
    fn credentials_are_taken_out_of_the_url() {
        let urls =
            ServerUrls::parse("nats://us%40er:p%3Ass@a.example:4222, tls://b.example").unwrap();
        assert_eq!(urls.addrs, ["nats://a.example:4222", "tls://b.example"]);
        match urls.credentials {
            Some(Credentials::UserPassword(user, password)) => {
                assert_eq!((user.as_str(), password.as_str()), ("us@er", "p:ss"));
            }
            _ => panic!("user and password expected"),
        }
        let token = ServerUrls::parse("nats://t0ken@localhost:4222").unwrap();
        assert_eq!(token.addrs, ["nats://localhost:4222"]);
        assert!(matches!(token.credentials, Some(Credentials::Token(t)) if t == "t0ken"));
        assert!(ServerUrls::parse("http://host").is_err());
        assert!(ServerUrls::parse(" , ").is_err());
    }

    #[test]
    fn every_url_of_a_list_is_redacted() {
        let shown = redact_urls("nats://u:pw1@a:4222, nats://tok2@b:4222");
        assert_eq!(shown, "nats://u:***@a:4222,nats://***@b:4222");
    }

    #[test]
    fn paths_survive_the_header() {
        for path in ["plain.xml", "a b/c%d\r\ne.xml", "ünï/cödé.txt"] {
            let encoded = encode_path(std::path::Path::new(path));
            assert!(!encoded.contains(['\r', '\n']), "{encoded}");
            assert_eq!(decode_path(&encoded), PathBuf::from(path));
        }
    }
}
