//! Feedback: the interviewer's scorecard is mandatory before completion; the candidate's
//! form is optional. Submissions are idempotent under an `Idempotency-Key`, so a client
//! that resends after losing the answer never submits twice.

use axum::extract::State;
use axum::http::HeaderMap;
use serde_json::{Map, Value};
use uuid::Uuid;
use viva_api::feedback::{competencies, EXPERIENCE_RANGE, RATING_RANGE, RECOMMENDATIONS};
use viva_api::interviews::{CandidateFeedback, FeedbackResponse, InterviewerFeedback};

use crate::domain::{
    interview_room_name, ms_to_rfc3339, FeedbackKind, InterviewStatus, RoomStatus,
};
use crate::error::ApiError;
use crate::extract::{Json, Path};
use crate::policy::feedback::{require_feedback_window, require_side};
use crate::policy::idempotency;
use crate::session::CurrentUser;
use crate::state::AppState;
use crate::store::{submit_feedback_in, Feedback, Idempotent, Interview, NewFeedback, Step};

const MAX_NOTES: usize = 10_000;

/// Checks a scorecard against the interview type's competencies: every one rated 1-4,
/// as `rating` or `{"rating": n, "notes": "..."}`, and nothing else. Returns it
/// normalised to the object form.
pub fn validate_scorecard(
    value: Option<&Value>,
    interview_type: &str,
    problems: &mut Vec<String>,
) -> Value {
    let wanted = competencies(interview_type);
    let Some(Value::Object(entries)) = value else {
        problems.push(format!(
            "scorecard must rate each competency 1-4: {}",
            wanted.join(", ")
        ));
        return Value::Null;
    };
    let mut normalised = Map::new();
    for name in wanted {
        let (rating, notes) = match entries.get(*name) {
            Some(Value::Number(n)) => (n.as_i64(), String::new()),
            Some(Value::Object(o)) => (
                o.get("rating").and_then(Value::as_i64),
                o.get("notes")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
            ),
            _ => (None, String::new()),
        };
        match rating {
            Some(r) if RATING_RANGE.contains(&r) && notes.chars().count() <= MAX_NOTES => {
                normalised.insert(
                    (*name).to_owned(),
                    serde_json::json!({ "rating": r, "notes": notes }),
                );
            }
            Some(r) if RATING_RANGE.contains(&r) => {
                problems.push(format!("scorecard.{name}.notes is too long"))
            }
            _ => problems.push(format!("scorecard.{name} needs a rating from 1 to 4")),
        }
    }
    for name in entries.keys().filter(|k| !wanted.contains(&k.as_str())) {
        let shown: String = name.chars().take(100).collect();
        problems.push(format!(
            "scorecard.{shown} is not a competency of a {interview_type} interview"
        ));
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

/// Stores a validated submission once per idempotency key. A replay answers what the
/// first request answered, with the interview's status as it is now.
async fn submit_once(
    state: &AppState,
    headers: &HeaderMap,
    user: &CurrentUser,
    interview: &Interview,
    body: &impl serde::Serialize,
    new: NewFeedback,
) -> Result<FeedbackResponse, ApiError> {
    let route = format!("POST feedback {} {}", new.interview_id, new.kind);
    let key = idempotency::key_of(headers, user, &route, body)?;
    let outcome = state
        .store
        .idempotent(key.as_ref(), async |conn| {
            let saved = response(submit_feedback_in(conn, new).await?, interview);
            let answer = serde_json::to_value(&saved).unwrap_or_default();
            Ok(Step::Commit(saved, answer))
        })
        .await?;
    match outcome {
        Idempotent::Done(saved) => Ok(saved),
        Idempotent::Replay(answer) => serde_json::from_value(answer).map_err(ApiError::internal),
        Idempotent::KeyReused => Err(idempotency::key_reused()),
    }
}

pub async fn interviewer(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
    Json(body): Json<InterviewerFeedback>,
) -> Result<Json<FeedbackResponse>, ApiError> {
    let interview = require_side(&state, id, &user, FeedbackKind::Interviewer).await?;
    require_feedback_window(&interview)?;
    let mut problems = Vec::new();
    let scorecard = validate_scorecard(
        body.scorecard.as_ref(),
        interview.interview_type.as_str(),
        &mut problems,
    );
    match body.recommendation.as_deref() {
        Some(r) if RECOMMENDATIONS.contains(&r) => {}
        _ => problems.push(format!(
            "recommendation must be one of {}",
            RECOMMENDATIONS.join(", ")
        )),
    }
    let notes = body.notes.clone().unwrap_or_default();
    if notes.chars().count() > MAX_NOTES {
        problems.push(format!("notes must be at most {MAX_NOTES} characters"));
    }
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let new = NewFeedback {
        interview_id: id,
        author_id: user.id(),
        kind: FeedbackKind::Interviewer,
        scorecard,
        recommendation: body.recommendation.clone(),
        notes,
    };
    let mut saved = submit_once(&state, &headers, &user, &interview, &body, new).await?;
    // With the room over and the scorecard in, the interview is complete. Also on a
    // replay: the first request may have stopped between its commit and this step.
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
        state.store.interview(id).await?.unwrap_or(interview)
    };
    saved.interview_status = interview.status.to_string();
    Ok(Json(saved))
}

pub async fn candidate(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
    Json(body): Json<CandidateFeedback>,
) -> Result<Json<FeedbackResponse>, ApiError> {
    let interview = require_side(&state, id, &user, FeedbackKind::Candidate).await?;
    require_feedback_window(&interview)?;
    let mut problems = Vec::new();
    if let Some(r) = body.rating {
        if !EXPERIENCE_RANGE.contains(&r) {
            problems.push("rating must be between 1 and 5".into());
        }
    }
    let comments = body.comments.clone().unwrap_or_default();
    if comments.chars().count() > MAX_NOTES {
        problems.push(format!("comments must be at most {MAX_NOTES} characters"));
    }
    if body.rating.is_none() && comments.trim().is_empty() {
        problems.push("give a rating or comments".into());
    }
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let new = NewFeedback {
        interview_id: id,
        author_id: user.id(),
        kind: FeedbackKind::Candidate,
        scorecard: serde_json::json!({ "experience_rating": body.rating }),
        recommendation: None,
        notes: comments,
    };
    let saved = submit_once(&state, &headers, &user, &interview, &body, new).await?;
    Ok(Json(saved))
}
