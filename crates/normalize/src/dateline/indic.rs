//! Datelines in India's scripts, as the Indian agencies' language services file them: "नई
//! दिल्ली, 5 दिसंबर (आईएएनएस)।", "কলকাতা, ৫ ডিসেম্বর (পিটিআই)", "சென்னை, டிசம்பர் 5 (ஐஏஎன்எஸ்)",
//! "نئی دہلی، 5 دسمبر (یو این آئی)".
//!
//! Owns: the month names of Hindi, Marathi, Bengali, Gujarati, Tamil, Telugu, Punjabi and Urdu,
//! native digits, and the shape "place[ (region)], day month[ year] (agency)" closed by a
//! danda, an Urdu full stop, a colon or a dash. Agencies' names in these scripts are aliases
//! in the one agency table (`wiredesk_model::agency`).
//! Must not: accept a place and an agency without a date: in these scripts that shape is also
//! how a sentence with a parenthesis starts.

use std::sync::LazyLock;

use regex::Regex;

use wiredesk_model::text::digit_value;

use super::Matched;

/// Month names as the services write them, with their common variant spellings.
#[rustfmt::skip]
const MONTHS: &[(&str, i8)] = &[
    // Hindi (Devanagari)
    ("जनवरी", 1), ("फरवरी", 2), ("फ़रवरी", 2), ("मार्च", 3), ("अप्रैल", 4), ("अप्रेल", 4),
    ("मई", 5), ("जून", 6), ("जुलाई", 7), ("अगस्त", 8), ("सितंबर", 9), ("सितम्बर", 9),
    ("अक्टूबर", 10), ("अक्तूबर", 10), ("नवंबर", 11), ("नवम्बर", 11), ("दिसंबर", 12),
    ("दिसम्बर", 12),
    // Marathi (Devanagari)
    ("जानेवारी", 1), ("फेब्रुवारी", 2), ("एप्रिल", 4), ("मे", 5), ("जुलै", 7), ("ऑगस्ट", 8),
    ("सप्टेंबर", 9), ("ऑक्टोबर", 10), ("नोव्हेंबर", 11), ("डिसेंबर", 12),
    // Bengali
    ("জানুয়ারি", 1), ("জানুয়ারী", 1), ("ফেব্রুয়ারি", 2), ("ফেব্রুয়ারী", 2), ("মার্চ", 3),
    ("এপ্রিল", 4), ("মে", 5), ("জুন", 6), ("জুলাই", 7), ("আগস্ট", 8), ("সেপ্টেম্বর", 9),
    ("অক্টোবর", 10), ("নভেম্বর", 11), ("ডিসেম্বর", 12),
    // Gujarati
    ("જાન્યુઆરી", 1), ("ફેબ્રુઆરી", 2), ("માર્ચ", 3), ("એપ્રિલ", 4), ("મે", 5), ("જૂન", 6),
    ("જુલાઈ", 7), ("ઓગસ્ટ", 8), ("સપ્ટેમ્બર", 9), ("ઓક્ટોબર", 10), ("નવેમ્બર", 11),
    ("ડિસેમ્બર", 12),
    // Tamil
    ("ஜனவரி", 1), ("பிப்ரவரி", 2), ("மார்ச்", 3), ("ஏப்ரல்", 4), ("மே", 5), ("ஜூன்", 6),
    ("ஜூலை", 7), ("ஆகஸ்ட்", 8), ("செப்டம்பர்", 9), ("அக்டோபர்", 10), ("நவம்பர்", 11),
    ("டிசம்பர்", 12),
    // Telugu
    ("జనవరి", 1), ("ఫిబ్రవరి", 2), ("మార్చి", 3), ("ఏప్రిల్", 4), ("మే", 5), ("జూన్", 6),
    ("జూలై", 7), ("ఆగస్టు", 8), ("సెప్టెంబర్", 9), ("అక్టోబర్", 10), ("నవంబర్", 11),
    ("డిసెంబర్", 12),
    // Punjabi (Gurmukhi)
    ("ਜਨਵਰੀ", 1), ("ਫ਼ਰਵਰੀ", 2), ("ਫਰਵਰੀ", 2), ("ਮਾਰਚ", 3), ("ਅਪ੍ਰੈਲ", 4), ("ਮਈ", 5),
    ("ਜੂਨ", 6), ("ਜੁਲਾਈ", 7), ("ਅਗਸਤ", 8), ("ਸਤੰਬਰ", 9), ("ਅਕਤੂਬਰ", 10), ("ਨਵੰਬਰ", 11),
    ("ਦਸੰਬਰ", 12),
    // Urdu
    ("جنوری", 1), ("فروری", 2), ("مارچ", 3), ("اپریل", 4), ("مئی", 5), ("جون", 6),
    ("جولائی", 7), ("اگست", 8), ("ستمبر", 9), ("اکتوبر", 10), ("نومبر", 11), ("دسمبر", 12),
];

