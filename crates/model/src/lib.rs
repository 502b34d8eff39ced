//! The newsroom's vocabulary: what a wire story is, and the events that change it.
//!
//! Owns: the canonical `Story`, its parts (`Dateline`, `Agency`, `PubStatus`, topics), the
//! format-neutral `WireItem` that every decoder produces, and `StoryEvent`, the unit of the
//! append-only log; and `Delivery`, one file's bytes as a transport hands them to ingest.
//! Must not: do I/O, know any wire format, or know how stories are stored or shown.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub mod agency;
mod slug;
pub mod stop_words;
pub mod text;
pub use agency::Agencies;
pub use slug::{slugify, slugify_in};

/// The largest delivery (one wire file, one pushed body, one fetched feed) taken anywhere: the
/// drop folder, `wiredesk ingest`, the push API, remote sources and the decoders all refuse
/// more. No agency item is this big, and it bounds the memory one hostile file can take.
pub const MAX_DELIVERY_BYTES: usize = 5 * 1024 * 1024;

/// One file's bytes as delivered, with where and when it arrived.
#[derive(Clone, Debug)]
pub struct Delivery {
    pub path: std::path::PathBuf,
    pub bytes: Vec<u8>,
    pub received: Timestamp,
}
#[cfg(any(test, feature = "testing"))]
pub mod testing;

/// The signals a version carries (`Story::signals`), named once for every crate that sets or
/// reads them.
/// IPTC signal for a new version with changed facts.
pub const SIG_UPDATE: &str = "sig:update";
/// IPTC signal for a version that corrects an error.
pub const SIG_CORRECTION: &str = "sig:correction";
/// The same copy sent again (REFILE, RPT): no new facts.
pub const SIG_RESEND: &str = "resend";
/// A kill advisory: the story it names must come off every surface.
pub const SIG_KILL: &str = "kill";
/// The name of the association that keeps a picture's caption found at the head of the copy
/// (the wire sent the caption, not the picture): readers' pages leave it out of the opening.
pub const CAPTION_IN_COPY: &str = "caption-in-copy";

/// The agency's publication status of an item (IPTC `pubStatus` / ninjs `pubstatus`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum PubStatus {
    #[default]
    Usable,
    Withheld,
    Canceled,
}

impl PubStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PubStatus::Usable => "usable",
            PubStatus::Withheld => "withheld",
            PubStatus::Canceled => "canceled",
        }
    }
}

/// A news agency (IANS, Reuters, AP…): the `infosource` of an item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agency {
    /// URL-safe key, e.g. `ians`.
    pub slug: String,
    /// As the agency names itself, e.g. `IANS`.
    pub name: String,
}

impl Agency {
    pub fn named(name: &str) -> Agency {
        Agency {
            slug: slugify(name),
            name: name.trim().to_string(),
        }
    }
}

/// "Seoul, Nov 6 (IANS)": where and when the agency filed, and who.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Dateline {
    /// The place as written, in title case when the wire shouts it ("TOKYO" → "Tokyo").
    pub place: Option<String>,
    /// The filing date; the year is inferred from the arrival time when the wire omits it.
    pub date: Option<jiff::civil::Date>,
    /// The agency named in the dateline, e.g. `IANS`.
    pub agency: Option<String>,
    /// The dateline exactly as it stood in the copy.
    pub text: String,
}

/// One of the site's own topics (e.g. `world`, `business`). A topic is its slug: two are the
/// same topic whatever they are called or wherever they came from, so every comparison (a
/// shared topic between stories, a topic already on a story) reads the slug alone.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Topic {
    pub slug: String,
    pub name: String,
    /// Who put the story in it; stories stored before origins were kept read as `Unrecorded`.
    #[serde(default, skip_serializing_if = "TopicOrigin::is_unrecorded")]
    pub origin: TopicOrigin,
}

impl PartialEq for Topic {
    fn eq(&self, other: &Topic) -> bool {
        self.slug == other.slug
    }
}

impl Eq for Topic {}

impl std::hash::Hash for Topic {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.slug.hash(state);
    }
}

