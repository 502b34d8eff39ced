//! The partner API end to end: the real `wiredesk demo` binary asked over HTTP. Every object it
//! hands out is checked against the official IPTC ninjs schemas (vendored in
//! `crates/publish/testdata/ninjs/`), every filter against a full listing filtered here, and the
//! cursors against stories that arrive while a partner pages.

use std::collections::{BTreeSet, HashSet};
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use crate::common::{Server, drop_file, eventually, get_json, http, unique_word};
use jiff::Timestamp;
use serde_json::{Value, json};

/// How long a file dropped into the inbox may take to be dealt with.
const INGEST: Duration = Duration::from_secs(30);

/// A demo ninjs item (`reuters-eu-ai-rules.json`, version 1) that the kill test takes down.
const EU_AI_RULES_URI: &str = "urn:newsml:reuters.com:20260611:nL8N3EUAI2";

// ----- the vendored schemas -----

struct Schemas {
    ninjs2: Vec<(&'static str, jsonschema::Validator)>,
    ninjs3: Vec<(&'static str, jsonschema::Validator)>,
}

fn schema_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../publish/testdata/ninjs")
}

fn load(name: &str) -> Value {
    let path = schema_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Validators for every vendored ninjs 2.x and 3.x schema, built once, offline: the GeoJSON
/// schema they `$ref` is registered under its id, and formats (`uri`, `date-time`) are checked.
fn schemas() -> &'static Schemas {
    static SCHEMAS: OnceLock<Schemas> = OnceLock::new();
    SCHEMAS.get_or_init(|| {
        let registry = jsonschema::Registry::new()
            .add(
                "https://geojson.org/schema/GeoJSON.json",
                load("GeoJSON.json"),
            )
            .unwrap_or_else(|e| panic!("register GeoJSON.json: {e}"))
            .prepare()
            .unwrap_or_else(|e| panic!("prepare the schema registry: {e}"));
        let build = |file: &'static str| {
            let validator = jsonschema::options()
                .with_registry(&registry)
                .should_validate_formats(true)
                .build(&load(file))
                .unwrap_or_else(|e| panic!("{file} does not compile: {e}"));
            (file, validator)
        };
        Schemas {
            ninjs2: [
                "ninjs-schema_2.0.json",
                "ninjs-schema_2.1.json",
                "ninjs-schema_2.2.json",
            ]
            .into_iter()
            .map(build)
            .collect(),
            ninjs3: ["ninjs-schema_3.0.json", "ninjs-schema_3.1.json"]
                .into_iter()
                .map(build)
                .collect(),
        }
    })
}

