//! A small element tree over quick-xml, shared by the XML wire formats (NewsML-G2, NITF,
//! NewsML 1.2).
//!
//! Owns: reading a whole XML document into `Element`s with local names, refusing what is unsafe
//! or broken with a reason (entity declarations, undefined entities, nesting deeper than
//! `MAX_DEPTH`, unclosed elements), and small helpers to find children and text.
//! Must not: know any format's vocabulary. Feeds go through feed-rs, not through here.

use std::borrow::Cow;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::DecodeError;

/// No wire item nests anywhere near this deep; it bounds the stack of every walk over the tree.
pub(crate) const MAX_DEPTH: usize = 256;

/// The tree borrows names, attribute values and text from the document wherever they are as
/// written (no entity, no line-end to normalise): copying every one of them was most of the
/// cost of decoding an XML item.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node<'a> {
    Element(Element<'a>),
    Text(Cow<'a, str>),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Element<'a> {
    /// Local name, without a namespace prefix.
    pub name: Cow<'a, str>,
    /// Attributes as written (`xml:lang` keeps its prefix), values unescaped.
    pub attrs: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    pub children: Vec<Node<'a>>,
}

fn malformed(reason: impl Into<String>) -> DecodeError {
    DecodeError::MalformedXml {
        reason: reason.into(),
    }
}

/// `part` as a slice of `doc` when it lies inside it, so it can outlive the parser's event.
///
/// quick-xml hands out names and attributes borrowed from its event, not from the document,
/// though over a `&str` they point into the document; no API gives that longer borrow, so it
/// is recovered from the addresses (anything else is copied).
fn in_doc<'a>(doc: &'a str, part: &str) -> Cow<'a, str> {
    let start = (part.as_ptr() as usize).wrapping_sub(doc.as_ptr() as usize);
    match doc.get(start..start.wrapping_add(part.len())) {
        Some(slice) if slice.as_ptr() == part.as_ptr() => Cow::Borrowed(slice),
        _ => Cow::Owned(part.to_string()),
    }
}

fn doc_cow<'a>(doc: &'a str, value: Cow<'_, str>) -> Cow<'a, str> {
    match value {
        Cow::Borrowed(part) => in_doc(doc, part),
        Cow::Owned(owned) => Cow::Owned(owned),
    }
}

fn local(name: &str) -> &str {
    memchr::memrchr(b':', name.as_bytes()).map_or(name, |colon| &name[colon + 1..])
}

/// `&name;` for an entity that XML itself does not define: HTML's named entities (`&nbsp;`,
/// `&eacute;`) are common in agency NITF, harmless, and decoded; anything else is refused.
fn entity(name: &str) -> Option<String> {
    match name {
        "amp" => return Some("&".into()),
        "lt" => return Some("<".into()),
        "gt" => return Some(">".into()),
        "quot" => return Some("\"".into()),
        "apos" => return Some("'".into()),
        _ => {}
    }
    let raw = format!("&{name};");
    let decoded = wiredesk_model::text::decode_entities(&raw);
    (decoded != raw).then(|| decoded.into_owned())
}

fn element<'a>(doc: &'a str, start: &BytesStart<'_>) -> Result<Element<'a>, DecodeError> {
    let mut attrs = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| malformed(format!("bad attribute: {e}")))?;
        let key = in_doc(doc, attr.key.as_ref());
        // Most values have nothing to normalise (no reference, tab or line end), and saying
        // so takes a look at a few bytes, where quick-xml's normaliser sets up a search.
        let plain = !attr
            .value
            .bytes()
            .any(|b| matches!(b, b'&' | b'\t' | b'\n' | b'\r'));
        let value = if plain {
            doc_cow(doc, attr.value)
        } else {
            match attr.normalized_value(quick_xml::XmlVersion::Implicit1_0) {
                Ok(v) => doc_cow(doc, v),
                Err(_) => {
                    Cow::Owned(wiredesk_model::text::decode_entities(&attr.value).into_owned())
                }
            }
        };
        attrs.push((key, value));
    }
    Ok(Element {
        name: in_doc(doc, local(start.name().into_inner())),
        attrs,
        children: Vec::new(),
    })
}

fn push_text<'a>(parent: &mut Element<'a>, text: Cow<'a, str>) {
    if let Some(Node::Text(last)) = parent.children.last_mut() {
        last.to_mut().push_str(&text);
    } else {
        parent.children.push(Node::Text(text));
    }
}

