//! One agency, one name: the table every credit is read through (a G2 provider's qcode, an
//! infoSource, a credit line, the dateline's "(dpa)"), so `dpa`, `DPA` and `Deutsche
//! Presse-Agentur GmbH` are one agency with one page.
//!
//! Owns: the built-in aliases of the major agencies, how a credit is keyed (transliterated,
//! any case, legal forms and a qcode's scheme set aside), and adding a site's own agencies.
//! Must not: guess: a credit the table does not know keeps its own name.

use std::collections::HashMap;

use crate::{Agency, slugify};

/// The major agencies as they sign their copy, then the other names they go by.
#[rustfmt::skip]
const BUILT_IN: &[(&str, &[&str])] = &[
    ("AP", &["Associated Press", "The Associated Press", "AP News"]),
    ("Reuters", &["Thomson Reuters", "Reuters News", "Reuters News Agency"]),
    ("AFP", &["Agence France-Presse", "Agence France Presse", "Agence France-Presse (AFP)"]),
    ("dpa", &["Deutsche Presse-Agentur", "Deutsche Presse Agentur", "dpa Deutsche Presse-Agentur"]),
    // The Indian agencies as their language services sign: PTI's Hindi service is Bhasha,
    // UNI's is Varta.
    ("PTI", &["Press Trust of India", "The Press Trust of India", "PTI Bhasha", "पीटीआई",
        "भाषा", "पीटीआय", "পিটিআই", "પીટીઆઈ", "பிடிஐ", "పీటీఐ", "ਪੀਟੀਆਈ", "پی ٹی آئی"]),
    ("IANS", &["Indo-Asian News Service", "Indo Asian News Service", "आईएएनएस", "आयएएनएस",
        "আইএএনএস", "આઈએએનએસ", "ஐஏஎன்எஸ்", "ఐఏఎన్ఎస్", "ਆਈਏਐਨਐਸ", "آئی اے این ایس"]),
    ("ANI", &["Asian News International", "एएनआई", "এএনআই", "એએનઆઈ", "ஏஎன்ஐ", "ఏఎన్ఐ",
        "ਏਐਨਆਈ", "اے این آئی"]),
    ("UNI", &["United News of India", "UNI Varta", "यूएनआई", "वार्ता", "ইউএনআই", "યુએનઆઈ",
        "யூஎன்ஐ", "యూఎన్ఐ", "ਯੂਐਨਆਈ", "یو این آئی"]),
    ("Yonhap", &["Yonhap News Agency", "Yonhap News", "YNA"]),
    ("Kyodo", &["Kyodo News", "Kyodo News Agency", "Kyodo Tsushin"]),
    ("Xinhua", &["Xinhua News Agency", "New China News Agency", "Xinhua News"]),
    ("EFE", &["Agencia EFE", "Agencia EFE S.A."]),
    ("ANSA", &["Agenzia ANSA", "Agenzia Nazionale Stampa Associata"]),
    ("AAP", &["Australian Associated Press"]),
    ("Ritzau", &["Ritzaus Bureau", "Ritzau Bureau", "Ritzau Scanpix"]),
    ("STT", &["Suomen Tietotoimisto", "STT-FNB", "Finnish News Agency"]),
    ("NTB", &["Norsk Telegrambyrå", "Norwegian News Agency"]),
    ("TT", &["TT Nyhetsbyrån", "Tidningarnas Telegrambyrå", "TT News Agency"]),
];

/// Legal forms that follow an agency's name in a copyright or credit line and say nothing
/// about which agency it is.
const LEGAL_FORMS: &[&str] = &[
    "gmbh",
    "ltd",
    "limited",
    "inc",
    "ag",
    "sa",
    "s-a",
    "spa",
    "s-p-a",
    "plc",
    "llc",
    "corp",
    "corporation",
    "co",
    "as",
    "asa",
    "ab",
    "oy",
    "oyj",
    "kk",
    "kg",
];

