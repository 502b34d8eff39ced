//! End to end over real HTTP: the `wiredesk` binary, started as a reader or a partner would
//! meet it, and asked with an ordinary HTTP client.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::{
    Server, all_stories, alternate_href, drop_file, eventually, files_under, get_json, get_text,
    http, story_path_and_id, unique_word,
};
use serde_json::{Value, json};

/// The two demo files `reuters-assam-floods-v1.json` and `-v2.json` share this uri.
const ASSAM_FLOODS_URI: &str = "urn:newsml:reuters.com:20260612:nL4N3FL0DS";

/// How long a file dropped into the inbox may take to be dealt with.
const INGEST: Duration = Duration::from_secs(20);

#[tokio::test]
async fn health_check_answers_200() {
    let server = Server::demo();
    let response = http().get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
}

#[tokio::test]
async fn the_api_pages_through_every_story_once_as_ninjs() {
    let server = Server::demo();
    let client = http();

    let (status, first) = get_json(&client, &server.url("/api/v1/stories?limit=5")).await;
    assert_eq!(status, 200);
    assert_eq!(
        first["items"].as_array().map(Vec::len),
        Some(5),
        "a first page of 5: {first}"
    );
    assert!(
        first["next"].as_str().is_some_and(|c| !c.is_empty()),
        "a full first page carries a `next` cursor: {}",
        first["next"]
    );

    let paged = all_stories(&server, &client, 5).await;
    let uris: Vec<&str> = paged
        .iter()
        .map(|i| i["uri"].as_str().unwrap_or_else(|| panic!("no uri in {i}")))
        .collect();
    let distinct: HashSet<&str> = uris.iter().copied().collect();
    let mut seen = HashSet::new();
    let repeated: Vec<&str> = uris.iter().copied().filter(|u| !seen.insert(*u)).collect();
    assert!(
        repeated.is_empty(),
        "stories handed out twice while paging: {repeated:?}"
    );
    assert_eq!(paged.len(), distinct.len());
    assert!(
        paged.len() > 5,
        "the demo has more than one page of stories"
    );

    // Paging must not skip anything either: one big page holds the same stories.
    let (_, whole) = get_json(&client, &server.url("/api/v1/stories?limit=100")).await;
    assert_eq!(whole["next"], Value::Null, "the demo fits one page of 100");
    let whole: HashSet<&str> = whole["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["uri"].as_str().unwrap())
        .collect();
    let skipped: Vec<_> = whole.difference(&distinct).collect();
    assert!(
        skipped.is_empty(),
        "stories the 5-a-page cursors never reached: {skipped:?}"
    );

    for item in &paged {
        let uri = &item["uri"];
        for field in ["uri", "version", "versioncreated", "firstcreated"] {
            assert!(
                item[field].as_str().is_some_and(|v| !v.is_empty()),
                "{uri}: `{field}` is missing or empty"
            );
        }
        assert_eq!(item["pubstatus"], "usable", "{uri}");
        assert_eq!(item["headlines"][0]["role"], "main", "{uri}");
        assert!(
            item["headlines"][0]["value"]
                .as_str()
                .is_some_and(|h| !h.is_empty()),
            "{uri}: empty main headline"
        );
        assert_eq!(item["bodies"][0]["contenttype"], "text/html", "{uri}");
        assert!(
            item["descriptions"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|d| d["role"] == "summary"),
            "{uri}: no summary description"
        );
        assert!(
            item["infosources"][0]["name"]
                .as_str()
                .is_some_and(|n| !n.is_empty()),
            "{uri}: no infosources name"
        );
        alternate_href(item);
    }
}

#[tokio::test]
async fn one_story_is_found_by_the_id_in_its_web_address() {
    let server = Server::demo();
    let client = http();
    let (_, page) = get_json(&client, &server.url("/api/v1/stories?limit=3")).await;
    for item in page["items"].as_array().unwrap() {
        let (_, id) = story_path_and_id(&alternate_href(item));
        let (status, single) =
            get_json(&client, &server.url(&format!("/api/v1/stories/{id}"))).await;
        assert_eq!(status, 200, "/api/v1/stories/{id}: {single}");
        assert_eq!(single["uri"], item["uri"], "/api/v1/stories/{id}");
    }
}

#[tokio::test]
async fn an_unknown_story_is_404_and_a_made_up_cursor_is_400() {
    let server = Server::demo();
    let client = http();
    for id in ["0123456789abcdef", "no-such-story"] {
        let (status, body) = get_json(&client, &server.url(&format!("/api/v1/stories/{id}"))).await;
        assert_eq!(status, 404, "/api/v1/stories/{id}: {body}");
    }
    for cursor in ["garbage", "12345", "12345.not-hex"] {
        let (status, body) = get_json(
            &client,
            &server.url(&format!("/api/v1/stories?limit=5&cursor={cursor}")),
        )
        .await;
        assert_eq!(status, 400, "cursor {cursor:?}: {body}");
    }
}

#[tokio::test]
async fn a_story_dropped_into_the_inbox_is_published_and_archived() {
    let server = Server::demo();
    let client = http();
    let word = unique_word("Kochiwire");
    let headline = format!("{word} fishermen return to Kochi harbour after cyclone warning lifted");
    let yesterday = crate::common::dateline_yesterday();
    let text = format!(
        "{headline}\n\n\
         Kochi, {yesterday} (PTI) Hundreds of fishing boats returned to Kochi harbour on Friday after \
         the weather office lifted its cyclone warning for the Kerala coast, officials said.\n\n\
         The fisheries department said all boats that had been out at sea were accounted for, \
         and normal fishing would resume from Saturday morning.\n\n\
         \"We are relieved that everyone is safe,\" said a spokesperson for the {word} boat owners' association.\n"
    );
    let name = format!("{word}.txt");
    let dropped = drop_file(&server.inbox(), &name, text.as_bytes());

    let search = server.url(&format!("/search?q={word}"));
    let found = eventually(
        INGEST,
        &format!("{search} to list the dropped story"),
        || {
            let (client, search, word) = (&client, &search, &word);
            async move {
                let (status, html) = get_text(client, search).await;
                (status == 200
                    && html.contains("class=\"story-link\"")
                    && html.contains(word.as_str()))
                .then_some(html)
            }
        },
    )
    .await;
    assert!(
        found.contains("href=\"/agency/pti\""),
        "the story is not credited to PTI, the agency its dateline names:\n{found}"
    );

    eventually(
        INGEST,
        "the dropped file to leave the inbox for archive/",
        || {
            let found = files_under(&server.archive())
                .into_iter()
                .any(|p| p.file_name().is_some_and(|n| n == name.as_str()));
            let gone = !dropped.exists();
            async move { (found && gone).then_some(()) }
        },
    )
    .await;
    assert!(
        !files_under(&server.rejected())
            .iter()
            .any(|p| p.to_string_lossy().contains(&word)),
        "the story was also put in rejected/"
    );
}

#[tokio::test]
async fn a_binary_file_dropped_into_the_inbox_is_rejected_with_a_reason() {
    let server = Server::demo();
    let name = format!("{}.bin", unique_word("photo"));
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend([
        0u8, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 1, 0, 0, 0, 1, 0,
    ]);
    let dropped = drop_file(&server.inbox(), &name, &bytes);

    let rejected = server.rejected().join(&name);
    let reason = server.rejected().join(format!("{name}.reason"));
    eventually(
        INGEST,
        "the binary file to move to rejected/ with a .reason",
        || {
            let done = rejected.exists() && reason.exists() && !dropped.exists();
            async move { done.then_some(()) }
        },
    )
    .await;
    let why = std::fs::read_to_string(&reason).unwrap();
    assert!(!why.trim().is_empty(), "the .reason file is empty");
    assert_eq!(
        std::fs::read(&rejected).unwrap(),
        bytes,
        "the rejected file is kept as it came"
    );
}

#[tokio::test]
async fn an_updated_story_is_listed_once_at_its_latest_version_and_shows_when_it_was_updated() {
    let server = Server::demo();
    let client = http();
    let all = all_stories(&server, &client, 100).await;
    let versions: Vec<&Value> = all
        .iter()
        .filter(|i| i["uri"] == ASSAM_FLOODS_URI)
        .collect();
    assert_eq!(
        versions.len(),
        1,
        "{ASSAM_FLOODS_URI} is listed {} times",
        versions.len()
    );
    let story = versions[0];
    assert_eq!(story["version"], "2", "{ASSAM_FLOODS_URI} is at version 2");

    let (path, _) = story_path_and_id(&alternate_href(story));
    let (status, html) = get_text(&client, &server.url(&path)).await;
    assert_eq!(status, 200, "{path}");
    let updated = html
        .find("id=\"updated\"")
        .map(|at| &html[at..(at + 300).min(html.len())])
        .unwrap_or_else(|| panic!("{path} has no #updated element"));
    assert!(updated.contains("Updated:"), "#updated reads: {updated}");
    assert!(
        updated.contains("<time"),
        "#updated carries no <time>: {updated}"
    );
}

#[tokio::test]
async fn script_in_wire_copy_never_reaches_a_page() {
    let server = Server::demo();
    let client = http();
    let word = unique_word("Scriptwire");
    let uri = format!("urn:newsml:example.test:20261128:{word}");
    let now = jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let item = json!({
        "uri": uri,
        "version": "1",
        "type": "text",
        "pubstatus": "usable",
        "firstcreated": now,
        "versioncreated": now,
        "language": "en",
        "headlines": [{"role": "main", "value": format!("{word} council approves new harbour plan")}],
        "bodies": [{
            "role": "main",
            "contenttype": "text/html",
            "value": "<p>Copy</p><script>alert(1)</script><img src=x onerror=alert(2)>",
        }],
        "infosource": [{"name": "Reuters", "role": "originfo"}],
    });
    drop_file(
        &server.inbox(),
        &format!("{word}.json"),
        serde_json::to_string_pretty(&item).unwrap().as_bytes(),
    );

    let listed = eventually(INGEST, &format!("{uri} to be listed by the API"), || {
        let (client, server, uri) = (&client, &server, &uri);
        async move {
            let url = server.url("/api/v1/stories?limit=100");
            let (status, page) = get_json(client, &url).await;
            assert_eq!(status, 200, "GET {url}: {page}");
            page["items"]
                .as_array()?
                .iter()
                .find(|i| i["uri"] == uri.as_str())
                .cloned()
        }
    })
    .await;

    let (path, _) = story_path_and_id(&alternate_href(&listed));
    let (status, html) = get_text(&client, &server.url(&path)).await;
    assert_eq!(status, 200, "{path}");
    assert!(html.contains("Copy"), "the harmless copy is kept:\n{html}");
    assert!(
        !html.contains("<script>alert"),
        "the wire's <script> reached {path}"
    );
    assert!(
        !html.to_ascii_lowercase().contains("onerror"),
        "the wire's onerror handler reached {path}"
    );

    let body = listed["bodies"][0]["value"]
        .as_str()
        .unwrap_or_else(|| panic!("the API lists the story without a body: {listed}"));
    assert!(
        body.contains("Copy"),
        "the API keeps the harmless copy: {body}"
    );
    assert!(
        !body.contains("<script") && !body.to_ascii_lowercase().contains("onerror"),
        "the API hands partners the wire's script: {body}"
    );
}

/// A stand-in for Open-Meteo on a local port that answers every request with `body` and
/// remembers each query string.
async fn fake_open_meteo(body: &'static str) -> (String, Arc<Mutex<Vec<String>>>) {
    use axum::extract::RawQuery;
    let queries = Arc::new(Mutex::new(Vec::new()));
    let seen = queries.clone();
    let app = axum::Router::new().fallback(move |RawQuery(q): RawQuery| {
        let seen = seen.clone();
        async move {
            seen.lock().unwrap().push(q.unwrap_or_default());
            (
                [(axum::http::header::CONTENT_TYPE, "application/json")],
                body,
            )
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/v1/forecast"), queries)
}

fn weather_config(weather_url: &str) -> String {
    format!(
        "[site]\n\
         name = \"The Test Chronicle\"\n\
         city = \"New Delhi\"\n\
         latitude = 28.6\n\
         longitude = 77.2\n\
         time_zone = \"Asia/Kolkata\"\n\
         weather_url = \"{weather_url}\"\n\
         weather_refresh_minutes = 15\n"
    )
}

/// The `#weather` element of a page, if it has one.
fn weather_element(html: &str) -> Option<&str> {
    let at = html.find("id=\"weather\"")?;
    let rest = &html[at..];
    let end = rest
        .find("</span></span>")
        .map_or(rest.len().min(300), |e| e + 14);
    Some(&rest[..end])
}

#[tokio::test]
async fn the_masthead_shows_the_temperature_from_the_weather_service() {
    let (url, queries) = fake_open_meteo(
        r#"{"latitude":28.6,"longitude":77.2,"current_units":{"temperature_2m":"°C"},"current":{"time":"2026-11-28T14:00","interval":900,"temperature_2m":8.1}}"#,
    )
    .await;
    let server = Server::serve_with_config(&weather_config(&url));
    let client = http();

    let weather = eventually(
        Duration::from_secs(20),
        "the home page to show #weather",
        || {
            let (client, server) = (&client, &server);
            async move {
                let (status, html) = get_text(client, &server.url("/")).await;
                if status != 200 {
                    return None;
                }
                weather_element(&html).map(str::to_string)
            }
        },
    )
    .await;
    assert!(weather.contains("8.1"), "#weather reads: {weather}");
    assert!(weather.contains("New Delhi"), "#weather reads: {weather}");

    let queries = queries.lock().unwrap().clone();
    let query = queries.first().expect("the weather service was asked");
    let pairs: HashSet<&str> = query.split('&').collect();
    for wanted in ["latitude=28.6", "longitude=77.2", "current=temperature_2m"] {
        assert!(pairs.contains(wanted), "{wanted} missing from ?{query}");
    }
}

#[tokio::test]
async fn without_a_weather_service_the_page_still_loads_without_the_widget() {
    let closed = format!(
        "http://127.0.0.1:{}/v1/forecast",
        crate::common::free_port()
    );
    let server = Server::serve_with_config(&weather_config(&closed));
    let client = http();
    // Give the first (failing) fetch time to happen.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (status, html) = get_text(&client, &server.url("/")).await;
    assert_eq!(status, 200);
    assert!(
        weather_element(&html).is_none(),
        "a #weather element with no weather service: {:?}",
        weather_element(&html)
    );
    assert!(
        html.contains("id=\"masthead-date\""),
        "the masthead is still there"
    );
}