/// The number a run of digits in one of the scripts writes.
fn number(digits: &str) -> Option<u32> {
    digits.chars().try_fold(0u32, |n, c| {
        digit_value(c).map(|d| n.saturating_mul(10).saturating_add(d))
    })
}

fn month_number(word: &str) -> Option<i8> {
    MONTHS.iter().find(|(name, _)| *name == word).map(|m| m.1)
}

static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    // A word of these scripts: letters with their vowel signs and viramas (marks), and the
    // joiners that shape conjuncts.
    let word = r"[\p{L}\p{M}\u{200C}\u{200D}]+";
    // A place is a name, not a sentence: at most four words.
    let place = format!(r"{word}(?:[ \t\u{{A0}}]+{word}){{0,3}}");
    let mut months: Vec<&str> = MONTHS.iter().map(|m| m.0).collect();
    // Longest first, so "जुलाई" is not read as a shorter name that begins it.
    months.sort_by_key(|m| std::cmp::Reverse(m.chars().count()));
    let month = months.join("|");
    let digits = r"[0-9\u{660}-\u{669}\u{6F0}-\u{6F9}\u{966}-\u{96F}\u{9E6}-\u{9EF}\u{A66}-\u{A6F}\u{AE6}-\u{AEF}\u{BE6}-\u{BEF}\u{C66}-\u{C6F}]";
    let sp = r"[ \t\u{A0}]";
    Regex::new(&format!(
        r"^\s*(?P<text>(?P<place>{place})(?:{sp}*\((?P<region>{place})\))?{sp}*[,،]{sp}*(?:(?P<day>{digits}{{1,2}}){sp}+(?P<month>{month})|(?P<month2>{month}){sp}+(?P<day2>{digits}{{1,2}}))(?:[,،]?{sp}+(?P<year>{digits}{{4}}))?{sp}*\((?P<ag>[^()\n]{{1,40}})\))(?:{sp}*[।۔:\-–—]+)?\s*"
    ))
    .expect("Indian-script dateline regex")
});

/// The dateline at the start of `s` in one of India's scripts.
pub(super) fn indic(s: &str) -> Option<Matched> {
    let c = DATELINE.captures(s)?;
    let month = month_number(c.name("month").or(c.name("month2"))?.as_str())?;
    let day = number(c.name("day").or(c.name("day2"))?.as_str())?;
    let year = c.name("year").and_then(|y| number(y.as_str()));
    if !(1..=31).contains(&day) {
        return None;
    }
    Some(Matched {
        place: Some(c["place"].trim().to_string()),
        date: Some((month, day as i8, year.and_then(|y| i16::try_from(y).ok()))),
        agency: Some(c["ag"].trim().to_string()),
        text: c["text"].trim_end().to_string(),
        len: c.get(0).map_or(0, |m| m.end()),
    })
}
