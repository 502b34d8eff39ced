//! Hand-written fixtures in the shape of the collection (no text from it).

use proptest::prelude::*;

use super::*;

const TWO_DOCS: &str = "<!DOCTYPE lewis SYSTEM \"lewis.dtd\">\n\
<REUTERS TOPICS=\"YES\" LEWISSPLIT=\"TRAIN\" CGISPLIT=\"TRAINING-SET\" OLDID=\"17\" NEWID=\"4\">\n\
<DATE> 3-MAR-1987 09:05:12.40&#5;&#5;&#5;RM</DATE>\n\
<TOPICS><D>grain</D><D>wheat</D></TOPICS>\n\
<PLACES><D>ruritania</D></PLACES>\n\
<PEOPLE></PEOPLE><ORGS></ORGS><EXCHANGES></EXCHANGES><COMPANIES></COMPANIES>\n\
<UNKNOWN>&#5;&#5;C T\n&#22;&#22;&#1;f0001&#31;reute</UNKNOWN>\n\
<TEXT>&#2;\n<TITLE>RURITANIA SELLS WHEAT TO &lt;ACME&gt; &amp; CO</TITLE>\n\
<DATELINE>    STRELSAU, March 3 - </DATELINE><BODY>Ruritania sold 100,000 tonnes\nof wheat, traders said.\n Reuter\n&#3;</BODY></TEXT>\n\
</REUTERS>\n\
<REUTERS TOPICS=\"NO\" LEWISSPLIT=\"TEST\" CGISPLIT=\"PUBLISHED-TESTSET\" OLDID=\"18\" NEWID=\"5\">\n\
<DATE>31-MAR-1987 23:59:59.99</DATE>\n\
<TOPICS></TOPICS>\n\
<TEXT TYPE=\"UNPROC\">&#2;\nWEEKLY FIGURES - MARCH 31\n  Stocks....12 vs 11\n&#3;</TEXT>\n\
</REUTERS>\n";

#[test]
fn reads_labels_split_and_text() {
    let docs = parse(TWO_DOCS.as_bytes());
    assert_eq!(docs.len(), 2);
    let d = &docs[0];
    assert_eq!(d.new_id, 4);
    assert_eq!(d.old_id, Some(17));
    assert!(d.is_modapte_train());
    assert!(!d.is_modapte_test());
    assert_eq!(d.topics, ["grain", "wheat"]);
    assert_eq!(d.places, ["ruritania"]);
    assert!(d.people.is_empty());
    assert_eq!(
        d.title.as_deref(),
        Some("RURITANIA SELLS WHEAT TO <ACME> & CO")
    );
    assert_eq!(d.dateline.as_deref(), Some("STRELSAU, March 3"));
    assert_eq!(
        d.body,
        "Ruritania sold 100,000 tonnes\nof wheat, traders said.\n Reuter"
    );
    assert_eq!(d.date_text.as_deref(), Some("3-MAR-1987 09:05:12.40RM"));
    assert_eq!(d.date, Some("1987-03-03T09:05:12Z".parse().unwrap()));
    assert_eq!(d.text_type, TextType::Norm);

    let u = &docs[1];
    assert_eq!(u.new_id, 5);
    assert_eq!(u.lewis_split, LewisSplit::Test);
    assert_eq!(u.topics_flag, TopicsFlag::No);
    assert!(!u.is_modapte_test());
    assert_eq!(u.text_type, TextType::Unproc);
    assert!(u.title.is_none());
    assert_eq!(u.body, "WEEKLY FIGURES - MARCH 31\n  Stocks....12 vs 11");
    assert_eq!(u.date, Some("1987-03-31T23:59:59Z".parse().unwrap()));
}

#[test]
fn an_archive_file_is_one_delivery_of_many_stories() {
    assert_eq!(
        crate::sniff(TWO_DOCS.as_bytes()),
        Ok(crate::Format::Reuters21578)
    );
    let decoded = crate::decode(TWO_DOCS.as_bytes()).unwrap();
    assert_eq!(decoded.format, crate::Format::Reuters21578);
    assert_eq!(decoded.items.len(), 2);
    assert!(
        decoded
            .items
            .iter()
            .all(|i| i.uri.as_deref().unwrap().starts_with("reuters21578:"))
    );
    // Plain text that merely mentions the element is not an archive file.
    assert!(!super::looks_like(b"Headline\n\n<REUTERS> is a tag name."));
}

