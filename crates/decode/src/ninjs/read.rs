//! Reading ninjs items out of JSON, in one pass and borrowing the text.
//!
//! Owns: the key-by-key reading of an item, and the quick reading of a whole delivery straight
//! from its text that sniffing tries before anything else.
//! Must not: read a file differently from the long way (a `serde_json::Value`, then the item
//! from it). The quick reading answers only for files it reads exactly as the long way would
//! and gives up on anything else (a type error, a key sent twice, a key of another JSON
//! format), so the long way still has every refusal and its message.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::{Delivery, Link, NinjsItem, Party, Pattern, Subject1, Subject2, Text, Version};
use crate::media::{Skip, SkipVisitor};

/// The delivery read straight from its text, or `None` when only the long way can tell what
/// it is or what is wrong with it.
pub(crate) fn read(text: &str) -> Option<Delivery<'_>> {
    let mut json = serde_json::Deserializer::from_str(text);
    let delivery = json.deserialize_any(DeliveryVisitor).ok()?;
    json.end().ok()?;
    Some(delivery)
}

struct DeliveryVisitor;

impl<'de> Visitor<'de> for DeliveryVisitor {
    type Value = Delivery<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a ninjs item or an array of them")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        ItemVisitor { quick: true }
            .visit_map(map)
            .map(|item| Delivery::One(Box::new(item)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element_seed(ItemSeed { quick: true })? {
            items.push(item);
        }
        Ok(Delivery::Batch(items))
    }
}

/// The long way: an item from a `Value`, with serde's messages for fields of the wrong type.
impl<'de> Deserialize<'de> for NinjsItem<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        ItemSeed { quick: false }.deserialize(deserializer)
    }
}

/// `quick` when reading straight from the text: any doubt is then an error, so that the file
/// goes the long way; and keys of the other JSON formats end the reading.
#[derive(Clone, Copy)]
struct ItemSeed {
    quick: bool,
}

impl<'de> DeserializeSeed<'de> for ItemSeed {
    type Value = NinjsItem<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(ItemVisitor { quick: self.quick })
    }
}

struct ItemVisitor {
    quick: bool,
}

/// The item's fields, for "sent twice" (a 1.x name beside its 3.x alias, or, read straight
/// from text, one key twice) and for messages, which name the 1.x/2.x spelling.
const FIELDS: [&str; 30] = [
    "uri",
    "guid",
    "type",
    "version",
    "pubstatus",
    "firstcreated",
    "versioncreated",
    "embargoed",
    "language",
    "slugline",
    "headline",
    "headlines",
    "bodies",
    "descriptions",
    "byline",
    "by",
    "located",
    "subject",
    "subjects",
    "infosource",
    "infosources",
    "copyrightholder",
    "source",
    "keywords",
    "associations",
    "provider",
    "links",
    "genre",
    "genres",
    "urgency",
];

fn field_index(key: &str) -> Option<usize> {
    Some(match key {
        "uri" => 0,
        "guid" => 1,
        "type" => 2,
        "version" => 3,
        "pubstatus" | "pubStatus" => 4,
        "firstcreated" | "firstCreated" => 5,
        "versioncreated" | "versionCreated" => 6,
        "embargoed" | "embargoedUntil" => 7,
        "language" => 8,
        "slugline" => 9,
        "headline" => 10,
        "headlines" => 11,
        "bodies" => 12,
        "descriptions" => 13,
        "byline" => 14,
        "by" => 15,
        "located" => 16,
        "subject" => 17,
        "subjects" => 18,
        "infosource" => 19,
        "infosources" | "infoSources" => 20,
        "copyrightholder" | "copyrightHolder" => 21,
        "source" => 22,
        "keywords" => 23,
        "associations" => 24,
        "provider" => 25,
        "links" => 26,
        "genre" => 27,
        "genres" => 28,
        "urgency" => 29,
        _ => return None,
    })
}

