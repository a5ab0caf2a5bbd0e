//! Who writes feedback, and when: each side writes its own kind (the interviewer's
//! scorecard, the candidate's form), and only for interviews that happened or are happening.
//! Submissions and drafts both ask here.

use uuid::Uuid;

use super::participants::{load_as_participant, Side};
use crate::domain::{FeedbackKind, InterviewStatus};
use crate::error::ApiError;
use crate::session::CurrentUser;
use crate::state::AppState;
use crate::store::Interview;

/// Feedback belongs to interviews that happened or are happening.
pub fn require_feedback_window(interview: &Interview) -> Result<(), ApiError> {
    match interview.status {
        InterviewStatus::Accepted | InterviewStatus::InProgress | InterviewStatus::Completed => {
            Ok(())
        }
        other => Err(ApiError::conflict(format!(
            "Interview is {other}; feedback is for accepted interviews"
        ))),
    }
}

/// The interview, when `user` is its participant on the side that writes `kind`.
pub async fn require_side(
    state: &AppState,
    id: Uuid,
    user: &CurrentUser,
    kind: FeedbackKind,
) -> Result<Interview, ApiError> {
    let (interview, side) = load_as_participant(state, id, user).await?;
    match (kind, side) {
        (FeedbackKind::Interviewer, Side::Interviewer)
        | (FeedbackKind::Candidate, Side::Candidate) => Ok(interview),
        (FeedbackKind::Interviewer, _) => Err(ApiError::forbidden(
            "Only the interviewer can write interviewer feedback",
        )),
        (FeedbackKind::Candidate, _) => Err(ApiError::forbidden(
            "Only the candidate can write candidate feedback",
        )),
    }
}