#[test]
fn converts_to_a_wire_item() {
    let docs = parse(TWO_DOCS.as_bytes());
    let item = docs[0].to_wire_item();
    assert_eq!(item.uri.as_deref(), Some("reuters21578:4"));
    assert_eq!(item.headline, "RURITANIA SELLS WHEAT TO <ACME> & CO");
    assert_eq!(item.dateline_text.as_deref(), Some("STRELSAU, March 3"));
    assert_eq!(item.agency.as_deref(), Some("Reuters"));
    assert_eq!(item.subjects.len(), 2);
    assert_eq!(item.subjects[1].code, "reuters21578:wheat");
    assert_eq!(item.first_created, docs[0].date);
    // Without a title, the first line of the text is the headline.
    assert_eq!(docs[1].to_wire_item().headline, "WEEKLY FIGURES - MARCH 31");
}

#[test]
fn a_lost_end_tag_does_not_swallow_the_next_document() {
    let s = "<REUTERS NEWID=\"1\"><TEXT><BODY>one\n<REUTERS NEWID=\"2\"><TEXT><BODY>two</BODY></TEXT></REUTERS>";
    let docs = parse(s.as_bytes());
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0].body, "one");
    assert_eq!(docs[1].body, "two");
}

#[test]
fn non_utf8_bytes_and_odd_entities_are_tolerated() {
    let s = b"<REUTERS NEWID=7 LEWISSPLIT=\"NOT-USED\"><TEXT><BODY>caf\xe9 &#99999999; &bogus; &#0; a&b</BODY></TEXT></REUTERS>";
    let docs = parse(s);
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].new_id, 7);
    assert_eq!(docs[0].lewis_split, LewisSplit::NotUsed);
    assert_eq!(docs[0].body, "caf\u{fffd} &#99999999; &bogus;  a&b");
}

#[test]
fn a_document_without_newid_is_skipped() {
    assert!(parse(b"<REUTERS TOPICS=\"YES\"><TEXT><BODY>x</BODY></TEXT></REUTERS>").is_empty());
    assert!(parse(b"<REUTERSX NEWID=\"1\">").is_empty());
}

proptest! {
    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = parse(&bytes);
    }

    #[test]
    fn never_panics_on_mangled_documents(cut in 0usize..2000, junk in "[<>&#;/ A-Z0-9=\"é]{0,40}") {
        let mut s = TWO_DOCS.to_string();
        let mut at = cut.min(s.len());
        while !s.is_char_boundary(at) { at -= 1; }
        s.insert_str(at, &junk);
        let docs = parse(s.as_bytes());
        for d in &docs {
            let _ = d.to_wire_item();
        }
        let truncated = &TWO_DOCS.as_bytes()[..cut.min(TWO_DOCS.len())];
        let _ = parse(truncated);
    }
}

/// The whole collection from `../shared/corpora/reuters21578` (never copied into the
/// repository, so ignored by default like the other corpus tests).
#[test]
#[ignore = "needs ../shared"]
fn reads_the_whole_collection() {
    let root = std::env::var_os("WIREDESK_SHARED")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
        });
    let dir = root.join("corpora/reuters21578");
    assert!(dir.is_dir(), "{} is missing", dir.display());
    let mut docs = Vec::new();
    for n in 0..22 {
        let path = dir.join(format!("reut2-{n:03}.sgm"));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        docs.extend(parse(&bytes));
    }
    assert_eq!(docs.len(), 21_578);
    let mut ids: Vec<u32> = docs.iter().map(|d| d.new_id).collect();
    ids.sort_unstable();
    assert!(
        ids.iter().copied().eq(1..=21_578),
        "NEWIDs are 1..=21578, once each"
    );
    assert_eq!(docs.iter().filter(|d| d.is_modapte_train()).count(), 9_603);
    assert_eq!(docs.iter().filter(|d| d.is_modapte_test()).count(), 3_299);
    let count = |t: TextType| docs.iter().filter(|d| d.text_type == t).count();
    assert_eq!(count(TextType::Brief), 1_798);
    assert_eq!(count(TextType::Unproc), 737);
    assert!(docs.iter().all(|d| d.date.is_some()), "every DATE is read");
    let with_body = docs
        .iter()
        .filter(|d| d.text_type == TextType::Norm && !d.body.is_empty())
        .count();
    assert!(with_body > 19_000, "{with_body}");
    assert!(
        docs.iter()
            .all(|d| !d.body.contains("&#") && !d.body.contains("&lt;")),
        "character references are resolved"
    );
    let first = &docs[0];
    assert_eq!(first.topics, ["cocoa"]);
    assert_eq!(first.dateline.as_deref(), Some("SALVADOR, Feb 26"));
}