impl<'de> Visitor<'de> for ItemVisitor {
    type Value = NinjsItem<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("struct NinjsItem")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let quick = self.quick;
        let mut item = NinjsItem::default();
        let mut sent = 0u32;
        while let Some(Str(key)) = map.next_key()? {
            let Some(field) = field_index(&key) else {
                if key.starts_with("body_") || key.starts_with("description_") {
                    item.copy_keys |= key.starts_with("body_");
                    let value = map.next_value()?;
                    item.patterns.push((key, value));
                } else if quick && (key == "api_version" || key == "entry_id") {
                    return Err(de::Error::custom("AP Media API or digitalwires"));
                } else if quick && key == "format" {
                    if map.next_value::<Digitalwires>()?.0 {
                        return Err(de::Error::custom("digitalwires"));
                    }
                } else {
                    map.next_value::<Skip>()?;
                }
                continue;
            };
            if sent & (1 << field) != 0 {
                return Err(de::Error::duplicate_field(FIELDS[field]));
            }
            sent |= 1 << field;
            match field {
                0 => item.uri = map.next_value::<Option<Str>>()?.map(Str::into),
                1 => item.guid = map.next_value::<Option<Str>>()?.map(Str::into),
                2 => item.item_type = map.next_value::<Option<Str>>()?.map(Str::into),
                3 => {
                    item.version = map.next_value()?;
                    if quick && is_json_feed(item.version.as_ref()) {
                        return Err(de::Error::custom("JSON Feed"));
                    }
                }
                4 => item.pubstatus = map.next_value::<Option<Str>>()?.map(Str::into),
                5 => item.firstcreated = map.next_value::<Option<Str>>()?.map(Str::into),
                6 => item.versioncreated = map.next_value::<Option<Str>>()?.map(Str::into),
                7 => item.embargoed = map.next_value::<Option<Str>>()?.map(Str::into),
                8 => item.language = map.next_value::<Option<Str>>()?.map(Str::into),
                9 => item.slugline = map.next_value::<Option<Str>>()?.map(Str::into),
                10 => {
                    item.copy_keys = true;
                    item.headline = map.next_value::<Option<Str>>()?.map(Str::into);
                }
                11 => {
                    item.copy_keys = true;
                    item.headlines = list(&mut map, quick)?;
                }
                12 => {
                    item.copy_keys = true;
                    item.bodies = list(&mut map, quick)?;
                }
                13 => item.descriptions = list(&mut map, quick)?,
                14 => item.byline = map.next_value::<Option<Str>>()?.map(Str::into),
                15 => item.by = map.next_value::<Option<Str>>()?.map(Str::into),
                16 => item.located = map.next_value::<Option<Str>>()?.map(Str::into),
                17 => item.subject = list(&mut map, quick)?,
                18 => item.subjects = list(&mut map, quick)?,
                19 => item.infosource = list(&mut map, quick)?,
                20 => item.infosources = list(&mut map, quick)?,
                21 => item.copyrightholder = map.next_value::<Option<Str>>()?.map(Str::into),
                22 => item.source = map.next_value::<Option<Str>>()?.map(Str::into),
                23 => {
                    let keywords: Option<Vec<Str>> = map.next_value()?;
                    item.keywords = keywords
                        .unwrap_or_default()
                        .into_iter()
                        .map(Str::into)
                        .collect();
                }
                24 => item.associations = map.next_value_seed(crate::media::ASSOCIATIONS)?,
                25 => item.provider = map.next_value::<ProviderName>()?.0,
                // Read leniently, the same way both ways: a genre that does not read as
                // `[{"code"|"uri", "name"}]` counts as none.
                27 | 28 => item.genres.extend(genres(&map.next_value::<Value>()?)),
                // A number or a string of digits, the same way both ways; anything else is none.
                29 => item.urgency = crate::fields::number(Some(&map.next_value::<Value>()?)),
                _ => {
                    item.links = if quick {
                        map.next_value_seed(QuickList(PhantomData))?
                    } else {
                        // As lenient as it always was: anything serde cannot make links of
                        // counts as no links.
                        serde_json::from_value(map.next_value::<Value>()?).unwrap_or_default()
                    }
                }
            }
        }
        // A `Value`'s object hands keys over sorted and once each; text read straight may
        // send them in any order, and twice.
        item.patterns.sort_by(|a, b| a.0.cmp(&b.0));
        if item.patterns.windows(2).any(|w| w[0].0 == w[1].0) {
            return Err(de::Error::custom("a pattern property sent twice"));
        }
        Ok(item)
    }
}

