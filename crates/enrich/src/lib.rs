//! enrich: what the site adds to agency copy without touching it — the site's own topics and
//! the language when the wire does not say.
//!
//! Owns: mapping the wire's subject codes (IPTC Media Topics and Subject Codes through their
//! real hierarchy in `wiredesk_vocab`, feed categories) and the desk's keyword rules onto the
//! site's topics.
//! Must not: change the copy, decide publication, or do I/O. The rules are data (`TopicRules`)
//! so a publisher configures them rather than edits code.

use regex::Regex;
use serde::{Deserialize, Serialize};
use wiredesk_model::{Subject, Topic, TopicOrigin};

/// One site topic and the evidence that puts a story in it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TopicRule {
    pub slug: String,
    pub name: String,
    /// IPTC codes that map here, with every narrower code: a bare code is a Media Topic
    /// (`04000000`, `20000344`); `medtop:…`, `subj:…` and concept URIs say their scheme. A
    /// Subject Code rule also takes the Media Topic IPTC declares the same concept, and the
    /// other way round.
    #[serde(default)]
    pub media_topics: Vec<String>,
    /// Feed category or subject names that map here (case-insensitive), e.g. `Business`.
    #[serde(default)]
    pub categories: Vec<String>,
    /// Words or phrases in the headline or opening paragraph: whole words, case-insensitive,
    /// except an acronym (2–5 capital letters: `WHO`, `RBI`, `EU`), which matches only as
    /// written in capitals, so `WHO` is never the word "who". A text with no lower-case
    /// letter (a shouted headline) is not searched for acronyms.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Dateline places that put a story here (e.g. Indian cities for `india`).
    #[serde(default)]
    pub places: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TopicRules {
    pub topics: Vec<TopicRule>,
}

/// What the topic assigner looks at.
pub struct TopicEvidence<'a> {
    pub subjects: &'a [Subject],
    pub headline: &'a str,
    /// The opening of the copy: enough to say what it is about, not the whole story, so that a
    /// passing mention deep in the copy does not tag it.
    pub opening: &'a str,
    pub dateline_place: Option<&'a str>,
}

/// Compiled `TopicRules`.
pub struct TopicAssigner {
    /// Each rule, its keyword patterns, and its codes as canonical QCodes.
    rules: Vec<(TopicRule, Keywords, Vec<String>)>,
}

/// A rule's keywords as two patterns: words and phrases in any case, acronyms as written.
struct Keywords {
    any_case: Option<Regex>,
    acronyms: Option<Regex>,
}

impl Keywords {
    fn new(keywords: &[String]) -> Result<Keywords, regex::Error> {
        let (acronyms, words): (Vec<&str>, Vec<&str>) = keywords
            .iter()
            .map(|k| k.trim())
            .filter(|k| !k.is_empty())
            .partition(|k| is_acronym(k));
        let pattern = |flags: &str, list: &[&str]| -> Result<Option<Regex>, regex::Error> {
            if list.is_empty() {
                return Ok(None);
            }
            let alternatives: Vec<String> = list.iter().map(|k| regex::escape(k)).collect();
            Regex::new(&format!(r"{flags}\b(?:{})\b", alternatives.join("|"))).map(Some)
        };
        Ok(Keywords {
            any_case: pattern("(?i)", &words)?,
            acronyms: pattern("", &acronyms)?,
        })
    }

    fn found_in(&self, text: &str) -> bool {
        self.any_case.as_ref().is_some_and(|re| re.is_match(text))
            || self.acronyms.as_ref().is_some_and(|re| {
                // In a text all in capitals every word looks like an acronym.
                text.chars().any(char::is_lowercase) && re.is_match(text)
            })
    }
}

/// A keyword written as an acronym: 2–5 ASCII capital letters (`WHO`, `ISRO`, `UN`).
fn is_acronym(keyword: &str) -> bool {
    (2..=5).contains(&keyword.len()) && keyword.bytes().all(|b| b.is_ascii_uppercase())
}

impl TopicAssigner {
    pub fn new(rules: TopicRules) -> Result<TopicAssigner, regex::Error> {
        let mut compiled = Vec::new();
        for rule in rules.topics {
            let keywords = Keywords::new(&rule.keywords)?;
            let codes = rule_codes(&rule.media_topics);
            compiled.push((rule, keywords, codes));
        }
        Ok(TopicAssigner { rules: compiled })
    }

