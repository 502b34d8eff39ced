//! feed-rs `Feed` → `WireItem`s, one per usable entry.
//!
//! Owns: which entry field feeds which `WireItem` field (the guid or id is the uri, made unique
//! beyond its site when it is no URI of its own), and what makes an entry unusable.
//! Must not: fetch anything an entry only links to, or sanitize bodies.

use feed_rs::model::{Entry, Feed, Link, Text};
use jiff::Timestamp;
use wiredesk_model::{PubStatus, Subject, WireBody, WireItem};

use crate::{DecodeError, Decoded, Format};
use wiredesk_model::text;

pub(crate) fn decoded(feed: Feed, format: Format) -> Result<Decoded, DecodeError> {
    if feed.entries.is_empty() {
        return Err(DecodeError::NoEntries);
    }
    let agency = feed.title.as_ref().map(text_of).filter(|t| !t.is_empty());
    let feed_site = page_link(&feed.links).and_then(|l| host(&l.href));
    let total = feed.entries.len();
    let mut items = Vec::with_capacity(total);
    let mut warnings = Vec::new();
    let mut skipped = Vec::new();
    for (i, entry) in feed.entries.iter().enumerate() {
        let label = if entry.id.is_empty() {
            format!("entry {} of {total}", i + 1)
        } else {
            format!("entry {} of {total} ({})", i + 1, entry.id)
        };
        match wire_item(
            entry,
            agency.as_deref(),
            feed.language.as_deref(),
            feed_site.as_deref(),
        ) {
            Ok((item, notes)) => {
                warnings.extend(notes.into_iter().map(|n| format!("{label}: {n}")));
                items.push(item);
            }
            Err(reason) => {
                warnings.push(format!("{label} skipped: {reason}"));
                skipped.push(reason);
            }
        }
    }
    if items.is_empty() {
        return Err(DecodeError::NoUsableEntries {
            skipped: skipped.len(),
            first_reason: skipped.into_iter().next().unwrap_or_default(),
        });
    }
    Ok(Decoded {
        format,
        items,
        warnings,
    })
}

fn text_of(t: &Text) -> String {
    text::html_to_text(&t.content)
}

/// A body in the form its media type says; `None` for markup we do not publish (base64 media,
/// arbitrary XML vocabularies).
fn body_of(media_type: &str, body: &str, notes: &mut Vec<String>) -> Option<WireBody> {
    let body = body.trim();
    if body.is_empty() {
        return None;
    }
    let essence = media_type.split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case("text/plain") {
        Some(WireBody::Text(body.to_string()))
    } else if essence.eq_ignore_ascii_case("text/html")
        || essence.to_ascii_lowercase().contains("xhtml")
    {
        Some(WireBody::Html(body.to_string()))
    } else {
        notes.push(format!("content of type {essence} ignored"));
        None
    }
}

fn wire_item(
    entry: &Entry,
    agency: Option<&str>,
    feed_language: Option<&str>,
    feed_site: Option<&str>,
) -> Result<(WireItem, Vec<String>), String> {
    let mut notes = Vec::new();
    let headline = entry.title.as_ref().map(text_of).unwrap_or_default();
    let content = entry
        .content
        .as_ref()
        .and_then(|c| body_of(c.content_type.as_str(), c.body.as_deref()?, &mut notes));
    let summary = entry
        .summary
        .as_ref()
        .and_then(|s| Some((s, body_of(s.content_type.as_str(), &s.content, &mut notes)?)));
    if headline.is_empty() && content.is_none() && summary.is_none() {
        return Err(if notes.is_empty() {
            "no title and no content".into()
        } else {
            format!("no title and no usable content: {}", notes.join("; "))
        });
    }
    if headline.is_empty() {
        notes.push("no title".to_string());
    }
    let (body, abstract_text) = match (content, summary) {
        (Some(body), Some((summary, _))) => {
            let abstract_text = text_of(summary);
            // JSON Feed entries that send HTML and text but no summary get their text copied
            // into the summary by feed-rs; that is the body again, not an abstract.
            let same_as_body = abstract_text == text::html_to_text(body.as_str());
            (
                body,
                (!same_as_body && !abstract_text.is_empty()).then_some(abstract_text),
            )
        }
        (Some(body), None) => (body, None),
        (None, Some((_, summary_body))) => (summary_body, None),
        (None, None) => {
            notes.push("no content or summary; the body is empty".to_string());
            (WireBody::default(), None)
        }
    };
    let byline = entry
        .authors
        .iter()
        .filter_map(|p| p.name.as_deref().map(str::trim).filter(|n| !n.is_empty()))
        .collect::<Vec<_>>()
        .join(", ");
    let item = WireItem {
        uri: uri(&entry.id, &entry.links, feed_site),
        version: None,
        pubstatus: PubStatus::Usable,
        headline,
        slugline: None,
        byline: Some(byline).filter(|b| !b.is_empty()),
        dateline_text: None,
        place: None,
        body,
        abstract_text,
        subjects: subjects(entry),
        keywords: Vec::new(),
        language: entry
            .language
            .as_deref()
            .or(feed_language)
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string),
        agency: agency.map(str::to_string),
        source_url: page_link(&entry.links).map(|l| l.href.clone()),
        first_created: entry
            .published
            .and_then(|t| to_jiff(t.timestamp(), t.timestamp_subsec_nanos())),
        version_created: entry
            .updated
            .or(entry.published)
            .and_then(|t| to_jiff(t.timestamp(), t.timestamp_subsec_nanos())),
        embargoed: None,
        ..WireItem::default()
    };
    Ok((item, notes))
}

