//! Safe HTML and plain text from a wire body.
//!
//! Owns: turning a `WireBody` into the site's HTML (a sequence of `<p>` and a few other blocks,
//! with only a small allowlist of tags and safe links) and into paragraph texts for summaries
//! and search.
//! Must not: reword, reorder or drop any of the agency's copy — only markup changes. The one
//! exception is what is not copy at all: scripts, styles, embeds and photos with their captions
//! (a photo is not part of the wire text, and its caption would read as copy).

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use ammonia::{Builder, UrlRelative};
use wiredesk_model::WireBody;

/// The site's HTML for a wire body: one `<p>` per paragraph, sanitized, blocks separated by
/// newlines. Plain-text bodies are split at blank lines and escaped.
pub fn body_to_html(body: &WireBody) -> String {
    match body {
        WireBody::Text(text) => text_paragraphs_raw(text)
            .map(|p| format!("<p>{}</p>", html_escape::encode_text(&strip_controls(p))))
            .collect::<Vec<_>>()
            .join("\n"),
        WireBody::Html(html) => {
            let blocks = blocks_of(html);
            let mut out = String::with_capacity(html.len());
            for (i, b) in blocks.iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                }
                write_html(b, &mut out);
            }
            out
        }
    }
}

/// The paragraph texts of an HTML fragment, entities decoded, joined by blank lines.
/// Paragraphs are the same ones `body_to_html` would produce. (Text on one line, for reading
/// words, is `wiredesk_model::text::html_to_text`.)
pub(crate) fn html_paragraphs_text(html: &str) -> String {
    html_paragraphs(html).join("\n\n")
}

/// The body's paragraphs as plain text, whitespace collapsed: what summaries and search read.
pub fn paragraphs_text(body: &WireBody) -> Vec<String> {
    match body {
        // A single newline in plain wire copy is a hard wrap at the agency's line width, not a
        // line break the reader should see.
        WireBody::Text(text) => text_paragraphs_raw(text)
            .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect(),
        WireBody::Html(html) => html_paragraphs(html),
    }
}

fn html_paragraphs(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    text_walk(&blocks_of(html), &mut cur, &mut out);
    flush_text(&mut cur, &mut out);
    out
}

/// Paragraphs of plain copy: separated by lines that are empty or only whitespace.
fn text_paragraphs_raw(text: &str) -> impl Iterator<Item = &str> {
    let mut paras = Vec::new();
    let mut start: Option<usize> = None;
    let mut end = 0;
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        if line.trim().is_empty() {
            if let Some(s) = start.take() {
                paras.push(&text[s..end]);
            }
        } else {
            start.get_or_insert(pos);
            end = pos + line.len();
        }
        pos += line.len();
    }
    if let Some(s) = start {
        paras.push(&text[s..end]);
    }
    paras.into_iter().map(str::trim)
}

/// Control characters are transmission debris (ANPA framing, NULs), never copy.
fn strip_controls(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t' | '\r'))
        .collect()
}

/// Tags the site's HTML may contain.
#[rustfmt::skip]
const ALLOWED: &[&str] = &[
    "p", "br", "strong", "b", "em", "i", "blockquote", "q", "ul", "ol", "li", "h2", "h3", "h4",
    "a", "table", "thead", "tbody", "tr", "th", "td",
];

/// Tags that only group copy. They are let through the sanitizer solely so their boundaries
/// survive (a `<div>` per paragraph is common in feeds, and dropping it would run paragraphs
/// together); the rewrite below unwraps them. Headings outside h2–h4 are renamed.
#[rustfmt::skip]
const CONTAINERS: &[&str] = &[
    "div", "section", "article", "main", "header", "footer", "aside", "nav", "center", "pre",
    "address", "dl", "dt", "dd", "hr", "h1", "h5", "h6",
];

