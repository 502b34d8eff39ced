//! Outgoing feeds over real HTTP: RSS 2.0, Atom 1.0 and JSON Feed 1.1 for the site, a topic and
//! an agency, read by feed-rs and by Python's feedparser as partners and feed readers would.

mod common;

use std::collections::HashSet;
use std::process::Command;
use std::time::Duration;

use common::{Server, drop_file, eventually, get_typed as get, http, unique_word};
use feed_rs::model::{Feed, FeedType};
use jiff::{Timestamp, ToSpan};
use serde_json::{Value, json};

/// The two demo files `reuters-assam-floods-v1.json` and `-v2.json` share this uri.
const ASSAM_FLOODS_URI: &str = "urn:newsml:reuters.com:20260612:nL4N3FL0DS";

/// A topic and an agency the demo corpus has stories in (the updated Assam story in both).
const DEMO_TOPIC: &str = "india";
const DEMO_AGENCY: &str = "reuters";

/// The default `site.feed_length`.
const FEED_LENGTH: usize = 50;

/// How long a file dropped into the inbox may take to be dealt with.
const INGEST: Duration = Duration::from_secs(20);

#[derive(Clone, Copy, Debug, PartialEq)]
enum Format {
    Rss,
    Atom,
    Json,
}

const FORMATS: [Format; 3] = [Format::Rss, Format::Atom, Format::Json];

impl Format {
    fn file(self) -> &'static str {
        match self {
            Format::Rss => "feed.xml",
            Format::Atom => "atom.xml",
            Format::Json => "feed.json",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Rss => "application/rss+xml; charset=utf-8",
            Format::Atom => "application/atom+xml; charset=utf-8",
            Format::Json => "application/feed+json; charset=utf-8",
        }
    }

    fn feed_type(self) -> FeedType {
        match self {
            Format::Rss => FeedType::RSS2,
            Format::Atom => FeedType::Atom,
            Format::Json => FeedType::JSON,
        }
    }
}

/// The feed of `format` under `prefix` ("" for the site, "/topic/india", …).
fn feed_path(prefix: &str, format: Format) -> String {
    format!("{prefix}/{}", format.file())
}

/// The id every feed gives the story with this agency uri.
fn entry_id(server: &Server, uri: &str) -> String {
    server.url(&format!("/story/{}", wiredesk_model::StoryId::for_uri(uri)))
}

/// GET a feed, check its status and content type, and parse it with feed-rs.
async fn fetch_feed(server: &Server, client: &reqwest::Client, path: &str, format: Format) -> Feed {
    let url = server.url(path);
    let (status, content_type, body) = get(client, &url).await;
    assert_eq!(status, 200, "GET {path}: {body}");
    assert_eq!(content_type, format.content_type(), "GET {path}");
    let feed = feed_rs::parser::parse(body.as_bytes())
        .unwrap_or_else(|e| panic!("feed-rs cannot parse {path} ({e}):\n{body}"));
    assert_eq!(feed.feed_type, format.feed_type(), "{path}");
    feed
}

fn ids(feed: &Feed) -> Vec<String> {
    feed.entries.iter().map(|e| e.id.clone()).collect()
}

/// feed-rs hands out chrono times; the tests think in jiff.
fn time(rfc3339: String) -> Timestamp {
    rfc3339
        .parse()
        .unwrap_or_else(|e| panic!("{rfc3339:?} is not RFC 3339: {e}"))
}

/// Every string anywhere in a JSON value.
fn strings(value: &Value) -> Vec<&str> {
    match value {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().flat_map(strings).collect(),
        Value::Object(fields) => fields.values().flat_map(strings).collect(),
        _ => Vec::new(),
    }
}

