//! The one error type handlers return, rendered in the documented JSON error shape.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use viva_api::ErrorBody;

#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    messages: Vec<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            messages: vec![message.into()],
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody::new(self.status.as_u16(), self.messages);
        (self.status, axum::Json(body)).into_response()
    }
}
