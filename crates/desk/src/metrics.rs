//! `GET /metrics`, on every node whatever its role: the same health the desk's Sources page
//! shows, for a scraper, behind a bearer token of the metrics scope.

use wiredesk_source::health::HealthBoard;

/// `GET /metrics`: every source's counters and every projection's lag behind the log in the
/// Prometheus text format, for a scraper
/// holding a metrics token (`wiredesk token add NAME --scope metrics`): error messages name
/// sources and hosts, which are not the public's business.
pub fn router(
    health: HealthBoard,
    followers: wiredesk_store::followers::Followers,
    store: std::sync::Arc<dyn wiredesk_store::Store>,
    accounts: wiredesk_store::accounts::Accounts,
) -> axum::Router {
    axum::Router::new().route(
        "/metrics",
        axum::routing::get(move |headers: axum::http::HeaderMap| {
            let (health, followers, store, accounts) = (
                health.clone(),
                followers.clone(),
                store.clone(),
                accounts.clone(),
            );
            async move {
                use axum::response::IntoResponse;
                if let Err(refusal) = crate::bearer::authorize(
                    &accounts,
                    &headers,
                    wiredesk_store::accounts::TokenScope::Metrics,
                    "wiredesk metrics",
                )
                .await
                {
                    return refusal;
                }
                let latest = match store.latest_seq().await {
                    Ok(seq) => seq,
                    Err(e) => {
                        tracing::error!("metrics: cannot read the log's end: {e}");
                        return axum::http::StatusCode::SERVICE_UNAVAILABLE.into_response();
                    }
                };
                (
                    [(
                        axum::http::header::CONTENT_TYPE,
                        "text/plain; version=0.0.4; charset=utf-8",
                    )],
                    health.prometheus() + &followers.prometheus(latest),
                )
                    .into_response()
            }
        }),
    )
}
