//! Bearer tokens (`Authorization: Bearer TOKEN`) for machines: agencies pushing copy and
//! scrapers reading `/metrics`. Each token opens one scope (`TokenScope`); only its SHA-256
//! digest is stored.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use wiredesk_store::accounts::{Accounts, TokenScope};

use crate::auth::token_digest;

/// The token in `Authorization`; the scheme's name is matched without regard to case
/// (RFC 7235), so `bearer` and `BEARER` count.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim_start().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// A JSON refusal; a 401 says which scheme is wanted.
pub fn refuse(status: StatusCode, realm: &'static str, reason: &str) -> Response {
    let mut response = (status, axum::Json(json!({ "error": reason }))).into_response();
    if status == StatusCode::UNAUTHORIZED {
        let challenge = format!("Bearer realm=\"{realm}\"");
        if let Ok(value) = HeaderValue::from_str(&challenge) {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, value);
        }
    }
    response
}

/// Whose token of `scope` the request carries (the source, for a push token), from the
/// headers alone: callers check this before reading any of the body. A missing or unknown
/// token is a 401, a store that cannot answer a 503.
pub async fn authorize(
    accounts: &Accounts,
    headers: &HeaderMap,
    scope: TokenScope,
    realm: &'static str,
) -> Result<String, Response> {
    let Some(token) = bearer_token(headers) else {
        return Err(refuse(
            StatusCode::UNAUTHORIZED,
            realm,
            "send your token as Authorization: Bearer TOKEN",
        ));
    };
    match accounts.token_owner(scope, &token_digest(token)).await {
        Ok(Some(owner)) => Ok(owner),
        Ok(None) => Err(refuse(StatusCode::UNAUTHORIZED, realm, "unknown token")),
        Err(e) => {
            tracing::error!("{} token lookup: {e}", scope.as_str());
            Err(refuse(
                StatusCode::SERVICE_UNAVAILABLE,
                realm,
                "try again shortly",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scheme_is_read_in_any_case_and_the_token_must_be_there() {
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap());
            bearer_token(&headers).map(str::to_string)
        };
        for value in ["Bearer t0k", "bearer t0k", "BEARER  t0k ", "BeArEr t0k"] {
            assert_eq!(with(value).as_deref(), Some("t0k"), "{value}");
        }
        for value in ["Basic dTpw", "Bearer ", "Bearer", "Bearert0k", "t0k"] {
            assert_eq!(with(value), None, "{value}");
        }
        assert_eq!(bearer_token(&HeaderMap::new()), None);
    }
}
