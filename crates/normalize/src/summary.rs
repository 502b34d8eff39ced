//! Summaries: the short text shown under a headline in listings, feeds and "Hot this week".
//!
//! Owns: choosing the opening sentences of the copy (after the dateline), removing what is not
//! copy — photo captions, credits, a leading byline — and cutting to length at a sentence end,
//! or else at a word boundary with "…".
//! Must not: rewrite, paraphrase or reorder the copy: a summary is always a verbatim prefix of
//! the cleaned text, so it never says what the agency did not. It never cuts inside a word
//! ("…investigate the venture for po") unless a single word is longer than the limit.

use std::sync::LazyLock;

use regex::Regex;

use wiredesk_model::WireBody;

use crate::dateline::dateline_len;
use crate::sanitize::{html_paragraphs_text, paragraphs_text};

/// The opening sentences of the copy, at most `max_chars` characters plus a closing "…".
///
/// `dateline_len_in_first` is the byte length of the dateline at the start of
/// `paragraphs[0]` (as returned by `find_dateline`), or 0 when none was found; a dateline is
/// then still skipped when the copy visibly starts with one.
pub fn summarize(paragraphs: &[String], dateline_len_in_first: usize, max_chars: usize) -> String {
    let texts = paragraphs.iter().enumerate().map(|(i, p)| {
        if i > 0 || dateline_len_in_first == 0 {
            return p.as_str();
        }
        // The offset comes from the caller; one that is out of range or inside a character
        // must not panic — round it forward to where a character starts.
        let mut at = dateline_len_in_first.min(p.len());
        while !p.is_char_boundary(at) {
            at += 1;
        }
        &p[at..]
    });
    build(texts, dateline_len_in_first == 0, false, max_chars)
}

/// An agency-provided abstract, cleaned like a summary and cut to `max_chars`.
///
/// Abstracts arrive as text or HTML, sometimes already truncated by a feed ("…for po Read
/// More"); a truncated last word is dropped rather than shown.
pub fn clean_abstract(text: &str, max_chars: usize) -> String {
    let text = if HTML_ISH.is_match(text) {
        html_paragraphs_text(text)
    } else {
        text.to_string()
    };
    let mut paras = paragraphs_text(&WireBody::Text(text));
    let mut truncated = false;
    if let Some(last) = paras.last_mut() {
        while let Some(m) = TRAILING_MORE.find(last) {
            truncated = true;
            last.truncate(m.start());
        }
    }
    // "Read More" as a paragraph of its own cut nothing: what precedes it is whole.
    if paras.last().is_some_and(String::is_empty) {
        paras.pop();
        truncated = false;
    }
    build(paras.iter().map(String::as_str), true, truncated, max_chars)
}

static HTML_ISH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"</?[a-zA-Z][^>]*>|&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);").unwrap());

/// Feed furniture at the end of an abstract: it marks a cut, and is never copy.
static TRAILING_MORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\s*(?:read\s+more|continue\s+reading|read\s+the\s+full\s+(?:story|article)|\[\s*(?:…|\.\.\.)\s*\]|…|\.\.\.)[\s»›>.…]*$",
    )
    .unwrap()
});

/// Cleans the paragraphs in order, gathers just enough of them, and cuts.
fn build<'a>(
    paragraphs: impl Iterator<Item = &'a str>,
    may_start_with_dateline: bool,
    truncated: bool,
    max_chars: usize,
) -> String {
    if max_chars == 0 {
        return String::new();
    }
    let mut pool = String::new();
    let mut chars = 0usize;
    // Byte offsets in `pool` where a paragraph (or caption-split piece) ended a sentence.
    let mut piece_ends = Vec::new();
    let mut skip_dateline = may_start_with_dateline;
    let mut label: Option<String> = None;
    'paras: for (i, para) in paragraphs.enumerate() {
        let mut para = para.split_whitespace().collect::<Vec<_>>().join(" ");
        // A byline heads the copy, never the middle: only the first paragraph is checked.
        if i == 0
            && let Some(rest) = strip_byline(&para)
        {
            para = rest;
            skip_dateline = true;
        }
        let pieces = strip_captions(&para);
        let whole = pieces.len() == 1;
        for mut piece in pieces {
            if pool.is_empty() {
                if skip_dateline && let Some(n) = dateline_len(&piece) {
                    piece = piece[n..].trim_start().to_string();
                    skip_dateline = false;
                }
                // A kicker or label ("Highlights", "EXCLUSIVE") ahead of the copy is no
                // summary; it is kept only in case nothing else follows.
                if whole && is_label(&piece) {
                    label.get_or_insert(piece);
                    continue;
                }
            }
            if piece.is_empty() {
                continue;
            }
            if !pool.is_empty() {
                pool.push(' ');
                chars += 1;
            }
            pool.push_str(&piece);
            chars += piece.chars().count();
            let end = last_significant(&piece);
            // A colon introduces what follows ("…said in a statement:"); not an end.
            if end != Some(':') {
                piece_ends.push(pool.len());
            }
            // Copy that stops without punctuation (a caption cut it off) must not run into
            // the next paragraph as if it were one sentence.
            let stops = !end.is_some_and(|c| ends_sentence(c) || c == ':');
            if chars > max_chars + 1 || stops {
                break 'paras;
            }
        }
    }
    if pool.is_empty()
        && let Some(l) = label
    {
        pool = l;
        piece_ends.push(pool.len());
    }
    cut(&pool, &piece_ends, truncated, max_chars)
}

