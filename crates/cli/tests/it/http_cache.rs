//! HTTP caching as a CDN and a browser see it: validators with 304s, a policy per surface,
//! surrogate keys to purge exactly what changed, and negotiated compression; and the
//! security headers that travel with every answer.

use crate::common::{Server, get_typed, http};
use reqwest::StatusCode;
use reqwest::header::{
    CACHE_CONTROL, CONTENT_ENCODING, CONTENT_SECURITY_POLICY, CONTENT_TYPE, ETAG,
    IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};

async fn first_story_path(server: &Server) -> String {
    let (_, _, home) = get_typed(&http(), &server.url("/")).await;
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
    // Not its agency's or topics' keys: every new story from them would drop it.
    assert!(
        !keys
            .split(' ')
            .any(|k| k.starts_with("agency-") || k.starts_with("topic-")),
        "{keys}"
    );
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

fn header_text(r: &reqwest::Response, name: &reqwest::header::HeaderName) -> String {
    r.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn every_reader_surface_carries_the_security_headers() {
    let server = Server::demo();
    let article = first_story_path(&server).await;
    let pages = ["/", article.as_str(), "/topic/india", "/search?q=india"];
    let others = [
        "/feed.xml",
        "/feed.json",
        "/api/v1/stories?limit=2",
        "/sitemap.xml",
        "/static/site.css",
        "/favicon.ico",
        "/no-such-page",
    ];
    for path in pages.iter().chain(&others) {
        let r = http().get(server.url(path)).send().await.unwrap();
        assert_eq!(
            header_text(&r, &X_CONTENT_TYPE_OPTIONS),
            "nosniff",
            "{path}"
        );
        let csp = header_text(&r, &CONTENT_SECURITY_POLICY);
        for directive in [
            "script-src 'self'",
            "style-src 'self'",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.split("; ").any(|d| d == directive), "{path}: {csp}");
        }
        assert_eq!(
            header_text(&r, &REFERRER_POLICY),
            "strict-origin-when-cross-origin",
            "{path}"
        );
        assert_eq!(header_text(&r, &X_FRAME_OPTIONS), "DENY", "{path}");
        assert!(
            r.headers().get(STRICT_TRANSPORT_SECURITY).is_none(),
            "{path}: HSTS on a site served over http"
        );
        if *path == "/favicon.ico" {
            assert_eq!(r.status(), StatusCode::OK);
            assert_eq!(header_text(&r, &CONTENT_TYPE), "image/x-icon");
            assert!(
                r.bytes().await.unwrap().starts_with(&[0, 0, 1, 0]),
                "an ICO file"
            );
        }
    }
    // The pages need nothing that policy refuses: no inline style, no script but JSON-LD.
    for path in pages {
        let (_, _, html) = get_typed(&http(), &server.url(path)).await;
        assert!(
            !html.contains("<style") && !html.contains(" style="),
            "{path}"
        );
        let scripts = html.matches("<script").count();
        let data = html
            .matches("<script type=\"application/ld+json\">")
            .count();
        assert_eq!(scripts, data, "{path} runs a script");
    }
}

#[tokio::test]
async fn hsts_is_sent_only_when_the_site_is_https() {
    let server = Server::serve_with_config("[site]\nbase_url = \"https://news.example\"\n");
    for path in ["/", "/feed.xml", "/api/v1/stories", "/favicon.ico"] {
        let r = http().get(server.url(path)).send().await.unwrap();
        assert_eq!(
            header_text(&r, &STRICT_TRANSPORT_SECURITY),
            "max-age=31536000",
            "{path}"
        );
    }
}
