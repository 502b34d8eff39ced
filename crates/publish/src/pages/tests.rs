//! The side lists' promises, checked on the embedded store and index: Hot this week is the
//! most read of the last 7 days, Topics never repeats it, Related is never the story itself.

use std::collections::HashSet;
use std::sync::Arc;

use jiff::{Timestamp, ToSpan};
use wiredesk_index::SearchIndex;
use wiredesk_model::{StoryEvent, StoryId, Topic};
use wiredesk_store::conformance::publish;
use wiredesk_store::{SqliteStore, Store};

use crate::{AppState, SiteConfig};

fn now() -> Timestamp {
    Timestamp::now()
}

async fn state_with(stories: &[(&str, &str, &str, i64)]) -> AppState {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::in_memory().await.unwrap());
    let index = Arc::new(SearchIndex::in_memory().unwrap());
    for (uri, topic, body, hours_ago) in stories {
        let at = now() - hours_ago.hours();
        let mut story = wiredesk_model::testing::story(uri, &format!("Headline {uri}"), body, at);
        story.topics = vec![Topic {
            slug: topic.to_string(),
            name: topic.to_string(),
            origin: wiredesk_model::TopicOrigin::Wire,
        }];
        let id = story.id.clone();
        publish(store.as_ref(), story, at).await;
        index
            .upsert(&store.story(&id).await.unwrap().unwrap())
            .unwrap();
    }
    index.commit().unwrap();
    AppState::new(store, index, Default::default(), SiteConfig::default()).unwrap()
}

fn uris(stories: &[wiredesk_model::Story]) -> Vec<String> {
    stories.iter().map(|s| s.uri.clone()).collect()
}

#[tokio::test]
async fn hot_this_week_is_the_most_read_live_stories_never_the_latest() {
    let state = state_with(&[
        ("a", "world", "Alpha copy.", 1),
        ("b", "world", "Bravo copy.", 2),
        ("c", "sports", "Charlie copy.", 3),
        ("d", "sports", "Delta copy.", 4),
        ("old", "sports", "Old copy.", 200),
        ("e", "india", "Echo copy.", 5),
        ("f", "india", "Foxtrot copy.", 6),
    ])
    .await;
    let id = |u: &str| StoryId::for_uri(u);
    state
        .store
        .record_views(&[
            (id("c"), now(), 9),
            (id("e"), now(), 4),
            (id("old"), now(), 50),
            (id("b"), now() - 200.hours(), 99),
        ])
        .await
        .unwrap();
    // A killed story drops out however much it was read.
    state
        .store
        .record_views(&[(id("d"), now(), 7)])
        .await
        .unwrap();
    state
        .store
        .append(vec![(
            StoryEvent::Killed {
                id: id("d"),
                reason: "legal".into(),
            },
            now(),
        )])
        .await
        .unwrap();
    let hot = state
        .side_lists(now())
        .await
        .unwrap()
        .hot(&state, &HashSet::new());
    // c and e by views; "old" is outside the 7 days; b's views are too old. No story runs in
    // several reports, and the latest are Latest's to show: nothing else.
    assert_eq!(uris(&hot), ["c", "e"]);
    let without_c = state
        .side_lists(now())
        .await
        .unwrap()
        .hot(&state, &HashSet::from([id("c")]));
    assert!(!uris(&without_c).contains(&"c".to_string()));
}

#[tokio::test]
async fn topics_never_repeat_what_is_already_shown() {
    let state = state_with(&[
        ("a", "world", "Alpha copy.", 1),
        ("b", "world", "Bravo copy.", 2),
        ("c", "sports", "Charlie copy.", 3),
        ("d", "sports", "Delta copy.", 4),
    ])
    .await;
    let shown: HashSet<StoryId> = [StoryId::for_uri("a"), StoryId::for_uri("c")].into();
    let blocks = state
        .side_lists(now())
        .await
        .unwrap()
        .topic_blocks(&state, &shown, 3);
    let listed: Vec<&str> = blocks
        .iter()
        .flat_map(|b| b.cards.iter().map(|c| c.headline.as_str()))
        .collect();
    assert_eq!(blocks.len(), 2);
    assert!(
        listed.contains(&"Headline b") && listed.contains(&"Headline d"),
        "{listed:?}"
    );
    assert!(
        !listed.contains(&"Headline a") && !listed.contains(&"Headline c"),
        "{listed:?}"
    );
}

