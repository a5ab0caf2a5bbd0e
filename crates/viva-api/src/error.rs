use serde::{Deserialize, Serialize};

/// The one JSON error shape every endpoint answers with:
/// `{"statusCode": 400, "message": ["..."], "error": "Bad Request"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    pub status_code: u16,
    pub message: Vec<String>,
    pub error: String,
}

impl ErrorBody {
    /// Builds the body for `status` with the standard reason phrase as `error`.
    pub fn new(status: u16, messages: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Self {
            status_code: status,
            message: messages.into_iter().map(Into::into).collect(),
            error: reason_phrase(status).to_owned(),
        }
    }
}

/// The reason phrases the seeds use in `error`.
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_body_serializes_to_the_documented_shape() {
        let body = ErrorBody::new(403, ["You are not allowed to join this room"]);
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            serde_json::json!({
                "statusCode": 403,
                "message": ["You are not allowed to join this room"],
                "error": "Forbidden"
            }),
            "clients switch on these exact keys"
        );
    }

    #[test]
    fn error_body_round_trips() {
        let text = r#"{"statusCode":429,"message":["slow down"],"error":"Too Many Requests"}"#;
        let body: ErrorBody = serde_json::from_str(text).unwrap();
        assert_eq!(body, ErrorBody::new(429, ["slow down"]));
    }
}
