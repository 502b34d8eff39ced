//! The config file (`DATA/wiredesk.toml` by default): site settings, ingest settings and the
//! topic rules. Every field has a default that works, so an empty file is a valid config.

use std::path::Path;

use serde::{Deserialize, Serialize};
use wiredesk_enrich::{TopicRule, TopicRules};
use wiredesk_publish::SiteConfig;
use wiredesk_publish::i18n::Words;
use wiredesk_source::redact::redact_text;
use wiredesk_source::remote::RemoteSource;

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub site: SiteConfig,
    pub ingest: IngestConfig,
    pub topics: TopicsConfig,
    pub store: StoreConfig,
    /// Feeds polled over HTTP(S): `[[sources]]` with `name`, `url` and optionally
    /// `interval_secs`, `timeout_secs`, `max_bytes`, `max_redirects`, `max_backoff_secs`.
    /// `wiredesk source add` keeps its own list in `DATA/sources.toml`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<RemoteSource>,
    /// Agencies beyond the built-in ones, or more names for those: `[[agencies]]` with `name`
    /// and `aliases`. Copy credited under any of them is filed under the name.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub agencies: Vec<AgencyConfig>,
    /// Whether the file names `[site] base_url`; when it does not, `serve` links to the
    /// address it listens on (`Config::serve_at`).
    #[serde(skip)]
    pub base_url_set: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IngestConfig {
    /// Credited when neither the format nor the dateline names the agency.
    pub default_agency: String,
    /// Longest summary shown under a headline, in characters.
    pub summary_chars: usize,
    /// Publish usable copy as it arrives, rather than holding it for an editor.
    pub auto_publish: bool,
    /// How often the drop folder is scanned, in milliseconds.
    pub inbox_scan_ms: u64,
    /// Publishing rules, first match wins: `[[ingest.rules]]` with `agency`, `topic` and/or
    /// `keyword`, and `action = "publish" | "hold"`.
    pub rules: Vec<wiredesk_editorial::PublishRule>,
    /// Read from files written before pushed and dropped files shared one limit, so they still
    /// load; ignored, with a warning.
    #[serde(skip_serializing)]
    pub push_limit_bytes: Option<u64>,
}

impl Default for IngestConfig {
    fn default() -> Self {
        IngestConfig {
            default_agency: "Wire".into(),
            summary_chars: 240,
            auto_publish: true,
            inbox_scan_ms: 500,
            rules: Vec::new(),
            push_limit_bytes: None,
        }
    }
}

/// `[[agencies]]`: one agency and the other names its copy arrives under.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgencyConfig {
    /// The name its copy is credited under, and its agency page's slug.
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// `[store]`: where the stories and the desk's accounts live.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreConfig {
    /// A PostgreSQL database (`postgres://user:pass@host/db`) instead of the embedded SQLite
    /// file `DATA/wiredesk.db`; `--database-url` / `WIREDESK_DATABASE_URL` win over it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// `[topics]`: the site's topics, and what the desk does with copy that arrives with none.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TopicsConfig {
    /// The site's topics and the evidence for each (`[[topics.topics]]`); the built-in ones
    /// when left out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topics: Option<Vec<TopicRule>>,
    /// Copy that no rule gives a topic is given topics by the model trained on the archive
    /// (`wiredesk topics train`); when its best topic is less sure than this (0–1), the story
    /// waits on the desk instead of going live by itself.
    pub desk_threshold: f32,
}

impl Default for TopicsConfig {
    fn default() -> Self {
        TopicsConfig {
            topics: None,
            desk_threshold: 0.5,
        }
    }
}

impl TopicsConfig {
    pub fn rules(&self) -> TopicRules {
        match &self.topics {
            Some(topics) => TopicRules {
                topics: topics.clone(),
            },
            None => TopicRules::default(),
        }
    }
}

impl Config {
    /// The built-in agencies with the config's own added.
    pub fn agencies(&self) -> wiredesk_model::Agencies {
        let mut agencies = wiredesk_model::Agencies::default();
        for a in &self.agencies {
            agencies.add(&a.name, a.aliases.iter().map(String::as_str));
        }
        agencies
    }

    /// The site's topics, the built-in ones named in the site's language (a name the config
    /// gives is kept).
    pub fn topic_rules(&self) -> TopicRules {
        let mut rules = self.topics.rules();
        let Ok(words) = Words::new(&self.site.language) else {
            return rules;
        };
        let built_in = TopicRules::default();
        for topic in &mut rules.topics {
            let named_as_built = built_in
                .topics
                .iter()
                .any(|b| b.slug == topic.slug && b.name == topic.name);
            if let Some(name) = words.topic(&topic.slug).filter(|_| named_as_built) {
                topic.name = name;
            }
        }
        rules
    }

