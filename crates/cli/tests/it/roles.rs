//! `serve --role`: web nodes and ingest nodes on one PostgreSQL; one writer at a time, a
//! standby that takes over when it dies; ingest that pauses while the database is away and
//! loses nothing.

use std::time::Duration;

use reqwest::StatusCode;
use wiredesk_model::StoryId;

use crate::common::{
    Launch, OwnNats, OwnPostgres, PgSchema, Server, all_stories, desk_session, drop_file,
    eventually, files_under, get_json, http as client, ninjs_story, unique_word,
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
    // The pages it still serves are as old as its followers, which say since when they fail.
    eventually(Duration::from_secs(30), "staleness reported", || async {
        let (_, health) = get_json(&http, &server.url("/healthz")).await;
        let projections = health["projections"].as_array()?.clone();
        projections
            .iter()
            .any(|p| p["failing_since"].is_string())
            .then_some(())
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

fn cluster_node(pg: &OwnPostgres, nats: &OwnNats, role: &str) -> Server {
    Server::serve_launched(
        CONFIG,
        Launch {
            args: vec![
                "--database-url".into(),
                pg.url(),
                "--nats-url".into(),
                nats.url(),
                "--role".into(),
                role.into(),
            ],
            ..Launch::default()
        },
    )
}

/// Push `bytes` to `server` until it is taken (a node answers 503 while its queue is away).
async fn push(http: &reqwest::Client, server: &Server, token: &str, bytes: &[u8]) {
    eventually(Duration::from_secs(60), "the push is taken", || async {
        let answer = http
            .post(server.url("/api/v1/ingest"))
            .bearer_auth(token)
            .body(bytes.to_vec())
            .send()
            .await
            .ok()?;
        answer.status().is_success().then_some(())
    })
    .await;
}

/// Every live story id a node lists, sorted, with its headline.
async fn listed(http: &reqwest::Client, server: &Server) -> Vec<(String, String)> {
    let mut items: Vec<(String, String)> = all_stories(server, http, 100)
        .await
        .iter()
        .map(|s| {
            let id = s["uri"].as_str().unwrap_or_default().to_string();
            let headline = s["headlines"][0]["value"].as_str().unwrap_or_default();
            (id, headline.to_string())
        })
        .collect();
    items.sort();
    items
}

/// The ids a search for `word` finds on a node, sorted.
async fn found(http: &reqwest::Client, server: &Server, word: &str) -> Vec<String> {
    let (_, answer) = get_json(
        http,
        &server.url(&format!("/api/v1/search?q={word}&limit=100")),
    )
    .await;
    let mut ids: Vec<String> = answer["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i["uri"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    ids.sort();
    ids
}

#[tokio::test]
async fn two_web_and_two_ingest_nodes_on_postgresql_and_nats_lose_and_double_nothing() {
    let pg = OwnPostgres::init();
    pg.start();
    let mut nats = OwnNats::start();
    let http = client();
    let webs = [
        cluster_node(&pg, &nats, "web"),
        cluster_node(&pg, &nats, "web"),
    ];
    let mut ingest = vec![
        cluster_node(&pg, &nats, "ingest"),
        cluster_node(&pg, &nats, "ingest"),
    ];
    let token = webs[0]
        .command(&["token", "add", "PTI", "--database-url", &pg.url()], "")
        .trim()
        .to_string();
    let word = unique_word("cluster");
    let uri = |n: usize| format!("urn:test:cluster-{n}");
    let copy = |n: usize, version: u32, extra: &str| {
        ninjs_story(
            &uri(n),
            version,
            "PTI",
            &format!("Harbour {word} berth {n} version {version}"),
            &format!(
                "KOCHI, Dec 6 (PTI) - Berth {n} of the harbour reopened, {word} officials said."
            ),
            extra,
        )
    };

    // Pushed to every node, web and ingest alike: all of it reaches the one writer.
    for n in 0..12 {
        let to = if n % 2 == 0 {
            &webs[n % 4 / 2]
        } else {
            &ingest[n % 4 / 2]
        };
        push(&http, to, &token, &copy(n, 1, "")).await;
    }
    // An update, an agency kill and an embargo, through other nodes than the copy came by.
    push(&http, &webs[1], &token, &copy(0, 2, "")).await;
    push(
        &http,
        &ingest[1],
        &token,
        &copy(1, 2, "\"pubstatus\": \"canceled\""),
    )
    .await;
    let ends = jiff::Timestamp::from_second(jiff::Timestamp::now().as_second() + 3).unwrap();
    let embargo = format!("\"embargoed\": \"{}\"", ends.strftime("%Y-%m-%dT%H:%M:%SZ"));
    push(&http, &webs[0], &token, &copy(12, 1, &embargo)).await;

    // The writer dies while copy is still arriving: the standby takes over and what the dead
    // writer had not acknowledged is delivered again.
    let writer = eventually(Duration::from_secs(30), "a writer", || async {
        for (i, node) in ingest.iter().enumerate() {
            if writer_state(&http, node).await.as_deref() == Some("writing") {
                return Some(i);
            }
        }
        None
    })
    .await;
    for n in 13..25 {
        push(&http, &webs[n % 2], &token, &copy(n, 1, "")).await;
    }
    drop(ingest.remove(writer));
    for n in 25..30 {
        push(&http, &webs[n % 2], &token, &copy(n, 1, "")).await;
    }

    // PostgreSQL goes away and comes back. A push needs its token checked in the database,
    // so meanwhile it is refused with 503 and the agency sends it again.
    pg.stop();
    tokio::join!(
        async {
            for n in 30..33 {
                push(&http, &webs[0], &token, &copy(n, 1, "")).await;
            }
        },
        async {
            tokio::time::sleep(Duration::from_secs(2)).await;
            pg.start();
        }
    );

    // NATS goes away and comes back: the writer says its queue is away, pushes wait for it,
    // and the drop folder does not need it.
    let standby = &ingest[0];
    eventually(Duration::from_secs(30), "the standby writes", || async {
        (writer_state(&http, standby).await.as_deref() == Some("writing")).then_some(())
    })
    .await;
    nats.stop();
    eventually(
        Duration::from_secs(30),
        "the queue reported away",
        || async {
            (writer_state(&http, standby).await.as_deref() == Some("paused")).then_some(())
        },
    )
    .await;
    drop_file(&standby.inbox(), "dropped.json", &copy(33, 1, ""));
    nats.start_again();
    push(&http, &webs[1], &token, &copy(34, 1, "")).await;

    // Every web node converges on the same stories and the same search answers.
    let mut expected: Vec<(String, String)> = (0..35)
        .filter(|&n| n != 1)
        .map(|n| {
            let version = if n == 0 { 2 } else { 1 };
            (
                uri(n),
                format!("Harbour {word} berth {n} version {version}"),
            )
        })
        .collect();
    expected.sort();
    let expected_ids: Vec<String> = expected.iter().map(|(id, _)| id.clone()).collect();
    for web in &webs {
        eventually(
            Duration::from_secs(120),
            "the web node converges",
            || async {
                let listed = listed(&http, web).await;
                let found = found(&http, web, &word).await;
                (listed == expected && found == expected_ids).then_some(())
            },
        )
        .await;
    }
    for n in 0..35 {
        let id = StoryId::for_uri(&uri(n)).to_string();
        assert_eq!(
            events_of(&pg.url(), &id, "ingested").await,
            1,
            "story {n} once"
        );
    }
    assert_eq!(
        events_of(
            &pg.url(),
            &StoryId::for_uri(&uri(12)).to_string(),
            "embargo_lifted"
        )
        .await,
        1
    );
}

/// Started before its NATS server, a node waits for it; with its delivery queue away later,
/// the writer says so on `/healthz` and on the desk's Sources page, and writes again once it
/// is back.
#[tokio::test]
async fn the_desk_shows_why_ingest_is_paused() {
    let mut nats = OwnNats::not_started();
    let url = nats.url();
    let server = std::thread::scope(|scope| {
        scope.spawn(|| {
            std::thread::sleep(Duration::from_secs(2));
            nats.start_again();
        });
        Server::serve_launched(
            CONFIG,
            Launch {
                args: vec!["--nats-url".into(), url.clone()],
                ..Launch::default()
            },
        )
    });
    let log = server.log_text();
    assert!(
        log.contains(&format!("127.0.0.1:{}", nats.port)) && log.contains("trying again"),
        "the wait is explained: {log}"
    );
    let http = client();
    server.add_user("meera", "editor", "a long enough passphrase");
    let session = desk_session(&server, "meera", "a long enough passphrase").await;
    let sources = || async {
        let page = http
            .get(server.url("/desk/sources"))
            .header(reqwest::header::COOKIE, &session)
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        page.text().await.unwrap()
    };
    assert!(sources().await.contains("This node is the site"));

    nats.stop();
    eventually(Duration::from_secs(30), "ingest paused", || async {
        let (status, health) = get_json(&http, &server.url("/healthz")).await;
        (status == 503 && health["writer"]["state"] == "paused").then_some(())
    })
    .await;
    let page = sources().await;
    assert!(
        page.contains("Ingest is paused") && page.contains("delivery queue"),
        "the reason is on the desk: {page}"
    );

    nats.start_again();
    eventually(Duration::from_secs(60), "writing again", || async {
        let (status, health) = get_json(&http, &server.url("/healthz")).await;
        (status == 200 && health["writer"]["state"] == "writing").then_some(())
    })
    .await;
}