#[tokio::test]
async fn related_finds_the_same_subject_and_never_the_story_itself() {
    let state = state_with(&[
        (
            "rate1",
            "business",
            "The central bank kept the repo rate unchanged as inflation eased.",
            1,
        ),
        (
            "rate2",
            "business",
            "Economists expected the central bank to hold the repo rate; inflation eased.",
            2,
        ),
        (
            "flood",
            "india",
            "Monsoon floods displaced thousands of families in Assam.",
            3,
        ),
    ])
    .await;
    let story = state
        .store
        .story(&StoryId::for_uri("rate1"))
        .await
        .unwrap()
        .unwrap();
    let related = state.related(&story, now()).await.unwrap();
    assert_eq!(related.first().map(|s| s.uri.as_str()), Some("rate2"));
    assert!(related.iter().all(|s| s.uri != "rate1"));
}

/// Copy long enough to have a few dozen 5-word shingles: two agencies running it are one
/// cluster.
const FLOOD_COPY: &str = "Heavy monsoon rain flooded the low-lying districts of the city on \
    Tuesday, forcing the evacuation of thousands of residents and halting train services on the \
    main suburban line for most of the day, officials said. The weather office warned of more \
    rain over the next two days and asked fishermen not to venture out to sea. Relief camps \
    were opened in schools and community halls across the worst-hit wards.";

/// A week of traffic through the real filters — user agents, the per-client rate gate, the
/// batched counter, the store's decay — and what Hot this week makes of it.
#[tokio::test]
async fn a_simulated_week_of_traffic_gives_one_hot_entry_per_cluster_without_bots() {
    let distinct = |word: &str| {
        format!(
            "The {word} report says {word} figures rose and {word} officials met on {word} \
             matters while {word} talks went on late into the night over {word} plans."
        )
    };
    let copies = [
        ("flood-pti", "world", FLOOD_COPY.to_string(), 40),
        (
            "flood-ians",
            "world",
            format!("{FLOOD_COPY} Schools will stay closed on Wednesday."),
            39,
        ),
        ("budget", "business", distinct("budget"), 20),
        ("cricket1", "sport", distinct("cricket"), 10),
        ("cricket2", "sport", distinct("hockey"), 11),
        ("cricket3", "sport", distinct("tennis"), 12),
        ("quiet", "world", distinct("quiet"), 3),
        ("old-big", "world", distinct("archive"), 150),
        ("scraped", "business", distinct("scraped"), 30),
        ("crawled", "world", distinct("crawled"), 30),
    ];
    let rows: Vec<(&str, &str, &str, i64)> = copies
        .iter()
        .map(|(u, t, b, h)| (*u, *t, b.as_str(), *h))
        .collect();
    let state = state_with(&rows).await;
    let latest = state.store.latest_seq().await.unwrap();
    state.projections.caught_up_to(latest).await;
    let id = |u: &str| StoryId::for_uri(u);
    assert_eq!(
        state.projections.event_of(&id("flood-ians")),
        id("flood-pti"),
        "the same copy from two agencies is one cluster"
    );

    let counter =
        crate::views::ViewCounter::start(state.store.clone(), std::time::Duration::from_secs(3600));
    let browser =
        "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126 Mobile Safari/537.36";
    let mut reader = 0u32;
    let mut read = |story: &str, views: u32, hours_ago: i64| {
        for i in 0..views {
            // Each view from its own reader, a minute apart: people, not a script.
            reader += 1;
            let ip = std::net::IpAddr::from([
                10,
                (reader >> 16) as u8,
                (reader >> 8) as u8,
                reader as u8,
            ]);
            let at = now() - hours_ago.hours() + (i as i64).minutes();
            if crate::views::is_human(Some(browser)) {
                counter.record(id(story), at, Some(ip));
            }
        }
    };
    read("cricket1", 30, 1);
    read("cricket2", 25, 1);
    read("cricket3", 20, 1);
    // 20 and 15 views a day and a half ago: halved, they add up to 17.5 as one cluster.
    read("flood-pti", 20, 30);
    read("flood-ians", 15, 30);
    read("budget", 15, 1);
    read("quiet", 14, 1);
    // Six days ago: 200 views weigh 200/64, less than today's 14.
    read("old-big", 200, 144);
    // A script with a browser's user agent, one page a second from one address.
    // Its ten minutes start on the hour, so they never straddle midnight (a new salt).
    let scraper: std::net::IpAddr = "203.0.113.9".parse().unwrap();
    let scraping_from =
        Timestamp::from_second((now() - 2.hours()).as_second().div_euclid(3600) * 3600).unwrap();
    for i in 0..600 {
        counter.record(id("scraped"), scraping_from + i.seconds(), Some(scraper));
    }
    // A crawler that says what it is.
    for i in 0..1000 {
        let ua = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
        if crate::views::is_human(Some(ua)) {
            counter.record(id("crawled"), now() - 3.hours() + i.seconds(), None);
        }
    }
    counter.flush(state.store.as_ref()).await;

    let hot = state
        .side_lists(now())
        .await
        .unwrap()
        .hot(&state, &HashSet::new());
    // cricket3 (20) outscores flood, budget and quiet, but sport already has two entries;
    // flood-ians is in flood-pti's cluster; the scraper's 12 admitted views and the old
    // story's decayed 3 fall below the fifth place; the crawler counts nothing.
    assert_eq!(
        uris(&hot),
        ["cricket1", "cricket2", "flood-pti", "budget", "quiet"]
    );
    let scores = state
        .store
        .hottest(now(), now() - 168.hours(), 20)
        .await
        .unwrap();
    let score = |u: &str| scores.iter().find(|(i, _)| *i == id(u)).map(|(_, s)| *s);
    // Only the first minute's allowance counted (halved if those two hours ago were
    // yesterday by the store's day count).
    let days_old = (now().as_second().div_euclid(3600) - scraping_from.as_second() / 3600) / 24;
    let admitted = crate::views::MAX_VIEWS_PER_MINUTE as f64 / 2f64.powi(days_old as i32);
    assert_eq!(score("scraped"), Some(admitted));
    assert_eq!(score("crawled"), None);
    assert!(score("old-big").unwrap() < score("quiet").unwrap());

    // The home page shows the flood once, with its coverage link.
    let home = crate::pages::home(
        axum::extract::State(state.clone()),
        axum::http::HeaderMap::new(),
    )
    .await;
    let body = axum::body::to_bytes(home.into_body(), usize::MAX)
        .await
        .unwrap();
    let html = String::from_utf8_lossy(&body);
    let latest = html
        .split("<section id=\"latest\">")
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .expect("the latest list");
    assert!(latest.contains("Full coverage (2 reports)"), "{latest}");
    let entries = ["Headline flood-ians", "Headline flood-pti"]
        .iter()
        .filter(|h| latest.contains(*h))
        .count();
    assert_eq!(
        entries, 1,
        "one entry per cluster in the latest list: {latest}"
    );
}

