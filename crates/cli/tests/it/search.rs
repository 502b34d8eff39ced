//! Search end to end: the real `wiredesk demo`, asked over HTTP as a reader (`/search`) and a
//! partner (`/api/v1/search`) would.

use crate::common::{
    Server, drop_file, eventually, get_json, get_text, http, ninjs_story, story_path_and_id,
    unique_word,
};
use serde_json::Value;

/// The search page for `params` (already URL-encoded), which must answer 200.
async fn search_page(server: &Server, client: &reqwest::Client, params: &str) -> String {
    let url = server.url(&format!("/search?{params}"));
    let (status, html) = get_text(client, &url).await;
    assert_eq!(status, 200, "GET {url}:\n{html}");
    html
}

/// The `.card` articles of a page, in order.
fn cards(html: &str) -> Vec<&str> {
    html.split("<article class=\"card\">")
        .skip(1)
        .map(|rest| rest.split("</article>").next().unwrap_or(rest))
        .collect()
}

/// The story id a card links to.
fn card_id(card: &str) -> String {
    let href = card
        .split("class=\"story-link\" href=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no story link in card:\n{card}"));
    story_path_and_id(href).1
}

fn card_ids(html: &str) -> Vec<String> {
    cards(html).into_iter().map(card_id).collect()
}

/// The `.summary` paragraph of a card.
fn summary(card: &str) -> &str {
    card.split("<p class=\"summary\">")
        .nth(1)
        .and_then(|rest| rest.split("<a class=\"read-more\"").next())
        .unwrap_or_else(|| panic!("no summary in card:\n{card}"))
}

/// The story ids of an `/api/v1/search` answer (from each item's `altids`, or its link).
fn item_ids(answer: &Value) -> Vec<String> {
    answer["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items array in {answer}"))
        .iter()
        .map(|item| {
            let text = item.to_string();
            let start = text
                .find("/story/")
                .unwrap_or_else(|| panic!("no /story/ link in {item}"));
            story_path_and_id(&text[start..]).1
        })
        .collect()
}

#[tokio::test]
async fn the_search_page_shows_highlighted_snippets_in_story_cards() {
    let server = Server::demo();
    let client = http();
    let html = search_page(&server, &client, "q=Brahmaputra").await;
    assert!(
        html.contains("action=\"/search\"") && html.contains("name=\"q\""),
        "no search form on the search page:\n{html}"
    );
    let found = cards(&html);
    assert!(
        !found.is_empty(),
        "no cards for a word the demo has:\n{html}"
    );
    for card in &found {
        let text = summary(card);
        assert!(
            text.contains("<mark>Brahmaputra</mark>"),
            "the snippet does not mark the word:\n{card}"
        );
        // Apart from <mark>, the snippet is text: no markup of the copy leaks into the card.
        let bare = text.replace("<mark>", "").replace("</mark>", "");
        assert!(
            !bare.contains('<') && !bare.contains('>'),
            "the snippet carries markup:\n{text}"
        );
    }
    // A query with markup is shown escaped, never as markup.
    let html = search_page(&server, &client, "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E").await;
    assert!(!html.contains("<script>alert(1)"), "{html}");
}

#[tokio::test]
async fn the_search_api_answers_ninjs_items() {
    let server = Server::demo();
    let client = http();
    let (status, answer) = get_json(&client, &server.url("/api/v1/search?q=repo+rate")).await;
    assert_eq!(status, 200, "{answer}");
    let items = answer["items"].as_array().expect("an items array");
    assert!(
        !items.is_empty(),
        "nothing found for \"repo rate\": {answer}"
    );
    for item in items {
        assert_eq!(item["type"], "text", "{item}");
        assert!(item["headlines"][0]["value"].is_string(), "{item}");
        assert!(
            item.to_string().to_lowercase().contains("repo rate"),
            "an item without the words: {item}"
        );
    }
    // The page and the API agree on what matched.
    let html = search_page(&server, &client, "q=repo+rate").await;
    let mut page = card_ids(&html);
    let mut api = item_ids(&answer);
    page.sort();
    api.sort();
    assert_eq!(page, api);

    let (status, answer) =
        get_json(&client, &server.url("/api/v1/search?q=repo+rate&limit=1")).await;
    assert_eq!(status, 200);
    assert_eq!(
        answer["items"].as_array().map(Vec::len),
        Some(1),
        "{answer}"
    );

    let (status, answer) = get_json(&client, &server.url("/api/v1/search?q=")).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["items"], Value::Array(vec![]));

    let (status, answer) =
        get_json(&client, &server.url("/api/v1/search?q=rbi&from=last+week")).await;
    assert_eq!(status, 400, "an unreadable date: {answer}");
}

