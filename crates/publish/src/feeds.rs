//! Outgoing feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1 for the site, each topic and each agency.
//!
//! Entries come from `Store::live` only, newest first. An entry's id is the story's
//! `/story/{id}` address made absolute: unlike the article URL it survives headline rewrites
//! (which change the slug), and it still resolves, by redirect, to the article.
//!
//! Owns: which text goes in which field, escaped for how readers treat that field: RSS has no
//! content types and readers may render any of its text as HTML, so plain text there is
//! HTML-escaped once (then XML-escaped by the writer); Atom says `type="text"`, and JSON Feed's
//! titles and summaries are plain text by definition, so those stay as they are.
//! Bodies are the sanitized HTML from `normalize`, and only up to `FULL_TEXT_LIMIT`.
//! Must not: let an entry grow with the story: a longer body is replaced by its summary and a
//! link to the whole story.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jiff::Timestamp;
use serde_json::{Value, json};
use wiredesk_index::escape_html;
use wiredesk_model::Story;
use wiredesk_store::Listing;

use crate::AppState;
use crate::i18n::Arg;
use crate::pages::{not_found, story_url};

const ATOM_NS: &str = "http://www.w3.org/2005/Atom";

/// The longest body (sanitized HTML, in bytes) a feed entry or an API list item carries whole.
/// Four times a long feature, so only copy no reader scrolls through inline is left out; it keeps
/// a feed or list page under its length times this, whatever the stories weigh.
pub const FULL_TEXT_LIMIT: usize = 64 * 1024;

/// Whether lists (feeds, `/api/v1/stories`) carry this story's body or only point to it.
pub(crate) fn body_fits_lists(story: &Story) -> bool {
    story.body_html.len() <= FULL_TEXT_LIMIT
}

#[derive(Clone, Copy, Debug)]
enum Format {
    Rss,
    Atom,
    Json,
}

impl Format {
    const ALL: [Format; 3] = [Format::Rss, Format::Atom, Format::Json];

    fn file_name(self) -> &'static str {
        match self {
            Format::Rss => "feed.xml",
            Format::Atom => "atom.xml",
            Format::Json => "feed.json",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Rss => "application/rss+xml; charset=utf-8",
            Format::Atom => "application/atom+xml; charset=utf-8",
            Format::Json => "application/feed+json; charset=utf-8",
        }
    }
}

/// Which stories a feed holds.
enum Scope {
    Site,
    Topic(String),
    Agency(String),
}

/// A feed's own description, whatever its format.
struct Channel {
    title: String,
    description: String,
    /// Absolute URL of the HTML page the feed mirrors.
    home: String,
    /// Absolute path prefix of the feed files: "" for the site, "/topic/{slug}" for a topic.
    prefix: String,
}

impl Channel {
    fn feed_url(&self, state: &AppState, format: Format) -> String {
        state
            .config
            .absolute(&format!("{}/{}", self.prefix, format.file_name()))
    }
}

pub fn routes() -> axum::Router<AppState> {
    let mut router = axum::Router::new();
    for format in Format::ALL {
        let file = format.file_name();
        router = router
            .route(
                &format!("/{file}"),
                get(
                    move |State(state): State<AppState>, headers: HeaderMap| async move {
                        feed(state, Scope::Site, format, headers).await
                    },
                ),
            )
            .route(
                &format!("/topic/{{slug}}/{file}"),
                get(
                    move |State(state): State<AppState>,
                          Path(slug): Path<String>,
                          headers: HeaderMap| async move {
                        feed(state, Scope::Topic(slug), format, headers).await
                    },
                ),
            )
            .route(
                &format!("/agency/{{slug}}/{file}"),
                get(
                    move |State(state): State<AppState>,
                          Path(slug): Path<String>,
                          headers: HeaderMap| async move {
                        feed(state, Scope::Agency(slug), format, headers).await
                    },
                ),
            );
    }
    router
}

async fn feed(state: AppState, scope: Scope, format: Format, headers: HeaderMap) -> Response {
    let path = match &scope {
        Scope::Site => format!("/{}", format.file_name()),
        Scope::Topic(slug) => format!("/topic/{slug}/{}", format.file_name()),
        Scope::Agency(slug) => format!("/agency/{slug}/{}", format.file_name()),
    };
    crate::cache::serve(&state.cache, path, &headers, || {
        render_feed(&state, scope, format)
    })
    .await
}

