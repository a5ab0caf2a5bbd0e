//! Route table. Each API surface gets its own module as it arrives.

use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

use crate::error::ApiError;

pub fn router() -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .fallback(not_found)
}

async fn healthz() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok" }))
}

async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::not_found(format!("Cannot find {}", uri.path()))
}