#[test]
fn a_list_description_keeps_whole_headlines_within_what_search_engines_show() {
    let card = |headline: &str| super::Card {
        url: String::new(),
        headline: headline.into(),
        summary: String::new(),
        agency: String::new(),
        agency_url: String::new(),
        when: String::new(),
        coverage: None,
        also: Vec::new(),
    };
    let cards = [
        card("Monsoon reaches Kerala"),
        card(&"Très long headline ".repeat(8)),
        card("Markets close higher"),
    ];
    let description = super::list_description("India | Daily", &cards);
    assert_eq!(
        description, "India | Daily — Monsoon reaches Kerala",
        "the long second headline would pass 160 characters, and no later one jumps the queue"
    );
    assert_eq!(
        super::list_description("India | Daily", &[]),
        "India | Daily"
    );
}

/// Every page of `state`'s site at `path`, read through the router (cache, codings and all).
async fn get_page(state: &AppState, path: &str, accept_encoding: &str) -> (u16, String, String) {
    use tower::ServiceExt;
    let request = axum::http::Request::get(path)
        .header("accept-encoding", accept_encoding)
        .body(axum::body::Body::empty())
        .unwrap();
    let response = crate::router(state.clone()).oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let coding = response
        .headers()
        .get("content-encoding")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let html = match coding.as_str() {
        "br" => {
            let mut out = Vec::new();
            brotli::BrotliDecompress(&mut &body[..], &mut out).unwrap();
            String::from_utf8(out).unwrap()
        }
        "gzip" => {
            use std::io::Read;
            let mut out = String::new();
            flate2::read::GzDecoder::new(&body[..])
                .read_to_string(&mut out)
                .unwrap();
            out
        }
        _ => String::from_utf8(body.to_vec()).unwrap(),
    };
    (status, coding, html)
}

async fn caught_up(state: &AppState) {
    let seq = state.store.latest_seq().await.unwrap();
    state.projections.caught_up_to(seq).await;
}

#[tokio::test]
async fn a_kill_leaves_every_cached_page_that_showed_the_story_in_any_coding() {
    let state = state_with(&[
        ("doomed", "world", "Doomed copy about the harbour.", 1),
        ("b", "world", "Bravo copy about the harbour.", 2),
        ("c", "sports", "Charlie copy.", 3),
    ])
    .await;
    caught_up(&state).await;
    let b = state
        .store
        .story(&StoryId::for_uri("b"))
        .await
        .unwrap()
        .unwrap();
    let doomed = StoryId::for_uri("doomed");
    let pages = [
        "/".to_string(),
        crate::pages::story_url(&b),
        "/topic/world".into(),
        "/agency/ap".into(),
        "/feed.xml".into(),
        "/topic/world/atom.xml".into(),
        "/sitemap-news.xml".into(),
    ];
    for coding in ["br", "gzip", "identity"] {
        for path in &pages {
            let (status, sent_as, html) = get_page(&state, path, coding).await;
            assert_eq!(status, 200, "{path}");
            assert_eq!(
                sent_as,
                if coding == "identity" { "" } else { coding },
                "{path}"
            );
            assert!(
                html.contains(&doomed.to_string()),
                "{path} ({coding}) before the kill"
            );
        }
    }
    state
        .store
        .append(vec![(
            StoryEvent::Killed {
                id: doomed.clone(),
                reason: "legal".into(),
            },
            now(),
        )])
        .await
        .unwrap();
    caught_up(&state).await;
    // Within the cache's freshness second, so a page kept from before would still be served.
    for coding in ["br", "gzip", "identity"] {
        for path in &pages {
            let (_, _, html) = get_page(&state, path, coding).await;
            assert!(
                !html.contains(&doomed.to_string()),
                "{path} ({coding}) after the kill"
            );
        }
    }
}

