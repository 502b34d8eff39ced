//! IPTC NewsML-G2: `newsMessage` envelopes, `newsItem` and `packageItem`, parsed into G2's own
//! types.
//!
//! Owns: where G2 keeps each thing (`itemMeta` for status, signals, times, links and the item's
//! `role`, `contentMeta` for headlines, subjects, genres and the dateline, `contentSet` for the copy as NITF,
//! XHTML or plain text, `remoteContent` for a picture's files), the schemes an item declares in
//! its own `catalog`, telling text items from pictures and other media by `itemClass`, and
//! which items a package refers to.
//! Must not: decide what a field means for the newsroom; `adapter` maps to `WireItem`.

mod adapter;

use crate::xml::{self, Element};
use crate::{DecodeError, Decoded, nitf};

/// One `newsItem`, field by field.
#[derive(Debug, Default)]
pub(crate) struct G2Item {
    pub guid: Option<String>,
    pub version: Option<String>,
    pub lang: Option<String>,
    pub item_class: Option<String>,
    pub copyright_holder: Option<String>,
    pub provider: Option<String>,
    pub version_created: Option<String>,
    pub first_created: Option<String>,
    pub content_created: Option<String>,
    pub embargoed: Option<String>,
    pub pub_status: Option<String>,
    pub signals: Vec<String>,
    /// (`rel`, `href`) of `itemMeta/link`.
    pub links: Vec<(String, String)>,
    /// `itemMeta/link` in full: which item a link names, and what it says of it.
    pub link_refs: Vec<LinkRef>,
    /// (alias, scheme URI) of the item's inline `catalog`.
    pub local_schemes: Vec<(String, String)>,
    pub urgency: Option<String>,
    pub located: Option<String>,
    pub dateline: Option<String>,
    pub bylines: Vec<String>,
    /// (`role`, text).
    pub headlines: Vec<(Option<String>, String)>,
    pub subheadline: Option<String>,
    pub slugline: Option<String>,
    /// (`role`, text).
    pub descriptions: Vec<(Option<String>, String)>,
    pub subjects: Vec<SubjectRef>,
    /// `contentMeta/genre`: (qcode, first name).
    pub genres: Vec<(Option<String>, Option<String>)>,
    /// `itemMeta/role`: the item's role in the editorial workflow (qcode, first name).
    pub roles: Vec<(Option<String>, Option<String>)>,
    /// `creditline`: who to credit for a picture.
    pub creditline: Option<String>,
    pub keywords: Vec<String>,
    pub language_tag: Option<String>,
    pub contents: Vec<Content>,
    /// What the NITF (`body.head`) or XHTML (`head/title`) inside `contentSet` says of the
    /// copy, for items whose `contentMeta` does not.
    pub inline: InlineHead,
    /// A bare `<contentSet>` (IPTC's LISTING 25): the copy of an item without the item.
    pub fragment: bool,
}

/// The head of the document an `inlineXML` carries.
#[derive(Debug, Default)]
pub(crate) struct InlineHead {
    pub headline: Option<String>,
    pub byline: Option<String>,
    pub dateline: Option<String>,
    /// The inline NITF dateline's `location`.
    pub place: Option<String>,
    pub abstract_text: Option<String>,
}

/// A `subject`: a QCode, a concept URI or a free-text literal, and its first `name`.
#[derive(Debug, Default)]
pub(crate) struct SubjectRef {
    pub qcode: Option<String>,
    pub uri: Option<String>,
    pub literal: Option<String>,
    pub name: Option<String>,
}

/// An `itemMeta/link` to another item (dpa links a story's pictures this way, with the
/// picture's class and title, rather than sending the picture item).
#[derive(Debug, Default)]
pub(crate) struct LinkRef {
    pub rel: String,
    pub residref: Option<String>,
    pub href: Option<String>,
    pub contenttype: Option<String>,
    pub item_class: Option<String>,
    pub title: Option<String>,
}

/// One member of `contentSet`.
#[derive(Debug)]
pub(crate) enum Content {
    Html(String),
    Text(String),
    /// Remote content: a rendition of a picture, audio or video.
    Remote(Remote),
    Other(String),
}

