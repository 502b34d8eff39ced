//! Conformance against the real files in `../shared/corpora` (IPTC ninjs examples, Superdesk's
//! agency fixtures, feed-rs's and rust-syndication's feeds). Those files may not be copied into
//! the repository, so these tests are ignored by default; CI runs them with `--ignored` from a
//! checkout that has `shared/` beside it. Each prints every file it checked and how it went.

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use wiredesk_model::{PubStatus, WireBody};

use crate::{Decoded, Format, decode};

fn corpus(sub: &str) -> PathBuf {
    wiredesk_model::testing::shared_corpus(sub)
}

fn files_under(dir: &Path, keep: &dyn Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let path = entry.expect("readable corpus entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if keep(&path) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn has_ext(path: &Path, exts: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| exts.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// Decodes one file, prints one line about it, and returns the outcome.
fn run(base: &Path, path: &Path) -> Result<Decoded, String> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let shown = path
        .strip_prefix(base)
        .unwrap_or(path)
        .display()
        .to_string();
    match decode(&bytes) {
        Ok(d) => {
            let item = &d.items[0];
            let body = match &item.body {
                WireBody::Html(h) => format!("html {}B", h.len()),
                WireBody::Text(t) => format!("text {}B", t.len()),
            };
            println!(
                "decoded  {shown}: {} ×{}, headline {} chars, {body}, agency {:?}, {} warning(s)",
                d.format,
                d.items.len(),
                item.headline.chars().count(),
                item.agency,
                d.warnings.len()
            );
            Ok(d)
        }
        Err(e) => {
            println!("refused  {shown}: {e}");
            Err(e.to_string())
        }
    }
}

fn ts(s: &str) -> Option<Timestamp> {
    Some(s.parse().unwrap())
}

#[test]
#[ignore = "needs ../shared"]
fn iptc_ninjs_examples_decode_and_text_items_keep_headline_and_body() {
    let base = corpus("iptc/ninjs");
    let files = files_under(&base, &|p| {
        has_ext(p, &["json"])
            && (p.starts_with(base.join("examples"))
                || p.components().any(|c| c.as_os_str() == "should_pass"))
            && !p.components().any(|c| c.as_os_str() == "schema-extension")
    });
    assert!(files.len() > 40, "only {} ninjs files found", files.len());
    let (mut decoded, mut refused) = (0, 0);
    for path in &files {
        let raw: serde_json::Value =
            serde_json::from_slice(&std::fs::read(path).unwrap()).expect("corpus JSON parses");
        let is_story = raw.as_object().is_some_and(|o| {
            o.keys().any(|k| k == "bodies" || k.starts_with("body_"))
                && o.keys().any(|k| k == "headline" || k == "headlines")
        });
        match run(&base, path) {
            Ok(d) => {
                decoded += 1;
                assert_eq!(d.format, Format::Ninjs, "{}", path.display());
                for item in &d.items {
                    // Copy without a headline is kept for the desk to write one.
                    assert!(
                        !item.headline.is_empty() || !item.body.as_str().trim().is_empty(),
                        "{}",
                        path.display()
                    );
                    assert!(item.uri.is_some(), "{}", path.display());
                }
                if is_story {
                    assert!(
                        !d.items[0].body.as_str().trim().is_empty(),
                        "{}: a story lost its body",
                        path.display()
                    );
                }
            }
            Err(reason) => {
                refused += 1;
                assert!(
                    !is_story,
                    "{}: a story was refused: {reason}",
                    path.display()
                );
            }
        }
    }
    println!(
        "checked {} ninjs files: {decoded} decoded, {refused} refused",
        files.len()
    );

    let one = |rel: &str| run(&base, &base.join(rel)).expect(rel).items.remove(0);
    let dpa = one("examples/3.0/dpa_text.json");
    assert_eq!(dpa.agency.as_deref(), Some("dpa"));
    assert_eq!(dpa.version, Some(2));
    assert_eq!(dpa.language.as_deref(), Some("de"));
    assert_eq!(dpa.version_created, ts("2019-05-10T14:02:28Z"));
    assert!(matches!(dpa.body, WireBody::Html(_)));
    let dpa2 = one("examples/2.1/dpa_text.json");
    assert_eq!(
        (dpa2.headline, dpa2.version, dpa2.agency),
        (dpa.headline, dpa.version, dpa.agency),
        "2.1 and 3.0 renderings of one item agree"
    );
    let ntb = one("examples/2.1/ntb_text.json");
    assert_eq!(ntb.agency.as_deref(), Some("NTB"));
    assert_eq!(ntb.version, Some(6));
    assert_eq!(ntb.slugline.as_deref(), Some("skien-google"));
    assert_eq!(ntb.first_created, ts("2019-08-09T09:30:04Z"));
    assert_eq!(ntb.pubstatus, PubStatus::Usable);
    let simple = one("examples/1.4/ninjsExSimpleText1.json");
    assert!(matches!(simple.body, WireBody::Html(_)), "body_xhtml wins");
    assert!(simple.byline.is_some());
    let tt = one("examples/3.0/tt_text_image_3.json");
    assert!(
        matches!(tt.body, WireBody::Html(_)),
        "html5 body, not the TTNITF XML"
    );
    assert_eq!(tt.subjects[0].code, "http://tt.se/spec/subref/1.0/16000000");
}

#[test]
#[ignore = "needs ../shared"]
fn superdesk_ninjs_fixtures_meet_superdesks_own_expectations() {
    let base = corpus("wire/superdesk-core");
    let fixture = |name: &str| {
        run(&base, &base.join("fixtures").join(name))
            .expect(name)
            .items
            .remove(0)
    };
    // From expectations.json: headline, description_text, original_source, versioncreated.
    let first = fixture("ninjs1.json");
    assert_eq!(first.headline, "headline");
    assert_eq!(first.abstract_text.as_deref(), Some("abstract"));
    assert_eq!(first.agency.as_deref(), Some("AAP"));
    assert_eq!(first.version_created, ts("2017-08-24T04:38:34+00:00"));
    // From expectations.json: items[1].embargoed.
    let embargoed = fixture("ninjs_embargoed.json");
    assert_eq!(embargoed.embargoed, ts("2022-06-29T02:30:00+00:00"));
    println!("checked ninjs1.json and ninjs_embargoed.json against expectations.json");
}

#[test]
#[ignore = "needs ../shared"]
fn every_agency_fixture_decodes_or_is_refused_with_a_reason() {
    let base = corpus("wire");
    let files = files_under(&base, &|p| {
        p.components()
            .any(|c| c.as_os_str() == "fixtures" || c.as_os_str() == "data")
    });
    assert!(files.len() > 100, "only {} wire files found", files.len());
    let mut by_outcome = std::collections::BTreeMap::<String, usize>::new();
    for path in &files {
        let key = match run(&base, path) {
            Ok(d) => format!("decoded as {}", d.format),
            // Group refusals by their kind, not their details.
            Err(reason) => format!("refused: {}", reason.split([':', '(']).next().unwrap_or("")),
        };
        *by_outcome.entry(key).or_default() += 1;
    }
    println!("checked {} agency files:", files.len());
    for (outcome, n) in &by_outcome {
        println!("  {n:4}  {outcome}");
    }
    assert!(
        by_outcome.get("decoded as ninjs").copied().unwrap_or(0) >= 8,
        "Superdesk's ninjs fixtures should decode"
    );
}

#[test]
#[ignore = "needs ../shared"]
fn real_feeds_decode_or_are_refused_with_a_reason() {
    let base = corpus("feeds");
    let files = files_under(&base, &|p| {
        has_ext(p, &["xml", "rss", "atom", "json", "rdf"])
            && !p.to_string_lossy().ends_with(".serde.json")
    });
    assert!(files.len() > 100, "only {} feed files found", files.len());
    let (mut decoded, mut refused) = (0, 0);
    let mut formats = std::collections::BTreeMap::<&str, usize>::new();
    for path in &files {
        match run(&base, path) {
            Ok(d) => {
                decoded += 1;
                *formats.entry(d.format.as_str()).or_default() += 1;
            }
            Err(_) => refused += 1,
        }
    }
    println!(
        "checked {} feed files: {decoded} decoded ({formats:?}), {refused} refused",
        files.len()
    );
    for format in ["rss", "atom", "json-feed"] {
        assert!(
            formats.get(format).copied().unwrap_or(0) > 0,
            "no {format} decoded"
        );
    }
    assert!(decoded * 2 > files.len(), "most real feeds should decode");
}

/// Every file of the wire-format corpora, decoded; a table per format of what was decoded and
/// what was refused, and why. No file may panic, and every refusal must give a reason.
#[test]
#[ignore = "needs ../shared"]
fn wire_format_corpora_decode_or_are_refused_with_a_reason_per_format() {
    let sets = [
        ("wire/superdesk-core/fixtures", &[][..]),
        ("iptc/newsml-g2", &["xml"][..]),
        ("iptc/nitf", &["xml"][..]),
        ("wire/dpa-digitalwires", &["json", "xml"][..]),
    ];
    // format → (decoded, items, refusals by reason)
    let mut table =
        std::collections::BTreeMap::<String, (usize, usize, Vec<(String, String)>)>::new();
    let mut total = 0;
    for (sub, exts) in sets {
        let base = corpus(sub);
        let files = files_under(&base, &|p| exts.is_empty() || has_ext(p, exts));
        for path in &files {
            total += 1;
            let bytes = std::fs::read(path).unwrap();
            let shown = format!(
                "{sub}/{}",
                path.strip_prefix(&base).unwrap_or(path).display()
            );
            let outcome = std::panic::catch_unwind(|| (crate::sniff(&bytes), decode(&bytes)));
            let Ok((sniffed, decoded)) = outcome else {
                panic!("{shown}: decode panicked");
            };
            let key = match (&sniffed, &decoded) {
                (_, Ok(d)) => d.format.to_string(),
                (Ok(f), Err(_)) => f.to_string(),
                (Err(_), Err(_)) => "(not recognised)".to_string(),
            };
            let row = table.entry(key).or_default();
            match decoded {
                Ok(d) => {
                    row.0 += 1;
                    row.1 += d.items.len();
                    for item in &d.items {
                        // Copy without a headline is kept for the desk to write one.
                        assert!(
                            !item.headline.trim().is_empty()
                                || !item.body.as_str().trim().is_empty(),
                            "{shown}: neither headline nor copy"
                        );
                    }
                    println!(
                        "decoded  {shown}: {} ×{}, {:?}, {} warning(s)",
                        d.format,
                        d.items.len(),
                        d.items[0].headline.chars().take(60).collect::<String>(),
                        d.warnings.len()
                    );
                }
                Err(e) => {
                    let reason = e.to_string();
                    assert!(
                        !reason.trim().is_empty(),
                        "{shown}: refused without a reason"
                    );
                    println!("refused  {shown}: {reason}");
                    row.2.push((shown, reason));
                }
            }
        }
    }
    println!("\n{total} files");
    println!(
        "{:<20} {:>8} {:>6} {:>8}",
        "format", "decoded", "items", "refused"
    );
    for (format, (decoded, items, refused)) in &table {
        println!("{format:<20} {decoded:>8} {items:>6} {:>8}", refused.len());
        let mut reasons = std::collections::BTreeMap::<String, usize>::new();
        for (_, reason) in refused {
            let short: String = reason.chars().take(90).collect();
            *reasons.entry(short).or_default() += 1;
        }
        for (reason, n) in reasons {
            println!("    {n:4} × {reason}");
        }
    }
    let decoded = |format: &str| table.get(format).map_or(0, |row| row.0);
    for (format, at_least) in [
        ("newsml-g2", 45),
        ("nitf", 20),
        ("newsml-1.2", 3),
        ("anpa-1312", 11),
        ("iptc-7901", 6),
        ("ap-media-api", 2),
        ("dpa-digitalwires", 15),
        ("email", 8),
    ] {
        assert!(
            decoded(format) >= at_least,
            "only {} {format} files decoded; expected at least {at_least}",
            decoded(format)
        );
    }
}

/// dpa sends each item as digitalwires JSON and as NewsML-G2; both must decode to one story.
#[test]
#[ignore = "needs ../shared"]
fn dpa_digitalwires_json_and_its_newsml_g2_rendering_decode_to_the_same_story() {
    let base = corpus("wire/dpa-digitalwires/tests/data");
    let inputs = files_under(&base.join("input"), &|p| has_ext(p, &["json"]));
    assert!(
        inputs.len() >= 15,
        "only {} digitalwires files",
        inputs.len()
    );
    let (mut pairs, mut agree, mut both_refused) = (0, 0, 0);
    for json_path in &inputs {
        let stem = json_path
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let xml_path = base.join("output").join(format!("{stem}.xml"));
        if !xml_path.is_file() {
            continue;
        }
        pairs += 1;
        let json = decode(&std::fs::read(json_path).unwrap());
        let xml = decode(&std::fs::read(&xml_path).unwrap());
        let (j, x) = match (json, xml) {
            (Ok(mut j), Ok(mut x)) => (j.items.remove(0), x.items.remove(0)),
            (Err(a), Err(b)) => {
                println!("{stem}: both refused ({a} | {b})");
                both_refused += 1;
                continue;
            }
            (a, b) => panic!(
                "{stem}: one rendering decoded and the other did not: json {:?} / xml {:?}",
                a.map(|d| d.format),
                b.map(|d| d.format)
            ),
        };
        let fields: [(&str, String, String); 10] = [
            ("uri", format!("{:?}", j.uri), format!("{:?}", x.uri)),
            (
                "version",
                format!("{:?}", j.version),
                format!("{:?}", x.version),
            ),
            ("headline", j.headline.clone(), x.headline.clone()),
            (
                "pubstatus",
                format!("{:?}", j.pubstatus),
                format!("{:?}", x.pubstatus),
            ),
            (
                "embargoed",
                format!("{:?}", j.embargoed),
                format!("{:?}", x.embargoed),
            ),
            (
                "language",
                format!("{:?}", j.language),
                format!("{:?}", x.language),
            ),
            (
                "versioncreated",
                format!("{:?}", j.version_created),
                format!("{:?}", x.version_created),
            ),
            (
                "urgency",
                format!("{:?}", j.urgency),
                format!("{:?}", x.urgency),
            ),
            (
                "signals",
                format!("{:?}", j.signals),
                format!("{:?}", x.signals),
            ),
            (
                "body text",
                wiredesk_model::text::html_to_text(j.body.as_str())
                    .chars()
                    .take(80)
                    .collect(),
                wiredesk_model::text::html_to_text(x.body.as_str())
                    .chars()
                    .take(80)
                    .collect(),
            ),
        ];
        let mut all = true;
        for (name, a, b) in &fields {
            if a == b {
                println!("{stem}: {name} matches");
            } else {
                println!("{stem}: {name} DIFFERS: json {a} / g2 {b}");
                all = false;
            }
        }
        // The identity, version, headline and status of a story never depend on the format.
        for (name, a, b) in &fields[..6] {
            assert_eq!(a, b, "{stem}: {name}");
        }
        if all {
            agree += 1;
        }
    }
    println!(
        "{pairs} pairs: {agree} agree on every compared field, {both_refused} refused in both formats"
    );
    assert!(pairs >= 15);
}

/// Pictures sent with real stories arrive as associations with their captions and files, and
/// never inside the body; IPTC subject codes arrive canonical and named.
#[test]
#[ignore = "needs ../shared"]
fn real_associations_keep_captions_beside_the_copy_and_subjects_are_canonical() {
    let wire = corpus("wire");
    let mut with_pictures = 0;
    for path in files_under(&wire, &|p| {
        has_ext(p, &["json", "xml"]) || p.extension().is_none()
    }) {
        let Ok(decoded) = run(&wire, &path) else {
            continue;
        };
        for item in &decoded.items {
            for a in &item.associations {
                println!(
                    "  association {} {} caption {:?} credit {:?}, {} rendition(s)",
                    a.name,
                    a.kind,
                    a.caption
                        .as_deref()
                        .map(|c| c.chars().take(40).collect::<String>()),
                    a.credit,
                    a.renditions.len()
                );
                // A caption long enough to be unmistakable is never the body's copy. Superdesk
                // names the pictures its editors embedded in the copy `embedded…`: the agency's
                // body holds those itself.
                if let Some(caption) = a
                    .caption
                    .as_deref()
                    .filter(|c| c.len() > 60 && !a.name.starts_with("embedded"))
                {
                    assert!(
                        !item.body.as_str().contains(caption),
                        "{}: caption in the body",
                        path.display()
                    );
                }
                assert!(!a.kind.is_empty(), "{}", path.display());
            }
            if item
                .associations
                .iter()
                .any(|a| a.kind == "picture" && a.caption.is_some() && !a.renditions.is_empty())
            {
                with_pictures += 1;
            }
        }
    }
    assert!(
        with_pictures >= 3,
        "only {with_pictures} real stories with captioned pictures"
    );

    let reuters =
        wire.join("superdesk-core/fixtures/tag_reuters.com_2014_newsml_KBN0FL0NN_version_5");
    let item = &run(&wire, &reuters).unwrap().items[0];
    let crime = item
        .subjects
        .iter()
        .find(|s| s.code == "subj:02000000")
        .expect("subj:02000000");
    assert_eq!(crime.name.as_deref(), Some("crime, law and justice"));
    assert!(
        item.subjects
            .iter()
            .any(|s| s.code == "N2:SYR" && s.name.is_none())
    );
}

/// Superdesk's e-mails as a desk would take them: the composite message's picture travels as
/// an association of its copy, and every message gets its subject, time and id.
#[test]
#[ignore = "needs ../shared"]
fn superdesk_emails_keep_their_picture_beside_the_copy() {
    let base = corpus("wire/superdesk-core/fixtures");
    let composite = run(&base, &base.join("composite_email.txt")).unwrap();
    let item = &composite.items[0];
    assert_eq!(item.headline, "single image test");
    assert!(
        item.body
            .as_str()
            .contains("this is a test of a single image")
    );
    assert_eq!(item.associations.len(), 1, "{:?}", item.associations);
    let cow = &item.associations[0];
    assert_eq!(
        (cow.kind.as_str(), cow.headline.as_deref()),
        ("picture", Some("Cow.jpg"))
    );
    assert!(
        cow.uri.as_deref().is_some_and(|u| u.starts_with("mid:")),
        "{cow:?}"
    );
    for name in [
        "simple_email.txt",
        "charset_in_subject_email.txt",
        "odd_charset_email.txt",
    ] {
        let decoded = run(&base, &base.join(name)).unwrap();
        let item = &decoded.items[0];
        assert!(
            item.uri.as_deref().is_some_and(|u| u.starts_with("mid:")),
            "{name}"
        );
        assert!(item.version_created.is_some(), "{name}");
    }
}