#[tokio::test]
async fn a_typo_still_finds_the_story() {
    let server = Server::demo();
    let client = http();
    let right = card_ids(&search_page(&server, &client, "q=Kaziranga").await);
    assert!(!right.is_empty(), "the demo has a Kaziranga story");
    for typo in ["Kazirnga", "Kaizranga", "Kazirangaa"] {
        let html = search_page(&server, &client, &format!("q={typo}")).await;
        let found = card_ids(&html);
        assert!(
            right.iter().all(|id| found.contains(id)),
            "{typo:?} found {found:?}, not {right:?}:\n{html}"
        );
        assert!(
            cards(&html)
                .iter()
                .any(|c| summary(c).contains("<mark>Kaziranga</mark>")),
            "the word the index has is not highlighted for {typo:?}:\n{html}"
        );
        let (_, answer) = get_json(&client, &server.url(&format!("/api/v1/search?q={typo}"))).await;
        assert!(
            right.iter().all(|id| item_ids(&answer).contains(id)),
            "the API misses the story for {typo:?}: {answer}"
        );
    }
}

#[tokio::test]
async fn a_query_that_matches_nothing_offers_did_you_mean() {
    let server = Server::demo();
    let client = http();
    let html = search_page(&server, &client, "q=brahmapootra").await;
    assert!(cards(&html).is_empty(), "{html}");
    assert!(
        html.contains("Did you mean <a href=\"/search?q=brahmaputra\">brahmaputra</a>?"),
        "no suggestion for a misspelt word:\n{html}"
    );
    // The suggestion keeps the reader's filters, and finds what it promised.
    let html = search_page(&server, &client, "q=brahmapootra&topic=india").await;
    let link = html
        .split("Did you mean <a href=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no suggestion with a topic filter:\n{html}"));
    // `&` in an attribute is escaped, as `&amp;` or `&#38;`.
    let link = link.replace("&amp;", "&").replace("&#38;", "&");
    assert_eq!(link, "/search?q=brahmaputra&topic=india");
    let html = search_page(&server, &client, "q=brahmaputra&topic=india").await;
    assert!(!cards(&html).is_empty(), "{html}");
    // The API says the same.
    let (_, answer) = get_json(&client, &server.url("/api/v1/search?q=brahmapootra")).await;
    assert_eq!(answer["did_you_mean"], "brahmaputra", "{answer}");
    // Nothing close to a word: no suggestion, a plain "nothing matched".
    let html = search_page(&server, &client, "q=zzxqjvbw").await;
    assert!(
        cards(&html).is_empty() && !html.contains("Did you mean"),
        "{html}"
    );
    assert!(html.contains("Nothing matched"), "{html}");
}

#[tokio::test]
async fn filters_restrict_results_by_topic_agency_and_date() {
    let server = Server::demo();
    let client = http();
    let all = card_ids(&search_page(&server, &client, "q=india").await);
    let sports = card_ids(&search_page(&server, &client, "q=india&topic=sports").await);
    assert!(
        !sports.is_empty(),
        "no sports story mentions India in the demo?"
    );
    assert!(
        sports.len() < all.len(),
        "the topic filter let everything through: {sports:?} of {all:?}"
    );
    for id in &sports {
        let (status, page) = get_text(&client, &server.url(&format!("/story/{id}"))).await;
        assert_eq!(status, 200);
        assert!(
            page.contains("href=\"/topic/sports\""),
            "story {id} is not in Sports:\n{page}"
        );
    }
    let (_, answer) = get_json(&client, &server.url("/api/v1/search?q=india&topic=sports")).await;
    let mut api = item_ids(&answer);
    let mut page = sports.clone();
    api.sort();
    page.sort();
    assert_eq!(api, page, "the API's topic filter differs from the page's");

    let html = search_page(&server, &client, "q=india&agency=pti").await;
    let pti = cards(&html);
    assert!(!pti.is_empty());
    for card in &pti {
        assert!(card.contains("href=\"/agency/pti\""), "not PTI:\n{card}");
    }

    // Long before the demo's copy: nothing; a range that covers it: everything.
    let html = search_page(&server, &client, "q=india&to=2000-01-01").await;
    assert!(cards(&html).is_empty(), "{html}");
    let wide =
        card_ids(&search_page(&server, &client, "q=india&from=2000-01-01&to=2999-12-31").await);
    assert_eq!(wide, all);
}