/// A `remoteContent`: where one file of a media item is, and what it is.
#[derive(Debug, Default)]
pub(crate) struct Remote {
    pub href: Option<String>,
    pub rendition: Option<String>,
    pub contenttype: Option<String>,
    pub width: Option<String>,
    pub height: Option<String>,
}

/// A `packageItem`: only which items it groups matters here.
#[derive(Debug, Default)]
pub(crate) struct Package {
    pub guid: Option<String>,
    pub refs: Vec<String>,
}

#[derive(Debug, Default)]
pub(crate) struct Message {
    pub items: Vec<G2Item>,
    pub packages: Vec<Package>,
    /// Root names of items of other kinds (conceptItem, planningItem, knowledgeItem).
    pub others: Vec<String>,
}

pub(crate) fn decode(text: &str) -> Result<Decoded, DecodeError> {
    let root = xml::parse(text)?;
    let message = parse(&root);
    adapter::decoded(message)
}

pub(crate) fn parse(root: &Element) -> Message {
    let mut message = Message::default();
    let members: Vec<&Element> = match &*root.name {
        // An item set with nothing in it is still a message.
        "newsMessage" => root
            .children("itemSet")
            .flat_map(|set| set.elements())
            .collect(),
        "contentSet" => {
            message.items.push(fragment(root));
            return message;
        }
        _ => vec![root],
    };
    for el in members {
        match &*el.name {
            "newsItem" => message.items.push(item(el)),
            "packageItem" => message.packages.push(package(el)),
            other => message.others.push(other.to_string()),
        }
    }
    message
}

/// A `contentSet` sent on its own: only its copy and the head of its document are known.
fn fragment(set: &Element) -> G2Item {
    G2Item {
        contents: set.elements().map(content_of).collect(),
        inline: inline_head(set),
        fragment: true,
        ..G2Item::default()
    }
}

fn package(el: &Element) -> Package {
    Package {
        guid: el.attr_value("guid"),
        refs: el
            .find_all("itemRef")
            .into_iter()
            .filter_map(|r| r.attr_value("residref"))
            .collect(),
    }
}

fn name_or(el: &Element) -> Option<String> {
    el.child("name")
        .and_then(Element::text_value)
        .or_else(|| el.attr_value("literal"))
        .or_else(|| el.attr_value("qcode"))
}

/// A QCode property's code (or literal) and its first `name`.
fn coded(el: &Element) -> (Option<String>, Option<String>) {
    (
        el.attr_value("qcode").or_else(|| el.attr_value("literal")),
        el.child("name").and_then(Element::text_value),
    )
}

