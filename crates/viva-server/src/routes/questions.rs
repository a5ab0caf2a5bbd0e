//! The question bank (staff) and an interview's questions (its interviewer, and staff).
//! Candidates never see them.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use uuid::Uuid;
use viva_api::questions::{BankQuestion as BankQuestionDto, CreateBankQuestion, InterviewQuestion};

use super::fields::{one_of, optional_one_of, text};
use crate::domain::{ms_to_rfc3339, InterviewType};
use crate::error::ApiError;
use crate::extract::{Json, Path};
use crate::policy::participants::{load, side_of, Side};
use crate::session::CurrentUser;
use crate::state::AppState;
use crate::store::BankQuestion;

const TYPES: &[(&str, InterviewType)] = &[
    ("TECHNICAL", InterviewType::Technical),
    ("BEHAVIORAL", InterviewType::Behavioral),
    ("AI_SCREENING", InterviewType::AiScreening),
    ("FINAL", InterviewType::Final),
    ("CUSTOM", InterviewType::Custom),
];

fn dto(q: &BankQuestion) -> BankQuestionDto {
    BankQuestionDto {
        id: q.id.to_string(),
        interview_type: q.interview_type.to_string(),
        text: q.text.clone(),
        created_at: ms_to_rfc3339(q.created_at_ms),
    }
}

fn require_staff(user: &CurrentUser) -> Result<(), ApiError> {
    if user.is_staff() {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "Only staff can manage the question bank",
        ))
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct BankQuery {
    interview_type: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    query: Result<Query<BankQuery>, QueryRejection>,
) -> Result<Json<Vec<BankQuestionDto>>, ApiError> {
    require_staff(&user)?;
    let Query(q) = query?;
    let mut problems = Vec::new();
    let kind = optional_one_of(
        &mut problems,
        "interview_type",
        q.interview_type.as_deref(),
        TYPES,
    );
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let list = state.store.bank_questions(kind).await?;
    Ok(Json(list.iter().map(dto).collect()))
}

pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<CreateBankQuestion>,
) -> Result<(StatusCode, Json<BankQuestionDto>), ApiError> {
    require_staff(&user)?;
    let mut problems = Vec::new();
    let kind = one_of(
        &mut problems,
        "interview_type",
        body.interview_type.as_deref(),
        TYPES,
        None,
    );
    let text = text(&mut problems, "text", body.text, 500);
    let (Some(kind), Some(text), true) = (kind, text, problems.is_empty()) else {
        return Err(ApiError::validation(problems));
    };
    let q = state.store.add_bank_question(kind, &text).await?;
    Ok((StatusCode::CREATED, Json(dto(&q))))
}

pub async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    require_staff(&user)?;
    if state.store.delete_bank_question(id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found("Question not found"))
    }
}

/// The job's questions (when the interview is for an application), then the bank's for
/// the interview's type.
pub async fn for_interview(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Vec<InterviewQuestion>>, ApiError> {
    let interview = load(&state, id).await?;
    let interviewer = side_of(&interview, user.id()) == Some(Side::Interviewer);
    if !interviewer && !user.is_staff() {
        return Err(ApiError::forbidden(
            "Only the interviewer sees the interview's questions",
        ));
    }
    let mut out = Vec::new();
    if let Some(app) = interview.application_id {
        if let Some(app) = state.store.application(app).await? {
            if let Some(job) = state.store.job(app.job_id).await? {
                out.extend(
                    job.questions
                        .iter()
                        .enumerate()
                        .map(|(n, text)| InterviewQuestion {
                            id: format!("job-{}", n + 1),
                            text: text.clone(),
                            source: "job".into(),
                        }),
                );
            }
        }
    }
    for q in state
        .store
        .bank_questions(Some(interview.interview_type))
        .await?
    {
        out.push(InterviewQuestion {
            id: q.id.to_string(),
            text: q.text,
            source: "bank".into(),
        });
    }
    Ok(Json(out))
}
