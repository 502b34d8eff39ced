//! The poll loop `serve` runs for every remote source: one task per source (HTTP feed, FTP
//! folder or IMAP mailbox), at once and then every interval, backing off after failures, with its health on
//! the board. The set of sources follows `DATA/sources.toml` (re-read every second) beside
//! those in the config file. What was fetched goes to a [`Sink`] — the ingest pipeline, in
//! the server — and what a poll learns (HTTP validators, FTP files taken, how far a mailbox
//! was read) is remembered in `DATA/sources-state.json` only once the sink has committed it.

use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

use crate::Delivery;
use crate::backoff;
use crate::ftp::FtpPull;
use crate::health::HealthBoard;
use crate::http::{Fetched, HttpFetcher};
use crate::imap::ImapPull;
use crate::redact::redact_text;
use crate::remote::{RemoteSource, SourceList, StateFile};

/// What became of one polled delivery, as far as the poller needs to know.
#[derive(Clone, Debug)]
pub struct Landed {
    pub path: PathBuf,
    /// Why it was refused, if it was.
    pub rejected: Option<String>,
    /// Its stories that were new or changed: a feed fetched again with the same items (no
    /// validators) adds nothing.
    pub changed_stories: usize,
}

/// Where polled deliveries go: the ingest pipeline, in the server.
pub trait Sink: Send + Sync + 'static {
    /// Ingest one batch: what became of each delivery, or why nothing was committed.
    fn ingest(
        &self,
        deliveries: Vec<Delivery>,
    ) -> impl Future<Output = Result<Vec<Landed>, String>> + Send;
}