fn is_label(piece: &str) -> bool {
    last_significant(piece).is_some_and(char::is_alphanumeric)
        && piece.split_whitespace().count() <= 4
}

/// The last character that is not a closing quote or bracket.
fn last_significant(s: &str) -> Option<char> {
    s.chars()
        .rev()
        .find(|c| !matches!(c, '"' | '\'' | '”' | '’' | ')' | ']' | '»'))
}

fn cut(pool: &str, piece_ends: &[usize], truncated: bool, max_chars: usize) -> String {
    let total = pool.chars().count();
    if total <= max_chars && !truncated {
        return pool.to_string();
    }
    // Longest whole-sentence prefix that fits.
    let mut best: Option<usize> = None;
    let mut count = 0usize;
    for (i, c) in pool.char_indices() {
        count += 1;
        if count > max_chars {
            break;
        }
        let end = i + c.len_utf8();
        if ends_sentence(c) && is_sentence_end(pool, i, c) {
            // Closing quotes and brackets belong to the sentence they close.
            let mut e = end;
            for (n, ch) in (count..).zip(pool[end..].chars()) {
                if !matches!(ch, '"' | '\'' | '”' | '’' | ')' | ']' | '»') || n >= max_chars {
                    break;
                }
                e += ch.len_utf8();
            }
            if pool[e..].chars().next().is_none_or(char::is_whitespace) {
                best = Some(e);
            }
        }
        if piece_ends.contains(&end) && !(truncated && end == pool.len()) {
            best = Some(end);
        }
    }
    if let Some(e) = best {
        return pool[..e].trim_end().to_string();
    }
    word_cut(pool, truncated, max_chars)
}

/// Cuts at the last word end within `max_chars` and adds "…". In a truncated abstract the
/// last word may be a fragment ("po"), so it never counts as whole.
fn word_cut(pool: &str, truncated: bool, max_chars: usize) -> String {
    let usable = if truncated {
        let trimmed = pool.trim_end();
        match trimmed.rfind(char::is_whitespace) {
            Some(i) => &pool[..i],
            None => "",
        }
    } else {
        pool
    };
    let mut best = None;
    for (count, (i, c)) in usable.char_indices().enumerate() {
        if count > max_chars {
            break;
        }
        if c.is_whitespace() && i > 0 {
            best = Some(i);
        }
    }
    if usable.chars().count() <= max_chars && !usable.is_empty() {
        best = Some(usable.len());
    }
    let kept = best.map_or("", |i| trim_dangling(&usable[..i]));
    if kept.is_empty() {
        if truncated {
            // Nothing whole is left; better no summary than a fragment.
            return String::new();
        }
        // A single word longer than the limit: the only case that cuts inside a word.
        let head: String = pool.trim_start().chars().take(max_chars).collect();
        return format!("{}…", head.trim_end());
    }
    format!("{kept}…")
}

/// No ",…" or "(…": punctuation that opens or continues has nothing to lead to any more.
#[rustfmt::skip]
const DANGLING: &[char] = &[
    ',', ';', ':', '-', '–', '—', '(', '[', '{', '/', '\\', '|', '&', '"', '“', '‘', '\'', '«',
];

