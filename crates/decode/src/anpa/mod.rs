//! IPTC 7901 and ANPA-1312: agency copy framed by transmission control characters.
//!
//! Owns: cutting the transmission frame (SYN/SOH header, STX text, ETX trailer, EOT) and
//! reading each format's header line (ANPA: story number, selector, priority, category,
//! keyword, word count; IPTC 7901: source id and sequence, priority, category, word count,
//! then the keyword line), the preamble of the text (ANPA `^` lines; 7901 lines up to the one
//! ending in `=`), and the trailer's filing time. Control characters never reach a field.
//! Must not: parse datelines: "ATLANTA (AP) _" and "Berlin (dpa) -" stay in the body, where
//! normalize's dateline parser finds them.

mod adapter;

use std::borrow::Cow;

use crate::{DecodeError, Decoded, Format};

/// One transmission, field by field as sent (control characters removed).
#[derive(Debug, Default)]
pub(crate) struct Transmission {
    pub service: Option<String>,
    pub sequence: Option<String>,
    pub selector: Option<String>,
    pub priority: Option<String>,
    pub category: Option<String>,
    pub keyword: Option<String>,
    /// ANPA's first `^` line, the keyword in full ("BC-LT--Argentina-Cancer Beauty,466"): the
    /// header's is cut at 24 characters with its spaces squeezed out.
    pub keyword_line: Option<String>,
    pub word_count: Option<String>,
    pub source: Option<String>,
    /// Edition markers above the headline ("1ST LEAD", "REFILE", "EXTRA").
    pub markers: Vec<String>,
    pub headline: Option<String>,
    pub byline: Option<String>,
    pub notes: Vec<String>,
    /// The copy's paragraphs, separated by blank lines; empty when the text had none.
    pub body: String,
    pub trailer: Option<String>,
}

impl Transmission {
    /// Starts a paragraph in `body`; the caller appends its text.
    fn new_paragraph(&mut self) {
        if !self.body.is_empty() {
            self.body.push_str("\n\n");
        }
    }
}

pub(crate) fn decode(text: &str, format: Format) -> Result<Decoded, DecodeError> {
    let t = parse(text, format);
    let mut warnings = Vec::new();
    let item = adapter::wire_item(t, format, &mut warnings)?;
    Ok(Decoded {
        format,
        items: vec![item],
        warnings,
    })
}

const SOH: u8 = 0x01;
const STX: u8 = 0x02;
const ETX: u8 = 0x03;

/// What one pass over a line found, so the common line (ASCII, no controls, single spaces)
/// is copied as it is.
struct LineScan {
    /// A C0 control other than tab and newline, or DEL.
    control: bool,
    non_ascii: bool,
    /// A tab, or two spaces in a row: whitespace that collapsing would change.
    loose_spacing: bool,
}

/// Plain folds without early exits, so the compiler can check many bytes at once: this runs
/// over every line of copy.
fn scan(line: &str) -> LineScan {
    let bytes = line.as_bytes();
    let (mut control, mut non_ascii, mut tab) = (false, false, false);
    for &b in bytes {
        control |= (b < 0x20) & (b != b'\t') & (b != b'\n') | (b == 0x7F);
        non_ascii |= b >= 0x80;
        tab |= b == b'\t';
    }
    LineScan {
        control,
        non_ascii,
        loose_spacing: tab | has_double_space(line),
    }
}

impl LineScan {
    /// A line of copy already known to be plain ASCII (`is_plain_ascii`): only its spacing
    /// is left to look at.
    fn of_plain(line: &str) -> LineScan {
        LineScan {
            control: false,
            non_ascii: false,
            loose_spacing: has_double_space(line)
                || memchr::memchr(b'\t', line.as_bytes()).is_some(),
        }
    }
}

/// ASCII with no control but tab and line ends (LF, CRLF), as most copy is: one look at the
/// whole text then spares each line all but the spacing check.
fn is_plain_ascii(text: &str) -> bool {
    let bytes = text.as_bytes();
    let odd = |b: u8| ((b < 0x20) & (b != b'\n') & (b != b'\t')) | (b >= 0x7F);
    // A CR is plain only as the first half of a CRLF, which `lines` removes.
    !bytes
        .iter()
        .zip(bytes.get(1..).unwrap_or_default())
        .fold(bytes.last().is_some_and(|b| odd(*b)), |found, (b, next)| {
            found | (odd(*b) & !((*b == b'\r') & (*next == b'\n')))
        })
}

