//! `serve --role`: web nodes and ingest nodes on one PostgreSQL; one writer at a time, a
//! standby that takes over when it dies; ingest that pauses while the database is away and
//! loses nothing.

use std::time::Duration;

use reqwest::StatusCode;
use wiredesk_model::StoryId;

use crate::common::{
    Launch, OwnPostgres, PgSchema, Server, drop_file, eventually, files_under, get_json,
    http as client, ninjs_story, unique_word,
};

const CONFIG: &str = "[site]\nname = \"Many Machines Times\"\n";

fn node(url: &str, role: &str) -> Server {
    Server::serve_launched(
        CONFIG,
        Launch {
            args: vec![
                "--database-url".into(),
                url.into(),
                "--role".into(),
                role.into(),
            ],
            ..Launch::default()
        },
    )
}

/// `/healthz`'s word for what the node does about ingest (`writing`, `standby`, `paused`), if
/// it may write at all.
async fn writer_state(http: &reqwest::Client, server: &Server) -> Option<String> {
    let (_, health) = get_json(http, &server.url("/healthz")).await;
    health["writer"]["state"].as_str().map(str::to_string)
}

async fn is_listed(http: &reqwest::Client, server: &Server, id: &str) -> bool {
    get_json(http, &server.url(&format!("/api/v1/stories/{id}")))
        .await
        .0
        == 200
}

async fn until_listed(http: &reqwest::Client, server: &Server, id: &str, what: &str) {
    eventually(Duration::from_secs(30), what, || async {
        is_listed(http, server, id).await.then_some(())
    })
    .await;
}

fn story(uri: &str, word: &str, extra: &str) -> (String, Vec<u8>) {
    let id = StoryId::for_uri(uri).to_string();
    let bytes = ninjs_story(
        uri,
        1,
        "PTI",
        &format!("Harbour {word} reopens"),
        &format!("KOCHI, Dec 6 (PTI) - The harbour reopened, {word} officials said."),
        extra,
    );
    (id, bytes)
}

/// How many events of `kind` the log holds for story `id`.
async fn events_of(url: &str, id: &str, kind: &str) -> i64 {
    use sqlx::Connection;
    let mut db = sqlx::PgConnection::connect(url).await.expect("connect");
    sqlx::query_scalar("SELECT count(*) FROM events WHERE story_id = $1 AND kind = $2")
        .bind(id)
        .bind(kind)
        .fetch_one(&mut db)
        .await
        .expect("count events")
}