/// Tags dropped together with everything inside them: not copy, or not safe.
#[rustfmt::skip]
const DROP_WITH_CONTENT: &[&str] = &[
    "script", "style", "figure", "figcaption", "picture", "video", "audio", "iframe", "object",
    "noscript", "svg", "math", "template", "textarea", "select", "button", "title", "canvas",
    "map",
];

const INLINE: &[&str] = &["strong", "b", "em", "i", "q", "a", "br"];

#[rustfmt::skip]
const BLOCKS: &[&str] = &[
    "blockquote", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6",
];

static SANITIZER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut b = Builder::empty();
    b.tags(ALLOWED.iter().chain(CONTAINERS).copied().collect())
        .clean_content_tags(DROP_WITH_CONTENT.iter().copied().collect())
        .tag_attributes(HashMap::from([("a", HashSet::from(["href"]))]))
        .generic_attributes(HashSet::new())
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        // A relative link in agency copy points into the agency's site, not ours.
        .url_relative(UrlRelative::Deny)
        .link_rel(Some("nofollow noopener"))
        .strip_comments(true);
    b
});

/// A node of ammonia's (already safe) output, re-read so it can be re-paragraphed.
#[derive(Clone, Debug)]
enum Node {
    /// Text as serialized, entities still encoded.
    Text(String),
    El(El),
}

#[derive(Clone, Debug)]
struct El {
    name: String,
    /// Serialized attributes (only ever `href`/`rel` on `a`, as ammonia wrote them).
    attrs: String,
    children: Vec<Node>,
}

fn el(name: &str, attrs: String, children: Vec<Node>) -> Node {
    Node::El(El {
        name: name.to_string(),
        attrs,
        children,
    })
}

/// Sanitize, then re-paragraph: the top level becomes a list of blocks, with loose text and
/// inline runs wrapped in `<p>`.
fn blocks_of(html: &str) -> Vec<Node> {
    let clean = SANITIZER.clean(html).to_string();
    let tree = parse(&clean);
    let mut blocks = Vec::new();
    let mut run = Vec::new();
    paragraphs(&tree, &mut blocks, &mut run);
    flush_run(&mut run, &mut blocks);
    blocks
}

#[rustfmt::skip]
const VOID: &[&str] = &[
    "br", "hr", "img", "wbr", "input", "meta", "link", "area", "col",
];

/// Reads back html5ever's serialization. That output is well-formed (every element closed,
/// `<` escaped in text), so a small reader is enough; it still never panics on anything else.
fn parse(html: &str) -> Vec<Node> {
    let mut stack = vec![El {
        name: String::new(),
        attrs: String::new(),
        children: Vec::new(),
    }];
    fn close(stack: &mut Vec<El>) {
        if stack.len() > 1
            && let Some(done) = stack.pop()
            && let Some(parent) = stack.last_mut()
        {
            parent.children.push(Node::El(done));
        }
    }
    let mut rest = html;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |i| &after[i + 3..]);
            continue;
        }
        if let Some(after) = rest.strip_prefix("</") {
            let end = after.find('>').unwrap_or(after.len());
            let name = after[..end].trim().to_ascii_lowercase();
            rest = after.get(end + 1..).unwrap_or("");
            if let Some(pos) = stack.iter().rposition(|e| e.name == name)
                && pos > 0
            {
                while stack.len() > pos {
                    close(&mut stack);
                }
            }
            continue;
        }
        if let Some(after) = rest.strip_prefix('<')
            && after.starts_with(|c: char| c.is_ascii_alphabetic())
        {
            let name_end = after
                .find(|c: char| !c.is_ascii_alphanumeric())
                .unwrap_or(after.len());
            let name = after[..name_end].to_ascii_lowercase();
            let mut quote = None;
            let mut end = after.len();
            for (i, c) in after[name_end..].char_indices() {
                match quote {
                    Some(q) if c == q => quote = None,
                    Some(_) => {}
                    None if c == '"' || c == '\'' => quote = Some(c),
                    None if c == '>' => {
                        end = name_end + i;
                        break;
                    }
                    None => {}
                }
            }
            let attrs = after[name_end..end].trim_end_matches('/').to_string();
            rest = after.get(end + 1..).unwrap_or("");
            let node = El {
                name,
                attrs,
                children: Vec::new(),
            };
            if VOID.contains(&node.name.as_str()) {
                if let Some(top) = stack.last_mut() {
                    top.children.push(Node::El(node));
                }
            } else {
                stack.push(node);
            }
            continue;
        }
        // Text runs to the next '<' (a stray '<' that starts no tag is text too).
        let skip = usize::from(rest.starts_with('<'));
        let end = rest[skip..].find('<').map_or(rest.len(), |i| i + skip);
        if let Some(top) = stack.last_mut() {
            match top.children.last_mut() {
                Some(Node::Text(t)) => t.push_str(&rest[..end]),
                _ => top.children.push(Node::Text(rest[..end].to_string())),
            }
        }
        rest = &rest[end..];
    }
    while stack.len() > 1 {
        close(&mut stack);
    }
    stack.pop().map(|root| root.children).unwrap_or_default()
}

