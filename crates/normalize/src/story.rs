//! Assembling the canonical `Story` from a decoded `WireItem`: identity, dateline, safe body,
//! summary, times. Topics and language are added later by `enrich`; publication is decided by
//! `editorial`.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use wiredesk_model::{Agencies, Dateline, PubStatus, Story, StoryId, WireItem, body_hash};

use crate::summary::without_captions;
use crate::{
    body_to_html, clean_abstract, clean_associations, embargo_in_copy, find_dateline,
    legacy_font_in_copy, not_for_publication_in_copy, paragraphs_text, place_name,
    read_dateline_field, strip_resend_notes, summarize,
};

/// What normalizing needs to know beyond the item itself.
pub struct NormalizeContext<'a> {
    /// When the delivery arrived: the year of a dateline and the default item times.
    pub received: Timestamp,
    /// The site's time zone: a dateline's date is the agency's local date, near enough ours.
    pub time_zone: &'a TimeZone,
    /// The agency to credit when neither the format nor the dateline names one.
    pub default_agency: &'a str,
    /// Every credit is read through this table: one agency, one name.
    pub agencies: &'a Agencies,
    /// Longest summary, in characters.
    pub summary_chars: usize,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum NormalizeError {
    /// An item without copy can never be published: an editor may write a headline, never the
    /// copy. (One without a headline is a story, held on the desk for one.)
    #[error("the item \"{0}\" has no body copy")]
    NoBody(String),
}

/// The start of every id the normalizer makes up (for copy that carries none).
pub const SYNTHESIZED_URI_PREFIX: &str = "urn:wiredesk:";

/// Plain copy carries no id; the agency and the words that open the story name it, so a
/// re-send of the same story (even with corrected copy) lands on the same page. Copy without a
/// headline is named by its opening words instead.
fn synthesized_uri(agency: &str, headline: &str, dateline: Option<&Dateline>) -> String {
    let key = format!(
        "{}\n{}\n{}",
        agency.to_lowercase(),
        headline.trim().to_lowercase(),
        dateline.map(|d| d.text.as_str()).unwrap_or("")
    );
    format!(
        "{SYNTHESIZED_URI_PREFIX}{}:{}",
        wiredesk_model::slugify(agency),
        &body_hash(&key)[..24]
    )
}

