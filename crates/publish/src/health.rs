//! `GET /healthz`: whether this process is fit to serve, for a load balancer and an operator.
//!
//! Owns: the answer's shape. 200 with `"status": "ok"` when the store answers and every log
//! follower is caught up to within `max_projection_lag` events and not failing; 503 with
//! `"status": "unhealthy"` otherwise. Each follower's position and lag are listed; the
//! reasons for a failure go to the log and `/metrics`' readers, not to the public.
//! Must not: do work of its own (it reads the board the followers write).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use wiredesk_store::followers::healthy;

use crate::AppState;

pub async fn healthz(State(state): State<AppState>) -> Response {
    let latest = match state.store.latest_seq().await {
        Ok(seq) => seq,
        Err(e) => {
            tracing::error!("healthz: the store does not answer: {e}");
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"status": "unhealthy", "store": "unreachable"})),
            )
                .into_response();
        }
    };
    let followers = state.followers.health(latest);
    let ok = healthy(&followers, state.config.max_projection_lag);
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = json!({
        "status": if ok { "ok" } else { "unhealthy" },
        "log": latest,
        "projections": followers,
    });
    (status, Json(body)).into_response()
}
