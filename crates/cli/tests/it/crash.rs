//! A crash at any instant loses no accepted story, and the search index catches up with the
//! log by itself: aborts at the store's and the index's commits (`WIREDESK_CRASH_AT`),
//! `kill -9` while files land, and a full disk under `index/`.

use std::os::unix::process::ExitStatusExt;
use std::time::Duration;

use crate::common::{
    Launch, OwnNats, Server, all_stories, drop_file, eventually, files_under, get_json, http,
    ninjs_story, unique_word,
};

/// A story whose headline and body carry `word` and nothing any other story has.
fn story_with(word: &str) -> Vec<u8> {
    ninjs_story(
        &format!("urn:crash-test:{word}"),
        1,
        "Crash Wire",
        &format!("Harbour {word} reopens"),
        &format!("The harbour at {word} reopened to shipping on Monday."),
        "",
    )
}

/// How many stories `/api/v1/search` finds for `word`.
async fn found(server: &Server, client: &reqwest::Client, word: &str) -> usize {
    let (status, answer) = get_json(client, &server.url(&format!("/api/v1/search?q={word}"))).await;
    assert_eq!(status, 200, "search for {word}: {answer}");
    answer["items"].as_array().map_or(0, Vec::len)
}

/// How many stories the API lists whose headline carries `word`.
async fn listed(server: &Server, client: &reqwest::Client, word: &str) -> usize {
    all_stories(server, client, 100)
        .await
        .iter()
        .filter(|item| item.to_string().contains(word))
        .count()
}

/// The signal `std::process::abort` ends a process with on Linux.
const SIGABRT: i32 = 6;

/// The crash points, in the order a delivery meets them.
const POINTS: [&str; 3] = [
    "in-store-commit",
    "after-store-commit",
    "before-index-commit",
];

#[tokio::test]
async fn a_crash_at_any_commit_loses_no_story_and_search_catches_up_after_restart() {
    let client = http();
    for point in POINTS {
        let launch = Launch {
            env: vec![("WIREDESK_CRASH_AT".into(), point.into())],
            ..Launch::default()
        };
        let mut server = Server::serve_launched("", launch);
        let word = unique_word("crash");
        drop_file(&server.inbox(), "story.json", &story_with(&word));
        let status = server.wait_for_exit(Duration::from_secs(30));
        assert_eq!(
            status.signal(),
            Some(SIGABRT),
            "{point}: the process should have aborted there ({status}); its output:\n{}",
            server.log_text()
        );

        server.launch.env.clear();
        server.restart_after(Duration::ZERO);
        eventually(Duration::from_secs(15), "the story found by search", || {
            let (server, client, word) = (&server, &client, &word);
            async move { (found(server, client, word).await == 1).then_some(()) }
        })
        .await;
        assert_eq!(
            listed(&server, &client, &word).await,
            1,
            "{point}: stored once"
        );
        let inbox = server.inbox();
        eventually(Duration::from_secs(10), "the inbox emptied", || {
            let inbox = inbox.clone();
            async move { files_under(&inbox).is_empty().then_some(()) }
        })
        .await;
    }
}

#[tokio::test]
async fn kill_9_while_files_land_loses_nothing_and_store_and_search_agree_after_restart() {
    let client = http();
    let mut server = Server::serve_with_config("");
    let mut words = Vec::new();
    // Kills at different moments of the drop folder's work: before it reads the files,
    // while it ingests them, and after.
    for (round, wait_ms) in [30u64, 150, 400, 900].into_iter().enumerate() {
        for i in 0..15 {
            let word = unique_word(&format!("k{round}x{i}"));
            drop_file(
                &server.inbox(),
                &format!("r{round}-{i}.json"),
                &story_with(&word),
            );
            words.push(word);
        }
        tokio::time::sleep(Duration::from_millis(wait_ms)).await;
        server.restart_after(Duration::ZERO);
    }
    let inbox = server.inbox();
    eventually(
        Duration::from_secs(30),
        "every file taken from the inbox",
        || {
            let inbox = inbox.clone();
            async move { files_under(&inbox).is_empty().then_some(()) }
        },
    )
    .await;
    let stories = all_stories(&server, &client, 100).await;
    for word in &words {
        let stored = stories
            .iter()
            .filter(|s| s.to_string().contains(word))
            .count();
        assert_eq!(stored, 1, "{word}: every accepted file is one story");
    }
    for word in &words {
        let (server, client) = (&server, &client);
        eventually(
            Duration::from_secs(15),
            "search agrees with the store",
            || async move { (found(server, client, word).await == 1).then_some(()) },
        )
        .await;
    }
}

