//! Search end to end: the real `wiredesk demo`, asked over HTTP as a reader (`/search`) and a
//! partner (`/api/v1/search`) would.

use crate::common::{Server, get_json, get_text, http, story_path_and_id};
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
