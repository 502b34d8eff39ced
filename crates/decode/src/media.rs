//! Associations (pictures, graphics, video, audio sent with a story) in the JSON formats, which
//! all descend from ninjs and spell them alike: ninjs 1.x (an object of name → item), 2.x/3.x
//! (an array of items with a `name`), AP Media API (ninjs 1.x's shape, AP's own caption and
//! credit fields), dpa digitalwires (an array with `caption`, `creditline`, rendition `url`s).
//!
//! Owns: which fields of an association item hold its kind, id, headline, caption, credit and
//! files, in each of those spellings.
//! Also owns `Node`, the borrowed JSON value ninjs reads associations into, the `Json`
//! trait that lets these readers take it or a `serde_json::Value` alike, and `Skip`, the
//! strict way past a JSON value that `Node` and the ninjs reader leave out.
//! Must not: take anything from an association into the story's body or summary, or keep an
//! associated text (a related story is not media).

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use wiredesk_model::{Association, Rendition};

use crate::fields::non_empty;

/// What the association readers need of a JSON value.
pub(crate) trait Json: Sized {
    /// The member `key` of an object; none for anything else.
    fn get(&self, key: &str) -> Option<&Self>;
    fn as_str(&self) -> Option<&str>;
    fn as_bool(&self) -> Option<bool>;
    fn as_array(&self) -> Option<&[Self]>;
    fn is_object(&self) -> bool;
    /// A whole number sent as a JSON number or as a string of digits.
    fn number(&self) -> Option<u64>;
    /// An object's members in key order, named; an array's elements, unnamed; else none.
    fn members(&self) -> Vec<(Option<&str>, &Self)>;
}

impl Json for Value {
    fn get(&self, key: &str) -> Option<&Self> {
        self.as_object()?.get(key)
    }

    fn as_str(&self) -> Option<&str> {
        Value::as_str(self)
    }

    fn as_bool(&self) -> Option<bool> {
        Value::as_bool(self)
    }

    fn as_array(&self) -> Option<&[Self]> {
        Value::as_array(self).map(Vec::as_slice)
    }

    fn is_object(&self) -> bool {
        Value::is_object(self)
    }

    fn number(&self) -> Option<u64> {
        crate::fields::number(Some(self))
    }

    fn members(&self) -> Vec<(Option<&str>, &Self)> {
        match self {
            Value::Object(map) => map.iter().map(|(k, v)| (Some(k.as_str()), v)).collect(),
            Value::Array(list) => list.iter().map(|v| (None, v)).collect(),
            _ => Vec::new(),
        }
    }
}

