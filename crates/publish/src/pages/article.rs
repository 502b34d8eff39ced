//! What the article page shows of a story's media: its first picture, as a figure above the
//! copy with the caption and credit under it; and the copy as shown, without a caption the
//! wire put ahead of it (`wiredesk_model::CAPTION_IN_COPY`).
//!
//! Must not: show a file that is not http(s) (an agency's `tag:` id or an FTP path is nothing a
//! browser should load, and `javascript:` never is), move a caption into the copy, or change
//! a word of the copy itself.

use std::borrow::Cow;

use wiredesk_model::text::html_to_text;
use wiredesk_model::{Association, CAPTION_IN_COPY, Rendition, Story};

/// The widest file a reader's page needs; larger ones (agencies' print masters) are skipped
/// when a smaller one is offered.
const MAX_WIDTH: u32 = 2048;

/// The picture above the copy. Its text is plain and escaped by the template.
#[derive(Debug, PartialEq)]
pub(crate) struct Figure {
    pub src: String,
    /// The caption, else the picture's headline: what the picture shows.
    pub alt: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// "caption — credit", either alone when the other is missing.
    pub caption: String,
}

fn is_web(href: &str) -> bool {
    let lower = href.trim_start().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// The file to show: an http(s) image, the widest up to `MAX_WIDTH`, else one of unknown size,
/// else the narrowest.
fn rendition(picture: &Association) -> Option<&Rendition> {
    let shown: Vec<&Rendition> = picture
        .renditions
        .iter()
        .filter(|r| is_web(&r.href))
        .filter(|r| {
            r.mimetype
                .as_deref()
                .is_none_or(|m| m.to_ascii_lowercase().starts_with("image/"))
        })
        .collect();
    shown
        .iter()
        .filter(|r| r.width.is_some_and(|w| w <= MAX_WIDTH))
        .max_by_key(|r| r.width)
        .or_else(|| shown.iter().find(|r| r.width.is_none()))
        .or_else(|| shown.iter().min_by_key(|r| r.width))
        .copied()
}

/// The copy as readers see it open: the body, less the picture caption the wire put at its
/// head (whole paragraphs of it, and its part of the first paragraph of copy, which is then
/// shown as plain text). The stored body is untouched; this is only what the page prints.
pub(crate) fn copy_shown(story: &Story) -> Cow<'_, str> {
    let Some(caption) = story
        .associations
        .iter()
        .find(|a| a.name == CAPTION_IN_COPY)
        .and_then(|a| a.caption.as_deref())
    else {
        return Cow::Borrowed(&story.body_html);
    };
    let html = story.body_html.as_str();
    let mut left = caption.trim();
    let mut at = 0;
    while !left.is_empty() {
        let Some(end) = html[at..].find("</p>").map(|e| at + e + "</p>".len()) else {
            break;
        };
        let text = html_to_text(&html[at..end]);
        let text = text.trim();
        if let Some(rest) = left.strip_prefix(text) {
            // A paragraph of caption: left out.
            left = rest.trim_start();
            at = end;
        } else if let Some(copy) = text.strip_prefix(left) {
            let copy = html_escape::encode_text(copy.trim_start());
            return Cow::Owned(format!("<p>{copy}</p>{}", &html[end..]));
        } else {
            break;
        }
    }
    if at == 0 {
        Cow::Borrowed(html)
    } else {
        Cow::Owned(html[at..].to_string())
    }
}

/// The language a story's headline and copy are written in, for `lang` and `dir`.
#[derive(Debug, PartialEq)]
pub(crate) struct Language {
    /// A BCP 47 tag as the wire sent it ("hi", "en-US").
    pub tag: String,
    /// Written right to left (Urdu, Arabic, Persian, Hebrew…).
    pub rtl: bool,
}

/// Scripts written right to left, by the language's primary subtag.
const RIGHT_TO_LEFT: &[&str] = &["ar", "dv", "fa", "he", "ks", "ps", "sd", "ug", "ur", "yi"];

/// The story's language as the page marks it; `None` when the wire named none, or named it
/// in a form that is no language tag.
pub(crate) fn language(story: &Story) -> Option<Language> {
    let tag = story.language.as_deref()?.trim();
    let well_formed = (2..=35).contains(&tag.len())
        && tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && tag.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    if !well_formed {
        return None;
    }
    let primary = tag.split('-').next().unwrap_or(tag).to_ascii_lowercase();
    Some(Language {
        rtl: RIGHT_TO_LEFT.contains(&primary.as_str()),
        tag: tag.to_string(),
    })
}