pub fn to_story(item: WireItem, ctx: &NormalizeContext<'_>) -> Result<Story, NormalizeError> {
    // An empty headline stays empty: the story waits on the desk for an editor to write one
    // (`editorial`), and nothing here makes one up from the copy.
    let sent_headline = collapse_whitespace(&item.headline);
    // "UPDATE 2-", "REFILE-": the wire's filing notes, not words for readers.
    let resend = strip_resend_notes(&sent_headline);
    let headline = resend.headline.clone();
    let mut signals: Vec<String> = item.signals.clone();
    for signal in &resend.signals {
        if !signals.iter().any(|s| s == signal) {
            signals.push(signal.to_string());
        }
    }
    // Formats with an embargo field say so there; plain copy says it in its opening lines.
    let embargoed = item.embargoed.or_else(|| {
        embargo_in_copy(
            &sent_headline,
            item.body.as_str(),
            ctx.received,
            ctx.time_zone,
        )
    });
    let paragraphs = paragraphs_text(&item.body);
    if paragraphs.iter().all(|p| p.trim().is_empty()) {
        return Err(NormalizeError::NoBody(headline));
    }
    // The wire's own field says it first; plain copy says it in its opening words. Copy in a
    // legacy font's encoding is held the same way: published, it would be gibberish.
    let not_for_publication = item
        .not_for_publication
        .clone()
        .or_else(|| not_for_publication_in_copy(&sent_headline, &paragraphs))
        .or_else(|| legacy_font_in_copy(&sent_headline, &paragraphs));
    let version_created = item
        .version_created
        .or(item.first_created)
        .unwrap_or(ctx.received);
    let first_created = item.first_created.unwrap_or(version_created);

    // A picture's caption ahead of the copy is the picture's, not the opening's.
    let caption = crate::captions::lead_caption(&paragraphs);
    let copy: Vec<String> = match &caption {
        Some(c) => c.copy(&paragraphs).into_iter().map(String::from).collect(),
        None => paragraphs.clone(),
    };
    let first = copy.first().map(String::as_str).unwrap_or("");
    let mut in_copy = find_dateline(first, ctx.received, ctx.time_zone.clone());
    let mut dateline_len = in_copy.as_ref().map_or(0, |(_, len)| *len);
    if in_copy.is_none() {
        // "(Photo: IANS) Mumbai, Nov 27 (IANS) …": the dateline stands after the caption. Its
        // length then counts in the cleaned text, not the paragraph, so the summarizer finds
        // (and skips) it on its own.
        in_copy = find_dateline(
            &without_captions(first),
            ctx.received,
            ctx.time_zone.clone(),
        );
        dateline_len = 0;
    }
    let dateline = dateline(&item, in_copy.map(|(d, _)| d), first_created, ctx);

    // The dateline names the agency that filed the copy; a feed's own title ("PTI National")
    // only names the channel it came through.
    let agency_name = dateline
        .as_ref()
        .and_then(|d| d.agency.clone())
        .or_else(|| item.agency.clone().filter(|a| !a.trim().is_empty()))
        .unwrap_or_else(|| ctx.default_agency.to_string());
    let agency = ctx.agencies.agency(&agency_name);
    let uri = item
        .uri
        .clone()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| {
            let name = if headline.is_empty() {
                first.chars().take(200).collect()
            } else {
                headline.clone()
            };
            synthesized_uri(&agency.name, &name, dateline.as_ref())
        });

    let (summary, summary_from_agency) = match item.abstract_text.as_deref() {
        Some(a) if !a.trim().is_empty() => (clean_abstract(a, ctx.summary_chars), true),
        _ => (summarize(&copy, dateline_len, ctx.summary_chars), false),
    };

    Ok(Story {
        id: StoryId::for_uri(&uri),
        uri,
        version: item.version.or(resend.version).unwrap_or(1),
        pubstatus: item.pubstatus,
        agency_headline: headline.clone(),
        headline,
        slugline: item.slugline.filter(|s| !s.trim().is_empty()),
        byline: item.byline.filter(|s| !s.trim().is_empty()),
        dateline,
        body_html: body_to_html(&item.body),
        summary,
        summary_from_agency,
        subjects: item.subjects,
        topics: vec![],
        keywords: item.keywords,
        language: item.language,
        agency,
        source_url: item.source_url.filter(|u| is_web_url(u)),
        first_created,
        version_created,
        published: None,
        updated: None,
        embargoed,
        body_hash: body_hash(item.body.as_str()),
        status_reason: match item.pubstatus {
            PubStatus::Usable => None,
            other => Some(format!("the agency sent it as {}", other.as_str())),
        },
        pinned_at: None,
        signals,
        associations: clean_associations(item.associations)
            .into_iter()
            .chain(caption.map(|c| c.association()))
            .collect(),
        not_for_publication,
        urgency: item.urgency.filter(|u| (1..=9).contains(u)),
        topics_removed_by_desk: Vec::new(),
    })
}

