//! Picture lines at the head of the copy: a photo's caption and credit that a wire (or the web
//! page it was taken from) put before the story, "This photo provided by Starlight
//! Entertainment shows … (PHOTO NOT FOR SALE) (Yonhap) SEOUL, Dec 4 (Yonhap) -- …", "(AP
//! Photo/Ahn Young-joon)", "FILE PHOTO: …".
//!
//! Owns: telling such a caption from the copy, so that the story keeps it as a picture's
//! caption (`CAPTION_IN_COPY`) and its opening, dateline and summary start after it.
//! Must not: change the body; the copy stays as the agency sent it and readers' pages leave
//! the caption out where they open the copy (`publish`).

use std::sync::LazyLock;

use regex::Regex;
use wiredesk_model::{Association, CAPTION_IN_COPY};

use crate::dateline::dateline_len;

/// A caption at the head of the copy.
#[derive(Clone, Debug, PartialEq)]
pub struct LeadCaption {
    /// The caption and its credits, as plain text.
    pub text: String,
    /// Whole paragraphs at the head that are caption.
    pub paragraphs: usize,
    /// Bytes at the start of the next paragraph that are caption (0 when none).
    pub glued: usize,
}

impl LeadCaption {
    /// The copy's paragraphs after the caption.
    pub fn copy<'a>(&self, paragraphs: &'a [String]) -> Vec<&'a str> {
        paragraphs
            .iter()
            .skip(self.paragraphs)
            .enumerate()
            .map(|(i, p)| {
                if i == 0 {
                    p[self.glued..].trim_start()
                } else {
                    p.as_str()
                }
            })
            .collect()
    }

    /// The caption as the story keeps it: a picture the wire did not send, known by its
    /// caption.
    pub fn association(&self) -> Association {
        Association {
            name: CAPTION_IN_COPY.into(),
            kind: "picture".into(),
            caption: Some(self.text.clone()),
            credit: credit(&self.text),
            ..Association::default()
        }
    }
}

/// The most paragraphs at the head read as caption: a picture's caption and a credit line.
const MAX_PARAGRAPHS: usize = 2;
/// Longer than any caption; text this long before a dateline is copy.
const MAX_CAPTION_BYTES: usize = 600;

/// Words that open a caption: "This photo provided by…", "In this file image…", "FILE PHOTO:",
/// "Pictured:", "A handout picture shows…", AP's "FILE - …".
static OPENS_CAPTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i:^(?:file\s*[-–—:]\s*)?(?:(?:this|these|in\s+this|in\s+these|an?|the)\s+)?(?:undated\s+)?(?:(?:file|handout|archive|representational|representative|screen\s*grab|aerial|video)\s+)?(?:photo(?:graph)?s?|pictures?|images?|pics?|screen\s*grabs?|handouts?)\b|^pictured\s*:|^file\s+photo\b)|^FILE\s+[-–—]\s",
    )
    .expect("caption opening regex")
});

/// A credit that closes a caption: "(PHOTO NOT FOR SALE)", "(Yonhap)", "(AP Photo/Name)",
/// "(REUTERS/Name)", "(Photo: IANS)", "AFP PHOTO / NAME", "REUTERS/Name" ending a line,
/// "Photo: PTI".
static CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    // Only the picture words are any case: a credited name is a capitalised one, so "(left)"
    // or "and/or the police" is no credit.
    Regex::new(
        r"\((?i:photo\s+not\s+for\s+sale)\)|\([^()]{0,40}\b(?i:photo|pic|picture|image|foto)s?\b[^()]{0,60}\)|\([A-Z][A-Za-z]{1,20}(?:\s+[A-Z][A-Za-z]{1,20})?(?:\s*/\s*[^()]{1,60})?\)|\b[A-Z]{2,10}\s+PHOTO\s*/\s*[A-Z][^.()]{0,60}|\b[A-Z]{2,10}/[A-Z][^.()/]{1,40}(?:/[^.()]{1,30})?$|\b(?i:photo|image|pic)s?\s*:\s*[A-Z][A-Za-z]{1,20}\b",
    )
    .expect("caption credit regex")
});

/// "(PHOTO NOT FOR SALE)", a credit that says the line is about a picture.
static SAYS_PICTURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:photo|photograph|picture|image|pic|foto|handout|screen\s*grab)s?\b")
        .expect("picture word regex")
});

