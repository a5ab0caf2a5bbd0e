//! Recording with consent (seed "Rooms App": recording to cloud storage, consent first).
//!
//! The room's LiveKit metadata carries the recording's state to everyone in the room:
//! `{"recording": RoomRecording}`. viva-server writes it (the one writer), the recorder
//! reads whom it may record, and the app shows the consent dialog and the indicator from it.
//! LiveKit shares room metadata across its nodes, so it holds on several nodes too.
use serde::{Deserialize, Serialize};

/// A recording's state, as in the room's metadata and the API.
pub mod state {
    /// Asked for; waiting until everyone present has consented.
    pub const CONSENT: &str = "consent";
    /// Recording the participants who consented.
    pub const RECORDING: &str = "recording";
    /// Stopped; files are on their way to storage.
    pub const UPLOADING: &str = "uploading";
    /// Every file is in storage.
    pub const COMPLETE: &str = "complete";
    /// Stopped before anyone was recorded (someone present declined, or it was cancelled).
    pub const CANCELLED: &str = "cancelled";
    /// The recorder failed; `error` says why.
    pub const FAILED: &str = "failed";
}

/// What a room's participants see of its recording (LiveKit room metadata).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RoomRecording {
    pub id: String,
    /// The room's id in the rooms API, where answers go (`.../recording/consent/`).
    pub room_id: String,
    /// `consent` or `recording` while the indicator shows; see [`state`].
    pub state: String,
    /// Identities who consented, in the order they did.
    pub consented: Vec<String>,
    /// Identities who declined; they are never recorded.
    pub declined: Vec<String>,
}

impl RoomRecording {
    /// True while participants must see the recording indicator.
    pub fn active(&self) -> bool {
        self.state == state::CONSENT || self.state == state::RECORDING
    }

    /// Whether `identity` has answered the consent question.
    pub fn answered(&self, identity: &str) -> bool {
        self.consented
            .iter()
            .chain(&self.declined)
            .any(|i| i == identity)
    }

    pub fn consented(&self, identity: &str) -> bool {
        self.consented.iter().any(|i| i == identity)
    }
}

/// The file name stem for a participant's recording: letters, digits, `-` and `_` only
/// (anything else becomes `_`), at most 64 characters; the bundled recorder's files and
/// Egress's object keys both use it.
pub fn file_stem(identity: &str) -> String {
    let stem: String = identity
        .chars()
        .map(
            |c| match c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                true => c,
                false => '_',
            },
        )
        .take(64)
        .collect();
    if stem.is_empty() {
        "participant".into()
    } else {
        stem
    }
}

/// The room metadata document (other keys are kept by whoever writes it).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RoomMetadata {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording: Option<RoomRecording>,
}

impl RoomMetadata {
    /// The recording in a room's metadata; `None` when there is none or it is not ours.
    pub fn recording_of(metadata: &str) -> Option<RoomRecording> {
        serde_json::from_str::<RoomMetadata>(metadata)
            .ok()?
            .recording
    }
}

/// `POST /api/v1/rooms/{id}/recording/consent/`: the caller's answer (authenticated by the
/// LiveKit token they joined with).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ConsentInput {
    #[serde(default)]
    pub recording_id: Option<String>,
    #[serde(default)]
    pub consent: Option<bool>,
}

/// One file of a recording: one participant's audio and video (WebM: VP8 + Opus).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RecordingFile {
    pub identity: String,
    pub storage_key: String,
    pub size: i64,
    pub duration_ms: i64,
    /// `spooled` (on the recording node's disk) or `stored` (in object storage).
    pub status: String,
}

/// A recording as listed at `GET /api/v1/rooms/{id}/recordings/`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Recording {
    pub id: String,
    pub room_id: String,
    /// `viva-recorder` or `egress`.
    pub recorder: String,
    pub status: String,
    pub requested_by: String,
    pub requested_at: String,
    pub started_at: Option<String>,
    pub stopped_at: Option<String>,
    pub duration_ms: i64,
    pub size: i64,
    pub error: Option<String>,
    pub files: Vec<RecordingFile>,
    pub consents: Vec<Consent>,
}

/// Who answered the consent question, when, for which recording.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Consent {
    pub identity: String,
    pub name: String,
    pub consent: bool,
    pub at: String,
}

/// `GET .../recordings/{rid}/download/`: short-lived links, one per file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DownloadLinks {
    pub expires_in: i64,
    pub links: Vec<DownloadLink>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DownloadLink {
    pub identity: String,
    pub url: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_stems_keep_only_safe_characters() {
        assert_eq!(
            file_stem("candidate_447700900123"),
            "candidate_447700900123"
        );
        assert_eq!(file_stem("../../etc/passwd"), "______etc_passwd");
        assert_eq!(file_stem(""), "participant");
    }

    #[test]
    fn metadata_round_trips_and_foreign_metadata_is_no_recording() {
        let rec = RoomRecording {
            id: "r1".into(),
            room_id: "x".into(),
            state: state::RECORDING.into(),
            consented: vec!["a".into()],
            declined: vec!["b".into()],
        };
        let doc = serde_json::to_string(&RoomMetadata {
            recording: Some(rec.clone()),
        })
        .unwrap();
        assert_eq!(RoomMetadata::recording_of(&doc), Some(rec.clone()));
        assert_eq!(RoomMetadata::recording_of(""), None);
        assert_eq!(RoomMetadata::recording_of("{\"topic\":1}"), None);
        assert!(rec.active() && rec.consented("a") && !rec.consented("b"));
        assert!(rec.answered("b") && !rec.answered("c"));
    }
}
