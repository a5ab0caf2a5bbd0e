//! Feedback drafts on the server: one versioned draft per interview and side, written
//! only by that side's participant. A write names the version it was based on; a stale
//! one gets 409 with the server's current draft so the client can show both.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use uuid::Uuid;
use viva_api::feedback::{Draft, DraftConflict, PutDraft};

use crate::domain::{ms_to_rfc3339, FeedbackKind};
use crate::error::ApiError;
use crate::extract::{Json, Path};
use crate::policy::feedback::{require_feedback_window, require_side};
use crate::policy::idempotency;
use crate::session::CurrentUser;
use crate::state::AppState;
use crate::store::{write_draft, DraftWrite, Idempotent, Step, StoredDraft};

/// A draft is a form in progress, not a document: 48 KiB is far above any real one (and
/// under the server-wide 64 KiB body limit, so the message names the draft).
const MAX_DRAFT_BYTES: usize = 48 * 1024;

fn parse_kind(kind: &str) -> Result<FeedbackKind, ApiError> {
    FeedbackKind::parse(kind)
        .ok_or_else(|| ApiError::not_found("Draft kind must be interviewer or candidate"))
}

fn to_wire(interview_id: Uuid, kind: FeedbackKind, d: Option<StoredDraft>) -> Draft {
    match d {
        Some(d) => Draft {
            interview_id: interview_id.to_string(),
            kind: kind.to_string(),
            version: d.version,
            content: d.content,
            updated_at: Some(ms_to_rfc3339(d.updated_at_ms)),
        },
        None => Draft {
            interview_id: interview_id.to_string(),
            kind: kind.to_string(),
            version: 0,
            content: serde_json::json!({}),
            updated_at: None,
        },
    }
}

pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, kind)): Path<(Uuid, String)>,
) -> Result<Json<Draft>, ApiError> {
    let kind = parse_kind(&kind)?;
    require_side(&state, id, &user, kind).await?;
    Ok(Json(to_wire(id, kind, state.store.draft(id, kind).await?)))
}

pub async fn put(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path((id, kind_text)): Path<(Uuid, String)>,
    Json(body): Json<PutDraft>,
) -> Result<Response, ApiError> {
    let kind = parse_kind(&kind_text)?;
    let interview = require_side(&state, id, &user, kind).await?;
    require_feedback_window(&interview)?;
    let mut problems = Vec::new();
    let base = match body.base_version {
        Some(v) if v >= 0 => v,
        _ => {
            problems.push(
                "base_version must be the draft version you edited (0 for a new draft)".into(),
            );
            0
        }
    };
    match &body.content {
        Some(c @ serde_json::Value::Object(_)) if c.to_string().len() <= MAX_DRAFT_BYTES => {}
        Some(serde_json::Value::Object(_)) => {
            problems.push(format!("content must be at most {MAX_DRAFT_BYTES} bytes"))
        }
        _ => problems.push("content must be an object".into()),
    }
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let content = body.content.clone().unwrap_or_default();
    let key = idempotency::key_of(&headers, &user, &format!("PUT drafts {id} {kind}"), &body)?;
    let author = user.id();
    let outcome = state
        .store
        .idempotent(key.as_ref(), async |conn| {
            Ok(
                match write_draft(conn, id, kind, author, &content, base).await? {
                    DraftWrite::Saved(d) => {
                        let wire = to_wire(id, kind, Some(d));
                        let answer = serde_json::to_value(&wire).unwrap_or_default();
                        Step::Commit(Ok(wire), answer)
                    }
                    DraftWrite::Stale(current) => Step::Abort(Err(current)),
                },
            )
        })
        .await?;
    match outcome {
        Idempotent::Done(Ok(saved)) => Ok(Json(saved).into_response()),
        Idempotent::Replay(answer) => Ok(Json(answer).into_response()),
        Idempotent::KeyReused => Err(idempotency::key_reused()),
        Idempotent::Done(Err(current)) => {
            let current = to_wire(id, kind, current);
            let body = DraftConflict {
                status_code: 409,
                message: vec![format!(
                    "The draft changed elsewhere: the server has version {}, you edited version {base}",
                    current.version
                )],
                error: "Conflict".into(),
                current,
            };
            Ok((StatusCode::CONFLICT, Json(body)).into_response())
        }
    }
}
