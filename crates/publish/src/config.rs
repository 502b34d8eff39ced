//! The site's settings as the web layer needs them. `wiredesk-site` reads them from the config
//! file.

use serde::{Deserialize, Serialize};

use crate::i18n::Words;

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SiteConfig {
    /// The publication's name, used in the disclaimer, titles and JSON-LD.
    pub name: String,
    /// Absolute base URL of the site, without trailing slash, for links that leave the page
    /// (feeds, JSON-LD, the API's `links`).
    pub base_url: String,
    /// The language of the site's own words (menus, headings, dates, the disclaimer): one of
    /// `i18n::LANGUAGES`. The agencies' copy keeps its own language.
    pub language: String,
    /// The city whose weather the masthead shows.
    pub city: String,
    pub latitude: f64,
    pub longitude: f64,
    /// IANA time zone of the publication: the masthead date and every time shown.
    pub time_zone: String,
    /// The syndication disclaimer; `{site}` is replaced by `name`. Empty: the catalogue's, in
    /// the site's language.
    pub disclaimer: String,
    /// Open-Meteo's forecast endpoint; point it elsewhere to self-host or to test.
    pub weather_url: String,
    /// Minutes between weather fetches.
    pub weather_refresh_minutes: u64,
    /// Publisher logo URL for JSON-LD, relative to `base_url` when it starts with `/`.
    pub logo: String,
    /// Entries in each feed (RSS, Atom, JSON Feed), newest first; kept between 1 and 1,000.
    pub feed_length: usize,
    /// Feeds carry each story's full text; `false` gives the summary only.
    pub feed_full_text: bool,
    /// Agencies (by slug or name) whose copy Google News should not index from this site.
    /// Google asks republishers of syndicated copy for `<meta name="Googlebot-News"
    /// content="noindex">` rather than a cross-domain canonical: their article pages carry
    /// that tag (and keep their own canonical), and they are left out of the News sitemap.
    pub googlebot_news_noindex: Vec<String>,
    /// Agencies (by slug or name) whose article pages do not show "Go to Source".
    pub source_link_hidden: Vec<String>,
    /// Purge hook: every URL a change touches is POSTed here as JSON (`{"urls": [...],
    /// "surrogate_keys": [...]}`), e.g. for a CDN. Empty: no hook.
    pub purge_url: String,
    /// URLs in each story sitemap file; kept between 1 and 50,000 (the sitemaps.org limit).
    pub sitemap_urls_per_file: usize,
    /// URLs in each Google News sitemap file; kept between 1 and 1,000 (Google's limit).
    pub news_sitemap_urls_per_file: usize,
    /// Behind a CDN or reverse proxy every request comes from the proxy's address: name the
    /// header it puts the reader's address in (e.g. `X-Forwarded-For`; the first address is
    /// taken). Empty: the connection's own address. Only set it behind a proxy that
    /// overwrites the header, or readers could pick their own address.
    pub client_ip_header: String,
    /// `/healthz` answers 503 when a projection (search, pages, purge) is more events than
    /// this behind the log, or failing: a load balancer then sends readers elsewhere.
    pub max_projection_lag: i64,
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            name: "Wiredesk News".into(),
            base_url: "http://127.0.0.1:8080".into(),
            language: "en".into(),
            city: "New Delhi".into(),
            latitude: 28.6139,
            longitude: 77.2090,
            time_zone: "Asia/Kolkata".into(),
            disclaimer: String::new(),
            weather_url: "https://api.open-meteo.com/v1/forecast".into(),
            weather_refresh_minutes: 15,
            logo: "/static/logo.svg".into(),
            feed_length: 50,
            feed_full_text: true,
            googlebot_news_noindex: Vec::new(),
            source_link_hidden: Vec::new(),
            purge_url: String::new(),
            sitemap_urls_per_file: 50_000,
            news_sitemap_urls_per_file: 1_000,
            client_ip_header: String::new(),
            max_projection_lag: 10_000,
        }
    }
}

impl SiteConfig {
    pub fn disclaimer_text(&self, words: &Words) -> String {
        // Configs written before the catalogue carry the English default word for word: it
        // follows the site's language like an empty one.
        let default = Words::default().site("disclaimer", "{site}");
        if self.disclaimer.trim().is_empty() || self.disclaimer == default {
            words.site("disclaimer", &self.name)
        } else {
            self.disclaimer.replace("{site}", &self.name)
        }
    }

    pub fn absolute(&self, path: &str) -> String {
        if path.starts_with("http://") || path.starts_with("https://") {
            path.to_string()
        } else {
            format!("{}{}", self.base_url.trim_end_matches('/'), path)
        }
    }
}