// ----- pages -----

/// `href="…"` of the first `<a …rel="REL"…>` (the body's link, not the head's `<link>`), with
/// `&amp;` read back as `&`.
fn page_link(html: &str, rel: &str) -> Option<String> {
    let anchor = html.split("<a ").skip(1).find(|a| {
        a.split('>')
            .next()
            .unwrap_or("")
            .contains(&format!("rel=\"{rel}\""))
    })?;
    let href = anchor.split("href=\"").nth(1)?.split('"').next()?;
    Some(href.replace("&amp;", "&").replace("&#38;", "&"))
}

/// The text of `<p class="result-count">`.
fn result_count(html: &str) -> Option<&str> {
    html.split("<p class=\"result-count\">")
        .nth(1)?
        .split("</p>")
        .next()
}

/// `n` PTI stories with `marker` in each headline, a minute old, each in words of its own.
fn drop_marked_stories(server: &Server, marker: &str, n: usize) {
    const WORDS: [&str; 9] = [
        "harbour",
        "railway",
        "monsoon",
        "budget",
        "election",
        "cricket",
        "tariff",
        "airport",
        "reservoir",
    ];
    for i in 0..n {
        let (a, b) = (WORDS[i % 9], WORDS[(i / 9) % 9]);
        let headline = format!("{marker} report {i}: {a} and {b} news");
        let body = format!(
            "Report number {i} from the {marker} desk covers the {a} and the {b}, with figures \
             that officials gave on {a} matters and a note on {b} plans for district {i}."
        );
        drop_file(
            &server.inbox(),
            &format!("{marker}-{i}.json"),
            &ninjs_story(
                &format!("urn:test:search-pages:{marker}:{i}"),
                1,
                "PTI",
                &headline,
                &body,
                "",
            ),
        );
    }
}

/// The total `/api/v1/search` gives for `q`, once it reaches `want`.
async fn wait_for_total(server: &Server, client: &reqwest::Client, q: &str, want: u64) {
    let url = server.url(&format!("/api/v1/search?q={q}"));
    eventually(INGEST, &format!("{url} to count {want}"), || {
        let (client, url) = (client, &url);
        async move {
            let (status, page) = get_json(client, url).await;
            (status == 200 && page["total"] == want).then_some(())
        }
    })
    .await;
}

const INGEST: std::time::Duration = std::time::Duration::from_secs(60);

/// Every page of the search page for `params`, following its Next links: (ids, pages' HTML).
async fn walk_html(
    server: &Server,
    client: &reqwest::Client,
    params: &str,
) -> (Vec<String>, Vec<String>) {
    let mut ids = Vec::new();
    let mut pages = Vec::new();
    let mut url = format!("/search?{params}");
    for _ in 0..60 {
        let (status, html) = get_text(client, &server.url(&url)).await;
        assert_eq!(status, 200, "GET {url}:\n{html}");
        ids.extend(card_ids(&html));
        let next = page_link(&html, "next");
        pages.push(html);
        match next {
            Some(next) => url = next,
            None => return (ids, pages),
        }
    }
    panic!("still a Next link after 60 pages");
}