async fn render_feed(state: &AppState, scope: Scope, format: Format) -> Response {
    let now = Timestamp::now();
    let (channel, stories) = match load(state, scope, now).await {
        Ok(Some(found)) => found,
        Ok(None) => return not_found(state, now).await,
        Err(e) => {
            tracing::error!("feed: {e}");
            return (StatusCode::SERVICE_UNAVAILABLE, "temporarily unavailable").into_response();
        }
    };
    // An empty feed still needs an updated time; "now" claims nothing false.
    let updated = stories.iter().map(Story::modified).max().unwrap_or(now);
    let body = match format {
        Format::Rss => rss_feed(state, &channel, &stories, updated),
        Format::Atom => atom_feed(state, &channel, &stories, updated),
        Format::Json => json_feed(state, &channel, &stories),
    };
    ([(header::CONTENT_TYPE, format.content_type())], body).into_response()
}

/// The feed's description and its stories; `None` when the topic or agency has no live story
/// (the same rule as its HTML page, so a feed never outlives its page).
async fn load(
    state: &AppState,
    scope: Scope,
    now: Timestamp,
) -> wiredesk_store::Result<Option<(Channel, Vec<Story>)>> {
    let site = &state.config.name;
    let limit = state.config.feed_length.clamp(1, 1000);
    let (channel, listing) = match scope {
        Scope::Site => (
            Channel {
                title: site.clone(),
                description: state.words.site("feed-latest", site),
                home: state.config.absolute("/"),
                prefix: String::new(),
            },
            Listing {
                limit,
                ..Listing::default()
            },
        ),
        Scope::Topic(slug) => {
            let topics = state.store.topics(now).await?;
            let Some(topic) = topics.into_iter().find(|t| t.slug == slug) else {
                return Ok(None);
            };
            (
                Channel {
                    title: format!("{} | {site}", topic.name),
                    description: state.words.with(
                        "feed-latest-topic",
                        &[("topic", Arg::Text(&topic.name)), ("site", Arg::Text(site))],
                    ),
                    home: state.config.absolute(&format!("/topic/{slug}")),
                    prefix: format!("/topic/{slug}"),
                },
                Listing {
                    topic: Some(slug),
                    limit,
                    ..Listing::default()
                },
            )
        }
        Scope::Agency(slug) => {
            let listing = Listing {
                agency: Some(slug.clone()),
                limit,
                ..Listing::default()
            };
            let stories = state.store.live(&listing, now).await?;
            let Some(name) = stories.first().map(|s| s.agency.name.clone()) else {
                return Ok(None);
            };
            let channel = Channel {
                title: format!("{name} | {site}"),
                description: state.words.with(
                    "feed-agency",
                    &[("agency", Arg::Text(&name)), ("site", Arg::Text(site))],
                ),
                home: state.config.absolute(&format!("/agency/{slug}")),
                prefix: format!("/agency/{slug}"),
            };
            return Ok(Some((channel, stories)));
        }
    };
    let stories = state.store.live(&listing, now).await?;
    Ok(Some((channel, stories)))
}

/// An entry's full text.
enum Content {
    /// The sanitized body.
    Whole(String),
    /// The body is over `FULL_TEXT_LIMIT`: the summary and a link to the article, as HTML.
    Abridged(String),
}

/// The HTML a reader sees in place of a body too long for a feed.
fn abridged_html(summary: &str, link: &str, site: &str) -> String {
    let mut html = String::from("<p>");
    escape_html(summary, &mut html);
    html.push_str("</p>\n<p><a href=\"");
    escape_html(link, &mut html);
    html.push_str("\">Read the whole story on ");
    escape_html(site, &mut html);
    html.push_str("</a></p>");
    xml_safe(&html)
}

/// Plain text for a field readers render as HTML.
fn html_text(text: &str) -> String {
    let mut html = String::with_capacity(text.len());
    escape_html(&xml_safe(text), &mut html);
    html
}

/// What every format says about one story.
struct Entry {
    id: String,
    link: String,
    title: String,
    summary: String,
    /// What stands for the body, when the config asks for full text.
    content: Option<Content>,
    author: String,
    published: Timestamp,
    updated: Timestamp,
    /// (slug, name)
    topics: Vec<(String, String)>,
}

