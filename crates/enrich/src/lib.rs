//! enrich: what the site adds to agency copy without touching it — the site's own topics and
//! the language when the wire does not say.
//!
//! Owns: mapping the wire's subject codes (IPTC Media Topics, feed categories) and the desk's
//! keyword rules onto the site's topics.
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
    /// IPTC Media Topic codes (top level or narrower) that map here, e.g. `04000000`.
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
    rules: Vec<(TopicRule, Option<Regex>)>,
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
            compiled.push((rule, regex));
        }
        Ok(TopicAssigner { rules: compiled })
    }

    /// The site topics the evidence supports, in rule order, without repeats.
    pub fn assign(&self, evidence: &TopicEvidence<'_>) -> Vec<Topic> {
        let mut topics = Vec::new();
        for (rule, keywords) in &self.rules {
            let by_subject = evidence.subjects.iter().any(|s| subject_matches(rule, s));
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

fn subject_matches(rule: &TopicRule, subject: &Subject) -> bool {
    let code = media_topic_code(&subject.code);
    if let Some(code) = code {
        // A narrower Media Topic belongs to its top-level group: 04008000 → 04000000.
        let top = format!("{}000000", &code[..2]);
        if rule.media_topics.iter().any(|m| m == code || *m == top) {
            return true;
        }
    }
    let names = [Some(subject.code.as_str()), subject.name.as_deref()];
    names.into_iter().flatten().any(|n| {
        rule.categories
            .iter()
            .any(|c| c.eq_ignore_ascii_case(n.trim()))
    })
}

/// `medtop:04000000`, `http://cv.iptc.org/newscodes/mediatopic/04000000` → `04000000`.
fn media_topic_code(code: &str) -> Option<&str> {
    let tail = code
        .strip_prefix("medtop:")
        .or_else(|| code.rsplit_once("/mediatopic/").map(|(_, t)| t))?;
    let tail = tail.trim_end_matches('/');
    (tail.len() == 8 && tail.bytes().all(|b| b.is_ascii_digit())).then_some(tail)
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