fn item(el: &Element) -> G2Item {
    let meta = el.child("itemMeta");
    let content = el.child("contentMeta");
    let m = |name: &str| meta.and_then(|m| m.child(name));
    let c = |name: &str| content.and_then(|c| c.child(name));
    fn all<'a>(content: Option<&'a Element>, name: &'a str) -> Vec<&'a Element<'a>> {
        content
            .map(|c| c.children(name).collect())
            .unwrap_or_default()
    }
    let text_of = |e: Option<&Element>| e.and_then(Element::text_value);
    G2Item {
        guid: el.attr_value("guid"),
        version: el.attr_value("version"),
        lang: el.attr_value("xml:lang"),
        item_class: m("itemClass").and_then(|e| e.attr_value("qcode")),
        copyright_holder: el
            .path(&["rightsInfo", "copyrightHolder"])
            .and_then(name_or),
        provider: m("provider").and_then(name_or),
        version_created: text_of(m("versionCreated")),
        first_created: text_of(m("firstCreated")),
        content_created: text_of(c("contentCreated")),
        embargoed: text_of(m("embargoed")),
        pub_status: m("pubStatus").and_then(|e| e.attr_value("qcode")),
        signals: meta
            .map(|m| {
                m.children("signal")
                    .filter_map(|s| s.attr_value("qcode"))
                    .collect()
            })
            .unwrap_or_default(),
        links: meta
            .map(|m| {
                m.children("link")
                    .filter_map(|l| {
                        Some((
                            l.attr_value("rel").unwrap_or_default(),
                            l.attr_value("href")?,
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default(),
        link_refs: meta
            .map(|m| {
                m.children("link")
                    .map(|l| LinkRef {
                        rel: l.attr_value("rel").unwrap_or_default(),
                        residref: l.attr_value("residref"),
                        href: l.attr_value("href"),
                        contenttype: l.attr_value("contenttype"),
                        item_class: l.child("itemClass").and_then(|c| c.attr_value("qcode")),
                        title: l.child("title").and_then(Element::text_value),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        local_schemes: el
            .children("catalog")
            .flat_map(|c| c.children("scheme"))
            .filter_map(|s| Some((s.attr_value("alias")?, s.attr_value("uri")?)))
            .collect(),
        urgency: text_of(c("urgency")),
        // A place's name, never its qcode: "geo:3169070" is the agency's id, not a place.
        located: c("located").and_then(|l| {
            l.child("name")
                .and_then(Element::text_value)
                .or_else(|| l.attr_value("literal"))
        }),
        dateline: text_of(c("dateline")),
        bylines: all(content, "by")
            .into_iter()
            .filter_map(Element::text_value)
            .collect(),
        headlines: all(content, "headline")
            .into_iter()
            .filter_map(|h| Some((h.attr_value("role"), h.text_value()?)))
            .collect(),
        subheadline: text_of(c("subheadline")),
        slugline: text_of(c("slugline")),
        descriptions: all(content, "description")
            .into_iter()
            .filter_map(|d| Some((d.attr_value("role"), d.text_value()?)))
            .collect(),
        subjects: all(content, "subject")
            .into_iter()
            .map(|s| SubjectRef {
                qcode: s.attr_value("qcode"),
                uri: s.attr_value("uri"),
                literal: s.attr_value("literal"),
                name: s.child("name").and_then(Element::text_value),
            })
            .collect(),
        genres: all(content, "genre").into_iter().map(coded).collect(),
        roles: meta
            .map(|m| m.children("role").map(coded).collect())
            .unwrap_or_default(),
        creditline: text_of(c("creditline")),
        keywords: all(content, "keyword")
            .into_iter()
            .filter_map(Element::text_value)
            .collect(),
        language_tag: c("language").and_then(|l| l.attr_value("tag")),
        contents: el
            .child("contentSet")
            .map(|set| set.elements().map(content_of).collect())
            .unwrap_or_default(),
        inline: el.child("contentSet").map(inline_head).unwrap_or_default(),
        fragment: false,
    }
}

/// The head of the first NITF or XHTML document in `contentSet` that has one.
fn inline_head(set: &Element) -> InlineHead {
    set.children("inlineXML")
        .find_map(|x| {
            if let Some(doc) = x.child("nitf") {
                let parsed = nitf::parse(doc);
                return Some(InlineHead {
                    headline: parsed.hl1.or(parsed.title),
                    byline: parsed.byline,
                    dateline: parsed.dateline,
                    place: parsed.location,
                    abstract_text: parsed.abstract_text,
                });
            }
            let title = x
                .path(&["html", "head", "title"])
                .and_then(Element::text_value)?;
            Some(InlineHead {
                headline: Some(title),
                ..InlineHead::default()
            })
        })
        .unwrap_or_default()
}

/// Elements that open HTML copy sent without its `<html>` wrapper.
fn is_html_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "section"
            | "article"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "ul"
            | "ol"
            | "table"
            | "blockquote"
            | "pre"
            | "figure"
            | "span"
            | "b"
            | "i"
            | "em"
            | "strong"
            | "a"
            | "br"
    )
}

fn content_of(el: &Element) -> Content {
    let content_type = el.attr_value("contenttype").unwrap_or_default();
    match &*el.name {
        "inlineXML" => {
            if let Some(doc) = el.child("nitf") {
                return match nitf::body_markup(doc) {
                    Some(markup) => Content::Html(markup),
                    None => Content::Other(content_type),
                };
            }
            if let Some(html) = el.child("html") {
                // The IPTC/dpa XHTML body repeats time, subjects and headline in a
                // `<header>`; that is metadata, not copy.
                let body = html.child("body").unwrap_or(html);
                return Content::Html(body.inner_markup_without(Some("header")).trim().to_string());
            }
            // Bare HTML (`<p>…</p>` without `<html>`) is copy; other inline XML (IPTC's
            // `<events>`, SportsML) is data, never a body.
            let html_first = el.elements().next().is_some_and(|e| is_html_block(&e.name));
            let markup = el.inner_markup().trim().to_string();
            if markup.is_empty() || !html_first {
                Content::Other(match el.elements().next() {
                    Some(e) if content_type.is_empty() => format!("inline <{}>", e.name),
                    _ => content_type,
                })
            } else {
                Content::Html(markup)
            }
        }
        "inlineData" => {
            let text = el.text();
            if content_type.contains("html") {
                Content::Html(text.trim().to_string())
            } else if content_type.is_empty() || content_type.starts_with("text/") {
                Content::Text(text.trim().to_string())
            } else {
                Content::Other(content_type)
            }
        }
        "remoteContent" => Content::Remote(Remote {
            href: el.attr_value("href"),
            rendition: el.attr_value("rendition"),
            contenttype: el.attr_value("contenttype"),
            width: el.attr_value("width"),
            height: el.attr_value("height"),
        }),
        _ => Content::Other(content_type),
    }
}

#[cfg(test)]
mod tests {
    use crate::Format;
    use crate::tests::fixture;
    use wiredesk_model::{PubStatus, WireBody};

    fn ts(t: Option<jiff::Timestamp>) -> Option<String> {
        t.map(|t| t.to_string())
    }

    #[test]
    fn a_genre_or_item_role_for_editors_is_not_for_publication() {
        let decoded = crate::decode(&fixture("newsml_g2_advisory.xml")).unwrap();
        let reasons: Vec<_> = decoded
            .items
            .iter()
            .map(|i| i.not_for_publication.as_deref())
            .collect();
        assert_eq!(
            reasons,
            [
                Some("genre \"Achtung\" (wdntextgenre:27): a note to editors"),
                Some("item role \"Editor's note\" (wdnrole:editorsnote): a note to editors"),
                None,
            ]
        );
        let news = crate::decode(&fixture("newsml_g2.xml")).unwrap();
        assert_eq!(
            news.items[0].not_for_publication, None,
            "genre:Current is news"
        );
    }

    #[test]
    fn the_fixture_decodes_field_by_field() {
        let decoded = crate::decode(&fixture("newsml_g2.xml")).unwrap();
        assert_eq!(decoded.format, Format::NewsmlG2);
        assert_eq!(decoded.items.len(), 1, "the picture is not a story");
        let item = &decoded.items[0];
        assert_eq!(
            item.uri.as_deref(),
            Some("urn:newsml:wire.example:20261106:bridge")
        );
        assert_eq!(item.version, Some(3));
        assert_eq!(item.pubstatus, PubStatus::Usable);
        assert_eq!(item.headline, "Harbour bridge reopens after repairs");
        assert_eq!(
            item.subheadline.as_deref(),
            Some("Traffic returns to normal")
        );
        assert_eq!(item.slugline.as_deref(), Some("PORTUGAL-BRIDGE/"));
        assert_eq!(item.byline.as_deref(), Some("By Ana Lima"));
        assert_eq!(item.dateline_text.as_deref(), Some("PORTO, Nov 6"));
        assert_eq!(item.urgency, Some(3));
        assert_eq!(item.signals, ["sig:update", "sig:correction"]);
        assert_eq!(item.language.as_deref(), Some("en"));
        assert_eq!(item.agency.as_deref(), Some("WDN"));
        assert_eq!(item.copyright_holder.as_deref(), Some("Wire Desk News"));
        assert_eq!(
            item.source_url.as_deref(),
            Some("https://wire.example/2026/11/06/harbour-bridge")
        );
        assert_eq!(item.keywords, ["bridge", "traffic"]);
        let codes: Vec<_> = item.subjects.iter().map(|s| s.code.as_str()).collect();
        assert_eq!(codes, ["medtop:20000209", "subj:11006000", "wdncat:local"]);
        assert_eq!(item.subjects[0].name.as_deref(), Some("public works"));
        assert_eq!(
            item.abstract_text.as_deref(),
            Some("The bridge is open to traffic again.")
        );
        assert_eq!(
            ts(item.version_created).as_deref(),
            Some("2026-11-06T09:30:00Z")
        );
        assert_eq!(
            ts(item.first_created).as_deref(),
            Some("2026-11-06T08:00:00Z")
        );
        assert_eq!(ts(item.embargoed).as_deref(), Some("2026-11-06T12:00:00Z"));
        let WireBody::Html(body) = &item.body else {
            panic!("inline NITF is markup");
        };
        assert!(
            body.starts_with("<p>PORTO, Nov 6 (WDN) - The harbour"),
            "{body}"
        );
        assert!(!body.contains("hl1") && !body.contains("CAPTION"), "{body}");
        assert!(
            !item
                .abstract_text
                .as_deref()
                .unwrap_or("")
                .contains("CAPTION"),
            "a picture's caption never becomes the summary"
        );
        // The package groups the picture with the story: it travels as an association.
        assert_eq!(decoded.warnings, Vec::<String>::new());
        let [picture] = item.associations.as_slice() else {
            panic!("one picture: {:?}", item.associations);
        };
        assert_eq!(picture.name, "picture1");
        assert_eq!(picture.kind, "picture");
        assert_eq!(
            picture.uri.as_deref(),
            Some("urn:newsml:wire.example:20261106:bridge-photo")
        );
        assert_eq!(
            picture.headline.as_deref(),
            Some("Cars cross the reopened bridge")
        );
        assert_eq!(
            picture.caption.as_deref(),
            Some("Cars cross the harbour bridge in Porto. CAPTION TEXT MUST NOT LEAK.")
        );
        assert_eq!(
            picture.renditions[0].href,
            "https://wire.example/photos/bridge.jpg"
        );
        assert_eq!(
            picture.renditions[0].mimetype.as_deref(),
            Some("image/jpeg")
        );
    }

    #[test]
    fn pictures_go_with_the_story_that_links_them_and_subjects_resolve_through_catalogs() {
        let decoded = crate::decode(&fixture("newsml_g2_links.xml")).unwrap();
        let [rates, ferry] = decoded.items.as_slice() else {
            panic!("two stories: {:?}", decoded.items);
        };
        // A picture the message does not carry, named by the story's link: what the link says.
        let [bank] = rates.associations.as_slice() else {
            panic!("the linked-only picture: {:?}", rates.associations);
        };
        assert_eq!(
            (bank.name.as_str(), bank.kind.as_str()),
            ("picture1", "picture")
        );
        assert_eq!(
            bank.uri.as_deref(),
            Some("urn:newsml:wire.example:20261107:bank-photo")
        );
        assert_eq!(
            bank.headline.as_deref(),
            Some("The central bank's headquarters")
        );
        assert_eq!(bank.caption, None);
        assert_eq!(
            bank.renditions[0].href,
            "https://img.wire.example/bank-s2048.jpeg"
        );
        let [photo] = ferry.associations.as_slice() else {
            panic!("the linked picture: {:?}", ferry.associations);
        };
        assert_eq!(photo.name, "picture1");
        assert_eq!(
            photo.caption.as_deref(),
            Some("The night ferry leaves the quay in Porto on Saturday. FERRY CAPTION")
        );
        assert_eq!(photo.credit.as_deref(), Some("Rui Sousa/WDN"));
        assert_eq!(photo.headline.as_deref(), Some("Ferry at the quay"));
        let sizes: Vec<_> = photo
            .renditions
            .iter()
            .map(|r| (r.name.as_str(), r.width, r.height))
            .collect();
        assert_eq!(
            sizes,
            [
                ("rnd:thumbnail", Some(150), Some(100)),
                ("rnd:web", Some(1200), Some(800))
            ]
        );
        for item in &decoded.items {
            let WireBody::Text(body) = &item.body else {
                panic!("plain text body");
            };
            assert!(!body.contains("CAPTION"), "{body}");
        }
        assert!(
            decoded
                .warnings
                .iter()
                .any(|w| w.contains("stray-photo") && w.contains("goes with no story")),
            "{:?}",
            decoded.warnings
        );

        let subjects: Vec<_> = rates
            .subjects
            .iter()
            .map(|s| (s.code.as_str(), s.name.as_deref()))
            .collect();
        assert_eq!(
            subjects,
            [
                // The inline alias `mt` and the concept URI are one Media Topic, named from
                // the vocabulary.
                ("medtop:20000371", Some("interest rates")),
                // A name the wire sent is kept.
                ("subj:04008009", Some("rates (as the wire names them)")),
                // The agency's own schemes, declared or not, stay exactly as sent.
                ("wdnsubj:markets", Some("Markets")),
                ("N2:RATES", None),
                ("Central banks", None),
            ]
        );
    }

    #[test]
    fn a_package_naming_versions_groups_pictures_with_their_story_only() {
        let text = |g: &str| {
            format!(
                "<newsItem guid=\"urn:t:{g}\"><itemMeta><itemClass qcode=\"ninat:text\"/></itemMeta><contentMeta><headline>H {g}</headline></contentMeta><contentSet><inlineData contenttype=\"text/plain\">Body {g}</inlineData></contentSet></newsItem>"
            )
        };
        let picture = |g: &str| {
            format!(
                "<newsItem guid=\"urn:p:{g}\"><itemMeta><itemClass qcode=\"icls:picture\"/></itemMeta><contentMeta><description role=\"drol:caption\">Caption {g}</description></contentMeta><contentSet><remoteContent href=\"https://x.example/{g}.jpg\"/></contentSet></newsItem>"
            )
        };
        let doc = format!(
            "<newsMessage><itemSet><packageItem guid=\"pkg\"><groupSet root=\"G1\"><group id=\"G1\"><itemRef residref=\"urn:t:b:2\"/><itemRef residref=\"urn:p:b:1\"/></group></groupSet></packageItem>{}{}{}{}</itemSet></newsMessage>",
            text("a"),
            text("b"),
            picture("a"),
            picture("b")
        );
        let decoded = crate::decode(doc.as_bytes()).unwrap();
        assert!(decoded.items[0].associations.is_empty());
        let captions: Vec<_> = decoded.items[1]
            .associations
            .iter()
            .map(|a| a.caption.as_deref())
            .collect();
        assert_eq!(captions, [Some("Caption b")]);
        assert!(
            decoded
                .warnings
                .iter()
                .any(|w| w.contains("urn:p:a") && w.contains("goes with no story")),
            "{:?}",
            decoded.warnings
        );
    }

    #[test]
    fn pub_status_maps_to_the_model() {
        for (qcode, expected) in [
            ("stat:usable", PubStatus::Usable),
            ("stat:withheld", PubStatus::Withheld),
            ("stat:canceled", PubStatus::Canceled),
        ] {
            let doc = format!(
                "<newsItem guid=\"g1\" version=\"2\"><itemMeta><itemClass qcode=\"ninat:text\"/><pubStatus qcode=\"{qcode}\"/></itemMeta><contentMeta><headline>H</headline></contentMeta><contentSet><inlineData contenttype=\"text/plain\">Body</inlineData></contentSet></newsItem>"
            );
            let item = crate::decode(doc.as_bytes()).unwrap().items.remove(0);
            assert_eq!(item.pubstatus, expected, "{qcode}");
            assert_eq!(item.body, WireBody::Text("Body".into()));
        }
    }

    #[test]
    fn a_message_of_pictures_only_is_refused_with_a_reason() {
        let doc = "<newsMessage><itemSet><newsItem guid=\"p\"><itemMeta><itemClass qcode=\"ninat:picture\"/></itemMeta><contentMeta><headline>Photo</headline></contentMeta></newsItem></itemSet></newsMessage>";
        assert_eq!(
            crate::decode(doc.as_bytes()).unwrap_err().to_string(),
            "NewsML-G2: no text item: the message holds only 1 media item(s) (pictures, video or \
             audio), which are associations, not stories"
        );
        let doc = "<newsItem guid=\"g\"><contentMeta/></newsItem>";
        assert_eq!(
            crate::decode(doc.as_bytes()).unwrap_err().to_string(),
            "NewsML-G2: item g has neither a headline nor copy"
        );
    }

    #[test]
    fn an_inline_nitf_body_brings_its_headline_byline_dateline_and_abstract() {
        let decoded = crate::decode(&fixture("newsml_g2_nitf_body.xml")).unwrap();
        assert_eq!(decoded.format, Format::NewsmlG2);
        let item = &decoded.items[0];
        assert_eq!(item.headline, "Portmere crew wins the autumn regatta");
        assert_eq!(item.byline.as_deref(), Some("By Ines Calloway"));
        assert_eq!(item.dateline_text.as_deref(), Some("PORTMERE, Nov 7"));
        assert_eq!(
            item.abstract_text.as_deref(),
            Some("The home crew won by two lengths.")
        );
        assert_eq!(item.urgency, Some(4));
        assert_eq!(item.slugline.as_deref(), Some("Rowing-Regatta"));
        assert_eq!(
            item.body,
            WireBody::Html(
                "<p>PORTMERE, Nov 7 (WDN) - The Portmere crew won the autumn regatta on Saturday.</p>\n            <p>They finished two lengths ahead of the visitors.</p>".into()
            )
        );
        assert_eq!(decoded.warnings, Vec::<String>::new());
    }

    #[test]
    fn an_xhtml_body_is_the_copy_of_its_body_element() {
        let decoded = crate::decode(&fixture("newsml_g2_xhtml.xml")).unwrap();
        let item = &decoded.items[0];
        assert_eq!(
            item.headline,
            "Portmere Widgets reports a rise in yearly profit"
        );
        assert_eq!(
            item.abstract_text.as_deref(),
            Some("Profit rose six per cent.")
        );
        assert_eq!(item.language.as_deref(), Some("en-US"));
        assert_eq!(
            item.body,
            WireBody::Html(
                "<p>Portmere Widgets said on Friday its profit rose six per cent.</p>\n          <p>The company makes metal fittings for boats.</p>".into()
            )
        );
        let codes: Vec<_> = item.subjects.iter().map(|s| s.code.as_str()).collect();
        assert_eq!(codes, ["Portmere Widgets"]);
    }

    #[test]
    fn a_bare_content_set_is_read_as_copy_without_an_id() {
        let doc = "<contentSet><inlineXML contenttype=\"application/nitf+xml\"><nitf><body><body.head><hedline><hl1>Ferry runs late</hl1></hedline></body.head><body.content><p>The ferry ran late.</p></body.content></body></nitf></inlineXML></contentSet>";
        let decoded = crate::decode(doc.as_bytes()).unwrap();
        assert_eq!(decoded.format, Format::NewsmlG2);
        let item = &decoded.items[0];
        assert_eq!(item.uri, None, "normalize derives it, as for plain copy");
        assert_eq!(item.headline, "Ferry runs late");
        assert_eq!(
            item.body,
            WireBody::Html("<p>The ferry ran late.</p>".into())
        );
        assert!(
            decoded.warnings[0].contains("no guid"),
            "{:?}",
            decoded.warnings
        );
        // An inlineXML holding only a comment where the copy should be (IPTC's LISTING 1 and
        // 27): the item decodes, with a warning; normalize refuses it for having no copy.
        let empty = "<newsItem guid=\"g\"><contentMeta><headline>H</headline></contentMeta><contentSet><inlineXML contenttype=\"application/nitf+xml\"><!-- the copy --></inlineXML></contentSet></newsItem>";
        let decoded = crate::decode(empty.as_bytes()).unwrap();
        assert_eq!(decoded.items[0].body.as_str(), "");
        assert_eq!(
            decoded.warnings,
            ["NewsML-G2 item g: no body in a readable type (only application/nitf+xml)"]
        );
    }

    #[test]
    fn an_item_without_a_headline_is_kept_for_the_desk() {
        let doc = "<newsItem guid=\"g\"><contentMeta><headline> </headline></contentMeta><contentSet><inlineData contenttype=\"text/plain\">Copy.</inlineData></contentSet></newsItem>";
        let decoded = crate::decode(doc.as_bytes()).unwrap();
        assert_eq!(decoded.items[0].headline, "");
        assert_eq!(decoded.warnings, ["NewsML-G2 item g: no headline"]);
    }

    #[test]
    fn several_text_items_in_one_message_each_become_an_item() {
        let one = |g: &str| {
            format!(
                "<newsItem guid=\"{g}\"><contentMeta><headline>H {g}</headline></contentMeta><contentSet><inlineXML contenttype=\"application/xhtml+xml\"><html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>x</title></head><body><p>Body {g}</p></body></html></inlineXML></contentSet></newsItem>"
            )
        };
        let doc = format!(
            "<newsMessage><itemSet>{}{}</itemSet></newsMessage>",
            one("a"),
            one("b")
        );
        let decoded = crate::decode(doc.as_bytes()).unwrap();
        assert_eq!(decoded.items.len(), 2);
        assert_eq!(decoded.items[1].headline, "H b");
        assert_eq!(
            decoded.items[1].body,
            WireBody::Html("<p>Body b</p>".into())
        );
    }
}
