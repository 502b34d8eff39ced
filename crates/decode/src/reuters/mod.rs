//! Reuters-21578 (the 1987 Reuters newswire test collection, `reut2-*.sgm`).
//!
//! The files are SGML, not XML: a DOCTYPE naming an external DTD, unquoted structure, bytes that
//! are not UTF-8 (one file) and numeric character references for transmission control codes
//! (`&#2;`, `&#3;`…). No XML parser accepts them, so this is a small, forgiving scanner that
//! never panics: it takes every `<REUTERS …>` element it can find, reads the attributes that
//! carry the labels and the split, and the `DATE`, `TOPICS`, `PLACES`, `TITLE`, `DATELINE` and
//! `BODY` elements. A document whose parts are missing is still returned, with those parts
//! empty; only a `<REUTERS` with no `NEWID` is skipped (it has no identity).

use jiff::Timestamp;
use wiredesk_model::{PubStatus, Subject, WireBody, WireItem};

#[cfg(test)]
mod tests;

/// Lewis's split of the collection (`LEWISSPLIT`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LewisSplit {
    Train,
    Test,
    NotUsed,
}

/// Whether the document was in the set the indexers considered for topics (`TOPICS`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TopicsFlag {
    Yes,
    No,
    Bypass,
}

/// How the story's text was marked up (`<TEXT TYPE=…>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TextType {
    /// Title, dateline and body marked up.
    Norm,
    /// Only a title (the body is a filler).
    Brief,
    /// Unprocessed: no markup inside the text.
    Unproc,
}

/// One Reuters-21578 document, its labels and split.
#[derive(Clone, Debug, PartialEq)]
pub struct ReutersDoc {
    pub new_id: u32,
    pub old_id: Option<u32>,
    pub topics_flag: TopicsFlag,
    pub lewis_split: LewisSplit,
    /// The `DATE` element as written (control characters removed).
    pub date_text: Option<String>,
    /// The `DATE` element read as UTC (the collection gives no zone).
    pub date: Option<Timestamp>,
    pub topics: Vec<String>,
    pub places: Vec<String>,
    pub people: Vec<String>,
    pub orgs: Vec<String>,
    pub exchanges: Vec<String>,
    pub text_type: TextType,
    pub title: Option<String>,
    /// "SALVADOR, Feb 26", without the trailing dash.
    pub dateline: Option<String>,
    /// The story text: `BODY`, or the whole `TEXT` of an unprocessed story.
    pub body: String,
}

impl ReutersDoc {
    /// In the ModApte training split: `LEWISSPLIT="TRAIN"` and `TOPICS="YES"`.
    pub fn is_modapte_train(&self) -> bool {
        self.lewis_split == LewisSplit::Train && self.topics_flag == TopicsFlag::Yes
    }

    /// In the ModApte test split: `LEWISSPLIT="TEST"` and `TOPICS="YES"`.
    pub fn is_modapte_test(&self) -> bool {
        self.lewis_split == LewisSplit::Test && self.topics_flag == TopicsFlag::Yes
    }

    /// Title and body, the text the evaluations read.
    pub fn text(&self) -> String {
        match &self.title {
            Some(t) => format!("{t}\n{}", self.body),
            None => self.body.clone(),
        }
    }

    pub fn uri(&self) -> String {
        format!("reuters21578:{}", self.new_id)
    }

    /// The format-neutral item; topics become subjects (code `reuters21578:TOPIC`).
    pub fn to_wire_item(&self) -> WireItem {
        let headline = self
            .title
            .clone()
            .or_else(|| {
                self.body
                    .lines()
                    .map(str::trim)
                    .find(|l| !l.is_empty())
                    .map(str::to_string)
            })
            .unwrap_or_default();
        WireItem {
            uri: Some(self.uri()),
            version: None,
            pubstatus: PubStatus::Usable,
            headline,
            dateline_text: self.dateline.clone(),
            place: None,
            body: WireBody::Text(self.body.clone()),
            subjects: self
                .topics
                .iter()
                .map(|t| Subject {
                    code: format!("reuters21578:{t}"),
                    name: Some(t.clone()),
                })
                .collect(),
            keywords: self.places.clone(),
            language: Some("en".into()),
            agency: Some("Reuters".into()),
            first_created: self.date,
            version_created: self.date,
            ..WireItem::default()
        }
    }
}

/// Does the file open like one of the archive's: its DOCTYPE, or a `<REUTERS` element first?
pub fn looks_like(bytes: &[u8]) -> bool {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let head = &bytes[start..bytes.len().min(start + 64)];
    head.starts_with(b"<!DOCTYPE lewis") || head.starts_with(b"<REUTERS ")
}