impl PartialOrd for Topic {
    fn partial_cmp(&self, other: &Topic) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Topic {
    fn cmp(&self, other: &Topic) -> std::cmp::Ordering {
        self.slug.cmp(&other.slug)
    }
}

/// Where a story's topic came from. The trained model learns only from topics someone or
/// something other than itself gave: learning from its own guesses would only confirm them.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Hash, PartialOrd, Ord,
)]
#[serde(rename_all = "lowercase")]
pub enum TopicOrigin {
    /// The wire's own subject codes or categories, mapped by a site topic's rule.
    Wire,
    /// A site topic's keyword or place rule, matched in the copy.
    Rule,
    /// An editor on the desk.
    Desk,
    /// The site's trained topic model.
    Model,
    /// Kept before origins were recorded: nobody can say.
    #[default]
    Unrecorded,
}

impl TopicOrigin {
    pub fn is_unrecorded(&self) -> bool {
        *self == TopicOrigin::Unrecorded
    }

    /// Its name in the desk, the API and the audit log.
    pub fn as_str(&self) -> &'static str {
        match self {
            TopicOrigin::Wire => "wire",
            TopicOrigin::Rule => "rule",
            TopicOrigin::Desk => "desk",
            TopicOrigin::Model => "model",
            TopicOrigin::Unrecorded => "unrecorded",
        }
    }
}

/// A subject code as the wire sent it (IPTC Media Topic, subject code, or the agency's own).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    /// Scheme-qualified code when known (`medtop:04000000`), else the plain name.
    pub code: String,
    pub name: Option<String>,
}

impl Subject {
    /// An IPTC Media Topic or Subject Code, in the canonical form decoders give them.
    pub fn is_iptc(&self) -> bool {
        self.code.starts_with("medtop:") || self.code.starts_with("subj:")
    }

    /// What a reader may be shown as this subject: an IPTC subject's name, or an agency's own
    /// when it reads as words. The agency's ids ("dpageo:3169070", "N2:POL") and whatever is
    /// not a subject's name (an address, a link) are nothing a reader can use: `None`.
    pub fn reader_name(&self) -> Option<&str> {
        let name = self
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .or_else(|| (!self.is_iptc()).then_some(self.code.trim()))?;
        (self.is_iptc() || reads_as_a_name(name)).then_some(name)
    }
}

/// A few words, not an id, an address or a link: no scheme prefix, no digits run as long as a
/// postcode or an id, no street number before a comma.
fn reads_as_a_name(name: &str) -> bool {
    let words = name.split_whitespace().count();
    let longest_digits = name
        .split(|c: char| !c.is_ascii_digit())
        .map(str::len)
        .max()
        .unwrap_or(0);
    let address = name.contains(',') && name.chars().any(|c| c.is_ascii_digit());
    (1..=8).contains(&words)
        && name.chars().count() <= 80
        && name.chars().any(char::is_alphabetic)
        && !name.contains([':', '/', '_', '#', '@', '=', '?'])
        && longest_digits <= 4
        && !address
}