/// The agencies a site knows by more than one name: the built-in table and any the site's
/// config adds. Resolving a credit gives the one `Agency` its copy is filed under.
#[derive(Clone, Debug)]
pub struct Agencies {
    /// Canonical names, in the order they were added.
    names: Vec<String>,
    /// Key of every name and alias → index into `names`.
    by_key: HashMap<String, usize>,
}

impl Default for Agencies {
    fn default() -> Self {
        let mut agencies = Agencies {
            names: Vec::new(),
            by_key: HashMap::new(),
        };
        for (name, aliases) in BUILT_IN {
            agencies.add(name, aliases.iter().copied());
        }
        agencies
    }
}

impl Agencies {
    /// Adds an agency and its other names. A name or alias the table already knows joins that
    /// agency's entry under the new canonical name: a site may rename a built-in agency
    /// ("Associated Press" for AP) or give it more aliases.
    pub fn add<'a>(&mut self, name: &str, aliases: impl IntoIterator<Item = &'a str>) {
        let name = name.trim();
        let aliases: Vec<&str> = aliases.into_iter().collect();
        let Some(name_key) = key(name) else {
            return;
        };
        let existing = std::iter::once(name)
            .chain(aliases.iter().copied())
            .find_map(|n| self.lookup(n));
        let index = match existing {
            Some(i) => {
                self.names[i] = name.to_string();
                i
            }
            None => {
                self.names.push(name.to_string());
                self.names.len() - 1
            }
        };
        self.by_key.insert(name_key, index);
        for alias in aliases {
            if let Some(k) = key(alias) {
                self.by_key.insert(k, index);
            }
        }
    }

    /// The canonical name of the agency a credit names, when the table knows it: "Deutsche
    /// Presse-Agentur GmbH" and "nprov:DPA" → "dpa"; "dpa/lni" (a regional service) and
    /// "IANS/Yonhap" (IANS carrying Yonhap's copy) → the first agency named.
    pub fn canonical(&self, credit: &str) -> Option<&str> {
        let credit = credit.trim();
        let found = self
            .lookup(credit)
            .or_else(|| self.lookup(qcode_code(credit)?))
            // A web address as the provider ("reuters.com", "ANSA.it"): its first label.
            .or_else(|| {
                let (first, _) = credit
                    .split_once('.')
                    .filter(|_| !credit.contains(char::is_whitespace))?;
                self.lookup(first)
            })
            .or_else(|| {
                let (first, _) = credit.split_once('/')?;
                self.lookup(first)
            })?;
        Some(self.names[found].as_str())
    }

    /// Whether the table knows the credit as an agency.
    pub fn knows(&self, credit: &str) -> bool {
        self.canonical(credit).is_some()
    }

    /// The agency a credit is filed under: the table's name when it knows the credit, else
    /// the credit as written (a qcode's code without its scheme: "nprov:AcmeNews" is
    /// "AcmeNews").
    pub fn agency(&self, credit: &str) -> Agency {
        match self.canonical(credit) {
            Some(name) => Agency::named(name),
            None => Agency::named(qcode_code(credit.trim()).unwrap_or(credit)),
        }
    }

    fn lookup(&self, credit: &str) -> Option<usize> {
        let k = key(credit)?;
        self.by_key.get(&k).copied().or_else(|| {
            let bare = without_legal_form(&k);
            (bare != k).then(|| self.by_key.get(bare).copied())?
        })
    }
}

/// A credit keyed for comparison: transliterated, lower case, words joined by hyphens, a
/// leading "the" dropped. `None` when nothing is left to compare.
fn key(credit: &str) -> Option<String> {
    let slug = slugify(credit);
    let slug = slug.strip_prefix("the-").unwrap_or(&slug).to_string();
    (!slug.is_empty()).then_some(slug)
}

