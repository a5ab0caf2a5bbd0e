//! What the room controller tells the UI.

use serde::Serialize;

use viva_media::{ConnectionQuality, TrackKind};

use super::VideoKind;

/// What a muted or unmuted track carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum TrackMedia {
    Audio,
    Video,
    Unknown,
}

impl From<TrackKind> for TrackMedia {
    fn from(kind: TrackKind) -> Self {
        match kind {
            TrackKind::Audio => Self::Audio,
            TrackKind::Video => Self::Video,
            TrackKind::Unknown => Self::Unknown,
        }
    }
}

/// A participant's connection, as LiveKit rates it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Quality {
    Excellent,
    Good,
    Poor,
    Lost,
}

impl From<ConnectionQuality> for Quality {
    fn from(quality: ConnectionQuality) -> Self {
        match quality {
            ConnectionQuality::Excellent => Self::Excellent,
            ConnectionQuality::Good => Self::Good,
            ConnectionQuality::Poor => Self::Poor,
            ConnectionQuality::Lost => Self::Lost,
        }
    }
}

/// What the UI hears about the room.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RoomUpdate {
    Joined {
        room: String,
        identity: String,
        is_interviewer: bool,
        interview_id: String,
        topic: String,
        duration_minutes: i32,
        scheduled_time: String,
    },
    ParticipantJoined {
        identity: String,
        name: String,
        /// A caller who dialed in by phone: their number, masked (`+•••••••4567`).
        phone: Option<String>,
    },
    ParticipantLeft {
        identity: String,
    },
    /// A remote video track is ready; frames for it arrive with this `track` id.
    VideoTrack {
        identity: String,
        track: String,
        kind: VideoKind,
    },
    VideoTrackEnded {
        identity: String,
        track: String,
    },
    TrackMuted {
        identity: String,
        kind: TrackMedia,
    },
    TrackUnmuted {
        identity: String,
        kind: TrackMedia,
    },
    ActiveSpeakers {
        identities: Vec<String>,
    },
    ConnectionQuality {
        identity: String,
        quality: Quality,
    },
    Reconnecting,
    Reconnected,
    /// The room's recording (None: not recorded): the indicator, the consent question, and
    /// for the interviewer who answered what.
    Recording {
        recording: Option<viva_api::recording::RoomRecording>,
    },
    /// Our own camera or shared screen is being sent; its preview frames arrive with this
    /// `track` id.
    LocalVideo {
        kind: VideoKind,
        track: String,
    },
    /// Our own video stopped: turned off (no reason), or the device failed (`reason`).
    LocalVideoEnded {
        kind: VideoKind,
        track: String,
        reason: Option<String>,
    },
    /// A device problem that does not end the call (e.g. no microphone).
    DeviceWarning {
        message: String,
    },
    Ended {
        reason: EndReason,
        detail: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// The interviewer ended the interview for everyone.
    EndedByInterviewer,
    /// The interviewer removed this participant.
    Removed,
    /// The connection could not be restored.
    ConnectionLost,
    /// The user left.
    Left,
}
