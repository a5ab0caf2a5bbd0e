//! The LiveKit token API (`/api/livekit/...`), camelCase as documented.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
// Not the rooms platform's TokenRequest: the OpenAPI document names schemas by type name.
#[cfg_attr(feature = "schema", schemars(rename = "LiveKitTokenRequest"))]
#[serde(rename_all = "camelCase")]
pub struct TokenRequest {
    #[serde(default)]
    pub room_id: Option<String>,
    #[serde(default)]
    pub identity: Option<String>,
    /// Accepted for compatibility (at most 100 characters) but not used: the token carries
    /// the account's display name, so nobody chooses the name others see.
    #[serde(default)]
    pub name: Option<String>,
    /// Seconds; capped at 600 (join tokens live ten minutes at most).
    #[serde(default)]
    pub ttl: Option<i64>,
}

#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct TokenResponse {
    pub token: String,
    pub identity: String,
    pub room_id: String,
    pub name: String,
    pub expires_at: String,
}

impl std::fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenResponse")
            .field("identity", &self.identity)
            .field("room_id", &self.room_id)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConnectionInfo {
    pub server_url: String,
    pub region: Option<String>,
    pub configured: bool,
    pub features: Features,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Features {
    pub audio: bool,
    pub video: bool,
    pub screen_share: bool,
    pub recording: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Health {
    /// healthy | unhealthy
    pub status: String,
    pub configured: bool,
}