fn trim_dangling(s: &str) -> &str {
    s.trim_end_matches(|c: char| c.is_whitespace() || DANGLING.contains(&c))
}

/// Words that end with a period without ending the sentence. Case matters: "No. 3" but
/// "the answer was no."
#[rustfmt::skip]
const ABBREVIATIONS: &[&str] = &[
    "Dr", "Mr", "Mrs", "Ms", "Messrs", "Prof", "Gen", "Lt", "Col", "Capt", "Cmdr", "Maj", "Sgt",
    "Cpl", "Adm", "Sen", "Rep", "Gov", "Pres", "Supt", "Insp", "Hon", "Rev", "Fr", "St", "Mt",
    "Ft", "Jr", "Sr", "No", "Nos", "Vol", "Art", "Sec", "Fig", "vs", "v", "Jan", "Feb", "Mar",
    "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "Ave", "Blvd", "approx", "Rs",
    "Dept", "Govt", "Pvt", "Bros", "Ex", "est", "cf", "al",
];

/// Marks that end a sentence: the Latin ones, the Devanagari danda and double danda (Hindi,
/// Marathi, Bengali, Punjabi copy end sentences with "।"), and the Urdu full stop and
/// question mark.
fn ends_sentence(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '।' | '॥' | '۔' | '؟')
}

/// Whether the `c` at byte `i` ends a sentence: followed by whitespace (or the end), the next
/// word not in lower case, and — for a period — not closing an abbreviation or an initial.
fn is_sentence_end(pool: &str, i: usize, c: char) -> bool {
    let after = &pool[i + c.len_utf8()..];
    let rest = after.trim_start_matches(['"', '\'', '”', '’', ')', ']', '»']);
    if let Some(next) = rest.chars().next() {
        if !next.is_whitespace() {
            // "3.5", "U.S.-led", "Yahoo!Inc"
            return false;
        }
        if rest
            .trim_start()
            .chars()
            .next()
            .is_some_and(|n| n.is_lowercase() || (c == '.' && n.is_ascii_digit()))
        {
            return false;
        }
    }
    if c != '.' {
        return true;
    }
    let before = &pool[..i];
    let word_start = before
        .rfind(|ch: char| ch.is_whitespace() || matches!(ch, '(' | '"' | '“' | '‘' | '['))
        .map_or(0, |j| {
            j + before[j..].chars().next().map_or(1, char::len_utf8)
        });
    let word = &before[word_start..];
    if ABBREVIATIONS.contains(&word) {
        return false;
    }
    // Initials and dotted abbreviations: "J.", "U.S.", "a.m."
    let mut letters = word.split('.');
    !(word.chars().count() == 1 && word.chars().all(char::is_uppercase)
        || word.contains('.') && letters.all(|p| p.chars().count() <= 1))
}

/// Photo captions and credits found inside paragraphs: parenthesised ones are removed, and a
/// credit glued mid-paragraph ("…never existed/ Image: X For more…") splits the paragraph,
/// since what precedes it ended there.
fn strip_captions(para: &str) -> Vec<String> {
    let without_parens = PAREN_CAPTION.replace_all(para, "");
    let mut s = without_parens.as_ref();
    let mut pieces = Vec::new();
    loop {
        // Captions at the very start: possibly several ("File photo | Image: IANS").
        loop {
            let t = s.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '/' | '|'));
            let next = strip_lead_caption(t);
            match next {
                Some(rest) if rest.len() < t.len() => s = rest,
                _ => {
                    s = t;
                    break;
                }
            }
        }
        match MID_CAPTION.find(s) {
            Some(m) => {
                pieces.push(s[..m.start()].to_string());
                let end = value_end(s, m.end(), false);
                s = &s[end..];
            }
            None => {
                pieces.push(s.to_string());
                break;
            }
        }
    }
    pieces
        .into_iter()
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .map(|p| {
            p.trim_matches(|c: char| c.is_whitespace() || matches!(c, '/' | '|'))
                .to_string()
        })
        .filter(|p| p.chars().any(char::is_alphanumeric))
        .collect()
}