fn is(e: &El, set: &[&str]) -> bool {
    set.contains(&e.name.as_str())
}

fn rename(name: &str) -> &str {
    // The page's own headline is the h1; the copy's headings rank below it.
    match name {
        "h1" => "h2",
        "h5" | "h6" => "h4",
        n => n,
    }
}

fn has_block(nodes: &[Node]) -> bool {
    nodes.iter().any(|n| match n {
        Node::Text(_) => false,
        Node::El(e) => {
            e.name == "p"
                || is(e, BLOCKS)
                || is(e, CONTAINERS)
                || e.name == "li"
                || has_block(&e.children)
        }
    })
}

fn visible(nodes: &[Node]) -> bool {
    nodes.iter().any(|n| match n {
        Node::Text(t) => wiredesk_model::text::decode_entities(t)
            .chars()
            .any(|c| !c.is_whitespace()),
        Node::El(e) => visible(&e.children),
    })
}

/// Top level: blocks pass through, paragraphs and containers are boundaries, and loose inline
/// content collects in `run` until the next boundary.
fn paragraphs(nodes: &[Node], blocks: &mut Vec<Node>, run: &mut Vec<Node>) {
    for n in nodes {
        let e = match n {
            Node::Text(_) => {
                run.push(n.clone());
                continue;
            }
            Node::El(e) => e,
        };
        if dead_link(e) {
            paragraphs(&e.children, blocks, run);
        } else if is(e, BLOCKS) {
            flush_run(run, blocks);
            let children = inner(&e.children);
            if visible(&children) {
                blocks.push(el(rename(&e.name), String::new(), children));
            }
        } else if is(e, INLINE) && !has_block(&e.children) {
            run.push(el(&e.name, inline_attrs(e), inner(&e.children)));
        } else if e.name == "p" || is(e, CONTAINERS) || e.name == "li" {
            flush_run(run, blocks);
            paragraphs(&e.children, blocks, run);
            flush_run(run, blocks);
        } else {
            // An inline wrapper around blocks (`<strong><div>…`) cannot stay inline; its
            // content is kept, the wrapper goes.
            paragraphs(&e.children, blocks, run);
        }
    }
}

/// A link whose URL the sanitizer refused (`javascript:`, relative) leads nowhere; its text
/// stays, the empty `<a>` goes.
fn dead_link(e: &El) -> bool {
    e.name == "a" && !e.attrs.contains("href=")
}

fn inline_attrs(e: &El) -> String {
    if e.name == "a" {
        e.attrs.clone()
    } else {
        String::new()
    }
}

