//! Errors the media engine reports. The library reports most failures as free text; the
//! variants here say which operation failed so callers can react without parsing.

use std::time::Duration;

use crate::library::LibraryError;

#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// The FFI library could not be found, loaded or called.
    #[error(transparent)]
    Library(#[from] LibraryError),
    /// The operation did not finish in time (ours or the library's own limit).
    #[error("{what} timed out after {after:?}")]
    Timeout { what: &'static str, after: Duration },
    /// The server refused the join token (bad signature, expired, wrong room...).
    #[error("the server refused the token: {0}")]
    Unauthorized(String),
    /// The server could not be reached or the session could not be established.
    #[error("connection failed: {0}")]
    ConnectionFailed(String),
    /// The operation does not fit the object's state (e.g. capturing into a microphone
    /// source, using a room after it disconnected).
    #[error("invalid state: {0}")]
    InvalidState(String),
    /// Arguments the library would reject (frame sizes, empty names...).
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// The library refused the request outright (it logs the reason).
    #[error("the LiveKit library rejected the {0} request")]
    Rejected(&'static str),
    /// The library answered with a message we did not expect: a protocol mismatch.
    #[error("unexpected answer from the LiveKit library to {0}")]
    Protocol(&'static str),
    #[error("publishing a track failed: {0}")]
    Publish(String),
    /// The server's grant for this participant does not allow it (a viewer publishing).
    /// Checked before asking: the server drops such a request without an answer.
    #[error("permission denied: {0}")]
    PermissionDenied(String),
    #[error("unpublishing a track failed: {0}")]
    Unpublish(String),
    #[error("sending data failed: {0}")]
    Data(String),
    #[error("capturing a frame failed: {0}")]
    Capture(String),
    /// The platform's audio devices (PulseAudio, CoreAudio, WASAPI) are unavailable.
    #[error("audio devices unavailable: {0}")]
    AudioDevice(String),
    #[error("disconnecting failed: {0}")]
    Disconnect(String),
}

impl MediaError {
    /// Sorts the library's connect error text into a typed variant. The library has no
    /// error codes for this; the signalling client puts the server's HTTP status in the
    /// text ("401 Unauthorized - invalid token: ... token is expired"), and a refused
    /// socket reads "transport connection error" (measured: see tests/engine/bad_input.rs).
    pub(crate) fn from_connect_error(message: String, timeout: Duration) -> Self {
        let lower = message.to_ascii_lowercase();
        if ["401", "403", "unauthorized", "forbidden"]
            .iter()
            .any(|w| lower.contains(w))
        {
            Self::Unauthorized(message)
        } else if lower.contains("timeout") || lower.contains("timed out") {
            Self::Timeout {
                what: "connect",
                after: timeout,
            }
        } else {
            Self::ConnectionFailed(message)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_errors_seen_from_the_library_get_their_variant() {
        let t = Duration::from_secs(5);
        let refused = "engine: signal failure: transport connection error: IO error: Connection refused (os error 111)";
        assert!(matches!(
            MediaError::from_connect_error(refused.into(), t),
            MediaError::ConnectionFailed(_)
        ));
        let expired = "engine: signal failure: client error: 401 Unauthorized - invalid token: x, error: token has invalid claims: token is expired";
        assert!(matches!(
            MediaError::from_connect_error(expired.into(), t),
            MediaError::Unauthorized(_)
        ));
        let slow = "engine: signal failure: timeout";
        assert!(matches!(
            MediaError::from_connect_error(slow.into(), t),
            MediaError::Timeout { after, .. } if after == t
        ));
    }
}
