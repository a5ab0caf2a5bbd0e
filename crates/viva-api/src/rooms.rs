use serde::{Deserialize, Serialize};

use crate::interviews::UserSummary;

/// `POST /api/interviews/{id}/join/`, exactly the documented structure.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct JoinResponse {
    pub token: String,
    pub room_name: String,
    pub livekit_url: String,
    pub identity: String,
    pub expires_at: String,
    pub is_interviewer: bool,
    pub permissions: Permissions,
    pub interview: JoinInterview,
}

impl std::fmt::Debug for JoinResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JoinResponse")
            .field("room_name", &self.room_name)
            .field("identity", &self.identity)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Permissions {
    pub can_publish: bool,
    pub can_subscribe: bool,
    pub can_screen_share: bool,
    pub is_interviewer: bool,
    pub is_room_admin: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct JoinInterview {
    pub uuid_id: String,
    pub status: String,
    pub topic: String,
    pub scheduled_time: String,
    pub duration_minutes: i64,
    pub sender: UserSummary,
    pub receiver: UserSummary,
}

/// `POST .../room/ensure/`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct EnsureResponse {
    pub room_name: String,
    pub created: bool,
    pub status: String,
    pub max_participants: i64,
    pub empty_timeout: i64,
}

/// `GET .../room/info/`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RoomInfo {
    pub room_name: String,
    pub status: String,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub num_participants: usize,
    pub participants: Vec<ParticipantState>,
    /// The room's limits, from its template; None before the room exists.
    #[serde(default)]
    pub limits: Option<RoomLimits>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ParticipantState {
    pub identity: String,
    pub name: String,
    /// joining | joined | active | disconnected
    pub state: String,
    pub joined_at: Option<String>,
    /// LiveKit's server API does not report speaking; `null` means unknown.
    pub is_speaking: Option<bool>,
    pub audio_muted: bool,
    pub video_muted: bool,
    pub has_audio: bool,
    pub has_video: bool,
    /// Unknown to the server API: `null`. Clients see it live from the media engine.
    pub connection_quality: Option<String>,
    pub is_interviewer: bool,
    /// standard | sip (dialed in by phone) | agent | egress | ingress
    #[serde(default)]
    pub kind: String,
    /// A phone caller's number, masked (`+•••••••4567`).
    #[serde(default)]
    pub phone: Option<String>,
}

/// `POST .../room/controls/`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ControlRequest {
    #[serde(default)]
    pub action: Option<String>,
    #[serde(default)]
    pub identity: Option<String>,
    #[serde(default)]
    pub audio_only: bool,
    #[serde(default)]
    pub video_only: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ControlResponse {
    pub success: bool,
    pub action: String,
    pub identity: Option<String>,
    pub message: String,
}

/// One entry of `GET /api/interviews/rooms/active/`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ActiveRoom {
    pub room_name: String,
    pub interview_id: Option<String>,
    pub topic: Option<String>,
    pub status: String,
    pub num_participants: u32,
    pub created_at: String,
    pub interviewer: Option<UserSummary>,
    pub candidate: Option<UserSummary>,
    /// The platform room (`/api/v1/rooms/{id}/`); None for a room LiveKit has and we do not.
    pub room_id: Option<String>,
    pub title: Option<String>,
    pub limits: Option<RoomLimits>,
    /// Everyone who joined, from LiveKit's webhooks, with their time in the room.
    pub participants: Vec<crate::platform::RoomParticipant>,
}

/// What a room's template allows: shown in the room's header.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RoomLimits {
    pub template: String,
    /// individual | group | webinar | broadcast
    pub room_type: String,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub max_participants: i64,
    /// Seconds after the first join at which the room ends.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub max_duration: i64,
    /// Seconds an empty room stays open.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub empty_timeout: i64,
    pub recording_enabled: bool,
    pub sip_enabled: bool,
}
