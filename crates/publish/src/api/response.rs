//! The API's responses: RFC 9457 problems, the errors that become them, and strong ETags with
//! `Cache-Control` (304 when the client already holds the bytes).
//! Must not: choose what is listed; it only shapes what the handlers hand it.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::CACHE_CONTROL;

/// A problem response (RFC 9457). `param` names the query parameter at fault and why.
pub(super) fn problem(status: StatusCode, detail: &str, param: Option<(&str, &str)>) -> Response {
    let mut body = json!({
        "type": "about:blank",
        "title": status.canonical_reason().unwrap_or("Error"),
        "status": status.as_u16(),
        "detail": detail,
    });
    if let Some((name, reason)) = param {
        body["invalid-params"] = json!([{"name": name, "reason": reason}]);
    }
    let cache = if status == StatusCode::NOT_FOUND {
        CACHE_CONTROL
    } else {
        "no-store"
    };
    (
        status,
        [
            (header::CONTENT_TYPE, "application/problem+json"),
            (header::CACHE_CONTROL, cache),
        ],
        body.to_string(),
    )
        .into_response()
}

/// Why a request is not answered with what it asked for.
#[derive(Debug)]
pub(super) enum ApiError {
    /// A query parameter is unknown, repeated or has a value the API does not take.
    Param {
        name: String,
        reason: String,
    },
    /// The query string cannot be read at all.
    Query(String),
    NotFound,
    Unavailable,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::Param { name, reason } => problem(
                StatusCode::BAD_REQUEST,
                &format!("query parameter `{name}`: {reason}"),
                Some((&name, &reason)),
            ),
            ApiError::Query(why) => problem(
                StatusCode::BAD_REQUEST,
                &format!("the query string cannot be read: {why}"),
                None,
            ),
            ApiError::NotFound => problem(StatusCode::NOT_FOUND, "no such story", None),
            ApiError::Unavailable => problem(
                StatusCode::SERVICE_UNAVAILABLE,
                "temporarily unavailable",
                None,
            ),
        }
    }
}

pub(super) fn bad_param(name: &str, reason: impl Into<String>) -> ApiError {
    ApiError::Param {
        name: name.to_string(),
        reason: reason.into(),
    }
}

pub(super) fn unavailable(what: &str, e: impl std::fmt::Display) -> ApiError {
    tracing::error!("{what}: {e}");
    ApiError::Unavailable
}

/// Does `If-None-Match` name `etag` (or `*`)? Weak comparison, as RFC 9110 asks for it.
pub(super) fn none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}

/// `body` with a strong ETag (a hash of the exact bytes sent) and `Cache-Control`, or 304 Not
/// Modified when the client already holds those bytes.
pub(super) fn with_etag(
    headers: &HeaderMap,
    content_type: &'static str,
    body: Vec<u8>,
    cache_control: &'static str,
) -> Response {
    let digest = Sha256::digest(&body);
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    let etag = format!("\"{hex}\"");
    let etag_value = HeaderValue::from_str(&etag).expect("a quoted hex string is a header value");
    if none_match(headers, &etag) {
        return (
            StatusCode::NOT_MODIFIED,
            [
                (header::ETAG, etag_value),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static(cache_control),
                ),
            ],
        )
            .into_response();
    }
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::ETAG, etag_value),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static(cache_control),
            ),
        ],
        body,
    )
        .into_response()
}

pub(super) fn json_with_etag(headers: &HeaderMap, body: &Value) -> Response {
    let bytes = serde_json::to_vec(body).expect("a JSON value always serializes");
    with_etag(headers, "application/json", bytes, CACHE_CONTROL)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_compares_weakly_and_takes_lists() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"x\", W/\"abc\""),
        );
        assert!(none_match(&headers, "\"abc\""));
        assert!(!none_match(&headers, "\"abd\""));
        headers.insert(header::IF_NONE_MATCH, HeaderValue::from_static("*"));
        assert!(none_match(&headers, "\"anything\""));
    }
}