#[tokio::test]
async fn a_store_that_fails_answers_503_never_an_empty_page_and_it_is_not_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wiredesk.db");
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&path).await.unwrap());
    let at = now() - 1.hours();
    let story = wiredesk_model::testing::story("up", "Headline up", "Copy.", at);
    publish(store.as_ref(), story, at).await;
    let index = Arc::new(SearchIndex::in_memory().unwrap());
    let state = AppState::new(store, index, Default::default(), SiteConfig::default()).unwrap();
    caught_up(&state).await;
    // A second connection takes the stories away under the site, as a broken disk or a
    // failed migration would.
    let sql = |statement: &'static str| {
        let path = path.clone();
        async move {
            use sqlx::Connection;
            let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
                .await
                .unwrap();
            sqlx::query(statement).execute(&mut c).await.unwrap();
        }
    };
    sql("ALTER TABLE stories RENAME TO stories_away").await;
    for path in ["/", "/topic/world", "/agency/ap", "/feed.xml"] {
        let (status, _, body) = get_page(&state, path, "identity").await;
        assert_eq!(status, 503, "{path}: {body}");
        assert!(!body.contains("No stories"), "{path}");
    }
    sql("ALTER TABLE stories_away RENAME TO stories").await;
    let (status, _, body) = get_page(&state, "/", "identity").await;
    assert_eq!(status, 200, "the 503 was not kept");
    assert!(body.contains("Headline up"));
}

/// Status and `Location` of a request for `path` through the router.
async fn get_location(state: &AppState, path: &str) -> (u16, Option<String>) {
    use tower::ServiceExt;
    let request = axum::http::Request::get(path)
        .body(axum::body::Body::empty())
        .unwrap();
    let response = crate::router(state.clone()).oneshot(request).await.unwrap();
    let location = response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string());
    (response.status().as_u16(), location)
}

#[tokio::test]
async fn a_german_headline_keeps_its_words_and_old_slugs_still_reach_the_story() {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::in_memory().await.unwrap());
    let index = Arc::new(SearchIndex::in_memory().unwrap());
    let at = now() - 1.hours();
    let mut story = wiredesk_model::testing::story(
        "urn:test:de:1",
        "Bäckerei für Frühstück öffnet früher",
        "Die Bäckerei öffnet ab Montag um fünf Uhr.",
        at,
    );
    story.language = Some("de".into());
    let id = story.id.clone();
    publish(store.as_ref(), story, at).await;
    let state = AppState::new(store, index, Default::default(), SiteConfig::default()).unwrap();
    caught_up(&state).await;

    let canonical = format!("/story/{id}/baeckerei-fuer-fruehstueck-oeffnet-frueher");
    assert_eq!(get_location(&state, &canonical).await, (200, None));
    // The slug the ASCII-only rule made for it, the old fallback word, the bare id and any
    // other slug all lead, permanently, to the one address.
    for old in [
        format!("/story/{id}/b-ckerei-f-r-fr-hst-ck-ffnet-fr-her"),
        format!("/story/{id}/story"),
        format!("/story/{id}"),
        format!("/story/{id}/baeckerei"),
    ] {
        assert_eq!(
            get_location(&state, &old).await,
            (308, Some(canonical.clone())),
            "{old}"
        );
    }
}

