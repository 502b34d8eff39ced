//! Clusters end to end against the real binary: the same copy from two agencies, and reports
//! of one event in different words, are one entry on the home page with a "full coverage"
//! page listing them (copies once); another event on the same topic stays alone, and a kill
//! takes its report out of the coverage page at once.

use std::time::Duration;

use crate::common::{
    Server, drop_file, eventually, get_typed as get, http, ninjs_story, unique_word,
};

const INGEST: Duration = Duration::from_secs(20);

/// The first "Full coverage" link on a page.
fn first_coverage_link(html: &str) -> String {
    html.split("class=\"coverage\" href=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a coverage link")
        .to_string()
}

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
    let coverage_href = first_coverage_link(&home);
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

#[tokio::test]
async fn one_event_in_three_wordings_is_one_entry_headed_by_its_fullest_report() {
    let server = Server::serve_with_config("");
    let client = http();
    // A town no corpus knows, capitalised as a name is.
    let town = {
        let w = unique_word("Quake");
        format!("Q{}", &w[1..])
    };
    let pti = format!(
        "A magnitude 6.4 earthquake struck {town} in the Kutch district of Gujarat on \
         Tuesday, killing four people and damaging hundreds of houses, officials said. The \
         National Disaster Response Force sent two teams to the town."
    );
    let reuters = format!(
        "Rescuers searched collapsed homes in {town} after a 6.4 magnitude quake killed four \
         people in Gujarat's Kutch district, the state's relief commissioner said. The \
         National Disaster Response Force said its teams had pulled six people alive from \
         the rubble. Power was cut across the district and schools were shut for the week \
         while engineers inspected their buildings, and the state government promised \
         compensation to the families of the dead."
    );
    let elsewhere = "A magnitude 5.2 earthquake shook Sikkim's Gangtok on Tuesday, cracking \
                     walls and sending residents into the streets, the state's disaster \
                     management authority said. No one was hurt.";
    let stories = [
        (
            "pti-kutch.json",
            "urn:test:pti:kutch",
            "PTI",
            format!("Quake kills four in {town}, Gujarat"),
            pti.clone(),
        ),
        (
            "reuters-kutch.json",
            "urn:test:reuters:kutch",
            "Reuters",
            format!("Rescuers search rubble after deadly {town} quake"),
            reuters,
        ),
        (
            "ians-kutch.json",
            "urn:test:ians:kutch",
            "IANS",
            format!("Four dead as earthquake hits {town}"),
            pti,
        ),
        (
            "pti-sikkim.json",
            "urn:test:pti:sikkim",
            "PTI",
            "Quake jolts Gangtok, walls cracked".to_string(),
            elsewhere.to_string(),
        ),
    ];
    for (file, uri, agency, headline, body) in &stories {
        drop_file(
            &server.inbox(),
            file,
            &ninjs_story(uri, 1, agency, headline, body, ""),
        );
    }
    let home = eventually(
        INGEST,
        "the event and the other quake on the home page",
        || async {
            let (_, _, html) = get(&client, &server.url("/")).await;
            (html.contains("Quake jolts Gangtok") && html.contains("Full coverage (3 reports)"))
                .then_some(html)
        },
    )
    .await;
    // The lead and Latest: the home page's own list (Hot is another matter).
    let latest = home
        .split("class=\"primary\"")
        .nth(1)
        .and_then(|rest| rest.split("<aside").next())
        .expect("the primary column");
    let shown: Vec<&str> = stories[..3]
        .iter()
        .map(|s| s.3.as_str())
        .filter(|h| latest.contains(*h))
        .collect();
    assert_eq!(
        shown,
        [format!("Rescuers search rubble after deadly {town} quake")],
        "one entry, headed by the fullest report: {home}"
    );
    assert_eq!(latest.matches("Full coverage (").count(), 1, "{home}");

    let coverage_href = first_coverage_link(&home);
    let (status, _, page) = get(&client, &server.url(&coverage_href)).await;
    assert_eq!(status, 200, "{page}");
    assert!(!page.contains("Gangtok"), "another event: {page}");
    // The PTI copy that IANS ran too is one entry naming both.
    let copies = stories[0].3.as_str();
    let twin = stories[2].3.as_str();
    assert!(
        page.contains(&format!("Rescuers search rubble after deadly {town} quake")),
        "{page}"
    );
    let entries = |headline: &str| page.matches(&format!("{headline}</a></h3>")).count();
    assert_eq!(
        entries(copies) + entries(twin),
        1,
        "one entry for the copy: {page}"
    );
    assert!(page.contains("Same report also from"), "{page}");
}
