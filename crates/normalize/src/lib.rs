//! normalize: turns a decoded WireItem's raw fields into the site's canonical forms — dateline,
//! safe HTML, summary — and reads what the copy's own words say of it: filing notes, an
//! embargo notice, and markers that it is not for publication (`not_for_publication`: an
//! advisory, a note to editors, a test, in English, German, French and Spanish; Hindi in a
//! legacy font's encoding, which would show as gibberish).
//!
//! Must not: do I/O or decide editorial policy (what to publish, hold or rewrite), and must not
//! change the agency's copy: it finds where things are and renders them safely, nothing more.

mod associations;
mod captions;
mod dateline;
mod embargo;
mod legacy_font;
mod not_for_publication;
mod place;
mod resend;
mod sanitize;
mod story;
mod summary;

pub use associations::clean_associations;
pub use captions::{LeadCaption, lead_caption};
pub use dateline::{find_dateline, place_name, read_dateline_field};
pub use embargo::embargo_in_copy;
pub use legacy_font::legacy_font_in_copy;
pub use not_for_publication::not_for_publication_in_copy;
pub use resend::strip_resend_notes;
pub use sanitize::{body_to_html, paragraphs_text};
pub use story::{NormalizeContext, NormalizeError, SYNTHESIZED_URI_PREFIX, to_story};
pub use summary::{clean_abstract, summarize};