/// Parses a whole document; `text` may start with the prolog or at the root element.
pub(crate) fn parse(text: &str) -> Result<Element<'_>, DecodeError> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Element<'_>> = Vec::new();
    let mut root: Option<Element<'_>> = None;
    loop {
        let event = reader.read_event().map_err(|e| {
            malformed(format!(
                "{e} (near byte {})",
                reader.error_position().min(text.len() as u64)
            ))
        })?;
        match event {
            Event::Start(start) => {
                if root.is_some() {
                    return Err(malformed("a second root element after the first"));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(malformed(format!(
                        "elements nested deeper than {MAX_DEPTH} levels"
                    )));
                }
                stack.push(element(text, &start)?);
            }
            Event::Empty(start) => {
                let el = element(text, &start)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Node::Element(el)),
                    None if root.is_none() => root = Some(el),
                    None => return Err(malformed("a second root element after the first")),
                }
            }
            Event::End(_) => {
                let Some(el) = stack.pop() else {
                    return Err(malformed("an end tag with no start tag"));
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Node::Element(el)),
                    None => root = Some(el),
                }
            }
            Event::Text(t) => {
                // As with attribute values, most text (the whitespace between tags above all)
                // has no CR to normalise, and a byte loop says so faster than quick-xml's search.
                let content = if t.as_bytes().contains(&b'\r') {
                    t.xml10_content()
                } else {
                    t.into_inner()
                };
                match stack.last_mut() {
                    Some(parent) => push_text(parent, content),
                    None if content.trim().is_empty() => {}
                    None => return Err(malformed("text outside the root element")),
                }
            }
            Event::CData(c) => {
                if let Some(parent) = stack.last_mut() {
                    push_text(parent, c.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let resolved = if r.is_char_ref() {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        _ => {
                            return Err(malformed(format!(
                                "invalid character reference &{};",
                                r.xml10_content()
                            )));
                        }
                    }
                } else {
                    let name = r.xml10_content();
                    entity(&name).ok_or_else(|| malformed(format!("undefined entity &{name};")))?
                };
                if let Some(parent) = stack.last_mut() {
                    push_text(parent, Cow::Owned(resolved));
                }
            }
            Event::DocType(d) => {
                if d.xml10_content().to_ascii_uppercase().contains("<!ENTITY") {
                    return Err(DecodeError::XmlEntities);
                }
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => {
                return match (stack.last(), root) {
                    (Some(open), _) => Err(malformed(format!(
                        "truncated: <{}> never closes",
                        open.name
                    ))),
                    (None, Some(root)) => Ok(root),
                    (None, None) => Err(malformed("no root element")),
                };
            }
        }
    }
}

impl<'a> Element<'a> {
    pub(crate) fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_ref())
    }

    /// An attribute's trimmed value, `None` when missing or blank.
    pub(crate) fn attr_value(&self, key: &str) -> Option<String> {
        self.attr(key)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    }

    pub(crate) fn elements(&self) -> impl Iterator<Item = &Element<'a>> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    pub(crate) fn children<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Element<'a>> {
        self.elements().filter(move |e| e.name == name)
    }

    pub(crate) fn child(&self, name: &str) -> Option<&Element<'a>> {
        self.elements().find(|e| e.name == name)
    }

    /// Follows a path of child names, e.g. `["head", "docdata", "doc-id"]`.
    pub(crate) fn path(&self, names: &[&str]) -> Option<&Element<'a>> {
        names.iter().try_fold(self, |el, name| el.child(name))
    }

    /// The first descendant (in document order, self excluded) with this name.
    pub(crate) fn find(&self, name: &str) -> Option<&Element<'a>> {
        let mut stack: Vec<&Element<'a>> = self.elements().collect();
        stack.reverse();
        while let Some(el) = stack.pop() {
            if el.name == name {
                return Some(el);
            }
            let before = stack.len();
            stack.extend(el.elements());
            stack[before..].reverse();
        }
        None
    }

    /// Every descendant with this name, in document order.
    pub(crate) fn find_all(&self, name: &str) -> Vec<&Element<'a>> {
        let mut found = Vec::new();
        let mut stack: Vec<&Element<'a>> = self.elements().collect();
        stack.reverse();
        while let Some(el) = stack.pop() {
            if el.name == name {
                found.push(el);
            }
            let before = stack.len();
            stack.extend(el.elements());
            stack[before..].reverse();
        }
        found
    }

    /// All text inside, markup removed, whitespace as sent.
    pub(crate) fn text(&self) -> String {
        let mut out = String::new();
        self.collect_text(&mut out, None);
        out
    }

    /// `skip`: a child element left out (a byline's title, say).
    fn collect_text(&self, out: &mut String, skip: Option<&str>) {
        for node in &self.children {
            match node {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) if skip.is_some_and(|s| e.name == s) => {}
                Node::Element(e) => {
                    // Keep words of adjacent blocks apart.
                    out.push(' ');
                    e.collect_text(out, None);
                }
            }
        }
    }

    /// The text inside with runs of whitespace collapsed; `None` when there is none.
    pub(crate) fn text_value(&self) -> Option<String> {
        self.text_value_without(None)
    }

    /// As `text_value`, leaving out the child elements named `skip`.
    pub(crate) fn text_value_without(&self, skip: Option<&str>) -> Option<String> {
        let mut text = String::new();
        self.collect_text(&mut text, skip);
        let text = wiredesk_model::text::collapse_whitespace(&text);
        (!text.is_empty()).then_some(text)
    }

    /// Whether a reader would see any text inside: something besides whitespace outside
    /// `script` and `style`.
    pub(crate) fn has_text(&self) -> bool {
        self.children.iter().any(|node| match node {
            Node::Text(t) => !t.trim().is_empty(),
            Node::Element(e) => !matches!(&*e.name, "script" | "style") && e.has_text(),
        })
    }

    /// The children as HTML/XML markup: local names, namespace declarations left out.
    pub(crate) fn inner_markup(&self) -> String {
        self.inner_markup_without(None)
    }

    /// As `inner_markup`, leaving out the child elements named `skip`.
    pub(crate) fn inner_markup_without(&self, skip: Option<&str>) -> String {
        let mut out = String::new();
        for node in &self.children {
            match node {
                Node::Element(e) if skip.is_some_and(|s| e.name == s) => {}
                _ => write_node(node, &mut out),
            }
        }
        out
    }
}