/// What a decoder extracted from one item of a delivery, before any normalizing.
///
/// Decoders fill what their format carries and leave the rest empty; they never guess.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct WireItem {
    /// guid / uri / id as sent; `None` when the format carries none (plain text).
    pub uri: Option<String>,
    pub version: Option<u32>,
    pub pubstatus: PubStatus,
    pub headline: String,
    pub slugline: Option<String>,
    pub byline: Option<String>,
    /// The dateline when the format carries it as a field; otherwise it is found in the body.
    pub dateline_text: Option<String>,
    /// The place the format names in a field of its own (NewsML-G2 `located`, NITF
    /// `location`, ninjs `located`, a town): it wins over any place read from the copy.
    #[serde(default)]
    pub place: Option<String>,
    /// Body as received: HTML (possibly unsafe) or plain text paragraphs.
    pub body: WireBody,
    /// The agency's own abstract, when it sends one.
    pub abstract_text: Option<String>,
    pub subjects: Vec<Subject>,
    pub keywords: Vec<String>,
    pub language: Option<String>,
    /// The agency, when the format names it.
    pub agency: Option<String>,
    pub source_url: Option<String>,
    pub first_created: Option<Timestamp>,
    pub version_created: Option<Timestamp>,
    pub embargoed: Option<Timestamp>,
    /// A second headline under the first (NewsML-G2 `subheadline`, digitalwires `subhead`).
    #[serde(default)]
    pub subheadline: Option<String>,
    /// The agency's urgency, 1 (most urgent) to 9, as sent.
    #[serde(default)]
    pub urgency: Option<u8>,
    /// Signals about this version as the wire sent them, e.g. `sig:update`, `sig:correction`.
    #[serde(default)]
    pub signals: Vec<String>,
    /// Who holds the copyright, when the format names them.
    #[serde(default)]
    pub copyright_holder: Option<String>,
    /// When the item must no longer be shown (NITF `date.expire`).
    #[serde(default)]
    pub expires: Option<Timestamp>,
    /// Pictures, graphics, video and audio sent with the story; never part of its body.
    #[serde(default)]
    pub associations: Vec<Association>,
    /// Why the item is not for publication (an advisory, a note to editors, a service message,
    /// a test), in words an editor reads, when a structured field of the format says so
    /// ("genre \"Achtung\" (dpatextgenre:27): a note to editors"). Normalize adds what the copy
    /// itself says; such a story is never published by itself.
    #[serde(default)]
    pub not_for_publication: Option<String>,
}

/// A picture, graphic, video or audio the agency sent with a story (ninjs `associations`, a
/// NewsML-G2 picture item in the same message or package). It stands beside the copy: its
/// caption is never part of the body or the summary.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Association {
    /// Its name within the story, as the wire gave it or by position: `featureimage`,
    /// `picture1`.
    #[serde(default)]
    pub name: String,
    /// `picture`, `graphic`, `video` or `audio`.
    #[serde(default)]
    pub kind: String,
    /// The agency's id of the media item.
    #[serde(default)]
    pub uri: Option<String>,
    #[serde(default)]
    pub headline: Option<String>,
    /// Plain text once normalized.
    #[serde(default)]
    pub caption: Option<String>,
    /// Who made it or holds the rights ("Ana Lima/WDN").
    #[serde(default)]
    pub credit: Option<String>,
    /// The files, as the agency offers them.
    #[serde(default)]
    pub renditions: Vec<Rendition>,
}

/// One file of an association (a size of a picture, an encoding of a video).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rendition {
    /// The agency's name for it (`baseImage`, `thumbnail`, `rnd:highRes`), when it has one.
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub href: String,
    #[serde(default)]
    pub mimetype: Option<String>,
    #[serde(default)]
    pub width: Option<u32>,
    #[serde(default)]
    pub height: Option<u32>,
}

/// The body of an item in the form the wire delivered it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WireBody {
    Html(String),
    Text(String),
}

impl Default for WireBody {
    fn default() -> Self {
        WireBody::Text(String::new())
    }
}

impl WireBody {
    pub fn as_str(&self) -> &str {
        match self {
            WireBody::Html(s) | WireBody::Text(s) => s,
        }
    }
}

/// Stable, URL-safe id of a story: derived from the agency item's uri, so every version of an
/// item lands on the same page.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StoryId(pub String);

