//! `wiredesk backup` and `wiredesk restore`: their flags; the work is in
//! `wiredesk_site::backup`.

use std::path::PathBuf;

use crate::args::{DatabaseUrl, SiteArgs};

#[derive(clap::Args)]
pub struct BackupArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// The folder to write (must not exist, or be empty).
    out_dir: PathBuf,
}

#[derive(clap::Args)]
pub struct RestoreArgs {
    /// The data folder to restore into.
    #[arg(long)]
    data: PathBuf,
    #[command(flatten)]
    db: DatabaseUrl,
    /// A folder written by `wiredesk backup`.
    backup_dir: PathBuf,
    /// Replace the stories of a target that already has some.
    #[arg(long)]
    force: bool,
}

pub async fn backup(args: BackupArgs) -> anyhow::Result<()> {
    wiredesk_site::backup::backup(&args.site.location(), &args.out_dir).await
}

pub async fn restore(args: RestoreArgs) -> anyhow::Result<()> {
    let db = args.db.database();
    wiredesk_site::backup::restore(&args.data, &db, &args.backup_dir, args.force).await
}
