//! Associations (pictures, graphics, video, audio sent with a story) in the JSON formats, which
//! all descend from ninjs and spell them alike: ninjs 1.x (an object of name → item), 2.x/3.x
//! (an array of items with a `name`), AP Media API (ninjs 1.x's shape, AP's own caption and
//! credit fields), dpa digitalwires (an array with `caption`, `creditline`, rendition `url`s).
//!
//! Owns: which fields of an association item hold its kind, id, headline, caption, credit and
//! files, in each of those spellings.
//! Must not: take anything from an association into the story's body or summary, or keep an
//! associated text (a related story is not media).

use serde_json::{Map, Value};
use wiredesk_model::{Association, Rendition};

use crate::fields::{non_empty, number};

/// Fills what `association` lacks from `full`, the same media item sent in full elsewhere in
/// the delivery (an AP feed page lists a story's pictures as items of their own).
pub(crate) fn complete(association: &mut Association, full: &Association) {
    if association.headline.is_none() {
        association.headline.clone_from(&full.headline);
    }
    if association.caption.is_none() {
        association.caption.clone_from(&full.caption);
    }
    if association.credit.is_none() {
        association.credit.clone_from(&full.credit);
    }
    if association.renditions.is_empty() {
        association.renditions.clone_from(&full.renditions);
    }
}

/// Every media association in `value` (the format's `associations`), in the order sent.
pub(crate) fn associations(value: &Value) -> Vec<Association> {
    let entries: Vec<(Option<&str>, &Value)> = match value {
        Value::Object(map) => map.iter().map(|(k, v)| (Some(k.as_str()), v)).collect(),
        Value::Array(list) => list.iter().map(|v| (None, v)).collect(),
        _ => Vec::new(),
    };
    let mut counts: Vec<(&'static str, usize)> = Vec::new();
    let mut out = Vec::new();
    for (key, entry) in entries {
        let Some(obj) = entry.as_object() else {
            continue;
        };
        if let Some(a) = association(key, obj, &mut counts) {
            out.push(a);
        }
    }
    out
}

fn text(obj: &Map<String, Value>, key: &str) -> Option<String> {
    non_empty(obj.get(key)?.as_str())
}

/// The `value` of the entry with `role` in a 2.x list (`headlines`, `descriptions`), else the
/// first entry's when `role` is `None`.
fn role_value(obj: &Map<String, Value>, key: &str, role: Option<&str>) -> Option<String> {
    let list = obj.get(key)?.as_array()?;
    list.iter()
        .filter_map(Value::as_object)
        .find(|e| {
            role.is_none_or(|wanted| {
                e.get("role")
                    .and_then(Value::as_str)
                    .is_some_and(|r| r.rsplit(':').next() == Some(wanted))
            })
        })
        .and_then(|e| text(e, "value"))
}

fn mimetype(obj: &Map<String, Value>) -> Option<String> {
    ["mimetype", "mime_type", "contenttype", "contentType"]
        .iter()
        .find_map(|k| text(obj, k))
}

fn renditions(value: Option<&Value>) -> Vec<Rendition> {
    let entries: Vec<(Option<&str>, &Value)> = match value {
        Some(Value::Object(map)) => map.iter().map(|(k, v)| (Some(k.as_str()), v)).collect(),
        Some(Value::Array(list)) => list.iter().map(|v| (None, v)).collect(),
        _ => Vec::new(),
    };
    entries
        .into_iter()
        .filter_map(|(key, v)| {
            let r = v.as_object()?;
            let size = |k: &str| number(r.get(k)).and_then(|n| u32::try_from(n).ok());
            Some(Rendition {
                name: key
                    .and_then(|k| non_empty(Some(k)))
                    .or_else(|| text(r, "name"))
                    .or_else(|| text(r, "role"))
                    .unwrap_or_default(),
                href: text(r, "href").or_else(|| text(r, "url"))?,
                mimetype: mimetype(r),
                width: size("width"),
                height: size("height"),
            })
        })
        .collect()
}

fn kind(obj: &Map<String, Value>, renditions: &[Rendition]) -> Option<&'static str> {
    let by_type = text(obj, "type").map(|t| t.to_ascii_lowercase());
    let by_mimetype = mimetype(obj)
        .or_else(|| renditions.iter().find_map(|r| r.mimetype.clone()))
        .map(|m| m.to_ascii_lowercase());
    match by_type.as_deref() {
        Some("picture" | "image" | "photo") => Some("picture"),
        Some("graphic") => Some("graphic"),
        Some("video") => Some("video"),
        Some("audio") => Some("audio"),
        // text, composite, event…: a related item, not media.
        Some(_) => None,
        None => match by_mimetype.as_deref()?.split('/').next()? {
            "image" => Some("picture"),
            "video" => Some("video"),
            "audio" => Some("audio"),
            _ => None,
        },
    }
}

