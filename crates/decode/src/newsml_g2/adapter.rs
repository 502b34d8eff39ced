//! NewsML-G2 items → `WireItem`s.
//!
//! Owns: which items of a message are stories (text items; pictures, video, audio and graphics
//! are associations, never a story of their own, and never mixed into a body or summary), which
//! story each picture goes with (the package that groups them, else the story's `seeAlso` /
//! `associatedWith` link, else the message's only story), the G2 status vocabulary
//! (`stat:usable|withheld|canceled`), which headline is the main one, subjects resolved through
//! the item's catalog, choosing the richest body the item carries, and an item role or genre
//! that makes the item a message to editors (`not_for_publication`).
//! Must not: invent values: a garbled time or version is dropped with a warning.

use std::collections::{HashMap, HashSet};

use wiredesk_model::{Association, PubStatus, Rendition, Subject, WireBody, WireItem};

use super::{Content, G2Item, LinkRef, Message, Package};
use crate::subjects::{canonical, push_unique};
use crate::{DecodeError, Decoded, Format, time};
use wiredesk_model::text;

fn refused(reason: impl Into<String>) -> DecodeError {
    DecodeError::Refused {
        format: Format::NewsmlG2,
        reason: reason.into(),
    }
}

pub(crate) fn decoded(message: Message) -> Result<Decoded, DecodeError> {
    let mut warnings = Vec::new();
    let mut items = Vec::new();
    let mut first_error = None;
    let guids: Vec<&str> = message
        .items
        .iter()
        .filter_map(|i| i.guid.as_deref())
        .collect();
    for package in &message.packages {
        let missing = package
            .refs
            .iter()
            .filter(|r| {
                !guids
                    .iter()
                    .any(|g| g == r || r.starts_with(&format!("{g}:")))
            })
            .count();
        if missing > 0 {
            warnings.push(format!(
                "package {} refers to {missing} of {} item(s) not in this message",
                package.guid.as_deref().unwrap_or("(no guid)"),
                package.refs.len()
            ));
        }
    }
    for other in &message.others {
        warnings.push(format!("a <{other}> is not a story; skipped"));
    }
    let total = message.items.len();
    let (texts, media): (Vec<G2Item>, Vec<G2Item>) = message.items.into_iter().partition(is_text);
    let media_count = media.len();
    let links = media_links(&texts, &media, &message.packages);
    let media_by_guid = ByGuid::new(&media);
    let associations = associations(&media);
    for (m, item) in media.iter().enumerate() {
        let linked = links.iter().any(|l| l.contains(&m));
        if !linked || associations[m].is_none() {
            warnings.push(format!(
                "{} item {} kept out: media are associations, and this one {}",
                item.item_class.as_deref().unwrap_or("unknown"),
                item.guid.as_deref().unwrap_or("(no guid)"),
                if linked {
                    "is not usable or has nothing to show"
                } else {
                    "goes with no story in this message"
                }
            ));
        }
    }
    for (item, linked) in texts.into_iter().zip(links) {
        let mut carried: Vec<Association> = linked
            .iter()
            .filter_map(|&m| associations[m].clone())
            .collect();
        carried.extend(linked_only(&item, &media_by_guid));
        // Named by kind and position within the story: `picture1`, `picture2`, `video1`.
        for i in 0..carried.len() {
            let n = carried[..i]
                .iter()
                .filter(|c| c.kind == carried[i].kind)
                .count()
                + 1;
            carried[i].name = format!("{}{n}", carried[i].kind);
        }
        match wire_item(item, &mut warnings) {
            Ok(mut item) => {
                item.associations = carried;
                items.push(item);
            }
            Err(e) => {
                warnings.push(format!("an item of {total} skipped: {e}"));
                first_error.get_or_insert(e);
            }
        }
    }
    if items.is_empty() {
        return Err(first_error.unwrap_or_else(|| {
            if media_count > 0 {
                refused(format!(
                    "no text item: the message holds only {media_count} media item(s) \
                     (pictures, video or audio), which are associations, not stories"
                ))
            } else if !message.packages.is_empty() {
                refused("a package whose text items are not in this message")
            } else if !message.others.is_empty() {
                refused(format!(
                    "no news item, only <{}>",
                    message.others.join(">, <")
                ))
            } else {
                refused("the message holds no items")
            }
        }));
    }
    Ok(Decoded {
        format: Format::NewsmlG2,
        items,
        warnings,
    })
}

