//! The topic model learned from the site's own archive, against the real binary: `wiredesk
//! topics train` on stories the agencies tagged, then untagged plain copy through the drop
//! folder of a site that was running all along: clear copy goes live in its topic, copy the
//! model cannot place waits on the desk with the reason.

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use crate::common::{
    Server, desk_session, drop_file, eventually, files_under, get_json, http, ninjs_story,
    unique_word,
};
use reqwest::header::COOKIE;

const INGEST: Duration = Duration::from_secs(30);
const EDITOR_PASSWORD: &str = "editor-password-1";

/// Written for this test from word lists: ten stories a topic, each its own mix.
const TOPICS: [(&str, &str, [&str; 12]); 3] = [
    (
        "sport",
        "Sport",
        [
            "cricket",
            "wickets",
            "innings",
            "batsman",
            "bowler",
            "stadium",
            "captain",
            "tournament",
            "striker",
            "goal",
            "league",
            "coach",
        ],
    ),
    (
        "markets",
        "Markets",
        [
            "shares",
            "investors",
            "profit",
            "earnings",
            "dividend",
            "bonds",
            "inflation",
            "currency",
            "rupee",
            "lender",
            "quarterly",
            "exchange",
        ],
    ),
    (
        "science",
        "Science",
        [
            "telescope",
            "astronomers",
            "galaxy",
            "orbit",
            "satellite",
            "researchers",
            "laboratory",
            "molecules",
            "genome",
            "vaccine",
            "physicists",
            "comet",
        ],
    ),
];

fn config() -> String {
    let mut c =
        "[site]\nname = \"Topics Test Times\"\n\n[topics]\ndesk_threshold = 0.5\n".to_string();
    for (slug, name, _) in TOPICS {
        c.push_str(&format!(
            "\n[[topics.topics]]\nslug = \"{slug}\"\nname = \"{name}\"\ncategories = [\"{name}\"]\n"
        ));
    }
    c
}

fn words(vocab: &[&str], k: usize, n: usize) -> String {
    (0..n)
        .map(|j| vocab[(k * 5 + j * 7) % vocab.len()])
        .collect::<Vec<_>>()
        .join(" ")
}

/// `wiredesk ARGS… --data DATA`, successful or not.
fn wiredesk(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wiredesk"))
        .args(args)
        .arg("--data")
        .arg(data)
        .output()
        .expect("run the wiredesk binary")
}