    /// Read the file if it exists; a missing file means the defaults.
    pub fn load(path: &Path) -> anyhow::Result<Config> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                // The parser quotes the offending line, which may be a source's URL.
                let error = |e: &dyn std::fmt::Display| {
                    anyhow::anyhow!(
                        "config file {}: {}",
                        path.display(),
                        redact_text(&e.to_string())
                    )
                };
                let mut config: Config = toml::from_str(&text).map_err(|e| error(&e))?;
                config.check_sources().map_err(|e| error(&e))?;
                Words::new(&config.site.language).map_err(|e| error(&e))?;
                config.base_url_set = toml::from_str::<toml::Table>(&text)
                    .ok()
                    .and_then(|t| t.get("site")?.get("base_url").cloned())
                    .is_some();
                if config.ingest.push_limit_bytes.is_some() {
                    tracing::warn!(
                        "config file {}: [ingest] push_limit_bytes is ignored: pushed and dropped \
                         files share one limit of {} bytes",
                        path.display(),
                        wiredesk_model::MAX_DELIVERY_BYTES
                    );
                }
                if config.agencies.iter().any(|a| a.name.trim().is_empty()) {
                    anyhow::bail!(
                        "config file {}: every [[agencies]] needs a name",
                        path.display()
                    );
                }
                let threshold = config.topics.desk_threshold;
                if !(0.0..=1.0).contains(&threshold) {
                    anyhow::bail!(
                        "config file {}: [topics] desk_threshold is a confidence from 0 to 1, not {threshold}",
                        path.display()
                    );
                }
                Ok(config)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(anyhow::anyhow!("config file {}: {e}", path.display())),
        }
    }

    /// Each `[[sources]]` entry usable, and no name used twice.
    fn check_sources(&self) -> Result<(), String> {
        let mut names = std::collections::HashSet::new();
        for source in &self.sources {
            source.check().map_err(|e| e.to_string())?;
            if !names.insert(source.name.as_str()) {
                return Err(format!(
                    "[[sources]]: the name {} is used twice",
                    source.name
                ));
            }
        }
        Ok(())
    }

    /// `serve` listens on `addr`: with no `base_url` in the file, feeds, the API and sitemaps
    /// link to `http://ADDR`, not to the default address it may not be on.
    pub fn serve_at(&mut self, addr: std::net::SocketAddr) {
        if !self.base_url_set {
            self.site.base_url = format!("http://{addr}");
        }
    }

    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        std::fs::write(path, toml::to_string_pretty(self)?)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_file_is_the_defaults_and_a_typo_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wiredesk.toml");
        std::fs::write(&path, "").unwrap();
        let mut config = Config::load(&path).unwrap();
        assert_eq!(config.site.time_zone, "Asia/Kolkata");
        config.serve_at("127.0.0.1:9000".parse().unwrap());
        assert_eq!(config.site.base_url, "http://127.0.0.1:9000");
        std::fs::write(&path, "[site]\nbase_url = \"https://news.example\"\n").unwrap();
        let mut config = Config::load(&path).unwrap();
        config.serve_at("127.0.0.1:9000".parse().unwrap());
        assert_eq!(config.site.base_url, "https://news.example", "set: kept");
        std::fs::write(&path, "[site]\nnmae = \"Typo\"\n").unwrap();
        let err = Config::load(&path).unwrap_err().to_string();
        assert!(err.contains("nmae"), "{err}");
    }

    #[test]
    fn a_file_from_before_the_one_file_limit_still_loads_and_is_saved_without_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wiredesk.toml");
        std::fs::write(&path, "[ingest]\npush_limit_bytes = 10485760\n").unwrap();
        let config = Config::load(&path).unwrap();
        assert_eq!(config.ingest.push_limit_bytes, Some(10_485_760));
        config.save(&path).unwrap();
        let saved = std::fs::read_to_string(&path).unwrap();
        assert!(!saved.contains("push_limit_bytes"), "{saved}");
        assert_eq!(Config::load(&path).unwrap().ingest.push_limit_bytes, None);
    }

    #[test]
    fn sources_are_read_with_defaults_for_what_is_left_out() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wiredesk.toml");
        std::fs::write(
            &path,
            "[[sources]]\nname = \"pti\"\nurl = \"https://pti.example/rss\"\ninterval_secs = 60\n",
        )
        .unwrap();
        let config = Config::load(&path).unwrap();
        assert_eq!(config.sources.len(), 1);
        assert_eq!(config.sources[0].interval_secs, 60);
        assert_eq!(config.sources[0].max_redirects, 5);
        config.save(&path).unwrap();
        assert_eq!(Config::load(&path).unwrap().sources, config.sources);
        let twice = "[[sources]]\nname = \"a\"\nurl = \"http://x/\"\n".repeat(2);
        std::fs::write(&path, twice).unwrap();
        let err = Config::load(&path).unwrap_err().to_string();
        assert!(err.contains("used twice"), "{err}");
        std::fs::write(&path, "[[sources]]\nname = \"a\"\nurl = \"file:///etc\"\n").unwrap();
        assert!(Config::load(&path).is_err());
        // A broken entry is quoted in the error with its key masked.
        std::fs::write(
            &path,
            "[[sources]]\nname = \"a\"\nurl = \"https://x.example/f?apikey=SEKRET\" junk\n",
        )
        .unwrap();
        let err = Config::load(&path).unwrap_err().to_string();
        assert!(
            err.contains("apikey=***") && !err.contains("SEKRET"),
            "{err}"
        );
    }

    #[test]
    fn agencies_add_names_to_the_built_in_ones_and_each_needs_a_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wiredesk.toml");
        std::fs::write(
            &path,
            "[[agencies]]\nname = \"Asia News Network\"\naliases = [\"ANN\"]\n\n\
             [[agencies]]\nname = \"dpa\"\naliases = [\"lni\"]\n",
        )
        .unwrap();
        let agencies = Config::load(&path).unwrap().agencies();
        assert_eq!(agencies.agency("ANN").slug, "asia-news-network");
        assert_eq!(agencies.agency("lni").slug, "dpa");
        assert_eq!(agencies.agency("Deutsche Presse-Agentur GmbH").slug, "dpa");
        std::fs::write(&path, "[[agencies]]\nname = \" \"\n").unwrap();
        let err = Config::load(&path).unwrap_err().to_string();
        assert!(err.contains("[[agencies]]"), "{err}");
        std::fs::write(&path, "[[agencies]]\nname = \"X\"\nalias = [\"Y\"]\n").unwrap();
        assert!(Config::load(&path).is_err(), "a typo is an error");
    }

    #[test]
    fn a_site_in_hindi_names_its_built_in_topics_in_hindi_and_keeps_its_own_names() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wiredesk.toml");
        std::fs::write(&path, "[site]\nlanguage = \"hi\"\n").unwrap();
        let rules = Config::load(&path).unwrap().topic_rules();
        let name = |slug: &str| {
            let t = rules.topics.iter().find(|t| t.slug == slug).unwrap();
            t.name.clone()
        };
        assert_eq!(name("sports"), "खेल");
        assert_eq!(name("india"), "देश");
        std::fs::write(
            &path,
            "[site]\nlanguage = \"hi\"\n\n[[topics.topics]]\nslug = \"sports\"\nname = \"स्पोर्ट्स\"\n",
        )
        .unwrap();
        let rules = Config::load(&path).unwrap().topic_rules();
        assert_eq!(
            rules.topics[0].name, "स्पोर्ट्स",
            "the config's own name stays"
        );
        let english = Config::default().topic_rules();
        let names = |r: &TopicRules| r.topics.iter().map(|t| t.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&english), names(&TopicRules::default()));
        std::fs::write(&path, "[site]\nlanguage = \"klingon\"\n").unwrap();
        let err = Config::load(&path).unwrap_err().to_string();
        assert!(err.contains("klingon") && err.contains("hi"), "{err}");
    }

    #[test]
    fn a_saved_config_loads_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wiredesk.toml");
        let mut config = Config::default();
        config.site.name = "The Daily Wire".into();
        config.topics.topics = Some(TopicRules::default().topics);
        config.topics.desk_threshold = 0.7;
        config.save(&path).unwrap();
        let back = Config::load(&path).unwrap();
        assert_eq!(back.site.name, "The Daily Wire");
        assert_eq!(
            back.topics.rules().topics.len(),
            TopicRules::default().topics.len()
        );
        assert_eq!(back.topics.desk_threshold, 0.7);
    }

    #[test]
    fn the_topics_section_keeps_its_rules_and_takes_a_desk_threshold() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wiredesk.toml");
        std::fs::write(&path, "").unwrap();
        let config = Config::load(&path).unwrap();
        assert_eq!(config.topics.desk_threshold, 0.5);
        assert_eq!(
            config.topics.rules().topics.len(),
            TopicRules::default().topics.len(),
            "no [topics]: the built-in topics"
        );
        // A config written before the threshold existed still reads the same.
        std::fs::write(
            &path,
            "[[topics.topics]]\nslug = \"sport\"\nname = \"Sport\"\n",
        )
        .unwrap();
        let config = Config::load(&path).unwrap();
        assert_eq!(config.topics.rules().topics[0].slug, "sport");
        assert_eq!(config.topics.desk_threshold, 0.5);
        std::fs::write(
            &path,
            "[topics]\ndesk_threshold = 0.65\n\n[[topics.topics]]\nslug = \"sport\"\nname = \"Sport\"\n",
        )
        .unwrap();
        let config = Config::load(&path).unwrap();
        assert_eq!(config.topics.desk_threshold, 0.65);
        assert_eq!(config.topics.rules().topics.len(), 1);
        std::fs::write(&path, "[topics]\ndesk_threshold = 50\n").unwrap();
        let err = Config::load(&path).unwrap_err().to_string();
        assert!(err.contains("desk_threshold"), "{err}");
        std::fs::write(&path, "[topics]\ndesk_treshold = 0.5\n").unwrap();
        assert!(Config::load(&path).is_err(), "a typo is an error");
    }
}