/// (code or uri, name) of each genre in a ninjs `genre` (1.x) or `genres` (2.x, 3.x) list.
fn genres(value: &Value) -> Vec<(Option<String>, Option<String>)> {
    let text = |g: &Value, key: &str| g.get(key).and_then(Value::as_str).map(str::to_string);
    value
        .as_array()
        .into_iter()
        .flatten()
        .map(|g| (text(g, "code").or_else(|| text(g, "uri")), text(g, "name")))
        .filter(|(c, n)| c.is_some() || n.is_some())
        .collect()
}

fn is_json_feed(version: Option<&Version>) -> bool {
    matches!(version, Some(Version::Text(v))
        if v.starts_with("https://jsonfeed.org/version/") || v.starts_with("http://jsonfeed.org/version/"))
}

/// A list of small objects (`headlines`, `subjects`, …), null meaning none. The long way takes
/// serde's derived reading, whose messages the desk sees.
fn list<'de, A, T>(map: &mut A, quick: bool) -> Result<Vec<T>, A::Error>
where
    A: MapAccess<'de>,
    T: Fields<'de> + Deserialize<'de>,
{
    if quick {
        map.next_value_seed(QuickList(PhantomData))
    } else {
        Ok(map.next_value::<Option<Vec<T>>>()?.unwrap_or_default())
    }
}

/// A JSON string, borrowed from the text when it holds no escapes.
pub(crate) struct Str<'a>(pub Cow<'a, str>);

impl<'a> From<Str<'a>> for Cow<'a, str> {
    fn from(s: Str<'a>) -> Self {
        s.0
    }
}

impl<'de> Deserialize<'de> for Str<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_string(StrVisitor)
    }
}

struct StrVisitor;

impl<'de> Visitor<'de> for StrVisitor {
    type Value = Str<'de>;

    // As `String` says it, so messages read as they always did.
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Str(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Str(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Str(Cow::Owned(v)))
    }
}

/// `deserialize_with` for optional text fields, borrowing like `Str`.
pub(crate) fn text<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Cow<'de, str>>, D::Error> {
    Ok(Option::<Str>::deserialize(deserializer)?.map(Str::into))
}

/// A value that is text, null, or anything else (checked like `Skip`).
impl<'de> Deserialize<'de> for Pattern<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(PatternVisitor)
    }
}

struct PatternVisitor;

impl<'de> Visitor<'de> for PatternVisitor {
    type Value = Pattern<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Pattern::Text(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Pattern::Text(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Pattern::Text(Cow::Owned(v)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Pattern::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Pattern::Null)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Pattern::Other)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Pattern::Other)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Pattern::Other)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Pattern::Other)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        Pattern::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        SkipVisitor.visit_seq(seq).map(|_| Pattern::Other)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        SkipVisitor.visit_map(map).map(|_| Pattern::Other)
    }
}

/// `provider`: its text, the text of its `name` when it is an object, else none.
struct ProviderName<'a>(Option<Cow<'a, str>>);

impl<'de> Deserialize<'de> for ProviderName<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ProviderVisitor)
    }
}

struct ProviderVisitor;

impl<'de> Visitor<'de> for ProviderVisitor {
    type Value = ProviderName<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(ProviderName(Some(Cow::Borrowed(v))))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(ProviderName(Some(Cow::Owned(v.to_owned()))))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(ProviderName(Some(Cow::Owned(v))))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(ProviderName(None))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(ProviderName(None))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(ProviderName(None))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(ProviderName(None))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(ProviderName(None))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(ProviderName(None))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        ProviderName::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        SkipVisitor.visit_seq(seq).map(|_| ProviderName(None))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut name = None;
        while let Some(Str(key)) = map.next_key()? {
            if key == "name" {
                // Sent twice, the last one counts, as in a `Value`.
                name = match map.next_value()? {
                    Pattern::Text(text) => Some(text),
                    _ => None,
                };
            } else {
                map.next_value::<Skip>()?;
            }
        }
        Ok(ProviderName(name))
    }
}

/// `format`: whether it names dpa digitalwires.
struct Digitalwires(bool);

