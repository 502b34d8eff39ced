//! The reader site's fixed words in the site's language (`[site] language`): the one home of
//! every word a page, feed or notice shows that is not the agencies' copy, and of how dates
//! are written.
//!
//! The catalogues are Fluent files in `locales/<tag>/site.ftl`, compiled into the binary.
//! English is complete and is where a message missing from another language falls back to;
//! Hindi is complete; the other languages of India's wires have at least the headings, the
//! disclaimer and dates.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, static_loader};
use jiff::{ZonedDateTime, civil};

static_loader! {
    static CATALOGUE = {
        locales: "./locales",
        fallback_language: "en",
        // Fluent wraps every argument in Unicode isolation marks by default; they would end
        // up inside titles, feeds and search-engine snippets, where no browser removes them.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The languages a site can be run in, with whether they are written right to left.
pub const LANGUAGES: &[(&str, bool)] = &[
    ("en", false),
    ("hi", false),
    ("bn", false),
    ("mr", false),
    ("gu", false),
    ("ta", false),
    ("te", false),
    ("pa", false),
    ("ur", true),
];

#[derive(Debug, thiserror::Error)]
#[error("language {0:?} has no catalogue; the site speaks one of: {list}", list = LANGUAGES.iter().map(|l| l.0).collect::<Vec<_>>().join(", "))]
pub struct UnknownLanguage(pub String);

/// A site's words: every fixed word of its pages comes through here.
#[derive(Clone, Debug)]
pub struct Words {
    tag: &'static str,
    rtl: bool,
    lang: LanguageIdentifier,
}

impl Default for Words {
    fn default() -> Self {
        Words::new("en").expect("English has a catalogue")
    }
}

impl Words {
    pub fn new(tag: &str) -> Result<Words, UnknownLanguage> {
        let wanted = tag.trim().to_ascii_lowercase();
        let &(tag, rtl) = LANGUAGES
            .iter()
            .find(|(t, _)| *t == wanted)
            .ok_or_else(|| UnknownLanguage(tag.to_string()))?;
        let lang = tag.parse().expect("the table's tags are valid");
        Ok(Words { tag, rtl, lang })
    }

    /// The BCP 47 tag, for `<html lang>`, feeds and JSON-LD.
    pub fn tag(&self) -> &'static str {
        self.tag
    }

    /// `rtl` or `ltr`, for `<html dir>`.
    pub fn dir(&self) -> &'static str {
        if self.rtl { "rtl" } else { "ltr" }
    }

    pub fn get(&self, id: &str) -> String {
        CATALOGUE.lookup(&self.lang, id)
    }

    /// A message with arguments; numbers choose the plural form.
    pub fn with(&self, id: &str, args: &[(&'static str, Arg<'_>)]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue<'_>> = args
            .iter()
            .map(|(name, value)| {
                let value = match value {
                    Arg::Text(s) => FluentValue::from(*s),
                    Arg::Count(n) => FluentValue::from(*n),
                };
                (Cow::Borrowed(*name), value)
            })
            .collect();
        CATALOGUE.lookup_with_args(&self.lang, id, &args)
    }

    /// For templates: `site` filled in.
    pub fn site(&self, id: &str, site: &str) -> String {
        self.with(id, &[("site", Arg::Text(site))])
    }

    /// For templates: `n` filled in, which also picks the plural.
    pub fn count(&self, id: &str, n: &usize) -> String {
        self.with(id, &[("n", Arg::Count(*n))])
    }

    /// For templates: one named argument filled in.
    pub fn text(&self, id: &str, name: &'static str, value: &str) -> String {
        self.with(id, &[(name, Arg::Text(value))])
    }

    /// The name of a built-in topic in this language, when the catalogue has one.
    pub fn topic(&self, slug: &str) -> Option<String> {
        CATALOGUE.lookup_no_default_fallback::<&str>(&self.lang, &format!("topic-{slug}"), None)
    }

    /// The masthead's date: "Sunday, December 6, 2026", "रविवार, 6 दिसंबर 2026".
    pub fn date_long(&self, at: &ZonedDateTime) -> String {
        self.date("date-long", at.datetime(), &at.strftime("%Z").to_string())
    }

    /// A day: "Dec 6, 2026".
    pub fn day(&self, day: civil::Date) -> String {
        self.date("date-short", day.to_datetime(civil::Time::midnight()), "")
    }

    /// A moment: "Dec 6, 2026, 7:30 PM IST".
    pub fn date_time(&self, at: &ZonedDateTime) -> String {
        self.date("date-time", at.datetime(), &at.strftime("%Z").to_string())
    }

    fn date(&self, id: &str, at: civil::DateTime, zone: &str) -> String {
        let weekday = self.get(&format!("weekday-{}", at.weekday().to_monday_one_offset()));
        let month = self.get(&format!("month-{}", at.month()));
        let month_short = self.get(&format!("month-short-{}", at.month()));
        let hour12 = match at.hour() % 12 {
            0 => 12,
            h => h,
        };
        let meridiem = self.get(if at.hour() < 12 { "am" } else { "pm" });
        let (day, year, hour12, hour24, minute) = (
            at.day().to_string(),
            at.year().to_string(),
            hour12.to_string(),
            format!("{:02}", at.hour()),
            format!("{:02}", at.minute()),
        );
        self.with(
            id,
            &[
                ("weekday", Arg::Text(&weekday)),
                ("month", Arg::Text(&month)),
                ("month_short", Arg::Text(&month_short)),
                ("day", Arg::Text(&day)),
                ("year", Arg::Text(&year)),
                ("hour12", Arg::Text(&hour12)),
                ("hour24", Arg::Text(&hour24)),
                ("minute", Arg::Text(&minute)),
                ("meridiem", Arg::Text(&meridiem)),
                ("zone", Arg::Text(zone)),
            ],
        )
    }
}

/// A message's argument.
pub enum Arg<'a> {
    Text(&'a str),
    Count(usize),
}

#[cfg(test)]
mod tests;
