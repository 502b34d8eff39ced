//! Copy that says it is not for publication: an advisory, a note to editors, a service message
//! or a test, recognised by the words agencies put at its top ("NOT FOR PUBLICATION",
//! "nicht zur Veröffentlichung bestimmt", "Avis aux rédactions", "no publicar", "TEST, please
//! ignore"), in English, German, French and Spanish. Formats with a field that says so
//! (genres, item roles, NITF `tobject.type`, ANPA categories) are read by `decode`; this is
//! for copy with nothing but its words.
//!
//! Only the headline and the first two paragraphs are read, as whole words in any case, with
//! accents and punctuation set aside: a story that quotes such words further down is news. A
//! phrase followed by "before"/"until" ("Not for publication before 11:00 GMT") is an embargo
//! (`embargo.rs`), not an advisory. Phrases that could open a news sentence ("ne pas publier",
//! "no publicar", "test message") count only where they open the headline or the copy.

/// Paragraphs of copy read after the headline.
const OPENING_PARAGRAPHS: usize = 2;
/// Words read from each of them.
const OPENING_WORDS: usize = 80;

/// Where a phrase must stand to count.
#[derive(Clone, Copy, PartialEq)]
enum At {
    /// Anywhere in the headline or the opening paragraphs.
    Anywhere,
    /// Opening the headline or the copy: a label, not a sentence.
    Start,
    /// The whole headline, and nothing else.
    Whole,
}

/// (phrase as shown to an editor, its language, where it counts). Matched as whole words after
/// `fold`, so "NOT FOR PUBLICATION", "Not for publication." and "not-for-publication" are one.
const PHRASES: &[(&str, &str, At)] = &[
    // English
    ("not for publication", "English", At::Anywhere),
    ("not for publishing", "English", At::Anywhere),
    ("not for broadcast or publication", "English", At::Anywhere),
    ("for your information only", "English", At::Anywhere),
    ("advisory to editors", "English", At::Anywhere),
    ("advisory for editors", "English", At::Anywhere),
    ("do not publish", "English", At::Start),
    ("note to editors", "English", At::Start),
    ("media advisory", "English", At::Start),
    ("editors advisory", "English", At::Start),
    ("service message", "English", At::Start),
    ("test message", "English", At::Start),
    ("test item", "English", At::Start),
    ("test story", "English", At::Start),
    ("test please ignore", "English", At::Start),
    ("ignore test", "English", At::Start),
    ("please ignore", "English", At::Start),
    ("test", "English", At::Whole),
    ("testing", "English", At::Whole),
    // German
    ("nicht zur Veröffentlichung", "German", At::Anywhere),
    ("nicht zur Veroeffentlichung", "German", At::Anywhere),
    ("nicht für die Veröffentlichung", "German", At::Anywhere),
    ("nicht zum Abdruck", "German", At::Anywhere),
    ("Achtung Redaktionen", "German", At::Anywhere),
    ("Achtung Redaktion", "German", At::Anywhere),
    ("Hinweis an die Redaktionen", "German", At::Anywhere),
    ("Hinweis für die Redaktionen", "German", At::Anywhere),
    ("bitte nicht veröffentlichen", "German", At::Anywhere),
    ("nur zur Information", "German", At::Start),
    ("bitte ignorieren", "German", At::Start),
    ("Testmeldung", "German", At::Start),
    ("Test", "German", At::Whole),
    // French
    ("pas pour publication", "French", At::Anywhere),
    ("non destiné à la publication", "French", At::Anywhere),
    ("non destiné à publication", "French", At::Anywhere),
    ("avis aux rédactions", "French", At::Anywhere),
    ("note aux rédactions", "French", At::Anywhere),
    ("ne pas publier", "French", At::Start),
    ("ne pas diffuser", "French", At::Start),
    ("message de service", "French", At::Start),
    ("message test", "French", At::Start),
    ("essai", "French", At::Whole),
    // Spanish
    ("no para publicación", "Spanish", At::Anywhere),
    ("no para publicar", "Spanish", At::Anywhere),
    ("no destinado a publicación", "Spanish", At::Anywhere),
    ("aviso a los editores", "Spanish", At::Anywhere),
    ("aviso a las redacciones", "Spanish", At::Anywhere),
    ("nota a la redacción", "Spanish", At::Anywhere),
    ("nota a los editores", "Spanish", At::Anywhere),
    ("no publicar", "Spanish", At::Start),
    ("mensaje de prueba", "Spanish", At::Start),
    ("prueba no publicar", "Spanish", At::Start),
    ("prueba", "Spanish", At::Whole),
];