/// Inside a block: allowed tags stay, containers become paragraphs (or are unwrapped when
/// they hold blocks themselves), anything else is unwrapped.
fn inner(nodes: &[Node]) -> Vec<Node> {
    let mut out = Vec::new();
    for n in nodes {
        match n {
            Node::Text(_) => out.push(n.clone()),
            Node::El(e) if e.name == "hr" => {}
            Node::El(e) if dead_link(e) => out.extend(inner(&e.children)),
            Node::El(e) if is(e, ALLOWED) || e.name.starts_with('h') && is(e, CONTAINERS) => {
                out.push(el(rename(&e.name), inline_attrs(e), inner(&e.children)));
            }
            Node::El(e) if is(e, CONTAINERS) && !has_block(&e.children) => {
                if visible(&e.children) {
                    out.push(el("p", String::new(), inner(&e.children)));
                }
            }
            Node::El(e) => out.extend(inner(&e.children)),
        }
    }
    out
}

fn is_br(n: &Node) -> bool {
    matches!(n, Node::El(e) if e.name == "br")
}

fn is_blank_text(n: &Node) -> bool {
    matches!(n, Node::Text(_)) && !visible(std::slice::from_ref(n))
}

/// Wraps the pending inline run in `<p>`s. Two or more `<br>` in a row are how many feeds
/// mark paragraphs, so they split; a single `<br>` is kept as a line break.
fn flush_run(run: &mut Vec<Node>, blocks: &mut Vec<Node>) {
    let items = std::mem::take(run);
    let mut segment: Vec<Node> = Vec::new();
    let mut i = 0;
    while i < items.len() {
        if is_br(&items[i]) {
            let mut j = i;
            let mut brs = 0;
            while j < items.len() && (is_br(&items[j]) || is_blank_text(&items[j])) {
                brs += usize::from(is_br(&items[j]));
                j += 1;
            }
            if brs >= 2 {
                push_paragraph(std::mem::take(&mut segment), blocks);
            } else {
                segment.extend(items[i..j].iter().cloned());
            }
            i = j;
        } else {
            segment.push(items[i].clone());
            i += 1;
        }
    }
    push_paragraph(segment, blocks);
}

fn push_paragraph(mut seg: Vec<Node>, blocks: &mut Vec<Node>) {
    while seg.first().is_some_and(|n| is_br(n) || is_blank_text(n)) {
        seg.remove(0);
    }
    while seg.last().is_some_and(|n| is_br(n) || is_blank_text(n)) {
        seg.pop();
    }
    if !visible(&seg) {
        return;
    }
    if let Some(Node::Text(t)) = seg.first_mut() {
        *t = t.trim_start().to_string();
    }
    if let Some(Node::Text(t)) = seg.last_mut() {
        *t = t.trim_end().to_string();
    }
    blocks.push(el("p", String::new(), seg));
}

fn write_html(n: &Node, out: &mut String) {
    match n {
        // Re-encoded from the decoded text, so nothing but escaped text can come out of a
        // text node whatever the reader above made of its input.
        Node::Text(t) => {
            out.push_str(&html_escape::encode_text(
                &wiredesk_model::text::decode_entities(t),
            ));
        }
        Node::El(e) if e.name == "br" => out.push_str("<br>"),
        Node::El(e) => {
            out.push('<');
            out.push_str(&e.name);
            out.push_str(&e.attrs);
            out.push('>');
            for c in &e.children {
                write_html(c, out);
            }
            out.push_str("</");
            out.push_str(&e.name);
            out.push('>');
        }
    }
}

#[rustfmt::skip]
const TEXT_BOUNDARIES: &[&str] = &[
    "p", "h2", "h3", "h4", "li", "tr", "blockquote", "ul", "ol", "table", "thead", "tbody",
];

fn text_walk(nodes: &[Node], cur: &mut String, out: &mut Vec<String>) {
    for n in nodes {
        match n {
            // Whitespace inside HTML text is layout, not a line break.
            Node::Text(t) => cur.extend(
                wiredesk_model::text::decode_entities(t)
                    .chars()
                    .map(|c| if c.is_whitespace() { ' ' } else { c }),
            ),
            Node::El(e) if e.name == "br" => cur.push('\n'),
            Node::El(e) if e.name == "td" || e.name == "th" => {
                if !cur.trim().is_empty() {
                    cur.push_str(" | ");
                }
                text_walk(&e.children, cur, out);
            }
            Node::El(e) if is(e, TEXT_BOUNDARIES) => {
                flush_text(cur, out);
                text_walk(&e.children, cur, out);
                flush_text(cur, out);
            }
            Node::El(e) => text_walk(&e.children, cur, out),
        }
    }
}

