//! `GET /healthz`: whether this process is fit to serve, for a load balancer and an operator.
//!
//! Owns: the answer's shape. 200 with `"status": "ok"` when the store answers, every log
//! follower is caught up to within `max_projection_lag` events and not failing, and the
//! writer (where this process may be one) is not paused; 503 with `"status": "unhealthy"`
//! otherwise. Each follower's position and lag are listed, and the writer's state (writing,
//! standby, paused); while the store does not answer, each follower's position and since
//! when it has been failing, which says how stale the pages this node serves are. The reasons for a failure go to the log, the desk and `/metrics`'
//! readers, not to the public.
//! Must not: do work of its own (it reads the board the followers and the writer write).

use std::sync::Arc;

use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use wiredesk_store::Store;
use wiredesk_store::followers::{Followers, healthy};
use wiredesk_store::writer::WriterState;

use crate::AppState;

const STORE_WITHIN: std::time::Duration = std::time::Duration::from_secs(2);

/// What `/healthz` reads: on a web node part of the site's state, on an ingest node all of
/// its own (`router`).
#[derive(Clone)]
pub struct Health {
    pub store: Arc<dyn Store>,
    pub followers: Followers,
    pub max_projection_lag: i64,
}

impl FromRef<AppState> for Health {
    fn from_ref(state: &AppState) -> Health {
        Health {
            store: state.store.clone(),
            followers: state.followers.clone(),
            max_projection_lag: state.config.max_projection_lag,
        }
    }
}

/// `/healthz` alone, for a node that serves no pages.
pub fn router(health: Health) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .with_state(health)
}

pub async fn healthz(State(health): State<Health>) -> Response {
    let writer = health.followers.writer().state();
    let writer = (writer != WriterState::Off).then_some(writer);
    // A load balancer asks with a short timeout of its own: a store that hangs is down.
    let latest = match tokio::time::timeout(STORE_WITHIN, health.store.latest_seq()).await {
        Ok(Ok(seq)) => seq,
        failed => {
            let e = match failed {
                Ok(Err(e)) => e.to_string(),
                _ => format!("no answer within {STORE_WITHIN:?}"),
            };
            tracing::error!("healthz: the store does not answer: {e}");
            // What this node still serves is as old as its followers' positions; those that
            // cannot read the log say since when.
            let reached = health.followers.health(0).iter().map(|f| f.at).max();
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({
                    "status": "unhealthy",
                    "store": "unreachable",
                    "writer": writer,
                    "projections": health.followers.health(reached.unwrap_or(0)),
                })),
            )
                .into_response();
        }
    };
    let followers = health.followers.health(latest);
    let ok = healthy(&followers, health.max_projection_lag)
        && !matches!(writer, Some(WriterState::Paused { .. }));
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let mut body = json!({
        "status": if ok { "ok" } else { "unhealthy" },
        "log": latest,
        "projections": followers,
    });
    if let Some(writer) = writer {
        body["writer"] = json!(writer);
    }
    (status, Json(body)).into_response()
}
