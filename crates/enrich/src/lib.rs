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
use wiredesk_model::{Subject, Topic};

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
    /// Words or phrases in the headline or opening paragraph (whole words, case-insensitive).
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
    /// Each rule, its keyword pattern, and its codes as canonical QCodes.
    rules: Vec<(TopicRule, Option<Regex>, Vec<String>)>,
}

impl TopicAssigner {
    pub fn new(rules: TopicRules) -> Result<TopicAssigner, regex::Error> {
        let mut compiled = Vec::new();
        for rule in rules.topics {
            let regex = if rule.keywords.is_empty() {
                None
            } else {
                let alternatives: Vec<String> =
                    rule.keywords.iter().map(|k| regex::escape(k)).collect();
                Some(Regex::new(&format!(
                    r"(?i)\b(?:{})\b",
                    alternatives.join("|")
                ))?)
            };
            let codes = rule_codes(&rule.media_topics);
            compiled.push((rule, regex, codes));
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
            let by_keyword = keywords
                .as_ref()
                .is_some_and(|re| re.is_match(evidence.headline) || re.is_match(evidence.opening));
            let by_place = evidence.dateline_place.is_some_and(|place| {
                let first = place.split(',').next().unwrap_or(place).trim();
                rule.places.iter().any(|p| p.eq_ignore_ascii_case(first))
            });
            if by_subject || by_keyword || by_place {
                topics.push(Topic {
                    slug: rule.slug.clone(),
                    name: rule.name.clone(),
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
        TopicRules {
            topics: vec![
                rule(
                    "world",
                    "World",
                    &["03000000", "11000000", "16000000", "17000000"],
                    &[
                        "World",
                        "World News",
                        "International",
                        "Politics",
                        "Top News",
                    ],
                    &[
                        "United Nations",
                        "ceasefire",
                        "foreign minister",
                        "summit",
                        "earthquake",
                        "diplomatic",
                    ],
                ),
                india,
                rule(
                    "business",
                    "Business",
                    &["04000000"],
                    &["Business", "Economy", "Markets", "Finance"],
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
            ],
        }
    }
}

/// ISO 639-1 code of the copy's language, when the text says so clearly.
pub fn detect_language(text: &str) -> Option<String> {
    let info = whatlang::detect(text)?;
    if !info.is_reliable() {
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
        assert_eq!(
            slugs(assigner().assign(&evidence(&subjects, "Result", None))),
            ["sports"]
        );
    }

    #[test]
    fn untagged_copy_gets_topics_from_keywords_and_dateline_place() {
        let topics = assigner().assign(&evidence(
            &[],
            "Spinners take eight wickets as hosts level series",
            Some("Chennai"),
        ));
        assert_eq!(slugs(topics), ["india", "sports"]);
        // Whole words only: "achip" is no chip.
        assert!(
            assigner()
                .assign(&evidence(&[], "Machipe festival opens", None))
                .is_empty()
        );
    }

    #[test]
    fn language_is_detected_only_when_clear() {
        assert_eq!(
            detect_language("The central bank kept its key interest rate unchanged on Wednesday, saying inflation was easing.").as_deref(),
            Some("en")
        );
        assert_eq!(detect_language("ok"), None);
    }
}
