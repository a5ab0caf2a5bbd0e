//! Interview questions: the question bank staff keep per interview type
//! (`/api/question-bank/`) and the questions of one interview, for its interviewer
//! (`/api/interviews/{id}/questions/`): the job's own, then the bank's.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BankQuestion {
    pub id: String,
    /// TECHNICAL | BEHAVIORAL | AI_SCREENING | FINAL | CUSTOM
    pub interview_type: String,
    pub text: String,
    pub created_at: String,
}

/// `POST /api/question-bank/` (staff).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CreateBankQuestion {
    #[serde(default)]
    pub interview_type: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
}

/// One question of an interview.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct InterviewQuestion {
    /// Stable within the interview: `job-{n}` or the bank question's id.
    pub id: String,
    pub text: String,
    /// job | bank
    pub source: String,
}