/// The feed ids of the live stories `keep` accepts, in `/api/v1/stories` order (the live
/// listing, newest first). An item is read by the site addresses it holds, not by field
/// names, which the API's ninjs profiles spell differently: its article is `{site}/story/{id}/…`.
async fn live_entry_ids(
    server: &Server,
    client: &reqwest::Client,
    site: &str,
    keep: impl Fn(&[&str]) -> bool,
) -> Vec<String> {
    let article = format!("{site}/story/");
    let mut out = Vec::new();
    let mut url = server.url("/api/v1/stories?limit=100");
    for _ in 0..100 {
        let (status, _, text) = get(client, &url).await;
        assert_eq!(status, 200, "GET {url}: {text}");
        let page: Value = serde_json::from_str(&text).expect("the API answers JSON");
        for item in page["items"].as_array().expect("an items array") {
            let texts = strings(item);
            if !keep(&texts) {
                continue;
            }
            let id = texts
                .iter()
                .find_map(|s| s.strip_prefix(article.as_str()))
                .and_then(|rest| rest.split('/').next())
                .unwrap_or_else(|| panic!("no {article}… address in {item}"));
            out.push(format!("{article}{id}"));
        }
        match page["next"].as_str() {
            Some(cursor) => {
                url = server.url(&format!("/api/v1/stories?limit=100&cursor={cursor}"));
            }
            None => return out,
        }
    }
    panic!("the API never stopped handing out cursors");
}

/// What feedparser made of one feed.
#[derive(Debug)]
struct Parsed {
    bozo: bool,
    exception: String,
    version: String,
    ids: Vec<String>,
    /// (published, updated) per entry, seconds since the epoch.
    times: Vec<(Option<i64>, Option<i64>)>,
}

const FEEDPARSER_SCRIPT: &str = r#"
import calendar, json, sys
import feedparser

def secs(t):
    return calendar.timegm(t) if t else None

out = []
for url in sys.argv[1:]:
    d = feedparser.parse(url)
    out.append({
        "bozo": bool(d.bozo),
        "exception": repr(d.get("bozo_exception", "")),
        "version": d.get("version", ""),
        "ids": [e.get("id") for e in d.entries],
        "times": [[secs(e.get("published_parsed")), secs(e.get("updated_parsed"))] for e in d.entries],
    })
print(json.dumps(out))
"#;