/// A JSON value read straight from text for these readers: text borrowed where it has no
/// escapes, numbers only as far as `Json::number` looks at them, and objects as lists sorted by
/// key with the last of a key sent twice, which is what a `Value` would hold.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) enum Node<'a> {
    #[default]
    Null,
    Bool(bool),
    /// The number if it is a whole one that fits a `u64`.
    Number(Option<u64>),
    Text(Cow<'a, str>),
    List(Vec<Node<'a>>),
    Object(Vec<(Cow<'a, str>, Node<'a>)>),
}

impl Json for Node<'_> {
    fn get(&self, key: &str) -> Option<&Self> {
        let Node::Object(members) = self else {
            return None;
        };
        // A handful of short keys: a scan that compares lengths first beats a binary search
        // that compares bytes at every step.
        members.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    fn as_str(&self) -> Option<&str> {
        match self {
            Node::Text(s) => Some(s),
            _ => None,
        }
    }

    fn as_bool(&self) -> Option<bool> {
        match self {
            Node::Bool(b) => Some(*b),
            _ => None,
        }
    }

    fn as_array(&self) -> Option<&[Self]> {
        match self {
            Node::List(list) => Some(list),
            _ => None,
        }
    }

    fn is_object(&self) -> bool {
        matches!(self, Node::Object(_))
    }

    fn number(&self) -> Option<u64> {
        match self {
            Node::Number(n) => *n,
            Node::Text(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    fn members(&self) -> Vec<(Option<&str>, &Self)> {
        match self {
            Node::Object(members) => members.iter().map(|(k, v)| (Some(k.as_ref()), v)).collect(),
            Node::List(list) => list.iter().map(|v| (None, v)).collect(),
            _ => Vec::new(),
        }
    }
}

impl<'de> Deserialize<'de> for Node<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        de::DeserializeSeed::deserialize(Shape::Any, deserializer)
    }
}

/// Which members of an object a `Node` keeps.
#[derive(Clone, Copy)]
pub(crate) enum Shape {
    /// Every member.
    Any,
    /// Every member, named by the sender (1.x `associations`, rendition maps); the values are
    /// `Fields`.
    Named,
    /// Only the members `association` and its helpers read.
    Fields,
}

/// Reads a format's `associations` into a `Node` that keeps only what `associations` looks
/// at: associated stories carry whole bodies, subjects and renditions of their own, none of
/// which is ever read, so none of it is copied into a tree (about 2% of ninjs decoding,
/// measured with callgrind). What is left out is still checked as strictly as a `Value`
/// checks it, so a file reads or fails alike either way.
pub(crate) const ASSOCIATIONS: Shape = Shape::Named;

/// Every key `association`, `renditions`, `kind`, `role_value` and `mimetype` look up, but
/// `renditions` itself, which `Shape::member` reads as a map of names.
const ASSOCIATION_KEYS: &[&str] = &[
    "altids",
    "by",
    "byline",
    "caption",
    "contentType",
    "contenttype",
    "creditline",
    "description_caption",
    "description_creditline",
    "description_html",
    "description_text",
    "descriptions",
    "guid",
    "headline",
    "headlines",
    "height",
    "href",
    "is_featureimage",
    "itemid",
    "mime_type",
    "mimetype",
    "name",
    "photographer",
    "role",
    "type",
    "uri",
    "url",
    "urn",
    "value",
    "width",
];

impl Shape {
    /// How to read the value of `key` in an object of this shape, `None` to skip it.
    fn member(self, key: &str) -> Option<Shape> {
        match self {
            Shape::Any => Some(Shape::Any),
            Shape::Named => Some(Shape::Fields),
            Shape::Fields if key == "renditions" => Some(Shape::Named),
            Shape::Fields => ASSOCIATION_KEYS.contains(&key).then_some(Shape::Fields),
        }
    }

    fn element(self) -> Shape {
        match self {
            Shape::Any => Shape::Any,
            Shape::Named | Shape::Fields => Shape::Fields,
        }
    }
}

impl<'de> de::DeserializeSeed<'de> for Shape {
    type Value = Node<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node<'de>, D::Error> {
        deserializer.deserialize_any(NodeVisitor { shape: self })
    }
}

struct NodeVisitor {
    shape: Shape,
}

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Node::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Node::Number(u64::try_from(v).ok()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Node::Number(Some(v)))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Node::Number(None))
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Node::Text(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Node::Text(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Node::Text(Cow::Owned(v)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Node::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Node::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut list = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(node) = seq.next_element_seed(self.shape.element())? {
            list.push(node);
        }
        Ok(Node::List(list))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut members: Vec<(Cow<'de, str>, Node<'de>)> =
            Vec::with_capacity(map.size_hint().unwrap_or(0));
        while let Some(key) = map.next_key::<Key>()? {
            match self.shape.member(&key.0) {
                Some(shape) => members.push((key.0, map.next_value_seed(shape)?)),
                None => {
                    map.next_value::<Skip>()?;
                }
            }
        }
        if !members.is_sorted_by(|a, b| a.0 < b.0) {
            // Reversed, a stable sort puts the last of a key sent twice first, and `dedup_by`
            // keeps the first of a run.
            members.reverse();
            members.sort_by(|a, b| a.0.cmp(&b.0));
            members.dedup_by(|a, b| a.0 == b.0);
        }
        Ok(Node::Object(members))
    }
}

/// An object's key, borrowed where it has no escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Node::deserialize(deserializer)? {
            Node::Text(key) => Ok(Key(key)),
            _ => Err(de::Error::custom("an object key that is not a string")),
        }
    }
}

