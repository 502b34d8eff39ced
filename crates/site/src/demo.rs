//! `wiredesk demo`: a fresh site loaded with the bundled sample corpus (`demo/corpus/`), whose
//! timestamps are placeholders relative to the moment it loads, so the demo always looks live.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};
use jiff::{SignedDuration, Timestamp};
use regex::Regex;
use wiredesk_source::Delivery;

use crate::serve::{Address, Role, listen, serve};
use crate::site::{Database, Site};

static CORPUS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/demo/corpus");

/// `T-26h` → 26 hours before `now`.
fn offset(spec: &str, now: Timestamp) -> Option<Timestamp> {
    let rest = spec.strip_prefix("T-")?;
    let (n, unit) = rest.split_at(rest.len().checked_sub(1)?);
    let n: i64 = n.parse().ok()?;
    let secs = match unit {
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        _ => return None,
    };
    now.checked_sub(SignedDuration::from_secs(secs)).ok()
}

/// Replace every `{{T-<n><unit>:<fmt>}}` in `text`; unknown placeholders are left visible so a
/// mistake in the corpus shows on the page rather than vanishing.
pub fn render_placeholders(text: &str, now: Timestamp) -> String {
    let re = Regex::new(r"\{\{(T-\d+[mhd]):(rfc3339|rfc2822|dateline)\}\}").expect("valid regex");
    re.replace_all(text, |caps: &regex::Captures<'_>| {
        let Some(t) = offset(&caps[1], now) else {
            return caps[0].to_string();
        };
        match &caps[2] {
            "rfc3339" => t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
            "rfc2822" => t.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string(),
            _ => t.strftime("%b %-d").to_string(),
        }
    })
    .into_owned()
}

/// The corpus as deliveries, oldest first within each name, arrival times resolved.
pub fn corpus_deliveries(now: Timestamp) -> Vec<Delivery> {
    let mut files: Vec<_> = CORPUS
        .files()
        .filter(|f| f.path().extension().is_some_and(|e| e != "md"))
        .collect();
    files.sort_by_key(|f| f.path().to_path_buf());
    files
        .into_iter()
        .map(|f| {
            let text = f.contents_utf8().unwrap_or_default();
            let (received, body) = match text.strip_prefix("@received ") {
                Some(rest) => {
                    let (spec, body) = rest.split_once('\n').unwrap_or((rest, ""));
                    (offset(spec.trim(), now).unwrap_or(now), body)
                }
                None => (now, text),
            };
            Delivery {
                path: PathBuf::from("demo").join(f.path()),
                bytes: render_placeholders(body, now).into_bytes(),
                received,
            }
        })
        .collect()
}

pub fn default_data_dir() -> anyhow::Result<(PathBuf, Option<tempfile::TempDir>)> {
    let dir = tempfile::Builder::new()
        .prefix("wiredesk-demo-")
        .tempdir()?;
    Ok((dir.path().to_path_buf(), Some(dir)))
}

pub fn write_demo_config(data: &Path, base_url: &str) -> anyhow::Result<()> {
    let path = data.join("wiredesk.toml");
    if path.exists() {
        return Ok(());
    }
    let mut config = crate::config::Config::default();
    config.site.name = "Wiredesk Demo Times".into();
    config.site.base_url = base_url.trim_end_matches('/').to_string();
    config.save(&path)
}

/// `wiredesk demo`: load the corpus into `data` (default: a fresh temporary folder, removed
/// on exit), make a desk account, and serve at `addr` until Ctrl-C.
pub async fn run(addr: SocketAddr, data: Option<PathBuf>) -> anyhow::Result<()> {
    // First, so a busy port stops the demo before it loads the corpus or prints a desk
    // password, which would be taken for the other process's.
    let listener = listen(addr).await?;
    let addr = listener.local_addr()?;
    let (data, _temporary) = match data {
        Some(d) => (d, None),
        None => default_data_dir()?,
    };
    std::fs::create_dir_all(&data)?;
    write_demo_config(&data, &format!("http://{addr}"))?;
    // The demo stays embedded: SQLite in its own folder, whatever the environment says.
    let site = Site::open(&data, None, &Database::default()).await?;
    let reports = site
        .pipeline
        .ingest_batch(corpus_deliveries(Timestamp::now()))
        .await?;
    let mut tally = wiredesk_ingest::Tally::default();
    for r in &reports {
        tally.add(r);
        if let Some(reason) = &r.reason {
            eprintln!("demo corpus: {} rejected: {reason}", r.path.display());
        }
    }
    println!("demo corpus: {}", crate::ingest::summary_line(&tally));
    // A fresh admin account each run, so the desk can be tried at once.
    let password = wiredesk_desk::auth::random_token()[..16].to_string();
    site.accounts
        .put_user(
            "demo",
            wiredesk_store::accounts::Role::Admin,
            &wiredesk_desk::auth::hash_password(&password),
        )
        .await?;
    println!("wire desk: http://{addr}/desk (user demo, password {password})");
    println!("data folder: {}", data.display());
    serve(
        site,
        Address::Taken(listener),
        Role::All,
        "Wiredesk demo running at",
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_resolve_relative_to_now() {
        let now: Timestamp = "2026-11-28T08:00:00Z".parse().unwrap();
        assert_eq!(
            render_placeholders("{{T-2h:rfc3339}}", now),
            "2026-11-28T06:00:00Z"
        );
        assert_eq!(
            render_placeholders("{{T-1d:rfc2822}}", now),
            "Fri, 27 Nov 2026 08:00:00 +0000"
        );
        assert_eq!(
            render_placeholders("Seoul, {{T-30m:dateline}} (IANS)", now),
            "Seoul, Nov 28 (IANS)"
        );
        assert_eq!(
            render_placeholders("{{T-2x:rfc3339}}", now),
            "{{T-2x:rfc3339}}"
        );
    }

    #[test]
    fn the_corpus_is_big_enough_and_fully_resolved() {
        let now = Timestamp::now();
        let deliveries = corpus_deliveries(now);
        assert!(deliveries.len() >= 40, "{} files", deliveries.len());
        for d in &deliveries {
            // Filled in, every file reads as wire copy: no placeholder is left for the
            // decoders' template refusal to find.
            if let Err(e) = wiredesk_ingest::Pipeline::readable(&d.bytes) {
                panic!("{}: {e}", d.path.display());
            }
            assert!(d.received <= now);
        }
    }

    #[test]
    fn the_corpus_files_as_they_stand_are_refused_as_wire_copy() {
        for file in CORPUS.files() {
            let reason = match wiredesk_ingest::Pipeline::readable(file.contents()) {
                Ok(()) => panic!("{} reads as wire copy", file.path().display()),
                Err(e) => e.to_string(),
            };
            assert!(
                reason.starts_with("a demo corpus template, not wire copy")
                    || reason.starts_with("a Markdown document"),
                "{}: {reason}",
                file.path().display()
            );
        }
    }
}