/// "(Photo: IANS)", "(File Photo)", "(Image source: Wikimedia Commons)", "[Photo: Reuters]".
static PAREN_CAPTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\s*[(\[]\s*(?:(?:file|representational|representative|archive)\s+(?:photo|image|picture|pic)s?|(?:photo|image|pic|picture|photograph)s?(?:\s+(?:credits?|source|courtesy))?\s*[:\-–—]\s*[^)\]]*|(?:photo|image|pic|picture)s?\s+(?:via|courtesy|credits?|source|by)\b[^)\]]*|photos?|images?|pics?|pictures?)\s*[)\]]",
    )
    .unwrap()
});

/// A credit label at the start of a paragraph; the credited name follows.
static LEAD_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:(?:image|photo|pic|picture|photograph)s?(?:\s+(?:credits?|source|courtesy))?(?:\s*[:|]\s*|\s+[-–—]\s+)|(?:image|photo|pic|picture|photograph)s?\s+(?:via|courtesy(?:\s+of)?|credits?)\s*:?\s*|(?:credits?|courtesy)\s*:\s*)",
    )
    .unwrap()
});

/// "Photo by Jane Doe": the name is a few capitalised words.
static LEAD_BY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^(?:image|photo|pic|picture|photograph)s?\s+by\s+").unwrap());

/// Captions with no credit: "File photo", "Representational image", "Image for
/// representation only", and the caption sentence "File photo of … ."
static LEAD_GENERIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:(?:file|representational|representative|archive)\s+(?:photo|image|picture|pic)\b(?:\s+of\s+[^.]*\.)?|(?:image|photo|picture)\s+(?:used\s+)?for\s+representation(?:al)?(?:\s+purposes?)?(?:\s+only)?\b|for\s+representation(?:al)?\s+purposes?(?:\s+only)?\b)[\s.:|/\-–—]*",
    )
    .unwrap()
});

/// A credit glued into running text. Capitalised label and a colon (or a slash/pipe before
/// it) so that "the photo: it showed…" in copy is left alone.
static MID_CAPTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:\s*[/|]\s*(?:Image|Photo|Pic|Picture|Photograph)s?(?:\s+(?i:credits?|source|courtesy|via))?\s*:?\s*|\s+(?:Image|Photo|Pic|Picture|Photograph)s?(?:\s+(?i:credits?|source|courtesy))?\s*:\s*)",
    )
    .unwrap()
});

fn strip_lead_caption(s: &str) -> Option<&str> {
    if let Some(m) = LEAD_GENERIC.find(s) {
        return Some(&s[m.end()..]);
    }
    if let Some(m) = LEAD_BY.find(s) {
        return Some(&s[value_end(s, m.end(), true)..]);
    }
    LEAD_LABEL
        .find(s)
        .map(|m| &s[value_end(s, m.end(), false)..])
}

/// Credits that run to more than one word; anything else is taken to be one word ("X",
/// "Instagram", "IANS", "Reuters/@handle"), because the copy resumes right after it.
#[rustfmt::skip]
const MULTI_WORD_CREDITS: &[&str] = &[
    "getty images", "wikimedia commons", "social media", "x (formerly twitter)", "ap photo",
    "afp photo", "pti photo", "ians photo", "ani photo", "reuters photo", "file photo",
    "screen grab", "google maps", "special arrangement", "by arrangement",
    "press information bureau", "x/twitter", "pool photo", "associated press",
];

/// Byte offset where the credited name that starts at `from` ends.
fn value_end(s: &str, from: usize, name: bool) -> usize {
    let rest = &s[from..];
    let lead = rest.len() - rest.trim_start().len();
    let mut pos = from + lead;
    let lower = s[pos..].to_lowercase();
    if let Some(k) = MULTI_WORD_CREDITS
        .iter()
        .find(|k| lower.starts_with(*k) && !lower[k.len()..].starts_with(char::is_alphanumeric))
    {
        // Lower-casing may change byte lengths; count characters instead.
        let n = k.chars().count();
        pos += s[pos..]
            .char_indices()
            .nth(n)
            .map_or(s.len() - pos, |(i, _)| i);
    } else if name {
        let mut taken = 0;
        while taken < 3 {
            let word = next_word(s, pos);
            if word.is_empty()
                || !word.starts_with(char::is_uppercase)
                || taken > 0 && is_sentence_starter(word)
            {
                break;
            }
            pos = skip_word(s, pos);
            taken += 1;
        }
    } else {
        let word = next_word(s, pos);
        pos = skip_word(s, pos);
        // "Reuters/Jane Doe": a photographer's name after the slash takes one more word.
        if word.contains('/')
            && word
                .rsplit('/')
                .next()
                .is_some_and(|w| w.starts_with(char::is_uppercase))
        {
            let surname = next_word(s, pos);
            if surname.starts_with(char::is_uppercase)
                && !is_sentence_starter(surname)
                && surname.chars().skip(1).all(char::is_lowercase)
                && surname.chars().count() > 1
                && !surname.ends_with(',')
            {
                pos = skip_word(s, pos);
            }
        }
    }
    // "Getty Images via AFP"
    if next_word(s, pos).eq_ignore_ascii_case("via") {
        pos = skip_word(s, pos);
        pos = skip_word(s, pos);
    }
    pos
}