    /// The site topics the evidence supports, in rule order, without repeats.
    pub fn assign(&self, evidence: &TopicEvidence<'_>) -> Vec<Topic> {
        let mut topics = Vec::new();
        let subject_codes: Vec<Vec<String>> = evidence.subjects.iter().map(concepts_of).collect();
        for (rule, keywords, codes) in &self.rules {
            let by_code = subject_codes
                .iter()
                .flatten()
                .any(|c| codes.iter().any(|r| r == c));
            let by_subject = by_code || evidence.subjects.iter().any(|s| category_matches(rule, s));
            let by_keyword =
                keywords.found_in(evidence.headline) || keywords.found_in(evidence.opening);
            let by_place = evidence.dateline_place.is_some_and(|place| {
                let first = place.split(',').next().unwrap_or(place).trim();
                rule.places.iter().any(|p| p.eq_ignore_ascii_case(first))
            });
            if by_subject || by_keyword || by_place {
                topics.push(Topic {
                    slug: rule.slug.clone(),
                    name: rule.name.clone(),
                    // The wire's own say outranks a match in its words.
                    origin: if by_subject {
                        TopicOrigin::Wire
                    } else {
                        TopicOrigin::Rule
                    },
                });
            }
        }
        topics
    }
}

/// The canonical QCode of an IPTC code as written in a rule or sent by a wire.
fn qcode(code: &str) -> Option<String> {
    let code = code.trim();
    let resolved = if code.len() == 8 && code.bytes().all(|b| b.is_ascii_digit()) {
        // Rules have always written Media Topics bare; configs keep working.
        wiredesk_vocab::resolve_qcode(&format!("medtop:{code}"), &[])
    } else {
        wiredesk_vocab::resolve(code, &[])
    }?;
    matches!(
        resolved.scheme,
        wiredesk_vocab::Scheme::MediaTopic | wiredesk_vocab::Scheme::SubjectCode
    )
    .then(|| resolved.qcode())
}

/// A Subject Code's same concept among the Media Topics, when IPTC declares one.
fn same_media_topic(qcode: &str) -> Option<String> {
    let code = qcode.strip_prefix("subj:")?;
    wiredesk_vocab::subject_code_to_media_topic(code).map(|m| format!("medtop:{m}"))
}

/// The codes a rule names: each canonical, with its Media Topic twin for a Subject Code (so a
/// `subj:` rule also catches copy coded in Media Topics). Anything else stays as written and
/// matches a subject code exactly.
fn rule_codes(written: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for code in written {
        match qcode(code) {
            Some(q) => {
                out.extend(same_media_topic(&q));
                out.push(q);
            }
            None => out.push(code.trim().to_string()),
        }
    }
    out
}

/// Every concept a subject stands for: itself and all its broader concepts, walked through the
/// vocabulary (a Media Topic's `broader` links, a Subject Code's digits), and for a Subject
/// Code also the Media Topics IPTC declares the same concept, with theirs.
fn concepts_of(subject: &Subject) -> Vec<String> {
    let Some(q) = qcode(&subject.code) else {
        return vec![subject.code.trim().to_string()];
    };
    let mut chain = vec![q.clone()];
    chain.extend(wiredesk_vocab::ancestors(&q));
    if let Some(code) = q.strip_prefix("medtop:")
        && wiredesk_vocab::media_topic(code).is_none()
        && !code.starts_with("20")
    {
        // A code the vendored release does not know (a newer one, or a Subject Code sent
        // under `medtop:`, as some wires do): outside the 20… range its first two digits are
        // still one of the 17 top-level topics both vocabularies share.
        chain.push(format!("medtop:{}000000", &code[..2]));
    }
    let mut out = chain.clone();
    for c in &chain {
        if let Some(m) = same_media_topic(c) {
            out.extend(wiredesk_vocab::ancestors(&m));
            out.push(m);
        }
    }
    out
}

fn category_matches(rule: &TopicRule, subject: &Subject) -> bool {
    let names = [Some(subject.code.as_str()), subject.name.as_deref()];
    names.into_iter().flatten().any(|n| {
        rule.categories
            .iter()
            .any(|c| c.eq_ignore_ascii_case(n.trim()))
    })
}

fn rule(slug: &str, name: &str, media: &[&str], cats: &[&str], words: &[&str]) -> TopicRule {
    let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
    TopicRule {
        slug: slug.into(),
        name: name.into(),
        media_topics: strings(media),
        categories: strings(cats),
        keywords: strings(words),
        places: vec![],
    }
}

