//! `cargo xtask vocab`: regenerates `crates/vocab/data/` from the IPTC originals. Run by hand
//! when IPTC publishes a new release, then review the diff and commit it:
//!
//! ```sh
//! IPTC_DIR=../shared/corpora/iptc cargo xtask vocab
//! ```
//!
//! `IPTC_DIR` defaults to `../shared/corpora/iptc` beside the workspace. The originals are not
//! in the repository: only the columns the newsroom uses are kept, in compact TSV files.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use regex::Regex;
use serde_json::Value;

fn iptc_dir() -> PathBuf {
    match std::env::var_os("IPTC_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => workspace().join("../shared/corpora/iptc"),
    }
}

/// The workspace root: this crate's parent folder.
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn data_dir() -> PathBuf {
    workspace().join("crates/vocab/data")
}

/// Tabs and line breaks would break a TSV row; IPTC labels carry none, but say so if one does.
fn field(s: &str) -> &str {
    assert!(
        !s.contains(['\t', '\n', '\r']),
        "a label with a tab or line break: {s:?}"
    );
    s
}

fn tail(uri: &str, prefix: &str) -> Option<String> {
    uri.strip_prefix(prefix)
        .or_else(|| {
            uri.strip_prefix("https://")
                .and_then(|u| u.strip_prefix(prefix.trim_start_matches("http://")))
        })
        .map(str::to_string)
}

fn media_topics(dir: &Path) -> String {
    let raw = std::fs::read_to_string(dir.join("mediatopics/data/cptall-en-GB.json"))
        .expect("mediatopics/data/cptall-en-GB.json");
    let doc: Value = serde_json::from_str(&raw).expect("Media Topics JSON");
    let released = doc["dateReleased"].as_str().unwrap_or("unknown");
    let mut out = format!(
        "# IPTC Media Topics (en-GB), released {released}. (c) IPTC - International Press \
         Telecommunications Council, https://iptc.org/, licensed CC BY 4.0 \
         (https://creativecommons.org/licenses/by/4.0/). Generated from cptall-en-GB.json; \
         columns: code, broader code, retired (r), exactMatch Subject Codes (comma-separated), \
         en-GB label.\n"
    );
    const MEDTOP: &str = "http://cv.iptc.org/newscodes/mediatopic/";
    const SUBJ: &str = "http://cv.iptc.org/newscodes/subjectcode/";
    let mut rows = Vec::new();
    for concept in doc["conceptSet"].as_array().expect("conceptSet") {
        let code = concept["qcode"]
            .as_str()
            .and_then(|q| q.strip_prefix("medtop:"))
            .expect("medtop qcode")
            .to_string();
        let broader = concept["broader"]
            .as_array()
            .and_then(|b| b.first())
            .and_then(Value::as_str)
            .and_then(|u| tail(u, MEDTOP))
            .unwrap_or_default();
        let retired = if concept.get("retired").is_some() {
            "r"
        } else {
            ""
        };
        let subject_codes: Vec<String> = concept["exactMatch"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .filter_map(|u| tail(u, SUBJ))
            .collect();
        let label = concept["prefLabel"]["en-GB"].as_str().expect("en-GB label");
        rows.push(format!(
            "{code}\t{broader}\t{retired}\t{}\t{}\n",
            subject_codes.join(","),
            field(label.trim())
        ));
    }
    rows.sort();
    out.extend(rows);
    out
}

fn subject_codes(dir: &Path) -> String {
    let raw = std::fs::read_to_string(dir.join("subjectcodes/topicset.iptc-subjectcode.xml"))
        .expect("subjectcodes/topicset.iptc-subjectcode.xml");
    let topic = Regex::new(r"(?s)<Topic>(.*?)</Topic>").unwrap();
    let code = Regex::new(r#"<FormalName Scheme="IptcSubjectCodes">(\d{8})</FormalName>"#).unwrap();
    let name = Regex::new(r#"<Description xml:lang="en-GB" Variant="Name">([^<]*)</Description>"#)
        .unwrap();
    let deprecated = Regex::new(r#"Variant="DeprecatedVersion">(\d+)</Description>"#).unwrap();
    let revision = Regex::new(r"<RevisionId[^>]*>(\d+)</RevisionId>")
        .unwrap()
        .captures(&raw)
        .map_or("unknown".to_string(), |c| c[1].to_string());
    let mut out = format!(
        "# IPTC Subject Codes (en-GB), NewsML 1 TopicSet revision {revision}. (c) IPTC - \
         International Press Telecommunications Council, https://iptc.org/. Generated from \
         topicset.iptc-subjectcode.xml; columns: code, deprecated (d), en-GB name (IPTC's \
         \"-DEPRECATED\" suffix dropped; the column says it).\n"
    );
    let mut rows = Vec::new();
    for block in topic.captures_iter(&raw) {
        let block = &block[1];
        let code = &code.captures(block).expect("a topic code")[1];
        let name = name.captures(block).expect("a topic name")[1]
            .trim()
            .to_string();
        let gone = deprecated.captures(block).is_some_and(|c| &c[1] != "0");
        let name = name.strip_suffix("-DEPRECATED").unwrap_or(&name).trim();
        rows.push(format!(
            "{code}\t{}\t{}\n",
            if gone { "d" } else { "" },
            field(name)
        ));
    }
    assert_eq!(rows.len(), 1404, "the TopicSet has 1404 subject codes");
    rows.sort();
    out.extend(rows);
    out
}

fn catalog(dir: &Path) -> String {
    let raw =
        std::fs::read_to_string(dir.join("newsml-g2/catalog/catalog.IPTC-G2-Standards_41.xml"))
            .expect("newsml-g2/catalog/catalog.IPTC-G2-Standards_41.xml");
    let scheme = Regex::new(r#"<scheme\s+alias="([^"]+)"\s+uri="([^"]+)""#).unwrap();
    let mut out = String::from(
        "# The IPTC G2 standards catalog, version 41 (catalog.IPTC-G2-Standards_41.xml), \
         (c) IPTC - International Press Telecommunications Council, https://iptc.org/, \
         distributed under the MIT licence in iptc/python-newsmlg2. Columns: scheme alias, \
         scheme URI.\n",
    );
    let mut n = 0;
    for c in scheme.captures_iter(&raw) {
        writeln!(
            out,
            "{}\t{}",
            field(&c[1]),
            field(&c[2].replace("&amp;", "&"))
        )
        .unwrap();
        n += 1;
    }
    assert!(n > 100, "only {n} schemes found");
    out
}

/// Writes `mediatopics.tsv`, `subjectcodes.tsv` and `catalog.tsv` into `crates/vocab/data/`.
pub fn generate() {
    let dir = iptc_dir();
    let data = data_dir();
    std::fs::write(data.join("mediatopics.tsv"), media_topics(&dir)).unwrap();
    std::fs::write(data.join("subjectcodes.tsv"), subject_codes(&dir)).unwrap();
    std::fs::write(data.join("catalog.tsv"), catalog(&dir)).unwrap();
}
