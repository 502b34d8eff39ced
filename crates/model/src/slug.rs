//! URL slugs for stories, agencies and topics. Owns only the slug rule.
//!
//! Every script becomes readable ASCII words: letters outside ASCII are transliterated by
//! `deunicode` ("Frühstück" → "fruhstuck", "नई दिल्ली" → "nii-dillii", "北京" → "bei-jing"),
//! and German copy first gets German's own spellings (ä → ae, ö → oe, ü → ue, ß → ss), as a
//! German reader would write the word without its marks.

use std::borrow::Cow;

/// Lower-case ASCII letters and digits joined by single hyphens, other scripts transliterated:
/// "Yonhap News" → "yonhap-news", "Agência Brasil" → "agencia-brasil". Empty only when the
/// text has nothing to spell (punctuation, symbols).
pub fn slugify(text: &str) -> String {
    slugify_in(text, None)
}

/// `slugify` for text in a known language (a BCP 47 tag such as `de` or `de-AT`): German gets
/// its own expansions of umlauts and ß before the rest is transliterated.
pub fn slugify_in(text: &str, language: Option<&str>) -> String {
    let text = if language.is_some_and(is_german) {
        german_expansions(text)
    } else {
        Cow::Borrowed(text)
    };
    // A character deunicode cannot spell separates words rather than vanishing into one.
    let ascii = deunicode::deunicode_with_tofu_cow(&text, " ");
    let mut out = String::with_capacity(ascii.len());
    let mut pending_hyphen = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_hyphen && !out.is_empty() {
                out.push('-');
            }
            pending_hyphen = false;
            out.push(c.to_ascii_lowercase());
        } else {
            pending_hyphen = true;
        }
    }
    out
}

fn is_german(tag: &str) -> bool {
    let tag = tag.trim();
    let primary = tag.split(['-', '_']).next().unwrap_or(tag);
    primary.eq_ignore_ascii_case("de") || primary.eq_ignore_ascii_case("deu")
}

fn german_expansions(text: &str) -> Cow<'_, str> {
    if !text.contains(['ä', 'ö', 'ü', 'Ä', 'Ö', 'Ü', 'ß', 'ẞ']) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'Ä' => out.push_str("Ae"),
            'Ö' => out.push_str("Oe"),
            'Ü' => out.push_str("Ue"),
            'ß' => out.push_str("ss"),
            'ẞ' => out.push_str("SS"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::{slugify, slugify_in};

    #[test]
    fn slugs_are_lowercase_and_hyphenated() {
        assert_eq!(slugify("Yonhap News"), "yonhap-news");
        assert_eq!(slugify("  AFP "), "afp");
        assert_eq!(slugify("Science & Tech"), "science-tech");
        assert_eq!(slugify("---"), "");
    }

    #[test]
    fn latin_letters_with_marks_keep_their_words() {
        // Before: "f-r-fr-hst-ck", "pr-sident-macron-re-oit-le-premier-ministre".
        assert_eq!(slugify("für Frühstück"), "fur-fruhstuck");
        assert_eq!(
            slugify("Président Macron reçoit le Premier ministre"),
            "president-macron-recoit-le-premier-ministre"
        );
        assert_eq!(
            slugify("El Niño deja lluvias en Perú y España"),
            "el-nino-deja-lluvias-en-peru-y-espana"
        );
        assert_eq!(
            slugify("Erdoğan'dan İstanbul açıklaması: Şırnak'ta güçlü çığ"),
            "erdogan-dan-istanbul-aciklamasi-sirnak-ta-guclu-cig"
        );
        assert_eq!(slugify("Agência Brasil"), "agencia-brasil");
    }

    #[test]
    fn german_copy_gets_german_spellings() {
        assert_eq!(slugify_in("für Frühstück", Some("de")), "fuer-fruehstueck");
        assert_eq!(
            slugify_in("Größte Straße in Köln gesperrt", Some("de-DE")),
            "groesste-strasse-in-koeln-gesperrt"
        );
        assert_eq!(
            slugify_in("Ärger über Öl", Some("DE_at")),
            "aerger-ueber-oel"
        );
        // Other languages keep deunicode's spelling; so does a word with no umlaut.
        assert_eq!(slugify_in("Müller", Some("en")), "muller");
        assert_eq!(slugify_in("Müller", None), "muller");
        assert_eq!(slugify_in("Berlin", Some("de")), "berlin");
        // "dem", "des", "den" are not German tags.
        assert_eq!(slugify_in("Müller", Some("den")), "muller");
    }

    #[test]
    fn other_scripts_become_readable_ascii_words() {
        let cases = [
            ("नई दिल्ली में बारिश", "hi"),
            ("ঢাকায় বন্যা", "bn"),
            ("சென்னையில் மழை", "ta"),
            ("القاهرة تستضيف القمة", "ar"),
            ("لاہور میں بارش", "ur"),
            ("北京举行峰会", "zh"),
            ("東京で地震", "ja"),
            ("서울에서 회담", "ko"),
            ("Москва принимает саммит", "ru"),
            ("Αθήνα: απεργία", "el"),
        ];
        for (headline, language) in cases {
            let slug = slugify_in(headline, Some(language));
            assert!(
                slug.len() >= 4 && slug.bytes().any(|b| b.is_ascii_lowercase()),
                "{headline} → {slug:?}"
            );
            assert!(
                slug.split('-')
                    .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_alphanumeric())),
                "{slug}"
            );
        }
        assert_eq!(slugify("नई दिल्ली"), "nii-dillii");
        assert_eq!(slugify("北京"), "bei-jing");
        assert_eq!(slugify("Москва"), "moskva");
    }

    #[test]
    fn symbols_alone_make_no_slug() {
        assert_eq!(slugify("!!! ??? ..."), "");
        assert_eq!(slugify(""), "");
    }

    #[test]
    fn headlines_in_indias_scripts_become_readable_ascii_never_nothing() {
        for headline in [
            "दिल्ली में ठंड बढ़ी",
            "পুণেতে বৃষ্টি",
            "અમદાવાદમાં ઠંડી",
            "சென்னையில் மழை",
            "హైదరాబాద్‌లో వర్షం",
            "ਚੰਡੀਗੜ੍ਹ ਵਿੱਚ ਠੰਢ",
            "دہلی میں سردی",
        ] {
            let slug = slugify(headline);
            assert!(
                slug.len() >= 4 && slug.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
                "{headline:?} -> {slug:?}"
            );
        }
        assert_eq!(slugify("दिल्ली में ठंड"), "dillii-men-tthndd");
    }
}