impl Default for TopicRules {
    /// The topics of a general news site in India (the seed's publisher); replace them in the
    /// config file for another market.
    fn default() -> Self {
        let mut india = rule(
            "india",
            "India",
            &[],
            &["India", "National", "Nation"],
            &[
                "India",
                "Indian",
                "New Delhi",
                "Lok Sabha",
                "Rajya Sabha",
                "RBI",
                "ISRO",
            ],
        );
        india.places = [
            "New Delhi",
            "Delhi",
            "Mumbai",
            "Kolkata",
            "Chennai",
            "Bengaluru",
            "Bangalore",
            "Hyderabad",
            "Ahmedabad",
            "Pune",
            "Jaipur",
            "Lucknow",
            "Guwahati",
            "Bhopal",
            "Patna",
            "Chandigarh",
            "Thiruvananthapuram",
            "Kochi",
            "Srinagar",
            "Gandhinagar",
            "Sriharikota",
            "Bhubaneswar",
            "Ranchi",
            "Dehradun",
            "Shimla",
            "Varanasi",
            "Nagpur",
            "Indore",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        india
            .places
            .extend(HINDI_PLACES.iter().map(|p| p.to_string()));
        let mut rules = TopicRules {
            // Every one of IPTC's 17 top-level Media Topics reaches one of these, so coded copy
            // is never left without a topic for want of a rule.
            topics: vec![
                rule(
                    "world",
                    "World",
                    // disaster and accident; conflict, war and peace; weather.
                    &["03000000", "16000000", "17000000"],
                    &["World", "World News", "International", "Top News"],
                    &[
                        "United Nations",
                        "UN",
                        "ceasefire",
                        "foreign minister",
                        "summit",
                        "earthquake",
                        "diplomatic",
                    ],
                ),
                india,
                rule(
                    "politics",
                    "Politics",
                    &["11000000"],
                    &["Politics", "Government", "Elections"],
                    &[
                        "election",
                        "elections",
                        "by-election",
                        "polls",
                        "assembly polls",
                        "Election Commission",
                        "parliament",
                        "parliamentary",
                        "minister",
                        "ministers",
                        "prime minister",
                        "chief minister",
                        "cabinet",
                        "opposition",
                        "lawmakers",
                        "legislators",
                        "MPs",
                        "MLAs",
                        "Lok Sabha",
                        "Rajya Sabha",
                        "coalition",
                        "ruling party",
                        "senate",
                        "BJP",
                    ],
                ),
                rule(
                    "business",
                    "Business",
                    // economy, business and finance; labour.
                    &["04000000", "09000000"],
                    &[
                        "Business", "Economy", "Markets", "Finance", "Labour", "Jobs",
                    ],
                    &[
                        "repo rate",
                        "inflation",
                        "shares",
                        "stock market",
                        "Sensex",
                        "Nifty",
                        "rupee",
                        "GDP",
                        "exports",
                        "earnings",
                        "central bank",
                        "unemployment",
                    ],
                ),
                rule(
                    "technology",
                    "Technology",
                    &[],
                    &["Technology", "Tech"],
                    &[
                        "semiconductor",
                        "chip",
                        "chips",
                        "software",
                        "artificial intelligence",
                        "AI",
                        "smartphone",
                        "startup",
                        "5G",
                        "cyber",
                    ],
                ),
                rule(
                    "sports",
                    "Sports",
                    &["15000000"],
                    &["Sport", "Sports"],
                    &[
                        "cricket",
                        "football",
                        "Test match",
                        "ODI",
                        "wickets",
                        "tournament",
                        "Olympic",
                        "marathon",
                        "championship",
                        "hockey",
                        "tennis",
                    ],
                ),
                rule(
                    "science",
                    "Science",
                    &["13000000", "06000000"],
                    &["Science", "Environment"],
                    &[
                        "satellite",
                        "space agency",
                        "researchers",
                        "scientists",
                        "climate",
                        "orbit",
                        "launch vehicle",
                    ],
                ),
                rule(
                    "health",
                    "Health",
                    &["07000000"],
                    &["Health"],
                    &[
                        "vaccine",
                        "hospital",
                        "dengue",
                        "health ministry",
                        "patients",
                        "disease",
                        "World Health Organization",
                        "WHO",
                    ],
                ),
                rule(
                    "entertainment",
                    "Entertainment",
                    &["01000000"],
                    &["Entertainment", "Arts", "Culture"],
                    &[
                        "film",
                        "box office",
                        "Bollywood",
                        "K-pop",
                        "concert",
                        "album",
                        "actor",
                    ],
                ),
                rule(
                    "crime",
                    "Crime & Justice",
                    &["02000000"],
                    &["Crime", "Law", "Justice", "Courts"],
                    &[
                        "police",
                        "arrested",
                        "murder",
                        "Supreme Court",
                        "High Court",
                        "verdict",
                        "bail",
                        "convicted",
                        "sentenced",
                        "fraud",
                    ],
                ),
                rule(
                    "education",
                    "Education",
                    &["05000000"],
                    &["Education"],
                    &[
                        "school",
                        "schools",
                        "university",
                        "universities",
                        "students",
                        "teachers",
                        "exam",
                        "exams",
                        "CBSE",
                        "curriculum",
                    ],
                ),
                rule(
                    "society",
                    "Society",
                    // human interest; lifestyle and leisure; religion; society.
                    &["08000000", "10000000", "12000000", "14000000"],
                    &[
                        "Society",
                        "Lifestyle",
                        "Religion",
                        "Human Interest",
                        "Travel",
                    ],
                    &[
                        "festival",
                        "pilgrims",
                        "temple",
                        "religious",
                        "tourism",
                        "tourists",
                        "wedding",
                        "fashion",
                    ],
                ),
            ],
        };
        // Copy from the Hindi services carries the same topics by their Hindi words.
        for rule in &mut rules.topics {
            if let Some((_, words)) = HINDI_KEYWORDS.iter().find(|(slug, _)| *slug == rule.slug) {
                rule.keywords.extend(words.iter().map(|w| w.to_string()));
            }
        }
        rules
    }
}

/// The built-in topics' keywords in Hindi, as the Hindi services write them (common spelling
/// variants both listed: search folds them, a keyword rule does not).
#[rustfmt::skip]
const HINDI_KEYWORDS: &[(&str, &[&str])] = &[
    ("world", &["संयुक्त राष्ट्र", "युद्धविराम", "भूकंप", "विदेश मंत्री", "शिखर सम्मेलन", "सुनामी"]),
    ("india", &["भारत", "भारतीय", "लोकसभा", "राज्यसभा", "इसरो", "केंद्र सरकार"]),
    ("politics", &["चुनाव", "विधानसभा", "संसद", "मुख्यमंत्री", "प्रधानमंत्री", "भाजपा", "कांग्रेस", "मतदान"]),
    ("business", &["शेयर बाजार", "सेंसेक्स", "निफ्टी", "रिजर्व बैंक", "रेपो दर", "महंगाई", "मुद्रास्फीति", "जीडीपी", "निवेश"]),
    ("technology", &["तकनीक", "प्रौद्योगिकी", "स्टार्टअप", "सेमीकंडक्टर", "स्मार्टफोन", "कृत्रिम बुद्धिमत्ता"]),
    ("sports", &["क्रिकेट", "हॉकी", "फुटबॉल", "बैडमिंटन", "टेस्ट मैच", "विकेट", "टूर्नामेंट", "ओलंपिक"]),
    ("science", &["वैज्ञानिक", "अंतरिक्ष", "उपग्रह", "शोधकर्ता", "जलवायु"]),
    ("health", &["स्वास्थ्य", "डेंगू", "टीका", "वैक्सीन", "अस्पताल", "मरीज", "बीमारी"]),
    ("entertainment", &["फिल्म", "बॉक्स ऑफिस", "बॉलीवुड", "अभिनेता", "अभिनेत्री"]),
    ("crime", &["पुलिस", "गिरफ्तार", "हत्या", "अदालत", "आरोपी"]),
    ("education", &["शिक्षा", "विश्वविद्यालय", "परीक्षा", "छात्र", "स्कूल"]),
];

/// Places of the `india` topic as Hindi datelines name them.
#[rustfmt::skip]
const HINDI_PLACES: &[&str] = &[
    "नई दिल्ली", "दिल्ली", "मुंबई", "कोलकाता", "चेन्नई", "बेंगलुरु", "हैदराबाद", "अहमदाबाद",
    "पुणे", "जयपुर", "लखनऊ", "पटना", "भोपाल", "चंडीगढ़", "श्रीहरिकोटा", "वाराणसी",
];

/// ISO 639-1 code of the copy's language, when the text says so clearly.
pub fn detect_language(text: &str) -> Option<String> {
    // Hindi or Tamil copy carries names and acronyms in Latin letters ("IPL", "Mumbai
    // Indians"), which can tip the guess into doubt: when most letters are of another script,
    // only the words in it are read.
    let (latin, other) =
        text.chars()
            .filter(|c| c.is_alphabetic())
            .fold((0usize, 0usize), |(l, o), c| {
                if c.is_ascii_alphabetic() {
                    (l + 1, o)
                } else {
                    (l, o + 1)
                }
            });
    let own_script: String;
    let text = if other > latin && latin > 0 {
        own_script = text
            .split_whitespace()
            .filter(|w| !w.chars().any(|c| c.is_ascii_alphabetic()))
            .collect::<Vec<_>>()
            .join(" ");
        own_script.as_str()
    } else {
        text
    };
    let info = whatlang::detect(text)?;
    // whatlang's "reliable" is tuned for Latin letters, shared by dozens of languages. A script
    // of few (Devanagari: Hindi, Marathi, Nepali) has already narrowed the choice, and a fair
    // lead among those is enough: Hindi sports copy full of loanwords scores 0.84, not "reliable".
    let fair_lead = info.script() != whatlang::Script::Latin && info.confidence() >= 0.5;
    if !info.is_reliable() && !fair_lead {
        return None;
    }
    let code = match info.lang() {
        whatlang::Lang::Eng => "en",
        whatlang::Lang::Hin => "hi",
        whatlang::Lang::Deu => "de",
        whatlang::Lang::Fra => "fr",
        whatlang::Lang::Spa => "es",
        whatlang::Lang::Ita => "it",
        whatlang::Lang::Por => "pt",
        whatlang::Lang::Kor => "ko",
        whatlang::Lang::Jpn => "ja",
        whatlang::Lang::Cmn => "zh",
        whatlang::Lang::Ara => "ar",
        whatlang::Lang::Rus => "ru",
        whatlang::Lang::Ben => "bn",
        whatlang::Lang::Tam => "ta",
        whatlang::Lang::Urd => "ur",
        whatlang::Lang::Nld => "nl",
        whatlang::Lang::Swe => "sv",
        whatlang::Lang::Fin => "fi",
        whatlang::Lang::Dan => "da",
        whatlang::Lang::Nob => "no",
        other => return Some(other.code().to_string()),
    };
    Some(code.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assigner() -> TopicAssigner {
        TopicAssigner::new(TopicRules::default()).unwrap()
    }

    fn slugs(topics: Vec<Topic>) -> Vec<String> {
        topics.into_iter().map(|t| t.slug).collect()
    }

    fn evidence<'a>(
        subjects: &'a [Subject],
        headline: &'a str,
        place: Option<&'a str>,
    ) -> TopicEvidence<'a> {
        TopicEvidence {
            subjects,
            headline,
            opening: "",
            dateline_place: place,
        }
    }

