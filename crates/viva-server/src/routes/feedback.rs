//! Feedback: the interviewer's scorecard is mandatory before completion; the candidate's
//! form is optional.

use axum::extract::State;
use serde_json::{Map, Value};
use uuid::Uuid;
use viva_api::interviews::{CandidateFeedback, FeedbackResponse, InterviewerFeedback};

use super::interviews::{load_as_participant, Side};
use crate::domain::{
    interview_room_name, ms_to_rfc3339, FeedbackKind, InterviewStatus, RoomStatus,
};
use crate::error::ApiError;
use crate::extract::{Json, Path};
use crate::session::CurrentUser;
use crate::state::AppState;
use crate::store::{Feedback, Interview, NewFeedback};

pub const RECOMMENDATIONS: &[&str] = &["strong_no", "no", "yes", "strong_yes"];
const MAX_COMPETENCIES: usize = 30;
const MAX_NOTES: usize = 10_000;

/// Checks a scorecard: a non-empty object of competency -> rating 1..4, or
/// competency -> {"rating": 1..4, "notes": "..."}. Returns it normalised to the object form.
pub fn validate_scorecard(value: Option<&Value>, problems: &mut Vec<String>) -> Value {
    let Some(Value::Object(entries)) = value else {
        problems.push("scorecard must be an object of competency -> rating (1-4)".into());
        return Value::Null;
    };
    if entries.is_empty() {
        problems.push("scorecard should not be empty".into());
    }
    if entries.len() > MAX_COMPETENCIES {
        problems.push(format!(
            "scorecard has more than {MAX_COMPETENCIES} competencies"
        ));
    }
    let mut normalised = Map::new();
    for (name, entry) in entries {
        if name.trim().is_empty() || name.chars().count() > 100 {
            problems.push("competency names must be 1-100 characters".into());
            continue;
        }
        let (rating, notes) = match entry {
            Value::Number(n) => (n.as_i64(), String::new()),
            Value::Object(o) => (
                o.get("rating").and_then(Value::as_i64),
                o.get("notes")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
            ),
            _ => (None, String::new()),
        };
        match rating {
            Some(r @ 1..=4) if notes.chars().count() <= MAX_NOTES => {
                normalised.insert(
                    name.clone(),
                    serde_json::json!({ "rating": r, "notes": notes }),
                );
            }
            Some(1..=4) => problems.push(format!("scorecard.{name}.notes is too long")),
            _ => problems.push(format!("scorecard.{name} needs a rating from 1 to 4")),
        }
    }
    Value::Object(normalised)
}

fn response(f: Feedback, interview: &Interview) -> FeedbackResponse {
    FeedbackResponse {
        id: f.id.to_string(),
        interview_id: f.interview_id.to_string(),
        kind: f.kind.to_string(),
        scorecard: f.scorecard,
        recommendation: f.recommendation,
        notes: f.notes,
        version: f.version,
        submitted_at: ms_to_rfc3339(f.submitted_at_ms),
        interview_status: interview.status.to_string(),
    }
}

/// Feedback belongs to interviews that happened or are happening.
fn require_feedback_window(interview: &Interview) -> Result<(), ApiError> {
    match interview.status {
        InterviewStatus::Accepted | InterviewStatus::InProgress | InterviewStatus::Completed => {
            Ok(())
        }
        other => Err(ApiError::conflict(format!(
            "Interview is {other}; feedback is for accepted interviews"
        ))),
    }
}

pub async fn interviewer(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Json(body): Json<InterviewerFeedback>,
) -> Result<Json<FeedbackResponse>, ApiError> {
    let (interview, side) = load_as_participant(&state, id, &user).await?;
    if side != Side::Interviewer {
        return Err(ApiError::forbidden(
            "Only the interviewer can submit interviewer feedback",
        ));
    }
    require_feedback_window(&interview)?;
    let mut problems = Vec::new();
    let scorecard = validate_scorecard(body.scorecard.as_ref(), &mut problems);
    match body.recommendation.as_deref() {
        Some(r) if RECOMMENDATIONS.contains(&r) => {}
        _ => problems.push(format!(
            "recommendation must be one of {}",
            RECOMMENDATIONS.join(", ")
        )),
    }
    let notes = body.notes.unwrap_or_default();
    if notes.chars().count() > MAX_NOTES {
        problems.push(format!("notes must be at most {MAX_NOTES} characters"));
    }
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let saved = state
        .store
        .submit_feedback(NewFeedback {
            interview_id: id,
            author_id: user.id(),
            kind: FeedbackKind::Interviewer,
            scorecard,
            recommendation: body.recommendation,
            notes,
        })
        .await?;
    // With the room over and the scorecard in, the interview is complete.
    let room_ended = state
        .store
        .room(&interview_room_name(id))
        .await?
        .is_some_and(|r| r.status == RoomStatus::Ended);
    let interview = if room_ended {
        state
            .store
            .transition_interview(
                id,
                &[InterviewStatus::InProgress],
                InterviewStatus::Completed,
            )
            .await?
            .unwrap_or(interview)
    } else {
        interview
    };
    Ok(Json(response(saved, &interview)))
}

pub async fn candidate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Json(body): Json<CandidateFeedback>,
) -> Result<Json<FeedbackResponse>, ApiError> {
    let (interview, side) = load_as_participant(&state, id, &user).await?;
    if side != Side::Candidate {
        return Err(ApiError::forbidden(
            "Only the candidate can submit candidate feedback",
        ));
    }
    require_feedback_window(&interview)?;
    let mut problems = Vec::new();
    if let Some(r) = body.rating {
        if !(1..=5).contains(&r) {
            problems.push("rating must be between 1 and 5".into());
        }
    }
    let comments = body.comments.unwrap_or_default();
    if comments.chars().count() > MAX_NOTES {
        problems.push(format!("comments must be at most {MAX_NOTES} characters"));
    }
    if body.rating.is_none() && comments.trim().is_empty() {
        problems.push("give a rating or comments".into());
    }
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let saved = state
        .store
        .submit_feedback(NewFeedback {
            interview_id: id,
            author_id: user.id(),
            kind: FeedbackKind::Candidate,
            scorecard: serde_json::json!({ "experience_rating": body.rating }),
            recommendation: None,
            notes: comments,
        })
        .await?;
    Ok(Json(response(saved, &interview)))
}
