//! `wiredesk user …` and `wiredesk token …`: desk accounts and bearer tokens (push, metrics)
//! from the command line. Passwords are read from standard input, never from flags (which `ps`
//! would show).

use std::io::Read;

use anyhow::{Context, bail};
use jiff::Timestamp;
use wiredesk_desk::auth::{hash_password, new_totp_secret, random_token, token_digest, totp_url};
use wiredesk_desk::{MIN_PASSWORD_CHARS, valid_user_name};
use wiredesk_store::accounts::{Accounts, Role, TokenScope};

/// Add an account, or change its role (`editor` or `admin`) and password: the first line of
/// `password`.
pub async fn add_user(
    accounts: &Accounts,
    name: &str,
    role: &str,
    mut password: impl Read,
) -> anyhow::Result<()> {
    if !valid_user_name(name) {
        bail!("a user name uses letters, digits and . _ - @ only (at most 64)");
    }
    let role = Role::parse(role).context("role is editor or admin")?;
    let mut input = String::new();
    password
        .read_to_string(&mut input)
        .context("reading the password from standard input")?;
    let password = input.lines().next().unwrap_or("").to_string();
    if password.chars().count() < MIN_PASSWORD_CHARS {
        bail!("the password needs at least {MIN_PASSWORD_CHARS} characters");
    }
    accounts
        .put_user(name, role, &hash_password(&password))
        .await?;
    println!("user {name} ({}) saved", role.as_str());
    Ok(())
}

pub async fn list_users(accounts: &Accounts) -> anyhow::Result<()> {
    for u in accounts.users().await? {
        let totp = if u.totp_secret.is_some() { "on" } else { "off" };
        println!("{}\t{}\ttotp {totp}", u.name, u.role.as_str());
    }
    Ok(())
}

/// Remove an account and end its sessions.
pub async fn remove_user(accounts: &Accounts, name: &str) -> anyhow::Result<()> {
    if !accounts.remove_user(name).await? {
        bail!("no user {name}");
    }
    println!("user {name} removed");
    Ok(())
}

/// Give an account a second factor (printing its secret and `otpauth://` address once), or,
/// with `off`, take it away.
pub async fn totp(accounts: &Accounts, name: &str, off: bool) -> anyhow::Result<()> {
    if off {
        if !accounts.set_totp(name, None).await? {
            bail!("no user {name}");
        }
        println!("user {name}: second factor off, the password alone signs in");
        return Ok(());
    }
    let secret = new_totp_secret();
    let url = totp_url(&secret, name).context("a TOTP address for this name")?;
    if !accounts.set_totp(name, Some(&secret)).await? {
        bail!("no user {name}");
    }
    println!("secret: {secret}");
    println!("url: {url}");
    eprintln!("shown once: add it to an authenticator app now; signing in needs its code");
    Ok(())
}

/// Issue a token in `scope` (`push` or `metrics`) for `name`, replacing its old one there,
/// and print it once.
pub async fn add_token(accounts: &Accounts, name: &str, scope: &str) -> anyhow::Result<()> {
    let scope = TokenScope::parse(scope).context("scope is push or metrics")?;
    let name = wiredesk_model::slugify(name);
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
    Ok(())
}

pub async fn list_tokens(accounts: &Accounts) -> anyhow::Result<()> {
    for scope in [TokenScope::Push, TokenScope::Metrics] {
        for (name, created) in accounts.token_names(scope).await? {
            println!("{name}\t{}\t{created}", scope.as_str());
        }
    }
    Ok(())
}