#[tokio::test]
async fn a_full_disk_under_the_index_pauses_search_not_ingest_and_it_catches_up_when_space_returns()
{
    let client = http();
    let launch = Launch {
        index_tmpfs: Some(16 << 20),
        ..Launch::default()
    };
    let server = Server::serve_launched("", launch);
    let first = unique_word("before");
    drop_file(&server.inbox(), "first.json", &story_with(&first));
    eventually(Duration::from_secs(15), "the first story found", || {
        let (server, client, first) = (&server, &client, &first);
        async move { (found(server, client, first).await == 1).then_some(()) }
    })
    .await;

    // Fill the index's disk to the last byte.
    let filler = server.index_dir_as_served().join("filler");
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&filler).expect("create the filler");
        let block = vec![0u8; 64 << 10];
        while f.write_all(&block).is_ok() {}
        while f.write_all(&block[..512]).is_ok() {}
        let _ = f.sync_all();
    }
    let during = unique_word("during");
    drop_file(&server.inbox(), "during.json", &story_with(&during));
    eventually(Duration::from_secs(15), "the story stored", || {
        let (server, client, during) = (&server, &client, &during);
        async move { (listed(server, client, during).await == 1).then_some(()) }
    })
    .await;
    let health = eventually(
        Duration::from_secs(15),
        "/healthz to say search fails",
        || {
            let (server, client) = (&server, &client);
            async move {
                let (status, body) = get_json(client, &server.url("/healthz")).await;
                let search = body["projections"]
                    .as_array()?
                    .iter()
                    .find(|p| p["name"] == "search")?
                    .clone();
                (status == 503 && search["failing_since"].is_string()).then_some(body)
            }
        },
    )
    .await;
    assert_eq!(health["status"], "unhealthy", "{health}");
    assert_eq!(
        found(&server, &client, &during).await,
        0,
        "not searchable yet"
    );
    assert_eq!(
        found(&server, &client, &first).await,
        1,
        "search still answers"
    );

    // Space returns: the missed story and a new one become searchable, with no restart.
    std::fs::remove_file(&filler).expect("remove the filler");
    let after = unique_word("after");
    drop_file(&server.inbox(), "after.json", &story_with(&after));
    for word in [&during, &after] {
        let (server, client) = (&server, &client);
        eventually(
            Duration::from_secs(30),
            "searchable once space returned",
            || async move { (found(server, client, word).await == 1).then_some(()) },
        )
        .await;
    }
    let (status, health) = get_json(&client, &server.url("/healthz")).await;
    assert_eq!(status, 200, "healthy again: {health}");
    assert!(
        server
            .log_text()
            .contains("search index cannot follow the log")
    );
}

/// A writer that dies between committing queued copy and acknowledging it: JetStream hands
/// the delivery out again, the pipeline finds it unchanged, and one story results.
#[tokio::test]
async fn queued_copy_committed_but_never_acknowledged_ends_in_one_story() {
    use wiredesk_source::queue::{DeliveryQueue, QueueSettings};

    let client = http();
    let nats = OwnNats::start();
    let mut server = Server::serve_launched(
        "",
        Launch {
            env: vec![("WIREDESK_CRASH_AT".into(), "after-store-commit".into())],
            args: vec!["--nats-url".into(), nats.url()],
            ..Launch::default()
        },
    );
    let token = server
        .command(&["token", "add", "Crash Wire"], "")
        .trim()
        .to_string();
    let word = unique_word("queued");
    let answer = client
        .post(server.url("/api/v1/ingest"))
        .bearer_auth(&token)
        .body(story_with(&word))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 202);
    let status = server.wait_for_exit(Duration::from_secs(30));
    assert_eq!(status.signal(), Some(SIGABRT), "{}", server.log_text());

    server.launch.env.clear();
    server.restart_after(Duration::ZERO);
    // A new client: the old one's kept-alive connection went with the old process.
    let client = http();
    assert_eq!(
        listed(&server, &client, &word).await,
        1,
        "committed before the crash"
    );
    // Delivered again after the ack wait (30 s), found unchanged, and acknowledged this time.
    let queue = DeliveryQueue::connect(&nats.url(), QueueSettings::default())
        .await
        .expect("the test's NATS answers");
    eventually(
        Duration::from_secs(90),
        "the delivery acknowledged",
        || async { (queue.stored().await.ok()? == 0).then_some(()) },
    )
    .await;
    assert!(
        server.log_text().contains("Unchanged"),
        "the second delivery was found unchanged: {}",
        server.log_text()
    );
    assert_eq!(listed(&server, &client, &word).await, 1, "still one story");
    assert_eq!(found(&server, &client, &word).await, 1);
}
