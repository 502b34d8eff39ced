//! HTTP caching for every surface: validators and 304s, Cache-Control per surface, and
//! `Surrogate-Key` headers so a CDN can purge exactly what a change touched.
//!
//! Owns: the one middleware that all responses pass through. Handlers may set a
//! `Surrogate-Key` header of their own (an article names its story, agency and topics, and
//! every story in its side lists); this layer adds the keys that follow from the path.
//! Must not: decide what is live. Validators are computed from the body actually sent, so a
//! kill changes them at once.

use axum::body::{Body, HttpBody, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

pub const SURROGATE_KEY: &str = "surrogate-key";

/// Larger bodies are passed through without a validator rather than buffered.
pub(crate) const MAX_BUFFERED: usize = 8 * 1024 * 1024;

/// What kind of surface a path is, for its caching policy.
#[derive(Debug, PartialEq, Eq)]
enum Surface {
    Static,
    Api,
    Feed,
    Crawler,
    Page,
    Health,
}

fn surface(path: &str) -> Surface {
    if path.starts_with("/static/") {
        Surface::Static
    } else if path.starts_with("/api/") {
        Surface::Api
    } else if path.ends_with("/feed.xml")
        || path.ends_with("/atom.xml")
        || path.ends_with("/feed.json")
    {
        Surface::Feed
    } else if path == "/robots.txt" || path.starts_with("/sitemap") {
        Surface::Crawler
    } else if path == "/healthz" || path == "/metrics" {
        Surface::Health
    } else {
        Surface::Page
    }
}

fn cache_control(surface: &Surface) -> &'static str {
    match surface {
        // Unversioned URLs: an hour bounds how long a new stylesheet takes to reach readers.
        Surface::Static => "public, max-age=3600",
        // Browsers revalidate every time (a 304 is cheap); shared caches keep a page for a
        // minute unless the purge hook drops it sooner.
        Surface::Page => "public, max-age=0, must-revalidate, s-maxage=60",
        Surface::Feed => "public, max-age=60",
        Surface::Crawler => "public, max-age=300",
        Surface::Api => "public, max-age=30",
        Surface::Health => "no-store",
    }
}

/// Keys that follow from the path alone.
pub(crate) fn path_keys(path: &str) -> Vec<String> {
    keys_for(path, &surface(path))
}

fn keys_for(path: &str, surface: &Surface) -> Vec<String> {
    let mut keys = Vec::new();
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    match parts.as_slice() {
        ["story", id, ..] => keys.push(format!("story-{id}")),
        ["topic", slug, ..] => keys.push(format!("topic-{slug}")),
        ["agency", slug, ..] => keys.push(format!("agency-{slug}")),
        // Latest's older pages are the home page's list continued: what moves one moves them.
        [""] | ["latest"] => keys.push("home".into()),
        _ => {}
    }
    match surface {
        Surface::Page => keys.push("pages".into()),
        Surface::Feed => keys.push("feeds".into()),
        Surface::Crawler => keys.push("sitemaps".into()),
        Surface::Api => keys.push("api".into()),
        Surface::Static | Surface::Health => {}
    }
    keys
}

/// Name `keys` and the keys `headers` already carry in its `Surrogate-Key`, sorted and each
/// once; returns them.
pub(crate) fn add_surrogate_keys(headers: &mut HeaderMap, mut keys: Vec<String>) -> Vec<String> {
    if let Some(own) = headers.get(SURROGATE_KEY).and_then(|v| v.to_str().ok()) {
        keys.extend(own.split_whitespace().map(str::to_string));
    }
    keys.sort();
    keys.dedup();
    if let (false, Ok(v)) = (keys.is_empty(), HeaderValue::from_str(&keys.join(" "))) {
        headers.insert(SURROGATE_KEY, v);
    }
    keys
}

/// `"abc"`, `W/"abc"` → `abc`: the weak comparison RFC 9110 asks for with If-None-Match.
fn opaque(tag: &str) -> &str {
    tag.trim().trim_start_matches("W/").trim_matches('"')
}

fn none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == "*" || opaque(t) == opaque(etag))
}

fn not_modified_since(headers: &HeaderMap, last_modified: Option<&HeaderValue>) -> bool {
    if headers.contains_key(header::IF_NONE_MATCH) {
        return false; // If-None-Match wins when both are sent.
    }
    let (Some(since), Some(modified)) = (
        headers
            .get(header::IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok()),
        last_modified.and_then(|v| v.to_str().ok()),
    ) else {
        return false;
    };
    let parse = |s: &str| jiff::fmt::rfc2822::parse(s).ok().map(|z| z.timestamp());
    matches!((parse(since), parse(modified)), (Some(s), Some(m)) if m <= s)
}

