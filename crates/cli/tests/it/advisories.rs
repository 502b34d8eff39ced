//! Copy not for publication (an agency's "Achtung" note by its genre, plain copy that says
//! "nicht zur Veröffentlichung") never reaches a reader, even with `auto_publish` and a rule
//! that publishes everything: it waits on the desk, labelled an advisory, with its reason.

use std::time::Duration;

use crate::common::{
    Server, desk_session, drop_file, eventually, files_under, get_text, http, ninjs_story,
    unique_word,
};
use wiredesk_model::StoryId;

#[tokio::test]
async fn advisories_wait_on_the_desk_with_their_reason_and_never_reach_readers() {
    let server = Server::serve_with_config(
        "[site]\nname = \"Advisory Times\"\n[ingest]\nauto_publish = true\n\
         [[ingest.rules]]\naction = \"publish\"\n",
    );
    server.add_user("asha", "editor", "editor-password-1");
    let client = http();
    let (genre_word, copy_word, news_word) = (
        unique_word("achtung"),
        unique_word("vorab"),
        unique_word("news"),
    );
    let made = (jiff::Timestamp::now() - jiff::SignedDuration::from_mins(1))
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    // Written for this test after digitalwires' structure: a planning note by its genre.
    let genre_uri = format!("urn:newsml:wire.example:{genre_word}");
    let by_genre = format!(
        r#"{{"format": "digitalwires@0.9.1", "type": "text", "urn": "{genre_uri}",
 "entry_id": "e-{genre_word}", "version": 1, "pubstatus": "usable",
 "version_created": "{made}", "language": "de",
 "headline": "Lesestücke {genre_word} bleiben aktuell",
 "article_html": "<section class=\"main\"><p>Die Redaktion weist auf folgende Stücke hin.</p></section>",
 "categories": [{{"type": "dnltype:genre", "name": "Achtung", "qcode": "dpatextgenre:27"}}]}}"#
    );
    drop_file(&server.inbox(), "achtung.json", by_genre.as_bytes());
    // Plain copy with nothing but its words.
    let by_copy = format!(
        "Terminvorschau {copy_word} für Montag\n\nNICHT ZUR VERÖFFENTLICHUNG BESTIMMT\n\n\
         BERLIN, 30. Nov (WDN) - Die Korrespondenten berichten vom Parteitag ab 10.00 Uhr.\n"
    );
    drop_file(&server.inbox(), "termine.txt", by_copy.as_bytes());
    let news_uri = format!("urn:test:{news_word}");
    drop_file(
        &server.inbox(),
        "news.json",
        &ninjs_story(
            &news_uri,
            1,
            "WDN",
            &format!("Harbour {news_word} reopens"),
            "PORTO, Nov 30 (WDN) - The harbour reopened on Monday.",
            "",
        ),
    );
    eventually(
        Duration::from_secs(30),
        "the inbox took all three files",
        || {
            let archive = server.archive();
            async move { (files_under(&archive).len() == 3).then_some(()) }
        },
    )
    .await;
    let news_id = StoryId::for_uri(&news_uri);
    eventually(Duration::from_secs(20), "the news is live", || {
        let (client, url) = (&client, server.url(&format!("/api/v1/stories/{news_id}")));
        async move { (get_text(client, &url).await.0 == 200).then_some(()) }
    })
    .await;

    // Nothing of the advisories on the site, the API or the feeds.
    let genre_id = StoryId::for_uri(&genre_uri);
    let (status, _) = get_text(&client, &server.url(&format!("/api/v1/stories/{genre_id}"))).await;
    assert_ne!(status, 200, "the advisory is not in the API");
    for path in [
        "/",
        "/api/v1/stories",
        "/feed.xml",
        "/atom.xml",
        "/feed.json",
    ] {
        let (status, body) = eventually(Duration::from_secs(10), "the news on the surface", || {
            let (client, url) = (&client, server.url(path));
            let news_word = news_word.clone();
            async move {
                let (status, body) = get_text(client, &url).await;
                body.contains(&news_word).then_some((status, body))
            }
        })
        .await;
        assert_eq!(status, 200, "{path}");
        for word in [&genre_word, &copy_word] {
            assert!(
                !body.contains(word.as_str()),
                "{path} shows the advisory {word}"
            );
        }
    }

    // On the desk: held, labelled an advisory, with the reason.
    let cookie = desk_session(&server, "asha", "editor-password-1").await;
    let desk = |path: String| {
        let client = client.clone();
        let cookie = cookie.clone();
        let url = server.url(&path);
        async move {
            let r = client
                .get(url)
                .header(reqwest::header::COOKIE, cookie)
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let (status, queue) = desk("/desk?status=held".into()).await;
    assert_eq!(status, 200);
    for word in [&genre_word, &copy_word] {
        assert!(
            queue.contains(word.as_str()),
            "the queue lists {word}: {queue}"
        );
    }
    assert!(!queue.contains(news_word.as_str()), "the news is not held");
    assert!(queue.contains("status-advisory"), "{queue}");
    assert!(queue.contains("a note to editors"), "{queue}");
    assert!(queue.contains("nicht zur Veröffentlichung"), "{queue}");
    // Listed on their own, and counted beside the statuses.
    let (_, advisories) = desk("/desk?advisories=1".into()).await;
    for word in [&genre_word, &copy_word] {
        assert!(advisories.contains(word.as_str()), "{advisories}");
    }
    assert!(!advisories.contains(news_word.as_str()));
    assert!(
        advisories.contains("advisories <span class=\"n\">2</span>")
            && advisories.contains("live <span class=\"n\">1</span>")
            && advisories.contains("held <span class=\"n\">2</span>"),
        "{advisories}"
    );
    let (status, page) = desk(format!("/desk/story/{genre_id}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("Advisory, not for publication"), "{page}");
    assert!(page.contains("dpatextgenre:27"), "{page}");
    assert!(page.contains(">held<"), "{page}");
}