/// Collapses whitespace (a run holding a line break becomes one line break) and emits the
/// paragraph if anything is left.
fn flush_text(cur: &mut String, out: &mut Vec<String>) {
    let mut s = String::with_capacity(cur.len());
    let mut pending: Option<char> = None;
    for c in cur.chars() {
        if c.is_whitespace() {
            pending = Some(if c == '\n' || pending == Some('\n') {
                '\n'
            } else {
                ' '
            });
        } else {
            if let Some(p) = pending.take()
                && !s.is_empty()
            {
                s.push(p);
            }
            s.push(c);
        }
    }
    cur.clear();
    if !s.is_empty() {
        out.push(s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(s: &str) -> String {
        body_to_html(&WireBody::Html(s.to_string()))
    }

    #[test]
    fn html_bodies_are_sanitized_and_paragraphed() {
        #[rustfmt::skip]
        let cases: &[(&str, &str)] = &[
            ("<p>One.</p><p>Two.</p>", "<p>One.</p>\n<p>Two.</p>"),
            ("Loose text<p>Para</p>tail", "<p>Loose text</p>\n<p>Para</p>\n<p>tail</p>"),
            ("First<br><br>Second<br>line", "<p>First</p>\n<p>Second<br>line</p>"),
            ("<p>a<br> <br>b</p>", "<p>a</p>\n<p>b</p>"),
            ("<div>One</div><div>Two</div>", "<p>One</p>\n<p>Two</p>"),
            ("<p>Hi<script>alert(1)</script> there</p>", "<p>Hi there</p>"),
            ("<style>p{}</style><p>x</p>", "<p>x</p>"),
            ("<p onclick=\"x()\">Click</p>", "<p>Click</p>"),
            ("<a href=\"javascript:alert(1)\">bad</a>", "<p>bad</p>"),
            ("<a href=\"https://example.com/x?a=1&amp;b=2\" target=_blank>ok</a>", "<p><a href=\"https://example.com/x?a=1&amp;b=2\" rel=\"nofollow noopener\">ok</a></p>"),
            ("<a href=\"mailto:desk@example.com\">mail</a>", "<p><a href=\"mailto:desk@example.com\" rel=\"nofollow noopener\">mail</a></p>"),
            ("<a href=\"/relative\">rel</a>", "<p>rel</p>"),
            ("<figure><img src=x.jpg><figcaption>PM at the summit (Photo: IANS)</figcaption></figure><p>Copy.</p>", "<p>Copy.</p>"),
            ("<p>Copy <img src=x onerror=alert(1)> here.</p>", "<p>Copy  here.</p>"),
            ("<h1>Big</h1><h3>Mid</h3><h6>Small</h6>", "<h2>Big</h2>\n<h3>Mid</h3>\n<h4>Small</h4>"),
            ("<blockquote><p>Quote</p></blockquote>", "<blockquote><p>Quote</p></blockquote>"),
            ("<blockquote><div>a</div><div>b</div></blockquote>", "<blockquote><p>a</p><p>b</p></blockquote>"),
            ("<ul><li>one</li><li>two</li></ul>", "<ul><li>one</li><li>two</li></ul>"),
            ("<table><tr><th>Team</th><td>3</td></tr></table>", "<table><tbody><tr><th>Team</th><td>3</td></tr></tbody></table>"),
            ("<p><span style=\"color:red\">He said</span> <q>no</q> &amp; left.</p>", "<p>He said <q>no</q> &amp; left.</p>"),
            ("<p><strong>Bold</strong> and <em>em</em></p>", "<p><strong>Bold</strong> and <em>em</em></p>"),
            ("<p>  </p><p>&nbsp;</p><p>Real</p>", "<p>Real</p>"),
            ("<iframe src=\"https://evil\"></iframe><p>x</p>", "<p>x</p>"),
            ("<p>5 &lt; 6 &gt; 4</p>", "<p>5 &lt; 6 &gt; 4</p>"),
            ("<svg><script>alert(1)</script></svg>ok", "<p>ok</p>"),
            ("<scr<script>ipt>alert(1)</script>", "<p>ipt&gt;alert(1)</p>"),
            ("<strong><div>In a div</div></strong>", "<p>In a div</p>"),
            ("<p>Tom &amp; Jerry’s “quotes”</p>", "<p>Tom &amp; Jerry’s “quotes”</p>"),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(&html(input), want, "input {input:?}");
        }
    }

    #[test]
    fn text_bodies_become_escaped_paragraphs() {
        #[rustfmt::skip]
        let cases: &[(&str, &str)] = &[
            ("One.\n\nTwo.", "<p>One.</p>\n<p>Two.</p>"),
            ("Wrapped line\ncontinues.\n \n\nNext.", "<p>Wrapped line\ncontinues.</p>\n<p>Next.</p>"),
            ("A <script>alert(1)</script> & B", "<p>A &lt;script&gt;alert(1)&lt;/script&gt; &amp; B</p>"),
            ("\r\n\r\nCRLF para\r\n\r\nsecond\r\n", "<p>CRLF para</p>\n<p>second</p>"),
            ("bell\u{7} char", "<p>bell char</p>"),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(
                &body_to_html(&WireBody::Text(input.to_string())),
                want,
                "input {input:?}"
            );
        }
    }

    #[test]
    fn text_forms_match_the_html_paragraphs() {
        #[rustfmt::skip]
        let cases: &[(&str, &[&str])] = &[
            ("<p>One &amp; two.</p><p>Three&nbsp;four.</p>", &["One & two.", "Three four."]),
            ("Loose<br><br>Second<br>line", &["Loose", "Second\nline"]),
            ("<p>Spread\n   over\nlines</p>", &["Spread over lines"]),
            ("<ul><li>a</li><li>b</li></ul>", &["a", "b"]),
            ("<table><tr><td>x</td><td>1</td></tr><tr><td>y</td><td>2</td></tr></table>", &["x | 1", "y | 2"]),
            ("<figure><figcaption>Image: X</figcaption></figure><p>Copy</p>", &["Copy"]),
            ("<p>a<script>b</script>c</p>", &["ac"]),
            ("<blockquote><p>Q1</p><p>Q2</p></blockquote>", &["Q1", "Q2"]),
        ];
        for (input, want) in cases {
            let got = paragraphs_text(&WireBody::Html(input.to_string()));
            assert_eq!(&got, want, "input {input:?}");
            assert_eq!(
                html_paragraphs_text(input),
                want.join("\n\n"),
                "input {input:?}"
            );
        }
    }

    #[test]
    fn plain_text_paragraphs_unwrap_hard_wraps() {
        let body = WireBody::Text(
            "Seoul, Nov 6 (IANS) South Korea\nand Japan.\n\n  Second   para.  ".into(),
        );
        assert_eq!(
            paragraphs_text(&body),
            vec!["Seoul, Nov 6 (IANS) South Korea and Japan.", "Second para."]
        );
    }

    #[test]
    fn hostile_fixture_leaves_nothing_executable() {
        let input = include_str!("../testdata/hostile_body.html");
        let out = html(input);
        let lower = out.to_lowercase();
        for bad in [
            "<script",
            "javascript:",
            "onerror",
            "onload",
            "<iframe",
            "<img",
            "<style",
            "<svg",
            "<object",
            "<form",
            "<input",
        ] {
            assert!(!lower.contains(bad), "{bad} survived in {out}");
        }
        assert!(
            out.contains("<p>The council voted 7-2 on Tuesday.</p>"),
            "{out}"
        );
        assert!(!out.contains("Caption"), "{out}");
    }
}