/// The caption at the head of `paragraphs`, if they open with one.
pub fn lead_caption(paragraphs: &[String]) -> Option<LeadCaption> {
    let mut texts: Vec<&str> = Vec::new();
    let mut whole = 0;
    for para in paragraphs.iter().take(MAX_PARAGRAPHS + 1) {
        let para = para.trim();
        if para.is_empty() {
            whole += 1;
            continue;
        }
        if dateline_len(para).is_some() {
            break;
        }
        // A caption glued ahead of the dateline in the same paragraph.
        if let Some(end) = caption_before_dateline(para) {
            texts.push(para[..end].trim());
            let offset = paragraphs[whole].len() - paragraphs[whole].trim_start().len();
            return Some(LeadCaption {
                text: texts.join(" "),
                paragraphs: whole,
                glued: offset + end,
            });
        }
        if whole < MAX_PARAGRAPHS && is_caption_paragraph(para, paragraphs.get(whole + 1)) {
            texts.push(para);
            whole += 1;
            continue;
        }
        break;
    }
    (!texts.is_empty()).then(|| LeadCaption {
        text: texts.join(" "),
        paragraphs: whole,
        glued: 0,
    })
}

/// Where a caption ends in `para` when the dateline follows it there: after a credit, or
/// after a sentence of a line that opens as a caption.
fn caption_before_dateline(para: &str) -> Option<usize> {
    let limit = para.len().min(MAX_CAPTION_BYTES);
    let opens = OPENS_CAPTION.is_match(para);
    let mut ends: Vec<usize> = CREDIT
        .find_iter(&para[..floor(para, limit)])
        .map(|m| m.end())
        .collect();
    if opens {
        ends.extend(
            para[..floor(para, limit)]
                .match_indices(". ")
                .map(|(i, _)| i + 1),
        );
    }
    ends.sort_unstable();
    // The last such place: a dateline may itself allow a credit ahead of it.
    ends.into_iter().rev().find(|&end| {
        let (head, rest) = para.split_at(end);
        let rest = rest.trim_start();
        // A dateline with copy after it: "(Yonhap)" alone closes a caption, it opens nothing,
        // and "REUTERS/Name" is the caption's credit.
        dateline_len(rest).is_some_and(|n| rest[n..].chars().any(char::is_alphanumeric))
            && CREDIT.find(rest).is_none_or(|m| m.start() > 0)
            && (opens || SAYS_PICTURE.is_match(head))
    })
}

/// A whole paragraph that is a caption: it opens as one and either ends on a credit or comes
/// just before the dateline.
fn is_caption_paragraph(para: &str, next: Option<&String>) -> bool {
    if para.len() > MAX_CAPTION_BYTES || !OPENS_CAPTION.is_match(para) {
        return false;
    }
    let ends_on_credit = CREDIT
        .find_iter(para)
        .last()
        .is_some_and(|m| para[m.end()..].trim().is_empty());
    ends_on_credit || next.is_some_and(|n| dateline_len(n.trim()).is_some())
}

/// The credited name: the last credit's words, without "PHOTO NOT FOR SALE".
fn credit(caption: &str) -> Option<String> {
    CREDIT
        .find_iter(caption)
        .map(|m| {
            m.as_str()
                .trim_matches(|c| c == '(' || c == ')')
                .trim()
                .to_string()
        })
        .filter(|c| !c.eq_ignore_ascii_case("photo not for sale"))
        .last()
}

