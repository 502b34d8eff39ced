//! `wiredesk user …` and `wiredesk token …`: desk accounts and bearer tokens (push, metrics)
//! from the command line. Passwords are read from standard input, never from flags (which `ps` would show).

use std::io::Read;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Subcommand;
use jiff::Timestamp;
use wiredesk_desk::auth::{hash_password, new_totp_secret, random_token, token_digest, totp_url};
use wiredesk_desk::{MIN_PASSWORD_CHARS, valid_user_name};
use wiredesk_store::accounts::{Accounts, Role, TokenScope};

use crate::app::SiteArgs;

/// The data folder whose accounts are meant.
#[derive(clap::Args)]
pub struct DataDir {
    #[arg(long)]
    pub data: PathBuf,
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Add an account, or change its role and password (read from standard input).
    Add {
        name: String,
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
        name: String,
        #[command(flatten)]
        data: SiteArgs,
    },
    /// Give an account a second factor (TOTP): print its secret and `otpauth://` address
    /// once, for an authenticator app. Enrolling again replaces the secret.
    Totp {
        name: String,
        /// Take the second factor away instead.
        #[arg(long)]
        off: bool,
        #[command(flatten)]
        data: SiteArgs,
    },
}

impl UserCommand {
    pub fn db(&self) -> &SiteArgs {
        match self {
            UserCommand::Add { data, .. }
            | UserCommand::List { data }
            | UserCommand::Remove { data, .. }
            | UserCommand::Totp { data, .. } => data,
        }
    }
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Issue a new token (replacing the name's old one in that scope) and print it once: a
    /// push token names the source it pushes as; a metrics token, the scraper using it.
    Add {
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

impl TokenCommand {
    pub fn db(&self) -> &SiteArgs {
        match self {
            TokenCommand::Add { data, .. } | TokenCommand::List { data } => data,
        }
    }
}

pub async fn user(accounts: &Accounts, command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add { name, role, .. } => {
            if !valid_user_name(&name) {
                bail!("a user name uses letters, digits and . _ - @ only (at most 64)");
            }
            let role = Role::parse(&role).context("role is editor or admin")?;
            let mut input = String::new();
            std::io::stdin()
                .read_to_string(&mut input)
                .context("reading the password from standard input")?;
            let password = input.lines().next().unwrap_or("").to_string();
            if password.chars().count() < MIN_PASSWORD_CHARS {
                bail!("the password needs at least {MIN_PASSWORD_CHARS} characters");
            }
            accounts
                .put_user(&name, role, &hash_password(&password))
                .await?;
            println!("user {name} ({}) saved", role.as_str());
        }
        UserCommand::List { .. } => {
            for u in accounts.users().await? {
                let totp = if u.totp_secret.is_some() { "on" } else { "off" };
                println!("{}\t{}\ttotp {totp}", u.name, u.role.as_str());
            }
        }
        UserCommand::Remove { name, .. } => {
            if !accounts.remove_user(&name).await? {
                bail!("no user {name}");
            }
            println!("user {name} removed");
        }
        UserCommand::Totp {
            name, off: true, ..
        } => {
            if !accounts.set_totp(&name, None).await? {
                bail!("no user {name}");
            }
            println!("user {name}: second factor off, the password alone signs in");
        }
        UserCommand::Totp { name, .. } => {
            let secret = new_totp_secret();
            let url = totp_url(&secret, &name).context("a TOTP address for this name")?;
            if !accounts.set_totp(&name, Some(&secret)).await? {
                bail!("no user {name}");
            }
            println!("secret: {secret}");
            println!("url: {url}");
            eprintln!("shown once: add it to an authenticator app now; signing in needs its code");
        }
    }
    Ok(())
}

pub async fn token(accounts: &Accounts, command: TokenCommand) -> anyhow::Result<()> {
    match command {
        TokenCommand::Add { name, scope, .. } => {
            let scope = TokenScope::parse(&scope).context("scope is push or metrics")?;
            let name = wiredesk_model::slugify(&name);
            if name.is_empty() {
                bail!("name the token's holder with letters or digits");
            }
            let token = random_token();
            accounts
                .put_token(scope, &name, &token_digest(&token), Timestamp::now())
                .await?;
            println!("{token}");
            eprintln!(
                "{} token for {name}: shown once, only its hash is kept",
                scope.as_str()
            );
        }
        TokenCommand::List { .. } => {
            for scope in [TokenScope::Push, TokenScope::Metrics] {
                for (name, created) in accounts.token_names(scope).await? {
                    println!("{name}\t{}\t{created}", scope.as_str());
                }
            }
        }
    }
    Ok(())
}
