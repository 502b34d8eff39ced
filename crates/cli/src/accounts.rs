//! `wiredesk user …` and `wiredesk token …`: their flags; the work is in
//! `wiredesk_site::accounts`.

use clap::Subcommand;
use wiredesk_site::accounts;

use crate::args::SiteArgs;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Add an account, or change its role and password (read from standard input).
    Add {
        /// The name to sign in with.
        name: String,
        /// `editor` works the queue; `admin` also sees the audit log and manages the desk's
        /// users.
        #[arg(long, value_parser = ["editor", "admin"], default_value = "editor")]
        role: String,
        #[command(flatten)]
        data: SiteArgs,
    },
    /// List the accounts.
    List {
        #[command(flatten)]
        data: SiteArgs,
    },
    /// Remove an account and end its sessions.
    Remove {
        /// The account's name.
        name: String,
        #[command(flatten)]
        data: SiteArgs,
    },
    /// Give an account a second factor (TOTP): print its secret and `otpauth://` address
    /// once, for an authenticator app. Enrolling again replaces the secret.
    Totp {
        /// The account's name.
        name: String,
        /// Take the second factor away instead.
        #[arg(long)]
        off: bool,
        #[command(flatten)]
        data: SiteArgs,
    },
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Issue a new token (replacing the name's old one in that scope) and print it once: a
    /// push token names the source it pushes as; a metrics token, the scraper using it.
    Add {
        /// Who holds the token: the pushing source's name, or the scraper's.
        name: String,
        /// What the token opens: `POST /api/v1/ingest` or `GET /metrics`.
        #[arg(long, value_parser = ["push", "metrics"], default_value = "push")]
        scope: String,
        #[command(flatten)]
        data: SiteArgs,
    },
    /// List the names holding a token, with the scope and when it was issued.
    List {
        #[command(flatten)]
        data: SiteArgs,
    },
}

pub async fn user(command: UserCommand) -> anyhow::Result<()> {
    let (UserCommand::Add { data, .. }
    | UserCommand::List { data }
    | UserCommand::Remove { data, .. }
    | UserCommand::Totp { data, .. }) = &command;
    let db = data.location().open_accounts().await?;
    match command {
        UserCommand::Add { name, role, .. } => {
            accounts::add_user(&db, &name, &role, std::io::stdin()).await
        }
        UserCommand::List { .. } => accounts::list_users(&db).await,
        UserCommand::Remove { name, .. } => accounts::remove_user(&db, &name).await,
        UserCommand::Totp { name, off, .. } => accounts::totp(&db, &name, off).await,
    }
}

pub async fn token(command: TokenCommand) -> anyhow::Result<()> {
    let (TokenCommand::Add { data, .. } | TokenCommand::List { data }) = &command;
    let db = data.location().open_accounts().await?;
    match command {
        TokenCommand::Add { name, scope, .. } => accounts::add_token(&db, &name, &scope).await,
        TokenCommand::List { .. } => accounts::list_tokens(&db).await,
    }
}
