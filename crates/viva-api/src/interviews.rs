use serde::{Deserialize, Serialize};

/// A user as shown inside an interview (`sender`, `receiver`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UserSummary {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Interview {
    pub uuid_id: String,
    pub status: String,
    pub topic: String,
    pub scheduled_time: String,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub duration_minutes: i64,
    pub interview_type: String,
    pub room_name: String,
    pub sender: UserSummary,
    pub receiver: UserSummary,
    /// Whether the interviewer's feedback is in (required before completion).
    pub interviewer_feedback_submitted: bool,
}

/// `POST /api/interviews/`: a candidate requests an interview with an interviewer.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CreateInterview {
    #[serde(default)]
    pub receiver: Option<String>,
    #[serde(default)]
    pub topic: Option<String>,
    #[serde(default)]
    pub scheduled_time: Option<String>,
    #[serde(default)]
    pub duration_minutes: Option<i64>,
    #[serde(default)]
    pub interview_type: Option<String>,
}

/// `POST .../feedback/interviewer/`: the mandatory scorecard.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct InterviewerFeedback {
    /// Competency name -> {rating 1..4, notes}.
    #[serde(default)]
    pub scorecard: Option<serde_json::Value>,
    /// strong_no | no | yes | strong_yes
    #[serde(default)]
    pub recommendation: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
}

/// `POST .../feedback/candidate/`: optional.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CandidateFeedback {
    /// 1..5
    #[serde(default)]
    pub rating: Option<i64>,
    #[serde(default)]
    pub comments: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FeedbackResponse {
    pub id: String,
    pub interview_id: String,
    pub kind: String,
    pub scorecard: serde_json::Value,
    pub recommendation: Option<String>,
    pub notes: String,
    pub version: i64,
    pub submitted_at: String,
    pub interview_status: String,
}