fn next_word(s: &str, pos: usize) -> &str {
    s[pos..].split_whitespace().next().unwrap_or("")
}

fn skip_word(s: &str, pos: usize) -> usize {
    let rest = &s[pos..];
    let start = rest.len() - rest.trim_start().len();
    let len = rest[start..]
        .find(char::is_whitespace)
        .unwrap_or(rest.len() - start);
    pos + start + len
}

/// Capitalised words that open sentences rather than continue names.
fn is_sentence_starter(w: &str) -> bool {
    #[rustfmt::skip]
    const STARTERS: &[&str] = &[
        "The", "A", "An", "In", "On", "At", "This", "That", "These", "Those", "It", "He", "She",
        "They", "We", "I", "For", "As", "After", "Before", "When", "While", "Since", "With",
        "From", "Amid", "During", "But", "And", "Meanwhile", "According", "Police", "Officials",
    ];
    STARTERS.contains(&w.trim_end_matches([',', '.', ':']))
}

/// "By Jane Doe", "By Jane Doe, Reuters", "By Jane Doe and John Roe | IANS", or "By Jane Doe"
/// glued before a dateline. Returns what is left of the paragraph.
fn strip_byline(para: &str) -> Option<String> {
    #[rustfmt::skip]
    const NOT_NAMES: &[&str] = &[
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January",
        "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December", "The", "This", "That", "Then", "Now", "Next", "Last", "Late",
        "Early", "New", "Mid", "End", "Christmas", "Easter", "Diwali", "Noon", "Midnight",
        "Contrast", "Comparison", "Default", "Far", "All", "Most", "Some", "Order", "Law", "Year",
        "Evening", "Morning", "Tonight", "Tomorrow", "Afternoon", "Nightfall", "Dawn",
    ];
    let rest = para.strip_prefix("By ")?;
    let mut pos = 0;
    let mut names = 0;
    let mut comma = false;
    loop {
        let word = next_word(rest, pos);
        let bare = word.trim_end_matches(',');
        let is_name = bare.starts_with(char::is_uppercase)
            && !(names == 0 && NOT_NAMES.contains(&bare))
            && bare
                .chars()
                .filter(|c| c.is_alphabetic())
                .any(char::is_lowercase)
            || (bare.len() == 2 && bare.ends_with('.') && bare.starts_with(char::is_uppercase));
        let joiner = names > 0 && matches!(bare, "and" | "&" | "de" | "van" | "von" | "bin" | "al");
        if !(is_name || joiner) || names >= 6 {
            break;
        }
        names += usize::from(is_name);
        pos = skip_word(rest, pos);
        if word.ends_with(',') {
            comma = true;
            break;
        }
    }
    if names < 2 {
        return None;
    }
    let after = rest[pos..].trim_start();
    let after_sep = after.trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, ',' | '|' | '/' | '-' | '–' | '—' | ':')
    });
    let has_sep = comma || after_sep.len() < after.len();
    if after.is_empty() {
        return Some(String::new());
    }
    // "By Jane Doe, Reuters" / "| IANS": an agency credit with no sentence after it.
    if has_sep && after_sep.split_whitespace().count() <= 3 && !after_sep.ends_with(['.', '!', '?'])
    {
        return Some(String::new());
    }
    if dateline_len(after).is_some() || has_sep {
        return Some(after_sep.to_string());
    }
    None
}

