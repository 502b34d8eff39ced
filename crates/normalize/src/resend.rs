//! Re-sends announced in the headline, as Reuters and others file them: "UPDATE 2-",
//! "CORRECTED-", "REFILE-", "RPT-", "WRAPUP 1-", in any combination ahead of the headline.
//! The prefix is the wire's filing note, not part of the headline readers see; what it says
//! becomes the version's signals (and, for "UPDATE n", its version number).

use std::sync::LazyLock;

use regex::Regex;
use wiredesk_model::{SIG_CORRECTION, SIG_KILL, SIG_RESEND, SIG_UPDATE};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resend {
    /// The headline without the filing notes.
    pub headline: String,
    pub signals: Vec<&'static str>,
    /// "UPDATE n" is the agency's (n + 1)th version.
    pub version: Option<u32>,
}

static NOTE: LazyLock<Regex> = LazyLock::new(|| {
    // Upper case only: "Update on the talks - officials" is a headline, not a note.
    Regex::new(
        r"^(UPDATE|WRAPUP|CORRECTED|CORRECTION|REFILE|RPT|REPEAT|MANDATORY KILL|KILL|WITHDRAWN)(?:\s+(\d{1,3}))?\s*[-:]\s*",
    )
        .expect("valid regex")
});

/// Split the filing notes off a headline. A headline that is nothing but notes is kept.
pub fn strip_resend_notes(headline: &str) -> Resend {
    let mut rest = headline.trim();
    let mut out = Resend::default();
    while let Some(caps) = NOTE.captures(rest) {
        let whole = caps.get(0).expect("match").end();
        if rest[whole..].trim().is_empty() {
            break;
        }
        let number = caps.get(2).and_then(|n| n.as_str().parse::<u32>().ok());
        match &caps[1] {
            "UPDATE" | "WRAPUP" => {
                out.signals.push(SIG_UPDATE);
                out.version = Some(number.unwrap_or(1).saturating_add(1));
            }
            "CORRECTED" | "CORRECTION" => out.signals.push(SIG_CORRECTION),
            "MANDATORY KILL" | "KILL" | "WITHDRAWN" => out.signals.push(SIG_KILL),
            _ => out.signals.push(SIG_RESEND),
        }
        rest = rest[whole..].trim_start();
    }
    out.signals.dedup();
    out.headline = rest.to_string();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filing_notes_come_off_and_say_what_the_version_is() {
        let cases: &[(&str, &str, &[&str], Option<u32>)] = &[
            (
                "UPDATE 2-Storm kills three in Brittany",
                "Storm kills three in Brittany",
                &[SIG_UPDATE],
                Some(3),
            ),
            (
                "UPDATE-Storm kills three",
                "Storm kills three",
                &[SIG_UPDATE],
                Some(2),
            ),
            (
                "CORRECTED-UPDATE 1-Bank raises rates",
                "Bank raises rates",
                &[SIG_CORRECTION, SIG_UPDATE],
                Some(2),
            ),
            (
                "REFILE-Bank raises rates",
                "Bank raises rates",
                &[SIG_RESEND],
                None,
            ),
            (
                "RPT-Bank raises rates",
                "Bank raises rates",
                &[SIG_RESEND],
                None,
            ),
            (
                "WRAPUP 1-Markets fall",
                "Markets fall",
                &[SIG_UPDATE],
                Some(2),
            ),
            (
                "Update on talks - officials",
                "Update on talks - officials",
                &[],
                None,
            ),
            ("UPDATE 2-", "UPDATE 2-", &[], None),
            (
                "KILL-Storm lashes coast",
                "Storm lashes coast",
                &[SIG_KILL],
                None,
            ),
            (
                "MANDATORY KILL: Storm lashes coast",
                "Storm lashes coast",
                &[SIG_KILL],
                None,
            ),
            (
                "WITHDRAWN-Storm lashes coast",
                "Storm lashes coast",
                &[SIG_KILL],
                None,
            ),
            (
                "Kill switch fitted to trains",
                "Kill switch fitted to trains",
                &[],
                None,
            ),
            ("U.S. stocks rise", "U.S. stocks rise", &[], None),
        ];
        for (headline, clean, signals, version) in cases {
            let got = strip_resend_notes(headline);
            assert_eq!(got.headline, *clean, "{headline}");
            assert_eq!(got.signals, *signals, "{headline}");
            assert_eq!(got.version, *version, "{headline}");
        }
    }
}
