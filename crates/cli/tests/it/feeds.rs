//! Outgoing feeds over real HTTP: RSS 2.0, Atom 1.0 and JSON Feed 1.1 for the site, a topic and
//! an agency, read by feed-rs and by Python's feedparser as partners and feed readers would.

use std::collections::HashSet;
use std::process::Command;
use std::time::Duration;

use crate::common::{Server, drop_file, eventually, get_typed as get, http, unique_word};
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

// ----- hostile copy -----

/// Agency copy written to run in whoever renders it: markup, event handlers, a `javascript:`
/// link, a CDATA terminator, an entity that must stay an entity's text, the end of a script
/// element with a comment opener, and quotes for attributes. A reader must see exactly this.
const HOSTILE: &str = "<script>alert(1)</script> <img src=x onerror=alert(2)> \
<a href=\"javascript:alert(3)\">x</a> ]]> &lt;script&gt; </script><!-- \"q\" 'q'";

/// Escaped for HTML element content, as an agency writes plain text into an HTML body.
fn html_escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const HTML_AUDIT_SCRIPT: &str = r#"
import json, sys
from html.parser import HTMLParser
import feedparser

RUNS = {"script", "iframe", "object", "embed", "frame", "frameset", "applet", "base"}
# A fragment (a feed field, a body) has no business holding these either.
ACTIVE = RUNS | {"form", "style", "svg", "math", "meta", "link"}
URLS = {"href", "src", "action", "formaction", "xlink:href", "poster", "background", "data"}

class Audit(HTMLParser):
    """What a browser would make of an HTML fragment: anything that runs, and the text shown."""
    def __init__(self, page):
        super().__init__(convert_charrefs=True)
        self.page, self.problems, self.text, self.meta, self.jsonld = page, [], [], {}, []
        self.in_jsonld = False
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self.page and tag == "script" and a.get("type") == "application/ld+json":
            self.in_jsonld = True
        elif self.page and tag == "script" and (a.get("src") or "").startswith("/static/"):
            pass
        elif self.page and tag == "meta":
            self.meta[a.get("property") or a.get("name") or ""] = a.get("content")
        elif tag in (RUNS if self.page else ACTIVE):
            self.problems.append("<%s> element" % tag)
        for k, v in attrs:
            if k.startswith("on"):
                self.problems.append("%s attribute on <%s>" % (k, tag))
            url = "".join((v or "").split()).lower()
            if k in URLS and url.startswith(("javascript:", "data:", "vbscript:")):
                self.problems.append("%s URL in %s of <%s>" % (url.split(":")[0], k, tag))
    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.in_jsonld = False
    def handle_endtag(self, tag):
        if tag == "script":
            self.in_jsonld = False
    def handle_data(self, data):
        (self.jsonld if self.in_jsonld else self.text).append(data)
    def handle_comment(self, data):
        self.problems.append("comment <!--%s-->" % data)

def audit(html, page=False):
    a = Audit(page)
    a.feed(html)
    a.close()
    return {"problems": a.problems, "text": "".join(a.text), "meta": a.meta,
            "jsonld": "".join(a.jsonld)}

def shown(detail, value):
    """A field as a feed reader shows it: HTML rendered, plain text as it is."""
    kind = (detail or {}).get("type", "text/plain")
    if kind in ("text/html", "application/xhtml+xml"):
        return dict(audit(value), type=kind)
    return {"problems": [], "text": value, "type": kind}

job = json.load(sys.stdin)
out = {"html": [dict(audit(h, page), label=label) for label, h, page in job["html"]], "feeds": []}
for url in job["feeds"]:
    d = feedparser.parse(url)
    entries = []
    for e in d.entries:
        fields = {"title": shown(e.get("title_detail"), e.get("title", ""))}
        if "summary" in e:
            fields["summary"] = shown(e.get("summary_detail"), e.summary)
        for i, c in enumerate(e.get("content", [])):
            fields["content %d" % i] = shown(c, c.value)
        entries.append({"id": e.get("id"), "fields": fields})
    out["feeds"].append({
        "url": url, "bozo": bool(d.bozo), "exception": repr(d.get("bozo_exception", "")),
        "title": shown(d.feed.get("title_detail"), d.feed.get("title", "")), "entries": entries,
    })
