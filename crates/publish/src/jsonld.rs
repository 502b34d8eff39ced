//! schema.org `NewsArticle` for the article page, as the search engines read it.
//!
//! Every date carries the site's time zone offset; the agency is credited as an
//! `Organization` (the author when the copy has no byline, and always the source and the
//! copyright holder); the publisher is the site, with its logo; `isBasedOn` points at the
//! agency's original when it is known. `image` is left out until the model has one: a made-up
//! image is worse than none.

use jiff::tz::TimeZone;
use serde_json::{Value, json};
use wiredesk_model::{Story, slugify};

use crate::config::SiteConfig;

/// W3C datetime (ISO 8601) in `tz`, with its offset: `2026-11-28T14:05:00+05:30`.
pub(crate) fn iso(t: jiff::Timestamp, tz: &TimeZone) -> String {
    t.to_zoned_datetime(tz.clone())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// The person named in the byline, unless the byline only names the agency ("By IANS").
fn byline_person(story: &Story) -> Option<String> {
    let byline = story.byline.as_deref()?.trim();
    let name = match byline.get(..3) {
        Some(by) if by.eq_ignore_ascii_case("by ") => byline[3..].trim(),
        _ => byline,
    };
    let is_agency = slugify(name) == story.agency.slug || slugify(name).is_empty();
    (!is_agency).then(|| name.to_string())
}

/// The JSON-LD text, safe to put inside a `<script>` element.
pub fn news_article(story: &Story, config: &SiteConfig, tz: &TimeZone, path: &str) -> String {
    let url = config.absolute(path);
    let agency = json!({"@type": "Organization", "name": story.agency.name});
    let author = match byline_person(story) {
        Some(name) => json!({"@type": "Person", "name": name, "affiliation": agency}),
        None => agency.clone(),
    };
    let mut doc = json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story.headline,
        "datePublished": iso(story.first_published(), tz),
        "dateModified": iso(story.modified(), tz),
        "author": [author],
        "sourceOrganization": agency,
        "copyrightHolder": agency,
        "publisher": {
            "@type": "Organization",
            "name": config.name,
            "url": config.absolute("/"),
            "logo": {"@type": "ImageObject", "url": config.absolute(&config.logo)},
        },
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "isAccessibleForFree": true,
    });
    if !story.summary.trim().is_empty() {
        doc["description"] = Value::String(story.summary.clone());
    }
    if let Some(topic) = story.topics.first() {
        doc["articleSection"] = Value::String(topic.name.clone());
        doc["keywords"] = json!(story.topics.iter().map(|t| &t.name).collect::<Vec<_>>());
    }
    if let Some(lang) = &story.language {
        doc["inLanguage"] = Value::String(lang.clone());
    }
    if let Some(dateline) = &story.dateline {
        if !dateline.text.trim().is_empty() {
            doc["dateline"] = Value::String(dateline.text.clone());
        }
        if let Some(place) = &dateline.place {
            doc["locationCreated"] = json!({"@type": "Place", "name": place});
        }
    }
    if let Some(source) = &story.source_url {
        doc["isBasedOn"] = Value::String(source.clone());
    }
    script_safe(&doc)
}

/// JSON that cannot end or confuse the `<script>` element it sits in: `<`, `>` and `&` only
/// occur inside JSON strings, where `\u003c` and friends are the same characters.
fn script_safe(doc: &Value) -> String {
    doc.to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;
    use wiredesk_model::{Dateline, Topic, testing};

    fn story() -> Story {
        let at = "2026-11-28T08:30:00Z".parse().unwrap();
        let mut s = testing::story("urn:x", "Rivers rise </script> in Assam", "Floods.", at);
        s.published = Some(at);
        s.updated = Some("2026-11-28T10:00:00Z".parse().unwrap());
        s.byline = Some("By Anupam Das".into());
        s.topics = vec![Topic {
            slug: "world".into(),
            name: "World".into(),
            origin: wiredesk_model::TopicOrigin::Wire,
        }];
        s.dateline = Some(Dateline {
            place: Some("Guwahati".into()),
            text: "GUWAHATI, Nov 28 (AP)".into(),
            ..Dateline::default()
        });
        s.source_url = Some("https://agency.example/story/1".into());
        s
    }

    fn doc(s: &Story) -> (String, Value) {
        let tz = TimeZone::get("Asia/Kolkata").unwrap();
        let text = news_article(s, &SiteConfig::default(), &tz, "/story/x/y");
        let value = serde_json::from_str(&text).unwrap();
        (text, value)
    }

    #[test]
    fn every_field_search_engines_read_is_there_with_time_zones() {
        let (text, d) = doc(&story());
        assert!(!text.contains("</"), "{text}");
        assert_eq!(d["@type"], "NewsArticle");
        assert_eq!(d["headline"], "Rivers rise </script> in Assam");
        assert_eq!(d["datePublished"], "2026-11-28T14:00:00+05:30");
        assert_eq!(d["dateModified"], "2026-11-28T15:30:00+05:30");
        assert_eq!(d["author"][0]["@type"], "Person");
        assert_eq!(d["author"][0]["name"], "Anupam Das");
        assert_eq!(d["sourceOrganization"]["name"], "AP");
        assert_eq!(d["publisher"]["@type"], "Organization");
        assert_eq!(
            d["publisher"]["logo"]["url"],
            "http://127.0.0.1:8080/static/logo.svg"
        );
        assert_eq!(d["isBasedOn"], "https://agency.example/story/1");
        assert_eq!(d["articleSection"], "World");
        assert_eq!(d["dateline"], "GUWAHATI, Nov 28 (AP)");
        assert!(d.get("image").is_none());
    }

    #[test]
    fn without_a_byline_or_source_the_agency_is_the_author_and_nothing_is_made_up() {
        let mut s = story();
        s.byline = Some("by AP".into());
        s.source_url = None;
        s.topics.clear();
        let (_, d) = doc(&s);
        assert_eq!(
            d["author"][0],
            json!({"@type": "Organization", "name": "AP"})
        );
        assert!(d.get("isBasedOn").is_none());
        assert!(d.get("articleSection").is_none());
    }
}