#[tokio::test]
async fn readers_see_the_sites_topics_and_the_api_only_subjects_with_names() {
    use wiredesk_model::Subject;
    let store: Arc<dyn Store> = Arc::new(SqliteStore::in_memory().await.unwrap());
    let index = Arc::new(SearchIndex::in_memory().unwrap());
    let at = now() - 1.hours();
    let headline = "Hotels fill up for the summit".to_string();
    let mut story = wiredesk_model::testing::story(
        "urn:test:subjects:1",
        &headline,
        "Every hotel in the city is booked for the summit week.",
        at,
    );
    let subject = |code: &str, name: Option<&str>| Subject {
        code: code.into(),
        name: name.map(str::to_string),
    };
    story.subjects = vec![
        subject("medtop:04000000", Some("economy, business and finance")),
        subject("wdntopic:travel", Some("Reisen")),
        subject("wdngeo:3169070", None),
        subject(
            "wdnpoi:12",
            Some("Hotel Seeblick, Uferweg 12, 10117 Berlin"),
        ),
    ];
    story.topics = vec![Topic {
        slug: "business".into(),
        name: "Business".into(),
        origin: wiredesk_model::TopicOrigin::Wire,
    }];
    let id = story.id.clone();
    publish(store.as_ref(), story, at).await;
    let state = AppState::new(store, index, Default::default(), SiteConfig::default()).unwrap();
    caught_up(&state).await;

    let (status, _, html) = get_page(&state, &format!("/story/{id}"), "identity").await;
    let (status, html) = if status == 308 {
        let (_, location) = get_location(&state, &format!("/story/{id}")).await;
        let (status, _, html) = get_page(&state, &location.unwrap(), "identity").await;
        (status, html)
    } else {
        (status, html)
    };
    // The article itself, not a page that merely has the site's topic menu.
    assert_eq!(status, 200, "{html}");
    assert!(html.contains(&headline), "{html}");
    assert!(html.contains("href=\"/topic/business\""), "{html}");
    for shown_nowhere in [
        "Reisen",
        "wdngeo",
        "3169070",
        "Uferweg",
        "economy, business",
    ] {
        assert!(!html.contains(shown_nowhere), "{shown_nowhere} on the page");
    }

    let (status, _, json) = get_page(&state, &format!("/api/v1/stories/{id}"), "identity").await;
    assert_eq!(status, 200, "{json}");
    let ninjs: serde_json::Value = serde_json::from_str(&json).unwrap();
    let names: Vec<&str> = ninjs["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert_eq!(
        names,
        ["economy, business and finance", "Reisen", "Business"],
        "{json}"
    );
}

#[test]
fn the_page_prints_a_dateline_once() {
    let copy = "<p>Valencia (AFP) - Floods swept the city.</p><p>More rain is due.</p>";
    assert!(super::copy_opens_with(copy, "Valencia (AFP)"));
    let credited = "<p>(AFP Photo) Valencia (AFP) - Floods swept the city.</p>";
    assert!(super::copy_opens_with(credited, "Valencia (AFP)"));
    // A dateline the wire sent apart from the copy is the page's to print.
    let apart = "<p>Floods swept the city.</p><p>Valencia (AFP) was hit hardest.</p>";
    assert!(!super::copy_opens_with(apart, "Valencia (AFP)"));
    assert!(!super::copy_opens_with(copy, ""));
    // A place named early in the first sentence is not the copy opening with the dateline.
    let named = "<p>Rain hit Delhi on Monday as the monsoon arrived.</p>";
    assert!(!super::copy_opens_with(named, "Delhi"));
}