fn has_double_space(line: &str) -> bool {
    let bytes = line.as_bytes();
    bytes
        .iter()
        .zip(bytes.get(1..).unwrap_or_default())
        .fold(false, |acc, (a, b)| acc | ((*a == b' ') & (*b == b' ')))
}

impl LineScan {
    /// Whether `clean` would change the line: a C0 control, or a C1 control (U+0080–U+009F,
    /// encoded 0xC2 0x80–0x9F) in non-ASCII text.
    fn needs_cleaning(&self, line: &str) -> bool {
        self.control
            || (self.non_ascii
                && memchr::memchr_iter(0xC2, line.as_bytes()).any(|i| {
                    line.as_bytes()
                        .get(i + 1)
                        .is_some_and(|n| (0x80..=0x9F).contains(n))
                }))
    }
}

/// Control characters out (tab and newline stay), carriage returns out; borrowed when there
/// is nothing to remove.
fn clean(s: &str) -> Cow<'_, str> {
    if scan(s).needs_cleaning(s) {
        Cow::Owned(strip_controls(s))
    } else {
        Cow::Borrowed(s)
    }
}

/// `s` without its control characters (tab and newline stay).
fn strip_controls(s: &str) -> String {
    // Tables (sports results) carry controls on every line, so this copies runs between
    // them rather than going char by char.
    let bytes = s.as_bytes();
    let mut kept = String::with_capacity(s.len());
    let (mut run, mut i) = (0, 0);
    while i < bytes.len() {
        let control_len = match bytes[i] {
            b'\t' | b'\n' => 0,
            0..=0x1F | 0x7F => 1,
            0xC2 if bytes.get(i + 1).is_some_and(|n| (0x80..=0x9F).contains(n)) => 2,
            _ => 0,
        };
        if control_len == 0 {
            i += 1;
        } else {
            // `i` is at an ASCII byte or a lead byte, so both cuts are char boundaries.
            kept.push_str(&s[run..i]);
            i += control_len;
            run = i;
        }
    }
    kept.push_str(&s[run..]);
    kept
}

/// Whether the line, once its controls are gone, starts with `^` (ANPA's headline, byline and
/// note lines).
fn is_caret_line(line: &str) -> bool {
    line.bytes()
        .find(|b| !(b.is_ascii_control() || b.is_ascii_whitespace()))
        == Some(b'^')
}

/// An ASCII line with its controls dropped (as `strip_controls`), trimmed, and its runs of
/// whitespace made one space (as `wiredesk_model::text::push_collapsed`), in one pass: sports tables put a
/// control between every column, and doing those three one after another went over each such
/// line four times.
fn strip_and_collapse_ascii(line: &str) -> String {
    let mut out = Vec::with_capacity(line.len());
    let mut space = false;
    for &byte in line.as_bytes() {
        match byte {
            b' ' | b'\t' | b'\n' => space = true,
            0..=0x1F | 0x7F => {}
            _ => {
                if space && !out.is_empty() {
                    out.push(b' ');
                }
                space = false;
                out.push(byte);
            }
        }
    }
    // Only whole bytes of the line were kept and only ASCII ones dropped, so this is UTF-8.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// `str::trim`, taking the ASCII shortcut when the line's margins are ASCII.
fn trim(line: &str) -> &str {
    let t = line.trim_ascii();
    // `trim_ascii` leaves vertical tab and non-ASCII whitespace, which `trim` removes.
    let unsure = |b: Option<&u8>| b.is_some_and(|b| *b >= 0x80 || *b == 0x0B);
    if unsure(t.as_bytes().first()) || unsure(t.as_bytes().last()) {
        t.trim()
    } else {
        t
    }
}

/// `str::lines` (the CR of a CRLF dropped, no empty line after a final newline), with the
/// newlines found by memchr's vectorised search.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    let last = (!text.is_empty() && !text.ends_with('\n')).then_some((text.len(), false));
    memchr::memchr_iter(b'\n', text.as_bytes())
        .map(|newline| (newline, true))
        .chain(last)
        .map(move |(end, newline)| {
            let line = &text[start..end];
            start = end + 1;
            if newline {
                line.strip_suffix('\r').unwrap_or(line)
            } else {
                line
            }
        })
}

fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// Splits `text` at the first `byte` (an ASCII control), the byte itself dropped.
fn split_at_byte(text: &str, byte: u8) -> Option<(&str, &str)> {
    // An ASCII byte is always a char boundary in UTF-8, so both halves are valid slices.
    memchr::memchr(byte, text.as_bytes()).map(|i| (&text[..i], &text[i + 1..]))
}

/// The text's lines, each cleaned of control characters.
fn clean_lines(text: &str) -> impl Iterator<Item = Cow<'_, str>> {
    lines(text).map(clean)
}

pub(crate) fn parse(text: &str, format: Format) -> Transmission {
    let after_soh = split_at_byte(text, SOH).map_or(text, |(_, rest)| rest);
    let (header, rest) = split_at_byte(after_soh, STX).unwrap_or((after_soh, ""));
    let (body, trailer) = split_at_byte(rest, ETX).unwrap_or((rest, ""));
    let mut t = Transmission {
        trailer: non_empty(&clean(trailer).replace('<', "")),
        body: String::with_capacity(body.len()),
        ..Transmission::default()
    };
    match format {
        Format::Anpa1312 => {
            anpa_header(header, &mut t);
            anpa_text(body, &mut t);
        }
        _ => {
            iptc_header(header, &mut t);
            iptc_text(body, &mut t);
        }
    }
    t
}

fn anpa_header(header: &str, t: &mut Transmission) {
    let mut lines = header.lines();
    let first = lines.next().unwrap_or("");
    if let Some((number, selector)) = first.split_once('\u{1F}') {
        let number = clean(number);
        let mut chars = number.trim().chars();
        t.service = chars.next().map(String::from);
        t.sequence = non_empty(chars.as_str());
        t.selector = non_empty(&clean(selector));
    }
    let second = lines.next().unwrap_or("");
    let (codes, rest) = match second.find(|c: char| c.is_control()) {
        Some(i) => (&second[..i], &second[i..]),
        None => (second, ""),
    };
    let mut codes = codes.split_whitespace();
    t.priority = codes.next().map(String::from);
    t.category = codes.next().map(String::from);
    let rest = clean(rest);
    let words: Vec<&str> = rest.split_whitespace().collect();
    // "BC-LT--Argentina-CancerB     11-13 1049": keyword, date, word count.
    if let [keyword @ .., _date, count] = words.as_slice()
        && count.chars().all(|c| c.is_ascii_digit())
    {
        t.keyword = non_empty(&keyword.join(" "));
        t.word_count = Some(count.to_string());
    } else {
        t.keyword = non_empty(&rest);
    }
}

fn anpa_text(body: &str, t: &mut Transmission) {
    let mut first_caret = true;
    // Whether a paragraph of running copy is open in `t.body`.
    let mut open = false;
    let plain = is_plain_ascii(body);
    for raw in lines(body) {
        // Cleaning and trimming commute once the cleaned line is trimmed again (a control in
        // the margin can only uncover more whitespace), so the usual line is never copied.
        let raw_trimmed = trim(raw);
        let found = if plain {
            LineScan::of_plain(raw_trimmed)
        } else {
            scan(raw_trimmed)
        };
        let needs_cleaning = found.needs_cleaning(raw_trimmed);
        // A dirty ASCII line of copy is cleaned, trimmed and collapsed in one pass; `^` lines
        // keep their spacing, so they take the long way.
        let collapsed = needs_cleaning && !found.non_ascii && !is_caret_line(raw_trimmed);
        let cleaned = if collapsed {
            Cow::Owned(strip_and_collapse_ascii(raw_trimmed))
        } else if needs_cleaning {
            Cow::Owned(strip_controls(raw_trimmed))
        } else {
            Cow::Borrowed(raw_trimmed)
        };
        let trimmed = if collapsed { &cleaned } else { trim(&cleaned) };
        if let Some(caret) = trimmed.strip_prefix('^') {
            open = false;
            let content = caret.trim_end_matches(['<', '=', ' ']).trim();
            // The first `^` line repeats the keyword: "BC-LT--Argentina-Cancer Beauty,466".
            let is_slug_line = first_caret
                && (content.starts_with("BC-")
                    || content
                        .split_whitespace()
                        .next()
                        .is_some_and(|w| w.contains("--"))
                    || content
                        .rsplit_once(',')
                        .is_some_and(|(_, n)| n.chars().all(|c| c.is_ascii_digit())));
            first_caret = false;
            if is_slug_line {
                t.keyword_line = non_empty(content);
                continue;
            }
            if content.is_empty() {
                continue;
            }
            if content.starts_with("Eds:") || content.starts_with("AP Photo") {
                t.notes.push(content.to_string());
            } else if content.starts_with("By ") && t.byline.is_none() {
                t.byline = Some(content.to_string());
            } else if caret.trim_end().ends_with('=') {
                // "Associated Press=": the byline's second line.
            } else if t.headline.is_none() && t.body.is_empty() && looks_like_headline(content) {
                t.headline = Some(content.to_string());
            } else {
                t.new_paragraph();
                t.body.push_str(content);
            }
            continue;
        }
        // A blank line or an indent (a tab once controls are gone) starts a new paragraph.
        let indented = raw
            .trim_start_matches(|c: char| c.is_control() && c != '\t')
            .starts_with('\t');
        if trimmed.is_empty() || indented {
            open = false;
        }
        if trimmed.is_empty() {
            continue;
        }
        if open {
            t.body.push(' ');
        } else {
            t.new_paragraph();
            open = true;
        }
        // Runs of whitespace become one space, within a line and across the lines it joins.
        if collapsed
            || (matches!(cleaned, Cow::Borrowed(_)) && !found.non_ascii && !found.loose_spacing)
        {
            t.body.push_str(trimmed);
        } else {
            wiredesk_model::text::push_collapsed(&mut t.body, trimmed);
        }
    }
}

