//! How close the decoders run to the parsers under them: for the shared corpus's NewsML-G2 and
//! ninjs files, the MB/s of the tokenizer alone (quick-xml events, attributes read; serde_json
//! skipping every value) beside the MB/s of `wiredesk_decode::decode` on the same bytes.
//! A decoder cannot beat its tokenizer, so the first figure bounds what any tuning can reach.
//! For NewsML-G2 it also times quick-xml reading events without their attributes (the least a
//! tokenizer can do) and roxmltree building its tree (the other maintained Rust XML reader).
//!
//! `cargo bench -p wiredesk-decode --bench parser_ceiling [-- CORPORA_DIR]`; the folder
//! defaults to `../shared/corpora` beside the repository, and the bench says so and stops when
//! it is missing. It uses mimalloc, as the `wiredesk` binary does, so its decode figures match
//! `wiredesk bench decode`'s.

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::de::IgnoredAny;
use wiredesk_decode::Format;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ROUNDS: usize = 40;

fn files_under(path: &Path, out: &mut Vec<PathBuf>) {
    if let Ok(entries) = std::fs::read_dir(path) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                files_under(&path, out);
            } else {
                out.push(path);
            }
        }
    }
}

/// Events only, attributes left unread: what tokenizing costs before anything is kept.
fn xml_events_only(text: &str) -> usize {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut seen = 0;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) | Err(_) => return seen,
            Ok(_) => seen += 1,
        }
    }
}

/// roxmltree, the maintained parser that builds a read-only tree, as `xml.rs` does with
/// quick-xml; DTDs allowed, as wire NITF sends them.
fn xml_tree(text: &str) -> usize {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    usize::from(roxmltree::Document::parse_with_options(text, options).is_ok())
}

fn xml_events(text: &str) -> usize {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut seen = 0;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) | Err(_) => return seen,
            Ok(quick_xml::events::Event::Start(e)) | Ok(quick_xml::events::Event::Empty(e)) => {
                seen += e.attributes().flatten().count() + 1;
            }
            Ok(_) => seen += 1,
        }
    }
}

fn json_skip(text: &str) -> usize {
    usize::from(serde_json::from_str::<IgnoredAny>(text).is_ok())
}

fn mb_per_s(docs: &[String], work: impl Fn(&str) -> usize) -> f64 {
    let bytes: usize = docs.iter().map(String::len).sum();
    let started = Instant::now();
    let mut sink = 0;
    for _ in 0..ROUNDS {
        for doc in docs {
            sink += work(std::hint::black_box(doc));
        }
    }
    std::hint::black_box(sink);
    (bytes * ROUNDS) as f64 / 1_048_576.0 / started.elapsed().as_secs_f64()
}

fn main() {
    let root = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora"));
    if !root.is_dir() {
        println!(
            "parser_ceiling: no corpus at {}; nothing to measure",
            root.display()
        );
        return;
    }
    let mut paths = Vec::new();
    files_under(&root, &mut paths);
    for (format, tokenizer, tokenize) in [
        (
            Format::NewsmlG2,
            "quick-xml",
            xml_events as fn(&str) -> usize,
        ),
        (
            Format::NewsmlG2,
            "quick-xml-without-attributes",
            xml_events_only,
        ),
        (Format::NewsmlG2, "roxmltree-tree", xml_tree),
        (Format::Ninjs, "serde_json", json_skip),
    ] {
        let docs: Vec<String> = paths
            .iter()
            .filter_map(|p| std::fs::read(p).ok())
            .filter(|b| b.len() <= wiredesk_decode::MAX_DELIVERY_BYTES)
            .filter(|b| wiredesk_decode::sniff(b) == Ok(format))
            .filter_map(|b| String::from_utf8(b).ok())
            .collect();
        let tokenizer_speed = mb_per_s(&docs, tokenize);
        let decode_speed = mb_per_s(&docs, |d| {
            wiredesk_decode::decode(d.as_bytes()).map_or(0, |d| d.items.len())
        });
        println!(
            "parser_ceiling: format={format} files={} tokenizer={tokenizer} \
             tokenizer_mb_per_s={tokenizer_speed:.1} decode_mb_per_s={decode_speed:.1}",
            docs.len()
        );
    }
}