fn write_node(node: &Node, out: &mut String) {
    match node {
        // Most copy has nothing to escape; a vectorised look saves escaping char by char.
        Node::Text(t) if memchr::memchr3(b'&', b'<', b'>', t.as_bytes()).is_none() => {
            out.push_str(t)
        }
        Node::Text(t) => out.push_str(&html_escape::encode_text(t)),
        Node::Element(e) => {
            out.push('<');
            out.push_str(&e.name);
            for (k, v) in &e.attrs {
                if k == "xmlns" || k.starts_with("xmlns:") {
                    continue;
                }
                out.push(' ');
                out.push_str(k.rsplit(':').next().unwrap_or(k));
                out.push_str("=\"");
                out.push_str(&html_escape::encode_double_quoted_attribute(v));
                out.push('"');
            }
            if e.children.is_empty() && is_void(&e.name) {
                out.push_str(" />");
                return;
            }
            out.push('>');
            for child in &e.children {
                write_node(child, out);
            }
            out.push_str("</");
            out.push_str(&e.name);
            out.push('>');
        }
    }
}

fn is_void(name: &str) -> bool {
    matches!(
        name,
        "br" | "hr" | "img" | "meta" | "link" | "input" | "col" | "area" | "base" | "wbr"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_becomes_a_tree_with_local_names() {
        let root = parse(
            "<?xml version=\"1.0\"?><g:a xmlns:g=\"x\" xml:lang=\"de\"><b k=\"1 &amp; 2\">x &lt; y&#233;&nbsp;z</b><c/><b>two</b></g:a>",
        )
        .unwrap();
        assert_eq!(root.name, "a");
        assert_eq!(root.attr("xml:lang"), Some("de"));
        assert_eq!(root.child("b").unwrap().attr("k"), Some("1 & 2"));
        assert_eq!(root.child("b").unwrap().text(), "x < yé\u{a0}z");
        assert_eq!(root.children("b").count(), 2);
        assert_eq!(root.find_all("b").len(), 2);
        assert_eq!(
            root.inner_markup(),
            "<b k=\"1 &amp; 2\">x &lt; yé\u{a0}z</b><c></c><b>two</b>"
        );
    }

    #[test]
    fn broken_documents_are_refused_with_a_reason() {
        for (doc, reason) in [
            ("<a><b></a>", "expected `</b>`"),
            ("<a><b>", "truncated: <b> never closes"),
            ("<a>&bogus;</a>", "undefined entity &bogus;"),
            ("<a/><b/>", "a second root element after the first"),
        ] {
            let err = parse(doc).unwrap_err().to_string();
            assert!(err.contains(reason), "{doc}: {err}");
        }
        let deep = format!("<x>{}", "<a>".repeat(MAX_DEPTH + 1));
        assert_eq!(
            parse(&deep).unwrap_err().to_string(),
            format!("malformed XML: elements nested deeper than {MAX_DEPTH} levels")
        );
        assert_eq!(
            parse("<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>").unwrap_err(),
            DecodeError::XmlEntities
        );
    }
}
