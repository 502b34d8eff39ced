//! schema.org `NewsArticle` for the article page, as the search engines read it.

use jiff::tz::TimeZone;
use serde_json::{Value, json};
use wiredesk_model::Story;

use crate::config::SiteConfig;

fn iso(t: jiff::Timestamp, tz: &TimeZone) -> String {
    t.to_zoned_datetime(tz.clone())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// The JSON-LD text, safe to put inside a `<script>` element.
pub fn news_article(story: &Story, config: &SiteConfig, tz: &TimeZone, path: &str) -> String {
    let published = story.published.unwrap_or(story.version_created);
    let author = match &story.byline {
        Some(byline) => json!({"@type": "Person", "name": byline}),
        None => json!({"@type": "Organization", "name": story.agency.name}),
    };
    let mut doc = json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story.headline.chars().take(110).collect::<String>(),
        "datePublished": iso(published, tz),
        "dateModified": iso(story.modified(), tz),
        "author": [author],
        "sourceOrganization": {"@type": "Organization", "name": story.agency.name},
        "publisher": {
            "@type": "Organization",
            "name": config.name,
            "logo": {"@type": "ImageObject", "url": config.absolute(&config.logo)},
        },
        "mainEntityOfPage": {"@type": "WebPage", "@id": config.absolute(path)},
        "url": config.absolute(path),
        "description": story.summary,
        "articleSection": story.topics.first().map(|t| t.name.clone()),
    });
    if let Some(lang) = &story.language {
        doc["inLanguage"] = Value::String(lang.clone());
    }
    if let Some(place) = story.dateline.as_ref().and_then(|d| d.place.clone()) {
        doc["locationCreated"] = json!({"@type": "Place", "name": place});
    }
    if let Some(source) = &story.source_url {
        doc["isBasedOn"] = Value::String(source.clone());
    }
    // `</script>` inside a string would end the element early; `<\/` is the same JSON string.
    doc.to_string().replace("</", "<\\/")
}