fn entry(state: &AppState, story: &Story) -> Entry {
    let link = state.config.absolute(&story_url(story));
    let content = state.config.feed_full_text.then(|| {
        if body_fits_lists(story) {
            Content::Whole(xml_safe(&story.body_html))
        } else {
            Content::Abridged(abridged_html(&story.summary, &link, &state.config.name))
        }
    });
    Entry {
        id: state.config.absolute(&format!("/story/{}", story.id)),
        link,
        title: xml_safe(&story.headline),
        summary: xml_safe(&story.summary),
        content,
        author: xml_safe(
            story
                .byline
                .as_deref()
                .filter(|b| !b.trim().is_empty())
                .unwrap_or(&story.agency.name),
        ),
        published: story.published.unwrap_or(story.version_created),
        updated: story.modified(),
        topics: story
            .topics
            .iter()
            .map(|t| (xml_safe(&t.slug), xml_safe(&t.name)))
            .collect(),
    }
}

/// Drops the characters XML 1.0 cannot carry even escaped (most C0 controls, U+FFFE/U+FFFF):
/// wire copy sometimes has them, and one would make the whole feed unparseable.
fn xml_safe(text: &str) -> String {
    text.chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
                || c >= '\u{10000}'
        })
        .collect()
}

fn rfc3339(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn rfc2822(t: Timestamp) -> String {
    t.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string()
}

fn atom_extension(
    name: &str,
    attrs: &[(&str, &str)],
    value: Option<String>,
) -> rss::extension::Extension {
    rss::extension::Extension {
        name: format!("atom:{name}"),
        value,
        attrs: attrs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        children: BTreeMap::new(),
    }
}

fn rss_feed(state: &AppState, channel: &Channel, stories: &[Story], updated: Timestamp) -> String {
    let items = stories
        .iter()
        .map(|story| {
            let e = entry(state, story);
            // RSS has no per-item update time; atom:updated is the common extension for it.
            let updated_ext = atom_extension("updated", &[], Some(rfc3339(e.updated)));
            rss::Item {
                title: Some(html_text(&e.title)),
                link: Some(e.link),
                description: Some(html_text(&e.summary)),
                // <author> must be an e-mail address; dc:creator takes a name.
                dublin_core_ext: Some(rss::extension::dublincore::DublinCoreExtension {
                    creators: vec![html_text(&e.author)],
                    ..Default::default()
                }),
                categories: e
                    .topics
                    .into_iter()
                    .map(|(_, name)| rss::Category {
                        name: html_text(&name),
                        domain: None,
                    })
                    .collect(),
                guid: Some(rss::Guid {
                    value: e.id,
                    permalink: true,
                }),
                pub_date: Some(rfc2822(e.published)),
                content: e.content.map(|c| match c {
                    Content::Whole(html) | Content::Abridged(html) => html,
                }),
                extensions: BTreeMap::from([(
                    "atom".to_string(),
                    BTreeMap::from([("updated".to_string(), vec![updated_ext])]),
                )]),
                ..Default::default()
            }
        })
        .collect();
    let self_link = atom_extension(
        "link",
        &[
            ("href", &channel.feed_url(state, Format::Rss)),
            ("rel", "self"),
            ("type", "application/rss+xml"),
        ],
        None,
    );
    let rss = rss::Channel {
        title: html_text(&channel.title),
        link: channel.home.clone(),
        description: html_text(&channel.description),
        last_build_date: Some(rfc2822(updated)),
        language: Some(state.words.tag().into()),
        generator: Some("Wiredesk".into()),
        items,
        namespaces: BTreeMap::from([("atom".to_string(), ATOM_NS.to_string())]),
        extensions: BTreeMap::from([(
            "atom".to_string(),
            BTreeMap::from([("link".to_string(), vec![self_link])]),
        )]),
        ..Default::default()
    };
    rss.to_string()
}

fn atom_time(t: Timestamp) -> atom_syndication::FixedDateTime {
    atom_syndication::FixedDateTime::parse_from_rfc3339(&rfc3339(t)).unwrap_or_default()
}

fn atom_feed(state: &AppState, channel: &Channel, stories: &[Story], updated: Timestamp) -> String {
    use atom_syndication::{
        Category, Content as AtomContent, Entry as AtomEntry, Feed, Link, Person, Text,
    };
    let topic_scheme = state.config.absolute("/topic/");
    let entries = stories
        .iter()
        .map(|story| {
            let e = entry(state, story);
            AtomEntry {
                title: Text::plain(e.title),
                id: e.id,
                updated: atom_time(e.updated),
                published: Some(atom_time(e.published)),
                authors: vec![Person {
                    name: e.author,
                    ..Default::default()
                }],
                categories: e
                    .topics
                    .into_iter()
                    .map(|(slug, name)| Category {
                        term: slug,
                        scheme: Some(topic_scheme.clone()),
                        label: Some(name),
                    })
                    .collect(),
                links: vec![Link {
                    href: e.link.clone(),
                    rel: "alternate".into(),
                    mime_type: Some("text/html".into()),
                    ..Default::default()
                }],
                // An entry whose content is elsewhere must have a summary (RFC 4287 4.1.1.1).
                summary: (!e.summary.is_empty() || matches!(e.content, Some(Content::Abridged(_))))
                    .then(|| Text::plain(e.summary)),
                content: e.content.map(|c| match c {
                    Content::Whole(html) => AtomContent {
                        value: Some(html),
                        content_type: Some("html".into()),
                        ..Default::default()
                    },
                    // Atom's own way to say "the content is elsewhere" (RFC 4287 4.1.3.2).
                    Content::Abridged(_) => AtomContent {
                        src: Some(e.link.clone()),
                        content_type: Some("text/html".into()),
                        ..Default::default()
                    },
                }),
                ..Default::default()
            }
        })
        .collect();
    let feed = Feed {
        title: Text::plain(xml_safe(&channel.title)),
        subtitle: Some(Text::plain(xml_safe(&channel.description))),
        id: channel.feed_url(state, Format::Atom),
        updated: atom_time(updated),
        authors: vec![Person {
            name: xml_safe(&state.config.name),
            ..Default::default()
        }],
        links: vec![
            Link {
                href: channel.home.clone(),
                rel: "alternate".into(),
                mime_type: Some("text/html".into()),
                ..Default::default()
            },
            Link {
                href: channel.feed_url(state, Format::Atom),
                rel: "self".into(),
                mime_type: Some("application/atom+xml".into()),
                ..Default::default()
            },
        ],
        generator: Some(atom_syndication::Generator {
            value: "Wiredesk".into(),
            ..Default::default()
        }),
        entries,
        ..Default::default()
    };
    feed.to_string()
}

fn json_feed(state: &AppState, channel: &Channel, stories: &[Story]) -> String {
    let items: Vec<Value> = stories
        .iter()
        .map(|story| {
            let e = entry(state, story);
            let mut item = json!({
                "id": e.id,
                "url": e.link,
                "title": e.title,
                "summary": e.summary,
                "date_published": rfc3339(e.published),
                "date_modified": rfc3339(e.updated),
                "authors": [{"name": e.author}],
                "tags": e.topics.into_iter().map(|(_, name)| name).collect::<Vec<_>>(),
            });
            // Every item needs content_html or content_text.
            match e.content {
                Some(Content::Whole(html) | Content::Abridged(html)) => {
                    item["content_html"] = json!(html)
                }
                None => item["content_text"] = json!(e.summary),
            }
            if let Some(lang) = &story.language {
                item["language"] = json!(lang);
            }
            item
        })
        .collect();
    json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": channel.title,
        "description": channel.description,
        "home_page_url": channel.home,
        "feed_url": channel.feed_url(state, Format::Json),
        "language": state.words.tag(),
        "authors": [{"name": state.config.name}],
        "items": items,
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::{abridged_html, html_text, xml_safe};

    #[test]
    fn plain_text_for_html_fields_is_escaped_once() {
        assert_eq!(
            html_text("<b>\"A&amp;B\"</b>\u{0}"),
            "&lt;b&gt;&quot;A&amp;amp;B&quot;&lt;/b&gt;"
        );
        assert_eq!(
            abridged_html("<i>x</i>", "https://s.example/story/1/a?b=\"c\"", "S & T"),
            "<p>&lt;i&gt;x&lt;/i&gt;</p>\n<p><a href=\"https://s.example/story/1/a?b=&quot;c&quot;\">\
             Read the whole story on S &amp; T</a></p>"
        );
    }

    #[test]
    fn characters_xml_cannot_carry_are_dropped() {
        assert_eq!(xml_safe("a\u{0}b\u{b}c\u{c}d\u{1f}e"), "abcde");
        assert_eq!(xml_safe("tab\tline\ncr\r"), "tab\tline\ncr\r");
        assert_eq!(xml_safe("x\u{FFFE}\u{FFFF}y"), "xy");
        assert_eq!(xml_safe("Guwahati – “floods” 🌊"), "Guwahati – “floods” 🌊");
    }
}