    #[test]
    fn media_topic_codes_map_to_site_topics_including_narrower_codes() {
        let subjects = [Subject {
            code: "http://cv.iptc.org/newscodes/mediatopic/04008000".into(),
            name: None,
        }];
        assert_eq!(
            slugs(assigner().assign(&evidence(&subjects, "Quarterly report", None))),
            ["business"]
        );
        let qcode = [Subject {
            code: "medtop:15000000".into(),
            name: None,
        }];
        assert_eq!(
            slugs(assigner().assign(&evidence(&qcode, "Result", None))),
            ["sports"]
        );
    }

    fn subject(code: &str) -> Subject {
        Subject {
            code: code.into(),
            name: None,
        }
    }

    fn topics_for(assigner: &TopicAssigner, code: &str) -> Vec<String> {
        let subjects = [subject(code)];
        slugs(assigner.assign(&evidence(&subjects, "Report", None)))
    }

    #[test]
    fn narrower_media_topics_reach_their_top_level_through_the_real_hierarchy() {
        let a = assigner();
        // interest rates → monetary policy → economy → economy, business and finance: nothing
        // in the digits 20000371 says "04".
        assert_eq!(topics_for(&a, "medtop:20000371"), ["business"]);
        // cricket → competition discipline → sport.
        assert_eq!(
            topics_for(&a, "http://cv.iptc.org/newscodes/mediatopic/20000888"),
            ["sports"]
        );
        // renewable energy (environment branch) → natural resource → environment.
        assert_eq!(topics_for(&a, "medtop:20000436"), ["science"]);
        // Subject Codes climb by their digits: agriculture → economy, business and finance.
        assert_eq!(topics_for(&a, "subj:04001000"), ["business"]);
        assert_eq!(topics_for(&a, "subj:15017000"), ["sports"]);
        assert!(topics_for(&a, "medtop:99999999").is_empty());
        assert!(topics_for(&a, "N2:POL").is_empty());
    }