pub async fn layer(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let request_headers = request.headers().clone();
    let response = next.run(request).await;
    if !(method == Method::GET || method == Method::HEAD) {
        return response;
    }
    let surface = surface(&path);
    let (mut parts, body) = response.into_parts();
    add_surrogate_keys(&mut parts.headers, keys_for(&path, &surface));
    if !parts.headers.contains_key(header::CACHE_CONTROL) {
        parts.headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache_control(&surface)),
        );
    }
    if parts.status != StatusCode::OK {
        // A handler's own 304 carries its tag; weaken it as below so both answers agree.
        let weak = parts
            .headers
            .get(header::ETAG)
            .and_then(|v| v.to_str().ok())
            .and_then(|tag| HeaderValue::from_str(&format!("W/\"{}\"", opaque(tag))).ok());
        if let Some(v) = weak {
            parts.headers.insert(header::ETAG, v);
        }
        return Response::from_parts(parts, body);
    }
    // A body known to be larger is sent as it is; reading it first would leave nothing to send.
    if body.size_hint().lower() > MAX_BUFFERED as u64 {
        return Response::from_parts(parts, body);
    }
    let bytes = match to_bytes(body, MAX_BUFFERED).await {
        Ok(b) => b,
        Err(_) => {
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                "response too large to send",
            )
                .into_response();
        }
    };
    // Weak: compression in front of this layer sends other bytes for the same content.
    let etag = match parts
        .headers
        .get(header::ETAG)
        .and_then(|v| v.to_str().ok())
    {
        Some(tag) => format!("W/\"{}\"", opaque(tag)),
        None => format!("W/\"{}\"", content_tag(&bytes)),
    };
    if let Ok(v) = HeaderValue::from_str(&etag) {
        parts.headers.insert(header::ETAG, v);
    }
    if none_match(&request_headers, &etag)
        || not_modified_since(&request_headers, parts.headers.get(header::LAST_MODIFIED))
    {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_LENGTH);
        parts.headers.remove(header::CONTENT_TYPE);
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The opaque part of an ETag for `body`: a prefix of its SHA-256.
pub(crate) fn content_tag(body: &[u8]) -> String {
    Sha256::digest(body)[..12]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_surface_gets_its_own_policy_and_keys() {
        assert_eq!(surface("/topic/india/feed.xml"), Surface::Feed);
        assert_eq!(surface("/sitemaps/stories-1.xml"), Surface::Crawler);
        assert_eq!(surface("/story/abc/slug"), Surface::Page);
        assert_eq!(path_keys("/story/abc/slug"), ["story-abc", "pages"]);
        assert_eq!(path_keys("/topic/india/feed.xml"), ["topic-india", "feeds"]);
        assert_eq!(path_keys("/"), ["home", "pages"]);
        assert_eq!(path_keys("/latest"), ["home", "pages"], "Latest continued");
    }

    #[test]
    fn if_none_match_compares_weakly_and_accepts_lists() {
        let mut h = HeaderMap::new();
        h.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"zzz\", W/\"abc\""),
        );
        assert!(none_match(&h, "W/\"abc\""));
        assert!(none_match(&h, "\"abc\""));
        assert!(!none_match(&h, "W/\"abd\""));
    }

    #[test]
    fn if_modified_since_yields_to_if_none_match() {
        let lm = HeaderValue::from_static("Sat, 28 Nov 2026 08:00:00 GMT");
        let mut h = HeaderMap::new();
        h.insert(
            header::IF_MODIFIED_SINCE,
            HeaderValue::from_static("Sat, 28 Nov 2026 09:00:00 GMT"),
        );
        assert!(not_modified_since(&h, Some(&lm)));
        h.insert(
            header::IF_MODIFIED_SINCE,
            HeaderValue::from_static("Sat, 28 Nov 2026 07:00:00 GMT"),
        );
        assert!(!not_modified_since(&h, Some(&lm)));
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"x\""));
        h.insert(
            header::IF_MODIFIED_SINCE,
            HeaderValue::from_static("Sat, 28 Nov 2026 09:00:00 GMT"),
        );
        assert!(!not_modified_since(&h, Some(&lm)));
    }
}
