//! `wiredesk backup` while the site serves, `wiredesk restore` into a fresh data folder (or
//! database), and the restored site serving the same stories, found by a search index rebuilt
//! from the log, with the same desk accounts: on SQLite and on PostgreSQL. And the refusals:
//! a target that holds stories, a running site, a folder that is no backup, a backup of the
//! other backend.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use reqwest::StatusCode;

use crate::common::{Launch, PgDatabase, Server, eventually, tempdir, unique_word};
use crate::desk::{ADMIN_PASSWORD, client, get, login, publish_story};

/// The binary run with `args`, to its end.
fn wiredesk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wiredesk"))
        .args(args)
        .env("RUST_LOG", "wiredesk=info,warn")
        .stdin(Stdio::null())
        .output()
        .expect("run wiredesk")
}

fn succeeds(args: &[&str]) -> String {
    let out = wiredesk(args);
    assert!(
        out.status.success(),
        "wiredesk {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs `args`, which must fail; what it said on stderr.
fn fails(args: &[&str]) -> String {
    let out = wiredesk(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !out.status.success(),
        "wiredesk {args:?} succeeded: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    stderr
}

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 temporary path")
}

/// Three stories with a word of their own, published through the inbox; their ids.
async fn publish_three(server: &Server, http: &reqwest::Client, word: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for (n, (place, headline)) in [
        ("PUNE", "Monsoon rains fill the reservoirs"),
        ("KOCHI", "Harbour cranes resume work"),
        ("JAIPUR", "Old city market reopens"),
    ]
    .into_iter()
    .enumerate()
    {
        let id = publish_story(
            server,
            http,
            &format!("urn:test:backup-{word}-{n}"),
            "PTI",
            &format!("{headline} {word}"),
            &format!("{place}, Nov 28 (PTI) - {headline}, {word} officials said on Friday."),
            "",
        )
        .await;
        ids.push(id);
    }
    ids
}

/// The restored site answers as the original did: every story listed by the API and on the
/// home page, found by search (the index rebuilt from the restored log), the site's name from
/// the restored config, and the account signing in.
async fn serves_what_was_backed_up(
    server: &Server,
    http: &reqwest::Client,
    ids: &[String],
    word: &str,
    site_name: &str,
) {
    let (status, list) = get(http, &server.url("/api/v1/stories?limit=50")).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let (_, home) = get(http, &server.url("/")).await;
    assert!(
        home.contains(site_name),
        "the restored config's name: {home}"
    );
    for id in ids {
        assert!(list.contains(id.as_str()), "story {id} listed: {list}");
        assert!(home.contains(id.as_str()), "story {id} on the home page");
    }
    let search = server.url(&format!("/api/v1/search?q={word}"));
    let found = eventually(Duration::from_secs(30), "search finds the stories", || {
        let search = search.clone();
        async move {
            let (status, body) = get(http, &search).await;
            (status == StatusCode::OK && ids.iter().all(|id| body.contains(id.as_str())))
                .then_some(body)
        }
    })
    .await;
    assert!(!found.is_empty());
    login(server, http, "ravi", ADMIN_PASSWORD).await;
}

#[tokio::test]
async fn a_sqlite_backup_taken_while_serving_restores_into_a_fresh_folder() {
    let site_name = "Backup Test Times";
    let config = format!("[site]\nname = \"{site_name}\"\n");
    let original = Server::serve_with_config(&config);
    let http = client();
    original.add_user("ravi", "admin", ADMIN_PASSWORD);
    let word = unique_word("bk");
    let ids = publish_three(&original, &http, &word).await;

    let root = tempdir();
    let backup = root.path().join("backup");
    let said = original.command(&["backup", path(&backup)], "");
    assert!(said.contains("log position"), "{said}");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(backup.join("backup.json")).unwrap()).unwrap();
    assert_eq!(manifest["backend"], "sqlite", "{manifest}");
    assert!(
        manifest["log_position"].as_i64().unwrap() >= 6,
        "{manifest}"
    );
    assert!(backup.join("wiredesk.db").is_file());
    assert!(backup.join("wiredesk.toml").is_file());
    assert!(!backup.join("index").exists(), "the index is not backed up");
    // A story after the backup is not in it.
    let later = publish_story(
        &original,
        &http,
        "urn:test:backup-after",
        "PTI",
        &format!("Late story {word}"),
        &format!("DELHI, Nov 28 (PTI) - Filed after the backup, {word} said."),
        "",
    )
    .await;

    // Refusals: into the running site's folder, from a folder that is no backup, a SQLite
    // backup into PostgreSQL.
    let running = fails(&[
        "restore",
        "--data",
        path(&original.data),
        path(&backup),
        "--force",
    ]);
    assert!(running.contains("stop the site"), "{running}");
    let empty = root.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let target_root = tempdir();
    let target = target_root.path().join("data");
    let no_manifest = fails(&["restore", "--data", path(&target), path(&empty)]);
    assert!(no_manifest.contains("backup.json"), "{no_manifest}");
    let wrong = fails(&[
        "restore",
        "--data",
        path(&target),
        "--database-url",
        "postgres://wiredesk:s3cret@127.0.0.1:1/news",
        path(&backup),
    ]);
    assert!(
        wrong.contains("SQLite backup") && wrong.contains("PostgreSQL"),
        "{wrong}"
    );
    assert!(!wrong.contains("s3cret"), "the password is shown: {wrong}");
    assert!(
        !target.join("wiredesk.db").exists(),
        "a refused restore writes no database"
    );

    // A damaged copy: refused, and nothing left behind in the target.
    let damaged = root.path().join("damaged");
    std::fs::create_dir(&damaged).unwrap();
    for name in ["backup.json", "wiredesk.toml"] {
        std::fs::copy(backup.join(name), damaged.join(name)).unwrap();
    }
    std::fs::write(damaged.join("wiredesk.db"), b"not a database at all").unwrap();
    let refused = fails(&["restore", "--data", path(&target), path(&damaged)]);
    assert!(
        refused.contains("not a readable wiredesk database"),
        "{refused}"
    );
    let left: Vec<_> = std::fs::read_dir(&target)
        .map(|d| d.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "a failed restore left {left:?}");

    let said = succeeds(&["restore", "--data", path(&target), path(&backup)]);
    assert!(said.contains("search index will rebuild"), "{said}");
    assert!(said.contains("wiredesk.toml"), "{said}");
    // Now the target holds stories: a second restore must be forced.
    let again = fails(&["restore", "--data", path(&target), path(&backup)]);
    assert!(again.contains("--force"), "{again}");
    succeeds(&["restore", "--data", path(&target), path(&backup), "--force"]);

    let restored = Server::serve_folder(target_root, target, Launch::default());
    serves_what_was_backed_up(&restored, &http, &ids, &word, site_name).await;
    let (status, _) = get(&http, &restored.url(&format!("/api/v1/stories/{later}"))).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "the story filed after the backup is not in it"
    );
}