fn stdout_of(out: &Output) -> String {
    assert!(
        out.status.success(),
        "wiredesk failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `name=value` pairs of an output's last line.
fn figures(stdout: &str) -> Vec<(String, String)> {
    stdout
        .lines()
        .last()
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn figure<'a>(figures: &'a [(String, String)], name: &str) -> &'a str {
    figures
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {name} in {figures:?}"))
}

/// Plain PTI copy from Kochi dated yesterday, as an agency's text feed sends it.
fn plain(headline: &str, body: &str) -> Vec<u8> {
    let yesterday = crate::common::dateline_yesterday();
    format!("{headline}\n\nKochi, {yesterday} (PTI) {body}\n").into_bytes()
}

async fn get_with(client: &reqwest::Client, url: &str, cookie: &str) -> String {
    let r = client.get(url).header(COOKIE, cookie).send().await.unwrap();
    r.text().await.unwrap()
}

#[tokio::test]
async fn the_archive_teaches_topics_to_untagged_copy_and_the_unsure_waits_on_the_desk() {
    let server = Server::serve_with_config(&config());
    let client = http();
    let status = stdout_of(&wiredesk(&server.data, &["topics", "status"]));
    assert_eq!(figure(&figures(&status), "present"), "0", "{status}");

    // Nothing stored yet: refused, and nothing written.
    let refused = wiredesk(&server.data, &["topics", "train"]);
    assert!(!refused.status.success());
    let why = String::from_utf8_lossy(&refused.stderr);
    assert!(why.contains("too little to learn from"), "{why}");
    let model_path = server.data.join("topic-model.json");
    assert!(!model_path.exists());

    // The archive: thirty stories the agency tagged (its subjects map to the site's topics).
    for (t, (_, name, vocab)) in TOPICS.iter().enumerate() {
        for k in 0..10 {
            let uri = format!("urn:test:topics:{t}:{k}");
            let headline = words(vocab, k + 1, 4);
            let body = format!("{}. {}.", words(vocab, k, 9), words(vocab, k + 3, 7));
            let subject = format!("\"subject\": [{{\"name\": \"{name}\"}}]");
            drop_file(
                &server.inbox(),
                &format!("{t}-{k}.json"),
                &ninjs_story(&uri, 1, "PTI", &headline, &body, &subject),
            );
        }
    }
    eventually(INGEST, "the inbox takes the thirty stories", || {
        let archive = server.archive();
        async move { (files_under(&archive).len() == 30).then_some(()) }
    })
    .await;

    let trained = stdout_of(&wiredesk(&server.data, &["topics", "train"]));
    let f = figures(&trained);
    assert_eq!(figure(&f, "examples"), "30", "{trained}");
    assert_eq!(figure(&f, "topics"), "3", "{trained}");
    let micro: f64 = figure(&f, "micro_f1").parse().unwrap();
    assert!(micro > 0.5, "held-out micro F1 {micro}: {trained}");
    assert!(figure(&f, "train_s").parse::<f64>().is_ok());
    assert!(figure(&f, "macro_f1").parse::<f64>().is_ok());
    let saved = std::fs::read(&model_path).expect("the model is written");
    let status = stdout_of(&wiredesk(&server.data, &["topics", "status"]));
    let s = figures(&status);
    assert_eq!(figure(&s, "present"), "1", "{status}");
    assert_eq!(figure(&s, "examples"), "30", "{status}");

    // Too few topics under another config: refused, and the model in place is kept.
    std::fs::write(
        server.data.join("one-topic.toml"),
        "[[topics.topics]]\nslug = \"sport\"\nname = \"Sport\"\n",
    )
    .unwrap();
    let one = server.data.join("one-topic.toml");
    let refused = wiredesk(
        &server.data,
        &["topics", "train", "--config", one.to_str().unwrap()],
    );
    assert!(!refused.status.success());
    assert_eq!(std::fs::read(&model_path).unwrap(), saved);

    // Untagged copy clearly about cricket: the running site picks up the model and the story
    // goes live under Sport.
    let clear = unique_word("Captain");
    drop_file(
        &server.inbox(),
        "clear.txt",
        &plain(
            &format!("{clear} leads the innings as the bowler takes wickets"),
            "The batsman and the bowler took wickets as the captain led the innings at the \
             stadium, and the coach praised the tournament's league leaders.",
        ),
    );
    let listed = server.url(&format!("/api/v1/stories?limit=100&topic=sport&q={clear}"));
    eventually(
        INGEST,
        "the untagged cricket story is live under sport",
        || {
            let (client, url) = (&client, &listed);
            async move {
                let (status, page) = get_json(client, url).await;
                assert_eq!(status, 200, "{url}");
                (page["items"].as_array().map(Vec::len) == Some(1)).then_some(())
            }
        },
    )
    .await;

    // Copy with nothing the model knows: held, and the desk says why.
    let nonsense = unique_word("Zorbl");
    drop_file(
        &server.inbox(),
        "nonsense.txt",
        &plain(
            &format!("{nonsense} quenk vrim"),
            "Plotz ambergrue snee wuxt florp, grindle moxa quib.",
        ),
    );
    server.add_user("asha", "editor", EDITOR_PASSWORD);
    let session = desk_session(&server, "asha", EDITOR_PASSWORD).await;
    let rows_url = server.url("/desk/queue/rows?status=held");
    let row = eventually(INGEST, "the nonsense story held in the queue", || {
        let (client, url, session, word) = (&client, &rows_url, &session, &nonsense);
        async move {
            let rows = get_with(client, url, session).await;
            rows.split("<tr ")
                .find(|r| r.contains(word.as_str()))
                .map(str::to_string)
        }
    })
    .await;
    let id = row
        .split("data-story=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("the row names its story")
        .to_string();
    let page = get_with(&client, &server.url(&format!("/desk/story/{id}")), &session).await;
    assert!(
        page.contains("topic unsure: nothing in the copy matches"),
        "the reason is on the desk: {page}"
    );
    let r = client
        .get(server.url(&format!("/api/v1/stories/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404, "held copy is not published");
}
