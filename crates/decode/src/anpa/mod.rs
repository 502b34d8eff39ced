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
    pub word_count: Option<String>,
    pub source: Option<String>,
    /// Edition markers above the headline ("1ST LEAD", "REFILE", "EXTRA").
    pub markers: Vec<String>,
    pub headline: Option<String>,
    pub byline: Option<String>,
    pub notes: Vec<String>,
    pub paragraphs: Vec<String>,
    pub trailer: Option<String>,
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

const SOH: char = '\u{1}';
const STX: char = '\u{2}';
const ETX: char = '\u{3}';

/// Control characters out (tab and newline stay), carriage returns out.
fn clean(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control() || *c == '\t' || *c == '\n')
        .collect()
}

fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

pub(crate) fn parse(text: &str, format: Format) -> Transmission {
    let after_soh = text.split_once(SOH).map_or(text, |(_, rest)| rest);
    let (header, rest) = after_soh.split_once(STX).unwrap_or((after_soh, ""));
    let (body, trailer) = rest.split_once(ETX).unwrap_or((rest, ""));
    let mut t = Transmission {
        trailer: non_empty(&clean(trailer).replace('<', "")),
        ..Transmission::default()
    };
    let body = clean(body);
    match format {
        Format::Anpa1312 => {
            anpa_header(header, &mut t);
            anpa_text(&body, &mut t);
        }
        _ => {
            iptc_header(header, &mut t);
            iptc_text(&body, &mut t);
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
    let mut lines = body.lines().peekable();
    let mut first_caret = true;
    let mut paragraph: Vec<String> = Vec::new();
    let flush = |paragraph: &mut Vec<String>, t: &mut Transmission| {
        let joined = paragraph.join(" ");
        if let Some(p) = non_empty(&crate::html::collapse_whitespace(&joined)) {
            t.paragraphs.push(p);
        }
        paragraph.clear();
    };
    while let Some(line) = lines.next() {
        let trimmed = line.trim();
        if let Some(caret) = trimmed.strip_prefix('^') {
            flush(&mut paragraph, t);
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
            if is_slug_line || content.is_empty() {
                continue;
            }
            if content.starts_with("Eds:") || content.starts_with("AP Photo") {
                t.notes.push(content.to_string());
            } else if content.starts_with("By ") && t.byline.is_none() {
                t.byline = Some(content.to_string());
            } else if caret.trim_end().ends_with('=') {
                // "Associated Press=": the byline's second line.
            } else if t.headline.is_none()
                && t.paragraphs.is_empty()
                && looks_like_headline(content)
            {
                t.headline = Some(content.to_string());
            } else {
                t.paragraphs.push(content.to_string());
            }
            continue;
        }
        if trimmed.is_empty() || line.starts_with('\t') {
            flush(&mut paragraph, t);
        }
        if !trimmed.is_empty() {
            paragraph.push(trimmed.to_string());
        }
        if lines.peek().is_none() {
            flush(&mut paragraph, t);
        }
    }
    flush(&mut paragraph, t);
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
    let lines: Vec<&str> = body.lines().collect();
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
    for block in lines[head_end..].split(|l| l.trim().is_empty()) {
        let joined = block.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ");
        if let Some(p) = non_empty(&joined) {
            t.paragraphs.push(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::Format;
    use crate::tests::fixture;
    use wiredesk_model::WireBody;

    #[test]
    fn an_anpa_transmission_decodes_field_by_field() {
        let decoded = crate::decode(&fixture("anpa.txt")).unwrap();
        assert_eq!(decoded.format, Format::Anpa1312);
        let item = &decoded.items[0];
        assert_eq!(item.headline, "City opens new harbour bridge");
        assert_eq!(item.byline.as_deref(), Some("By ANA LIMA"));
        assert_eq!(item.slugline.as_deref(), Some("BC-EU--Portugal-Bridge"));
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