/// The story's dateline. The format's own place (a `located`, a `location`, its dateline
/// field) wins over one read from the copy, which stands only when the format names none: a
/// teaser's first words are not a place. The copy's dateline still says who filed and when.
fn dateline(
    item: &WireItem,
    in_copy: Option<Dateline>,
    first_created: jiff::Timestamp,
    ctx: &NormalizeContext<'_>,
) -> Option<Dateline> {
    let field = item
        .dateline_text
        .as_deref()
        .and_then(|t| read_dateline_field(t, ctx.received, ctx.time_zone.clone()));
    let own_place = item.place.as_deref().and_then(place_name);
    let place = own_place
        .clone()
        .or_else(|| field.as_ref().and_then(|d| d.place.clone()))
        .or_else(|| in_copy.as_ref().and_then(|d| d.place.clone()));
    if place.is_none() && field.is_none() && in_copy.is_none() {
        return None;
    }
    let date = field
        .as_ref()
        .and_then(|d| d.date)
        .or_else(|| in_copy.as_ref().and_then(|d| d.date))
        // A bare place (ninjs `located`): dated by the item itself.
        .or_else(|| {
            (place.is_some() && in_copy.is_none()).then(|| {
                first_created
                    .to_zoned_datetime(ctx.time_zone.clone())
                    .date()
            })
        });
    let agency = in_copy
        .as_ref()
        .and_then(|d| d.agency.clone())
        .or_else(|| field.as_ref().and_then(|d| d.agency.clone()));
    let text = field
        .map(|d| d.text)
        .or_else(|| in_copy.map(|d| d.text))
        .or_else(|| own_place.clone())
        .unwrap_or_default();
    Some(Dateline {
        place,
        date,
        agency,
        text,
    })
}

fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Only http(s) links may become "Go to Source": anything else is not a page a reader can open.
fn is_web_url(u: &str) -> bool {
    let lower = u.trim().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

#[cfg(test)]
mod tests {
    use super::*;
    use wiredesk_model::WireBody;

    static AGENCIES: std::sync::LazyLock<Agencies> = std::sync::LazyLock::new(Agencies::default);

    fn ctx(tz: &TimeZone) -> NormalizeContext<'_> {
        NormalizeContext {
            received: "2026-11-28T06:00:00Z".parse().unwrap(),
            time_zone: tz,
            default_agency: "Wire",
            agencies: &AGENCIES,
            summary_chars: 200,
        }
    }

    fn plain(headline: &str, body: &str) -> WireItem {
        WireItem {
            headline: headline.into(),
            body: WireBody::Text(body.into()),
            ..WireItem::default()
        }
    }

    #[test]
    fn plain_copy_gets_its_agency_and_identity_from_the_dateline() {
        let tz = TimeZone::get("Asia/Kolkata").unwrap();
        let item = plain(
            "S Korea, Japan to hold talks",
            "Seoul, Nov 6 (IANS) South Korea and Japan will hold talks. More follows.\n\nSecond paragraph.",
        );
        let story = to_story(item.clone(), &ctx(&tz)).unwrap();
        assert_eq!(story.agency.name, "IANS");
        let dateline = story.dateline.clone().unwrap();
        assert_eq!(dateline.place.as_deref(), Some("Seoul"));
        assert_eq!(dateline.date.unwrap().to_string(), "2026-11-06");
        assert!(story.uri.starts_with("urn:wiredesk:ians:"));
        assert!(
            story.summary.starts_with("South Korea and Japan"),
            "{}",
            story.summary
        );
        assert_eq!(story.body_hash, body_hash(item.body.as_str()));
        // The same copy sent again is the same story.
        assert_eq!(to_story(item, &ctx(&tz)).unwrap().id, story.id);
    }

    #[test]
    fn the_formats_own_place_wins_over_the_copys_first_words() {
        let tz = TimeZone::UTC;
        let mut item = plain(
            "Papst tritt zurück",
            "Donnerschlag im Vatikan: Der Papst tritt zurück.",
        );
        item.place = Some("Rom".into());
        let dateline = to_story(item.clone(), &ctx(&tz)).unwrap().dateline.unwrap();
        assert_eq!(dateline.place.as_deref(), Some("Rom"));
        // Without one, the teaser's first words are no place at all.
        item.place = None;
        assert_eq!(to_story(item, &ctx(&tz)).unwrap().dateline, None);

        // The copy's dateline still says who filed; the place is the format's.
        let mut item = plain("Hafen", "Hamburg (dpa) - Der Hafen meldet einen Rekord.");
        item.place = Some("Berlin".into());
        let story = to_story(item, &ctx(&tz)).unwrap();
        let dateline = story.dateline.unwrap();
        assert_eq!(dateline.place.as_deref(), Some("Berlin"));
        assert_eq!(dateline.agency.as_deref(), Some("dpa"));
        assert_eq!(story.agency.slug, "dpa");

        // A dateline field is read whole; an id where the place goes is dropped.
        let mut item = plain("Bridge reopens", "The bridge reopened on Friday.");
        item.dateline_text = Some("PORTO, Nov 6".into());
        let dateline = to_story(item.clone(), &ctx(&tz)).unwrap().dateline.unwrap();
        assert_eq!(dateline.place.as_deref(), Some("Porto"));
        assert_eq!(dateline.date.unwrap().to_string(), "2026-11-06");
        item.dateline_text = None;
        item.place = Some("geo:3169070".into());
        assert_eq!(to_story(item, &ctx(&tz)).unwrap().dateline, None);
    }

    #[test]
    fn every_spelling_of_an_agency_files_the_copy_under_one_name() {
        let tz = TimeZone::UTC;
        let credited = |agency: Option<&str>, body: &str, agencies: &Agencies| {
            let mut item = plain("Head", body);
            item.agency = agency.map(str::to_string);
            let ctx = NormalizeContext {
                agencies,
                ..ctx(&tz)
            };
            to_story(item, &ctx).unwrap().agency
        };
        let built_in = Agencies::default();
        for (agency, body) in [
            (
                Some("Deutsche Presse-Agentur GmbH"),
                "Die Regierung hat sich geeinigt.",
            ),
            (
                Some("deutsche presse-agentur"),
                "Die Regierung hat sich geeinigt.",
            ),
            (Some("DPA"), "Die Regierung hat sich geeinigt."),
            (None, "Berlin (dpa) - Die Regierung hat sich geeinigt."),
            (None, "Peine (dpa/lni) - Ein Baum blockierte die Strecke."),
            (Some("Deutsche Presse-Agentur GmbH"), "Berlin (dpa) - Copy."),
        ] {
            let got = credited(agency, body, &built_in);
            assert_eq!(
                (got.slug.as_str(), got.name.as_str()),
                ("dpa", "dpa"),
                "{agency:?} {body:?}"
            );
        }
        let pti = credited(Some("Press Trust of India"), "Copy.", &built_in);
        assert_eq!(pti.slug, "pti");
        // A site's own agency and its aliases, from the config.
        let mut site = Agencies::default();
        site.add("Asia News Network", ["ANN"]);
        let ann = credited(None, "BANGKOK, Dec 5 (ANN) - Copy.", &site);
        assert_eq!(
            (ann.slug.as_str(), ann.name.as_str()),
            ("asia-news-network", "Asia News Network")
        );
        assert_eq!(
            credited(None, "BANGKOK, Dec 5 (ANN) - Copy.", &built_in).slug,
            "ann"
        );
    }

    #[test]
    fn a_dateline_after_a_photo_caption_is_still_found() {
        let tz = TimeZone::get("Asia/Kolkata").unwrap();
        let item = plain(
            "Film crosses Rs 200 crore",
            "(Photo: IANS) Mumbai, Nov 27 (IANS) The period drama crossed Rs 200 crore at the box office on Friday.",
        );
        let story = to_story(item, &ctx(&tz)).unwrap();
        assert_eq!(story.agency.name, "IANS");
        assert_eq!(story.dateline.unwrap().place.as_deref(), Some("Mumbai"));
        assert!(
            story.summary.starts_with("The period drama"),
            "{}",
            story.summary
        );
    }

    #[test]
    fn a_pictures_caption_ahead_of_the_copy_is_the_pictures_not_the_opening() {
        let tz = TimeZone::get("Asia/Seoul").unwrap();
        let item = plain(
            "NOVA9 to tour 30 cities",
            "This photo provided by Starlight Entertainment shows the K-pop group NOVA9. (PHOTO NOT FOR SALE) (Yonhap) SEOUL, Dec 4 (Yonhap) -- K-pop boy band NOVA9 will embark on its first world tour next year.\n\nTickets go on sale this month.",
        );
        let story = to_story(item, &ctx(&tz)).unwrap();
        assert_eq!(story.agency.name, "Yonhap");
        assert_eq!(story.dateline.unwrap().place.as_deref(), Some("Seoul"));
        assert!(
            story.summary.starts_with("K-pop boy band NOVA9"),
            "{}",
            story.summary
        );
        let caption = story
            .associations
            .iter()
            .find(|a| a.name == wiredesk_model::CAPTION_IN_COPY)
            .expect("the caption kept as the picture's");
        assert!(
            caption
                .caption
                .as_deref()
                .unwrap()
                .starts_with("This photo provided by")
        );
        // The copy itself is as the agency sent it.
        assert!(story.body_html.contains("This photo provided by"));
    }

    #[test]
    fn hindi_copy_is_filed_under_its_agency_and_summarised_after_its_dateline_at_a_danda() {
        let tz = TimeZone::get("Asia/Kolkata").unwrap();
        let mut c = ctx(&tz);
        c.summary_chars = 60;
        let item = plain(
            "दिल्ली में ठंड बढ़ी",
            "नई दिल्ली, 5 दिसंबर (आईएएनएस)। राष्ट्रीय राजधानी में शुक्रवार को ठंड बढ़ गई। मौसम विभाग ने कहा कि अगले दो दिन कोहरा रहेगा और तापमान और गिरेगा।",
        );
        let story = to_story(item, &c).unwrap();
        assert_eq!(story.agency.name, "IANS");
        assert_eq!(story.dateline.unwrap().place.as_deref(), Some("नई दिल्ली"));
        assert_eq!(story.summary, "राष्ट्रीय राजधानी में शुक्रवार को ठंड बढ़ गई।");
    }

    #[test]
    fn an_item_without_body_is_refused_and_one_without_headline_kept_empty() {
        let tz = TimeZone::UTC;
        let story = to_story(plain("  ", "PARIS (AFP) - Body."), &ctx(&tz)).unwrap();
        assert_eq!(
            (story.headline.as_str(), story.agency_headline.as_str()),
            ("", "")
        );
        assert!(story.uri.starts_with("urn:wiredesk:afp:"));
        // Two headline-less stories from one agency are told apart by their copy.
        let other = to_story(plain("", "PARIS (AFP) - Other copy."), &ctx(&tz)).unwrap();
        assert_ne!(story.id, other.id);
        assert!(matches!(
            to_story(plain("Head", "  \n "), &ctx(&tz)),
            Err(NormalizeError::NoBody(_))
        ));
    }

    #[test]
    fn the_agency_abstract_is_preferred_and_non_web_source_links_are_dropped() {
        let tz = TimeZone::UTC;
        let mut item = plain("Head", "PARIS (AFP) - Copy here.");
        item.abstract_text = Some("The agency's own abstract.".into());
        item.source_url = Some("javascript:alert(1)".into());
        let story = to_story(item, &ctx(&tz)).unwrap();
        assert!(story.summary_from_agency);
        assert_eq!(story.summary, "The agency's own abstract.");
        assert_eq!(story.source_url, None);
    }

    #[test]
    fn pictures_travel_beside_the_copy_never_in_it() {
        let tz = TimeZone::UTC;
        let mut item = plain(
            "Bridge reopens",
            "PORTO (WDN) - The bridge reopened on Friday.",
        );
        item.associations = vec![wiredesk_model::Association {
            name: "picture1".into(),
            kind: "picture".into(),
            caption: Some("<i>Cars cross the bridge.</i> CAPTION".into()),
            credit: Some("Ana Lima/WDN".into()),
            renditions: vec![wiredesk_model::Rendition {
                href: "https://wire.example/b.jpg".into(),
                ..Default::default()
            }],
            ..Default::default()
        }];
        let story = to_story(item, &ctx(&tz)).unwrap();
        assert_eq!(story.associations.len(), 1);
        assert_eq!(
            story.associations[0].caption.as_deref(),
            Some("Cars cross the bridge. CAPTION")
        );
        assert!(!story.summary.contains("CAPTION"), "{}", story.summary);
        assert!(!story.body_html.contains("CAPTION"), "{}", story.body_html);
    }
}
