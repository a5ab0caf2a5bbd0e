//! The rooms platform (seed "Rooms App"): `/api/v1/rooms/`, its tokens and participants,
//! and `/api/v1/room-templates/`. Field names are the seed's models' (`room_type`,
//! `template`, `max_participants`, `empty_timeout`, `recording_enabled`, `sip_enabled`,
//! `status`), snake_case like the seed's Django API.
use serde::{Deserialize, Serialize};

/// A room template, as listed and as created (`POST /api/v1/room-templates/`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RoomTemplate {
    pub name: String,
    /// individual | group | webinar | broadcast
    pub room_type: String,
    pub description: String,
    pub is_default: bool,
    pub max_participants: i64,
    /// Seconds an empty room stays open.
    pub empty_timeout: i64,
    /// Seconds a room lasts after its first join.
    pub max_duration: i64,
    pub video_codec: String,
    pub simulcast: bool,
    /// Who may publish: `all`, or `hosts` (webinar, broadcast).
    pub publishers: String,
    pub recording_enabled: bool,
    pub sip_enabled: bool,
    pub created_at: String,
    pub updated_at: String,
}

/// `POST /api/v1/room-templates/` and `PATCH /api/v1/room-templates/{name}/`: every field
/// optional; a new template starts from its type's default template.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TemplateInput {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub room_type: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub is_default: Option<bool>,
    #[serde(default)]
    pub max_participants: Option<i64>,
    #[serde(default)]
    pub empty_timeout: Option<i64>,
    #[serde(default)]
    pub max_duration: Option<i64>,
    #[serde(default)]
    pub video_codec: Option<String>,
    #[serde(default)]
    pub simulcast: Option<bool>,
    #[serde(default)]
    pub publishers: Option<String>,
    #[serde(default)]
    pub recording_enabled: Option<bool>,
    #[serde(default)]
    pub sip_enabled: Option<bool>,
}

/// A room of the platform: an interview's room or one staff created.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PlatformRoom {
    pub id: String,
    pub livekit_room_name: String,
    pub title: Option<String>,
    /// individual | group | webinar | broadcast
    pub room_type: String,
    /// The template's name.
    pub template: String,
    /// The interview this room belongs to, if any.
    pub interview: Option<String>,
    pub host: Option<String>,
    /// created | active | ended
    pub status: String,
    pub max_participants: i64,
    pub empty_timeout: i64,
    pub max_duration: i64,
    pub video_codec: String,
    pub simulcast: bool,
    pub publishers: String,
    pub recording_enabled: bool,
    pub sip_enabled: bool,
    pub created_at: String,
    pub updated_at: String,
    pub started_at: Option<String>,
    pub ended_at: Option<String>,
}

/// `POST /api/v1/rooms/` (staff). Settings not given come from the template.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CreateRoom {
    #[serde(default)]
    pub room_type: Option<String>,
    #[serde(default)]
    pub template: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    /// The user id of the room's host.
    #[serde(default)]
    pub host: Option<String>,
    #[serde(default)]
    pub max_participants: Option<i64>,
    #[serde(default)]
    pub empty_timeout: Option<i64>,
    #[serde(default)]
    pub max_duration: Option<i64>,
    #[serde(default)]
    pub recording_enabled: Option<bool>,
    #[serde(default)]
    pub sip_enabled: Option<bool>,
}

/// `PATCH /api/v1/rooms/{id}/` (staff): the fields given change. An empty `title` or
/// `host` clears it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UpdateRoom {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub host: Option<String>,
    #[serde(default)]
    pub max_participants: Option<i64>,
    #[serde(default)]
    pub empty_timeout: Option<i64>,
    #[serde(default)]
    pub max_duration: Option<i64>,
    #[serde(default)]
    pub recording_enabled: Option<bool>,
    #[serde(default)]
    pub sip_enabled: Option<bool>,
}

/// `POST /api/v1/rooms/{id}/token/`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TokenRequest {
    /// host | participant | viewer
    #[serde(default)]
    pub role: Option<String>,
    /// Seconds; capped at the server's maximum (600).
    #[serde(default)]
    pub ttl: Option<i64>,
    /// Staff and the room's host may ask for a token for another user (their user id).
    #[serde(default)]
    pub user: Option<String>,
}

#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RoomTokenResponse {
    pub token: String,
    pub identity: String,
    pub role: String,
    pub expires_at: String,
    pub jti: String,
    pub room: String,
    pub livekit_room_name: String,
    pub livekit_url: String,
    pub can_publish: bool,
    pub can_subscribe: bool,
    pub can_publish_data: bool,
    pub video_codec: String,
    pub simulcast: bool,
}

impl std::fmt::Debug for RoomTokenResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RoomTokenResponse")
            .field("identity", &self.identity)
            .field("role", &self.role)
            .field("jti", &self.jti)
            .finish_non_exhaustive()
    }
}

/// One issued token, as staff see it (`GET /api/v1/rooms/{id}/tokens/`). Never the token.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TokenRecord {
    pub jti: String,
    pub identity: String,
    pub role: String,
    pub issued_by: Option<String>,
    pub issued_at: String,
    pub expires_at: String,
    pub first_used_at: Option<String>,
    pub revoked: bool,
    pub revoked_at: Option<String>,
}

/// One connection of a participant (`GET /api/v1/rooms/{id}/participants/`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RoomParticipant {
    pub sid: String,
    pub identity: String,
    pub name: String,
    /// standard | sip | egress | ingress | agent
    pub kind: String,
    pub joined_at: Option<String>,
    pub left_at: Option<String>,
    /// Whether they are in the room now (joined, not left).
    pub connected: bool,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub duration_seconds: i64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub audio_seconds: i64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub video_seconds: i64,
}

/// One dial-in number.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DialInNumber {
    /// US, UK, EU, AU, ...
    pub region: String,
    /// E.164.
    pub number: String,
}

/// `GET /api/v1/rooms/{id}/dial-in/` (the seed's `get_room_dial_in_info`): the number for
/// the asked region (`?region=`, else the first), every number, the room's PIN and what to
/// do with them.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DialInInfo {
    pub number: String,
    pub region: String,
    pub numbers: Vec<DialInNumber>,
    pub pin: String,
    pub instructions: String,
}

/// The PIN never prints.
impl std::fmt::Debug for DialInInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DialInInfo")
            .field("number", &self.number)
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}