#[tokio::test]
async fn one_ingest_node_writes_the_standby_takes_over_and_web_nodes_follow() {
    let schema = PgSchema::fresh().await;
    let http = client();
    let web = node(&schema.url, "web");
    let mut ingest = vec![node(&schema.url, "ingest"), node(&schema.url, "ingest")];

    let writer = eventually(Duration::from_secs(30), "one writer, one standby", || {
        let (http, ingest) = (&http, &ingest);
        async move {
            match (
                writer_state(http, &ingest[0]).await?.as_str(),
                writer_state(http, &ingest[1]).await?.as_str(),
            ) {
                ("writing", "standby") => Some(0),
                ("standby", "writing") => Some(1),
                _ => None,
            }
        }
    })
    .await;
    let writer = ingest.remove(writer);
    let standby = ingest.remove(0);
    assert_eq!(
        writer_state(&http, &web).await,
        None,
        "a web node never writes, so says nothing of a writer"
    );

    // The writer's inbox is taken in, and the web node shows it; the standby's waits.
    let word = unique_word("roles");
    let (waiting, bytes) = story("urn:test:roles-waiting", &word, "");
    drop_file(&standby.inbox(), "waiting.json", &bytes);
    let (taken, bytes) = story("urn:test:roles-taken", &word, "");
    drop_file(&writer.inbox(), "taken.json", &bytes);
    until_listed(&http, &web, &taken, "the writer's copy on the web node").await;
    assert!(
        !is_listed(&http, &web, &waiting).await,
        "a standby takes nothing in"
    );
    assert_eq!(files_under(&standby.inbox()).len(), 1);

    // An embargo is lifted once, by the writer's clock alone.
    let ends = jiff::Timestamp::from_second(jiff::Timestamp::now().as_second() + 3).unwrap();
    let (embargoed, bytes) = story(
        "urn:test:roles-embargo",
        &word,
        &format!("\"embargoed\": \"{}\"", ends.strftime("%Y-%m-%dT%H:%M:%SZ")),
    );
    drop_file(&writer.inbox(), "embargo.json", &bytes);
    until_listed(&http, &web, &embargoed, "the embargoed story, once lifted").await;
    assert!(
        jiff::Timestamp::now() >= ends,
        "not before its embargo ends"
    );

    // The writer dies (`kill -9`): the standby takes over and takes in what waited in its
    // inbox.
    drop(writer);
    eventually(Duration::from_secs(30), "the standby writes", || async {
        (writer_state(&http, &standby).await.as_deref() == Some("writing")).then_some(())
    })
    .await;
    until_listed(&http, &web, &waiting, "the standby's copy, once it writes").await;
    assert!(files_under(&standby.inbox()).is_empty());

    // Push to the web node and act on the desk there: both append through the store.
    let token = web
        .command(&["token", "add", "PTI", "--database-url", &schema.url], "")
        .trim()
        .to_string();
    let (pushed, bytes) = story("urn:test:roles-pushed", &word, "");
    let answer = http
        .post(web.url("/api/v1/ingest"))
        .bearer_auth(&token)
        .body(bytes)
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success(), "{}", answer.status());
    until_listed(&http, &web, &pushed, "pushed copy").await;

    for id in [&taken, &waiting, &embargoed, &pushed] {
        assert_eq!(events_of(&schema.url, id, "ingested").await, 1, "{id} once");
    }
    assert_eq!(
        events_of(&schema.url, &embargoed, "embargo_lifted").await,
        1,
        "one lift, though two ingest nodes ran a clock"
    );
    let (status, _) = get_json(&http, &web.url("/healthz")).await;
    assert_eq!(status, StatusCode::OK.as_u16());
}

#[tokio::test]
async fn ingest_waits_for_postgresql_and_pauses_while_it_is_away_losing_nothing() {
    let pg = OwnPostgres::init();
    let http = client();
    // Started before its database: it names the server, keeps trying, and serves once the
    // database answers.
    let server = std::thread::scope(|scope| {
        scope.spawn(|| {
            std::thread::sleep(Duration::from_secs(3));
            pg.start();
        });
        node(&pg.url(), "all")
    });
    let log = server.log_text();
    assert!(
        log.contains(&format!(
            "cannot open the PostgreSQL database at postgres://***@127.0.0.1:{}/postgres",
            pg.port
        )) && log.contains("trying again"),
        "the wait is explained: {log}"
    );
    let word = unique_word("away");
    let (before, bytes) = story("urn:test:away-before", &word, "");
    drop_file(&server.inbox(), "before.json", &bytes);
    until_listed(&http, &server, &before, "copy while the database is up").await;

    // The database goes away: ingest pauses and says so, the file waits in the inbox.
    pg.stop();
    eventually(Duration::from_secs(30), "ingest paused", || async {
        let (status, health) = get_json(&http, &server.url("/healthz")).await;
        (status == 503 && health["writer"]["state"] == "paused").then_some(())
    })
    .await;
    let (during, bytes) = story("urn:test:away-during", &word, "");
    drop_file(&server.inbox(), "during.json", &bytes);
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(files_under(&server.inbox()).len(), 1, "the file waits");

    // It comes back: ingest resumes on its own, nothing lost or doubled.
    pg.start();
    until_listed(&http, &server, &during, "copy that waited for the database").await;
    eventually(Duration::from_secs(30), "healthy again", || async {
        let (status, health) = get_json(&http, &server.url("/healthz")).await;
        (status == 200 && health["writer"]["state"] == "writing").then_some(())
    })
    .await;
    assert!(files_under(&server.inbox()).is_empty());
    for id in [&before, &during] {
        assert_eq!(events_of(&pg.url(), id, "ingested").await, 1, "{id} once");
    }
}
