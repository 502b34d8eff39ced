//! A plain wire story to start tests from, shared by every crate's tests so that a new field
//! on `Story` is added in one place. Not for production code.

use std::path::{Path, PathBuf};

use jiff::Timestamp;

use crate::{Agency, PubStatus, Story, StoryId, body_hash};

/// A usable, unpublished AP story with `uri`, `headline` and one paragraph of `body`, created
/// at `at`.
pub fn story(uri: &str, headline: &str, body: &str, at: Timestamp) -> Story {
    let body_html = format!("<p>{body}</p>");
    Story {
        id: StoryId::for_uri(uri),
        uri: uri.into(),
        version: 1,
        pubstatus: PubStatus::Usable,
        headline: headline.into(),
        agency_headline: headline.into(),
        slugline: None,
        byline: None,
        dateline: None,
        body_hash: body_hash(&body_html),
        body_html,
        summary: body.into(),
        summary_from_agency: false,
        subjects: vec![],
        topics: vec![],
        keywords: vec![],
        language: Some("en".into()),
        agency: Agency::named("AP"),
        source_url: None,
        first_created: at,
        version_created: at,
        published: None,
        updated: None,
        embargoed: None,
        status_reason: None,
        pinned_at: None,
        signals: Vec::new(),
        associations: Vec::new(),
        not_for_publication: None,
        urgency: None,
        topics_removed_by_desk: Vec::new(),
    }
}

/// A folder of `../shared/corpora` (real agency files, IPTC's examples, real feeds: not ours to
/// copy into the repository), beside the checkout or where `WIREDESK_SHARED` says. A missing
/// one fails loudly, never passes empty: the tests that read it are `#[ignore]`d, and CI runs
/// them only where it exists.
pub fn shared_corpus(sub: &str) -> PathBuf {
    let root = std::env::var_os("WIREDESK_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let dir = root.join("corpora").join(sub);
    assert!(
        dir.is_dir(),
        "corpus folder {} is missing: these tests need ../shared beside the repository (or \
         WIREDESK_SHARED pointing at it)",
        dir.display()
    );
    dir
}
