//! The `Idempotency-Key` header: a client that lost an answer resends the same request
//! with the same key and gets the first answer again instead of a second write.

use axum::http::HeaderMap;
use sha2::{Digest, Sha256};
use viva_api::feedback::IDEMPOTENCY_HEADER;

use crate::error::ApiError;
use crate::session::CurrentUser;
use crate::store::IdemKey;

const MAX_KEY_LEN: usize = 128;

/// The request's key, if it sent one, tied to this request's method, path and body.
pub fn key_of(
    headers: &HeaderMap,
    user: &CurrentUser,
    route: &str,
    body: &impl serde::Serialize,
) -> Result<Option<IdemKey>, ApiError> {
    let Some(raw) = headers.get(IDEMPOTENCY_HEADER) else {
        return Ok(None);
    };
    let key = raw
        .to_str()
        .ok()
        .filter(|k| {
            (8..=MAX_KEY_LEN).contains(&k.len())
                && k.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_:.".contains(&b))
        })
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "{IDEMPOTENCY_HEADER} must be 8-{MAX_KEY_LEN} letters, digits or -_:."
            ))
        })?;
    let body = serde_json::to_string(body).map_err(ApiError::internal)?;
    let fingerprint = Sha256::digest(format!("{route}\n{body}").as_bytes());
    Ok(Some(IdemKey {
        user_id: user.id(),
        key: key.to_owned(),
        fingerprint: fingerprint.iter().map(|b| format!("{b:02x}")).collect(),
    }))
}

pub fn key_reused() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        format!("This {IDEMPOTENCY_HEADER} was already used for a different request"),
    )
}