    #[test]
    fn rules_take_media_topics_and_subject_codes_and_match_across_the_two() {
        let rules = TopicRules {
            topics: vec![
                rule("economy", "Economy", &["20000344"], &[], &[]),
                rule("cricket", "Cricket", &["subj:15017000"], &[], &[]),
                rule("agency", "Agency", &["wdncat:local"], &[], &[]),
            ],
        };
        let a = TopicAssigner::new(rules).unwrap();
        // A Subject Code in the copy: central bank (04008001) is the Media Topic central bank
        // (20000350), which is narrower than economy (20000344).
        assert_eq!(topics_for(&a, "subj:04008001"), ["economy"]);
        assert_eq!(topics_for(&a, "medtop:20000379"), ["economy"]);
        assert!(
            topics_for(&a, "medtop:20000209").is_empty(),
            "products and services"
        );
        // A Subject Code rule: its Media Topic twin (cricket, 20000888) matches too.
        assert_eq!(topics_for(&a, "medtop:20000888"), ["cricket"]);
        assert_eq!(topics_for(&a, "subj:15017000"), ["cricket"]);
        // An agency's own code in a rule matches exactly.
        assert_eq!(topics_for(&a, "wdncat:local"), ["agency"]);
    }

    #[test]
    fn feed_categories_match_by_name() {
        let subjects = [Subject {
            code: "Sport".into(),
            name: Some("Sport".into()),
        }];
        let topics = assigner().assign(&evidence(&subjects, "Result", None));
        assert_eq!(topics[0].origin, TopicOrigin::Wire, "the wire said so");
        assert_eq!(slugs(topics), ["sports"]);
    }

