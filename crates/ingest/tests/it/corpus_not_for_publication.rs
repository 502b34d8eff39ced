//! How much of the shared corpus (`../shared/corpora`: real agency files, IPTC's examples, real
//! feeds) is recognised as not for publication, by a format's field or by the copy's words,
//! with three examples. The files may not be copied into the repository, so the test is
//! ignored by default: `cargo test -p wiredesk-ingest --test it corpus_not_for_publication --
//! --ignored --nocapture` from a checkout with `shared/` beside it.

use std::path::{Path, PathBuf};

use jiff::tz::TimeZone;
use wiredesk_normalize::{NormalizeContext, to_story};

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| ["xml", "json", "txt", "tst", "nitf", "rss", "atom"].contains(&e))
        {
            out.push(path);
        }
    }
}

#[test]
#[ignore = "needs ../shared"]
fn the_shared_corpus_is_counted_for_copy_not_for_publication() {
    let root = wiredesk_model::testing::shared_corpus("");
    let mut files = Vec::new();
    for sub in [
        "wire",
        "iptc/ninjs/examples",
        "iptc/newsml-g2/examples",
        "iptc/nitf",
        "feeds",
    ] {
        files_under(&root.join(sub), &mut files);
    }
    files.sort();
    let tz = TimeZone::UTC;
    let agencies = wiredesk_model::Agencies::default();
    let ctx = NormalizeContext {
        received: "2026-11-28T06:00:00Z".parse().unwrap(),
        time_zone: &tz,
        default_agency: "Wire",
        agencies: &agencies,
        summary_chars: 200,
    };
    let (mut stories, mut by_field, mut by_words) = (0, 0, 0);
    let mut examples = Vec::new();
    for path in &files {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        let Ok(decoded) = wiredesk_decode::decode(&bytes) else {
            continue;
        };
        for item in decoded.items {
            let structured = item.not_for_publication.is_some();
            let Ok(story) = to_story(item, &ctx) else {
                continue;
            };
            stories += 1;
            let Some(reason) = story.not_for_publication else {
                continue;
            };
            if structured {
                by_field += 1;
            } else {
                by_words += 1;
            }
            let shown = path
                .strip_prefix(&root)
                .unwrap_or(path)
                .display()
                .to_string();
            println!(
                "not for publication: {shown}: \"{}\": {reason}",
                story.headline
            );
            if examples.len() < 3 {
                examples.push(format!("{shown}: \"{}\" — {reason}", story.headline));
            }
        }
    }
    println!(
        "{} of {stories} stories in {} files are not for publication ({by_field} by a field, \
         {by_words} by their words)",
        by_field + by_words,
        files.len()
    );
    for e in &examples {
        println!("  e.g. {e}");
    }
    assert!(stories > 0, "the corpus gave no stories");
}
