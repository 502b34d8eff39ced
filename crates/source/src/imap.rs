//! IMAP pull: a mailbox on an agency's or the newsroom's mail server, polled for new messages
//! (`imap://user:password@host:143/INBOX`, or `imaps://…:993/…` with TLS from the first
//! byte). Each new message is fetched whole (`BODY.PEEK[]`, so fetching marks nothing) and
//! handed on as one delivery. The caller remembers the mailbox's UIDVALIDITY and the highest
//! UID whose stories are committed (`remote::StateFile`), and only then has the messages
//! flagged `\Seen` (and deleted, with `delete_after`): a crash in between means they are taken
//! again, never lost.
//!
//! Each call is one connection, opened and logged out within the source's timeout.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use async_imap::Session;
use futures_util::StreamExt;
use rustls::ClientConfig;
use rustls::pki_types::ServerName;
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

use crate::SourceError;
use crate::http::{FailureKind, FetchError};
use crate::remote::RemoteSource;

/// Messages fetched per round: a mailbox of thousands is taken in batches, each committed
/// (and remembered) before the next is fetched.
pub const BATCH: usize = 25;

/// Where a mailbox was last read up to: UIDs are only comparable under one UIDVALIDITY.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    pub uid_validity: u32,
    /// The highest UID taken (committed, or refused for good).
    pub last_uid: u32,
}

/// One message, whole.
#[derive(Debug)]
pub struct MailMessage {
    pub uid: u32,
    pub bytes: Vec<u8>,
}

/// A new message that was not taken, and why (it counts as taken all the same).
#[derive(Debug)]
pub struct Refused {
    pub uid: u32,
    pub reason: String,
}

/// What one round found after the mark.
#[derive(Debug)]
pub struct NewMail {
    pub uid_validity: u32,
    pub messages: Vec<MailMessage>,
    pub refused: Vec<Refused>,
    /// More new messages wait beyond this batch.
    pub more: bool,
    /// The mailbox was renumbered (a new UIDVALIDITY): everything in it counts as new again.
    pub renumbered: bool,
}

impl NewMail {
    /// The mark once every message of this round is taken.
    pub fn mark(&self, before: Option<Mark>) -> Mark {
        let last = self
            .messages
            .iter()
            .map(|m| m.uid)
            .chain(self.refused.iter().map(|r| r.uid))
            .max();
        let previous = before
            .filter(|m| m.uid_validity == self.uid_validity)
            .map_or(0, |m| m.last_uid);
        Mark {
            uid_validity: self.uid_validity,
            last_uid: last.unwrap_or(0).max(previous),
        }
    }
}

/// An IMAP source: where the mailbox is and how to log in.
pub struct ImapPull {
    source: RemoteSource,
    host: String,
    port: u16,
    user: String,
    password: String,
    mailbox: String,
    tls: Option<Arc<ClientConfig>>,
}

fn imap_error(what: &str, e: impl std::fmt::Display) -> FetchError {
    FetchError::new(FailureKind::Network, format!("IMAP {what}: {e}"))
}

impl ImapPull {
    pub fn new(source: &RemoteSource) -> Result<ImapPull, SourceError> {
        source.check()?;
        let url = reqwest::Url::parse(&source.url).map_err(|e| SourceError::Url {
            name: source.name.clone(),
            message: crate::redact::redact_text(&e.to_string()),
        })?;
        let (tls, default_port) = match url.scheme() {
            "imap" => (None, 143),
            "imaps" => (Some(crate::tls::config(source)?), 993),
            other => {
                return Err(SourceError::NotImap {
                    name: source.name.clone(),
                    scheme: other.to_string(),
                });
            }
        };
        let host = url
            .host_str()
            .ok_or_else(|| SourceError::NoHost(source.name.clone()))?
            // An IPv6 literal comes bracketed.
            .trim_matches(['[', ']'])
            .to_string();
        if url.username().is_empty() {
            return Err(SourceError::NoLogin(source.name.clone()));
        }
        let mailbox = decode(url.path().trim_start_matches('/'));
        Ok(ImapPull {
            source: source.clone(),
            host,
            port: url.port().unwrap_or(default_port),
            user: decode(url.username()),
            password: url.password().map(decode).unwrap_or_default(),
            mailbox: if mailbox.is_empty() {
                "INBOX".into()
            } else {
                mailbox
            },
            tls,
        })
    }

    /// The mailbox this source reads.
    pub fn mailbox(&self) -> &str {
        &self.mailbox
    }