print(json.dumps(out))
"#;

/// Runs `HTML_AUDIT_SCRIPT` on `(label, html, is_whole_page)` fragments and on feed URLs that
/// feedparser fetches itself.
fn html_audit(html: &[(String, String, bool)], feeds: &[String]) -> Value {
    let python = std::env::var("WIREDESK_PYTHON").unwrap_or_else(|_| "python3".into());
    let mut child = Command::new(&python)
        .arg("-c")
        .arg(HTML_AUDIT_SCRIPT)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run Python {python:?} ({e}); set WIREDESK_PYTHON"));
    let job = json!({"html": html, "feeds": feeds});
    std::io::Write::write_all(
        &mut child.stdin.take().expect("stdin"),
        job.to_string().as_bytes(),
    )
    .expect("write the audit job");
    let run = child.wait_with_output().expect("wait for Python");
    assert!(
        run.status.success(),
        "the HTML audit script failed (does {python:?} have feedparser?): {}",
        String::from_utf8_lossy(&run.stderr)
    );
    serde_json::from_slice(&run.stdout).expect("the audit script prints JSON")
}

/// Each fragment (XML element text) of `xml` that a feed reader renders as HTML or reads as
/// text, by element: `(name, type attribute, text)`.
fn xml_fields(label: &str, xml: &str) -> Vec<(String, Option<String>, String)> {
    let doc = roxmltree::Document::parse(xml)
        .unwrap_or_else(|e| panic!("{label} is not well-formed XML ({e}):\n{xml}"));
    doc.descendants()
        .filter(|n| n.is_element())
        .map(|n| {
            let prefix = n
                .tag_name()
                .namespace()
                .and_then(|ns| n.lookup_prefix(ns))
                .filter(|p| !p.is_empty())
                .map(|p| format!("{p}:"))
                .unwrap_or_default();
            (
                format!("{prefix}{}", n.tag_name().name()),
                n.attribute("type").map(str::to_string),
                n.text().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn hostile_copy_reaches_every_feed_page_api_and_sitemap_as_text_never_as_markup() {
    let word = unique_word("Quay");
    let topic_name = format!("Ports of {word} {HOSTILE}");
    let config = format!(
        "[[topics.topics]]\nslug = \"quays\"\nname = {}\nkeywords = [\"{word}\"]\n",
        serde_json::to_string(&topic_name).unwrap()
    );
    let server = Server::serve_with_config(&config);
    let client = http();

    let uri = format!("urn:newsml:example.test:20261128:{word}");
    let headline = format!("{word} harbour vote {HOSTILE}");
    let byline = format!("By {word} Asha {HOSTILE}");
    let place = format!("Kochi {HOSTILE}");
    let made = (Timestamp::now() - 1.minute())
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    // Real markup in the body too: the sanitizer must take out what runs and keep the text.
    let body = format!(
        "<p>{word} council members met. {} said the board.</p>\
         <p onclick=\"alert(4)\">Markup <script>alert(5)</script><img src=x onerror=alert(6)>\
         <a href=\"javascript:alert(7)\">js</a> <a href=\"data:text/html,x\">data</a> \
         <iframe src=\"https://evil.example/\"></iframe>]]&gt; ends.</p>",
        html_escaped(HOSTILE)
    );
    let item = json!({
        "uri": uri, "version": "1", "type": "text", "pubstatus": "usable",
        "firstcreated": made, "versioncreated": made, "language": "en",
        "headlines": [{"role": "main", "value": headline}],
        "by": byline,
        "located": place,
        "bodies": [{"role": "main", "contenttype": "text/html", "value": body}],
        "infosource": [{"name": "Reuters", "role": "originfo"}],
    });
    drop_file(
        &server.inbox(),
        &format!("{word}.json"),
        item.to_string().as_bytes(),
    );
    // Plain copy: its headline and paragraph are text however they look.
    let plain_headline = format!("{word} plain {HOSTILE}");
    drop_file(
        &server.inbox(),
        &format!("{word}-plain.txt"),
        format!(
            "{plain_headline}\n\nMUMBAI, {} (PTI) - {word} plain copy {HOSTILE} as filed.\n\n\
             A second paragraph.\n",
            crate::common::dateline_yesterday()
        )
        .as_bytes(),
    );

    let api = format!("/api/v1/stories?q={word}");
    let items: Vec<Value> = eventually(INGEST, "both hostile stories in the API", || {
        let (server, client, api) = (&server, &client, &api);
        async move {
            let (status, page) = crate::common::get_json(client, &server.url(api)).await;
            let items = page["items"].as_array().cloned().unwrap_or_default();
            (status == 200 && items.len() == 2).then_some(items)
        }
    })
    .await;
    let headline_of = |o: &Value| {
        o["headlines"][0]["value"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let ninjs_item = items
        .iter()
        .find(|o| o["uri"] == uri.as_str())
        .expect("the ninjs story is listed");
    // The store kept the copy as text: no entity decoded, nothing dropped.
    assert_eq!(headline_of(ninjs_item), headline);
    assert_eq!(ninjs_item["by"], byline.as_str());
    let summary = ninjs_item["descriptions"][0]["value"].as_str().unwrap();
    assert!(summary.contains(HOSTILE), "summary: {summary}");
    let headlines: Vec<String> = items.iter().map(headline_of).collect();
    assert!(headlines.contains(&plain_headline), "{headlines:?}");

    let mut fragments: Vec<(String, String, bool)> = Vec::new();
    for o in &items {
        let body = o["bodies"][0]["value"].as_str().unwrap_or_default();
        fragments.push((
            format!("API body of {}", headline_of(o)),
            body.into(),
            false,
        ));
    }

    // Every feed, raw: XML that parses, each field in its place.
    let mut feed_urls = Vec::new();
    let mut raw_feeds = Vec::new();
    for prefix in ["", "/topic/quays", "/agency/reuters", "/agency/pti"] {
        for format in FORMATS {
            let path = feed_path(prefix, format);
            let (status, _, text) = get(&client, &server.url(&path)).await;
            assert_eq!(status, 200, "GET {path}: {text}");
            // Released feedparser (6.x) reads RSS and Atom only, not JSON Feed.
            if format != Format::Json {
                feed_urls.push(server.url(&path));
            }
            raw_feeds.push((path, format, text));
        }
    }
    let mut plain_fields = Vec::new();
    for (path, format, text) in &raw_feeds {
        match format {
            Format::Rss | Format::Atom => {
                for (name, kind, value) in xml_fields(path, text) {
                    let rendered = match format {
                        // RSS says nothing of types: readers render these as HTML.
                        Format::Rss => matches!(
                            name.as_str(),
                            "title" | "description" | "content:encoded" | "dc:creator" | "category"
                        ),
                        _ => kind.as_deref() == Some("html"),
                    };
                    if rendered {
                        fragments.push((format!("{path} <{name}>"), value, false));
                    } else if matches!(name.as_str(), "title" | "summary" | "name") {
                        plain_fields.push((format!("{path} <{name}>"), value));
                    }
                }
            }
            Format::Json => {
                let feed: Value = serde_json::from_str(text).expect("JSON Feed");
                for item in feed["items"].as_array().unwrap() {
                    if let Some(html) = item["content_html"].as_str() {
                        fragments.push((format!("{path} content_html"), html.into(), false));
                    }
                    for key in ["title", "summary"] {
                        let value = item[key].as_str().unwrap_or_default();
                        plain_fields.push((format!("{path} {key}"), value.into()));
                    }
                }
            }
        }
    }

    // The article pages, whole: meta tags, JSON-LD and body.
    let mut page_labels = Vec::new();
    for o in &items {
        let href = o["renditions"][0]["href"].as_str().unwrap();
        let (path, _) = crate::common::story_path_and_id(href);
        let (status, _, html) = get(&client, &server.url(&path)).await;
        assert_eq!(status, 200, "GET {path}");
        page_labels.push((headline_of(o), fragments.len()));
        fragments.push((format!("article page {path}"), html, true));
    }

    let audit = html_audit(&fragments, &feed_urls);
    let mut seen_headline = 0;
    for (fragment, result) in fragments.iter().zip(audit["html"].as_array().unwrap()) {
        let label = &fragment.0;
        assert_eq!(
            result["problems"],
            json!([]),
            "{label} would run something in a reader's browser:\n{}",
            fragment.1
        );
        let text = result["text"].as_str().unwrap();
        if text.contains(&headline) || text.contains(&plain_headline) {
            seen_headline += 1;
        }
        // Every field about these stories holds the hostile copy; shown, it reads as sent:
        // the entity in it decoded neither twice nor not at all.
        if text.contains(&word) {
            assert!(
                text.contains(HOSTILE),
                "{label} does not show the copy as sent: {text}"
            );
        }
    }
    assert!(seen_headline > 0, "no field showed a headline as text");
    let rss_titles: Vec<&Value> = audit["html"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            let label = r["label"].as_str().unwrap();
            label.ends_with(".xml <title>") && label.starts_with("/feed.xml")
        })
        .collect();
    for h in [&headline, &plain_headline] {
        assert!(
            rss_titles.iter().any(|r| r["text"] == h.as_str()),
            "/feed.xml shows no title reading {h:?} once rendered: {rss_titles:?}"
        );
    }
    for (label, value) in plain_fields.iter().filter(|(_, v)| v.contains(&word)) {
        assert!(
            value.contains(HOSTILE),
            "{label} is plain text by definition, so holds the copy unescaped: {value}"
        );
    }

    // The article page: tags read back the copy exactly; JSON-LD is the script's only content.
    for (story_headline, at) in &page_labels {
        let page = &audit["html"][*at];
        let meta = &page["meta"];
        for key in ["og:title", "twitter:title"] {
            assert_eq!(
                meta[key],
                story_headline.as_str(),
                "{key} on {}",
                fragments[*at].0
            );
        }
        let description = meta["og:description"].as_str().unwrap_or_default();
        assert!(
            description.contains(HOSTILE),
            "og:description: {description}"
        );
        let ld: Value =
            serde_json::from_str(page["jsonld"].as_str().unwrap()).unwrap_or_else(|e| {
                panic!("JSON-LD on {} ({e}): {}", fragments[*at].0, page["jsonld"])
            });
        assert_eq!(ld["headline"], story_headline.as_str());
        assert!(
            page["text"]
                .as_str()
                .unwrap()
                .contains(story_headline.as_str())
        );
        if story_headline == &headline {
            assert!(
                strings(&ld["keywords"]).contains(&topic_name.as_str()),
                "JSON-LD keywords: {}",
                ld["keywords"]
            );
        }
    }

    // Through feedparser, as a reader: the literal copy, and nothing that runs.
    for feed in audit["feeds"].as_array().unwrap() {
        let url = feed["url"].as_str().unwrap();
        assert_eq!(feed["bozo"], false, "{url}: {}", feed["exception"]);
        if url.contains("/topic/quays/") && !url.ends_with(".json") {
            let title = feed["title"]["text"].as_str().unwrap();
            assert!(title.starts_with(&topic_name), "{url} title: {title}");
        }
        let mut titles = Vec::new();
        for entry in feed["entries"].as_array().unwrap() {
            for (name, field) in entry["fields"].as_object().unwrap() {
                assert_eq!(field["problems"], json!([]), "{url} {name}: {field}");
            }
            titles.push(
                entry["fields"]["title"]["text"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            );
            if entry["id"]
                .as_str()
                .unwrap_or_default()
                .ends_with(wiredesk_model::StoryId::for_uri(&uri).as_str())
            {
                let summary = entry["fields"]["summary"]["text"].as_str().unwrap();
                assert!(
                    summary.contains(HOSTILE),
                    "{url} summary as shown: {summary}"
                );
                let content = entry["fields"]["content 0"]["text"]
                    .as_str()
                    .unwrap_or_default();
                assert!(
                    content.contains(HOSTILE) && content.contains("Markup"),
                    "{url} content as shown: {content}"
                );
            }
        }
        assert!(
            titles.contains(&headline) || titles.contains(&plain_headline),
            "{url} shows the titles {titles:?}"
        );
    }

    // Sitemaps: well-formed, and the News sitemap's title is the headline as text.
    let (_, _, index) = get(&client, &server.url("/sitemap.xml")).await;
    // The newest day's story file, the first the index lists.
    let newest_day = index
        .split("<loc>")
        .filter_map(|l| l.split("</loc>").next())
        .find_map(|url| {
            url.find("/sitemaps/stories-")
                .map(|at| url[at..].to_string())
        })
        .expect("the index lists a story sitemap");
    for path in ["/sitemap.xml", newest_day.as_str(), "/sitemap-news.xml"] {
        let (status, _, xml) = get(&client, &server.url(path)).await;
        assert_eq!(status, 200, "GET {path}");
        let fields = xml_fields(path, &xml);
        if path == "/sitemap-news.xml" {
            let titles: Vec<&str> = fields
                .iter()
                .filter(|(name, _, _)| name == "news:title")
                .map(|(_, _, v)| v.as_str())
                .collect();
            assert!(titles.contains(&headline.as_str()), "{titles:?}");
        }
    }
}

// ----- long stories -----

/// The most body a feed entry or API list item carries, as README and the OpenAPI spec state.
const LIST_BODY_LIMIT: usize = 64 * 1024;

/// A ninjs story whose body is about `bytes` of HTML, each paragraph numbered so the end of
/// the story can be looked for.
fn long_story(uri: &str, headline: &str, bytes: usize) -> (Vec<u8>, String) {
    let mut body = String::with_capacity(bytes + 200);
    let mut n = 0;
    while body.len() < bytes {
        n += 1;
        body.push_str(&format!(
            "<p>Paragraph {n} of the harbour inquiry report sets out the evidence heard by the \
             board, witness by witness, with the dates of each sitting.</p>"
        ));
    }
    let last = format!("Paragraph {n} of the harbour inquiry");
    let made = (Timestamp::now() - 1.minute())
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let item = json!({
        "uri": uri, "version": "1", "type": "text", "pubstatus": "usable",
        "firstcreated": made, "versioncreated": made, "language": "en",
        "headlines": [{"role": "main", "value": headline}],
        "bodies": [{"role": "main", "contenttype": "text/html", "value": body}],
        "infosource": [{"name": "Reuters", "role": "originfo"}],
    });
    (item.to_string().into_bytes(), last)
}

#[tokio::test]
async fn lists_carry_bodies_up_to_the_stated_limit_and_link_longer_stories() {
    let server = Server::serve_with_config("");
    let client = http();
    let word = unique_word("Inquiry");
    // Two stories near the 5 MB file limit and one of ordinary length.
    let mut last_paragraphs = Vec::new();
    for (n, bytes) in [(1, 4_900_000), (2, 4_900_000), (3, 3_000)] {
        let uri = format!("urn:newsml:example.test:20261128:{word}{n}");
        let (file, last) = long_story(&uri, &format!("{word} inquiry report part {n}"), bytes);
        assert!(
            file.len() < 5_000_000,
            "the file fits the drop folder's limit"
        );
        drop_file(&server.inbox(), &format!("{word}{n}.json"), &file);
        last_paragraphs.push((wiredesk_model::StoryId::for_uri(&uri), bytes, last));
    }
    eventually(
        Duration::from_secs(60),
        "the three stories to be live",
        || {
            let (server, client) = (&server, &client);
            async move {
                let (status, page) =
                    crate::common::get_json(client, &server.url("/api/v1/stories?limit=10")).await;
                (status == 200 && page["items"].as_array()?.len() == 3).then_some(())
            }
        },
    )
    .await;
    // The stated bound: each entry's copy up to the limit, plus its fields and the envelope.
    let bound = 3 * (LIST_BODY_LIMIT + 4096);

    for prefix in ["", "/agency/reuters"] {
        for format in FORMATS {
            let path = feed_path(prefix, format);
            let (status, _, text) = get(&client, &server.url(&path)).await;
            assert_eq!(status, 200, "GET {path}: {}", &text[..text.len().min(300)]);
            assert!(text.len() < bound, "{path} is {} bytes", text.len());
            let feed = fetch_feed(&server, &client, &path, format).await;
            for (id, bytes, last) in &last_paragraphs {
                let entry = feed
                    .entries
                    .iter()
                    .find(|e| e.id.ends_with(id.as_str()))
                    .unwrap_or_else(|| panic!("{path} lists {id}"));
                let link = &entry.links[0].href;
                let content = entry
                    .content
                    .as_ref()
                    .expect("full-text feeds have content");
                let body = content.body.as_deref().unwrap_or_default();
                if *bytes <= LIST_BODY_LIMIT {
                    assert!(body.contains(last.as_str()), "{path}: {id} is whole");
                } else if format == Format::Atom {
                    // Atom says where the content is instead of carrying it.
                    let src = content.src.as_ref().map(|l| l.href.as_str());
                    assert_eq!(src, Some(link.as_str()), "{path}: {id} points to its page");
                    assert!(body.is_empty(), "{path}: {id} carries no body beside src");
                } else {
                    assert!(
                        body.contains(&format!("href=\"{link}\"")),
                        "{path}: {id} links its page instead of its body: {body}"
                    );
                    assert!(!body.contains(last.as_str()), "{path}: {id} is abridged");
                }
            }
        }
    }

    for profile in ["", "&profile=ninjs3"] {
        let url = server.url(&format!("/api/v1/stories?limit=10{profile}"));
        let (status, _, text) = get(&client, &url).await;
        assert_eq!(status, 200, "GET {url}");
        assert!(text.len() < bound, "{url} is {} bytes", text.len());
        let page: Value = serde_json::from_str(&text).expect("JSON");
        let (kind, content_type) = if profile.is_empty() {
            ("representationtype", "contenttype")
        } else {
            ("representationType", "contentType")
        };
        for (id, bytes, last) in &last_paragraphs {
            let item = page["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|o| strings(o).contains(&id.as_str()))
                .unwrap_or_else(|| panic!("{url} lists {id}"));
            if *bytes <= LIST_BODY_LIMIT {
                assert_eq!(item[kind], "full");
                assert!(
                    item["bodies"][0]["value"]
                        .as_str()
                        .unwrap()
                        .contains(last.as_str())
                );
                continue;
            }
            assert_eq!(item[kind], "partial", "{url}: {id}");
            assert!(item.get("bodies").is_none(), "{url}: {id} has no body");
            let whole = item["renditions"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["name"] == "ninjs")
                .unwrap_or_else(|| panic!("{url}: {id} links its whole object"));
            assert_eq!(whole[content_type], "application/json");
            // The single story and the article page still carry every paragraph.
            let href = whole["href"].as_str().unwrap();
            let path = &href[href.find("/api/").expect("an API URL")..];
            let (status, one) = crate::common::get_json(&client, &server.url(path)).await;
            assert_eq!(status, 200, "GET {}", whole["href"]);
            assert_eq!(one[kind], "full");
            assert!(
                one["bodies"][0]["value"]
                    .as_str()
                    .unwrap()
                    .contains(last.as_str())
            );
            let page_path =
                crate::common::story_path_and_id(item["renditions"][0]["href"].as_str().unwrap()).0;
            let (status, _, html) = get(&client, &server.url(&page_path)).await;
            assert_eq!(status, 200, "GET {page_path}");
            assert!(html.contains(last.as_str()), "{page_path} is whole");
        }
    }
}