/// The story's first picture that has a file a browser can show.
pub(crate) fn figure(story: &Story) -> Option<Figure> {
    story
        .associations
        .iter()
        .filter(|a| a.kind == "picture")
        .find_map(|a| {
            // A caption found in the copy has no file; `rendition` finds none for it.
            let r = rendition(a)?;
            let caption = match (a.caption.as_deref(), a.credit.as_deref()) {
                (Some(c), Some(by)) => format!("{c} — {by}"),
                (Some(c), None) => c.to_string(),
                (None, Some(by)) => by.to_string(),
                (None, None) => String::new(),
            };
            Some(Figure {
                src: r.href.trim().to_string(),
                alt: a
                    .caption
                    .clone()
                    .or_else(|| a.headline.clone())
                    .unwrap_or_default(),
                width: r.width,
                height: r.height,
                caption,
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendition(href: &str, width: Option<u32>) -> Rendition {
        Rendition {
            name: String::new(),
            href: href.into(),
            mimetype: Some("image/jpeg".into()),
            width,
            height: width.map(|w| w * 2 / 3),
        }
    }

    fn story(associations: Vec<Association>) -> Story {
        let t = "2026-11-06T09:00:00Z".parse().unwrap();
        let mut s = wiredesk_model::testing::story("urn:x", "H", "Copy.", t);
        s.associations = associations;
        s
    }

    #[test]
    fn the_first_showable_picture_at_a_page_size_with_caption_and_credit() {
        let audio = Association {
            kind: "audio".into(),
            renditions: vec![rendition("https://x.example/a.mp3", None)],
            ..Association::default()
        };
        let tagged = Association {
            kind: "picture".into(),
            caption: Some("Not this".into()),
            renditions: vec![rendition("tag:ansa.it,2017:x.jpg", None)],
            ..Association::default()
        };
        let photo = Association {
            kind: "picture".into(),
            caption: Some("Cars cross the bridge.".into()),
            credit: Some("Ana Lima/WDN".into()),
            renditions: vec![
                rendition("https://x.example/thumb.jpg", Some(150)),
                rendition("https://x.example/base.jpg", Some(800)),
                rendition("https://x.example/master.jpg", Some(3200)),
            ],
            ..Association::default()
        };
        let f = figure(&story(vec![audio, tagged, photo])).unwrap();
        assert_eq!(f.src, "https://x.example/base.jpg");
        assert_eq!((f.width, f.height), (Some(800), Some(533)));
        assert_eq!(f.alt, "Cars cross the bridge.");
        assert_eq!(f.caption, "Cars cross the bridge. — Ana Lima/WDN");
    }

    #[test]
    fn no_picture_no_figure_and_never_a_script_url() {
        assert_eq!(figure(&story(vec![])), None);
        let hostile = Association {
            kind: "picture".into(),
            renditions: vec![rendition("javascript:alert(1)", Some(100))],
            ..Association::default()
        };
        assert_eq!(figure(&story(vec![hostile])), None);
        let only_master = Association {
            kind: "picture".into(),
            headline: Some("Quay".into()),
            renditions: vec![rendition("http://x.example/master.jpg", Some(4000))],
            ..Association::default()
        };
        let f = figure(&story(vec![only_master])).unwrap();
        assert_eq!((f.alt.as_str(), f.caption.as_str()), ("Quay", ""));
        assert_eq!(f.width, Some(4000));
    }

    #[tokio::test]
    async fn the_article_page_shows_the_figure_above_the_copy_escaped() {
        use std::sync::Arc;
        use wiredesk_model::StoryEvent;
        use wiredesk_store::{SqliteStore, Store};

        let store: Arc<dyn Store> = Arc::new(SqliteStore::in_memory().await.unwrap());
        let index = Arc::new(wiredesk_index::SearchIndex::in_memory().unwrap());
        let at = jiff::Timestamp::now();
        let mut s = wiredesk_model::testing::story("urn:x:fig", "Bridge reopens", "Copy.", at);
        s.associations = vec![Association {
            kind: "picture".into(),
            caption: Some("Cars \"cross\" <script>alert(1)</script> the bridge".into()),
            credit: Some("A & B".into()),
            renditions: vec![rendition("https://x.example/b.jpg?a=1&b=2", Some(800))],
            ..Association::default()
        }];
        let id = s.id.clone();
        let path = wiredesk_model::story_path(&id, &s.headline, s.language.as_deref());
        store
            .append(vec![
                (StoryEvent::Ingested { story: Box::new(s) }, at),
                (StoryEvent::Published { id: id.clone() }, at),
            ])
            .await
            .unwrap();
        let state = crate::AppState::new(
            store,
            index,
            Default::default(),
            crate::SiteConfig::default(),
        )
        .unwrap();
        let slug = path.rsplit('/').next().unwrap().to_string();
        let response = super::super::article_page(&state, id.to_string(), Some(slug))
            .await
            .unwrap();
        assert_eq!(response.status(), axum::http::StatusCode::OK);
        let html = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        let html = String::from_utf8_lossy(&html);
        let figure_at = html.find("<figure id=\"story-figure\"").expect("a figure");
        let body_at = html.find("id=\"story-body\"").unwrap();
        assert!(figure_at < body_at, "the figure stands above the copy");
        let figure = &html[figure_at..body_at];
        assert!(!figure.contains("<script>"), "{figure}");
        // askama writes its escapes as numeric references.
        assert!(figure.contains("&#60;script&#62;"), "{figure}");
        assert!(!figure.contains("\"cross"), "{figure}");
        assert!(
            figure.contains("src=\"https://x.example/b.jpg?a=1&#38;b=2\""),
            "{figure}"
        );
        assert!(
            figure.contains("loading=\"lazy\" width=\"800\" height=\"533\""),
            "{figure}"
        );
        assert!(figure.contains("— A &#38; B</figcaption>"), "{figure}");
        let copy = &html[body_at..];
        assert!(!copy[..copy.find("</div>").unwrap()].contains("cross"));
    }

    fn with_caption(body: &str, caption: Option<&str>) -> Story {
        let mut s = wiredesk_model::testing::story("u", "H", "", jiff::Timestamp::UNIX_EPOCH);
        s.body_html = body.into();
        s.associations = caption
            .map(|c| Association {
                name: CAPTION_IN_COPY.into(),
                kind: "picture".into(),
                caption: Some(c.into()),
                ..Association::default()
            })
            .into_iter()
            .collect();
        s
    }

    #[test]
    fn the_page_opens_the_copy_after_a_caption_the_wire_put_ahead_of_it() {
        let glued = with_caption(
            "<p>This photo shows NOVA9. (PHOTO NOT FOR SALE) (Yonhap) SEOUL, Dec 4 (Yonhap) -- Tour &amp; more.</p><p>Second.</p>",
            Some("This photo shows NOVA9. (PHOTO NOT FOR SALE) (Yonhap)"),
        );
        assert_eq!(
            copy_shown(&glued),
            "<p>SEOUL, Dec 4 (Yonhap) -- Tour &amp; more.</p><p>Second.</p>"
        );
        let whole = with_caption(
            "<p>FILE - Commuters wait. (AP Photo/Eugene Hoshiko, File)</p><p>TOKYO (AP) — <b>Fares</b> rise.</p>",
            Some("FILE - Commuters wait. (AP Photo/Eugene Hoshiko, File)"),
        );
        assert_eq!(copy_shown(&whole), "<p>TOKYO (AP) — <b>Fares</b> rise.</p>");
        // No caption, or one the copy does not open with: the copy as sent.
        let plain = with_caption("<p>TOKYO (AP) — Fares rise.</p>", None);
        assert_eq!(copy_shown(&plain), plain.body_html);
        let elsewhere = with_caption("<p>TOKYO (AP) — Fares rise.</p>", Some("A caption."));
        assert_eq!(copy_shown(&elsewhere), elsewhere.body_html);
    }

    #[test]
    fn a_storys_language_marks_its_words_and_urdu_reads_right_to_left() {
        let with = |tag: Option<&str>| {
            let mut s = with_caption("<p>x</p>", None);
            s.language = tag.map(String::from);
            language(&s)
        };
        assert_eq!(
            with(Some("hi")),
            Some(Language {
                tag: "hi".into(),
                rtl: false
            })
        );
        assert!(with(Some("ur")).unwrap().rtl && with(Some("ar-EG")).unwrap().rtl);
        assert_eq!(with(None), None);
        // Not a tag: nothing rather than an attribute from the wire.
        assert_eq!(with(Some("\" onmouseover=\"x")), None);
        assert_eq!(with(Some("")), None);
    }
}