/// "deutsche-presse-agentur-gmbh" → "deutsche-presse-agentur".
fn without_legal_form(key: &str) -> &str {
    let mut k = key;
    while let Some((head, tail)) = k.rsplit_once('-') {
        if !LEGAL_FORMS.contains(&tail) {
            break;
        }
        k = head;
    }
    // "s-a" and "s-p-a" are two and three words once slugged.
    for form in ["-s-a", "-s-p-a"] {
        if let Some(head) = k.strip_suffix(form) {
            return head;
        }
    }
    k
}

/// The code of a qcode ("nprov:DPA" → "DPA"); `None` for anything with spaces or no scheme.
fn qcode_code(credit: &str) -> Option<&str> {
    let (scheme, code) = credit.split_once(':')?;
    let scheme_ok = !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
    (scheme_ok && !code.is_empty() && !code.contains(char::is_whitespace) && !code.starts_with('/'))
        .then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_of_a_major_agency_is_one_agency() {
        let agencies = Agencies::default();
        #[rustfmt::skip]
        let cases: &[(&str, &[&str])] = &[
            ("dpa", &["dpa", "DPA", "Deutsche Presse-Agentur GmbH", "deutsche presse-agentur", "nprov:DPA", "dpa/lni", " Dpa "]),
            ("ap", &["AP", "Associated Press", "The Associated Press", "ASSOCIATED PRESS"]),
            ("afp", &["AFP", "Agence France-Presse", "agence france presse", "AFP SA"]),
            ("pti", &["PTI", "Press Trust of India", "press trust of india ltd"]),
            ("ians", &["IANS", "Indo-Asian News Service", "IANS/Yonhap"]),
            ("reuters", &["Reuters", "Thomson Reuters", "Reuters Limited", "nprov:REUTERS", "reuters.com"]),
            ("ansa", &["ANSA", "ANSA.it", "Agenzia ANSA"]),
            ("yonhap", &["Yonhap", "Yonhap News Agency"]),
            ("efe", &["EFE", "Agencia EFE S.A."]),
            ("ntb", &["NTB", "Norsk Telegrambyrå"]),
            ("tt", &["TT", "TT Nyhetsbyrån"]),
            ("stt", &["STT", "Suomen Tietotoimisto"]),
            ("ritzau", &["Ritzau", "Ritzaus Bureau"]),
        ];
        for (slug, spellings) in cases {
            for spelling in *spellings {
                assert_eq!(agencies.agency(spelling).slug, *slug, "{spelling}");
            }
        }
        assert_eq!(agencies.agency("Deutsche Presse-Agentur GmbH").name, "dpa");
    }

    #[test]
    fn an_unknown_credit_keeps_its_own_name() {
        let agencies = Agencies::default();
        let a = agencies.agency("Europa Press");
        assert_eq!(
            (a.slug.as_str(), a.name.as_str()),
            ("europa-press", "Europa Press")
        );
        // dpa-AFX is an agency of its own, not dpa.
        assert_eq!(agencies.agency("dpa-AFX").slug, "dpa-afx");
        assert!(!agencies.knows("Sports Desk"));
        assert_eq!(agencies.agency("nprov:AcmeNews").name, "AcmeNews");
        assert_eq!(agencies.agency("wire.example").slug, "wire-example");
        assert!(!agencies.knows(""));
    }

    #[test]
    fn a_site_adds_agencies_and_aliases() {
        let mut agencies = Agencies::default();
        agencies.add("Asia News Network", ["ANN", "Asia News Network Ltd"]);
        agencies.add("dpa", ["lni"]);
        assert_eq!(agencies.agency("ANN").slug, "asia-news-network");
        assert_eq!(agencies.agency("lni").slug, "dpa");
        // Renaming a built-in agency keeps its aliases.
        agencies.add("Associated Press", ["AP"]);
        assert_eq!(
            agencies.agency("The Associated Press").name,
            "Associated Press"
        );
    }
}
