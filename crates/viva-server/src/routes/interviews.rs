use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use uuid::Uuid;
use viva_api::interviews::{CreateInterview, Interview as InterviewDto, UserSummary};

use crate::domain::{
    interview_room_name, ms_to_rfc3339, FeedbackKind, InterviewStatus, InterviewType, Role,
};
use crate::error::ApiError;
use crate::extract::{Json, Path};
use crate::session::CurrentUser;
use crate::state::AppState;
use crate::store::{Interview, InterviewListing, NewInterview};

use super::paging::{self, PageQuery};
use crate::policy::participants::{load, load_as_participant, party, side_of, sides, Side};

pub async fn to_dto(state: &AppState, i: &Interview) -> Result<InterviewDto, ApiError> {
    let (sender, receiver) = sides(state, i, None).await?;
    let feedback = state
        .store
        .feedback(i.id, FeedbackKind::Interviewer)
        .await?;
    Ok(dto(i, sender, receiver, feedback.is_some()))
}

/// The one shape of an interview on the wire, for single answers and list pages alike.
fn dto(
    i: &Interview,
    sender: UserSummary,
    receiver: UserSummary,
    interviewer_feedback_submitted: bool,
) -> InterviewDto {
    InterviewDto {
        uuid_id: i.id.to_string(),
        status: i.status.to_string(),
        topic: i.topic.clone(),
        scheduled_time: ms_to_rfc3339(i.scheduled_time_ms),
        duration_minutes: i.duration_minutes,
        interview_type: i.interview_type.to_string(),
        room_name: interview_room_name(i.id),
        sender,
        receiver,
        interviewer_feedback_submitted,
    }
}

pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let page = paging::page(query)?;
    let scope = if user.is_staff() {
        None
    } else {
        Some(user.id())
    };
    let listed = state.store.interview_page(scope, &page).await?;
    Ok(paging::respond(listed, listing_dto))
}

fn listing_dto(l: InterviewListing) -> InterviewDto {
    dto(
        &l.interview,
        party(l.sender),
        party(l.receiver),
        l.interviewer_feedback_submitted,
    )
}

pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<CreateInterview>,
) -> Result<(StatusCode, Json<InterviewDto>), ApiError> {
    if user.user.role != Role::Candidate {
        return Err(ApiError::forbidden(
            "Only candidates can request interviews",
        ));
    }
    let mut problems = Vec::new();
    let receiver = match body.receiver.as_deref().map(str::trim) {
        None | Some("") => {
            problems.push("receiver should not be empty".to_owned());
            None
        }
        Some(r) => match Uuid::parse_str(r) {
            Ok(id) => Some(id),
            Err(_) => {
                problems.push("receiver must be a user id (UUID)".to_owned());
                None
            }
        },
    };
    let topic = body.topic.unwrap_or_default().trim().to_owned();
    if topic.is_empty() {
        problems.push("topic should not be empty".into());
    } else if topic.chars().count() > 200 {
        problems.push("topic must be at most 200 characters".into());
    }
    let scheduled = match body.scheduled_time.as_deref() {
        None | Some("") => {
            problems.push("scheduled_time should not be empty".into());
            None
        }
        Some(t) => match chrono::DateTime::parse_from_rfc3339(t) {
            Ok(dt) => Some(dt.timestamp_millis()),
            Err(_) => {
                problems.push(
                    "scheduled_time must be an RFC 3339 date-time, e.g. 2026-02-10T14:00:00Z"
                        .into(),
                );
                None
            }
        },
    };
    let duration = body.duration_minutes.unwrap_or(60);
    if !(15..=480).contains(&duration) {
        problems.push("duration_minutes must be between 15 and 480".into());
    }
    let kind = match body.interview_type.as_deref() {
        None => Some(InterviewType::Technical),
        Some(k) => InterviewType::parse(k).or_else(|| {
            problems.push(
                "interview_type must be one of TECHNICAL, BEHAVIORAL, AI_SCREENING, FINAL, CUSTOM"
                    .into(),
            );
            None
        }),
    };
    let (Some(receiver), Some(scheduled), Some(kind), true) =
        (receiver, scheduled, kind, problems.is_empty())
    else {
        return Err(ApiError::validation(problems));
    };
    match state.store.user_by_id(receiver).await? {
        Some(u) if u.role == Role::Interviewer => {}
        _ => {
            return Err(ApiError::validation(vec![
                "receiver must be the user id of an interviewer".into(),
            ]))
        }
    }
    // A cap per candidate per day (counted in the database, so across nodes): requests
    // land in interviewers' lists, and nothing else stops a script filling them.
    const DAY_MS: i64 = 24 * 3600 * 1000;
    let now = crate::domain::now_ms();
    let (count, window_start) = state
        .store
        .rate_limit_hit(&format!("interview-requests:{}", user.id()), DAY_MS, now)
        .await?;
    if count > state.config.interview_requests_per_day {
        let retry_after = ((window_start + DAY_MS - now) / 1000).max(1) as u64;
        return Err(ApiError::too_many_requests(retry_after));
    }
    let interview = state
        .store
        .create_interview(NewInterview {
            sender_id: user.id(),
            receiver_id: receiver,
            topic,
            status: InterviewStatus::Pending,
            scheduled_time_ms: scheduled,
            duration_minutes: duration,
            interview_type: kind,
            application_id: None,
        })
        .await?;
    Ok((StatusCode::CREATED, Json(to_dto(&state, &interview).await?)))
}

