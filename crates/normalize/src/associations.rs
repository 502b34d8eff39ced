//! The media sent with a story, made safe to show: captions, headlines and credits as plain
//! text (a wire may send caption markup), renditions without a file dropped.
//!
//! Must not: move any of it into the body or the summary; a caption stands beside the copy.

use wiredesk_model::{Association, Rendition};

use wiredesk_model::text::html_to_text;

/// More than any agency sends with one story; bounds what a hostile file can add to a story.
const MAX_ASSOCIATIONS: usize = 50;
const MAX_RENDITIONS: usize = 20;

/// Plain, single-line text: markup and entities read as text, control characters and runs of
/// whitespace as one space; blank is `None`.
fn plain(text: Option<String>) -> Option<String> {
    let text = text?;
    let text = if text.contains(['<', '&']) {
        html_to_text(&text)
    } else {
        text
    };
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

fn rendition(r: Rendition) -> Option<Rendition> {
    let href = r.href.trim();
    if href.is_empty() || href.contains(char::is_whitespace) {
        return None;
    }
    Some(Rendition {
        name: plain(Some(r.name)).unwrap_or_default(),
        href: href.to_string(),
        mimetype: plain(r.mimetype),
        width: r.width.filter(|w| *w > 0),
        height: r.height.filter(|h| *h > 0),
    })
}

/// The associations as the story keeps them; one with no file and no id is nothing to show
/// or pass on, and is dropped.
pub fn clean_associations(list: Vec<Association>) -> Vec<Association> {
    list.into_iter()
        .filter_map(|a| {
            let renditions: Vec<Rendition> = a
                .renditions
                .into_iter()
                .filter_map(rendition)
                .take(MAX_RENDITIONS)
                .collect();
            let uri = a
                .uri
                .map(|u| u.trim().to_string())
                .filter(|u| !u.is_empty());
            if renditions.is_empty() && uri.is_none() {
                return None;
            }
            Some(Association {
                name: plain(Some(a.name)).unwrap_or_default(),
                kind: plain(Some(a.kind))
                    .map(|k| k.to_ascii_lowercase())
                    .unwrap_or_default(),
                uri,
                headline: plain(a.headline),
                caption: plain(a.caption),
                credit: plain(a.credit),
                renditions,
            })
        })
        .take(MAX_ASSOCIATIONS)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picture(caption: &str, href: &str) -> Association {
        Association {
            name: "picture1".into(),
            kind: "Picture".into(),
            caption: Some(caption.into()),
            renditions: vec![Rendition {
                href: href.into(),
                width: Some(0),
                ..Rendition::default()
            }],
            ..Association::default()
        }
    }

    #[test]
    fn captions_become_plain_text() {
        let got = clean_associations(vec![picture(
            "<p>Cars cross the <b>bridge</b> &amp; the\n\tharbour.</p><script>alert(1)</script>",
            " https://wire.example/b.jpg ",
        )]);
        assert_eq!(
            got[0].caption.as_deref(),
            Some("Cars cross the bridge & the harbour.")
        );
        assert_eq!(got[0].kind, "picture");
        assert_eq!(got[0].renditions[0].href, "https://wire.example/b.jpg");
        assert_eq!(got[0].renditions[0].width, None, "a zero width is no width");
    }

    #[test]
    fn media_with_nothing_to_show_are_dropped() {
        let mut blank = picture("  ", " ");
        assert!(clean_associations(vec![blank.clone()]).is_empty());
        blank.uri = Some("urn:wire:photo:1".into());
        let kept = clean_associations(vec![blank]);
        assert_eq!(kept[0].caption, None);
        assert!(kept[0].renditions.is_empty());
    }
}