/// Tables (sports results, weather) put column heads or "END" on their `^` lines.
fn looks_like_headline(line: &str) -> bool {
    let words = line.split_whitespace().count();
    let letters = line.chars().filter(|c| c.is_alphabetic()).count();
    words >= 2 && letters * 2 >= line.chars().filter(|c| !c.is_whitespace()).count()
}

fn iptc_header(header: &str, t: &mut Transmission) {
    let clean_header = clean(header);
    let mut lines = clean_header.lines().filter(|l| !l.trim().is_empty());
    let first = lines.next().unwrap_or("");
    let words: Vec<&str> = first.split_whitespace().collect();
    if let Some(id) = words.first() {
        let split = id.find(|c: char| c.is_ascii_digit()).unwrap_or(id.len());
        t.service = non_empty(&id[..split]);
        t.sequence = non_empty(&id[split..]);
    }
    t.priority = words.get(1).map(|s| s.to_string());
    t.category = words.get(2).map(|s| s.to_string());
    t.word_count = words.get(3).map(|s| s.to_string());
    t.source = words
        .iter()
        .skip(4)
        .find(|w| {
            w.len() >= 2
                && w.chars().all(|c| c.is_ascii_alphabetic())
                && w.len() <= 5
                && !w.starts_with("cccc")
        })
        .map(|s| s.to_string());
    t.keyword = lines
        .next()
        .and_then(|k| non_empty(k.trim().trim_end_matches('/')));
}