fn errors(validator: &jsonschema::Validator, item: &Value) -> Vec<String> {
    validator
        .iter_errors(item)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn assert_valid(set: &[(&'static str, jsonschema::Validator)], item: &Value) {
    for (file, validator) in set {
        let errors = errors(validator, item);
        assert!(
            errors.is_empty(),
            "not valid against {file}:\n  {}\nobject: {item:#}",
            errors.join("\n  ")
        );
    }
}

fn assert_valid_ninjs2(item: &Value) {
    assert_valid(&schemas().ninjs2, item);
}

fn assert_valid_ninjs3(item: &Value) {
    assert_valid(&schemas().ninjs3, item);
}

// ----- HTTP -----

struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    text: String,
}

impl Answer {
    fn json(&self, url: &str) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| {
            panic!(
                "GET {url} answered {} with non-JSON ({e}): {}",
                self.status, self.text
            )
        })
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

async fn get(client: &reqwest::Client, url: &str, if_none_match: Option<&str>) -> Answer {
    let mut request = client.get(url);
    if let Some(etag) = if_none_match {
        request = request.header("If-None-Match", etag);
    }
    let response = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    Answer {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        text: response.text().await.expect("response body"),
    }
}

/// `/api/v1/stories?<query>` with `limit`, following `next` to the end.
async fn every_page(
    server: &Server,
    client: &reqwest::Client,
    query: &str,
    limit: usize,
) -> Vec<Value> {
    let sep = if query.is_empty() { "" } else { "&" };
    let first = format!("/api/v1/stories?limit={limit}{sep}{query}");
    let mut url = server.url(&first);
    let mut items = Vec::new();
    for _ in 0..500 {
        let (status, page) = get_json(client, &url).await;
        assert_eq!(status, 200, "GET {url}: {page}");
        let page_items = page["items"]
            .as_array()
            .unwrap_or_else(|| panic!("GET {url}: no items array in {page}"));
        assert!(page_items.len() <= limit, "GET {url}: page over the limit");
        items.extend(page_items.iter().cloned());
        match &page["next"] {
            Value::Null => return items,
            Value::String(cursor) => {
                assert!(
                    !page_items.is_empty(),
                    "GET {url}: an empty page with a next cursor"
                );
                url = server.url(&format!("{first}&cursor={cursor}"));
            }
            other => panic!("GET {url}: `next` is neither a string nor null: {other}"),
        }
    }
    panic!("still handed a `next` cursor after 500 pages of {first}");
}

// ----- reading ninjs objects -----

/// An `altids` (2.x) / `altIds` (3.x) value by role.
fn altid<'a>(item: &'a Value, role: &str) -> &'a str {
    item.get("altids")
        .or_else(|| item.get("altIds"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|a| a["role"] == role)
        .and_then(|a| a["value"].as_str())
        .unwrap_or_else(|| panic!("no altid with role {role:?} in {item}"))
}

fn story_id(item: &Value) -> String {
    altid(item, "storyid").to_string()
}

/// When the story went live on the site: what `since`, `until` and the order are about.
fn published(item: &Value) -> Timestamp {
    let raw = altid(item, "published");
    raw.parse()
        .unwrap_or_else(|e| panic!("published {raw:?} is not RFC 3339: {e}"))
}

fn uri(item: &Value) -> String {
    item["uri"]
        .as_str()
        .unwrap_or_else(|| panic!("no uri in {item}"))
        .to_string()
}

fn uris(items: &[Value]) -> Vec<String> {
    items.iter().map(uri).collect()
}

fn last_segment(url: &str) -> String {
    url.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string()
}

fn agency_slug(item: &Value) -> String {
    let href = item["infosources"][0]["uri"]
        .as_str()
        .unwrap_or_else(|| panic!("no infosources uri in {item}"));
    last_segment(href)
}

fn topic_slugs(item: &Value) -> BTreeSet<String> {
    item["subjects"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["uri"].as_str())
        .filter(|u| u.contains("/topic/"))
        .map(last_segment)
        .collect()
}

/// The words of a text as the index reads them, roughly: tags dropped, lower-cased, split at
/// anything not a letter or digit.
fn words(html: &str) -> HashSet<String> {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn mentions(item: &Value, word: &str) -> bool {
    let headline = item["headlines"][0]["value"].as_str().unwrap_or_default();
    let body = item["bodies"][0]["value"].as_str().unwrap_or_default();
    let word = word.to_lowercase();
    words(headline).contains(&word) || words(body).contains(&word)
}

fn assert_newest_first(items: &[Value], what: &str) {
    for pair in items.windows(2) {
        let (a, b) = (published(&pair[0]), published(&pair[1]));
        assert!(
            a > b || (a == b && story_id(&pair[0]) > story_id(&pair[1])),
            "{what}: {} ({a}) is listed before {} ({b})",
            uri(&pair[0]),
            uri(&pair[1])
        );
    }
}

/// `%`-encode what a query value may not hold bare (`+` reads as a space).
fn enc(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

// ----- dropping copy into the inbox -----

/// A new story of plain PTI copy from Kochi whose body (and headline, if `word_in_headline`)
/// carries `word`, written to the inbox as an FTP client would (`.part`, then renamed). Each
/// headline is new, so each file is a new story, not a re-send.
fn drop_kochi_story(server: &Server, word: &str, word_in_headline: bool) {
    let file = unique_word("kochi");
    let headline = if word_in_headline {
        format!("{word} boat owners welcome Kochi harbour reopening, report {file}")
    } else {
        format!("Kochi harbour reopens as cyclone warning is lifted, report {file}")
    };
    let text = format!(
        "{headline}\n\n\
         Kochi, Nov 27 (PTI) Hundreds of fishing boats returned to Kochi harbour on Friday after \
         the weather office lifted its cyclone warning for the Kerala coast, officials said.\n\n\
         \"We are relieved that everyone is safe,\" said a spokesperson for the {word} \
         boat owners' association.\n"
    );
    drop_file(&server.inbox(), &format!("{file}.txt"), text.as_bytes());
}

/// Wait until a search for `word` lists `count` stories.
async fn wait_for_word(server: &Server, client: &reqwest::Client, word: &str, count: usize) {
    let url = server.url(&format!("/api/v1/stories?limit=100&q={word}"));
    eventually(INGEST, &format!("{url} to list {count} stories"), || {
        let (client, url) = (client, &url);
        async move {
            let (status, page) = get_json(client, url).await;
            (status == 200 && page["items"].as_array().map(Vec::len) == Some(count)).then_some(())
        }
    })
    .await;
}

// ----- the tests -----

#[tokio::test]
async fn every_object_validates_against_the_official_ninjs_2_and_3_schemas() {
    let server = Server::demo();
    let client = http();

    let v2 = every_page(&server, &client, "", 7).await;
    assert!(v2.len() > 7, "the demo has more than a page of stories");
    for item in &v2 {
        assert_valid_ninjs2(item);
        assert_eq!(item["standard"]["version"], "2.1", "{item}");
        // ninjs 2.x has no `links`: the story's web page is its `web` rendition.
        let web = item["renditions"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|r| r["name"] == "web" && r["contenttype"] == "text/html")
            .and_then(|r| r["href"].as_str())
            .unwrap_or_else(|| panic!("no web text/html rendition in {item}"));
        let (_, id_in_url) = crate::common::story_path_and_id(web);
        assert_eq!(id_in_url, story_id(item), "{item}");
        assert!(
            item["infosources"][0]["name"]
                .as_str()
                .is_some_and(|n| !n.is_empty()),
            "no infosources name in {item}"
        );
    }
    let v3 = every_page(&server, &client, "profile=ninjs3", 7).await;
    for item in &v3 {
        assert_valid_ninjs3(item);
        assert_eq!(item["pubStatus"], "usable", "{item}");
        assert!(item.get("versionCreated").is_some(), "{item}");
    }
    assert_eq!(
        uris(&v2),
        uris(&v3),
        "the two profiles list the same stories in the same order"
    );

    // The validators are strict: a 2.x object is not a 3.x one, nor the other way round.
    let (two, three) = (&v2[0], &v3[0]);
    assert!(
        schemas()
            .ninjs3
            .iter()
            .all(|(_, v)| !errors(v, two).is_empty()),
        "a ninjs 2.x object passed the 3.x schema: the validator checks nothing"
    );
    assert!(
        schemas()
            .ninjs2
            .iter()
            .all(|(_, v)| !errors(v, three).is_empty()),
        "a ninjs 3.x object passed the 2.x schemas: the validator checks nothing"
    );

    // One story at a time, in either profile.
    for item in v2.iter().take(5) {
        let id = story_id(item);
        let url = server.url(&format!("/api/v1/stories/{id}"));
        let (status, single) = get_json(&client, &url).await;
        assert_eq!(status, 200, "{url}: {single}");
        assert_eq!(&single, item, "{url} is the object the list gave");
        assert_valid_ninjs2(&single);
        let url3 = format!("{url}?profile=ninjs3");
        let (status, single3) = get_json(&client, &url3).await;
        assert_eq!(status, 200, "{url3}: {single3}");
        assert_valid_ninjs3(&single3);
        assert_eq!(single3["uri"], item["uri"]);
    }
}

#[tokio::test]
async fn each_filter_returns_exactly_its_subset_of_the_full_listing() {
    let server = Server::demo();
    let client = http();

    // A word that no demo story has, in two new stories (one only in the body), and a third
    // story without it.
    let word = unique_word("Qfilter");
    drop_kochi_story(&server, &word, true);
    drop_kochi_story(&server, &word, false);
    drop_kochi_story(&server, &unique_word("Other"), true);
    wait_for_word(&server, &client, &word, 2).await;

    let all = every_page(&server, &client, "", 100).await;
    assert_newest_first(&all, "the full listing");
    assert_eq!(
        every_page(&server, &client, "pubstatus=usable", 100).await,
        all,
        "pubstatus=usable is the default"
    );
    let check = |label: String, got: Vec<Value>, keep: &dyn Fn(&Value) -> bool| {
        let expected: Vec<String> = all.iter().filter(|i| keep(i)).map(uri).collect();
        assert_eq!(uris(&got), expected, "{label}");
        expected.len()
    };

    // since / until on the time each story went live, at a story's exact time and between.
    let mut times: Vec<Timestamp> = all.iter().map(published).collect();
    times.sort();
    times.dedup();
    assert!(times.len() >= 4, "the demo spreads over several times");
    let mid = times[times.len() / 2];
    let early = times[times.len() / 4];
    let late = times[times.len() * 3 / 4];
    for limit in [100, 3] {
        let n = check(
            format!("since={mid} (inclusive), pages of {limit}"),
            every_page(
                &server,
                &client,
                &format!("since={}", enc(&mid.to_string())),
                limit,
            )
            .await,
            &|i| published(i) >= mid,
        );
        assert!(n > 0 && n < all.len());
        check(
            format!("until={mid} (exclusive), pages of {limit}"),
            every_page(
                &server,
                &client,
                &format!("until={}", enc(&mid.to_string())),
                limit,
            )
            .await,
            &|i| published(i) < mid,
        );
        check(
            format!("since={early}&until={late}, pages of {limit}"),
            every_page(
                &server,
                &client,
                &format!(
                    "since={}&until={}",
                    enc(&early.to_string()),
                    enc(&late.to_string())
                ),
                limit,
            )
            .await,
            &|i| published(i) >= early && published(i) < late,
        );
    }
    // The same instant written with an offset.
    let in_kolkata = mid
        .in_tz("Asia/Kolkata")
        .unwrap()
        .strftime("%Y-%m-%dT%H:%M:%S%.f%:z")
        .to_string();
    check(
        format!("since={in_kolkata}"),
        every_page(
            &server,
            &client,
            &format!("since={}", enc(&in_kolkata)),
            100,
        )
        .await,
        &|i| published(i) >= mid,
    );

    // Every topic and every agency.
    let topics: BTreeSet<String> = all.iter().flat_map(topic_slugs).collect();
    let agencies: BTreeSet<String> = all.iter().map(agency_slug).collect();
    assert!(
        topics.len() >= 2 && agencies.len() >= 2,
        "{topics:?} {agencies:?}"
    );
    for topic in &topics {
        let n = check(
            format!("topic={topic}"),
            every_page(&server, &client, &format!("topic={topic}"), 4).await,
            &|i| topic_slugs(i).contains(topic),
        );
        assert!(n > 0);
    }
    for agency in &agencies {
        let n = check(
            format!("agency={agency}"),
            every_page(&server, &client, &format!("agency={agency}"), 4).await,
            &|i| agency_slug(i) == *agency,
        );
        assert!(n > 0);
    }
    // Filters combine.
    let topic = topics.iter().next().unwrap();
    check(
        format!("topic={topic}&agency=pti&since={early}"),
        every_page(
            &server,
            &client,
            &format!("topic={topic}&agency=pti&since={}", enc(&early.to_string())),
            2,
        )
        .await,
        &|i| topic_slugs(i).contains(topic) && agency_slug(i) == "pti" && published(i) >= early,
    );
    check(
        "a slug nobody has".into(),
        every_page(&server, &client, "topic=no-such-topic", 10).await,
        &|_| false,
    );

    // Full text: the stories that carry the word, newest first, through pages of one.
    let n = check(
        format!("q={word}"),
        every_page(&server, &client, &format!("q={word}"), 1).await,
        &|i| mentions(i, &word),
    );
    assert_eq!(n, 2, "both stories with {word} are found");
    check(
        format!("q={word}&agency=pti&until=…"),
        every_page(
            &server,
            &client,
            &format!("q={word}&agency=pti&until={}", enc(&early.to_string())),
            5,
        )
        .await,
        &|_| false,
    );

    // Nothing is killed or withheld in the demo.
    for status in ["canceled", "withheld"] {
        check(
            format!("pubstatus={status}"),
            every_page(&server, &client, &format!("pubstatus={status}"), 10).await,
            &|_| false,
        );
    }
}

#[tokio::test]
async fn paging_never_repeats_or_skips_a_story_while_new_ones_arrive() {
    let server = Server::demo();
    let client = http();
    let before: Vec<String> = uris(&every_page(&server, &client, "", 100).await);
    let word = unique_word("Arrival");

    for query in ["", "agency=pti"] {
        let expected: Vec<String> = if query.is_empty() {
            before.clone()
        } else {
            uris(&every_page(&server, &client, query, 100).await)
        };
        let first = format!("/api/v1/stories?limit=4&{query}");
        let mut url = server.url(&first);
        let mut seen: Vec<String> = Vec::new();
        let mut dropped = 0;
        let (_, head) = get_json(&client, &server.url("/api/v1/stories?limit=1")).await;
        let mut head_etag = get(&client, &server.url("/api/v1/stories?limit=1"), None)
            .await
            .header("etag")
            .map(str::to_string);
        for page_no in 0..100 {
            let (status, page) = get_json(&client, &url).await;
            assert_eq!(status, 200, "{url}: {page}");
            seen.extend(uris(page["items"].as_array().unwrap()));
            let Some(cursor) = page["next"].as_str() else {
                break;
            };
            // Between pages, new PTI copy lands (newer than anything listed), and the paging
            // goes on only once it is listed.
            if page_no < 4 {
                drop_kochi_story(&server, &word, true);
                dropped += 1;
                wait_for_word(
                    &server,
                    &client,
                    &word,
                    dropped + 4 * usize::from(!query.is_empty()),
                )
                .await;
                let now_head = get(&client, &server.url("/api/v1/stories?limit=1"), None).await;
                assert_ne!(
                    now_head.header("etag").map(str::to_string),
                    head_etag,
                    "the first page changed, its ETag did not"
                );
                head_etag = now_head.header("etag").map(str::to_string);
            }
            url = server.url(&format!("{first}&cursor={cursor}"));
        }
        assert_eq!(
            dropped, 4,
            "{query}: the listing was long enough to drop 4 stories"
        );
        let mut once = HashSet::new();
        let repeated: Vec<&String> = seen.iter().filter(|u| !once.insert(*u)).collect();
        assert!(repeated.is_empty(), "{query}: listed twice: {repeated:?}");
        assert_eq!(
            seen, expected,
            "{query}: paging while stories arrived listed exactly what was there when it began"
        );
        let (_, new_head) = get_json(&client, &server.url("/api/v1/stories?limit=1")).await;
        assert_ne!(new_head["items"][0]["uri"], head["items"][0]["uri"]);
        assert!(
            mentions(&new_head["items"][0], &word),
            "the newest story is a new arrival"
        );
    }
    let after = every_page(&server, &client, "", 100).await;
    assert_eq!(
        after.len(),
        before.len() + 8,
        "all eight arrivals are listed now"
    );
}

#[tokio::test]
async fn an_unchanged_response_is_304_with_its_etag() {
    let server = Server::demo();
    let client = http();
    let (_, page) = get_json(&client, &server.url("/api/v1/stories?limit=3")).await;
    let id = story_id(&page["items"][0]);
    for path in [
        "/api/v1/stories?limit=3".to_string(),
        "/api/v1/stories?limit=3&profile=ninjs3".to_string(),
        format!("/api/v1/stories/{id}"),
        format!("/api/v1/stories/{id}?profile=ninjs3"),
        "/api/v1/openapi.json".to_string(),
    ] {
        let url = server.url(&path);
        let first = get(&client, &url, None).await;
        assert_eq!(first.status, 200, "{url}");
        let etag = first
            .header("etag")
            .unwrap_or_else(|| panic!("{url}: no ETag"))
            .to_string();
        // Weak (W/"…"): the same content goes out gzip-, br- or un-encoded under one tag.
        let bare = etag.trim_start_matches("W/").to_string();
        assert!(
            etag.starts_with("W/")
                && bare.starts_with('"')
                && bare.ends_with('"')
                && bare.len() > 2,
            "{url}: ETag {etag} is not a weak entity tag"
        );
        let cache = first.header("cache-control").unwrap_or_default();
        assert!(
            cache.contains("public") && cache.contains("max-age="),
            "{url}: Cache-Control {cache:?}"
        );
        if path.starts_with("/api/v1/stories") {
            assert!(
                cache.contains("max-age=30"),
                "{url}: Cache-Control {cache:?}"
            );
        }

        let again = get(&client, &url, Some(&etag)).await;
        assert_eq!(again.status, 304, "{url} with If-None-Match: {etag}");
        assert!(again.text.is_empty(), "{url}: a 304 with a body");
        assert_eq!(again.header("etag"), Some(etag.as_str()), "{url}: 304 ETag");

        let listed = get(&client, &url, Some(&format!("\"stale\", {etag}"))).await;
        assert_eq!(listed.status, 304, "{url}: ETag in a list");
        let strong_form = get(&client, &url, Some(&bare)).await;
        assert_eq!(
            strong_form.status, 304,
            "{url}: weak comparison for If-None-Match"
        );

        let other = get(&client, &url, Some("\"not-this-one\"")).await;
        assert_eq!(other.status, 200, "{url} with a stale ETag");
        assert_eq!(other.text, first.text, "{url}: same body");
        assert_eq!(
            other.header("etag"),
            Some(etag.as_str()),
            "{url}: same ETag"
        );
    }
    // A different body has a different ETag.
    let three = get(&client, &server.url("/api/v1/stories?limit=3"), None).await;
    let four = get(&client, &server.url("/api/v1/stories?limit=4"), None).await;
    assert_ne!(three.header("etag"), four.header("etag"));
}

#[tokio::test]
async fn bad_parameters_are_400_problems_that_name_the_parameter() {
    let server = Server::demo();
    let client = http();
    let (_, page) = get_json(&client, &server.url("/api/v1/stories?limit=2")).await;
    let cursor = page["next"].as_str().expect("a next cursor").to_string();
    let (status, _) = get_json(
        &client,
        &server.url(&format!("/api/v1/stories?limit=2&cursor={cursor}")),
    )
    .await;
    assert_eq!(status, 200, "the cursor as given works");

    // The cursor with one character changed, cut short, or lengthened.
    let mut tampered = cursor.clone().into_bytes();
    let at = tampered.len() / 2;
    tampered[at] = if tampered[at] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    let id = story_id(&page["items"][0]);
    let cases: Vec<(String, &str)> = vec![
        (format!("cursor={tampered}"), "cursor"),
        (format!("cursor={}", &cursor[..cursor.len() - 1]), "cursor"),
        (format!("cursor={cursor}A"), "cursor"),
        ("cursor=garbage".into(), "cursor"),
        ("pubstatus=bogus".into(), "pubstatus"),
        ("pubstatus=Usable".into(), "pubstatus"),
        ("profile=ninjs4".into(), "profile"),
        ("since=yesterday".into(), "since"),
        ("since=2026-11-28T06:00:00".into(), "since"),
        ("until=2026-13-01T00:00:00Z".into(), "until"),
        (
            "since=2026-11-28T06:00:00Z&until=2026-11-28T05:00:00Z".into(),
            "until",
        ),
        ("limit=0".into(), "limit"),
        ("limit=ten".into(), "limit"),
        ("topic=Not%20A%20Slug".into(), "topic"),
        ("agency=PTI".into(), "agency"),
        ("q=".into(), "q"),
        ("q=floods&pubstatus=canceled".into(), "q"),
        ("colour=blue".into(), "colour"),
        ("topic=india&topic=world".into(), "topic"),
    ];
    for (query, param) in cases {
        let url = server.url(&format!("/api/v1/stories?{query}"));
        let answer = get(&client, &url, None).await;
        assert_eq!(answer.status, 400, "{url}: {}", answer.text);
        assert_eq!(
            answer.header("content-type"),
            Some("application/problem+json"),
            "{url}"
        );
        let body = answer.json(&url);
        assert_eq!(body["status"], 400, "{url}: {body}");
        assert_eq!(
            body["invalid-params"][0]["name"], param,
            "{url}: the problem names `{param}`: {body}"
        );
        assert!(
            body["detail"].as_str().is_some_and(|d| d.contains(param)),
            "{url}: {body}"
        );
    }
    for query in ["profile=ninjs1", "limit=5"] {
        let url = server.url(&format!("/api/v1/stories/{id}?{query}"));
        let answer = get(&client, &url, None).await;
        assert_eq!(answer.status, 400, "{url}: {}", answer.text);
    }
    // A limit over the maximum is read as the maximum.
    let (status, big) = get_json(&client, &server.url("/api/v1/stories?limit=1000")).await;
    assert_eq!(status, 200);
    assert!(big["items"].as_array().unwrap().len() <= 100);
}

#[tokio::test]
async fn a_story_killed_through_the_inbox_is_listed_as_canceled() {
    let server = Server::demo();
    let client = http();
    let all = every_page(&server, &client, "", 100).await;
    let story = all
        .iter()
        .find(|i| i["uri"] == EU_AI_RULES_URI)
        .unwrap_or_else(|| panic!("{EU_AI_RULES_URI} is not in the demo listing"))
        .clone();
    assert_eq!(story["version"], "1");
    let id = story_id(&story);
    assert!(
        every_page(&server, &client, "pubstatus=canceled", 10)
            .await
            .is_empty()
    );

    let now = Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    let kill = json!({
        "uri": EU_AI_RULES_URI,
        "version": "2",
        "type": "text",
        "pubstatus": "canceled",
        "firstcreated": now,
        "versioncreated": now,
        "language": "en",
        "headlines": [{"role": "main", "value": "KILL: EU proposes delay to parts of AI rules"}],
        "bodies": [{"role": "main", "contenttype": "text/html", "value": "<p>Please kill this story. It was sent in error.</p>"}],
        "infosource": [{"name": "Reuters", "role": "originfo"}],
    });
    drop_file(
        &server.inbox(),
        &format!("{}.json", unique_word("kill")),
        serde_json::to_string_pretty(&kill).unwrap().as_bytes(),
    );

    let canceled = eventually(INGEST, "the killed story under pubstatus=canceled", || {
        let (client, server) = (&client, &server);
        async move {
            let items = every_page(server, client, "pubstatus=canceled", 10).await;
            (!items.is_empty()).then_some(items)
        }
    })
    .await;
    assert_eq!(uris(&canceled), [EU_AI_RULES_URI]);
    let item = &canceled[0];
    assert_valid_ninjs2(item);
    assert_eq!(item["pubstatus"], "canceled", "{item}");
    assert_eq!(story_id(item), id);
    assert_eq!(
        published(item),
        published(&story),
        "listed by when it went live"
    );
    assert!(
        item.get("bodies").is_none(),
        "a killed story's copy is not handed out"
    );

    let canceled3 = every_page(&server, &client, "pubstatus=canceled&profile=ninjs3", 10).await;
    assert_eq!(uris(&canceled3), [EU_AI_RULES_URI]);
    assert_valid_ninjs3(&canceled3[0]);
    assert_eq!(canceled3[0]["pubStatus"], "canceled");

    // The time filters and the other filters apply to takedowns too.
    let at = enc(&published(item).to_string());
    assert_eq!(
        uris(
            &every_page(
                &server,
                &client,
                &format!("pubstatus=canceled&since={at}"),
                10
            )
            .await
        ),
        [EU_AI_RULES_URI]
    );
    assert!(
        every_page(
            &server,
            &client,
            &format!("pubstatus=canceled&until={at}"),
            10
        )
        .await
        .is_empty()
    );
    assert_eq!(
        uris(&every_page(&server, &client, "pubstatus=canceled&agency=reuters", 10).await),
        [EU_AI_RULES_URI]
    );
    assert!(
        every_page(&server, &client, "pubstatus=canceled&agency=pti", 10)
            .await
            .is_empty()
    );
    assert!(
        every_page(&server, &client, "pubstatus=withheld", 10)
            .await
            .is_empty()
    );

    // Gone from the usable list, and the single story says why.
    let now_listed = every_page(&server, &client, "", 100).await;
    assert_eq!(now_listed.len(), all.len() - 1);
    assert!(!uris(&now_listed).contains(&EU_AI_RULES_URI.to_string()));
    let url = server.url(&format!("/api/v1/stories/{id}"));
    let (status, single) = get_json(&client, &url).await;
    assert_eq!(status, 200, "{url}: {single}");
    assert_eq!(single["pubstatus"], "canceled", "{url}: {single}");
    assert_valid_ninjs2(&single);
    let (status, single3) = get_json(&client, &format!("{url}?profile=ninjs3")).await;
    assert_eq!(status, 200);
    assert_eq!(single3["pubStatus"], "canceled", "{single3}");
    assert_valid_ninjs3(&single3);
}

#[tokio::test]
async fn the_openapi_document_describes_both_endpoints() {
    let server = Server::demo();
    let client = http();
    let url = server.url("/api/v1/openapi.json");
    let answer = get(&client, &url, None).await;
    assert_eq!(answer.status, 200, "{url}");
    assert!(
        answer
            .header("content-type")
            .is_some_and(|c| c.starts_with("application/json")),
        "{url}: {:?}",
        answer.header("content-type")
    );
    let doc = answer.json(&url);
    assert!(
        doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")),
        "openapi: {}",
        doc["openapi"]
    );
    let paths = doc["paths"].as_object().expect("paths");
    for path in ["/api/v1/stories", "/api/v1/stories/{id}", "/api/v1/search"] {
        assert!(paths.contains_key(path), "{path} is not described");
        let get = &paths[path]["get"];
        for status in ["200", "304", "400"] {
            assert!(
                get["responses"].get(status).is_some(),
                "{path}: no {status} response"
            );
        }
    }
    let params: Vec<&str> = paths["/api/v1/stories"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    for name in [
        "limit",
        "cursor",
        "since",
        "until",
        "topic",
        "agency",
        "q",
        "pubstatus",
    ] {
        assert!(params.contains(&name), "parameter {name} is not described");
    }
    assert!(doc["components"]["parameters"]["profile"].is_object());
    // Every local $ref points at something in the document.
    fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    out.push(r);
                }
                m.values().for_each(|v| refs(v, out));
            }
            Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(&doc, &mut all);
    for r in all.into_iter().filter(|r| r.starts_with("#/")) {
        assert!(doc.pointer(&r[1..]).is_some(), "$ref {r} points at nothing");
    }
}

// ----- the API under a fuzzer -----

/// The examples schemathesis generates for each operation: fixed, with a fixed seed, so a run
/// is repeatable and bounded in time.
const SCHEMATHESIS_EXAMPLES: &str = "60";
const SCHEMATHESIS_SEED: &str = "20261205";

/// A Python with schemathesis: `$WIREDESK_PYTHON` (scripts/test installs it there); never
/// skips quietly.
fn schemathesis_python() -> String {
    let python = std::env::var("WIREDESK_PYTHON").unwrap_or_else(|_| "python3".into());
    let probe = std::process::Command::new(&python)
        .args(["-c", "import schemathesis"])
        .output()
        .unwrap_or_else(|e| panic!("cannot run Python {python:?} ({e}): run scripts/test"));
    assert!(
        probe.status.success(),
        "Python {python:?} cannot import schemathesis: run scripts/test, which installs it \
         into target/test-python and exports WIREDESK_PYTHON\n{}",
        String::from_utf8_lossy(&probe.stderr).trim()
    );
    python
}

/// schemathesis (PyPI) generates valid and invalid requests from `/api/v1/openapi.json` and
/// checks every answer against the document: no 5xx, status codes, content types, headers and
/// bodies as described (the ninjs schemas included), valid input accepted, invalid refused.
#[tokio::test]
async fn the_api_holds_under_schemathesis() {
    let python = schemathesis_python();
    let server = Server::demo();
    let client = http();
    // Real story ids and a real cursor, so generated requests also reach stories and pages.
    let (status, page) = get_json(&client, &server.url("/api/v1/stories?limit=5")).await;
    assert_eq!(status, 200, "{page}");
    let items = page["items"].as_array().expect("items");
    assert!(items.len() == 5, "the demo lists stories: {page}");
    let ids: Vec<String> = items.iter().map(story_id).collect();
    let cursor = page["next"].as_str().expect("a next page").to_string();
    // And a real search cursor (the demo has more than a page of India stories).
    let (status, found) = get_json(&client, &server.url("/api/v1/search?q=india&limit=2")).await;
    assert_eq!(status, 200, "{found}");
    let search_cursor = found["next"]
        .as_str()
        .expect("a next page of search results")
        .to_string();

    // The document refers to IPTC's ninjs schemas (and they to GeoJSON) by their public
    // addresses; this machine has no web, so they are read from the vendored copies.
    let dir = tempfile::tempdir().expect("temp dir");
    let schemas = dir.path().join("ninjs");
    std::fs::create_dir(&schemas).unwrap();
    let local = |text: &str| {
        text.replace(
            "http://www.iptc.org/std/ninjs/",
            &format!("file://{}/", schemas.display()),
        )
        .replace(
            "https://geojson.org/schema/GeoJSON.json",
            &format!("file://{}/GeoJSON.json", schemas.display()),
        )
    };
    for entry in std::fs::read_dir(schema_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(schemas.join(path.file_name().unwrap()), local(&text)).unwrap();
        }
    }
    let (status, _, doc) =
        crate::common::get_typed(&client, &server.url("/api/v1/openapi.json")).await;
    assert_eq!(status, 200, "{doc}");
    assert!(
        doc.contains("http://www.iptc.org/std/ninjs/"),
        "the document no longer refers to the ninjs schemas: update this test"
    );
    let spec = dir.path().join("openapi.json");
    std::fs::write(&spec, local(&doc)).unwrap();
    let quoted = |v: &[String]| {
        v.iter()
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let config = dir.path().join("schemathesis.toml");
    std::fs::write(
        &config,
        format!(
            r#"
[dictionaries.ids]
values = [{ids}]
[dictionaries.cursors]
values = [{cursor:?}, {search_cursor:?}]
[parameters]
"path.id" = {{ dictionary = "ids", probability = 0.5 }}
"query.cursor" = {{ dictionary = "cursors", probability = 1.0 }}

# A cursor is opaque and carries check bytes: a string of the cursor's alphabet that the API
# did not give out is refused with 400, as the document says; so is the list's cursor given to
# the search, the search's given to the list, and a search cursor sent with another query.
[[operations]]
include-name = "GET /api/v1/stories"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "400", "404"]

[[operations]]
include-name = "GET /api/v1/search"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "400"]
"#,
            ids = quoted(&ids),
        ),
    )
    .unwrap();
    let run = tokio::process::Command::new(&python)
        .current_dir(dir.path())
        .args(["-m", "schemathesis.cli", "--config-file"])
        .arg(&config)
        .arg("run")
        .arg(&spec)
        .args(["--url", &server.base])
        .args(["--checks", "all", "--phases", "examples,coverage,fuzzing"])
        .args([
            "--max-examples",
            SCHEMATHESIS_EXAMPLES,
            "--seed",
            SCHEMATHESIS_SEED,
        ])
        .args(["--workers", "2", "--request-timeout", "30", "--no-color"])
        .args(["--warnings", "off"])
        .output()
        .await
        .expect("run schemathesis");
    let out = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "schemathesis found failures:\n{out}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    // It really tested all four operations, with generated cases.
    assert!(out.contains("Tested: 4"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.trim_start().starts_with("Test cases:")),
        "{out}"
    );
}