impl StoryId {
    pub fn for_uri(uri: &str) -> StoryId {
        let digest = Sha256::digest(uri.as_bytes());
        StoryId(hex::encode(&digest[..8]))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for StoryId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A wire story as the site knows it: the current state, folded from its events.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Story {
    pub id: StoryId,
    /// The agency item id (guid/uri).
    pub uri: String,
    pub version: u32,
    pub pubstatus: PubStatus,
    /// The headline readers see: the agency's, or the desk's rewrite.
    pub headline: String,
    /// The headline exactly as the agency sent it.
    pub agency_headline: String,
    pub slugline: Option<String>,
    pub byline: Option<String>,
    pub dateline: Option<Dateline>,
    /// Sanitized HTML paragraphs, the agency's copy verbatim otherwise.
    pub body_html: String,
    pub summary: String,
    /// True when the summary is the agency's own abstract.
    pub summary_from_agency: bool,
    pub subjects: Vec<Subject>,
    pub topics: Vec<Topic>,
    pub keywords: Vec<String>,
    pub language: Option<String>,
    pub agency: Agency,
    pub source_url: Option<String>,
    pub first_created: Timestamp,
    pub version_created: Timestamp,
    /// When the site first published it; `None` while held or under embargo.
    pub published: Option<Timestamp>,
    /// When the site last replaced its copy with a newer version.
    pub updated: Option<Timestamp>,
    pub embargoed: Option<Timestamp>,
    /// SHA-256 of the body exactly as received, hex: proves the copy was not touched.
    pub body_hash: String,
    /// Why the story was held, withheld or killed, when it was.
    pub status_reason: Option<String>,
    /// When the desk pinned it to the top of the home page; `None` when not pinned.
    #[serde(default)]
    pub pinned_at: Option<Timestamp>,
    /// What the agency said of this version: `sig:update`, `sig:correction`, `resend`.
    #[serde(default)]
    pub signals: Vec<String>,
    /// Pictures and other media sent with the story, captions as plain text.
    #[serde(default)]
    pub associations: Vec<Association>,
    /// Why this copy is not for publication (an advisory, a note to editors, a service message,
    /// a test), from the wire's own fields or the copy's opening; `None` for news. Such a story
    /// waits on the desk: nothing publishes it but an editor.
    #[serde(default)]
    pub not_for_publication: Option<String>,
    /// The agency's urgency, 1 (most urgent) to 9, as sent; `None` when the format or the
    /// agency gave none.
    #[serde(default)]
    pub urgency: Option<u8>,
    /// Topics the desk took off the story: later versions of the copy do not bring them back.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics_removed_by_desk: Vec<String>,
}

impl Story {
    /// A new version of the copy keeps what the desk said about `previous`'s topics: the ones
    /// it gave stay, the ones it took off stay off.
    fn keep_desk_topics(&mut self, previous: &Story) {
        let removed = &previous.topics_removed_by_desk;
        let desk: Vec<&Topic> = previous
            .topics
            .iter()
            .filter(|t| t.origin == TopicOrigin::Desk)
            .collect();
        self.topics
            .retain(|t| !removed.contains(&t.slug) && !desk.contains(&t));
        self.topics.extend(desk.into_iter().cloned());
        self.topics_removed_by_desk = removed.clone();
    }

    /// The desk may rewrite the headline; nothing else in the copy is ever edited.
    pub fn headline_rewritten(&self) -> bool {
        self.headline != self.agency_headline
    }

    /// Visible to readers: usable, published, past any embargo.
    pub fn is_live(&self, now: Timestamp) -> bool {
        self.live_from().is_some_and(|live| live <= now)
    }

    /// When readers see it, as it stands: `went_live()` while it is usable, `None` otherwise
    /// (held, killed or withheld). Live at `now` exactly when this is at or before `now`; a
    /// story with one is indexed and listed from that time.
    pub fn live_from(&self) -> Option<Timestamp> {
        (self.pubstatus == PubStatus::Usable)
            .then(|| self.went_live())
            .flatten()
    }

    /// The time readers should see as "last changed".
    pub fn modified(&self) -> Timestamp {
        self.updated
            .or(self.published)
            .unwrap_or(self.version_created)
    }

    /// When readers first could see it (its publication, or its embargo if later), or, while
    /// it never was published, when this version was made.
    pub fn first_published(&self) -> Timestamp {
        self.went_live().unwrap_or(self.version_created)
    }

    /// Published, but its embargo has not been lifted yet: the embargo clock still owes it an
    /// `EmbargoLifted` event at `went_live()`.
    pub fn awaits_embargo(&self) -> bool {
        self.pubstatus == PubStatus::Usable
            && self
                .published
                .zip(self.embargoed)
                .is_some_and(|(p, e)| e > p)
    }

    /// When it went (or goes) live to readers whatever its status now: its publication, or
    /// its embargo if that is later; `None` while it has never been published.
    pub fn went_live(&self) -> Option<Timestamp> {
        let published = self.published?;
        Some(self.embargoed.map_or(published, |e| e.max(published)))
    }
}

/// The article page's path: the id finds the story, the headline's slug is for readers.
/// `language` is the story's (`Story::language`): German headlines get German spellings.
pub fn story_path(id: &StoryId, headline: &str, language: Option<&str>) -> String {
    let slug = slugify_in(headline, language);
    let slug: String = slug.chars().take(80).collect();
    let slug = slug.trim_end_matches('-');
    // A headline with nothing to spell ("!!!") still needs a last segment: `/story/{id}/`
    // would not be the article's address. The id's first half says nothing wrong.
    let slug = if slug.is_empty() {
        id.as_str().get(..8).unwrap_or(id.as_str())
    } else {
        slug
    };
    format!("/story/{id}/{slug}")
}

/// SHA-256 hex of the body as received.
pub fn body_hash(body: &str) -> String {
    hex::encode(Sha256::digest(body.as_bytes()))
}

/// One change of state of a story: the only thing ever written to the log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StoryEvent {
    /// The first version of an agency item arrived.
    Ingested { story: Box<Story> },
    /// A newer version of the item replaced the copy in place.
    Updated { story: Box<Story> },
    /// The story went live on the site.
    Published { id: StoryId },
    /// The desk held the story back from publishing.
    Held { id: StoryId, reason: String },
    /// The desk rewrote the headline; the agency's original is kept on the story.
    HeadlineEdited {
        id: StoryId,
        headline: String,
        by: String,
    },
    /// The agency withheld the item (pubstatus withheld): off every surface until usable again.
    Withheld { id: StoryId, reason: String },
    /// The agency or the desk killed the story: off every surface, for good.
    Killed { id: StoryId, reason: String },
    /// The embargo ended and the story went live: its first publication is now. Appended by
    /// the embargo clock, so every projection (caches, feeds) learns the moment it happens.
    EmbargoLifted { id: StoryId },
    /// The desk pinned the story to the top of the home page.
    Pinned { id: StoryId, by: String },
    /// The desk took the pin off.
    Unpinned { id: StoryId, by: String },
    /// The desk changed the story's topics: `added` are the desk's from now on, and `removed`
    /// stay off the story whatever later versions of the copy say.
    TopicsEdited {
        id: StoryId,
        added: Vec<Topic>,
        removed: Vec<Topic>,
        by: String,
    },
}

impl StoryEvent {
    pub fn story_id(&self) -> &StoryId {
        match self {
            StoryEvent::Ingested { story } | StoryEvent::Updated { story } => &story.id,
            StoryEvent::Published { id }
            | StoryEvent::Held { id, .. }
            | StoryEvent::HeadlineEdited { id, .. }
            | StoryEvent::Withheld { id, .. }
            | StoryEvent::Killed { id, .. }
            | StoryEvent::EmbargoLifted { id }
            | StoryEvent::Pinned { id, .. }
            | StoryEvent::Unpinned { id, .. }
            | StoryEvent::TopicsEdited { id, .. } => id,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            StoryEvent::Ingested { .. } => "ingested",
            StoryEvent::Updated { .. } => "updated",
            StoryEvent::Published { .. } => "published",
            StoryEvent::Held { .. } => "held",
            StoryEvent::HeadlineEdited { .. } => "headline_edited",
            StoryEvent::Withheld { .. } => "withheld",
            StoryEvent::Killed { .. } => "killed",
            StoryEvent::EmbargoLifted { .. } => "embargo_lifted",
            StoryEvent::Pinned { .. } => "pinned",
            StoryEvent::Unpinned { .. } => "unpinned",
            StoryEvent::TopicsEdited { .. } => "topics_edited",
        }
    }

