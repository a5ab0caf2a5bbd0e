use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use serde_json::json;

use crate::extract::Json;
use crate::state::AppState;

pub async fn healthz() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok" }))
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
        Json(json!({
            "status": if db { "ready" } else { "not ready" },
            "database": db,
            "livekit_configured": state.livekit.config().configured(),
        })),
    )
}

pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
}
