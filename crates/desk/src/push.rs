//! `POST /api/v1/ingest`: agencies that push send one wire file per request, in any format
//! the decoders read, with their source's bearer token. The file goes through the same
//! pipeline as the drop folder; the answer says what became of it.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde_json::json;
use wiredesk_ingest::Outcome;
use wiredesk_source::Delivery;

use crate::DeskState;
use crate::auth::token_digest;

fn refuse(status: StatusCode, reason: &str) -> Response {
    let mut response = (status, axum::Json(json!({ "error": reason }))).into_response();
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer realm=\"wiredesk ingest\""),
        );
    }
    response
}

pub async fn ingest(State(state): State<DeskState>, headers: HeaderMap, body: Bytes) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let Some(token) = token else {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "send your source's token as Authorization: Bearer TOKEN",
        );
    };
    let source = match state.accounts.push_source(&token_digest(token)).await {
        Ok(Some(source)) => source,
        Ok(None) => return refuse(StatusCode::UNAUTHORIZED, "unknown token"),
        Err(e) => {
            tracing::error!("push token lookup: {e}");
            return refuse(StatusCode::SERVICE_UNAVAILABLE, "try again shortly");
        }
    };
    let limit = state.settings.push_limit_bytes;
    if body.len() > limit {
        return refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("the file is larger than {limit} bytes"),
        );
    }
    if body.is_empty() {
        return refuse(StatusCode::BAD_REQUEST, "the request body is empty");
    }
    let received = Timestamp::now();
    let delivery = Delivery {
        path: format!("push:{source}/{}", received.as_millisecond()).into(),
        bytes: body.to_vec(),
        received,
    };
    let report = match state.pipeline.ingest_batch(vec![delivery]).await {
        Ok(mut reports) => reports.remove(0),
        Err(e) => {
            // Nothing was committed; the agency should send it again.
            tracing::error!("push from {source}: {e}");
            return refuse(
                StatusCode::SERVICE_UNAVAILABLE,
                "not stored: try again shortly",
            );
        }
    };
    if report.outcome == Outcome::Rejected {
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            report
                .reason
                .as_deref()
                .unwrap_or("nothing usable in the file"),
        );
    }
    tracing::info!(
        "push from {source}: {:?} {:?}",
        report.outcome,
        report.stories
    );
    (
        StatusCode::ACCEPTED,
        axum::Json(json!({
            "source": source,
            "outcome": report.outcome,
            "stories": report.stories,
            "warnings": report.warnings,
        })),
    )
        .into_response()
}