impl<'de> Deserialize<'de> for Digitalwires {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Digitalwires(matches!(
            Pattern::deserialize(deserializer)?,
            Pattern::Text(f) if f.starts_with("digitalwires")
        )))
    }
}

/// The small objects of ninjs, read straight from text: a few optional strings under fixed
/// names.
pub(crate) trait Fields<'a>: Default {
    /// Each name the object may send and the slot it fills; aliases share a slot.
    const NAMES: &'static [(&'static str, u8)];
    fn fill(&mut self, slot: u8, value: Option<Cow<'a, str>>);
}

impl<'a> Fields<'a> for Text<'a> {
    const NAMES: &'static [(&'static str, u8)] = &[
        ("role", 0),
        ("contenttype", 1),
        ("contentType", 1),
        ("mimetype", 1),
        ("value", 2),
    ];
    fn fill(&mut self, slot: u8, value: Option<Cow<'a, str>>) {
        match slot {
            0 => self.role = value,
            1 => self.contenttype = value,
            _ => self.value = value,
        }
    }
}

impl<'a> Fields<'a> for Subject1<'a> {
    const NAMES: &'static [(&'static str, u8)] =
        &[("name", 0), ("scheme", 1), ("code", 2), ("uri", 3)];
    fn fill(&mut self, slot: u8, value: Option<Cow<'a, str>>) {
        match slot {
            0 => self.name = value,
            1 => self.scheme = value,
            2 => self.code = value,
            _ => self.uri = value,
        }
    }
}

impl<'a> Fields<'a> for Subject2<'a> {
    const NAMES: &'static [(&'static str, u8)] = &[("name", 0), ("uri", 1), ("literal", 2)];
    fn fill(&mut self, slot: u8, value: Option<Cow<'a, str>>) {
        match slot {
            0 => self.name = value,
            1 => self.uri = value,
            _ => self.literal = value,
        }
    }
}

impl<'a> Fields<'a> for Party<'a> {
    const NAMES: &'static [(&'static str, u8)] = &[("name", 0), ("role", 1)];
    fn fill(&mut self, slot: u8, value: Option<Cow<'a, str>>) {
        match slot {
            0 => self.name = value,
            _ => self.role = value,
        }
    }
}

impl Fields<'_> for Link {
    const NAMES: &'static [(&'static str, u8)] = &[
        ("href", 0),
        ("rel", 1),
        ("contenttype", 2),
        ("contentType", 2),
        ("mimetype", 2),
    ];
    fn fill(&mut self, slot: u8, value: Option<Cow<'_, str>>) {
        let value = value.map(Cow::into_owned);
        match slot {
            0 => self.href = value,
            1 => self.rel = value,
            _ => self.contenttype = value,
        }
    }
}

/// Null or an array of objects, each read by `Fields`. Anything else (an object as an array,
/// a field of the wrong type, a name sent twice) is an error: the long way has its reading.
struct QuickList<T>(PhantomData<T>);

impl<'de, T: Fields<'de>> DeserializeSeed<'de> for QuickList<T> {
    type Value = Vec<T>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Vec<T>, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de, T: Fields<'de>> Visitor<'de> for QuickList<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sequence of objects")
    }

    fn visit_none<E: de::Error>(self) -> Result<Vec<T>, E> {
        Ok(Vec::new())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Vec<T>, D::Error> {
        deserializer.deserialize_seq(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(element) = seq.next_element_seed(QuickFields(PhantomData))? {
            out.push(element);
        }
        Ok(out)
    }
}

struct QuickFields<T>(PhantomData<T>);

impl<'de, T: Fields<'de>> DeserializeSeed<'de> for QuickFields<T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, T: Fields<'de>> Visitor<'de> for QuickFields<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut out = T::default();
        let mut sent = 0u32;
        while let Some(Str(key)) = map.next_key()? {
            match T::NAMES.iter().find(|(name, _)| *name == key) {
                Some(&(name, slot)) => {
                    if sent & (1 << slot) != 0 {
                        return Err(de::Error::duplicate_field(name));
                    }
                    sent |= 1 << slot;
                    out.fill(slot, map.next_value::<Option<Str>>()?.map(Str::into));
                }
                None => {
                    map.next_value::<Skip>()?;
                }
            }
        }
        Ok(out)
    }
}