/// Every page of `/api/v1/search?{params}`, following `next`: (ids, pages).
async fn walk_api(
    server: &Server,
    client: &reqwest::Client,
    params: &str,
) -> (Vec<String>, Vec<Value>) {
    let mut ids = Vec::new();
    let mut pages = Vec::new();
    let first = format!("/api/v1/search?{params}");
    let mut url = server.url(&first);
    for _ in 0..60 {
        let (status, page) = get_json(client, &url).await;
        assert_eq!(status, 200, "GET {url}: {page}");
        ids.extend(item_ids(&page));
        let next = page["next"].clone();
        let next_url = page["next_url"].clone();
        pages.push(page);
        match (next, next_url) {
            (Value::Null, Value::Null) => return (ids, pages),
            (Value::String(cursor), Value::String(link)) => {
                assert!(
                    link.ends_with(
                        &format!("{first}&cursor={cursor}").replace("/api/v1/search?", "")
                    ),
                    "next_url {link} is not this search with the cursor {cursor}"
                );
                assert!(link.contains("/api/v1/search?"), "{link}");
                url = server.url(&format!("{first}&cursor={cursor}"));
            }
            (next, link) => panic!("`next` {next} and `next_url` {link} disagree"),
        }
    }
    panic!("still a next cursor after 60 pages");
}

fn assert_each_once(ids: &[String], what: &str) {
    let mut unique = ids.to_vec();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        ids.len(),
        "{what}: a story on two pages: {ids:?}"
    );
}

#[tokio::test]
async fn search_pages_walk_every_result_once_in_html_and_the_api() {
    let server = Server::serve_with_config("");
    let client = http();
    let marker = unique_word("paging");
    drop_marked_stories(&server, &marker, 45);
    wait_for_total(&server, &client, &marker, 45).await;

    // The page: 20, 20 and 5, each story once, with the count and links both ways.
    let (html_ids, pages) = walk_html(&server, &client, &format!("q={marker}")).await;
    assert_eq!(pages.len(), 3, "45 results are three pages of 20");
    assert_eq!(html_ids.len(), 45, "{html_ids:?}");
    assert_each_once(&html_ids, "HTML");
    assert_eq!(cards(&pages[0]).len(), 20);
    assert_eq!(cards(&pages[2]).len(), 5);
    assert_eq!(result_count(&pages[0]), Some("45 results"), "{}", pages[0]);
    assert_eq!(result_count(&pages[1]), Some("45 results · page 2 of 3"));
    assert_eq!(page_link(&pages[0], "prev"), None);
    assert_eq!(
        page_link(&pages[1], "prev").as_deref(),
        Some(format!("/search?q={marker}").as_str())
    );
    assert_eq!(
        page_link(&pages[2], "prev").as_deref(),
        Some(format!("/search?q={marker}&page=2").as_str())
    );
    assert_eq!(page_link(&pages[2], "next"), None);
    assert!(
        pages[1].contains(&format!(
            "<link rel=\"next\" href=\"/search?q={marker}&amp;page=3\">"
        )) || pages[1].contains(&format!(
            "<link rel=\"next\" href=\"/search?q={marker}&#38;page=3\">"
        )),
        "no <link rel=next> in the head:\n{}",
        pages[1]
    );
    assert!(pages[1].contains("<link rel=\"prev\""), "{}", pages[1]);
    assert!(pages[1].contains(", page 2 | "), "the title names the page");

    // The API: the same stories, each once, with the total on every page.
    let (api_ids, api_pages) = walk_api(&server, &client, &format!("q={marker}&limit=20")).await;
    assert_eq!(api_pages.len(), 3);
    assert_each_once(&api_ids, "API");
    for page in &api_pages {
        assert_eq!(page["total"], 45, "{page}");
        assert_eq!(page["match"], "exact", "{page}");
    }
    let (mut a, mut b) = (api_ids.clone(), html_ids.clone());
    a.sort();
    b.sort();
    assert_eq!(a, b, "the page and the API found different stories");
    // Other page sizes walk the same stories.
    let (by_7, pages_of_7) = walk_api(&server, &client, &format!("q={marker}&limit=7")).await;
    assert_eq!(pages_of_7.len(), 7);
    let mut c = by_7.clone();
    c.sort();
    assert_eq!(c, a);

    // Past the last page: a message and the way back, never an error page.
    for page in ["4", "51", "1000000000000"] {
        let html = search_page(&server, &client, &format!("q={marker}&page={page}")).await;
        assert!(cards(&html).is_empty(), "{html}");
        assert!(html.contains("There are no more results"), "{html}");
        assert_eq!(
            page_link(&html, "prev").as_deref(),
            Some(format!("/search?q={marker}&page=3").as_str())
        );
        assert_eq!(page_link(&html, "next"), None);
    }
    // An unreadable page is the first.
    let html = search_page(&server, &client, &format!("q={marker}&page=two")).await;
    assert_eq!(card_ids(&html), card_ids(&pages[0]));

    // A cursor the API did not give out, one from another search, a list's cursor: 400 with a
    // problem that names it.
    let cursor = api_pages[0]["next"].as_str().unwrap().to_string();
    let (_, list) = get_json(&client, &server.url("/api/v1/stories?limit=1")).await;
    let list_cursor = list["next"].as_str().unwrap_or("AAAA").to_string();
    for (url, why) in [
        (
            format!("/api/v1/search?q={marker}&cursor=AAAAnotacursor"),
            "a cursor this API gave out",
        ),
        (
            format!("/api/v1/search?q={marker}&cursor={list_cursor}"),
            "a cursor this API gave out",
        ),
        (
            format!("/api/v1/search?q={marker}&topic=sports&cursor={cursor}"),
            "another search",
        ),
        (
            format!("/api/v1/search?q=other&cursor={cursor}"),
            "another search",
        ),
        (
            format!("/api/v1/search?q={marker}&page=2"),
            "unknown parameter",
        ),
    ] {
        let (status, problem) = get_json(&client, &server.url(&url)).await;
        assert_eq!(status, 400, "{url}: {problem}");
        assert!(
            problem["detail"].as_str().is_some_and(|d| d.contains(why)),
            "{url}: {problem}"
        );
    }

    // A story the index has but readers may not see yet (embargoed for an hour) is left out
    // of its page, and the count says it is an estimate; every visible story is still
    // listed once.
    let embargo = (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(1))
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    drop_file(
        &server.inbox(),
        "embargoed.json",
        &ninjs_story(
            &format!("urn:test:search-pages:{marker}:embargoed"),
            1,
            "PTI",
            &format!("{marker} report under embargo"),
            &format!("The {marker} desk holds this report until the embargo lifts."),
            &format!("\"embargoed\": \"{embargo}\""),
        ),
    );
    wait_for_total(&server, &client, &marker, 46).await;
    let (html_ids, pages) = walk_html(&server, &client, &format!("q={marker}")).await;
    assert_eq!(html_ids.len(), 45);
    assert_each_once(&html_ids, "HTML with an embargoed hit");
    let estimated = pages
        .iter()
        .filter(|p| {
            result_count(p) == Some("About 46 results")
                || result_count(p).is_some_and(|c| c.starts_with("About 46 results ·"))
        })
        .count();
    assert_eq!(
        estimated, 1,
        "one page left the embargoed story out and said so"
    );
    let (api_ids, _) = walk_api(&server, &client, &format!("q={marker}")).await;
    assert_eq!(api_ids.len(), 45);
    assert_each_once(&api_ids, "API with an embargoed hit");
}

