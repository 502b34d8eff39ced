//! The gazetteer: names of the world's larger cities and its countries (GeoNames, CC BY 4.0,
//! see `data/ATTRIBUTION.md`), compiled in.
//!
//! Owns: whether a name is a known place. Used only where the shape of a dateline cannot tell a
//! place from a teaser's first words ("Bengaluru: " against "Verbot: ").

use std::collections::HashSet;
use std::sync::LazyLock;

use wiredesk_model::slugify;

static PLACES: LazyLock<HashSet<String>> = LazyLock::new(|| {
    include_str!("../data/places.txt")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(slugify)
        .filter(|k| !k.is_empty())
        .collect()
});

/// Whether the gazetteer knows the place, in any case and with or without its accents
/// ("PUNE", "Sao Paulo", "São Paulo").
pub(crate) fn in_gazetteer(name: &str) -> bool {
    let key = slugify(name);
    !key.is_empty() && PLACES.contains(&key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_cities_and_countries_in_any_case_not_words() {
        for place in [
            "Bengaluru",
            "NEW DELHI",
            "Berlin",
            "São Paulo",
            "SAO PAULO",
            "India",
            "Germany",
        ] {
            assert!(in_gazetteer(place), "{place}");
        }
        for word in [
            "Verbot",
            "Result",
            "Ihr Ansprechpartner",
            "Donnerschlag im Vatikan",
            "Sargtransport",
            "",
        ] {
            assert!(!in_gazetteer(word), "{word}");
        }
    }
}