fn iptc_text(body: &str, t: &mut Transmission) {
    let lines: Vec<Cow<'_, str>> = clean_lines(body).collect();
    let head_end = lines
        .iter()
        .position(|l| l.trim().is_empty())
        .unwrap_or(lines.len());
    let head: Vec<&str> = lines[..head_end]
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect();
    let end = head
        .iter()
        .rposition(|l| l.ends_with('='))
        .unwrap_or(head.len().saturating_sub(1));
    let strip = |l: &str| l.trim_end_matches('=').trim().to_string();
    let mut headline_at = end;
    if let Some(last) = head.get(end)
        && last.starts_with("By ")
        && end > 0
    {
        t.byline = Some(strip(last));
        headline_at = end - 1;
    }
    if let Some(h) = head.get(headline_at) {
        t.headline = non_empty(&strip(h));
    }
    t.markers = head[..headline_at.min(head.len())]
        .iter()
        .map(|l| l.to_string())
        .collect();
    // Each block of non-blank lines is a paragraph, its lines joined by one space.
    let mut open = false;
    for line in &lines[head_end..] {
        let line = line.trim();
        if line.is_empty() {
            open = false;
        } else if open {
            t.body.push(' ');
            t.body.push_str(line);
        } else {
            t.new_paragraph();
            t.body.push_str(line);
            open = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::Format;
    use crate::tests::fixture;
    use proptest::prelude::*;
    use wiredesk_model::WireBody;

    proptest! {
        /// The one-pass cleaning of a dirty ASCII line writes what cleaning, trimming and
        /// collapsing one after another write.
        #[test]
        fn one_pass_cleaning_matches_the_three_steps(line in "[ a^\t\n\r\x00-\x1f\x7f]{0,16}") {
            prop_assert_eq!(
                super::strip_and_collapse_ascii(&line),
                wiredesk_model::text::collapse_whitespace(super::trim(&super::strip_controls(&line)))
            );
        }
    }

    #[test]
    fn an_anpa_advisory_category_is_not_for_publication() {
        let decoded = crate::decode(&fixture("anpa_advisory.txt")).unwrap();
        assert_eq!(decoded.format, Format::Anpa1312);
        let item = &decoded.items[0];
        assert_eq!(item.headline, "Coverage plans for the harbour summit");
        assert_eq!(
            item.not_for_publication.as_deref(),
            Some("ANPA category v: an advisory to editors")
        );
        let news = crate::decode(&fixture("anpa.txt")).unwrap();
        assert_eq!(
            news.items[0].not_for_publication, None,
            "category i is news"
        );
        let iptc7901 = crate::decode(&fixture("iptc7901.txt")).unwrap();
        assert_eq!(iptc7901.items[0].not_for_publication, None);
    }

    #[test]
    fn an_anpa_transmission_decodes_field_by_field() {
        let decoded = crate::decode(&fixture("anpa.txt")).unwrap();
        assert_eq!(decoded.format, Format::Anpa1312);
        let item = &decoded.items[0];
        assert_eq!(item.headline, "City opens new harbour bridge");
        assert_eq!(item.byline.as_deref(), Some("By ANA LIMA"));
        assert_eq!(item.slugline.as_deref(), Some("Portugal-Bridge"));
        assert_eq!(item.urgency, Some(3));
        assert_eq!(item.subjects[0].code, "anpa-category:i");
        assert_eq!(
            item.first_created.map(|t| t.to_string()).as_deref(),
            Some("2026-11-06T09:30:00Z")
        );
        let WireBody::Text(body) = &item.body else {
            panic!("ANPA copy is text");
        };
        assert!(
            body.starts_with("PORTO, Portugal (WDN) _ The harbour bridge reopened on Friday after six months of repairs."),
            "{body}"
        );
        assert_eq!(body.split("\n\n").count(), 2, "{body}");
        assert!(
            !body.chars().any(|c| c.is_control() && c != '\n'),
            "{body:?}"
        );
    }

    #[test]
    fn controls_are_dropped_and_whitespace_collapsed_line_by_line() {
        let copy = |text: &str| {
            let mut t = super::Transmission::default();
            super::anpa_text(text, &mut t);
            t.body
        };
        // CRLF and a tab indent; two spaces collapse; a paragraph runs across lines.
        assert_eq!(
            copy("\tFirst  line\r\nruns on.\r\n\tSecond\tpara.\r\n"),
            "First line runs on.\n\nSecond para."
        );
        // A CR inside a line and a table's field separators are removed, not turned into
        // spaces; a no-break space is whitespace like any other.
        assert_eq!(
            copy("Tampa\x10 Bay\x1f\x1e 73\r52\n\u{a0}Next\u{a0}\u{a0}line"),
            "Tampa Bay 7352 Next line"
        );
        // A C1 control (U+0085) goes too; a final line without a newline is kept.
        assert_eq!(copy("Rain\u{85}fall\n\nEnd"), "Rainfall\n\nEnd");
    }

    #[test]
    fn an_iptc_7901_transmission_decodes_field_by_field() {
        let decoded = crate::decode(&fixture("iptc7901.txt")).unwrap();
        assert_eq!(decoded.format, Format::Iptc7901);
        let item = &decoded.items[0];
        assert_eq!(item.headline, "Harbour bridge reopens after repairs");
        assert_eq!(item.byline.as_deref(), Some("By Ana Lima, wdn"));
        assert_eq!(item.slugline.as_deref(), Some("Portugal-bridge"));
        assert_eq!(item.agency.as_deref(), Some("wdn"));
        assert_eq!(item.urgency, Some(3));
        assert_eq!(item.signals, ["1ST LEAD"]);
        let WireBody::Text(body) = &item.body else {
            panic!("7901 copy is text");
        };
        assert!(body.starts_with("Porto (wdn) - The harbour bridge reopened on Friday after six months of repairs, the city said."), "{body}");
        assert_eq!(body.split("\n\n").count(), 2, "{body}");
        assert_eq!(
            item.first_created.map(|t| t.to_string()).as_deref(),
            Some("2026-11-06T09:30:00Z")
        );
    }
}
