//! `/api/v1/rooms/{id}/recording/...` and an interview's `/api/interviews/{id}/recording/...`:
//! start and stop (staff or the host; an interview's interviewer), the list of recordings
//! and short-lived download links (the same people), and each participant's consent
//! answer, authenticated by the LiveKit token they joined with (candidates who joined by
//! code or password have no account). The rules live in `crate::recording`.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use uuid::Uuid;
use viva_api::recording::{ConsentInput, DownloadLinks, Recording, RoomRecording};

use super::dial_in::interview_room;
use super::{any_room, require_host_or_staff};
use crate::error::ApiError;
use crate::extract::{bearer, Json, Path};
use crate::policy::participants::Side;
use crate::recording;
use crate::session::CurrentUser;
use crate::state::AppState;
use crate::store::Room;

async fn run_room(state: &AppState, user: &CurrentUser, id: Uuid) -> Result<Room, ApiError> {
    let room = any_room(state, id).await?;
    require_host_or_staff(user, &room)?;
    Ok(room)
}

async fn interviewer_room(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
) -> Result<Room, ApiError> {
    let (room, side) = interview_room(state, user, id).await?;
    if side != Side::Interviewer {
        return Err(ApiError::forbidden(
            "Only the interviewer can record or see recordings",
        ));
    }
    Ok(room)
}

async fn started(
    state: &AppState,
    room: &Room,
    user: &CurrentUser,
) -> Result<(StatusCode, Json<Recording>), ApiError> {
    let rec = recording::start(state, room, &user.id().to_string()).await?;
    Ok((
        StatusCode::CREATED,
        Json(recording::describe(state, &rec).await?),
    ))
}

async fn stopped(state: &AppState, room: &Room) -> Result<Json<Recording>, ApiError> {
    let rec = recording::stop(state, room).await?;
    Ok(Json(recording::describe(state, &rec).await?))
}

async fn listed(state: &AppState, room: &Room) -> Result<Json<Vec<Recording>>, ApiError> {
    let mut out = Vec::new();
    for rec in state.store.recordings_of_room(&room.id.to_string()).await? {
        out.push(recording::describe(state, &rec).await?);
    }
    Ok(Json(out))
}

pub async fn start(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<(StatusCode, Json<Recording>), ApiError> {
    started(&state, &run_room(&state, &user, id).await?, &user).await
}

pub async fn stop(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Recording>, ApiError> {
    stopped(&state, &run_room(&state, &user, id).await?).await
}

pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Vec<Recording>>, ApiError> {
    listed(&state, &run_room(&state, &user, id).await?).await
}

pub async fn download(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, rid)): Path<(Uuid, Uuid)>,
) -> Result<Json<DownloadLinks>, ApiError> {
    let room = run_room(&state, &user, id).await?;
    let rec = state
        .store
        .recording(&rid.to_string())
        .await?
        .filter(|r| r.room_id == room.id.to_string())
        .ok_or_else(|| ApiError::not_found("Recording not found"))?;
    Ok(Json(recording::download(&state, &rec).await?))
}

pub async fn interview_start(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<(StatusCode, Json<Recording>), ApiError> {
    started(&state, &interviewer_room(&state, &user, id).await?, &user).await
}

pub async fn interview_stop(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Recording>, ApiError> {
    stopped(&state, &interviewer_room(&state, &user, id).await?).await
}

pub async fn interview_list(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Vec<Recording>>, ApiError> {
    listed(&state, &interviewer_room(&state, &user, id).await?).await
}

/// A participant's answer. The caller proves who they are in the room with the LiveKit
/// token they joined with (`Authorization: Bearer <join token>`).
pub async fn consent(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
    Json(input): Json<ConsentInput>,
) -> Result<Json<RoomRecording>, ApiError> {
    let room = any_room(&state, id).await?;
    let (identity, name) = bearer(&headers)
        .and_then(|t| state.livekit.verify_room_token(t, &room.name))
        .ok_or_else(|| {
            ApiError::unauthorized("Send the join token of this room as the bearer token")
        })?;
    let mut problems = Vec::new();
    let recording_id =
        crate::routes::fields::uuid_field(&mut problems, "recording_id", input.recording_id);
    if input.consent.is_none() {
        problems.push("consent must be true or false".into());
    }
    let (Some(recording_id), Some(consent), true) =
        (recording_id, input.consent, problems.is_empty())
    else {
        return Err(ApiError::validation(problems));
    };
    let view = recording::consent(
        &state,
        &room,
        &recording_id.to_string(),
        (&identity, &name),
        consent,
    )
    .await?;
    Ok(Json(view))
}
