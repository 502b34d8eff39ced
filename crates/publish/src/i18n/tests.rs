use std::collections::BTreeSet;
use std::path::Path;

use jiff::civil::date;
use jiff::tz::TimeZone;

use super::*;

fn locales() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/locales"))
}

/// The message ids a catalogue file defines.
fn ids(tag: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(locales().join(tag).join("site.ftl")).unwrap();
    text.lines()
        .filter_map(|line| {
            let (id, _) = line.split_once(" =")?;
            (!id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
            .then(|| id.to_string())
        })
        .collect()
}

/// Every id the templates and the code ask `words` for.
fn used_ids() -> BTreeSet<String> {
    let pattern =
        regex::Regex::new(r#"words(?:\(\))?\.(?:get|with|site|count|text)\(\s*"([a-z0-9-]+)""#)
            .unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["templates", "src", "src/pages", "src/api"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                files.push(path);
            }
        }
    }
    let mut used = BTreeSet::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        used.extend(pattern.captures_iter(&text).map(|c| c[1].to_string()));
    }
    used
}

#[test]
fn every_message_the_site_asks_for_is_in_english_and_hindi() {
    let used = used_ids();
    assert!(used.len() > 40, "the scan found only {used:?}");
    let english = ids("en");
    let missing: Vec<_> = used.difference(&english).collect();
    assert!(missing.is_empty(), "not in en/site.ftl: {missing:?}");
    let hindi = ids("hi");
    assert_eq!(
        english.symmetric_difference(&hindi).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "English and Hindi are both complete"
    );
}

#[test]
fn every_language_has_its_headings_disclaimer_and_dates() {
    let required = [
        "latest",
        "latest-heading",
        "hot",
        "topics",
        "related",
        "footer-sections",
        "footer-feeds",
        "footer-about",
        "search-label",
        "read-more",
        "go-to-source",
        "disclaimer",
        "date-long",
        "date-short",
        "date-time",
        "weekday-1",
        "weekday-7",
        "month-1",
        "month-12",
        "month-short-12",
    ];
    let english = ids("en");
    for (tag, _) in LANGUAGES {
        let have = ids(tag);
        for id in required {
            assert!(have.contains(id), "{tag} lacks {id}");
        }
        let extra: Vec<_> = have.difference(&english).collect();
        assert!(
            extra.is_empty(),
            "{tag} has messages English lacks: {extra:?}"
        );
        let words = Words::new(tag).unwrap();
        let disclaimer = words.site("disclaimer", "Sample Times");
        assert!(disclaimer.contains("Sample Times"), "{tag}: {disclaimer}");
        if *tag != "en" {
            assert_ne!(words.get("hot"), Words::default().get("hot"), "{tag}");
        }
    }
}

#[test]
fn dates_are_written_in_the_site_language() {
    let at = date(2026, 12, 6)
        .at(19, 5, 0, 0)
        .to_zoned_datetime(TimeZone::get("Asia/Kolkata").unwrap())
        .unwrap();
    let en = Words::default();
    assert_eq!(en.date_long(&at), "Sunday, December 6, 2026");
    assert_eq!(en.day(at.date()), "Dec 6, 2026");
    assert_eq!(en.date_time(&at), "Dec 6, 2026, 7:05 PM IST");
    let hi = Words::new("hi").unwrap();
    assert_eq!(hi.date_long(&at), "रविवार, 6 दिसंबर 2026");
    assert_eq!(hi.date_time(&at), "6 दिसंबर 2026, 19:05 IST");
    let ur = Words::new("ur").unwrap();
    assert!(
        ur.date_long(&at).starts_with("اتوار"),
        "{}",
        ur.date_long(&at)
    );
    let midnight = date(2026, 1, 1)
        .at(0, 0, 0, 0)
        .to_zoned_datetime(TimeZone::UTC)
        .unwrap();
    assert_eq!(en.date_time(&midnight), "Jan 1, 2026, 12:00 AM UTC");
}

#[test]
fn counts_choose_the_plural_and_arguments_carry_no_isolation_marks() {
    let en = Words::default();
    assert_eq!(en.count("coverage-count", &1), "Full coverage (1 report)");
    assert_eq!(
        en.count("coverage-count", &12),
        "Full coverage (12 reports)"
    );
    let hi = Words::new("hi").unwrap();
    assert_eq!(hi.count("coverage-count", &3), "पूरी कवरेज (3 रिपोर्टें)");
    let about = hi.site("about-site", "समाचार");
    assert_eq!(about, "समाचार के बारे में");
    assert!(!about.contains(['\u{2068}', '\u{2069}']));
}

#[test]
fn a_language_without_a_catalogue_is_refused_by_name() {
    let e = Words::new("xx").unwrap_err().to_string();
    assert!(
        e.contains("\"xx\"") && e.contains("hi") && e.contains("ur"),
        "{e}"
    );
    assert_eq!(Words::new(" HI ").unwrap().tag(), "hi");
    assert_eq!(Words::new("ur").unwrap().dir(), "rtl");
    assert_eq!(Words::new("hi").unwrap().dir(), "ltr");
}

#[test]
fn a_hindi_site_names_the_built_in_topics_in_hindi() {
    let hi = Words::new("hi").unwrap();
    assert_eq!(hi.topic("sports").as_deref(), Some("खेल"));
    assert_eq!(hi.topic("no-such-topic"), None);
    // A language that names no topic leaves the config's names alone.
    assert_eq!(Words::new("ta").unwrap().topic("sports"), None);
}