    #[test]
    fn untagged_copy_gets_topics_from_keywords_and_dateline_place() {
        let topics = assigner().assign(&evidence(
            &[],
            "Spinners take eight wickets as hosts level series",
            Some("Chennai"),
        ));
        let origins: Vec<TopicOrigin> = topics.iter().map(|t| t.origin).collect();
        assert_eq!(slugs(topics), ["india", "sports"]);
        assert_eq!(origins, [TopicOrigin::Rule, TopicOrigin::Rule]);
        // Whole words only: "achip" is no chip.
        assert!(
            assigner()
                .assign(&evidence(&[], "Machipe fair opens", None))
                .is_empty()
        );
    }

    #[test]
    fn hindi_copy_gets_the_built_in_topics_by_its_own_words_and_places() {
        let topics = assigner().assign(&evidence(
            &[],
            "पर्थ टेस्ट में भारत की जीत, गेंदबाजों ने लिए आठ विकेट",
            Some("नई दिल्ली"),
        ));
        assert_eq!(slugs(topics), ["india", "sports"]);
        let business = assigner().assign(&evidence(&[], "सेंसेक्स 500 अंक चढ़ा", Some("मुंबई")));
        assert_eq!(slugs(business), ["india", "business"]);
        // Whole words: "भारतीयता" holds "भारत" but is another word, and a vowel sign is part of
        // its word.
        assert!(
            assigner()
                .assign(&evidence(&[], "भारतीयता पर गोष्ठी", None))
                .is_empty()
        );
    }

