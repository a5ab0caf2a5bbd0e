//! The error the UI sees: a small set of codes it can act on, and a message for people.

use serde::Serialize;

use crate::api::ApiError;
use crate::secrets::SecretError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The user's input is wrong (bad server address, empty field, ...).
    InvalidInput,
    /// Not signed in, or the session ended: show the sign-in screen.
    Unauthorized,
    /// Signed in but not allowed.
    Forbidden,
    NotFound,
    /// The action does not fit the current state (interview not accepted, room ended).
    Conflict,
    /// Too many attempts; wait and retry.
    RateLimited,
    /// The server cannot be reached; work continues offline where it can.
    Offline,
    /// The server failed or answered nonsense.
    Server,
    /// The OS keyring refused or is missing.
    Keyring,
    /// This computer's disk failed us (full, read-only, a damaged file): nothing went to
    /// the server, and what is on screen is kept.
    Storage,
    /// The media engine failed (devices, connection to the media server).
    Media,
    /// The action needs a room and there is none.
    NotInRoom,
    /// Not possible in this build or on this machine (e.g. camera capture).
    Unsupported,
    /// Something downloaded (an app update) is not signed by Viva's key: it was not used.
    Untrusted,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[error("{message}")]
pub struct CoreError {
    pub code: ErrorCode,
    pub message: String,
}

impl CoreError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

impl From<ApiError> for CoreError {
    fn from(e: ApiError) -> Self {
        let code = match &e {
            ApiError::Server { status, .. } => match status {
                400 | 413 | 415 | 422 => ErrorCode::InvalidInput,
                401 => ErrorCode::Unauthorized,
                403 => ErrorCode::Forbidden,
                404 => ErrorCode::NotFound,
                409 => ErrorCode::Conflict,
                429 => ErrorCode::RateLimited,
                _ => ErrorCode::Server,
            },
            ApiError::Unreachable(_) => ErrorCode::Offline,
            ApiError::Protocol(_) => ErrorCode::Server,
        };
        CoreError::new(code, e.to_string())
    }
}

impl From<SecretError> for CoreError {
    fn from(e: SecretError) -> Self {
        CoreError::new(ErrorCode::Keyring, e.to_string())
    }
}

impl From<viva_capture::CaptureError> for CoreError {
    fn from(e: viva_capture::CaptureError) -> Self {
        use viva_capture::CaptureError as C;
        let code = match &e {
            C::InvalidArgument(_) => ErrorCode::InvalidInput,
            C::Unsupported(_) | C::MissingPlugin { .. } | C::Unavailable(_) => {
                ErrorCode::Unsupported
            }
            C::NoCamera | C::NotFound(_) => ErrorCode::NotFound,
            C::PermissionDenied(_) => ErrorCode::Forbidden,
            C::Busy(_) | C::Disconnected(_) | C::Failed { .. } => ErrorCode::Media,
        };
        let message = match &e {
            C::Busy(name) => {
                format!("{name} is in use by another application: close it and try again")
            }
            _ => {
                let text = e.to_string();
                let mut chars = text.chars();
                chars
                    .next()
                    .map(|c| c.to_uppercase().chain(chars).collect())
                    .unwrap_or_default()
            }
        };
        CoreError::new(code, message)
    }
}

impl From<viva_media::MediaError> for CoreError {
    fn from(e: viva_media::MediaError) -> Self {
        CoreError::new(ErrorCode::Media, e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_as_code_and_message() {
        let e = CoreError::from(ApiError::Server {
            status: 403,
            messages: vec!["You were removed from this interview room".into()],
        });
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            serde_json::json!({"code": "forbidden", "message": "You were removed from this interview room"})
        );
        let offline = CoreError::from(ApiError::Unreachable("refused".into()));
        assert_eq!(serde_json::to_value(offline).unwrap()["code"], "offline");
    }

    /// The UI switches on these strings (ui/src/lib/ipc/errors.ts): every code, pinned.
    #[test]
    fn every_code_has_its_wire_name() {
        let codes = [
            (ErrorCode::InvalidInput, "invalid_input"),
            (ErrorCode::Unauthorized, "unauthorized"),
            (ErrorCode::Forbidden, "forbidden"),
            (ErrorCode::NotFound, "not_found"),
            (ErrorCode::Conflict, "conflict"),
            (ErrorCode::RateLimited, "rate_limited"),
            (ErrorCode::Offline, "offline"),
            (ErrorCode::Server, "server"),
            (ErrorCode::Keyring, "keyring"),
            (ErrorCode::Storage, "storage"),
            (ErrorCode::Media, "media"),
            (ErrorCode::NotInRoom, "not_in_room"),
            (ErrorCode::Unsupported, "unsupported"),
            (ErrorCode::Untrusted, "untrusted"),
        ];
        for (code, name) in codes {
            // A new variant fails to compile here until it is pinned above.
            match code {
                ErrorCode::InvalidInput
                | ErrorCode::Unauthorized
                | ErrorCode::Forbidden
                | ErrorCode::NotFound
                | ErrorCode::Conflict
                | ErrorCode::RateLimited
                | ErrorCode::Offline
                | ErrorCode::Server
                | ErrorCode::Keyring
                | ErrorCode::Storage
                | ErrorCode::Media
                | ErrorCode::NotInRoom
                | ErrorCode::Unsupported
                | ErrorCode::Untrusted => {}
            }
            assert_eq!(serde_json::to_value(code).unwrap(), name);
        }
    }
}
