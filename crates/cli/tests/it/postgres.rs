//! The site on PostgreSQL (`--database-url`, `[store] url`, `WIREDESK_DATABASE_URL`):
//! stories, search, desk accounts and a kill all through the shared database, and a second
//! web node with an empty data folder of its own that catches up from the log.

use std::process::{Command, Stdio};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;

use crate::common::{Launch, PgSchema, Server, eventually, free_port, unique_word};
use crate::desk::{ADMIN_PASSWORD, client, get, login, publish_story};

fn on_database(url: &str) -> Launch {
    Launch {
        args: vec!["--database-url".to_string(), url.to_string()],
        ..Launch::default()
    }
}

/// Whether `path` on `server` mentions the story `id` (a list or a search answer).
async fn mentions(http: &reqwest::Client, server: &Server, path: &str, id: &str) -> bool {
    let (status, body) = get(http, &server.url(path)).await;
    status == StatusCode::OK && body.contains(id)
}

async fn until_mentioned(
    http: &reqwest::Client,
    server: &Server,
    path: &str,
    id: &str,
    what: &str,
) {
    eventually(Duration::from_secs(30), what, || async move {
        mentions(http, server, path, id).await.then_some(())
    })
    .await;
}

async fn until_not_mentioned(
    http: &reqwest::Client,
    server: &Server,
    path: &str,
    id: &str,
    what: &str,
) {
    eventually(Duration::from_secs(30), what, || async move {
        (!mentions(http, server, path, id).await).then_some(())
    })
    .await;
}

#[tokio::test]
async fn two_web_nodes_share_one_database_and_the_second_catches_up_from_the_log() {
    // First, so it is dropped after both servers.
    let schema = PgSchema::fresh().await;
    let config = "[site]\nname = \"Shared Desk Times\"\n";
    let first = Server::serve_launched(config, on_database(&schema.url));
    let http = client();
    first.command(
        &[
            "user",
            "add",
            "ravi",
            "--role",
            "admin",
            "--database-url",
            &schema.url,
        ],
        &format!("{ADMIN_PASSWORD}\n"),
    );
    let word = unique_word("shared");
    let id = publish_story(
        &first,
        &http,
        "urn:test:pg-shared-1",
        "Reuters",
        &format!("Port {word} reopens after the storm"),
        &format!("CHENNAI, Nov 28 (Reuters) - The port reopened, {word} officials said."),
        "",
    )
    .await;
    let search = format!("/api/v1/search?q={word}");
    until_mentioned(&http, &first, "/api/v1/stories", &id, "listed").await;
    until_mentioned(&http, &first, &search, &id, "found by search").await;

    // Another node: its own port and data folder (so its own, empty search index), the same
    // database, named by its config file this time.
    let second = Server::serve_with_config(&format!("{config}[store]\nurl = \"{}\"\n", schema.url));
    assert_ne!(first.data, second.data);
    assert!(
        !second.data.join("wiredesk.db").exists(),
        "the second node keeps no SQLite database"
    );
    until_mentioned(
        &http,
        &second,
        "/api/v1/stories",
        &id,
        "listed by the second node",
    )
    .await;
    until_mentioned(
        &http,
        &second,
        &search,
        &id,
        "the second node's index caught up",
    )
    .await;

    // The account made on the first node's command line signs in on the second: the desk's
    // tables are in the shared database too.
    let desk = login(&second, &http, "ravi", ADMIN_PASSWORD).await;
    let killed = desk
        .post(
            &second,
            &http,
            &format!("/desk/story/{id}/kill"),
            &[("reason", "legal advice")],
        )
        .await;
    assert_eq!(killed.status(), StatusCode::SEE_OTHER, "the kill is taken");
    for (node, server) in [("second", &second), ("first", &first)] {
        until_not_mentioned(
            &http,
            server,
            "/api/v1/stories",
            &id,
            &format!("the {node} node lists it no more"),
        )
        .await;
        until_not_mentioned(
            &http,
            server,
            &search,
            &id,
            &format!("the {node} node's search finds it no more"),
        )
        .await;
        let (_, item) = get(&http, &server.url(&format!("/api/v1/stories/{id}"))).await;
        let item: Value = serde_json::from_str(&item).expect("the story's item is JSON");
        assert_eq!(item["pubstatus"], "canceled", "on the {node} node");
    }
}

#[test]
fn a_database_that_does_not_answer_is_named_without_its_password() {
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let url = format!("postgres://wiredesk:s3cret-pw@127.0.0.1:{port}/news");
    let out = Command::new(env!("CARGO_BIN_EXE_wiredesk"))
        .args(["user", "list", "--data"])
        .arg(data.path())
        .env("WIREDESK_DATABASE_URL", &url)
        .stdin(Stdio::null())
        .output()
        .expect("run wiredesk");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "no database, no success: {stderr}");
    assert!(
        stderr.contains(&format!("wiredesk:***@127.0.0.1:{port}/news")),
        "the error names the server: {stderr}"
    );
    assert!(
        !stderr.contains("s3cret"),
        "the password is shown: {stderr}"
    );
}