/// Items by guid, to find the one an `itemRef` residref or a link target names. A reference
/// may pin a version (`guid:3`). A lookup costs the same however many items a hostile message
/// holds.
struct ByGuid<'a>(HashMap<&'a str, usize>);

impl<'a> ByGuid<'a> {
    fn new(items: &'a [G2Item]) -> ByGuid<'a> {
        let mut map = HashMap::new();
        for (i, item) in items.iter().enumerate() {
            if let Some(g) = item.guid.as_deref() {
                map.entry(g).or_insert(i);
            }
        }
        ByGuid(map)
    }

    fn find(&self, reference: &str) -> Option<usize> {
        let reference = reference.trim();
        self.0.get(reference).copied().or_else(|| {
            let (guid, _version) = reference.rsplit_once(':')?;
            self.0.get(guid).copied()
        })
    }

    fn find_link(&self, link: &LinkRef) -> Option<usize> {
        [&link.residref, &link.href]
            .into_iter()
            .flatten()
            .find_map(|t| self.find(t))
    }
}

/// For each text item, the media (by index) that go with it: those its packages group with it,
/// those it links to as `seeAlso`/`associatedWith`, and, when the message holds one story only,
/// every picture nothing else claimed. With several stories and no package or link, a picture
/// is nobody's: guessing would put one story's photo on another.
fn media_links(texts: &[G2Item], media: &[G2Item], packages: &[Package]) -> Vec<Vec<usize>> {
    let (text_by_guid, media_by_guid) = (ByGuid::new(texts), ByGuid::new(media));
    let mut out: Vec<(Vec<usize>, HashSet<usize>)> = vec![Default::default(); texts.len()];
    let add = |(list, seen): &mut (Vec<usize>, HashSet<usize>), m: usize| {
        if seen.insert(m) {
            list.push(m);
        }
    };
    for package in packages {
        let grouped_media: Vec<usize> = package
            .refs
            .iter()
            .filter_map(|r| media_by_guid.find(r))
            .collect();
        for t in package.refs.iter().filter_map(|r| text_by_guid.find(r)) {
            for &m in &grouped_media {
                add(&mut out[t], m);
            }
        }
    }
    for (t, text) in texts.iter().enumerate() {
        for link in text.link_refs.iter().filter(|l| links_media(l)) {
            if let Some(m) = media_by_guid.find_link(link) {
                add(&mut out[t], m);
            }
        }
    }
    if let [only] = out.as_mut_slice() {
        for m in 0..media.len() {
            add(only, m);
        }
    }
    out.into_iter().map(|(list, _)| list).collect()
}

/// A `seeAlso`/`associatedWith` link: the way a story names the media that go with it.
fn links_media(link: &LinkRef) -> bool {
    let rel = link.rel.rsplit(':').next().unwrap_or(&link.rel);
    matches!(rel, "seeAlso" | "associatedWith")
}

fn kind_of(class: &str) -> String {
    class
        .rsplit(':')
        .next()
        .unwrap_or(class)
        .to_ascii_lowercase()
}

/// The media a story links to without the message carrying them (dpa sends the picture's
/// class, title and file on the link itself): an association with what the link says.
fn linked_only(text: &G2Item, in_message: &ByGuid<'_>) -> Vec<Association> {
    let mut out: Vec<Association> = Vec::new();
    for link in text.link_refs.iter().filter(|l| links_media(l)) {
        let Some(kind) = link.item_class.as_deref().map(kind_of) else {
            continue;
        };
        if !matches!(kind.as_str(), "picture" | "graphic" | "video" | "audio") {
            continue;
        }
        if in_message.find_link(link).is_some() {
            continue;
        }
        out.push(Association {
            uri: link.residref.clone(),
            headline: link.title.clone(),
            renditions: link
                .href
                .iter()
                .map(|href| Rendition {
                    href: href.clone(),
                    mimetype: link.contenttype.clone(),
                    ..Rendition::default()
                })
                .collect(),
            kind,
            ..Association::default()
        });
    }
    out
}

/// Each media item as an association (`None` when it is not usable or has nothing to show);
/// named once it is known which story it goes with.
fn associations(media: &[G2Item]) -> Vec<Option<Association>> {
    media
        .iter()
        .map(|item| {
            let class = item.item_class.as_deref().unwrap_or("media");
            let kind = class
                .rsplit(':')
                .next()
                .unwrap_or(class)
                .to_ascii_lowercase();
            let usable = item
                .pub_status
                .as_deref()
                .is_none_or(|q| q.rsplit(':').next() == Some("usable"));
            let renditions: Vec<Rendition> = item
                .contents
                .iter()
                .filter_map(|c| match c {
                    Content::Remote(r) => Some(Rendition {
                        name: r.rendition.clone().unwrap_or_default(),
                        href: r.href.clone()?,
                        mimetype: r.contenttype.clone(),
                        width: r.width.as_deref().and_then(|w| w.parse().ok()),
                        height: r.height.as_deref().and_then(|h| h.parse().ok()),
                    }),
                    _ => None,
                })
                .collect();
            if !usable || (renditions.is_empty() && item.guid.is_none()) {
                return None;
            }
            let role_is = |role: &Option<String>, wanted: &str| {
                role.as_deref()
                    .is_some_and(|r| r.rsplit(':').next() == Some(wanted))
            };
            let caption = item
                .descriptions
                .iter()
                .find(|(role, _)| role_is(role, "caption"))
                .or_else(|| item.descriptions.iter().find(|(role, _)| role.is_none()))
                .map(|(_, text)| text.clone());
            let byline = item.bylines.join(", ");
            Some(Association {
                name: String::new(),
                uri: item.guid.clone(),
                headline: main_headline(item),
                caption,
                credit: item
                    .creditline
                    .clone()
                    .or_else(|| Some(byline).filter(|b| !b.is_empty()))
                    .or_else(|| item.copyright_holder.clone()),
                renditions,
                kind,
            })
        })
        .collect()
}

fn is_text(item: &G2Item) -> bool {
    match item.item_class.as_deref() {
        None => true,
        Some(class) => {
            let kind = class.rsplit(':').next().unwrap_or(class);
            matches!(kind, "text" | "composite")
        }
    }
}

pub(crate) fn wire_item(item: G2Item, warnings: &mut Vec<String>) -> Result<WireItem, DecodeError> {
    let guid = match (&item.guid, item.fragment) {
        (Some(guid), _) => guid.clone(),
        (None, true) => {
            warnings.push(
                "a <contentSet> on its own, not a whole news item: it has no guid, so the \
                 story's identity comes from its headline"
                    .into(),
            );
            "(no guid)".into()
        }
        (None, false) => return Err(refused("a news item has no guid")),
    };
    // An item without a headline is kept: it waits on the desk for an editor to write one.
    let headline = main_headline(&item).unwrap_or_default();
    let mut warn = |m: String| warnings.push(format!("NewsML-G2 item {guid}: {m}"));
    if headline.is_empty() {
        warn("no headline".into());
    }
    let pubstatus = match item.pub_status.as_deref() {
        None => PubStatus::Usable,
        Some(q) => match q.rsplit(':').next().unwrap_or(q) {
            "usable" => PubStatus::Usable,
            "withheld" => PubStatus::Withheld,
            "canceled" | "cancelled" => PubStatus::Canceled,
            other => {
                warn(format!("unknown pubStatus {other:?}; read as usable"));
                PubStatus::Usable
            }
        },
    };
    let version = item.version.as_deref().and_then(|v| {
        v.parse::<u32>().ok().or_else(|| {
            warn(format!("version {v:?} is not a number that fits; dropped"));
            None
        })
    });
    let urgency = item.urgency.as_deref().and_then(|u| {
        u.parse::<u8>().ok().or_else(|| {
            warn(format!("urgency {u:?} is not a number; dropped"));
            None
        })
    });
    let body = body(&item.contents, &mut warn);
    if headline.is_empty() && body.as_str().trim().is_empty() {
        return Err(refused(format!(
            "item {guid} has neither a headline nor copy"
        )));
    }
    let abstract_text = item
        .descriptions
        .iter()
        .find(|(role, _)| {
            role.as_deref().is_none_or(|r| {
                let r = r.rsplit(':').next().unwrap_or(r).to_ascii_lowercase();
                r == "summary" || r == "abstract"
            })
        })
        .map(|(_, text)| text.clone())
        .or_else(|| item.inline.abstract_text.clone());
    let mut subjects: Vec<Subject> = Vec::new();
    for s in &item.subjects {
        let name = s.name.clone();
        let subject = match (&s.qcode, &s.uri, &s.literal) {
            (Some(code), _, _) | (None, Some(code), _) => {
                canonical(code, name, &item.local_schemes)
            }
            (None, None, Some(literal)) => Subject {
                code: literal.clone(),
                name,
            },
            (None, None, None) => continue,
        };
        push_unique(&mut subjects, subject);
    }
    // Only `by` is a byline: `creator` names are often desk user ids ("doe.jane").
    let byline = item.bylines.join(", ");
    let source_url = item
        .links
        .iter()
        .find(|(rel, href)| {
            let rel = rel.rsplit(':').next().unwrap_or(rel);
            matches!(rel, "source" | "canonical" | "alternate" | "self") && href.starts_with("http")
        })
        .map(|(_, href)| href.clone());
    let first_created = time::field("firstCreated", item.first_created.as_deref(), &mut warn)
        .or_else(|| time::field("contentCreated", item.content_created.as_deref(), &mut warn));
    Ok(WireItem {
        uri: item.guid.clone(),
        version,
        pubstatus,
        headline,
        slugline: item.slugline.clone(),
        byline: Some(byline)
            .filter(|b| !b.is_empty())
            .or_else(|| item.inline.byline.clone()),
        dateline_text: item
            .dateline
            .clone()
            .or_else(|| item.inline.dateline.clone()),
        place: item.located.clone().or_else(|| item.inline.place.clone()),
        body,
        abstract_text,
        subjects,
        keywords: item.keywords.clone(),
        language: item.lang.clone().or_else(|| item.language_tag.clone()),
        agency: item.provider.clone(),
        source_url,
        first_created,
        version_created: time::field("versionCreated", item.version_created.as_deref(), &mut warn),
        embargoed: time::field("embargoed", item.embargoed.as_deref(), &mut warn),
        subheadline: item.subheadline.clone().or_else(|| {
            item.headlines
                .iter()
                .find(|(role, _)| {
                    role.as_deref()
                        .is_some_and(|r| r.to_ascii_lowercase().contains("sub"))
                })
                .map(|(_, t)| t.clone())
        }),
        urgency,
        signals: item.signals.clone(),
        copyright_holder: item.copyright_holder.clone(),
        expires: None,
        associations: Vec::new(),
        not_for_publication: not_for_publication(&item),
    })
}

/// An item role or a genre that says the item is a message to editors, not copy.
fn not_for_publication(item: &G2Item) -> Option<String> {
    fn pairs(v: &[(Option<String>, Option<String>)]) -> Vec<(Option<&str>, Option<&str>)> {
        v.iter()
            .map(|(c, n)| (c.as_deref(), n.as_deref()))
            .collect()
    }
    crate::not_for_publication::first_reason("item role", pairs(&item.roles))
        .or_else(|| crate::not_for_publication::first_reason("genre", pairs(&item.genres)))
}

/// The headline without a role, or with the main role; else the first that is not a
/// subheadline.
fn main_headline(item: &G2Item) -> Option<String> {
    let role_is = |role: &Option<String>, wanted: &str| {
        role.as_deref().is_some_and(|r| {
            r.rsplit(':')
                .next()
                .unwrap_or(r)
                .eq_ignore_ascii_case(wanted)
        })
    };
    item.headlines
        .iter()
        .find(|(role, _)| role.is_none() || role_is(role, "main"))
        .or_else(|| {
            item.headlines.iter().find(|(role, _)| {
                !role
                    .as_deref()
                    .is_some_and(|r| r.to_ascii_lowercase().contains("sub"))
            })
        })
        .map(|(_, text)| text::collapse_whitespace(text))
        .filter(|h| !h.is_empty())
        .or_else(|| item.inline.headline.clone())
}

fn body(contents: &[Content], warn: &mut impl FnMut(String)) -> WireBody {
    let html = contents.iter().find_map(|c| match c {
        Content::Html(h) if !h.trim().is_empty() => Some(h),
        _ => None,
    });
    if let Some(h) = html {
        return WireBody::Html(h.clone());
    }
    let text = contents.iter().find_map(|c| match c {
        Content::Text(t) if !t.trim().is_empty() => Some(t),
        _ => None,
    });
    if let Some(t) = text {
        return WireBody::Text(t.clone());
    }
    let other: Vec<&str> = contents
        .iter()
        .filter_map(|c| match c {
            Content::Other(t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    if other.is_empty() {
        warn("no body".into());
    } else {
        warn(format!(
            "no body in a readable type (only {})",
            other.join(", ")
        ));
    }
    WireBody::default()
}
