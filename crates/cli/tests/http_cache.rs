//! HTTP caching as a CDN and a browser see it: validators with 304s, a policy per surface,
//! surrogate keys to purge exactly what changed, and negotiated compression.

mod common;

use common::{Server, http};
use reqwest::StatusCode;
use reqwest::header::{
    CACHE_CONTROL, CONTENT_ENCODING, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
};

async fn first_story_path(server: &Server) -> String {
    let home = http()
        .get(server.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let start = home
        .find("href=\"/story/")
        .expect("a story link on the home page")
        + 6;
    let end = start + home[start..].find('"').unwrap();
    home[start..end].to_string()
}

#[tokio::test]
async fn pages_answer_304_when_the_browser_already_has_them() {
    let server = Server::demo();
    let path = first_story_path(&server).await;
    for url in [
        server.url("/"),
        server.url(&path),
        server.url("/api/v1/stories?limit=3"),
    ] {
        let first = http().get(&url).send().await.unwrap();
        assert_eq!(first.status(), StatusCode::OK);
        let etag = first
            .headers()
            .get(ETAG)
            .expect("an ETag")
            .to_str()
            .unwrap()
            .to_string();
        let again = http()
            .get(&url)
            .header(IF_NONE_MATCH, &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{url}");
        assert!(again.bytes().await.unwrap().is_empty());
        let other = http()
            .get(&url)
            .header(IF_NONE_MATCH, "W/\"not-it\"")
            .send()
            .await
            .unwrap();
        assert_eq!(other.status(), StatusCode::OK, "{url}");
    }
    let article = http().get(server.url(&path)).send().await.unwrap();
    let modified = article
        .headers()
        .get(LAST_MODIFIED)
        .expect("Last-Modified on an article")
        .clone();
    let since = http()
        .get(server.url(&path))
        .header(IF_MODIFIED_SINCE, modified)
        .send()
        .await
        .unwrap();
    assert_eq!(since.status(), StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn each_surface_has_its_cache_policy_and_purge_keys() {
    let server = Server::demo();
    let path = first_story_path(&server).await;
    let id = path.split('/').nth(2).unwrap().to_string();
    let header = |r: &reqwest::Response, name: &str| {
        r.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    let article = http().get(server.url(&path)).send().await.unwrap();
    let keys = header(&article, "surrogate-key");
    assert!(
        keys.split(' ').any(|k| k == format!("story-{id}")),
        "{keys}"
    );
    assert!(keys.split(' ').any(|k| k.starts_with("agency-")), "{keys}");
    assert!(
        keys.split(' ').filter(|k| k.starts_with("story-")).count() > 1,
        "side-list stories too: {keys}"
    );
    assert!(header(&article, CACHE_CONTROL.as_str()).contains("must-revalidate"));
    let css = http()
        .get(server.url("/static/site.css"))
        .send()
        .await
        .unwrap();
    assert!(header(&css, CACHE_CONTROL.as_str()).contains("max-age=3600"));
    let topic = http().get(server.url("/topic/india")).send().await.unwrap();
    assert!(header(&topic, "surrogate-key").contains("topic-india"));
}

#[tokio::test]
async fn compression_is_negotiated() {
    let server = Server::demo();
    // The test client has no decompression built in, so it sees the encoding as sent.
    let plain = http();
    for (accept, expected) in [("br", "br"), ("gzip", "gzip")] {
        let r = plain
            .get(server.url("/"))
            .header("accept-encoding", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.headers()
                .get(CONTENT_ENCODING)
                .map(|v| v.to_str().unwrap()),
            Some(expected)
        );
    }
    let identity = plain.get(server.url("/")).send().await.unwrap();
    assert!(identity.headers().get(CONTENT_ENCODING).is_none());
}
