//! Feedback forms and drafts: what a complete scorecard needs (shared so the server's
//! validation and the app's form agree), and the versioned draft API.

use serde::{Deserialize, Serialize};

/// The overall recommendation, weakest first.
pub const RECOMMENDATIONS: &[&str] = &["strong_no", "no", "yes", "strong_yes"];

/// A competency's rating runs from 1 (weak) to 4 (strong).
pub const RATING_RANGE: std::ops::RangeInclusive<i64> = 1..=4;

/// The candidate's optional experience rating runs from 1 to 5.
pub const EXPERIENCE_RANGE: std::ops::RangeInclusive<i64> = 1..=5;

/// The competencies an interviewer rates for an interview type (the server's
/// `interview_type` text). Every one needs a rating before the scorecard is accepted.
/// Unknown types get the custom list, so a new type never blocks feedback.
pub fn competencies(interview_type: &str) -> &'static [&'static str] {
    match interview_type {
        "TECHNICAL" => &[
            "Problem solving",
            "Coding",
            "System design",
            "Communication",
        ],
        "BEHAVIORAL" => &[
            "Collaboration",
            "Ownership",
            "Adaptability",
            "Communication",
        ],
        "AI_SCREENING" => &["Role fit", "Motivation", "Communication"],
        "FINAL" => &[
            "Technical depth",
            "Leadership",
            "Culture add",
            "Communication",
        ],
        _ => &["Overall fit", "Communication"],
    }
}

/// `PUT /api/interviews/{id}/feedback/drafts/{kind}`: the whole draft, and the version
/// the client last saw (0 when it has never seen one). A stale base gets 409 with
/// `DraftConflict`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PutDraft {
    #[serde(default)]
    pub base_version: Option<i64>,
    /// A JSON object; the server stores it as it is.
    #[serde(default)]
    pub content: Option<serde_json::Value>,
}

/// A draft as the server holds it. `version` 0 with empty content: no draft yet.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Draft {
    pub interview_id: String,
    pub kind: String,
    pub version: i64,
    pub content: serde_json::Value,
    /// RFC 3339; absent before the first save.
    pub updated_at: Option<String>,
}

/// The 409 body of a stale PUT: the documented error shape plus the server's current
/// draft, so the client can show both versions side by side.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DraftConflict {
    #[serde(rename = "statusCode")]
    pub status_code: u16,
    pub message: Vec<String>,
    pub error: String,
    pub current: Draft,
}

/// The header that makes a write idempotent: the same key replays the first answer.
pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_has_communication_and_unknown_types_still_have_a_form() {
        for t in [
            "TECHNICAL",
            "BEHAVIORAL",
            "AI_SCREENING",
            "FINAL",
            "CUSTOM",
            "NEW",
        ] {
            assert!(competencies(t).contains(&"Communication"), "{t}");
        }
        assert_eq!(competencies("NEW"), competencies("CUSTOM"));
    }
}
