//! The config file (`DATA/wiredesk.toml` by default): site settings, ingest settings and the
//! topic rules. Every field has a default that works, so an empty file is a valid config.

use std::path::Path;

use serde::{Deserialize, Serialize};
use wiredesk_enrich::TopicRules;
use wiredesk_publish::SiteConfig;
use wiredesk_source::remote::RemoteSource;

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub site: SiteConfig,
    pub ingest: IngestConfig,
    pub topics: Option<TopicRules>,
    /// Feeds polled over HTTP(S): `[[sources]]` with `name`, `url` and optionally
    /// `interval_secs`, `timeout_secs`, `max_bytes`, `max_redirects`, `max_backoff_secs`.
    /// `wiredesk source add` keeps its own list in `DATA/sources.toml`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<RemoteSource>,
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
    /// Largest file `POST /api/v1/ingest` accepts, in bytes.
    pub push_limit_bytes: usize,
}

impl Default for IngestConfig {
    fn default() -> Self {
        IngestConfig {
            default_agency: "Wire".into(),
            summary_chars: 240,
            auto_publish: true,
            inbox_scan_ms: 500,
            rules: Vec::new(),
            push_limit_bytes: 10 * 1024 * 1024,
        }
    }
}

impl Config {
    /// Read the file if it exists; a missing file means the defaults.
    pub fn load(path: &Path) -> anyhow::Result<Config> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let config: Config = toml::from_str(&text)
                    .map_err(|e| anyhow::anyhow!("config file {}: {e}", path.display()))?;
                config
                    .check_sources()
                    .map_err(|e| anyhow::anyhow!("config file {}: {e}", path.display()))?;
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
            source.check()?;
            if !names.insert(source.name.as_str()) {
                return Err(format!(
                    "[[sources]]: the name {} is used twice",
                    source.name
                ));
            }
        }
        Ok(())
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
        let config = Config::load(&path).unwrap();
        assert_eq!(config.site.time_zone, "Asia/Kolkata");
        std::fs::write(&path, "[site]\nnmae = \"Typo\"\n").unwrap();
        let err = Config::load(&path).unwrap_err().to_string();
        assert!(err.contains("nmae"), "{err}");
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
    }

    #[test]
    fn a_saved_config_loads_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wiredesk.toml");
        let mut config = Config::default();
        config.site.name = "The Daily Wire".into();
        config.topics = Some(TopicRules::default());
        config.save(&path).unwrap();
        let back = Config::load(&path).unwrap();
        assert_eq!(back.site.name, "The Daily Wire");
        assert_eq!(
            back.topics.unwrap().topics.len(),
            TopicRules::default().topics.len()
        );
    }
}
