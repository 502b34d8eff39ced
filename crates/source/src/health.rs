//! Per-source health, kept in memory by the running server: when a source last worked, its
//! last error, and counters. Shown on the desk's sources page and at `/metrics` (Prometheus
//! text format).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{Arc, Mutex};

use jiff::Timestamp;

#[derive(Clone, Debug, Default)]
pub struct SourceHealth {
    /// `http`, `ftp`, …
    pub kind: String,
    /// Where it is fetched from, as `RemoteSource::display_url` shows it (secrets masked).
    pub url: String,
    pub interval_secs: u64,
    /// Every attempt, whatever came of it.
    pub fetches: u64,
    /// Attempts answered "not modified".
    pub not_modified: u64,
    /// Attempts that failed (network, status, refused, rejected by ingest).
    pub failures: u64,
    /// Stories in the deliveries from this source that brought something new or changed.
    pub stories: u64,
    /// Deliveries taken (bodies or files ingested).
    pub deliveries: u64,
    pub consecutive_failures: u32,
    pub last_success: Option<Timestamp>,
    /// When, and why, the last failure happened.
    pub last_error: Option<(Timestamp, String)>,
    /// Failures by reason (`too_large`, `deadline`, `redirects`, `gzip_bomb`, `status`, …).
    pub failures_by_reason: BTreeMap<String, u64>,
    pub next_attempt: Option<Timestamp>,
}

impl SourceHealth {
    /// A failure: counted under `reason`, remembered with its message, any URL in it masked
    /// (the message reaches the desk and `/metrics`).
    pub fn failed(&mut self, reason: &str, message: &str) {
        self.failures += 1;
        self.consecutive_failures += 1;
        *self
            .failures_by_reason
            .entry(reason.to_string())
            .or_default() += 1;
        self.last_error = Some((Timestamp::now(), crate::redact::redact_text(message)));
    }

    pub fn succeeded(&mut self) {
        self.consecutive_failures = 0;
        self.last_success = Some(Timestamp::now());
    }
}

/// Every source's health, shared between the pollers and the pages that show it.
/// A counter's metric name, help text and value.
type Counter = (&'static str, &'static str, fn(&SourceHealth) -> u64);

#[derive(Clone, Debug, Default)]
pub struct HealthBoard(Arc<Mutex<BTreeMap<String, SourceHealth>>>);

impl HealthBoard {
    pub fn update(&self, name: &str, f: impl FnOnce(&mut SourceHealth)) {
        let mut all = self.0.lock().unwrap_or_else(|p| p.into_inner());
        f(all.entry(name.to_string()).or_default());
    }

    pub fn remove(&self, name: &str) {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(name);
    }

    pub fn get(&self, name: &str) -> Option<SourceHealth> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(name)
            .cloned()
    }

    /// Every source, by name.
    pub fn snapshot(&self) -> Vec<(String, SourceHealth)> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    /// The Prometheus text exposition of every source's counters.
    pub fn prometheus(&self) -> String {
        let all = self.snapshot();
        let mut out = String::new();
        let counters: [Counter; 5] = [
            ("fetches_total", "Fetch attempts.", |h| h.fetches),
            (
                "not_modified_total",
                "Attempts answered not modified.",
                |h| h.not_modified,
            ),
            ("failures_total", "Failed attempts.", |h| h.failures),
            ("deliveries_total", "Deliveries taken and ingested.", |h| {
                h.deliveries
            }),
            ("stories_total", "Stories in the deliveries taken.", |h| {
                h.stories
            }),
        ];
        for (metric, help, value) in counters {
            let _ = writeln!(out, "# HELP wiredesk_source_{metric} {help}");
            let _ = writeln!(out, "# TYPE wiredesk_source_{metric} counter");
            for (name, h) in &all {
                let _ = writeln!(
                    out,
                    "wiredesk_source_{metric}{{source=\"{}\"}} {}",
                    escape(name),
                    value(h)
                );
            }
        }
        out.push_str(
            "# HELP wiredesk_source_failures_by_reason_total Failed attempts by reason.\n",
        );
        out.push_str("# TYPE wiredesk_source_failures_by_reason_total counter\n");
        for (name, h) in &all {
            for (reason, n) in &h.failures_by_reason {
                let _ = writeln!(
                    out,
                    "wiredesk_source_failures_by_reason_total{{source=\"{}\",reason=\"{}\"}} {n}",
                    escape(name),
                    escape(reason)
                );
            }
        }
        out.push_str(
            "# HELP wiredesk_source_consecutive_failures Failures since the last success.\n",
        );
        out.push_str("# TYPE wiredesk_source_consecutive_failures gauge\n");
        for (name, h) in &all {
            let _ = writeln!(
                out,
                "wiredesk_source_consecutive_failures{{source=\"{}\"}} {}",
                escape(name),
                h.consecutive_failures
            );
        }
        out.push_str(
            "# HELP wiredesk_source_last_success_timestamp_seconds Last successful attempt.\n",
        );
        out.push_str("# TYPE wiredesk_source_last_success_timestamp_seconds gauge\n");
        for (name, h) in &all {
            if let Some(t) = h.last_success {
                let _ = writeln!(
                    out,
                    "wiredesk_source_last_success_timestamp_seconds{{source=\"{}\"}} {}",
                    escape(name),
                    t.as_second()
                );
            }
        }
        out.push_str(
            "# HELP wiredesk_source_last_error_info The last failure's message (value: its time).\n",
        );
        out.push_str("# TYPE wiredesk_source_last_error_info gauge\n");
        for (name, h) in &all {
            if let Some((t, message)) = &h.last_error {
                let _ = writeln!(
                    out,
                    "wiredesk_source_last_error_info{{source=\"{}\",message=\"{}\"}} {}",
                    escape(name),
                    escape(message),
                    t.as_second()
                );
            }
        }
        out
    }
}

/// A Prometheus label value: backslash, double quote and newline escaped.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_and_reasons_are_exposed_per_source() {
        let board = HealthBoard::default();
        board.update("pti", |h| {
            h.fetches = 3;
            h.stories = 7;
            h.succeeded();
        });
        board.update("bad \"one\"", |h| {
            h.fetches = 1;
            h.failed("too_large", "body over 10 bytes\nstopped");
        });
        let text = board.prometheus();
        assert!(
            text.contains("wiredesk_source_fetches_total{source=\"pti\"} 3"),
            "{text}"
        );
        assert!(
            text.contains("wiredesk_source_stories_total{source=\"pti\"} 7"),
            "{text}"
        );
        assert!(text.contains(
            "wiredesk_source_failures_by_reason_total{source=\"bad \\\"one\\\"\",reason=\"too_large\"} 1"
        ), "{text}");
        assert!(
            text.contains("message=\"body over 10 bytes\\nstopped\""),
            "{text}"
        );
        assert_eq!(board.get("bad \"one\"").unwrap().consecutive_failures, 1);
        board.update("keyed", |h| {
            h.failed(
                "network",
                "error for url (https://a.example/f?apikey=SEKRET&q=1)",
            )
        });
        let text = board.prometheus();
        assert!(!text.contains("SEKRET"), "{text}");
        assert!(text.contains("apikey=***&q=1"), "{text}");
        board.remove("pti");
        assert!(!board.prometheus().contains("source=\"pti\""));
    }
}