/// Each phrase's words, folded once: folding them for every story was most of this check.
static PHRASE_WORDS: std::sync::LazyLock<Vec<Vec<String>>> = std::sync::LazyLock::new(|| {
    PHRASES
        .iter()
        .map(|(shown, _, _)| words(shown, usize::MAX))
        .collect()
});

/// Words that make the phrase before them an embargo ("not for publication before …").
const EMBARGO_WORDS: &[&str] = &[
    "before", "until", "till", "prior", "vor", "bis", "avant", "jusqu", "antes", "hasta",
];

/// Lower case, accents off, `ß` as `ss`: "Veröffentlichung" and "VEROFFENTLICHUNG" match.
fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' => out.push('a'),
            'é' | 'è' | 'ê' | 'ë' => out.push('e'),
            'í' | 'ì' | 'î' | 'ï' => out.push('i'),
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' => out.push('o'),
            'ú' | 'ù' | 'û' | 'ü' => out.push('u'),
            'ç' => out.push('c'),
            'ñ' => out.push('n'),
            'ß' => out.push_str("ss"),
            c => out.push(c),
        }
    }
    out
}

fn words(text: &str, limit: usize) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(limit)
        .map(str::to_string)
        .collect()
}

/// Where `phrase` stands in `words` as it must, not followed by an embargo's "before".
fn found(words: &[String], phrase: &[String], at: At, whole_headline: bool) -> bool {
    if phrase.is_empty() || words.len() < phrase.len() {
        return false;
    }
    let not_embargo = |end: usize| {
        words
            .get(end)
            .is_none_or(|next| !EMBARGO_WORDS.contains(&next.as_str()))
    };
    match at {
        At::Whole => whole_headline && words == phrase,
        At::Start => words[..phrase.len()] == *phrase && not_embargo(phrase.len()),
        At::Anywhere => words
            .windows(phrase.len())
            .enumerate()
            .any(|(i, w)| w == phrase && not_embargo(i + phrase.len())),
    }
}

