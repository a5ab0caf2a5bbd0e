use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use viva_api::ops::{Liveness, Readiness};

use crate::auth::token_hash;
use crate::error::ApiError;
use crate::extract::Json;
use crate::state::AppState;

pub async fn healthz() -> Json<Liveness> {
    Json(Liveness {
        status: "ok".into(),
    })
}

/// Ready when the database answers; LiveKit is reported, not required (rooms fail with a
/// clear 503 until it is configured).
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let db = state.store.ping().await.is_ok();
    let status = if db {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(Readiness {
            status: if db { "ready" } else { "not ready" }.into(),
            database: db,
            livekit_configured: state.livekit.config().configured(),
        }),
    )
}

/// Prometheus text. With `VIVA_METRICS_TOKEN` set, only for that bearer token; without,
/// only for callers on this machine (a scraper beside the server, or behind a proxy that
/// adds the token).
pub async fn metrics(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Result<impl IntoResponse, ApiError> {
    match &state.config.metrics_token {
        Some(token) => {
            let given = crate::extract::bearer(&headers).unwrap_or_default();
            // Comparing digests keeps the timing independent of the token.
            if token_hash(given.trim()) != token_hash(token.expose()) {
                return Err(ApiError::unauthorized("Metrics need the metrics token"));
            }
        }
        None if !peer.ip().is_loopback() => {
            return Err(ApiError::forbidden(
                "Metrics are served to this machine only; set VIVA_METRICS_TOKEN to scrape from elsewhere",
            ))
        }
        None => {}
    }
    Ok((
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    ))
}