/// The entry's guid (RSS) or id (Atom, JSON Feed), else its link, as the story's uri. A guid
/// that is no URI ("1.13362571", sent `isPermaLink="false"`) is unique only within the site
/// that issued it, so it is qualified by that site's host, the entry's page's else the feed's:
/// `tag:www.nrk.no:1.13362571`, as Superdesk names it. Without a host it stays as sent.
fn uri(id: &str, links: &[Link], feed_site: Option<&str>) -> Option<String> {
    let id = id.trim();
    if id.is_empty() {
        return None;
    }
    if has_scheme(id) {
        return Some(id.to_string());
    }
    let site = page_link(links)
        .and_then(|l| host(&l.href))
        .or_else(|| feed_site.map(str::to_string));
    Some(match site {
        Some(site) => format!("tag:{site}:{id}"),
        None => id.to_string(),
    })
}

/// `scheme:` as RFC 3986 spells a scheme, with something after it.
fn has_scheme(s: &str) -> bool {
    s.split_once(':').is_some_and(|(scheme, rest)| {
        !rest.is_empty()
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

/// The host (and port) of an http(s) address, lower-cased; `None` for anything else.
fn host(href: &str) -> Option<String> {
    let href = href.trim();
    let rest = ["https://", "http://"].iter().find_map(|scheme| {
        href.get(..scheme.len())
            .filter(|s| s.eq_ignore_ascii_case(scheme))
            .map(|_| &href[scheme.len()..])
    })?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    (!host.is_empty() && !host.contains(char::is_whitespace)).then(|| host.to_ascii_lowercase())
}

/// The entry's web page: its `alternate` (or rel-less) link, else whatever it links first.
fn page_link(links: &[Link]) -> Option<&Link> {
    links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .or(links.first())
        .filter(|l| !l.href.trim().is_empty())
}

fn subjects(entry: &Entry) -> Vec<Subject> {
    let mut out: Vec<Subject> = Vec::new();
    for c in &entry.categories {
        let code = c.term.trim();
        if code.is_empty() || out.iter().any(|s| s.code == code) {
            continue;
        }
        out.push(Subject {
            code: code.to_string(),
            name: c
                .label
                .as_deref()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string),
        });
    }
    out
}

/// feed-rs speaks chrono, the model jiff; chrono's inherent methods are enough to cross over.
fn to_jiff(seconds: i64, nanos: u32) -> Option<Timestamp> {
    Timestamp::new(seconds, i32::try_from(nanos).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode;
    use crate::tests::fixture;

    fn ts(s: &str) -> Option<Timestamp> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn rss_items_become_wire_items_and_an_empty_one_is_skipped() {
        let decoded = decode(&fixture("rss2.xml")).unwrap();
        assert_eq!(decoded.format, Format::Rss);
        assert_eq!(decoded.items.len(), 3);
        assert_eq!(
            decoded.warnings,
            ["entry 3 of 4 (urn:wiredesk:test:rss-empty) skipped: no title and no content"]
        );

        let first = &decoded.items[0];
        assert_eq!(first.uri.as_deref(), Some("urn:wiredesk:test:rss-1"));
        assert_eq!(first.headline, "Harbour city opens tidal power station");
        assert!(
            matches!(&first.body, WireBody::Html(h) if h.starts_with("<p>Portmere, Nov 6 (WDN)")),
            "content:encoded is the body: {:?}",
            first.body
        );
        assert_eq!(
            first.abstract_text.as_deref(),
            Some("The station will power 40,000 homes."),
            "the description is the abstract when there is content too"
        );
        assert_eq!(first.agency.as_deref(), Some("Wire Desk News"));
        assert_eq!(first.byline.as_deref(), Some("Ines Calloway"));
        assert_eq!(
            first.source_url.as_deref(),
            Some("https://wire.example.org/2026/11/06/tidal")
        );
        assert_eq!(first.first_created, ts("2026-11-06T09:30:00Z"));
        assert_eq!(first.version_created, ts("2026-11-06T09:30:00Z"));
        assert_eq!(first.language.as_deref(), Some("en"));
        assert_eq!(first.pubstatus, PubStatus::Usable);
        assert_eq!(
            first
                .subjects
                .iter()
                .map(|s| s.code.as_str())
                .collect::<Vec<_>>(),
            ["Energy", "medtop:20000273"]
        );

        let second = &decoded.items[1];
        assert_eq!(
            second.headline, "Ferry fares & fees frozen",
            "entities decoded"
        );
        assert_eq!(
            second.body,
            WireBody::Html("Fares stay at 2025 levels until March.".into()),
            "the description is the body when there is no content"
        );
        assert_eq!(second.abstract_text, None);

        let fourth = &decoded.items[2];
        assert_eq!(
            fourth.uri.as_deref(),
            Some("https://wire.example.org/2026/11/09/rowing"),
            "no guid: the link identifies the item, never a hash of its title"
        );
        assert_eq!(fourth.first_created, None);
    }

    #[test]
    fn rss_1_0_is_read_as_rss() {
        let decoded = decode(&fixture("rss1.rdf")).unwrap();
        assert_eq!(decoded.format, Format::Rss);
        let item = &decoded.items[0];
        assert_eq!(item.headline, "Lighthouse reopens to visitors");
        assert_eq!(
            item.source_url.as_deref(),
            Some("https://wire.example.org/2026/11/10/lighthouse")
        );
        assert!(item.body.as_str().contains("reopens after repairs"));
    }

    #[test]
    fn a_guid_is_the_uri_and_a_bare_one_is_qualified_by_its_site() {
        let rss = br#"<rss version="2.0"><channel><title>T</title><link>https://news.example/</link>
            <item><guid isPermaLink="false">1.13362571</guid><title>A</title><description>a</description><link>
            https://www.Wire.example:8080/finnmark/a-1.13362571
            </link></item>
            <item><guid isPermaLink="false">77</guid><title>B</title><description>b</description></item>
            <item><guid>https://wire.example/c</guid><title>C</title><description>c</description></item>
            <item><title>D</title><description>d</description><link>https://wire.example/d</link></item>
            </channel></rss>"#;
        let uris: Vec<_> = decode(rss)
            .unwrap()
            .items
            .into_iter()
            .map(|i| i.uri.unwrap())
            .collect();
        assert_eq!(
            uris,
            [
                "tag:www.wire.example:8080:1.13362571",
                "tag:news.example:77",
                "https://wire.example/c",
                "https://wire.example/d",
            ]
        );
        let atom = br#"<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>urn:feed</id><updated>2026-11-06T09:00:00Z</updated>
            <entry><id>urn:wdn:entry-1</id><title>E</title><updated>2026-11-06T09:00:00Z</updated><summary>e</summary><link href="https://wire.example/e"/></entry>
            </feed>"#;
        assert_eq!(
            decode(atom).unwrap().items[0].uri.as_deref(),
            Some("urn:wdn:entry-1")
        );
    }

    #[test]
    fn atom_entries_map_titles_authors_links_and_times() {
        let decoded = decode(&fixture("atom.xml")).unwrap();
        assert_eq!(decoded.format, Format::Atom);
        assert_eq!(decoded.warnings, Vec::<String>::new());
        let first = &decoded.items[0];
        assert_eq!(first.uri.as_deref(), Some("urn:wiredesk:test:atom-1"));
        assert_eq!(first.headline, "Court ruling on dredging postponed");
        assert_eq!(first.byline.as_deref(), Some("C. Correspondent, E. Editor"));
        assert_eq!(first.agency.as_deref(), Some("Wire Desk News"));
        assert_eq!(
            first.source_url.as_deref(),
            Some("https://wire.example.org/2026/11/08/dredging"),
            "the alternate link, not rel=self"
        );
        assert_eq!(first.first_created, ts("2026-11-08T07:00:00Z"));
        assert_eq!(first.version_created, ts("2026-11-08T09:15:00Z"));
        assert!(matches!(&first.body, WireBody::Html(h) if h.starts_with("<p>Portmere")));
        assert_eq!(
            first.abstract_text.as_deref(),
            Some("A decision is now expected in January.")
        );
        assert_eq!(
            first.subjects,
            [Subject {
                code: "medtop:02000000".into(),
                name: Some("crime, law and justice".into())
            }]
        );
        assert_eq!(first.language.as_deref(), Some("en"));

        let second = &decoded.items[1];
        assert_eq!(
            second.body,
            WireBody::Text("The old lighthouse reopens after repairs.".into()),
            "type=\"text\" content stays text"
        );
        assert_eq!(second.source_url, None);
    }

    #[test]
    fn json_feed_items_map_like_the_others() {
        let decoded = decode(&fixture("jsonfeed.json")).unwrap();
        assert_eq!(decoded.format, Format::JsonFeed);
        let first = &decoded.items[0];
        assert_eq!(first.uri.as_deref(), Some("urn:wiredesk:test:json-1"));
        assert!(matches!(&first.body, WireBody::Html(h) if h.starts_with("<p>")));
        assert_eq!(
            first.abstract_text, None,
            "content_text copied into the summary by feed-rs is not an abstract"
        );
        assert_eq!(first.byline.as_deref(), Some("F. Reporter"));
        assert_eq!(first.version_created, ts("2026-11-11T10:00:00Z"));
        assert_eq!(first.first_created, ts("2026-11-11T09:00:00Z"));
        assert_eq!(first.subjects[0].code, "infrastructure");
        assert_eq!(
            first.source_url.as_deref(),
            Some("https://wire.example.org/2026/11/11/bridge")
        );

        let second = &decoded.items[1];
        assert_eq!(
            second.body,
            WireBody::Text("The market hall will open on Sundays from December.".into())
        );
        assert_eq!(
            second.abstract_text.as_deref(),
            Some("Sunday opening starts in December.")
        );
    }

    #[test]
    fn rss_without_a_version_is_refused_with_the_reason() {
        let rss = br#"<rss><channel><title>T</title><item><title>x</title><description>y</description></item></channel></rss>"#;
        assert_eq!(
            decode(rss).unwrap_err().to_string(),
            "malformed RSS feed: unsupported RSS version: <rss version=\"…\"> must be 2.0, 0.91 or 0.92"
        );
    }

    #[test]
    fn content_that_is_neither_html_nor_text_is_not_published() {
        let atom = br#"<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><entry><id>1</id><title>Chart</title><content type="image/png">iVBORw0KGgo=</content><summary>A chart.</summary></entry></feed>"#;
        let decoded = decode(atom).unwrap();
        assert_eq!(decoded.items[0].body, WireBody::Text("A chart.".into()));
        assert_eq!(
            decoded.warnings,
            ["entry 1 of 1 (1): content of type image/png ignored"]
        );
    }

    #[test]
    fn a_skipped_entry_says_what_content_it_had() {
        let atom = br#"<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><entry><id>1</id><content type="application/octet-stream">RW50cnk=</content></entry></feed>"#;
        assert_eq!(
            decode(atom).unwrap_err().to_string(),
            "feed has no usable entries: 1 skipped (no title and no usable content: content of \
             type application/octet-stream ignored)"
        );
    }

    #[test]
    fn a_feed_without_entries_is_refused() {
        let rss =
            br#"<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>"#;
        assert_eq!(decode(rss).unwrap_err().to_string(), "feed has no entries");
        let json = br#"{"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": []}"#;
        assert_eq!(decode(json).unwrap_err(), DecodeError::NoEntries);
    }

    #[test]
    fn a_feed_whose_every_entry_is_empty_is_refused() {
        let rss = br#"<rss version="2.0"><channel><title>T</title><item><guid>a</guid></item><item></item></channel></rss>"#;
        assert_eq!(
            decode(rss).unwrap_err().to_string(),
            "feed has no usable entries: 2 skipped (no title and no content)"
        );
    }

    #[test]
    fn an_entry_with_a_title_only_is_kept_with_a_warning() {
        let rss = br#"<rss version="2.0"><channel><title>T</title><item><guid>a</guid><title>Only a title</title></item></channel></rss>"#;
        let decoded = decode(rss).unwrap();
        assert_eq!(decoded.items[0].headline, "Only a title");
        assert_eq!(
            decoded.warnings,
            ["entry 1 of 1 (a): no content or summary; the body is empty"]
        );
    }
}
