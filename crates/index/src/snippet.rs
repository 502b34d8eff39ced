//! Highlighted snippets as HTML: the matched words in `<mark>`, everything else escaped.

use std::ops::Range;

use tantivy::snippet::Snippet;

/// Escape text for HTML element content and attribute values.
pub fn escape_html(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

fn merged(ranges: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut sorted = ranges.to_vec();
    sorted.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(sorted.len());
    for r in sorted {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// The snippet as HTML, with "…" where the fragment cuts the text; `None` when it highlights
/// nothing (the match was elsewhere, e.g. only in the headline).
pub(crate) fn to_html(snippet: &Snippet, text_len: usize) -> Option<String> {
    if snippet.highlighted().is_empty() {
        return None;
    }
    let fragment = snippet.fragment();
    let range = snippet.fragment_range();
    let mut html = String::with_capacity(fragment.len() + 32);
    if range.start > 0 {
        html.push('…');
    }
    let mut at = 0;
    for r in merged(snippet.highlighted()) {
        if r.start < at || r.end > fragment.len() {
            continue;
        }
        escape_html(&fragment[at..r.start], &mut html);
        html.push_str("<mark>");
        escape_html(&fragment[r.clone()], &mut html);
        html.push_str("</mark>");
        at = r.end;
    }
    escape_html(&fragment[at..], &mut html);
    if range.end < text_len {
        html.push('…');
    }
    Some(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_markup_character() {
        let mut out = String::new();
        escape_html("<b>\"A&B\"</b> it's", &mut out);
        assert_eq!(out, "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt; it&#39;s");
    }

    #[test]
    fn overlapping_ranges_merge() {
        assert_eq!(merged(&[4..6, 0..2, 1..3, 6..8]), vec![0..3, 4..8]);
    }
}