/// Start one poller per source, and keep the set in step with `DATA/sources.toml` (checked
/// every second). A source defined in the config file wins over one of the same name in the
/// list. Each poller is its own task: a slow or failing source never holds up another.
/// Aborting the returned task stops every poller with it.
pub fn spawn_pollers<S: Sink>(
    sink: Arc<S>,
    data: &Path,
    configured: Vec<RemoteSource>,
    health: HealthBoard,
) -> tokio::task::JoinHandle<()> {
    let list_path = SourceList::path_in(data);
    let state = Arc::new(StateFile::open(&StateFile::path_in(data)));
    tokio::spawn(async move {
        let mut running: HashMap<String, (RemoteSource, Polling)> = HashMap::new();
        let mut list_error: Option<String> = None;
        loop {
            let mut wanted = configured.clone();
            match SourceList::load(&list_path) {
                Ok(list) => {
                    list_error = None;
                    for s in list.sources {
                        if !wanted.iter().any(|w| w.name == s.name) {
                            wanted.push(s);
                        }
                    }
                }
                Err(e) => {
                    // Keep polling what is running until the list can be read again.
                    let e = e.to_string();
                    if list_error.as_ref() != Some(&e) {
                        tracing::error!("source list: {}", redact_text(&e));
                        list_error = Some(e);
                    }
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            }
            let stopped: Vec<String> = running
                .iter()
                .filter(|(_, (def, _))| !wanted.contains(def))
                .map(|(name, _)| name.clone())
                .collect();
            for name in stopped {
                if let Some((_, mut task)) = running.remove(&name) {
                    task.0.abort();
                    // Wait for it to end, so it cannot write its health after the removal.
                    let _ = (&mut task.0).await;
                }
                health.remove(&name);
                tracing::info!("source {name}: stopped");
            }
            for source in wanted {
                if running.contains_key(&source.name) {
                    continue;
                }
                tracing::info!(
                    "source {}: polling {} every {} s",
                    source.name,
                    source.display_url(),
                    source.interval_secs
                );
                let task = tokio::spawn(poll(
                    sink.clone(),
                    source.clone(),
                    health.clone(),
                    state.clone(),
                ));
                running.insert(source.name.clone(), (source, Polling(task)));
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    })
}

/// One source's poller, ended when dropped: a stopped supervisor (this process is no longer
/// the site's writer) leaves no poller behind.
struct Polling(tokio::task::JoinHandle<()>);

impl Drop for Polling {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// How one source is fetched.
enum Puller {
    Http(HttpFetcher),
    /// Shared with each blocking call rather than moved into it, so the loop keeps its handle
    /// whatever the call does.
    Ftp(Arc<std::sync::Mutex<FtpPull>>),
    Imap(ImapPull),
}

/// Poll one source forever: at once, then every interval, backing off after failures.
async fn poll<S: Sink>(
    sink: Arc<S>,
    source: RemoteSource,
    health: HealthBoard,
    state: Arc<StateFile>,
) {
    let name = source.name.clone();
    health.update(&name, |h| {
        h.kind = source.kind().into();
        h.url = source.display_url();
        h.interval_secs = source.interval_secs;
    });
    let puller = if source.is_ftp() {
        FtpPull::new(&source).map(|p| Puller::Ftp(Arc::new(std::sync::Mutex::new(p))))
    } else if source.is_imap() {
        ImapPull::new(&source).map(Puller::Imap)
    } else {
        HttpFetcher::new(&source).map(Puller::Http)
    };
    let puller = match puller {
        Ok(p) => p,
        Err(e) => {
            let e = e.to_string();
            tracing::error!("source {name}: {}", redact_text(&e));
            health.update(&name, |h| h.failed("config", &e));
            return;
        }
    };
    let interval = Duration::from_secs(source.interval_secs.max(1));
    let cap = Duration::from_secs(source.max_backoff_secs);
    loop {
        let carry_on = match &puller {
            Puller::Http(fetcher) => {
                poll_http(&*sink, &source, fetcher, &health, &state).await;
                true
            }
            Puller::Ftp(pull) => poll_ftp(&*sink, &source, pull, &health, &state).await,
            Puller::Imap(pull) => {
                poll_imap(&*sink, &source, pull, &health, &state).await;
                true
            }
        };
        if !carry_on {
            return;
        }
        let failures = health
            .get(&name)
            .map(|h| h.consecutive_failures)
            .unwrap_or(0);
        let delay = backoff::jittered(interval, failures, cap);
        health.update(&name, |h| {
            h.next_attempt = SignedDuration::try_from(delay)
                .ok()
                .and_then(|d| Timestamp::now().checked_add(d).ok());
        });
        tokio::time::sleep(delay).await;
    }
}

/// FTP calls block: run one on the blocking pool.
async fn on_ftp<T: Send + 'static>(
    pull: &Arc<std::sync::Mutex<FtpPull>>,
    call: impl FnOnce(&mut FtpPull) -> T + Send + 'static,
) -> Result<T, tokio::task::JoinError> {
    let pull = pull.clone();
    tokio::task::spawn_blocking(move || call(&mut pull.lock().expect("FTP puller lock"))).await
}

/// One pull of an FTP folder: complete files not yet taken become one batch of deliveries;
/// once it is committed they are remembered as taken (and deleted, if so configured). False
/// if the poller must stop (an FTP call panicked).
async fn poll_ftp(
    sink: &impl Sink,
    source: &RemoteSource,
    pull: &Arc<std::sync::Mutex<FtpPull>>,
    health: &HealthBoard,
    state: &StateFile,
) -> bool {
    let name = &source.name;
    let taken = state.taken(name, &source.url);
    health.update(name, |h| h.fetches += 1);
    let (listed, keys) = match on_ftp(pull, move |p| (p.poll(&taken), p.listed_keys())).await {
        Ok(done) => done,
        Err(e) => {
            tracing::error!("source {name}: FTP poll panicked: {e}");
            return false;
        }
    };
    match listed {
        Err(e) => {
            tracing::warn!("source {name}: {e}");
            health.update(name, |h| h.failed(e.kind.label(), &e.message));
        }
        Ok(crate::ftp::Taken {
            files,
            refused,
            errors,
        }) => {
            for e in &errors {
                tracing::warn!("source {name}: {e}");
                health.update(name, |h| h.failed(e.kind.label(), &e.message));
            }
            for crate::ftp::Refused {
                name: file, reason, ..
            } in &refused
            {
                tracing::warn!("source {name}: {file}: {reason}");
                health.update(name, |h| {
                    h.failed("too_large", &format!("{file}: {reason}"))
                });
            }
            let mut done: Vec<String> = refused
                .iter()
                .map(|r| crate::ftp::taken_key(&r.name, r.size))
                .collect();
            let mut ok = refused.is_empty() && errors.is_empty();
            if !files.is_empty() {
                let received = Timestamp::now();
                let names: Vec<String> = files.iter().map(|f| f.name.clone()).collect();
                let keys_taken: Vec<String> = files
                    .iter()
                    .map(|f| crate::ftp::taken_key(&f.name, f.size))
                    .collect();
                let deliveries = files
                    .into_iter()
                    .map(|f| Delivery {
                        path: PathBuf::from(format!("ftp:{name}/{}", f.name)),
                        bytes: f.bytes,
                        received,
                    })
                    .collect();
                match sink.ingest(deliveries).await {
                    Ok(landed) => {
                        ok &= count_landed(name, health, &landed, "files");
                        done.extend(keys_taken);
                        if source.delete_after {
                            let deleted = match on_ftp(pull, move |p| p.delete(&names)).await {
                                Ok(done) => done,
                                Err(e) => {
                                    tracing::error!("source {name}: FTP delete panicked: {e}");
                                    return false;
                                }
                            };
                            if let Err(e) = deleted {
                                tracing::warn!("source {name}: cannot delete: {e}");
                            }
                        }
                    }
                    Err(e) => {
                        ok = false;
                        count_failed_ingest(name, health, &e);
                    }
                }
            }
            if let Err(e) = state.put_taken(name, &source.url, |k| keys.contains(k), done) {
                tracing::error!("source {name}: cannot save what was taken: {e}");
            }
            if ok {
                health.update(name, |h| h.succeeded());
            }
        }
    }
    true
}

/// One poll of a mailbox: the new messages, a batch at a time, each message one delivery.
/// Once a batch is committed, how far the mailbox was taken is remembered and the messages
/// are flagged `\Seen` (or deleted); a failed ingest leaves the mark where it was, so the
/// same messages are fetched again at the next poll.
async fn poll_imap(
    sink: &impl Sink,
    source: &RemoteSource,
    pull: &ImapPull,
    health: &HealthBoard,
    state: &StateFile,
) {
    let name = &source.name;
    let mut ok = true;
    loop {
        let mark = state.imap_mark(name, &source.url);
        health.update(name, |h| h.fetches += 1);
        let mail = match pull.new_mail(mark).await {
            Ok(mail) => mail,
            Err(e) => {
                tracing::warn!("source {name}: {e}");
                health.update(name, |h| h.failed(e.kind.label(), &e.message));
                return;
            }
        };
        if mail.renumbered {
            tracing::warn!(
                "source {name}: mailbox {} was renumbered (UIDVALIDITY {}); its messages are \
                 taken again, and what was taken before is recognised by its Message-ID",
                pull.mailbox(),
                mail.uid_validity
            );
        }
        for refused in &mail.refused {
            ok = false;
            tracing::warn!("source {name}: {}", refused.reason);
            health.update(name, |h| h.failed("too_large", &refused.reason));
        }
        // Refused messages are passed by the mark but left as they are in the mailbox: with
        // `delete_after`, settling them would delete the only copy of what the desk never got.
        let taken: Vec<u32> = mail.messages.iter().map(|m| m.uid).collect();
        let passed = !taken.is_empty() || !mail.refused.is_empty();
        if !mail.messages.is_empty() {
            let received = Timestamp::now();
            let deliveries = mail
                .messages
                .iter()
                .map(|m| Delivery {
                    path: PathBuf::from(format!("imap:{name}/{}/{}.eml", pull.mailbox(), m.uid)),
                    bytes: m.bytes.clone(),
                    received,
                })
                .collect();
            match sink.ingest(deliveries).await {
                Ok(landed) => ok &= count_landed(name, health, &landed, "messages"),
                Err(e) => {
                    count_failed_ingest(name, health, &e);
                    return;
                }
            }
        }
        if passed && let Err(e) = state.put_imap_mark(name, &source.url, mail.mark(mark)) {
            tracing::error!("source {name}: cannot save how far the mailbox was taken: {e}");
        }
        // The mark is the truth; the flags only show a person what the desk has taken. A
        // failure is shown on the desk all the same (a `delete_after` the server refuses).
        if !taken.is_empty()
            && let Err(e) = pull.settle(&taken).await
        {
            ok = false;
            tracing::warn!("source {name}: cannot flag the messages taken: {e}");
            health.update(name, |h| h.failed("settle", &e.message));
        }
        if !mail.more {
            break;
        }
    }
    if ok {
        health.update(name, |h| h.succeeded());
    }
}

/// One fetch; its body, if any, becomes one delivery through the sink. The validators are
/// remembered only once the body's stories are committed (or it is refused for good), so a
/// failed ingest means the feed is fetched in full again.
async fn poll_http(
    sink: &impl Sink,
    source: &RemoteSource,
    fetcher: &HttpFetcher,
    health: &HealthBoard,
    state: &StateFile,
) {
    let name = &source.name;
    let validators = state.get(name, &source.url);
    health.update(name, |h| h.fetches += 1);
    match fetcher.fetch(&validators).await {
        Ok(Fetched::NotModified) => {
            tracing::debug!("source {name}: not modified");
            health.update(name, |h| {
                h.not_modified += 1;
                h.succeeded();
            });
        }
        Ok(Fetched::Body { bytes, validators }) => {
            let received = Timestamp::now();
            let delivery = Delivery {
                path: PathBuf::from(format!("http:{name}/{received}")),
                bytes,
                received,
            };
            match sink.ingest(vec![delivery]).await {
                Ok(landed) => {
                    let stories = changed_stories(&landed);
                    let rejected = landed.iter().find_map(|l| l.rejected.clone());
                    match &rejected {
                        Some(reason) => tracing::warn!("source {name}: rejected: {reason}"),
                        None => tracing::info!("source {name}: {stories} stories"),
                    }
                    health.update(name, |h| {
                        h.deliveries += 1;
                        h.stories += stories as u64;
                        match &rejected {
                            Some(reason) => {
                                h.failed("rejected", &format!("the feed was rejected: {reason}"))
                            }
                            None => h.succeeded(),
                        }
                    });
                    if let Err(e) = state.put(name, &source.url, validators) {
                        tracing::error!("source {name}: cannot save its validators: {e}");
                    }
                }
                Err(e) => {
                    tracing::error!("source {name}: ingest failed, will fetch again: {e}");
                    health.update(name, |h| {
                        h.failed("ingest", &format!("ingest failed, will fetch again: {e}"))
                    });
                }
            }
        }
        Err(e) => {
            tracing::warn!("source {name}: {e}");
            health.update(name, |h| h.failed(e.kind.label(), &e.message));
        }
    }
}

/// A pull of several files (FTP) or messages (IMAP) that the pipeline took: counted on the
/// source's health, each rejected one reported. Whether none was rejected.
fn count_landed(name: &str, health: &HealthBoard, landed: &[Landed], unit: &str) -> bool {
    let stories = changed_stories(landed);
    tracing::info!("source {name}: {} {unit}, {stories} stories", landed.len());
    health.update(name, |h| {
        h.deliveries += landed.len() as u64;
        h.stories += stories as u64;
    });
    let mut none_rejected = true;
    for (l, reason) in landed
        .iter()
        .filter_map(|l| l.rejected.as_ref().map(|r| (l, r)))
    {
        none_rejected = false;
        health.update(name, |h| {
            h.failed(
                "rejected",
                &format!("{} was rejected: {reason}", l.path.display()),
            )
        });
    }
    none_rejected
}

/// The pipeline failed on a pull's files or messages; they stay where they are.
fn count_failed_ingest(name: &str, health: &HealthBoard, e: &dyn std::fmt::Display) {
    tracing::error!("source {name}: ingest failed, will take again: {e}");
    health.update(name, |h| {
        h.failed("ingest", &format!("ingest failed, will take again: {e}"))
    });
}

/// Stories in the deliveries that brought something new or changed.
fn changed_stories(landed: &[Landed]) -> usize {
    landed.iter().map(|l| l.changed_stories).sum()
}