/// Why the copy is not for publication, when its headline or opening says so: `the copy says
/// "nicht zur Veröffentlichung" (German)`. `paragraphs` are the body's, as plain text.
pub fn not_for_publication_in_copy(headline: &str, paragraphs: &[String]) -> Option<String> {
    let headline_words = words(headline, OPENING_WORDS);
    let openings: Vec<Vec<String>> = paragraphs
        .iter()
        .filter(|p| !p.trim().is_empty())
        .take(OPENING_PARAGRAPHS)
        .map(|p| words(p, OPENING_WORDS))
        .collect();
    PHRASES
        .iter()
        .zip(PHRASE_WORDS.iter())
        .find_map(|((shown, language, at), phrase)| {
            let in_headline = found(&headline_words, phrase, *at, true);
            let in_opening = openings
                .iter()
                .enumerate()
                // A label opens the copy: the first paragraph only.
                .filter(|(i, _)| *at == At::Anywhere || *i == 0)
                .any(|(_, p)| found(p, phrase, *at, false));
            (in_headline || in_opening).then(|| {
                format!(
                    "the {} says \"{shown}\" ({language})",
                    if in_headline { "headline" } else { "copy" }
                )
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn says(headline: &str, paragraphs: &[&str]) -> Option<String> {
        let paragraphs: Vec<String> = paragraphs.iter().map(|p| p.to_string()).collect();
        not_for_publication_in_copy(headline, &paragraphs)
    }

    #[test]
    fn english_markers_are_found_in_the_headline_or_the_opening() {
        let reason = says(
            "Coverage plans for the summit",
            &["NOT FOR PUBLICATION. Our reporters will file from the venue from 0900 GMT."],
        )
        .unwrap();
        assert_eq!(reason, "the copy says \"not for publication\" (English)");
        assert!(
            says(
                "Correspondents' schedule",
                &["For your information only: the desk closes early today."]
            )
            .is_some()
        );
        assert_eq!(
            says(
                "Advisory to editors: new photo service",
                &["Details follow."]
            )
            .unwrap(),
            "the headline says \"advisory to editors\" (English)"
        );
        assert!(says("TEST", &["Test, please ignore."]).is_some());
        assert!(says("Ignore: test", &["xxx"]).is_some());
        assert!(says("Server check", &["Test message. Please ignore."]).is_some());
    }

    #[test]
    fn german_french_and_spanish_markers_are_found() {
        let de = says(
            "Folgende Stücke bleiben aktuell",
            &["Achtung, Redaktionen: Die folgenden Informationen sind nicht zur Veröffentlichung bestimmt."],
        )
        .unwrap();
        assert!(de.contains("(German)"), "{de}");
        assert!(
            says(
                "Terminübersicht",
                &["NICHT ZUR VEROEFFENTLICHUNG - Termine der Woche"]
            )
            .is_some()
        );
        assert!(says("Testmeldung", &["Bitte ignorieren."]).is_some());
        let fr = says(
            "AVIS AUX REDACTIONS",
            &["Le service photo sera interrompu cette nuit."],
        )
        .unwrap();
        assert_eq!(fr, "the headline says \"avis aux rédactions\" (French)");
        assert!(
            says(
                "Programme du jour",
                &["Ne pas publier. Prévisions de couverture."]
            )
            .is_some()
        );
        assert!(says("Couverture", &["Texte pas pour publication."]).is_some());
        let es = says(
            "Previsiones del día",
            &["No para publicación. Nuestros corresponsales cubrirán la cumbre."],
        )
        .unwrap();
        assert_eq!(es, "the copy says \"no para publicación\" (Spanish)");
        assert!(says("NO PUBLICAR: agenda", &["Agenda del día."]).is_some());
        assert!(says("Prueba", &["Mensaje de prueba."]).is_some());
    }

    #[test]
    fn news_that_quotes_the_words_is_news() {
        // Deep in the body: a story about a leaked memo.
        assert_eq!(
            says(
                "Minister resigns over leaked memo",
                &[
                    "The minister resigned on Tuesday.",
                    "Opposition leaders called for an inquiry.",
                    "The memo, marked not for publication, was sent to party members.",
                ]
            ),
            None
        );
        // Phrases that may open a sentence count only as labels.
        assert_eq!(
            says(
                "Zeitung verzichtet auf Fotos",
                &[
                    "Die Redaktion entschied, die Fotos nicht zu drucken; ne pas publier war die Devise."
                ]
            ),
            None
        );
        assert_eq!(
            says(
                "El diario decide no publicar las fotos",
                &["El periódico decidió no publicar las imágenes del accidente."]
            ),
            None
        );
        assert_eq!(
            says(
                "Le journal choisit de ne pas publier la lettre",
                &["La rédaction a choisi de ne pas publier la lettre."]
            ),
            None
        );
        // A headline that starts with "Test" is a cricket report, not a test.
        assert_eq!(
            says(
                "Test match: India beat England",
                &["India won by five wickets."]
            ),
            None
        );
        assert_eq!(
            says(
                "Emergency alert system checked",
                &["The agency sent a test message to every phone in the state."]
            ),
            None
        );
        assert_eq!(
            says(
                "Prueba de fuego para el Gobierno",
                &["El Gobierno afronta."]
            ),
            None
        );
        // "Not for publication before …" is an embargo, read by `embargo.rs`.
        assert_eq!(
            says(
                "Budget speech",
                &["EMBARGO: Not for publication before 11:00 IST. The finance minister will say…"]
            ),
            None
        );
        assert_eq!(
            says(
                "Haushaltsrede",
                &["Sperrfrist: nicht zur Veröffentlichung vor 11.00 Uhr. Der Minister sagt…"]
            ),
            None
        );
    }
}
