//! Public interview access (seed "Public Interview Access"): room codes that candidates
//! join with a phone number, no account needed. camelCase as the seed documents.
use serde::{Deserialize, Serialize};

/// `POST /api/public/interview/room/create` (staff).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreatePublicRoom {
    #[serde(default)]
    pub application_id: Option<String>,
    /// TECHNICAL (default), BEHAVIORAL, AI_SCREENING, FINAL, CUSTOM.
    #[serde(default)]
    pub interview_type: Option<String>,
    /// Seconds; 1800 when absent.
    #[serde(default)]
    pub max_duration: Option<i64>,
    #[serde(default)]
    pub instructions: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct PublicRoomCreated {
    pub room_code: String,
    /// `interview_{roomCode}`.
    pub room_name: String,
    /// `/interview/join/{roomCode}`.
    pub join_url: String,
    /// `viva://join/{roomCode}`: opens the desktop app on the join screen.
    pub deep_link: String,
    pub instructions: String,
    pub max_duration: i64,
    pub session_id: String,
    pub candidate_name: String,
    pub job_title: String,
}

/// `GET /api/public/interview/room/{roomCode}` (public).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PublicRoomInfo {
    pub room_code: String,
    pub job_title: String,
    pub company_name: String,
    pub instructions: String,
    /// Seconds.
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub max_duration: i64,
    /// SCHEDULED (nobody joined yet), IN_PROGRESS, COMPLETED.
    pub status: String,
    pub interview_type: String,
}

/// `POST /api/public/interview/join/{roomCode}` (public).
#[derive(Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct PublicJoinRequest {
    #[serde(default)]
    pub phone_number: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
}

impl std::fmt::Debug for PublicJoinRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PublicJoinRequest")
            .field("first_name", &self.first_name)
            .field("last_name", &self.last_name)
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct PublicJoinResponse {
    /// The LiveKit join token.
    pub token: String,
    pub server_url: String,
    /// The candidate's credential for this session (ends it via `.../end`); not a LiveKit
    /// token.
    pub participant_token: String,
    pub room_name: String,
    /// `candidate_{digits of the E.164 phone}`.
    pub identity: String,
    pub room_code: String,
    pub participant_name: String,
    pub job_title: String,
    pub instructions: String,
    pub max_duration: i64,
}

impl std::fmt::Debug for PublicJoinResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PublicJoinResponse")
            .field("server_url", &self.server_url)
            .field("identity", &self.identity)
            .field("participant_name", &self.participant_name)
            .finish_non_exhaustive()
    }
}

/// `POST /api/public/interview/room/{roomCode}/end`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PublicEndResponse {
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_request_reads_the_seed_body_and_hides_the_phone() {
        let body: PublicJoinRequest = serde_json::from_str(
            r#"{"phoneNumber": "+971509876543", "firstName": "Ahmed", "lastName": "Hassan"}"#,
        )
        .unwrap();
        assert_eq!(body.phone_number.as_deref(), Some("+971509876543"));
        assert!(!format!("{body:?}").contains("971509876543"));
    }

    #[test]
    fn join_response_has_the_seed_keys_and_hides_tokens() {
        let r = PublicJoinResponse {
            token: "lk-token".into(),
            server_url: "ws://x".into(),
            participant_token: "credential".into(),
            room_name: "interview_ABCDEFGH".into(),
            identity: "candidate_971509876543".into(),
            room_code: "ABCDEFGH".into(),
            participant_name: "Ahmed Hassan".into(),
            job_title: "Engineer".into(),
            instructions: "Welcome".into(),
            max_duration: 1800,
        };
        let v = serde_json::to_value(&r).unwrap();
        let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "identity",
                "instructions",
                "jobTitle",
                "maxDuration",
                "participantName",
                "participantToken",
                "roomCode",
                "roomName",
                "serverUrl",
                "token"
            ]
        );
        let printed = format!("{r:?}");
        assert!(!printed.contains("lk-token") && !printed.contains("credential"));
    }
}