    fn deadline(&self) -> Duration {
        Duration::from_secs(self.source.timeout_secs.max(1))
    }

    /// `work` on a logged-in session, logged out after, all within the source's timeout.
    async fn within<T>(
        &self,
        work: impl AsyncFnOnce(&mut Session<Connection>) -> Result<T, FetchError>,
    ) -> Result<T, FetchError> {
        let session = async {
            let mut session = self.login().await?;
            let out = work(&mut session).await;
            // The answer is in hand; a server that hangs up first changes nothing.
            let _ = session.logout().await;
            out
        };
        match tokio::time::timeout(self.deadline(), session).await {
            Ok(out) => out,
            Err(_) => Err(FetchError::new(
                FailureKind::Deadline,
                format!(
                    "IMAP: no answer within the source's timeout of {} s",
                    self.deadline().as_secs()
                ),
            )),
        }
    }

    async fn login(&self) -> Result<Session<Connection>, FetchError> {
        let tcp = TcpStream::connect((self.host.as_str(), self.port))
            .await
            .map_err(|e| imap_error("connect", format!("{}:{}: {e}", self.host, self.port)))?;
        let stream = match &self.tls {
            None => Connection::Plain(tcp),
            Some(config) => {
                let name = ServerName::try_from(self.host.clone()).map_err(|e| {
                    imap_error("TLS", format!("{} is no server name: {e}", self.host))
                })?;
                let tls = tokio_rustls::TlsConnector::from(config.clone())
                    .connect(name, tcp)
                    .await
                    .map_err(|e| imap_error("TLS", format!("cannot secure the connection: {e}")))?;
                Connection::Tls(Box::new(tls))
            }
        };
        let mut client = async_imap::Client::new(stream);
        match client.read_response().await {
            Ok(Some(_greeting)) => {}
            Err(e) => return Err(imap_error("greeting", e)),
            Ok(None) => return Err(imap_error("greeting", "the server closed the connection")),
        }
        client
            .login(&self.user, &self.password)
            .await
            .map_err(|(e, _)| imap_error("login", e))
    }

    /// New messages after `mark`, oldest first, at most `BATCH`, each whole; those over the
    /// source's size limit are refused unfetched.
    pub async fn new_mail(&self, mark: Option<Mark>) -> Result<NewMail, FetchError> {
        let limit = self.source.body_limit();
        self.within(async |session| new_mail_in(session, &self.mailbox, mark, limit).await)
            .await
    }

    /// The messages' stories are committed: flag them `\Seen` (and, with `delete_after`,
    /// delete them), so the mailbox shows what the desk has taken.
    pub async fn settle(&self, uids: &[u32]) -> Result<(), FetchError> {
        if uids.is_empty() {
            return Ok(());
        }
        let delete = self.source.delete_after;
        self.within(async |session| settle_in(session, &self.mailbox, uids, delete).await)
            .await
    }
}

async fn new_mail_in(
    session: &mut Session<Connection>,
    mailbox: &str,
    mark: Option<Mark>,
    limit: u64,
) -> Result<NewMail, FetchError> {
    // Read-only: taking a message must not change the mailbox until it is committed.
    let selected = session
        .examine(mailbox)
        .await
        .map_err(|e| imap_error(&format!("mailbox {mailbox}"), e))?;
    let uid_validity = selected.uid_validity.unwrap_or(0);
    let renumbered = mark.is_some_and(|m| m.uid_validity != uid_validity);
    let after = mark
        .filter(|m| m.uid_validity == uid_validity)
        .map_or(0, |m| m.last_uid);
    let found: HashSet<u32> = session
        .uid_search(format!("UID {}:*", after.saturating_add(1)))
        .await
        .map_err(|e| imap_error("search", e))?;
    // `N:*` always names the highest UID, even one below N.
    let mut uids: Vec<u32> = found.into_iter().filter(|u| *u > after).collect();
    uids.sort_unstable();
    let more = uids.len() > BATCH;
    uids.truncate(BATCH);
    let mut out = NewMail {
        uid_validity,
        messages: Vec::new(),
        refused: Vec::new(),
        more,
        renumbered,
    };
    if uids.is_empty() {
        return Ok(out);
    }
    let sizes = fetch_all(session, &uid_set(&uids), "(UID RFC822.SIZE)").await?;
    let mut wanted = Vec::new();
    for uid in &uids {
        match sizes.iter().find(|(u, _, _)| u == uid).and_then(|f| f.1) {
            Some(size) if u64::from(size) > limit => out.refused.push(Refused {
                uid: *uid,
                reason: format!("message {uid} is {size} bytes; the limit is {limit}; not taken"),
            }),
            _ => wanted.push(*uid),
        }
    }
    if wanted.is_empty() {
        return Ok(out);
    }
    let bodies = fetch_all(session, &uid_set(&wanted), "(UID BODY.PEEK[])").await?;
    for uid in wanted {
        // The response with the body: another client's flag change may answer for the same
        // UID first, without one.
        let body = bodies
            .iter()
            .find_map(|(u, _, b)| (*u == uid).then_some(b.as_ref()).flatten());
        match body {
            Some(bytes) if bytes.len() as u64 > limit => out.refused.push(Refused {
                uid,
                reason: format!("message {uid} passed the limit of {limit} bytes; not taken"),
            }),
            Some(bytes) => out.messages.push(MailMessage {
                uid,
                bytes: bytes.clone(),
            }),
            // Expunged since the search: nothing to take.
            None => {}
        }
    }
    Ok(out)
}