/// Any JSON value, checked as strictly as a `Value` checks it (escapes, numbers in range),
/// and kept nowhere. (`serde::de::IgnoredAny` is laxer: it lets `"\ud800"` and `1e999` by.)
pub(crate) struct Skip;

impl<'de> Deserialize<'de> for Skip {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(SkipVisitor)
    }
}

pub(crate) struct SkipVisitor;

impl<'de> Visitor<'de> for SkipVisitor {
    type Value = Skip;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_none<E: de::Error>(self) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Skip, D::Error> {
        Skip::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Skip, A::Error> {
        while seq.next_element::<Skip>()?.is_some() {}
        Ok(Skip)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Skip, A::Error> {
        while map.next_key::<Skip>()?.is_some() {
            map.next_value::<Skip>()?;
        }
        Ok(Skip)
    }
}

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
pub(crate) fn associations<J: Json>(value: &J) -> Vec<Association> {
    let mut counts: Vec<(&'static str, usize)> = Vec::new();
    let mut out = Vec::new();
    for (key, entry) in value.members() {
        if !entry.is_object() {
            continue;
        }
        if let Some(a) = association(key, entry, &mut counts) {
            out.push(a);
        }
    }
    out
}

fn text<J: Json>(obj: &J, key: &str) -> Option<String> {
    non_empty(obj.get(key)?.as_str())
}

/// The `value` of the entry with `role` in a 2.x list (`headlines`, `descriptions`), else the
/// first entry's when `role` is `None`.
fn role_value<J: Json>(obj: &J, key: &str, role: Option<&str>) -> Option<String> {
    let list = obj.get(key)?.as_array()?;
    list.iter()
        .filter(|e| e.is_object())
        .find(|e| {
            role.is_none_or(|wanted| {
                e.get("role")
                    .and_then(J::as_str)
                    .is_some_and(|r| r.rsplit(':').next() == Some(wanted))
            })
        })
        .and_then(|e| text(e, "value"))
}

fn mimetype<J: Json>(obj: &J) -> Option<String> {
    ["mimetype", "mime_type", "contenttype", "contentType"]
        .iter()
        .find_map(|k| text(obj, k))
}

fn renditions<J: Json>(value: Option<&J>) -> Vec<Rendition> {
    let Some(value) = value else {
        return Vec::new();
    };
    value
        .members()
        .into_iter()
        .filter_map(|(key, r)| {
            if !r.is_object() {
                return None;
            }
            let size = |k: &str| {
                r.get(k)
                    .and_then(J::number)
                    .and_then(|n| u32::try_from(n).ok())
            };
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

fn kind<J: Json>(obj: &J, renditions: &[Rendition]) -> Option<&'static str> {
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

fn association<J: Json>(
    key: Option<&str>,
    obj: &J,
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
    let featured = obj.get("is_featureimage").and_then(J::as_bool) == Some(true);
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
        .filter(|a| a.is_object())
        .and_then(|a| text(a, "itemid"));
    let photographer = obj
        .get("photographer")
        .filter(|p| p.is_object())
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
    use proptest::prelude::*;
    use serde_json::json;

    /// Association JSON of every spelling the readers know: a 1.x map or a 2.x list of items,
    /// with keys they do not read mixed in and values nested as deep as renditions go.
    fn associations_json() -> impl Strategy<Value = String> {
        // Every key the readers look up, written out here rather than taken from
        // `ASSOCIATION_KEYS`, so that a key missing there shows; and some they never read.
        let keys = vec![
            "altids",
            "by",
            "byline",
            "caption",
            "contentType",
            "contenttype",
            "creditline",
            "description_caption",
            "description_creditline",
            "description_html",
            "description_text",
            "descriptions",
            "guid",
            "headline",
            "headlines",
            "height",
            "href",
            "is_featureimage",
            "itemid",
            "mime_type",
            "mimetype",
            "name",
            "photographer",
            "renditions",
            "role",
            "type",
            "uri",
            "url",
            "urn",
            "value",
            "width",
            "body_html",
            "subjects",
            "featuremedia",
            "baseImage",
            "other",
        ];
        let value = crate::tests::json_text(
            vec![
                "null",
                "true",
                "640",
                r#""480""#,
                r#""picture""#,
                r#""video""#,
                r#""text""#,
                r#""image/jpeg""#,
                r#""https://wire.example/p.jpg""#,
                r#""main""#,
                r#""caption""#,
                r#""The ferry at the quay.""#,
            ],
            keys.clone(),
            3,
            4,
        );
        // Most items say what they are, so that most deliveries hold media to compare.
        let kind = prop::sample::select(vec![
            None,
            Some(r#""type":"picture""#),
            Some(r#""type":"video""#),
            Some(r#""type":"text""#),
            Some(r#""mimetype":"image/jpeg""#),
            Some(r#""mime_type":"video/mp4""#),
        ]);
        let member = (prop::sample::select(keys), value).prop_map(|(k, v)| format!("\"{k}\":{v}"));
        let renditions = prop::sample::select(vec![
            None,
            Some(
                r#""renditions":{"baseImage":{"href":"https://wire.example/p.jpg","width":640,"height":"480","mimetype":"image/jpeg"}}"#,
            ),
            Some(
                r#""renditions":[{"name":"web","url":"https://wire.example/w.jpg","width":"320","contentType":"image/png"}]"#,
            ),
            Some(
                r#""renditions":[{"role":"thumb","href":"https://wire.example/t.jpg","height":90}]"#,
            ),
        ]);
        // Fields whose value must have a shape of its own to be read at all.
        let shaped = prop::sample::select(vec![
            r#""altids":{"itemid":"ap-123"}"#,
            r#""photographer":{"name":"Rui Sousa"}"#,
            r#""headlines":[{"role":"main","value":"Quay"}]"#,
            r#""descriptions":[{"role":"caption","value":"The quay."}]"#,
            r#""is_featureimage":true"#,
            r#""contenttype":"image/gif""#,
            r#""guid":"urn:wire:photo:1""#,
            r#""uri":"urn:wire:photo:2""#,
        ]);
        let item = (
            kind,
            renditions,
            prop::collection::vec(shaped, 0..3),
            prop::collection::vec(member, 0..5),
        )
            .prop_map(|(kind, renditions, shaped, mut members)| {
                members.extend(kind.map(str::to_string));
                members.extend(renditions.map(str::to_string));
                members.extend(shaped.into_iter().map(str::to_string));
                format!("{{{}}}", members.join(","))
            })
            .boxed();
        let name = prop::sample::select(vec!["featuremedia", "photo", "name", "renditions"]);
        prop_oneof![
            prop::collection::vec((name, item.clone()), 0..3).prop_map(|items| {
                let items: Vec<String> =
                    items.iter().map(|(n, i)| format!("\"{n}\":{i}")).collect();
                format!("{{{}}}", items.join(","))
            }),
            prop::collection::vec(item, 0..3).prop_map(|items| format!("[{}]", items.join(","))),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// Reading associations into a `Node` leaves out only what the readers never look at:
        /// they find the same media in it as in the whole `Value`.
        #[test]
        fn the_pruned_reading_finds_what_the_whole_value_holds(text in associations_json()) {
            let whole: Value = serde_json::from_str(&text).unwrap();
            let pruned = de::DeserializeSeed::deserialize(
                ASSOCIATIONS,
                &mut serde_json::Deserializer::from_str(&text),
            )
            .unwrap();
            prop_assert_eq!(associations(&pruned), associations(&whole));
        }
    }

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