/// Python's feedparser fetching each URL itself, as a feed reader would (headers included).
/// Runs `$WIREDESK_PYTHON` (set by scripts/test), else `python3`; never skips quietly.
fn feedparser(urls: &[String]) -> Vec<Parsed> {
    let python = std::env::var("WIREDESK_PYTHON").unwrap_or_else(|_| "python3".into());
    let how = "run scripts/test, which installs feedparser into target/test-python and exports \
               WIREDESK_PYTHON (or set WIREDESK_PYTHON to a Python that has feedparser)";
    let probe = Command::new(&python)
        .args(["-c", "import feedparser"])
        .output()
        .unwrap_or_else(|e| panic!("cannot run Python {python:?} ({e}): {how}"));
    assert!(
        probe.status.success(),
        "Python {python:?} cannot import feedparser: {how}\n{}",
        String::from_utf8_lossy(&probe.stderr).trim()
    );
    let run = Command::new(&python)
        .arg("-c")
        .arg(FEEDPARSER_SCRIPT)
        .args(urls)
        .output()
        .unwrap_or_else(|e| panic!("cannot run Python {python:?}: {e}"));
    assert!(
        run.status.success(),
        "the feedparser script failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let results: Vec<Value> =
        serde_json::from_slice(&run.stdout).expect("the feedparser script prints JSON");
    results
        .into_iter()
        .map(|r| Parsed {
            bozo: r["bozo"].as_bool().unwrap_or(true),
            exception: r["exception"].as_str().unwrap_or_default().to_string(),
            version: r["version"].as_str().unwrap_or_default().to_string(),
            ids: r["ids"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|i| i.as_str().unwrap_or_default().to_string())
                .collect(),
            times: r["times"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|t| (t[0].as_i64(), t[1].as_i64()))
                .collect(),
        })
        .collect()
}

/// Checks every feed must pass whatever it lists: entries newest first, unique ids that resolve,
/// links, titles, authors, updated never before published, and the feed's own updated time.
fn check_entries(server: &Server, path: &str, feed: &Feed, format: Format) {
    let mut seen = HashSet::new();
    let mut previous: Option<Timestamp> = None;
    let mut newest_change = None;
    for entry in &feed.entries {
        let id = &entry.id;
        assert!(seen.insert(id.clone()), "{path}: id {id} appears twice");
        let story_id = id.strip_prefix(&server.url("/story/")).unwrap_or_default();
        assert!(
            story_id.len() == 16 && story_id.bytes().all(|b| b.is_ascii_hexdigit()),
            "{path}: id {id} is not the story's /story/{{id}} address"
        );
        let title = entry.title.as_ref().map(|t| t.content.trim()).unwrap_or("");
        assert!(!title.is_empty(), "{path}: {id} has no title");
        assert!(
            entry
                .links
                .iter()
                .any(|l| l.href.starts_with(&format!("{id}/"))),
            "{path}: {id} has no link to its article: {:?}",
            entry.links
        );
        assert!(
            entry
                .authors
                .iter()
                .any(|a| a.name.as_deref().is_some_and(|n| !n.trim().is_empty())),
            "{path}: {id} names no author"
        );
        let published = time(
            entry
                .published
                .unwrap_or_else(|| panic!("{path}: {id} has no published time"))
                .to_rfc3339(),
        );
        let updated = time(
            entry
                .updated
                .unwrap_or_else(|| panic!("{path}: {id} has no updated time"))
                .to_rfc3339(),
        );
        assert!(
            updated >= published,
            "{path}: {id} updated {updated} before it was published {published}"
        );
        if let Some(before) = previous {
            assert!(
                published <= before,
                "{path}: not newest first: {id} ({published}) comes after an entry of {before}"
            );
        }
        previous = Some(published);
        newest_change = newest_change.max(Some(updated));
    }
    // JSON Feed has no feed-level updated time.
    if format != Format::Json {
        let feed_updated = time(
            feed.updated
                .unwrap_or_else(|| panic!("{path}: the feed has no updated time"))
                .to_rfc3339(),
        );
        assert_eq!(
            Some(feed_updated),
            newest_change,
            "{path}: the feed's updated time is not its newest entry's"
        );
    }
}

#[tokio::test]
async fn every_feed_lists_the_live_stories_newest_first_and_parses_everywhere() {
    let server = Server::demo();
    let client = http();

    let topic_url = server.url(&format!("/topic/{DEMO_TOPIC}"));
    let agency_url = server.url(&format!("/agency/{DEMO_AGENCY}"));
    let site = server.base.as_str();
    let scopes = [
        (
            String::new(),
            live_entry_ids(&server, &client, site, |_| true).await,
        ),
        (
            format!("/topic/{DEMO_TOPIC}"),
            live_entry_ids(&server, &client, site, |t| t.contains(&topic_url.as_str())).await,
        ),
        (
            format!("/agency/{DEMO_AGENCY}"),
            // By the agency page's address, or by the agency's name as its infosource.
            live_entry_ids(&server, &client, site, |t| {
                t.iter()
                    .any(|s| *s == agency_url || s.eq_ignore_ascii_case(DEMO_AGENCY))
            })
            .await,
        ),
    ];
    assert!(
        scopes[0].1.len() > FEED_LENGTH,
        "the demo has more live stories than one feed holds, so the length limit is tested"
    );
    let assam = entry_id(&server, ASSAM_FLOODS_URI);

    let mut xml_urls = Vec::new();
    let mut expected_xml = Vec::new();
    for (prefix, live) in &scopes {
        assert!(
            !live.is_empty(),
            "the demo has live stories under {prefix:?}"
        );
        let expected: Vec<String> = live.iter().take(FEED_LENGTH).cloned().collect();
        assert!(
            expected.contains(&assam),
            "the updated Assam story is among the newest under {prefix:?}"
        );
        for format in FORMATS {
            let path = feed_path(prefix, format);
            let feed = fetch_feed(&server, &client, &path, format).await;
            assert_eq!(
                ids(&feed),
                expected,
                "{path}: not the {} newest live stories, in order",
                expected.len()
            );
            check_entries(&server, &path, &feed, format);
            // Full text is the default: every entry carries its body, not just the summary.
            for entry in &feed.entries {
                let body = entry.content.as_ref().and_then(|c| c.body.as_deref());
                assert!(
                    body.is_some_and(|b| b.contains("<p>")),
                    "{path}: {} carries no full text",
                    entry.id
                );
            }
            let story = feed
                .entries
                .iter()
                .find(|e| e.id == assam)
                .expect("listed above");
            let (published, updated) = (story.published.unwrap(), story.updated.unwrap());
            assert!(
                updated > published,
                "{path}: the updated Assam story shows no update time after publication \
                 (published {published}, updated {updated})"
            );
            // Asked again, the same ids.
            let again = fetch_feed(&server, &client, &path, format).await;
            assert_eq!(
                ids(&again),
                ids(&feed),
                "{path}: ids changed between requests"
            );

            // Released feedparser (6.x) reads RSS and Atom only, not JSON Feed.
            if format != Format::Json {
                xml_urls.push(server.url(&path));
                expected_xml.push((path, format, expected.clone()));
            }
        }
    }

    let parsed = feedparser(&xml_urls);
    assert_eq!(parsed.len(), expected_xml.len());
    for (p, (path, format, expected)) in parsed.iter().zip(&expected_xml) {
        assert!(!p.bozo, "feedparser flags {path} as bozo: {}", p.exception);
        let version = if *format == Format::Rss {
            "rss20"
        } else {
            "atom10"
        };
        assert_eq!(p.version, version, "feedparser's reading of {path}");
        assert_eq!(&p.ids, expected, "feedparser's ids in {path}");
        let at = p.ids.iter().position(|i| *i == assam).unwrap();
        match p.times[at] {
            (Some(published), Some(updated)) => assert!(
                updated > published,
                "feedparser sees no update after publication of the Assam story in {path}"
            ),
            other => panic!("feedparser finds no published and updated times in {path}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn feeds_of_an_unknown_topic_or_agency_are_404() {
    let server = Server::demo();
    let client = http();
    for prefix in ["/topic/no-such-topic", "/agency/no-such-agency"] {
        for format in FORMATS {
            let path = feed_path(prefix, format);
            let (status, _, _) = get(&client, &server.url(&path)).await;
            assert_eq!(status, 404, "GET {path}");
        }
    }
}

/// A ninjs item as an agency would drop it into the inbox.
fn ninjs(uri: &str, version: u32, pubstatus: &str, agency: &str, headline: &str) -> Vec<u8> {
    let rfc3339 = |t: Timestamp| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    let now = Timestamp::now();
    let item = json!({
        "uri": uri,
        "version": version.to_string(),
        "type": "text",
        "pubstatus": pubstatus,
        "firstcreated": rfc3339(now - 1.hour()),
        "versioncreated": rfc3339(now),
        "language": "en",
        "headlines": [{"role": "main", "value": headline}],
        "bodies": [{
            "role": "main",
            "contenttype": "text/html",
            "value": format!("<p>{headline}, officials said on Saturday.</p><p>The harbour board will meet again next week to approve the final plan.</p>"),
        }],
        "infosource": [{"name": agency, "role": "originfo"}],
    });
    serde_json::to_vec_pretty(&item).expect("JSON")
}

/// The feed's entry with `id`, once `ready` accepts it.
async fn wait_for_entry(
    server: &Server,
    client: &reqwest::Client,
    path: &str,
    format: Format,
    id: &str,
    what: &str,
    ready: impl Fn(&feed_rs::model::Entry) -> bool,
) -> feed_rs::model::Entry {
    eventually(INGEST, &format!("{path} to list {id} {what}"), || {
        let ready = &ready;
        async move {
            let feed = fetch_feed(server, client, path, format).await;
            let found: Vec<_> = feed.entries.iter().filter(|e| e.id == id).collect();
            assert!(found.len() <= 1, "{path} lists {id} {} times", found.len());
            found.first().filter(|e| ready(e)).map(|e| (*e).clone())
        }
    })
    .await
}

#[tokio::test]
async fn an_update_keeps_the_entry_id_and_a_kill_takes_the_story_out_of_every_feed() {
    let server = Server::demo();
    let client = http();
    let word = unique_word("Feedwire");
    let agency_name = format!("{word} News");
    let agency_slug = agency_name.to_lowercase().replace(' ', "-");
    let uri = format!("urn:newsml:example.test:20261128:{word}");
    let id = entry_id(&server, &uri);
    let first = format!("{word} council approves new harbour plan");
    let second = format!("{word} council approves harbour plan after late-night vote");

    let name = format!("{word}-v1.json");
    drop_file(
        &server.inbox(),
        &name,
        &ninjs(&uri, 1, "usable", &agency_name, &first),
    );
    let prefixes = [String::new(), format!("/agency/{agency_slug}")];
    let mut v1_links = Vec::new();
    for prefix in &prefixes {
        for format in FORMATS {
            let path = feed_path(prefix, format);
            let entry =
                wait_for_entry(&server, &client, &path, format, &id, "(v1)", |_| true).await;
            v1_links.push(entry.links[0].href.clone());
        }
    }

    drop_file(
        &server.inbox(),
        &format!("{word}-v2.json"),
        &ninjs(&uri, 2, "usable", &agency_name, &second),
    );
    for prefix in &prefixes {
        for format in FORMATS {
            let path = feed_path(prefix, format);
            let entry = wait_for_entry(&server, &client, &path, format, &id, "at v2", |e| {
                e.title.as_ref().is_some_and(|t| t.content == second)
            })
            .await;
            let (published, updated) = (entry.published.unwrap(), entry.updated.unwrap());
            assert!(
                updated > published,
                "{path}: v2 of {id} carries no update time (published {published}, updated {updated})"
            );
            assert!(
                !v1_links.contains(&entry.links[0].href),
                "{path}: the rewritten headline should have moved the article link, still {}",
                entry.links[0].href
            );
            let feed = fetch_feed(&server, &client, &path, format).await;
            check_entries(&server, &path, &feed, format);
        }
    }

    drop_file(
        &server.inbox(),
        &format!("{word}-v3.json"),
        &ninjs(&uri, 3, "canceled", &agency_name, &second),
    );
    for format in FORMATS {
        let path = feed_path("", format);
        eventually(INGEST, &format!("the killed {id} to leave {path}"), || {
            let (server, client, path, id) = (&server, &client, &path, &id);
            async move {
                let feed = fetch_feed(server, client, path, format).await;
                (!feed.entries.iter().any(|e| e.id == *id)).then_some(())
            }
        })
        .await;
    }
    // The agency had no other story: with nothing live its feeds are gone too.
    for format in FORMATS {
        let path = feed_path(&prefixes[1], format);
        let (status, _, body) = get(&client, &server.url(&path)).await;
        assert_eq!(status, 404, "GET {path} after the kill: {body}");
    }
}

#[tokio::test]
async fn the_config_sets_the_feed_length_and_summary_only_feeds() {
    const SITE: &str = "http://news.example.test";
    let server = Server::serve_with_config(&format!(
        "[site]\nbase_url = \"{SITE}\"\nfeed_length = 2\nfeed_full_text = false\n"
    ));
    let client = http();
    let word = unique_word("Shortfeed");
    let uris: Vec<String> = (1..=3)
        .map(|n| format!("urn:newsml:example.test:20261128:{word}{n}"))
        .collect();
    for (n, uri) in uris.iter().enumerate() {
        drop_file(
            &server.inbox(),
            &format!("{word}{n}.json"),
            &ninjs(
                uri,
                1,
                "usable",
                "Reuters",
                &format!("{word} story number {n} for the short feed"),
            ),
        );
    }
    eventually(INGEST, "all three stories to be live", || {
        let (server, client) = (&server, &client);
        async move {
            let live = live_entry_ids(server, client, SITE, |_| true).await;
            (live.len() == 3).then_some(())
        }
    })
    .await;
    let mut newest = live_entry_ids(&server, &client, SITE, |_| true).await;
    newest.truncate(2);
    for prefix in ["", "/agency/reuters"] {
        for format in FORMATS {
            let path = feed_path(prefix, format);
            let (_, _, body) = get(&client, &server.url(&path)).await;
            let feed = fetch_feed(&server, &client, &path, format).await;
            assert_eq!(
                ids(&feed),
                newest,
                "{path}: the 2 newest, as configured, with ids on site.base_url"
            );
            for entry in &feed.entries {
                let summary = entry.summary.as_ref().map(|s| s.content.as_str());
                assert!(
                    summary.is_some_and(|s| s.contains(&word)),
                    "{path}: {} has no summary",
                    entry.id
                );
            }
            let full_text = match format {
                Format::Rss => body.contains("<content:encoded>"),
                Format::Atom => body.contains("<content"),
                Format::Json => body.contains("\"content_html\""),
            };
            assert!(
                !full_text,
                "{path} carries full text with feed_full_text = false:\n{body}"
            );
        }
    }
}