/// Every document of one `.sgm` file, in file order. Never panics, whatever the bytes.
pub fn parse(bytes: &[u8]) -> Vec<ReutersDoc> {
    let text = String::from_utf8_lossy(bytes);
    let mut docs = Vec::new();
    let mut rest: &str = &text;
    while let Some(start) = find_tag(rest, "REUTERS") {
        rest = &rest[start..];
        // The element runs to its end tag, or to the next document when the end tag is lost.
        let after_open = &rest["<REUTERS".len()..];
        let end = match (
            after_open.find("</REUTERS>"),
            find_tag(after_open, "REUTERS"),
        ) {
            (Some(close), Some(next)) if next < close => next,
            (Some(close), _) => close,
            (None, Some(next)) => next,
            (None, None) => after_open.len(),
        };
        let element = &after_open[..end];
        if let Some(doc) = parse_doc(element) {
            docs.push(doc);
        }
        rest = &after_open[end..];
    }
    docs
}

/// Position of `<NAME` followed by a space, `>` or the end (so `<REUTERS` does not match
/// `<REUTERSX`).
fn find_tag(s: &str, name: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = s[from..].find('<') {
        let at = from + i;
        let tail = &s[at + 1..];
        if tail.len() >= name.len()
            && tail.is_char_boundary(name.len())
            && tail[..name.len()].eq_ignore_ascii_case(name)
        {
            match tail[name.len()..].chars().next() {
                None | Some('>') => return Some(at),
                Some(c) if c.is_whitespace() => return Some(at),
                _ => {}
            }
        }
        from = at + 1;
    }
    None
}

/// `element` is what follows `<REUTERS`: attributes, `>`, content.
fn parse_doc(element: &str) -> Option<ReutersDoc> {
    let open_end = element.find('>').unwrap_or(element.len());
    let attrs = &element[..open_end];
    let content = element.get(open_end + 1..).unwrap_or("");
    let new_id = attr(attrs, "NEWID")?.trim().parse().ok()?;
    let topics_flag = match attr(attrs, "TOPICS").as_deref() {
        Some("YES") => TopicsFlag::Yes,
        Some("BYPASS") => TopicsFlag::Bypass,
        _ => TopicsFlag::No,
    };
    let lewis_split = match attr(attrs, "LEWISSPLIT").as_deref() {
        Some("TRAIN") => LewisSplit::Train,
        Some("TEST") => LewisSplit::Test,
        _ => LewisSplit::NotUsed,
    };
    let date_text = element_text(content, "DATE").map(|d| clean(&d).trim().to_string());
    let date = date_text.as_deref().and_then(parse_date);
    let (text_attrs, text_content) = element_with_attrs(content, "TEXT").unwrap_or(("", ""));
    let text_type = match attr(text_attrs, "TYPE").as_deref() {
        Some("BRIEF") => TextType::Brief,
        Some("UNPROC") => TextType::Unproc,
        _ => TextType::Norm,
    };
    let title = element_text(text_content, "TITLE")
        .map(|t| clean(&t).trim().to_string())
        .filter(|t| !t.is_empty());
    let dateline = element_text(text_content, "DATELINE")
        .map(|d| {
            clean(&d)
                .trim()
                .trim_end_matches('-')
                .trim_end()
                .to_string()
        })
        .filter(|d| !d.is_empty());
    let body = match element_text(text_content, "BODY") {
        Some(b) => clean(&b),
        None if text_type == TextType::Unproc => clean(text_content),
        None => String::new(),
    };
    Some(ReutersDoc {
        new_id,
        old_id: attr(attrs, "OLDID").and_then(|v| v.trim().parse().ok()),
        topics_flag,
        lewis_split,
        date_text,
        date,
        topics: d_list(content, "TOPICS"),
        places: d_list(content, "PLACES"),
        people: d_list(content, "PEOPLE"),
        orgs: d_list(content, "ORGS"),
        exchanges: d_list(content, "EXCHANGES"),
        text_type,
        title,
        dateline,
        body: body.trim().to_string(),
    })
}

/// The value of `NAME="value"` (or unquoted `NAME=value`) in an open tag's attributes.
fn attr(attrs: &str, name: &str) -> Option<String> {
    let mut from = 0;
    while let Some(i) = attrs[from..].find(name) {
        let at = from + i;
        from = at + name.len();
        let before_ok = attrs[..at]
            .chars()
            .next_back()
            .is_none_or(char::is_whitespace);
        let after = attrs[at + name.len()..].trim_start();
        if !before_ok || !after.starts_with('=') {
            continue;
        }
        let value = after[1..].trim_start();
        return Some(if let Some(v) = value.strip_prefix('"') {
            v.split('"').next().unwrap_or("").to_string()
        } else {
            value
                .split(|c: char| c.is_whitespace() || c == '>')
                .next()
                .unwrap_or("")
                .to_string()
        });
    }
    None
}