fn association(
    key: Option<&str>,
    obj: &Map<String, Value>,
    counts: &mut Vec<(&'static str, usize)>,
) -> Option<Association> {
    let renditions = renditions(obj.get("renditions"));
    let kind = kind(obj, &renditions)?;
    let n = match counts.iter_mut().find(|(k, _)| *k == kind) {
        Some((_, n)) => {
            *n += 1;
            *n
        }
        None => {
            counts.push((kind, 1));
            1
        }
    };
    let featured = obj.get("is_featureimage").and_then(Value::as_bool) == Some(true);
    let name = key
        .and_then(|k| non_empty(Some(k)))
        .or_else(|| text(obj, "name"))
        .unwrap_or_else(|| {
            if featured {
                "featureimage".to_string()
            } else {
                format!("{kind}{n}")
            }
        });
    let altid = obj
        .get("altids")
        .and_then(Value::as_object)
        .and_then(|a| text(a, "itemid"));
    let photographer = obj
        .get("photographer")
        .and_then(Value::as_object)
        .and_then(|p| text(p, "name"));
    Some(Association {
        name,
        kind: kind.to_string(),
        // AP's `uri` carries expiring query tokens; its `altids.itemid` is the stable id.
        uri: altid
            .or_else(|| text(obj, "uri"))
            .or_else(|| text(obj, "guid"))
            .or_else(|| text(obj, "urn")),
        headline: text(obj, "headline").or_else(|| {
            role_value(obj, "headlines", Some("main"))
                .or_else(|| role_value(obj, "headlines", None))
        }),
        caption: text(obj, "caption")
            .or_else(|| text(obj, "description_caption"))
            .or_else(|| role_value(obj, "descriptions", Some("caption")))
            .or_else(|| text(obj, "description_text"))
            .or_else(|| text(obj, "description_html"))
            .or_else(|| role_value(obj, "descriptions", None)),
        credit: text(obj, "creditline")
            .or_else(|| text(obj, "description_creditline"))
            .or_else(|| text(obj, "byline"))
            .or_else(|| text(obj, "by"))
            .or(photographer),
        renditions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_1x_map_keeps_its_names_and_reads_rendition_maps() {
        let got = associations(&json!({
            "featuremedia": {
                "guid": "urn:wire:photo:1", "type": "picture", "headline": "Quay",
                "description_text": "The ferry at the quay.", "byline": "Rui Sousa",
                "body_text": "NOT A CAPTION FIELD",
                "renditions": {"baseImage": {"href": "https://wire.example/p.jpg",
                    "mimetype": "image/jpeg", "width": 1280, "height": "853"}}
            },
            "related": {"uri": "urn:wire:text:9", "type": "text", "headline": "Other story"}
        }));
        assert_eq!(got.len(), 1, "a related text is no media: {got:?}");
        let a = &got[0];
        assert_eq!(a.name, "featuremedia");
        assert_eq!(a.kind, "picture");
        assert_eq!(a.uri.as_deref(), Some("urn:wire:photo:1"));
        assert_eq!(a.caption.as_deref(), Some("The ferry at the quay."));
        assert_eq!(a.credit.as_deref(), Some("Rui Sousa"));
        assert_eq!(
            a.renditions,
            [Rendition {
                name: "baseImage".into(),
                href: "https://wire.example/p.jpg".into(),
                mimetype: Some("image/jpeg".into()),
                width: Some(1280),
                height: Some(853),
            }]
        );
    }

    #[test]
    fn a_2x_array_reads_headlines_descriptions_and_by() {
        let got = associations(&json!([{
            "name": "picture-a", "uri": "https://wire.example/items/p1", "type": "picture",
            "headlines": [{"role": "main", "value": "Quay"}],
            "descriptions": [{"role": "summary", "value": "No"},
                             {"role": "caption", "value": "The ferry."}],
            "by": "R. Sousa",
            "renditions": [{"name": "web", "href": "https://wire.example/p.jpg",
                            "contenttype": "image/jpeg", "width": 800}]
        }]));
        assert_eq!(got[0].name, "picture-a");
        assert_eq!(got[0].headline.as_deref(), Some("Quay"));
        assert_eq!(got[0].caption.as_deref(), Some("The ferry."));
        assert_eq!(got[0].credit.as_deref(), Some("R. Sousa"));
        assert_eq!(got[0].renditions[0].width, Some(800));
    }

    #[test]
    fn digitalwires_images_and_unnamed_media_are_named_by_kind() {
        let got = associations(&json!([
            {"type": "image", "urn": "urn:x:1", "is_featureimage": true, "caption": "C1",
             "creditline": "A/WDN", "renditions": [{"url": "https://x.example/1.jpg",
             "mimetype": "image/jpeg", "width": 2048, "height": 1365}]},
            {"type": "image", "urn": "urn:x:2", "caption": "C2"},
            {"type": "audio", "urn": "urn:x:3"},
            {"renditions": [{"href": "https://x.example/v.mp4", "mimetype": "video/mp4"}]},
            "not an object", 7, null
        ]));
        let names: Vec<_> = got
            .iter()
            .map(|a| (a.name.as_str(), a.kind.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("featureimage", "picture"),
                ("picture2", "picture"),
                ("audio1", "audio"),
                ("video1", "video")
            ]
        );
        assert_eq!(got[0].credit.as_deref(), Some("A/WDN"));
        assert_eq!(got[0].renditions[0].href, "https://x.example/1.jpg");
        assert!(associations(&json!("x")).is_empty());
    }
}
