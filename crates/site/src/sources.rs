//! `wiredesk source add|list|remove`: the remote sources a site's writer polls (the pollers
//! themselves are started in `pollers`).
//!
//! Sources come from two places: `[[sources]]` in the config file (managed with the rest of
//! the config) and `DATA/sources.toml` (managed by `wiredesk source`). The second is a plain
//! file rather than a table in the story database because it is configuration, not state:
//! it can be read, diffed and backed up like `wiredesk.toml`, and a running server re-reads
//! it every second, so `source add` / `remove` take effect without a restart. What a poll
//! learns (HTTP validators) is kept in `DATA/sources-state.json` by the server alone.

use std::path::Path;

use anyhow::{Context, bail};
use wiredesk_source::redact::redact_url;
use wiredesk_source::remote::{RemoteSource, SourceList};

use crate::config::Config;

/// The sources in the data folder's default config file.
fn configured(data: &Path) -> anyhow::Result<Vec<RemoteSource>> {
    Ok(Config::load(&data.join("wiredesk.toml"))?.sources)
}

/// Add `source` to `DATA/sources.toml`, or replace the definition of the same name.
pub fn add(data: &Path, source: RemoteSource) -> anyhow::Result<()> {
    source.check().map_err(anyhow::Error::msg)?;
    let max_bytes = source.max_bytes;
    if max_bytes > wiredesk_source::MAX_FILE_BYTES {
        bail!(
            "--max-bytes {max_bytes}: no delivery may be larger than {} bytes",
            wiredesk_source::MAX_FILE_BYTES
        );
    }
    std::fs::create_dir_all(data).with_context(|| format!("cannot create {}", data.display()))?;
    let name = source.name.clone();
    if configured(data)?.iter().any(|s| s.name == name) {
        bail!("source {name} is defined in the config file; change it there");
    }
    let (shown, interval) = (redact_url(&source.url), source.interval_secs);
    let path = SourceList::path_in(data);
    let mut list = SourceList::load(&path).map_err(anyhow::Error::msg)?;
    let verb = match list.sources.iter().position(|s| s.name == name) {
        Some(i) => {
            list.sources[i] = source;
            "updated"
        }
        None => {
            list.sources.push(source);
            "added"
        }
    };
    list.save(&path).map_err(anyhow::Error::msg)?;
    println!("{verb} source {name}: {shown} every {interval} s");
    Ok(())
}

/// Print every source: those in the config file and those in `DATA/sources.toml`.
pub fn list(data: &Path) -> anyhow::Result<()> {
    let from_config = configured(data)?;
    let list = SourceList::load(&SourceList::path_in(data)).map_err(anyhow::Error::msg)?;
    if from_config.is_empty() && list.sources.is_empty() {
        println!("no sources");
    }
    for (s, origin) in from_config
        .iter()
        .map(|s| (s, "config file"))
        .chain(list.sources.iter().map(|s| (s, "sources.toml")))
    {
        println!(
            "{}\t{}\tevery {} s\t({origin})",
            s.name,
            s.display_url(),
            s.interval_secs
        );
    }
    Ok(())
}

/// Take the source `name` out of `DATA/sources.toml`.
pub fn remove(data: &Path, name: &str) -> anyhow::Result<()> {
    let path = SourceList::path_in(data);
    let mut list = SourceList::load(&path).map_err(anyhow::Error::msg)?;
    let before = list.sources.len();
    list.sources.retain(|s| s.name != name);
    if list.sources.len() == before {
        if configured(data)?.iter().any(|s| s.name == name) {
            bail!("source {name} is defined in the config file; remove it there");
        }
        bail!("no source named {name}");
    }
    list.save(&path).map_err(anyhow::Error::msg)?;
    println!("removed source {name}");
    Ok(())
}