#[tokio::test]
async fn a_query_is_escaped_everywhere_the_search_page_shows_it() {
    let server = Server::serve_with_config("");
    let client = http();
    let marker = unique_word("escape");
    drop_marked_stories(&server, &marker, 25);
    wait_for_total(&server, &client, &marker, 25).await;
    let typed = format!("{marker} OR \"<script>alert('x')</script>&\"");
    let encoded: String = typed
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    for page in ["1", "2", "3"] {
        let html = search_page(&server, &client, &format!("q={encoded}&page={page}")).await;
        assert!(!html.contains("<script>alert"), "page {page}:\n{html}");
        assert!(
            !html.contains("alert('x')"),
            "a quote left raw on page {page}"
        );
        assert!(
            html.contains("&lt;script&gt;") || html.contains("&#60;script&#62;"),
            "the query is not shown escaped on page {page}:\n{html}"
        );
        for rel in ["next", "prev"] {
            if let Some(href) = page_link(&html, rel) {
                assert!(
                    href.starts_with("/search?q=") && !href.contains(['<', '>', '"', '\'', ' ']),
                    "{rel} link {href:?} on page {page}"
                );
            }
        }
    }
    let html = search_page(&server, &client, &format!("q={encoded}")).await;
    assert_eq!(cards(&html).len(), 20);
    assert!(page_link(&html, "next").is_some(), "{html}");
}