/// The paragraph with photo captions and credits taken out: where a sloppy wire puts
/// "(Photo: IANS)" before the dateline, the dateline is found after it.
pub(crate) fn without_captions(para: &str) -> String {
    strip_captions(para).join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Case {
        name: &'static str,
        paragraphs: &'static [&'static str],
        /// The dateline prefix of the first paragraph the caller found ("" for none).
        dateline: &'static str,
        max: usize,
        want: &'static str,
    }

    const fn c(
        name: &'static str,
        paragraphs: &'static [&'static str],
        dateline: &'static str,
        max: usize,
        want: &'static str,
    ) -> Case {
        Case {
            name,
            paragraphs,
            dateline,
            max,
            want,
        }
    }

    #[rustfmt::skip]
    const CASES: &[Case] = &[
        // The seed's failures.
        c("seed: never mid-word", &["Questions are mounting over whether hundreds of thousands of customers who paid deposits for the Trump Mobile “T1” phone last year will receive refunds, as Democratic lawmakers urge federal regulators to investigate the venture for potential fraud."], "", 234,
          "Questions are mounting over whether hundreds of thousands of customers who paid deposits for the Trump Mobile “T1” phone last year will receive refunds, as Democratic lawmakers urge federal regulators to investigate the venture for…"),
        c("seed: Image Via Instagram", &["Image Via Instagram IShowSpeed, whose real name is Darren Watkins Jr., made internet history on January 15, 2026, by becoming the first streamer to ever go live from inside Egypt’s Great Pyramid of Giza."], "", 300,
          "IShowSpeed, whose real name is Darren Watkins Jr., made internet history on January 15, 2026, by becoming the first streamer to ever go live from inside Egypt’s Great Pyramid of Giza."),
        c("seed: / Image: X mid-paragraph", &["Adrian Shine, who spent over five decades searching for the Loch Ness Monster, now concludes it almost certainly never existed/ Image: X For more than half a century, Adrian Shine has been synonymous with the modern hunt for the Loch Ness Monster."], "", 300,
          "Adrian Shine, who spent over five decades searching for the Loch Ness Monster, now concludes it almost certainly never existed"),
        c("seed: IANS dateline skipped", &["Seoul, Nov 6 (IANS) South Korea and Japan will hold vice-ministerial diplomatic talks later this week to discuss bilateral relations, regional and global issues, Seoul’s foreign ministry said on Thursday. The 16th strategic dialogue will take place in Seoul on Friday."], "Seoul, Nov 6 (IANS) ", 200,
          "South Korea and Japan will hold vice-ministerial diplomatic talks later this week to discuss bilateral relations, regional and global issues, Seoul’s foreign ministry said on Thursday."),
        // Whole text fits.
        c("fits whole", &["The Reserve Bank held rates."], "", 100, "The Reserve Bank held rates."),
        c("fits whole across paragraphs", &["One.", "Two."], "", 100, "One. Two."),
        c("empty input", &[], "", 100, ""),
        c("only whitespace", &["   ", "\n"], "", 100, ""),
        c("zero max", &["Anything at all."], "", 0, ""),
        // Sentence cuts.
        c("longest sentence prefix", &["First sentence here. Second one is here. Third sentence is much longer and will not fit."], "", 45, "First sentence here. Second one is here."),
        c("at least one sentence", &["Short. But the second sentence is far too long to fit into the limit at all."], "", 30, "Short."),
        c("question mark ends", &["Will rates fall? Economists are divided on the question this year."], "", 30, "Will rates fall?"),
        c("exclamation ends", &["Goal! The striker scored in the last minute of extra time."], "", 20, "Goal!"),
        c("closing quote kept", &["“We will win,” he said. “The people are with us.” The rally went on until late evening."], "", 55, "“We will win,” he said. “The people are with us.”"),
        c("quote question lowercase continues", &["“Why now?” he asked reporters. The minister did not answer the question."], "", 40, "“Why now?” he asked reporters."),
        c("Dr. is not an end", &["Dr. Rao said the vaccine works. The trial enrolled 3,000 people across the country."], "", 40, "Dr. Rao said the vaccine works."),
        c("Mr. is not an end", &["Mr. Lee met Mr. Park on Friday. They spoke for an hour about the economy."], "", 35, "Mr. Lee met Mr. Park on Friday."),
        c("U.S. is not an end", &["The U.S. Senate passed the bill. The House votes next week on its own version."], "", 40, "The U.S. Senate passed the bill."),
        c("Jan. is not an end", &["The law takes effect Jan. 1 next year. Companies must comply within six months of that."], "", 45, "The law takes effect Jan. 1 next year."),
        c("No. 3 is not an end", &["India rose to No. 3 in the rankings. Australia stayed top for a fourth straight week."], "", 40, "India rose to No. 3 in the rankings."),
        c("St. is not an end", &["Crowds gathered in St. Peter's Square. The pope spoke from the balcony at noon."], "", 45, "Crowds gathered in St. Peter's Square."),
        c("decimal is not an end", &["GDP grew 3.5 percent in the quarter. Analysts had expected 3.2 percent growth overall."], "", 40, "GDP grew 3.5 percent in the quarter."),
        c("initials are not an end", &["J. K. Rowling wrote the book. It sold millions of copies around the world."], "", 35, "J. K. Rowling wrote the book."),
        c("a.m. lowercase continues", &["The blast hit at 9 a.m. on Monday. Rescue teams arrived within the hour."], "", 40, "The blast hit at 9 a.m. on Monday."),
        // Word cuts.
        c("word cut with ellipsis", &["Monsoon rains lashed the western coast on Tuesday, flooding low-lying areas and disrupting suburban train services"], "", 50, "Monsoon rains lashed the western coast on Tuesday…"),
        c("no comma before ellipsis", &["Officials said, after a long meeting that stretched well into the night, nothing"], "", 17, "Officials said…"),
        c("no dash before ellipsis", &["The verdict — delivered after a trial lasting four years — was welcomed"], "", 13, "The verdict…"),
        c("no open quote before ellipsis", &["He said “absolutely not under any circumstances whatsoever”"], "", 9, "He said…"),
        c("single long word", &["Supercalifragilisticexpialidocious"], "", 10, "Supercalif…"),
        c("cut exactly at word end", &["alpha beta gamma delta"], "", 10, "alpha beta…"),
        // Captions and credits.
        c("Image: X paragraph dropped", &["Image: X", "The summit opened in Delhi."], "", 100, "The summit opened in Delhi."),
        c("Photo: Reuters paragraph dropped", &["Photo: Reuters", "Oil prices climbed on Monday."], "", 100, "Oil prices climbed on Monday."),
        c("(Photo: …) removed", &["Prime Minister Narendra Modi addresses the rally (Photo: IANS). He promised jobs."], "", 100, "Prime Minister Narendra Modi addresses the rally. He promised jobs."),
        c("File photo dropped", &["File photo", "The court adjourned the case."], "", 100, "The court adjourned the case."),
        c("(File Photo) removed", &["The bridge collapsed in 2022 (File Photo). Repairs are due."], "", 100, "The bridge collapsed in 2022. Repairs are due."),
        c("Representational image dropped", &["Representational image", "Gold prices fell."], "", 100, "Gold prices fell."),
        c("Representational image prefix", &["Representational image The city will get a new metro line."], "", 100, "The city will get a new metro line."),
        c("byline paragraph dropped", &["By Jane Doe", "WASHINGTON (AP) — The Senate voted on Tuesday."], "", 100, "The Senate voted on Tuesday."),
        c("byline with agency dropped", &["By Jane Doe and John Roe, Reuters", "Markets rallied."], "", 100, "Markets rallied."),
        c("inline byline before dateline", &["By Priya Sharma NEW DELHI (PTI) — The monsoon arrived early."], "", 100, "The monsoon arrived early."),
        c("By Monday is copy", &["By Monday, the river had crested."], "", 100, "By Monday, the river had crested."),
        c("By contrast is copy", &["By contrast, exports fell."], "", 100, "By contrast, exports fell."),
        c("Pic credit dropped", &["The temple reopened on Sunday. Pic credit: Twitter/@templetrust"], "", 100, "The temple reopened on Sunday."),
        c("Image source removed", &["The comet will be visible next week (Image source: NASA). Skywatchers are excited."], "", 100, "The comet will be visible next week. Skywatchers are excited."),
        c("Getty Images credit", &["Photo: Getty Images Markets slid in early trade."], "", 100, "Markets slid in early trade."),
        c("credit with photographer", &["Photo: Reuters/Jane Doe Crowds filled the square."], "", 100, "Crowds filled the square."),
        c("pipe credit mid-text", &["Rescuers searched the rubble | Photo: AFP Survivors were found later."], "", 100, "Rescuers searched the rubble"),
        c("lowercase photo in copy kept", &["The photo: a grainy image of a lake, was shown."], "", 100, "The photo: a grainy image of a lake, was shown."),
        c("(pictured) kept", &["The minister (pictured) resigned."], "", 100, "The minister (pictured) resigned."),
        // Datelines.
        c("dateline found by caller", &["TOKYO, March 3 (Reuters) - Japan's Nikkei rose 2%."], "TOKYO, March 3 (Reuters) - ", 100, "Japan's Nikkei rose 2%."),
        c("dateline not passed is still skipped", &["WASHINGTON (AP) — The Senate voted."], "", 100, "The Senate voted."),
        c("Bengaluru colon style", &["Bengaluru: The city recorded heavy rain."], "", 100, "The city recorded heavy rain."),
        c("caption paragraph before copy", &["(Photo: IANS)", "Seoul, Nov 6 (IANS) Talks resumed."], "", 100, "Talks resumed."),
        // Paragraph joins.
        c("kicker is passed over", &["Highlights", "The budget raised spending."], "", 100, "The budget raised spending."),
        c("label alone is kept", &["EXCLUSIVE"], "", 100, "EXCLUSIVE"),
        c("colon paragraph continues", &["The ministry said in a statement:", "“Talks will continue.”"], "", 100, "The ministry said in a statement: “Talks will continue.”"),
        c("second paragraph when it fits", &["Rates were held.", "The decision was unanimous.", "Markets rose sharply after the announcement was made."], "", 50, "Rates were held. The decision was unanimous."),
        c("whitespace collapsed", &["  Rain\n\tfell   all day.  "], "", 100, "Rain fell all day."),
    ];

    #[test]
    fn summaries_cut_cleanly_and_carry_no_captions() {
        assert!(CASES.len() >= 40);
        for case in CASES {
            let paragraphs: Vec<String> = case.paragraphs.iter().map(|s| s.to_string()).collect();
            if let Some(first) = case.paragraphs.first() {
                assert!(
                    first.starts_with(case.dateline),
                    "{}: bad dateline prefix",
                    case.name
                );
            }
            let got = summarize(&paragraphs, case.dateline.len(), case.max);
            assert_eq!(got, case.want, "case {:?}", case.name);
            assert!(
                got.chars().count() <= case.max + 1,
                "case {:?} too long",
                case.name
            );
        }
    }

    #[test]
    fn abstracts_are_cleaned_and_cut() {
        #[rustfmt::skip]
        let cases: &[(&str, usize, &str)] = &[
            // The seed's truncated teaser: the fragment "po" and "Read More" go.
            ("Questions are mounting over whether customers who paid deposits will receive refunds, as lawmakers urge regulators to investigate the venture for po Read More", 300,
             "Questions are mounting over whether customers who paid deposits will receive refunds, as lawmakers urge regulators to investigate the venture for…"),
            ("Image Via Instagram IShowSpeed made internet history on Thursday. Read More", 300, "IShowSpeed made internet history on Thursday."),
            ("Adrian Shine now concludes it almost certainly never existed/ Image: X For more than half a century", 300, "Adrian Shine now concludes it almost certainly never existed"),
            ("<p>Gold <b>rose</b> 2% &amp; silver fell.</p><p>Second para.</p>", 300, "Gold rose 2% & silver fell. Second para."),
            ("NEW DELHI (Reuters) - India's cabinet approved the plan.", 300, "India's cabinet approved the plan."),
            ("The ministry said the talks were productive. More rounds are planned [...]", 300, "The ministry said the talks were productive."),
            ("A plain abstract that fits.", 300, "A plain abstract that fits."),
            ("Sensex jumps 500 points as banks rally; Nifty ends above 24,000…", 300, "Sensex jumps 500 points as banks rally; Nifty ends above…"),
            ("Talks ended without a deal.\n\nRead More", 300, "Talks ended without a deal."),
            ("", 300, ""),
        ];
        for (input, max, want) in cases {
            assert_eq!(&clean_abstract(input, *max), want, "input {input:?}");
        }
    }

    #[test]
    fn out_of_range_dateline_offsets_do_not_panic() {
        let p = vec!["Séoul, Nov 6 (IANS) Talks.".to_string()];
        for n in 0..40 {
            let _ = summarize(&p, n, 50);
        }
        assert_eq!(summarize(&p, 2, 50), "oul, Nov 6 (IANS) Talks.");
    }
}
