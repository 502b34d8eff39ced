//! The structured values that say an item is not for publication: a genre, an item role, a
//! NITF `tobject.type`, a NewsML 1 `NewsItemType`, an AP editorial type or an ANPA category
//! naming an advisory, a note to editors, a planning note, a service message or a test.
//! Each format's adapter hands its field here and puts the answer in
//! `WireItem::not_for_publication`, in words an editor reads.
//!
//! A code or name matches as a whole term (case, accents, spaces and punctuation set aside):
//! `genre:Advisory`, `dpatextgenre:27`, "Achtung", "Editor's note". A genre that is copy for
//! readers ("Vorschau", a preview article; "Update") never matches.
//! Must not: read the copy itself; its words are `normalize`'s (`not_for_publication`).

/// (term, folded as `fold` does, what it is). Matched against the code after its scheme
/// (`genre:Advisory` → `advisory`) and against the name.
const TERMS: &[(&str, &str)] = &[
    ("advisory", "an advisory to editors"),
    ("advisories", "an advisory to editors"),
    ("editorsnote", "a note to editors"),
    ("editornote", "a note to editors"),
    ("editorialnote", "a note to editors"),
    ("notetoeditors", "a note to editors"),
    ("ednote", "a note to editors"),
    ("servicemessage", "a service message"),
    ("service", "a service message"),
    ("test", "a test item"),
    ("testmessage", "a test item"),
    ("testitem", "a test item"),
    ("daybook", "a planning list for editors"),
    ("budget", "a planning list for editors"),
    ("planning", "a planning note for editors"),
    // dpa's text genres (dpatextgenre) and German agency usage.
    ("achtung", "a note to editors"),
    ("hinweis", "a note to editors"),
    ("redaktionshinweis", "a note to editors"),
    ("planungshinweis", "a planning note for editors"),
    ("terminvorschau", "a planning list for editors"),
    ("terminubersicht", "a planning list for editors"),
    ("servicemeldung", "a service message"),
    ("testmeldung", "a test item"),
    // French and Spanish.
    ("avisauxredactions", "an advisory to editors"),
    ("noteauxredactions", "a note to editors"),
    ("notaalaredaccion", "a note to editors"),
    ("prueba", "a test item"),
];

/// Codes whose scheme numbers its terms, so the code alone says it: dpa's text genre 27 is
/// "Achtung".
const CODES: &[(&str, &str)] = &[("dpatextgenre:27", "a note to editors")];

fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .filter_map(|c| match c {
            'à' | 'á' | 'â' | 'ä' => Some('a'),
            'é' | 'è' | 'ê' | 'ë' => Some('e'),
            'í' | 'î' | 'ï' => Some('i'),
            'ó' | 'ô' | 'ö' => Some('o'),
            'ú' | 'û' | 'ü' => Some('u'),
            'ç' => Some('c'),
            'ñ' => Some('n'),
            c if c.is_alphanumeric() => Some(c),
            _ => None,
        })
        .collect()
}

fn term(text: &str) -> Option<&'static str> {
    let folded = fold(text);
    TERMS
        .iter()
        .find(|(t, _)| *t == folded)
        .map(|(_, what)| *what)
}

/// Why an item whose `field` (e.g. "genre", "item role") carries `code` and/or `name` is not
/// for publication, if it says so: `genre "Achtung" (dpatextgenre:27): a note to editors`.
pub(crate) fn reason(field: &str, code: Option<&str>, name: Option<&str>) -> Option<String> {
    let code = code.map(str::trim).filter(|c| !c.is_empty());
    let name = name.map(str::trim).filter(|n| !n.is_empty());
    let by_code = code.and_then(|c| {
        CODES
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(c))
            .map(|(_, what)| *what)
            .or_else(|| term(c.rsplit([':', '/', '#']).next().unwrap_or(c)))
    });
    let what = by_code.or_else(|| name.and_then(term))?;
    Some(match (name, code) {
        (Some(n), Some(c)) if n != c => format!("{field} \"{n}\" ({c}): {what}"),
        (Some(n), _) => format!("{field} \"{n}\": {what}"),
        (None, Some(c)) => format!("{field} {c}: {what}"),
        (None, None) => unreachable!("a term matched"),
    })
}

/// The first of `values` (code, name) that says the item is not for publication.
pub(crate) fn first_reason<'a>(
    field: &str,
    values: impl IntoIterator<Item = (Option<&'a str>, Option<&'a str>)>,
) -> Option<String> {
    values
        .into_iter()
        .find_map(|(code, name)| reason(field, code, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn genres_that_are_messages_to_editors_match_and_copy_for_readers_does_not() {
        assert_eq!(
            reason("genre", Some("dpatextgenre:27"), Some("Achtung")).unwrap(),
            "genre \"Achtung\" (dpatextgenre:27): a note to editors"
        );
        assert_eq!(
            reason("genre", Some("dpatextgenre:27"), None).unwrap(),
            "genre dpatextgenre:27: a note to editors"
        );
        assert!(reason("genre", Some("genre:Advisory"), None).is_some());
        assert!(reason("genre", None, Some("Editor's Note")).is_some());
        assert!(reason("genre", Some("x:1"), Some("Terminvorschau")).is_some());
        assert!(reason("genre", Some("http://cv.example/genre/test"), None).is_some());
        for news in [
            ("dpatextgenre:1", "Meldung"),
            ("dpatextgenre:32", "Vorschau"),
            ("dpatextgenre:26", "Zusammenfassung"),
            ("genre:Analysis", "Analysis"),
            ("genre:Update", "Update"),
            ("genre:Current", "Current"),
        ] {
            assert_eq!(
                reason("genre", Some(news.0), Some(news.1)),
                None,
                "{news:?}"
            );
        }
    }
}