    /// Fold this event into the story's current state. `at` is when the event was recorded.
    /// Ingested/Updated carry the whole story; the others change it in place.
    pub fn apply(&self, current: Option<Story>, at: Timestamp) -> Option<Story> {
        // A kill is final: whatever arrives or is done after it, the story stays killed.
        if let Some(story) = &current
            && story.pubstatus == PubStatus::Canceled
        {
            return current;
        }
        match self {
            StoryEvent::Ingested { story } => Some((**story).clone()),
            StoryEvent::Updated { story } => {
                let mut next = (**story).clone();
                if let Some(prev) = current {
                    // A new version never undoes the desk's headline, topics or the first
                    // publication.
                    next.keep_desk_topics(&prev);
                    if prev.headline_rewritten() {
                        next.headline = prev.headline;
                    }
                    next.published = prev.published.or(next.published);
                    next.pinned_at = prev.pinned_at;
                    if next.published.is_some() {
                        next.updated = Some(at);
                    }
                }
                Some(next)
            }
            StoryEvent::Published { .. } => current.map(|mut s| {
                s.published.get_or_insert(at);
                s.status_reason = None;
                if s.pubstatus == PubStatus::Withheld {
                    s.pubstatus = PubStatus::Usable;
                }
                s
            }),
            StoryEvent::Held { reason, .. } => current.map(|mut s| {
                s.published = None;
                s.status_reason = Some(reason.clone());
                s
            }),
            StoryEvent::HeadlineEdited { headline, .. } => current.map(|mut s| {
                s.headline = headline.clone();
                s
            }),
            StoryEvent::Withheld { reason, .. } => current.map(|mut s| {
                s.pubstatus = PubStatus::Withheld;
                s.status_reason = Some(reason.clone());
                s
            }),
            StoryEvent::Killed { reason, .. } => current.map(|mut s| {
                s.pubstatus = PubStatus::Canceled;
                s.status_reason = Some(reason.clone());
                s.pinned_at = None;
                s
            }),
            // Readers first saw it at the embargo, so that is its first publication.
            StoryEvent::EmbargoLifted { .. } => current.map(|mut s| {
                if let Some(live) = s.went_live() {
                    s.published = Some(live);
                }
                s
            }),
            StoryEvent::Pinned { .. } => current.map(|mut s| {
                s.pinned_at = Some(at);
                s
            }),
            StoryEvent::Unpinned { .. } => current.map(|mut s| {
                s.pinned_at = None;
                s
            }),
            StoryEvent::TopicsEdited { added, removed, .. } => current.map(|mut s| {
                s.topics
                    .retain(|t| !removed.contains(t) && !added.contains(t));
                s.topics.extend(added.iter().map(|t| Topic {
                    origin: TopicOrigin::Desk,
                    ..t.clone()
                }));
                s.topics_removed_by_desk
                    .retain(|slug| !added.iter().any(|t| &t.slug == slug));
                for t in removed {
                    if !s.topics_removed_by_desk.contains(&t.slug) {
                        s.topics_removed_by_desk.push(t.slug.clone());
                    }
                }
                s
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_story_path_has_a_slug() {
        let id = StoryId::for_uri("urn:x");
        assert_eq!(
            story_path(&id, "Rivers rise in Assam", Some("en")),
            format!("/story/{id}/rivers-rise-in-assam")
        );
        assert_eq!(
            story_path(&id, "असम में बाढ़", Some("hi")),
            format!("/story/{id}/asm-men-baaddh")
        );
        assert_eq!(
            story_path(&id, "Glätte: Unfälle auf der A7", Some("de")),
            format!("/story/{id}/glaette-unfaelle-auf-der-a7")
        );
        let short = &id.as_str()[..8];
        assert_eq!(story_path(&id, "!!!", None), format!("/story/{id}/{short}"));
        assert_eq!(
            story_path(&id, "", Some("en")),
            format!("/story/{id}/{short}")
        );
    }

    #[test]
    fn story_slugs_stop_at_80_characters_without_a_trailing_hyphen() {
        let id = StoryId::for_uri("urn:x");
        let path = story_path(&id, &"word ".repeat(40), None);
        let slug = path.rsplit('/').next().unwrap();
        assert!(slug.len() <= 80 && !slug.ends_with('-'), "{slug}");
    }

    fn story() -> Story {
        let t: Timestamp = "2026-11-28T08:00:00Z".parse().unwrap();
        let mut s = crate::testing::story("urn:test:1", "Original", "Copy.", t);
        s.published = Some(t);
        s
    }

    fn topic(slug: &str, origin: TopicOrigin) -> Topic {
        Topic {
            slug: slug.into(),
            name: slug.to_uppercase(),
            origin,
        }
    }

    #[test]
    fn the_desks_topics_outlast_new_versions_of_the_copy() {
        let t: Timestamp = "2026-11-28T09:00:00Z".parse().unwrap();
        let mut first = story();
        first.topics = vec![
            topic("health", TopicOrigin::Rule),
            topic("india", TopicOrigin::Wire),
        ];
        let edited = StoryEvent::TopicsEdited {
            id: first.id.clone(),
            added: vec![topic("politics", TopicOrigin::Unrecorded)],
            removed: vec![topic("health", TopicOrigin::Rule)],
            by: "ed".into(),
        }
        .apply(Some(first.clone()), t)
        .unwrap();
        let slugs = |s: &Story| -> Vec<(String, TopicOrigin)> {
            s.topics
                .iter()
                .map(|t| (t.slug.clone(), t.origin))
                .collect()
        };
        assert_eq!(
            slugs(&edited),
            [
                ("india".to_string(), TopicOrigin::Wire),
                ("politics".to_string(), TopicOrigin::Desk)
            ]
        );
        assert_eq!(edited.topics_removed_by_desk, ["health"]);

        // The agency's next version is tagged by the rules again, health included.
        let mut second = first.clone();
        second.version = 2;
        second.topics = vec![
            topic("health", TopicOrigin::Rule),
            topic("business", TopicOrigin::Rule),
        ];
        let updated = StoryEvent::Updated {
            story: Box::new(second),
        }
        .apply(Some(edited.clone()), t)
        .unwrap();
        assert_eq!(
            slugs(&updated),
            [
                ("business".to_string(), TopicOrigin::Rule),
                ("politics".to_string(), TopicOrigin::Desk)
            ]
        );

        // Giving back a topic it took off lifts the ban; a stored story with none reads.
        let restored = StoryEvent::TopicsEdited {
            id: first.id.clone(),
            added: vec![topic("health", TopicOrigin::Rule)],
            removed: vec![],
            by: "ed".into(),
        }
        .apply(Some(updated), t)
        .unwrap();
        assert!(restored.topics_removed_by_desk.is_empty());
        assert!(
            restored
                .topics
                .contains(&topic("health", TopicOrigin::Desk))
        );
        // What a story stored before either was kept looks like, written and read.
        let mut old = story();
        old.topics = vec![topic("india", TopicOrigin::Unrecorded)];
        let json = serde_json::to_string(&old).unwrap();
        assert!(!json.contains("topics_removed_by_desk") && !json.contains("origin"));
        assert_eq!(serde_json::from_str::<Story>(&json).unwrap(), old);
    }

    #[test]
    fn a_story_stored_before_associations_still_reads() {
        let mut old = serde_json::to_value(story()).unwrap();
        old.as_object_mut().unwrap().remove("associations");
        let read: Story = serde_json::from_value(old).unwrap();
        assert!(read.associations.is_empty());
        let item: WireItem =
            serde_json::from_str(r#"{"uri":null,"version":null,"pubstatus":"usable","headline":"H","slugline":null,"byline":null,"dateline_text":null,"body":{"Text":"B"},"abstract_text":null,"subjects":[],"keywords":[],"language":null,"agency":null,"source_url":null,"first_created":null,"version_created":null,"embargoed":null}"#).unwrap();
        assert!(item.associations.is_empty());
    }

    #[test]
    fn a_reader_is_shown_subject_names_never_ids_or_addresses() {
        let s = |code: &str, name: Option<&str>| Subject {
            code: code.into(),
            name: name.map(str::to_string),
        };
        #[rustfmt::skip]
        let cases = [
            (s("medtop:04000000", Some("economy, business and finance")), Some("economy, business and finance")),
            (s("subj:15054000", Some("soccer")), Some("soccer")),
            (s("medtop:99999999", None), None),
            (s("dpatopic:sport", Some("Sport")), Some("Sport")),
            (s("sttdepartment:9", Some("Politics")), Some("Politics")),
            (s("N2:POL", Some("Politics")), Some("Politics")),
            (s("Cricket", None), Some("Cricket")),
            (s("COVID-19", None), Some("COVID-19")),
            (s("2026 World Cup", None), Some("2026 World Cup")),
            (s("N2:POL", None), None),
            (s("dpageo:3169070", None), None),
            (s("dpageo:3169070", Some("3169070")), None),
            (s("apsourceid:z01122", Some("  ")), None),
            (s("poi:1", Some("Hotel Adlon Kempinski, Unter den Linden 77, 10117 Berlin")), None),
            (s("poi:2", Some("Grand Hotel Unter den Linden 77 10117 Berlin")), None),
            (s("link", Some("https://example.test/topics/1")), None),
            (s("x", Some("one two three four five six seven eight nine")), None),
        ];
        for (subject, want) in cases {
            assert_eq!(subject.reader_name(), want, "{subject:?}");
        }
    }

    #[test]
    fn story_id_is_stable_per_uri_and_differs_between_uris() {
        assert_eq!(StoryId::for_uri("a"), StoryId::for_uri("a"));
        assert_ne!(StoryId::for_uri("a"), StoryId::for_uri("b"));
        assert_eq!(StoryId::for_uri("a").as_str().len(), 16);
    }

    #[test]
    fn an_update_keeps_the_desk_headline_and_first_publication() {
        let t2: Timestamp = "2026-11-28T09:00:00Z".parse().unwrap();
        let mut first = story();
        first.headline = "Desk rewrite".into();
        let mut v2 = story();
        v2.version = 2;
        v2.published = None;
        let next = StoryEvent::Updated {
            story: Box::new(v2),
        }
        .apply(Some(first.clone()), t2)
        .unwrap();
        assert_eq!(next.headline, "Desk rewrite");
        assert_eq!(next.published, first.published);
        assert_eq!(next.updated, Some(t2));
        assert_eq!(next.version, 2);
    }

    #[test]
    fn a_kill_takes_the_story_off_the_site() {
        let s = story();
        let now: Timestamp = "2026-11-28T10:00:00Z".parse().unwrap();
        assert!(s.is_live(now));
        let killed = StoryEvent::Killed {
            id: s.id.clone(),
            reason: "legal".into(),
        }
        .apply(Some(s), now)
        .unwrap();
        assert!(!killed.is_live(now));
        assert_eq!(killed.pubstatus, PubStatus::Canceled);
    }

    #[test]
    fn an_embargoed_story_is_not_live_before_its_time() {
        let mut s = story();
        s.embargoed = Some("2026-11-28T12:00:00Z".parse().unwrap());
        assert!(!s.is_live("2026-11-28T11:59:59Z".parse().unwrap()));
        assert!(s.is_live("2026-11-28T12:00:00Z".parse().unwrap()));
    }

    #[test]
    fn live_from_is_the_embargo_or_publication_of_a_usable_story_only() {
        let mut s = story();
        let embargo: Timestamp = "2026-11-28T12:00:00Z".parse().unwrap();
        s.embargoed = Some(embargo);
        assert_eq!(s.live_from(), Some(embargo));
        assert_eq!(s.went_live(), Some(embargo));
        s.pubstatus = PubStatus::Withheld;
        assert_eq!(s.live_from(), None);
        assert_eq!(s.went_live(), Some(embargo));
        s.pubstatus = PubStatus::Usable;
        s.published = None;
        assert_eq!(s.live_from(), None);
        assert!(!s.is_live(embargo));
    }
}