fn floor(s: &str, mut at: usize) -> usize {
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paras(list: &[&str]) -> Vec<String> {
        list.iter().map(|p| p.to_string()).collect()
    }

    /// Agency styles of a picture line ahead of the copy: the caption found, and the copy
    /// that follows it.
    #[test]
    fn captions_in_each_agency_style_are_found_and_the_copy_follows() {
        let cases: &[(&[&str], &str, &str)] = &[
            (
                &[
                    "This photo provided by Starlight Entertainment shows the K-pop group NOVA9. (PHOTO NOT FOR SALE) (Yonhap) SEOUL, Dec 4 (Yonhap) -- NOVA9 will tour.",
                ],
                "This photo provided by Starlight Entertainment shows the K-pop group NOVA9. (PHOTO NOT FOR SALE) (Yonhap)",
                "SEOUL, Dec 4 (Yonhap) -- NOVA9 will tour.",
            ),
            (
                &[
                    "This file photo shows the Bank of Korea building in Seoul. (Yonhap)",
                    "SEOUL, Dec 4 (Yonhap) -- The central bank held rates.",
                ],
                "This file photo shows the Bank of Korea building in Seoul. (Yonhap)",
                "SEOUL, Dec 4 (Yonhap) -- The central bank held rates.",
            ),
            (
                &[
                    "FILE - Commuters wait for a train in Tokyo, Oct. 3, 2025. (AP Photo/Eugene Hoshiko, File)",
                    "TOKYO (AP) — Train fares will rise.",
                ],
                "FILE - Commuters wait for a train in Tokyo, Oct. 3, 2025. (AP Photo/Eugene Hoshiko, File)",
                "TOKYO (AP) — Train fares will rise.",
            ),
            (
                &[
                    "FILE PHOTO: A view of the central bank in Frankfurt, Germany, July 5, 2025. REUTERS/Jana Rodenbusch/File Photo",
                    "FRANKFURT, Dec 4 (Reuters) - The ECB held rates.",
                ],
                "FILE PHOTO: A view of the central bank in Frankfurt, Germany, July 5, 2025. REUTERS/Jana Rodenbusch/File Photo",
                "FRANKFURT, Dec 4 (Reuters) - The ECB held rates.",
            ),
            (
                &["Representational image (Photo: IANS) New Delhi, Dec 4 (IANS) Prices rose."],
                "Representational image (Photo: IANS)",
                "New Delhi, Dec 4 (IANS) Prices rose.",
            ),
            (
                &[
                    "Pictured: rescuers at the site in Valencia. AFP PHOTO / JOSE JORDAN",
                    "Valencia (AFP) - Floods swept the city.",
                ],
                "Pictured: rescuers at the site in Valencia. AFP PHOTO / JOSE JORDAN",
                "Valencia (AFP) - Floods swept the city.",
            ),
            (
                &[
                    "In this photo released by the Korean Central News Agency, a rocket lifts off. (KCNA/Yonhap) SEOUL, Dec. 4 (Yonhap) -- North Korea fired a rocket.",
                ],
                "In this photo released by the Korean Central News Agency, a rocket lifts off. (KCNA/Yonhap)",
                "SEOUL, Dec. 4 (Yonhap) -- North Korea fired a rocket.",
            ),
        ];
        for (list, caption, copy) in cases {
            let list = paras(list);
            let found = lead_caption(&list).unwrap_or_else(|| panic!("no caption in {list:?}"));
            assert_eq!(found.text, *caption, "{list:?}");
            assert_eq!(found.copy(&list)[0], *copy, "{list:?}");
        }
    }

    #[test]
    fn copy_that_mentions_pictures_is_not_a_caption() {
        for list in [
            &["SEOUL, Dec 4 (Yonhap) -- This photo exhibition opens on Friday."][..],
            &[
                "Photographers gathered outside the court on Friday as the verdict was read.",
                "More copy.",
            ],
            &["The images released by police show the suspect. He is 34."],
            &["NEW DELHI (PTI) Officials said the photo was fake. (PTI) More copy."],
        ] {
            assert_eq!(lead_caption(&paras(list)), None, "{list:?}");
        }
        // A credited name is capitalised: "(left)" and "and/or the police" credit no one.
        for text in ["the minister (left) smiled", "fined and/or the police said"] {
            assert!(CREDIT.find(text).is_none(), "{text}");
        }
        assert!(CREDIT.find("the minister (AP Photo/Jane Doe)").is_some());
    }

    #[test]
    fn the_caption_is_kept_as_a_pictures_with_its_credit() {
        let list = paras(&[
            "This photo provided by Starlight Entertainment shows NOVA9. (PHOTO NOT FOR SALE) (Yonhap) SEOUL, Dec 4 (Yonhap) -- Copy.",
        ]);
        let a = lead_caption(&list).unwrap().association();
        assert_eq!(a.name, CAPTION_IN_COPY);
        assert_eq!(a.kind, "picture");
        assert_eq!(a.credit.as_deref(), Some("Yonhap"));
        assert!(a.renditions.is_empty());
    }
}