/// Attributes and raw content of the first `<NAME …>…</NAME>` (content runs to the end when
/// the end tag is missing).
fn element_with_attrs<'a>(s: &'a str, name: &str) -> Option<(&'a str, &'a str)> {
    let start = find_tag(s, name)?;
    let after = &s[start + 1 + name.len()..];
    let open_end = after.find('>')?;
    let attrs = &after[..open_end];
    let content = &after[open_end + 1..];
    let close = format!("</{name}>");
    let end = find_ignore_case(content, &close).unwrap_or(content.len());
    Some((attrs, &content[..end]))
}

fn element_text(s: &str, name: &str) -> Option<String> {
    element_with_attrs(s, name).map(|(_, c)| c.to_string())
}

fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    // Tags in the collection are upper case; accept lower case too without allocating per call
    // in the common case.
    haystack
        .find(needle)
        .or_else(|| haystack.find(&needle.to_ascii_lowercase()))
}

/// The `<D>…</D>` entries of a list element such as `<TOPICS>`.
fn d_list(s: &str, name: &str) -> Vec<String> {
    let Some((_, content)) = element_with_attrs(s, name) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut rest = content;
    while let Some(i) = find_ignore_case(rest, "<D>") {
        let after = &rest[i + 3..];
        let end = find_ignore_case(after, "</D>").unwrap_or(after.len());
        let value = clean(&after[..end]).trim().to_string();
        if !value.is_empty() {
            out.push(value);
        }
        rest = &after[end..];
    }
    out
}

/// Resolve character references (`&#N;`, `&lt;`, `&gt;`, `&amp;`, `&quot;`), drop any markup
/// left (e.g. `<TITLE>` inside an unprocessed text) and control characters other than line
/// breaks and tabs.
fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        match c {
            '&' => {
                let entity_end = rest[1..].find(';').filter(|&e| e <= 8).map(|e| e + 1);
                let decoded = entity_end.and_then(|e| decode_entity(&rest[1..e]));
                match (decoded, entity_end) {
                    (Some(ch), Some(e)) => {
                        push_visible(&mut out, ch);
                        rest = &rest[e + 1..];
                    }
                    _ => {
                        out.push('&');
                        rest = &rest[1..];
                    }
                }
            }
            '<' => {
                // A tag: skip it. A lone '<' (never in the collection, where it is `&lt;`) is
                // kept.
                let is_tag = rest[1..]
                    .chars()
                    .next()
                    .is_some_and(|n| n.is_ascii_alphabetic() || n == '/');
                match rest.find('>') {
                    Some(e) if is_tag => rest = &rest[e + 1..],
                    _ => {
                        out.push('<');
                        rest = &rest[1..];
                    }
                }
            }
            _ => {
                push_visible(&mut out, c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    out
}

fn push_visible(out: &mut String, c: char) {
    if !c.is_control() || c == '\n' || c == '\t' {
        out.push(c);
    }
}

fn decode_entity(name: &str) -> Option<char> {
    match name {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let n = name.strip_prefix('#')?;
            let code = match n.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => n.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

/// "26-FEB-1987 15:01:01.79" (day without a leading zero, sometimes a leading space, sometimes
/// trailing noise) as UTC.
fn parse_date(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    let mut parts = s.split_whitespace();
    let day_part = parts.next()?;
    let time_part = parts.next().unwrap_or("00:00:00");
    let mut dmy = day_part.split('-');
    let day: i8 = dmy.next()?.parse().ok()?;
    let month = match dmy.next()?.to_ascii_uppercase().as_str() {
        "JAN" => 1,
        "FEB" => 2,
        "MAR" => 3,
        "APR" => 4,
        "MAY" => 5,
        "JUN" => 6,
        "JUL" => 7,
        "AUG" => 8,
        "SEP" => 9,
        "OCT" => 10,
        "NOV" => 11,
        "DEC" => 12,
        _ => return None,
    };
    let year: i16 = dmy.next()?.get(..4)?.parse().ok()?;
    let time_digits: String = time_part
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ':' || *c == '.')
        .collect();
    let mut hms = time_digits.split(':');
    let hour: i8 = hms.next().and_then(|h| h.parse().ok()).unwrap_or(0);
    let minute: i8 = hms.next().and_then(|m| m.parse().ok()).unwrap_or(0);
    let second: i8 = hms
        .next()
        .and_then(|sec| sec.split('.').next())
        .and_then(|sec| sec.parse().ok())
        .unwrap_or(0);
    let dt = jiff::civil::DateTime::new(year, month, day, hour, minute, second, 0).ok()?;
    jiff::tz::TimeZone::UTC
        .to_ambiguous_timestamp(dt)
        .compatible()
        .ok()
}
