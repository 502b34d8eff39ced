//! Clusters end to end against the real binary: the same copy from two agencies is one entry
//! on the home page with a "full coverage" page listing both, an unrelated story stays
//! alone, and a kill takes its report out of the coverage page at once.

use std::time::Duration;

use crate::common::{
    Server, drop_file, eventually, get_typed as get, http, ninjs_story, unique_word,
};

const INGEST: Duration = Duration::from_secs(20);

#[tokio::test]
async fn the_same_copy_from_two_agencies_is_one_entry_with_full_coverage() {
    let server = Server::serve_with_config("");
    let client = http();
    let marker = unique_word("quake");
    let copy = format!(
        "A strong earthquake struck the {marker} region early on Monday, damaging old buildings \
         and cutting power to several towns, the national seismology centre said. Rescue teams \
         were sent from the capital and hospitals were told to prepare for casualties, while \
         schools in the area were closed for the day as engineers checked the buildings."
    );
    let first = ninjs_story(
        "urn:test:pti:quake",
        1,
        "PTI",
        &format!("Earthquake hits {marker} region"),
        &copy,
        "",
    );
    let second = ninjs_story(
        "urn:test:ians:quake",
        1,
        "IANS",
        &format!("Strong quake jolts {marker}"),
        &format!("{copy} No deaths had been reported by noon."),
        "",
    );
    let other = ninjs_story(
        "urn:test:pti:budget",
        1,
        "PTI",
        "Budget session to open next week",
        "Parliament's budget session will open next week with the finance minister's speech, \
         officials said on Monday, and is expected to run until the end of March.",
        "",
    );
    drop_file(&server.inbox(), "pti-quake.json", &first);
    drop_file(&server.inbox(), "ians-quake.json", &second);
    drop_file(&server.inbox(), "pti-budget.json", &other);

    let home = eventually(INGEST, "all three stories on the home page", || async {
        let (_, _, html) = get(&client, &server.url("/")).await;
        (html.contains("Budget session") && html.contains("Full coverage (2 reports)"))
            .then_some(html)
    })
    .await;
    let quake_entries = home.matches(&format!("quake jolts {marker}")).count()
        + home.matches(&format!("hits {marker} region")).count();
    assert!(quake_entries > 0, "{home}");
    assert!(
        !(home.contains(&format!("quake jolts {marker}"))
            && home.contains(&format!("hits {marker} region"))),
        "both reports listed as rival stories: {home}"
    );
    let coverage_href = home
        .split("class=\"coverage\" href=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a coverage link")
        .to_string();
    assert!(coverage_href.starts_with("/coverage/"), "{coverage_href}");

    let (status, _, page) = get(&client, &server.url(&coverage_href)).await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains(&format!("Earthquake hits {marker} region")),
        "{page}"
    );
    assert!(
        page.contains(&format!("Strong quake jolts {marker}")),
        "{page}"
    );
    assert!(!page.contains("Budget session"), "{page}");

    // The agency kills its report: the coverage page keeps only the other one.
    let kill = String::from_utf8(ninjs_story(
        "urn:test:pti:quake",
        2,
        "PTI",
        &format!("Earthquake hits {marker} region"),
        &copy,
        "",
    ))
    .unwrap()
    .replace("\"pubstatus\": \"usable\"", "\"pubstatus\": \"canceled\"");
    drop_file(&server.inbox(), "pti-quake-kill.json", kill.as_bytes());
    eventually(
        INGEST,
        "the killed report off the coverage page",
        || async {
            let (_, _, page) = get(&client, &server.url(&coverage_href)).await;
            (!page.contains(&format!("Earthquake hits {marker} region"))
                && page.contains(&format!("Strong quake jolts {marker}")))
            .then_some(())
        },
    )
    .await;
    // The home page is cached; the kill reaches it within the log follower's interval.
    eventually(
        INGEST,
        "the home page without the killed report",
        || async {
            let (_, _, home) = get(&client, &server.url("/")).await;
            (!home.contains("Full coverage (2 reports)")
                && !home.contains(&format!("Earthquake hits {marker} region"))
                && home.contains(&format!("Strong quake jolts {marker}")))
            .then_some(())
        },
    )
    .await;
}
