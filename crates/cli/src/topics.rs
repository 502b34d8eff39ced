//! `wiredesk topics train|status`: their flags; the work is in `wiredesk_site::topics`.

use std::path::PathBuf;

use clap::Subcommand;
use wiredesk_site::topics;

use crate::args::SiteArgs;

#[derive(Subcommand)]
pub enum TopicsCommand {
    /// Learn the site's topics from its stored stories and write DATA/topic-model.json; a
    /// running site uses it from its next batch.
    Train {
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Whether there is a model, when it was trained and on what.
    Status {
        /// The site's data folder (the model is DATA/topic-model.json).
        #[arg(long)]
        data: PathBuf,
        /// Config file (default: DATA/wiredesk.toml).
        #[arg(long)]
        config: Option<PathBuf>,
    },
}

pub async fn run(command: TopicsCommand) -> anyhow::Result<()> {
    match command {
        TopicsCommand::Train { site } => topics::train(&site.location()).await,
        TopicsCommand::Status { data, config } => topics::status(&data, config.as_deref()),
    }
}