pub async fn get_one(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<InterviewDto>, ApiError> {
    let interview = load(&state, id).await?;
    if side_of(&interview, user.id()).is_none() && !user.is_staff() {
        return Err(ApiError::forbidden(
            "You are not a participant of this interview",
        ));
    }
    Ok(Json(to_dto(&state, &interview).await?))
}

/// Applies a status change that only `allowed` callers may make, from `from`.
async fn transition(
    state: &AppState,
    id: Uuid,
    from: &[InterviewStatus],
    to: InterviewStatus,
) -> Result<Json<InterviewDto>, ApiError> {
    match state.store.transition_interview(id, from, to).await? {
        Some(updated) => Ok(Json(to_dto(state, &updated).await?)),
        None => {
            let current = load(state, id).await?;
            Err(ApiError::conflict(format!(
                "Interview is {}; it cannot become {to}",
                current.status
            )))
        }
    }
}

/// The interviewer answers a pending request: `verb` names the action in the refusal.
async fn answer(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    verb: &str,
    to: InterviewStatus,
) -> Result<Json<InterviewDto>, ApiError> {
    let (_, side) = load_as_participant(state, id, user).await?;
    if side != Side::Interviewer {
        return Err(ApiError::forbidden(format!(
            "Only the interviewer can {verb} this interview"
        )));
    }
    let answered = transition(state, id, &[InterviewStatus::Pending], to).await?;
    if to == InterviewStatus::Accepted {
        // The seed's signal: an accepted interview gets its room at once, from the
        // individual template, so its limits are known before anyone joins.
        let interview = load(state, id).await?;
        crate::policy::interview_room::room_row_for(state, &interview).await?;
    }
    Ok(answered)
}

pub async fn accept(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<InterviewDto>, ApiError> {
    answer(&state, &user, id, "accept", InterviewStatus::Accepted).await
}

pub async fn decline(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<InterviewDto>, ApiError> {
    answer(&state, &user, id, "decline", InterviewStatus::Declined).await
}

pub async fn cancel(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<InterviewDto>, ApiError> {
    let interview = load(&state, id).await?;
    if side_of(&interview, user.id()).is_none() && !user.is_staff() {
        return Err(ApiError::forbidden(
            "You are not a participant of this interview",
        ));
    }
    transition(
        &state,
        id,
        &[InterviewStatus::Pending, InterviewStatus::Accepted],
        InterviewStatus::Cancelled,
    )
    .await
}

/// Completion needs the interviewer's feedback: the rule the predecessor documented as
/// "mandatory feedback".
pub async fn complete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<InterviewDto>, ApiError> {
    let (_, side) = load_as_participant(&state, id, &user).await?;
    if side != Side::Interviewer {
        return Err(ApiError::forbidden(
            "Only the interviewer can complete this interview",
        ));
    }
    if state
        .store
        .feedback(id, FeedbackKind::Interviewer)
        .await?
        .is_none()
    {
        return Err(ApiError::conflict(
            "Interviewer feedback is required before the interview can be completed",
        ));
    }
    transition(
        &state,
        id,
        &[InterviewStatus::Accepted, InterviewStatus::InProgress],
        InterviewStatus::Completed,
    )
    .await
}