#[tokio::test]
async fn an_event_is_one_entry_headed_by_its_most_complete_report_unless_the_desk_pinned_one() {
    let first = "A magnitude 7.1 earthquake struck off northern Chile on Wednesday, killing \
                 three people in the Antofagasta region and prompting a brief tsunami alert, \
                 the Disaster Prevention Service said.";
    let fuller = "Chile lifted a tsunami alert for its northern coast after a magnitude 7.1 \
                  earthquake killed three people in the Antofagasta region, the Disaster \
                  Prevention Service said. Homes were damaged in Tocopilla and Mejillones, \
                  power was cut to thousands of households and schools stayed closed while \
                  engineers inspected them. Mining companies said their operations in the \
                  region were running normally.";
    let other = "Parliament in Lisbon approved the budget on Wednesday after the Socialist \
                 Party abstained, Prime Minister Vieira said, ending weeks of talks.";
    let state = state_with(&[
        ("quake-afp", "world", first, 3),
        ("quake-reuters", "world", fuller, 2),
        ("budget", "world", other, 1),
    ])
    .await;
    let latest = state.store.latest_seq().await.unwrap();
    state.projections.caught_up_to(latest).await;
    let id = |u: &str| StoryId::for_uri(u);
    assert_eq!(
        state.projections.event_of(&id("quake-reuters")),
        id("quake-afp"),
        "two wordings of one event are one cluster"
    );
    assert_ne!(
        state.projections.copy_of(&id("quake-reuters")),
        id("quake-afp")
    );

    let listed = |uris: &[&str]| {
        let state = state.clone();
        let uris: Vec<StoryId> = uris.iter().map(|u| id(u)).collect();
        async move { state.store.stories(&uris).await.unwrap() }
    };
    // The AFP report listed first (as if it were the newest): the entry shows the fuller one.
    let stories = state.one_per_event(listed(&["quake-afp", "budget", "quake-reuters"]).await);
    assert_eq!(uris(&stories), ["quake-afp", "budget"]);
    let cards = state.cards(&stories, now()).await.unwrap();
    let fuller_story = state
        .store
        .story(&id("quake-reuters"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cards[0].url, super::story_url(&fuller_story));
    let coverage = cards[0].coverage.as_ref().expect("a coverage link");
    assert_eq!(coverage.reports, 2);
    assert!(cards[1].coverage.is_none());

    // The desk pinned the AFP report: its pick heads the entry.
    let mut pinned = listed(&["quake-afp"]).await;
    pinned[0].pinned_at = Some(now());
    let cards = state.cards(&pinned, now()).await.unwrap();
    assert_eq!(cards[0].url, super::story_url(&pinned[0]));
    assert_eq!(cards[0].coverage.as_ref().map(|c| c.reports), Some(2));
}

/// Copy that no other story's shares a run of words with: a cluster of its own.
fn distinct_copy(word: &str) -> String {
    format!(
        "The {word} report says {word} figures rose and {word} officials met on {word} \
         matters while {word} talks went on late into the night over {word} plans."
    )
}

#[tokio::test]
async fn hot_with_no_views_shows_the_most_covered_clusters_not_already_on_the_page() {
    let flood_ians = format!("{FLOOD_COPY} Schools will stay closed on Wednesday.");
    let (a, b) = (distinct_copy("alpha"), distinct_copy("bravo"));
    let state = state_with(&[
        ("a", "world", a.as_str(), 1),
        ("b", "world", b.as_str(), 2),
        ("flood-ians", "world", flood_ians.as_str(), 3),
        ("flood-pti", "world", FLOOD_COPY, 4),
    ])
    .await;
    caught_up(&state).await;
    let id = |u: &str| StoryId::for_uri(u);
    let side = state.side_lists(now()).await.unwrap();
    // No views at all: the flood, in two reports, shown as its newest; a and b are Latest's.
    assert_eq!(uris(&side.hot(&state, &HashSet::new())), ["flood-ians"]);
    // A page already listing the flood (either report) gets nothing rather than a repeat.
    assert!(
        side.hot(&state, &HashSet::from([id("flood-pti")]))
            .is_empty()
    );

    // The home page lists all four in Latest, so its Hot box says why it is empty.
    let (status, _, html) = get_page(&state, "/", "identity").await;
    assert_eq!(status, 200);
    let hot = html
        .split("<section id=\"hot\"")
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .expect("the Hot this week box");
    assert!(!hot.contains("story-link"), "{hot}");
    assert!(hot.contains("id=\"hot-empty\""), "{hot}");
}

/// Every story link's address on a page, in order.
fn story_hrefs(html: &str) -> Vec<String> {
    html.split("class=\"story-link\" href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn older_pages_continue_latest_once_per_cluster_and_end_in_not_found() {
    // 70 stories an hour apart, and the flood twice: once 2 hours ago, once 45 (page 2's
    // reach), which must not appear again there.
    let copies: Vec<(String, String, i64)> = (0..70)
        .map(|i| (format!("s{i:02}"), distinct_copy(&format!("w{i}x")), i + 1))
        .chain([
            (
                "flood-ians".to_string(),
                format!("{FLOOD_COPY} Schools will stay closed on Wednesday."),
                2,
            ),
            ("flood-pti".to_string(), FLOOD_COPY.to_string(), 45),
        ])
        .collect();
    let rows: Vec<(&str, &str, &str, i64)> = copies
        .iter()
        .map(|(u, b, h)| (u.as_str(), "world", b.as_str(), *h))
        .collect();
    let state = state_with(&rows).await;
    caught_up(&state).await;
    assert_eq!(
        state.projections.event_of(&StoryId::for_uri("flood-pti")),
        state.projections.event_of(&StoryId::for_uri("flood-ians")),
    );

    let (status, _, home) = get_page(&state, "/", "identity").await;
    assert_eq!(status, 200);
    assert!(
        home.contains("<link rel=\"next\" href=\"/latest?page=2\">"),
        "{home}"
    );
    assert!(home.contains("id=\"older-stories\" rel=\"next\" href=\"/latest?page=2\""));
    let latest = |html: &str| -> Vec<String> {
        let list = html
            .split("<section id=\"latest\">")
            .nth(1)
            .and_then(|rest| rest.split("</section>").next())
            .unwrap_or(html);
        story_hrefs(list)
    };
    let lead = story_hrefs(home.split("<section id=\"latest\">").next().unwrap());
    let mut listed: Vec<String> = lead.into_iter().chain(latest(&home)).collect();

    let (status, _, page2) = get_page(&state, "/latest?page=2", "identity").await;
    assert_eq!(status, 200);
    assert!(page2.contains("<link rel=\"prev\" href=\"/\">"), "{page2}");
    assert!(
        page2.contains("<link rel=\"next\" href=\"/latest?page=3\">"),
        "{page2}"
    );
    assert!(page2.contains("rel=\"prev\" href=\"/\">Newer stories</a>"));
    listed.extend(story_hrefs(&page2));
    let (status, _, page3) = get_page(&state, "/latest?page=3", "identity").await;
    assert_eq!(status, 200);
    assert!(page3.contains("<link rel=\"prev\" href=\"/latest?page=2\">"));
    assert!(!page3.contains("rel=\"next\""), "the last page: {page3}");
    listed.extend(story_hrefs(&page3));

    // Every story once, the flood once (as its newest report, on home), in order.
    let flood_pti = StoryId::for_uri("flood-pti").to_string();
    assert!(!listed.iter().any(|h| h.contains(&flood_pti)), "{listed:?}");
    let mut unique = listed.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        listed.len(),
        "a story listed twice: {listed:?}"
    );
    assert_eq!(listed.len(), 71, "{listed:?}");

    for (path, status) in [
        ("/latest?page=4", 404),
        ("/latest?page=9999", 404),
        ("/latest?page=two", 404),
        ("/latest?page=1", 308),
        ("/latest", 308),
    ] {
        assert_eq!(get_location(&state, path).await.0, status, "{path}");
    }
}

#[tokio::test]
async fn every_page_has_a_footer_with_sections_feeds_about_and_the_disclaimer() {
    let state = state_with(&[("a", "world", "Alpha copy <b>&amp; co</b>.", 1)]).await;
    let config = SiteConfig {
        name: "The <Daily> & Co".into(),
        ..SiteConfig::default()
    };
    let state = AppState::new(
        state.store.clone(),
        state.index.clone(),
        Default::default(),
        config,
    )
    .unwrap();
    caught_up(&state).await;
    let disclaimer = "Apart from the headline, no editing has been done in the copy by The &#60;Daily&#62; &#38; Co.";
    for path in [
        "/",
        "/about",
        "/topic/world",
        "/search?q=alpha",
        "/no-such-page",
    ] {
        let (_, _, html) = get_page(&state, path, "identity").await;
        let footer = html
            .split("<footer")
            .nth(1)
            .unwrap_or_else(|| panic!("no footer on {path}"));
        for link in [
            "href=\"/topic/world\"",
            "href=\"/feed.xml\"",
            "href=\"/atom.xml\"",
            "href=\"/feed.json\"",
            "href=\"/about\"",
        ] {
            assert!(footer.contains(link), "{path}: no {link} in {footer}");
        }
        assert!(footer.contains(disclaimer), "{path}: {footer}");
        assert!(!html.contains("<Daily>"), "{path}: the site name unescaped");
    }
    let (status, _, about) = get_page(&state, "/about", "identity").await;
    assert_eq!(status, 200);
    assert!(
        about.contains("<h1>About The &#60;Daily&#62; &#38; Co</h1>"),
        "{about}"
    );
    assert!(about.contains("published untouched"), "{about}");
}

#[tokio::test]
async fn a_hindi_or_urdu_story_marks_its_own_language_on_its_headline_and_copy() {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::in_memory().await.unwrap());
    let index = Arc::new(SearchIndex::in_memory().unwrap());
    let at = now() - 1.hours();
    let mut paths = Vec::new();
    for (uri, language, headline, body) in [
        (
            "urn:test:hi:1",
            "hi",
            "दिल्ली में ठंड बढ़ी",
            "नई दिल्ली, 5 दिसंबर (आईएएनएस)। ठंड बढ़ गई।",
        ),
        (
            "urn:test:ur:1",
            "ur",
            "دہلی میں سردی",
            "نئی دہلی، 5 دسمبر (یو این آئی) سردی بڑھ گئی۔",
        ),
    ] {
        let mut story = wiredesk_model::testing::story(uri, headline, body, at);
        story.language = Some(language.into());
        paths.push(crate::pages::story_url(&story));
        publish(store.as_ref(), story, at).await;
    }
    let state = AppState::new(store, index, Default::default(), SiteConfig::default()).unwrap();
    caught_up(&state).await;
    let (status, _, hindi) = get_page(&state, &paths[0], "identity").await;
    assert_eq!(status, 200);
    assert!(hindi.contains(r#"<h1 id="headline" lang="hi">"#), "{hindi}");
    assert!(
        hindi.contains(r#"id="story-body" class="story-body" lang="hi">"#),
        "{hindi}"
    );
    // The page around the story is the site's.
    assert!(hindi.contains(r#"<html lang="en" dir="ltr">"#));
    let (_, _, urdu) = get_page(&state, &paths[1], "identity").await;
    assert!(urdu.contains(r#"lang="ur" dir="rtl">"#), "{urdu}");
}

#[tokio::test]
async fn a_hindi_site_speaks_hindi_on_every_page_and_an_urdu_one_right_to_left() {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::in_memory().await.unwrap());
    let index = Arc::new(SearchIndex::in_memory().unwrap());
    let at = now() - 1.hours();
    // Mixed scripts and a joiner (ZWNJ after the virama of "क्‌या"): copy as sent.
    let headline = "IPL 2026: Mumbai Indians ने जीता पहला मैच, क्\u{200C}या बोले कप्तान";
    let mut story = wiredesk_model::testing::story(
        "urn:test:hi:mixed",
        headline,
        "मुंबई, 5 दिसंबर (आईएएनएस)। Mumbai Indians ने Chennai को हराया। कप्तान ने कहा कि जीत टीम की है।",
        at,
    );
    story.language = Some("hi".into());
    let path = crate::pages::story_url(&story);
    let id = story.id.clone();
    publish(store.as_ref(), story, at).await;
    index
        .upsert(&store.story(&id).await.unwrap().unwrap())
        .unwrap();
    index.commit().unwrap();
    let slug = path.rsplit('/').next().unwrap();
    assert!(
        slug.is_ascii() && slug.contains("mumbai-indians") && !slug.ends_with("-story"),
        "{path}"
    );
    let hindi = SiteConfig {
        name: "समाचार <दैनिक>".into(),
        language: "hi".into(),
        ..SiteConfig::default()
    };
    let state = AppState::new(store.clone(), index.clone(), Default::default(), hindi).unwrap();
    caught_up(&state).await;
    let english_words = [
        "Latest from the wire",
        "Hot this week",
        "Related Articles",
        "Read More",
        "Published:",
        "Sections",
        "Search the wire",
        "no editing has been done",
        "There is no story",
    ];
    for page in [
        "/",
        path.as_str(),
        "/about",
        "/search?q=Mumbai",
        "/latest?page=1",
        "/no-such-page",
    ] {
        let (status, _, html) = get_page(&state, page, "identity").await;
        assert!(
            status == 200 || status == 308 || status == 404,
            "{page}: {status}"
        );
        if status == 308 {
            continue;
        }
        assert!(html.contains(r#"<html lang="hi" dir="ltr">"#), "{page}");
        for w in english_words {
            assert!(!html.contains(w), "{page} still says {w:?}");
        }
        assert!(
            html.contains("शीर्षक के अलावा समाचार &#60;दैनिक&#62; ने"),
            "{page}: the Hindi disclaimer, the name escaped"
        );
        assert!(
            !html.contains('\u{2068}'),
            "{page}: Fluent's isolation marks"
        );
    }
    let (_, _, article) = get_page(&state, &path, "identity").await;
    assert!(
        article.contains("क्\u{200C}या"),
        "the joiner is kept in the copy"
    );
    assert!(article.contains("संबंधित ख़बरें") && article.contains("प्रकाशित:"));
    let month = ["नवंबर", "दिसंबर", "जनवरी"];
    assert!(month.iter().any(|m| article.contains(m)), "a Hindi date");
    let (_, _, search) = get_page(&state, "/search?q=Mumbai", "identity").await;
    assert!(search.contains("1 परिणाम"), "{search}");
    let (_, _, rss) = get_page(&state, "/feed.xml", "identity").await;
    assert!(rss.contains("<language>hi</language>"), "{rss}");
    assert!(rss.contains("की ताज़ा ख़बरें"), "{rss}");

    let urdu = SiteConfig {
        language: "ur".into(),
        ..SiteConfig::default()
    };
    let state = AppState::new(store, index, Default::default(), urdu).unwrap();
    caught_up(&state).await;
    let (_, _, home) = get_page(&state, "/", "identity").await;
    assert!(home.contains(r#"<html lang="ur" dir="rtl">"#));
    assert!(home.contains("وائر سے تازہ ترین خبریں"), "{home}");
    // A message Urdu lacks falls back to English, never to its id.
    assert!(home.contains("Agency copy published by Wiredesk"), "{home}");
    assert!(!home.contains(">footer-line<"), "{home}");

    let klingon = SiteConfig {
        language: "tlh".into(),
        ..SiteConfig::default()
    };
    let store: Arc<dyn Store> = Arc::new(SqliteStore::in_memory().await.unwrap());
    let err = AppState::new(
        store,
        Arc::new(SearchIndex::in_memory().unwrap()),
        Default::default(),
        klingon,
    )
    .err()
    .expect("a language without a catalogue is refused");
    assert!(err.to_string().contains("tlh"), "{err}");
}