/// `url` with `password` for its user (when it names a user without one).
fn with_password(url: &str, password: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => match rest.split_once('@') {
            Some((user, host)) if !user.contains(':') && !user.contains('/') => {
                format!("{scheme}://{user}:{password}@{host}")
            }
            _ => url.to_string(),
        },
        None => url.to_string(),
    }
}

fn on_database(url: &str) -> Launch {
    Launch {
        args: vec!["--database-url".to_string(), url.to_string()],
        ..Launch::default()
    }
}

#[tokio::test]
async fn a_postgres_backup_restores_into_another_database() {
    // First, so they are dropped after the servers.
    let from = PgDatabase::fresh().await;
    let into = PgDatabase::fresh().await;
    let site_name = "Shared Backup Times";
    let config = format!("[site]\nname = \"{site_name}\"\n");
    let original = Server::serve_launched(&config, on_database(&from.url));
    let http = client();
    original.command(
        &[
            "user",
            "add",
            "ravi",
            "--role",
            "admin",
            "--database-url",
            &from.url,
        ],
        &format!("{ADMIN_PASSWORD}\n"),
    );
    let word = unique_word("pgbk");
    let ids = publish_three(&original, &http, &word).await;

    let root = tempdir();
    let backup = root.path().join("backup");
    // A password in the URL (trust auth ignores it) must not be shown.
    let secret_url = with_password(&from.url, "s3cret-pw");
    let said = original.command(
        &["backup", path(&backup), "--database-url", &secret_url],
        "",
    );
    assert!(!said.contains("s3cret"), "{said}");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(backup.join("backup.json")).unwrap()).unwrap();
    assert_eq!(manifest["backend"], "postgres", "{manifest}");
    assert!(backup.join("wiredesk.pgdump").is_file());
    // Without pg_dump on the PATH: the tool is named, and the password is nowhere in what is
    // said.
    let out = Command::new(env!("CARGO_BIN_EXE_wiredesk"))
        .args(["backup", "--data", path(&original.data), "--database-url"])
        .arg(&secret_url)
        .arg(root.path().join("no-tools"))
        .env("PATH", "/nonexistent")
        .stdin(Stdio::null())
        .output()
        .expect("run wiredesk");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{said}");
    assert!(said.contains("pg_dump was not found"), "{said}");
    assert!(!said.contains("s3cret"), "the password is shown: {said}");
    assert!(
        !root.path().join("no-tools").exists(),
        "no half-written backup"
    );

    let sqlite_target = root.path().join("sqlite-data");
    let wrong = fails(&["restore", "--data", path(&sqlite_target), path(&backup)]);
    assert!(wrong.contains("PostgreSQL backup"), "{wrong}");

    let target_root = tempdir();
    let target = target_root.path().join("data");
    let said = succeeds(&[
        "restore",
        "--data",
        path(&target),
        "--database-url",
        &into.url,
        path(&backup),
    ]);
    assert!(said.contains("search index will rebuild"), "{said}");
    let again = fails(&[
        "restore",
        "--data",
        path(&target),
        "--database-url",
        &into.url,
        path(&backup),
    ]);
    assert!(again.contains("--force"), "{again}");

    let restored = Server::serve_folder(target_root, target, on_database(&into.url));
    serves_what_was_backed_up(&restored, &http, &ids, &word, site_name).await;
    drop(restored);
    drop(original);
}
