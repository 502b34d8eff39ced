//! `wiredesk source add|list|remove`: their flags; the work is in `wiredesk_site::sources`.

use std::path::PathBuf;

use clap::Subcommand;
use wiredesk_site::sources;
use wiredesk_source::remote::RemoteSource;

use crate::args::DataDir;

#[derive(Subcommand)]
pub enum SourceCommand {
    /// Poll a feed URL (RSS, Atom, JSON Feed, ninjs, …), pull an FTP folder
    /// (`ftp://user:password@host/folder/`) or read a mailbox
    /// (`imap://user:password@host/INBOX`, `imaps://…` for TLS); a running server starts within
    /// seconds. Adding a name again replaces its definition.
    Add {
        /// Letters, digits, `-`, `_` and `.`: how the desk and `/metrics` name the source.
        name: String,
        /// What to poll: `https://…` (a feed), `ftp[s]://user:pass@host/folder/` or
        /// `imap[s]://user:pass@host/INBOX`.
        url: String,
        /// Seconds between polls.
        #[arg(long, default_value_t = 300)]
        interval: u64,
        /// Deadline for one whole fetch, in seconds.
        #[arg(long, default_value_t = 30)]
        timeout: u64,
        /// Largest body accepted, in bytes (also after gzip decompression); at most the
        /// delivery limit, 5 MiB.
        #[arg(long, default_value_t = wiredesk_source::MAX_FILE_BYTES)]
        max_bytes: u64,
        /// FTP: delete each file on the server once its stories are committed; IMAP: each
        /// message (otherwise it is flagged as seen).
        #[arg(long)]
        delete_after: bool,
        /// FTPS and IMAPS: trust the certificates in this PEM file instead of the system's roots.
        #[arg(long)]
        ca_file: Option<PathBuf>,
        #[command(flatten)]
        data: DataDir,
    },
    /// List the sources: those in the config file and those added here.
    List {
        #[command(flatten)]
        data: DataDir,
    },
    /// Stop polling a source added with `wiredesk source add`.
    Remove {
        /// The name it was added under.
        name: String,
        #[command(flatten)]
        data: DataDir,
    },
}

pub fn run(command: SourceCommand) -> anyhow::Result<()> {
    match command {
        SourceCommand::Add {
            name,
            url,
            interval,
            timeout,
            max_bytes,
            delete_after,
            ca_file,
            data,
        } => {
            let mut source = RemoteSource::new(&name, &url);
            source.interval_secs = interval;
            source.timeout_secs = timeout;
            source.max_bytes = max_bytes;
            source.delete_after = delete_after;
            source.ca_file = ca_file;
            sources::add(&data.data, source)
        }
        SourceCommand::List { data } => sources::list(&data.data),
        SourceCommand::Remove { name, data } => sources::remove(&data.data, &name),
    }
}