    #[test]
    fn acronyms_match_only_in_capitals_and_words_only_whole() {
        let a = assigner();
        let topics = |headline: &str, opening: &'static str| {
            slugs(a.assign(&TopicEvidence {
                subjects: &[],
                headline,
                opening,
                dateline_place: None,
            }))
        };
        // "who" is not the WHO; the WHO is.
        assert!(!topics("Voters who moved can register", "").contains(&"health".into()));
        assert!(!topics("Who will lead?", "Those who stayed").contains(&"health".into()));
        assert_eq!(topics("WHO warns of measles surge", ""), ["health"]);
        assert_eq!(topics("Report", "The WHO said on Friday."), ["health"]);
        // A shouted headline has no acronyms to find: every word is in capitals.
        assert!(topics("WHO WILL LEAD THE PARTY NOW", "").is_empty());
        // Words and phrases keep matching in any case, whole words only.
        assert_eq!(topics("SENSEX HITS RECORD", ""), ["business"]);
        assert_eq!(topics("New UN envoy named", ""), ["world"]);
        assert!(topics("Un nouveau film", "").contains(&"entertainment".into()));
        assert!(!topics("Un nouveau", "").contains(&"world".into()));
        assert!(topics("Ministerial ambitions", "").is_empty());
        assert!(
            topics("Laid-off workers protest", "").is_empty(),
            "AI is not in \"laid\""
        );
    }

    #[test]
    fn a_rule_writes_acronyms_in_capitals_and_the_rest_in_any_case() {
        let rules = TopicRules {
            topics: vec![rule("space", "Space", &[], &[], &["ISRO", "Isro", "nasa"])],
        };
        let a = TopicAssigner::new(rules).unwrap();
        let on = |h: &str| !slugs(a.assign(&evidence(&[], h, None))).is_empty();
        assert!(on("ISRO launch"));
        assert!(on("Isro launch"), "written in mixed case: any case");
        assert!(on("NASA launch"));
        assert!(!on("isroad works"));
        assert!(super::is_acronym("EU") && super::is_acronym("ISRO"));
        assert!(!super::is_acronym("A") && !super::is_acronym("ABCDEF"));
        assert!(!super::is_acronym("5G") && !super::is_acronym("MPs"));
    }

    #[test]
    fn every_top_level_media_topic_reaches_a_built_in_topic() {
        let a = assigner();
        for n in 1..=17 {
            let code = format!("{n:02}000000");
            assert!(
                wiredesk_vocab::media_topic(&code).is_some(),
                "{code} is a Media Topic"
            );
            let got = topics_for(&a, &format!("medtop:{code}"));
            assert!(!got.is_empty(), "medtop:{code} has no topic");
        }
        assert_eq!(topics_for(&a, "medtop:11000000"), ["politics"]);
        // election (20000574) is narrower than politics.
        assert_eq!(topics_for(&a, "medtop:20000574"), ["politics"]);
        assert_eq!(topics_for(&a, "medtop:02000000"), ["crime"]);
        assert_eq!(topics_for(&a, "medtop:05000000"), ["education"]);
        assert_eq!(topics_for(&a, "medtop:12000000"), ["society"]);
        assert_eq!(topics_for(&a, "medtop:09000000"), ["business"]);
        let politics = [Subject {
            code: "Politics".into(),
            name: Some("Politics".into()),
        }];
        assert_eq!(
            slugs(a.assign(&evidence(&politics, "Result", None))),
            ["politics"]
        );
    }

    #[test]
    fn language_is_detected_only_when_clear() {
        assert_eq!(
            detect_language("The central bank kept its key interest rate unchanged on Wednesday, saying inflation was easing.").as_deref(),
            Some("en")
        );
        assert_eq!(detect_language("ok"), None);
        let mixed = "IPL 2027 नीलामी: Callum Reeves पर लगी 18.5 करोड़ की बोली, Mumbai Indians ने \
                     अनकैप्ड खिलाड़ी को खरीदा। अबू धाबी में हुई मिनी नीलामी में Chennai Super Kings, \
                     Delhi Capitals और Royal Challengers ने भी बोली लगाई।";
        assert_eq!(
            detect_language(mixed).as_deref(),
            Some("hi"),
            "Latin names in Hindi copy"
        );
        let loanwords = "नीलामी में ऑस्ट्रेलिया के तेज गेंदबाजी ऑलराउंडर सबसे महंगे खिलाड़ी रहे, जिन्हें \
                         फ्रेंचाइजी ने करोड़ रुपये में अपनी टीम में शामिल किया। उनका बेस प्राइस दो करोड़ \
                         रुपये था और स्ट्राइक रेट के दम पर उन्हें टैलेंट स्काउट ने चुना।";
        assert_eq!(
            detect_language(loanwords).as_deref(),
            Some("hi"),
            "loanwords"
        );
        let english_with_hindi = "The minister said the scheme, called प्रधानमंत्री आवास in Hindi, \
                                  would reach ten million families across the country by March.";
        assert_eq!(detect_language(english_with_hindi).as_deref(), Some("en"));
    }
}
