//! `POST /api/v1/ingest`: agencies that push send one wire file per request, in any format
//! the decoders read, with their source's bearer token. The token is checked from the headers
//! before any of the body is read, and the body is read only up to the one delivery limit
//! (`MAX_DELIVERY_BYTES`, as for dropped files). The file goes through the same pipeline as
//! the drop folder; the answer says what became of it. On a site with a delivery queue
//! (`--nats-url`) a readable file is queued for the writer once JetStream has stored it, and
//! the answer says `queued`.

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use http_body_util::LengthLimitError;
use jiff::Timestamp;
use serde_json::json;
use wiredesk_ingest::{Outcome, Pipeline};
use wiredesk_model::{Delivery, MAX_DELIVERY_BYTES};
use wiredesk_source::queue::QueueError;
use wiredesk_store::accounts::TokenScope;

use crate::DeskState;
use crate::bearer::{authorize, refuse};

const REALM: &str = "wiredesk ingest";

fn too_large() -> Response {
    refuse(
        StatusCode::PAYLOAD_TOO_LARGE,
        REALM,
        &format!("the file is larger than {MAX_DELIVERY_BYTES} bytes"),
    )
}

/// Nothing was stored (the queue or the store is away): the agency sends it again.
fn not_stored() -> Response {
    refuse(
        StatusCode::SERVICE_UNAVAILABLE,
        REALM,
        "not stored: try again shortly",
    )
}

/// The body, stopped as soon as it passes the limit (whatever Content-Length said).
async fn read_limited(body: Body) -> Result<Bytes, Response> {
    axum::body::to_bytes(body, MAX_DELIVERY_BYTES)
        .await
        .map_err(|e| {
            let over_limit =
                std::error::Error::source(&e).is_some_and(|s| s.is::<LengthLimitError>());
            if over_limit {
                too_large()
            } else {
                refuse(
                    StatusCode::BAD_REQUEST,
                    REALM,
                    &format!("the body could not be read: {e}"),
                )
            }
        })
}

pub async fn ingest(State(state): State<DeskState>, headers: HeaderMap, body: Body) -> Response {
    let source = match authorize(&state.accounts, &headers, TokenScope::Push, REALM).await {
        Ok(source) => source,
        Err(refusal) => return refusal,
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_DELIVERY_BYTES as u64) {
        return too_large();
    }
    let body = match read_limited(body).await {
        Ok(bytes) => bytes,
        Err(refusal) => return refusal,
    };
    if body.is_empty() {
        return refuse(StatusCode::BAD_REQUEST, REALM, "the request body is empty");
    }
    let received = Timestamp::now();
    let delivery = Delivery {
        path: format!("push:{source}/{}", received.as_millisecond()).into(),
        bytes: body.to_vec(),
        received,
    };
    if let Some(queue) = &state.queue {
        if let Err(reason) = Pipeline::readable(&delivery.bytes) {
            return refuse(StatusCode::UNPROCESSABLE_ENTITY, REALM, &reason.to_string());
        }
        match queue.publish(&delivery).await {
            Ok(published) => {
                tracing::info!("push from {source}: queued for the writer");
                return (
                    StatusCode::ACCEPTED,
                    axum::Json(json!({
                        "source": source,
                        "outcome": "queued",
                        "duplicate": published.duplicate,
                    })),
                )
                    .into_response();
            }
            // Larger than the NATS server takes: this node ingests it itself, under the
            // same decision lock as the writer.
            Err(QueueError::TooLarge { .. }) => {}
            Err(e) => {
                tracing::error!("push from {source}: {e}");
                return not_stored();
            }
        }
    }
    let report = match state.pipeline.ingest_batch(vec![delivery]).await {
        Ok(mut reports) => reports.remove(0),
        Err(e) => {
            // Nothing was committed; the agency should send it again.
            tracing::error!("push from {source}: {e}");
            return not_stored();
        }
    };
    if report.outcome == Outcome::Rejected {
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            REALM,
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