async fn settle_in(
    session: &mut Session<Connection>,
    mailbox: &str,
    uids: &[u32],
    delete: bool,
) -> Result<(), FetchError> {
    session
        .select(mailbox)
        .await
        .map_err(|e| imap_error(&format!("mailbox {mailbox}"), e))?;
    let set = uid_set(uids);
    let flags = if delete {
        "+FLAGS.SILENT (\\Seen \\Deleted)"
    } else {
        "+FLAGS.SILENT (\\Seen)"
    };
    drain(session.uid_store(&set, flags).await, "store flags").await?;
    if delete {
        drain(session.uid_expunge(&set).await, "expunge").await?;
    }
    Ok(())
}

/// `1,4,7`: a UID set.
fn uid_set(uids: &[u32]) -> String {
    uids.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// Every answer of a UID FETCH: UID, RFC822.SIZE and the whole body, where asked for.
async fn fetch_all(
    session: &mut Session<Connection>,
    set: &str,
    items: &str,
) -> Result<Vec<(u32, Option<u32>, Option<Vec<u8>>)>, FetchError> {
    let mut stream = session
        .uid_fetch(set, items)
        .await
        .map_err(|e| imap_error("fetch", e))?;
    let mut out = Vec::new();
    while let Some(fetch) = stream.next().await {
        let fetch = fetch.map_err(|e| imap_error("fetch", e))?;
        if let Some(uid) = fetch.uid {
            out.push((uid, fetch.size, fetch.body().map(<[u8]>::to_vec)));
        }
    }
    Ok(out)
}

/// Read a command's answers to the end, so the session is ready for the next one.
async fn drain<S, T, E>(stream: Result<S, E>, what: &str) -> Result<(), FetchError>
where
    S: futures_util::Stream<Item = Result<T, E>>,
    E: std::fmt::Display,
{
    let stream = stream.map_err(|e| imap_error(what, e))?;
    let mut stream = std::pin::pin!(stream);
    while let Some(answer) = stream.next().await {
        answer.map_err(|e| imap_error(what, e))?;
    }
    Ok(())
}

/// Percent-decoding for the user, password and mailbox of an IMAP URL.
fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// The connection under a session: plain TCP, or TLS over it.
#[derive(Debug)]
enum Connection {
    Plain(TcpStream),
    Tls(Box<tokio_rustls::client::TlsStream<TcpStream>>),
}

impl AsyncRead for Connection {
    fn poll_read(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        match self.get_mut() {
            Connection::Plain(s) => std::pin::Pin::new(s).poll_read(cx, buf),
            Connection::Tls(s) => std::pin::Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Connection {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        match self.get_mut() {
            Connection::Plain(s) => std::pin::Pin::new(s).poll_write(cx, buf),
            Connection::Tls(s) => std::pin::Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        match self.get_mut() {
            Connection::Plain(s) => std::pin::Pin::new(s).poll_flush(cx),
            Connection::Tls(s) => std::pin::Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        match self.get_mut() {
            Connection::Plain(s) => std::pin::Pin::new(s).poll_shutdown(cx),
            Connection::Tls(s) => std::pin::Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Dovecot;

    fn message(n: usize) -> Vec<u8> {
        format!(
            "From: Desk Test <desk@wire.example>\r\nTo: desk@news.example\r\n\
             Subject: Message {n}\r\nMessage-ID: <m{n}@wire.example>\r\n\
             Date: Fri, 6 Nov 2026 09:00:00 +0000\r\n\r\nCopy number {n}.\r\n"
        )
        .into_bytes()
    }

    fn source(url: &str) -> RemoteSource {
        let mut s = RemoteSource::new("mail", url);
        s.timeout_secs = 20;
        s
    }

    #[test]
    fn the_url_gives_the_login_mailbox_and_port() {
        let pull =
            ImapPull::new(&source("imap://desk%40wire:p%3Ass@127.0.0.1/Wire%20Copy")).unwrap();
        assert_eq!(pull.user, "desk@wire");
        assert_eq!(pull.password, "p:ss");
        assert_eq!((pull.port, pull.mailbox()), (143, "Wire Copy"));
        assert!(pull.tls.is_none());
        let pull = ImapPull::new(&source("imaps://desk:pw@127.0.0.1")).unwrap();
        assert_eq!((pull.port, pull.mailbox()), (993, "INBOX"));
        assert!(pull.tls.is_some());
        let Err(err) = ImapPull::new(&source("imap://127.0.0.1/INBOX")) else {
            panic!("a mailbox needs a login")
        };
        assert!(err.to_string().contains("names the user"), "{err}");
    }

    #[tokio::test]
    async fn new_messages_are_taken_whole_once_and_flagged_only_when_settled() {
        let dovecot = Dovecot::start();
        for n in 1..=3 {
            dovecot.append("INBOX", &message(n));
        }
        let pull = ImapPull::new(&source(&dovecot.url("INBOX"))).unwrap();
        let mail = pull.new_mail(None).await.unwrap();
        assert_eq!(mail.messages.len(), 3, "{mail:?}");
        assert!(!mail.more && !mail.renumbered && mail.refused.is_empty());
        assert_eq!(mail.messages[0].bytes, message(1), "fetched whole, as sent");
        assert!(
            dovecot
                .flags("INBOX")
                .iter()
                .all(|(_, f)| !f.contains("\\Seen")),
            "fetching marks nothing: {:?}",
            dovecot.flags("INBOX")
        );
        let mark = mail.mark(None);
        assert_eq!(mark.last_uid, 3);
        pull.settle(&[1, 2, 3]).await.unwrap();
        assert!(
            dovecot
                .flags("INBOX")
                .iter()
                .all(|(_, f)| f.contains("\\Seen")),
            "{:?}",
            dovecot.flags("INBOX")
        );
        assert!(pull.new_mail(Some(mark)).await.unwrap().messages.is_empty());
        dovecot.append("INBOX", &message(4));
        let mail = pull.new_mail(Some(mark)).await.unwrap();
        assert_eq!(mail.messages.len(), 1);
        assert_eq!(mail.messages[0].bytes, message(4));
        // Another UIDVALIDITY: the mailbox was renumbered, everything in it is new again.
        let stale = Mark {
            uid_validity: mark.uid_validity.wrapping_add(1),
            last_uid: 4,
        };
        let mail = pull.new_mail(Some(stale)).await.unwrap();
        assert!(mail.renumbered);
        assert_eq!(mail.messages.len(), 4);
    }

    #[tokio::test]
    async fn a_full_mailbox_comes_in_batches_and_large_messages_are_refused_unfetched() {
        let dovecot = Dovecot::start();
        for n in 1..=BATCH + 2 {
            dovecot.append("Wire", &message(n));
        }
        let mut s = source(&dovecot.url("Wire"));
        s.max_bytes = message(1).len() as u64 + 2;
        // Message 10 and above are a byte longer than the limit allows.
        let pull = ImapPull::new(&s).unwrap();
        let first = pull.new_mail(None).await.unwrap();
        assert!(first.more);
        assert_eq!(first.messages.len() + first.refused.len(), BATCH);
        assert_eq!(first.messages.len(), 9, "{:?}", first.refused);
        assert!(
            first.refused[0].reason.contains("the limit is"),
            "{:?}",
            first.refused
        );
        let mark = first.mark(None);
        assert_eq!(mark.last_uid, BATCH as u32);
        let second = pull.new_mail(Some(mark)).await.unwrap();
        assert!(!second.more);
        assert_eq!(second.refused.len(), 2);
    }

    #[tokio::test]
    async fn imaps_is_taken_with_the_sources_ca_and_an_unknown_one_is_refused() {
        let dovecot = Dovecot::start();
        dovecot.append("INBOX", &message(1));
        let mut trusted = source(&dovecot.tls_url("INBOX"));
        trusted.ca_file = Some(dovecot.ca_file());
        let mail = ImapPull::new(&trusted)
            .unwrap()
            .new_mail(None)
            .await
            .unwrap();
        assert_eq!(mail.messages.len(), 1);

        let err = ImapPull::new(&source(&dovecot.tls_url("INBOX")))
            .unwrap()
            .new_mail(None)
            .await
            .unwrap_err();
        assert!(
            err.message.contains("cannot secure the connection"),
            "{err}"
        );

        let mut wrong = source(&dovecot.url("INBOX").replace(&dovecot.password, "wrong-pw"));
        wrong.timeout_secs = 20;
        let err = ImapPull::new(&wrong)
            .unwrap()
            .new_mail(None)
            .await
            .unwrap_err();
        assert!(err.message.contains("IMAP login"), "{err}");
        assert!(!err.message.contains("wrong-pw"), "{err}");
    }

    /// What the poller handed on, as a pipeline would see it; it can be told to fail.
    #[derive(Default)]
    struct Recorder {
        taken: std::sync::Mutex<Vec<Vec<u8>>>,
        fail: std::sync::atomic::AtomicBool,
    }

    impl crate::poller::Sink for Recorder {
        async fn ingest(
            &self,
            deliveries: Vec<crate::Delivery>,
        ) -> Result<Vec<crate::poller::Landed>, String> {
            if self.fail.load(std::sync::atomic::Ordering::SeqCst) {
                return Err("the store is down".into());
            }
            let mut taken = self.taken.lock().unwrap();
            Ok(deliveries
                .into_iter()
                .map(|d| {
                    taken.push(d.bytes);
                    crate::poller::Landed {
                        path: d.path,
                        rejected: None,
                        changed_stories: 1,
                    }
                })
                .collect())
        }
    }

    async fn taken_count(sink: &Recorder, n: usize) -> Vec<Vec<u8>> {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            let taken = sink.taken.lock().unwrap().clone();
            if taken.len() >= n || std::time::Instant::now() > deadline {
                return taken;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    #[tokio::test]
    async fn the_poller_hands_each_message_on_once_across_a_failed_ingest_and_a_restart() {
        let dovecot = Dovecot::start();
        let data = tempfile::tempdir().unwrap();
        let mut list = crate::remote::SourceList::default();
        let mut s = source(&dovecot.url("INBOX"));
        s.interval_secs = 1;
        list.sources.push(s);
        list.save(&crate::remote::SourceList::path_in(data.path()))
            .unwrap();
        dovecot.append("INBOX", &message(1));
        dovecot.append("INBOX", &message(2));

        let sink = std::sync::Arc::new(Recorder::default());
        sink.fail.store(true, std::sync::atomic::Ordering::SeqCst);
        let health = crate::health::HealthBoard::default();
        let pollers =
            crate::poller::spawn_pollers(sink.clone(), data.path(), Vec::new(), health.clone());
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while health
            .get("mail")
            .is_none_or(|h| !h.failures_by_reason.contains_key("ingest"))
        {
            assert!(std::time::Instant::now() < deadline, "no failed ingest");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(
            dovecot
                .flags("INBOX")
                .iter()
                .all(|(_, f)| !f.contains("\\Seen"))
        );
        sink.fail.store(false, std::sync::atomic::Ordering::SeqCst);
        assert_eq!(taken_count(&sink, 2).await, [message(1), message(2)]);
        // The flags follow the saved mark; a poller stopped between the two leaves them unset
        // (the mark is the truth), so the restart below waits for them.
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while !dovecot
            .flags("INBOX")
            .iter()
            .all(|(_, f)| f.contains("\\Seen"))
        {
            assert!(
                std::time::Instant::now() < deadline,
                "messages never flagged"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        pollers.abort();
        let _ = pollers.await;

        dovecot.append("INBOX", &message(3));
        let pollers =
            crate::poller::spawn_pollers(sink.clone(), data.path(), Vec::new(), health.clone());
        assert_eq!(taken_count(&sink, 3).await.len(), 3);
        // A few more polls: nothing is handed on twice.
        tokio::time::sleep(Duration::from_secs(3)).await;
        pollers.abort();
        let taken = sink.taken.lock().unwrap().clone();
        assert_eq!(taken, [message(1), message(2), message(3)]);
        let flags = dovecot.flags("INBOX");
        assert!(flags.iter().all(|(_, f)| f.contains("\\Seen")), "{flags:?}");
        let h = health.get("mail").unwrap();
        assert_eq!((h.kind.as_str(), h.deliveries), ("imap", 3));
        assert!(!h.url.contains(&dovecot.password), "{}", h.url);
    }
}
