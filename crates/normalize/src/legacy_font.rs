//! Hindi copy that is not Unicode: typed in a legacy font (Kruti Dev, DevLys), whose letters are
//! Latin bytes drawn as Devanagari only by that font, or Unicode that went through a Latin-1
//! reading somewhere ("à¤¨à¤ˆ"). Either shows readers a page of gibberish, so such copy is
//! held for the desk with the reason, never published as it came.
//!
//! No converter is applied: the Kruti Dev tables differ between font versions and their
//! reordered vowel signs make a wrong guess likely; the agency can resend the Unicode copy.

/// Kruti Dev 010 spellings of Hindi's commonest short words (के का की में है हैं और से को कि
/// पर भी यह इस एक लिए तक था थी थे गया गई कहा साथ जो हो रहे रहा किया वह नहीं कर करने अपने
/// उन्होंने बताया नई). Matched case-sensitively as whole words: in Latin-script copy they
/// are not words at all.
const KRUTI_DEV_WORDS: &[&str] = &[
    "ds", "dk", "dh", "esa", "gS", "gSa", "vkSj", "ls", "dks", "fd", "ij", "Hkh", ";g", "bl", ",d",
    "fy,", "rd", "Fkk", "Fkh", "Fks", "x;k", "xbZ", "dgk", "lkFk", "tks", "gks", "jgs", "jgk",
    "fd;k", "og", "ugha", "dj", "djus", "vius", "mUgksaus", "crk;k", "ubZ",
];

/// Words looked at: the headline and the opening, enough to tell.
const WORDS_READ: usize = 300;

/// Why the copy cannot be published as it came, when it is legacy-font or mis-decoded Hindi.
pub fn legacy_font_in_copy(headline: &str, paragraphs: &[String]) -> Option<String> {
    let text: Vec<&str> = std::iter::once(headline)
        .chain(paragraphs.iter().map(String::as_str))
        .flat_map(str::split_whitespace)
        .take(WORDS_READ)
        .collect();
    let sample = text.join(" ");
    // UTF-8 Devanagari is E0 A4 xx / E0 A5 xx: read as Latin-1 or Windows-1252, "à¤" "à¥".
    let misread = sample.matches("à¤").count() + sample.matches("à¥").count();
    if misread >= 3 {
        return Some(format!(
            "the copy is Unicode Hindi read as Latin-1 somewhere on its way (\"{}\"): it would \
             show as gibberish; ask the agency to resend it",
            example(&text, |w| w.contains("à¤") || w.contains("à¥"))
        ));
    }
    let devanagari = sample
        .chars()
        .filter(|c| ('\u{0900}'..='\u{097F}').contains(c))
        .count();
    let latin = sample.chars().filter(char::is_ascii_alphabetic).count();
    if text.len() < 6 || devanagari > latin {
        return None;
    }
    let is_kruti = |w: &str| {
        // A danda is "A" in the font, a comma "]", and either may close a word.
        let w = w.trim_end_matches(['A', ']', '.', '\'', '"']);
        KRUTI_DEV_WORDS.contains(&w)
    };
    let hits = text.iter().filter(|w| is_kruti(w)).count();
    (hits >= 3 && hits * 100 >= text.len() * 8).then(|| {
        format!(
            "the copy is Hindi typed in a legacy font (Kruti Dev or DevLys), not Unicode \
             (\"{}\"): readers would see Latin letters; ask the agency for the Unicode copy",
            example(&text, is_kruti)
        )
    })
}

/// A few words around the first that gives the copy away, for the editor to recognise.
fn example(words: &[&str], tell: impl Fn(&str) -> bool) -> String {
    let at = words.iter().position(|w| tell(w)).unwrap_or(0);
    let start = at.saturating_sub(2);
    words[start..(start + 5).min(words.len())].join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(headline: &str, body: &str) -> Option<String> {
        let paragraphs: Vec<String> = body.split("\n\n").map(String::from).collect();
        legacy_font_in_copy(headline, &paragraphs)
    }

    #[test]
    fn kruti_dev_copy_is_recognised_with_an_example() {
        // "नई दिल्ली में सरकार ने कहा कि राज्य के किसानों को नई योजना का लाभ मिलेगा।" typed in
        // Kruti Dev 010.
        let reason = check(
            "ubZ ;kstuk dk ykHk",
            "ubZ fnYyh] 5 fnlacj ¼vkbZ,Ul½A ljdkj us dgk fd jkT; ds fdlkuksa dks ubZ ;kstuk \
             dk ykHk feysxkA\n\nmUgksaus crk;k fd ;g ;kstuk vxys lky ls ykxw gksxhA",
        )
        .expect("Kruti Dev is recognised");
        assert!(reason.contains("legacy font"), "{reason}");
        assert!(reason.contains("ubZ"), "{reason}");
    }

    #[test]
    fn latin_mojibake_of_unicode_hindi_is_recognised() {
        let mojibake = "à¤¨à¤ˆ à¤¦à¤¿à¤²à¥à¤²à¥€, 5 à¤¦à¤¿à¤¸à¤‚à¤¬à¤°";
        let reason = check("à¤–à¤¬à¤°", mojibake).expect("recognised");
        assert!(reason.contains("Latin-1"), "{reason}");
    }

    #[test]
    fn english_hindi_and_mixed_copy_pass() {
        assert_eq!(
            check(
                "Markets rally as RBI holds rates",
                "MUMBAI, Dec 5 (PTI) The Sensex rose 400 points on Friday after the central \
                 bank kept its key rate unchanged, as dealers said foreign funds bought banks."
            ),
            None
        );
        assert_eq!(
            check(
                "मुंबई इंडियंस ने IPL 2026 का पहला मैच जीता",
                "मुंबई, 5 दिसंबर (आईएएनएस)। Mumbai Indians ने शुक्रवार को Chennai Super Kings को \
                 छह विकेट से हराया। कप्तान ने कहा कि टीम का प्रदर्शन शानदार रहा।"
            ),
            None
        );
        // Short Latin copy with a stray "dk" or "ds" is not enough.
        assert_eq!(
            check(
                "DK Shivakumar meets DS team",
                "BENGALURU, Dec 5 (IANS) Karnataka deputy chief minister DK Shivakumar met the \
                 DS team, officials said, adding that talks would go on next week in the city."
            ),
            None
        );
    }
}
