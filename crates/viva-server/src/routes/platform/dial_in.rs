//! `/api/v1/rooms/{id}/dial-in/` and an interview's `/api/interviews/{id}/dial-in/`: the
//! numbers and PIN to join a room by phone (participants of the room only), and turning
//! dial-in on and off (staff or the host; an interview's interviewer).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use uuid::Uuid;
use viva_api::platform::{DialInInfo as DialInDto, DialInNumber};

use super::{any_room, hosts, require_host_or_staff};
use crate::domain::{interview_room_name, user_identity};
use crate::error::ApiError;
use crate::extract::Json;
use crate::extract::Path;
use crate::policy::participants::{load_as_participant, Side};
use crate::session::CurrentUser;
use crate::state::AppState;
use crate::store::Room;

#[derive(Debug, Default, Deserialize)]
pub struct RegionQuery {
    region: Option<String>,
}

/// Whether `user` takes part in the room: its host, a side of its interview, or someone
/// holding a token issued for it. Staff and superusers who are none of these may not see
/// the PIN: it lets anyone with a phone into the room.
async fn takes_part(state: &AppState, user: &CurrentUser, room: &Room) -> Result<bool, ApiError> {
    if hosts(user, room) {
        return Ok(true);
    }
    if let Some(interview) = room.interview_id {
        if let Some(i) = state.store.interview(interview).await? {
            if i.sender_id == user.id() || i.receiver_id == user.id() {
                return Ok(true);
            }
        }
    }
    Ok(state
        .store
        .holds_token(&room.name, &user_identity(user.id()))
        .await?)
}

async fn answer(
    state: &AppState,
    room: &Room,
    query: Result<Query<RegionQuery>, QueryRejection>,
) -> Result<Json<DialInDto>, ApiError> {
    let Query(q) = query?;
    let info = crate::dialin::info(state, room)
        .await?
        .ok_or_else(|| ApiError::not_found("Dial-in is not enabled for this room"))?;
    let asked = q.region.as_deref().map(|r| r.trim().to_ascii_uppercase());
    let (region, number) = info
        .numbers
        .iter()
        .find(|(r, _)| Some(r) == asked.as_ref())
        .or(info.numbers.first())
        .cloned()
        .ok_or_else(|| ApiError::internal("dial-in without numbers"))?;
    Ok(Json(DialInDto {
        instructions: format!(
            "Call {number}. When asked, enter the PIN {} followed by #.",
            info.pin
        ),
        number,
        region,
        numbers: info
            .numbers
            .iter()
            .map(|(region, number)| DialInNumber {
                region: region.clone(),
                number: number.clone(),
            })
            .collect(),
        pin: info.pin,
    }))
}

pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    query: Result<Query<RegionQuery>, QueryRejection>,
) -> Result<Json<DialInDto>, ApiError> {
    let room = any_room(&state, id).await?;
    if !takes_part(&state, &user, &room).await? {
        return Err(ApiError::forbidden(
            "Only the room's participants can see how to dial in",
        ));
    }
    answer(&state, &room, query).await
}

pub async fn enable(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    query: Result<Query<RegionQuery>, QueryRejection>,
) -> Result<Json<DialInDto>, ApiError> {
    let room = any_room(&state, id).await?;
    require_host_or_staff(&user, &room)?;
    crate::dialin::enable(&state, &room).await?;
    answer(&state, &room, query).await
}

pub async fn disable(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    let room = any_room(&state, id).await?;
    require_host_or_staff(&user, &room)?;
    crate::dialin::disable(&state, &room.name).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The interview's room, for its two sides.
pub(super) async fn interview_room(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
) -> Result<(Room, Side), ApiError> {
    let (interview, side) = load_as_participant(state, id, user).await?;
    // Interviews accepted before rooms were made on acceptance get theirs here.
    let room = match state.store.room(&interview_room_name(interview.id)).await? {
        Some(room) => room,
        None => {
            crate::policy::admission::require_joinable(&interview)?;
            crate::policy::interview_room::room_row_for(state, &interview)
                .await?
                .0
        }
    };
    Ok((room, side))
}

pub async fn interview_get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    query: Result<Query<RegionQuery>, QueryRejection>,
) -> Result<Json<DialInDto>, ApiError> {
    let (room, _) = interview_room(&state, &user, id).await?;
    answer(&state, &room, query).await
}

pub async fn interview_enable(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    query: Result<Query<RegionQuery>, QueryRejection>,
) -> Result<Json<DialInDto>, ApiError> {
    let (room, side) = interview_room(&state, &user, id).await?;
    if side != Side::Interviewer {
        return Err(ApiError::forbidden(
            "Only the interviewer can turn on dial-in",
        ));
    }
    crate::dialin::enable(&state, &room).await?;
    answer(&state, &room, query).await
}
