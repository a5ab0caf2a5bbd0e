//! `/api/v1/rooms/`: staff create, update and close rooms; hosts see theirs, control them
//! and see who was in them.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use uuid::Uuid;
use viva_api::platform::{CreateRoom, PlatformRoom, RoomParticipant, UpdateRoom};
use viva_api::rooms::{ControlRequest, ControlResponse};

use super::templates::{EMPTY_TIMEOUT, MAX_DURATION, MAX_PARTICIPANTS, ROOM_TYPES};
use super::{participant_dto, require_staff, room_dto, visible_room};
use crate::domain::{now_ms, platform_room_name, user_identity, RoomStatus};
use crate::error::ApiError;
use crate::extract::{Json, Path};
use crate::routes::fields::{bounded, optional_one_of, optional_text};
use crate::routes::paging::{self, PageQuery};
use crate::session::CurrentUser;
use crate::state::AppState;
use crate::store::{NewRoom, RoomScope, RoomSettings, RoomUpdate};

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    status: Option<String>,
    #[serde(flatten)]
    page: PageQuery,
}

const STATUSES: &[(&str, RoomStatus)] = &[
    ("created", RoomStatus::Created),
    ("active", RoomStatus::Active),
    ("ended", RoomStatus::Ended),
];

/// Staff see every room; everyone else the rooms they host.
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = query?;
    let mut problems = Vec::new();
    let status = optional_one_of(&mut problems, "status", q.status.as_deref(), STATUSES);
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let page = paging::page(Ok(Query(q.page)))?;
    let scope = if user.is_staff() {
        RoomScope::All
    } else {
        RoomScope::HostedBy(user.id())
    };
    let rooms = state.store.rooms_page(&scope, status, &page).await?;
    Ok(paging::respond(rooms, |r| room_dto(&r)))
}

/// A user id that names an existing user who may host (not a superuser: they never join).
async fn host_field(
    state: &AppState,
    problems: &mut Vec<String>,
    value: Option<&str>,
) -> Result<Option<Uuid>, ApiError> {
    let Some(text) = value.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let Ok(id) = Uuid::parse_str(text) else {
        problems.push("host must be a user id (UUID)".into());
        return Ok(None);
    };
    match state.store.user_by_id(id).await? {
        None => problems.push("host is not a known user".into()),
        Some(u) if u.is_superuser => problems.push("a superuser cannot host a room".into()),
        Some(_) => return Ok(Some(id)),
    }
    Ok(None)
}

pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<CreateRoom>,
) -> Result<(StatusCode, Json<PlatformRoom>), ApiError> {
    require_staff(&user, "create rooms")?;
    let mut problems = Vec::new();
    let room_type = optional_one_of(
        &mut problems,
        "room_type",
        body.room_type.as_deref(),
        ROOM_TYPES,
    );
    let template = match body
        .template
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        Some(name) => match state.store.template(name).await? {
            Some(t) => Some(t),
            None => {
                problems.push(format!("template '{name}' does not exist"));
                None
            }
        },
        None => match room_type {
            Some(rt) => Some(state.store.default_template(rt).await?),
            None => {
                problems.push("room_type or template is required".into());
                None
            }
        },
    };
    if let (Some(t), Some(rt)) = (&template, room_type) {
        if t.settings.room_type != rt {
            problems.push(format!(
                "template '{}' is for {} rooms, not {rt}",
                t.name, t.settings.room_type
            ));
        }
    }
    let title = optional_text(&mut problems, "title", body.title.clone(), 200);
    let host_id = host_field(&state, &mut problems, body.host.as_deref()).await?;
    let Some(template) = template else {
        return Err(ApiError::validation(problems));
    };
    let base = &template.settings;
    let settings = RoomSettings {
        max_participants: bounded(
            &mut problems,
            "max_participants",
            body.max_participants,
            MAX_PARTICIPANTS,
            base.max_participants,
        ),
        empty_timeout: bounded(
            &mut problems,
            "empty_timeout",
            body.empty_timeout,
            EMPTY_TIMEOUT,
            base.empty_timeout,
        ),
        max_duration: bounded(
            &mut problems,
            "max_duration",
            body.max_duration,
            MAX_DURATION,
            base.max_duration,
        ),
        recording_enabled: body.recording_enabled.unwrap_or(base.recording_enabled),
        sip_enabled: body.sip_enabled.unwrap_or(base.sip_enabled),
        ..base.clone()
    };
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let (room, _) = state
        .store
        .ensure_room(NewRoom {
            name: platform_room_name(),
            interview_id: None,
            room_code: None,
            template: template.name.clone(),
            settings,
            title,
            host_id,
            created_by: Some(user.id()),
        })
        .await?;
    // Dial-in on from the start where this server has it; a failure leaves the room
    // without it (the flag says so) rather than failing the room.
    if room.settings.sip_enabled && state.dial_in.enabled() {
        if let Err(e) = crate::dialin::enable(&state, &room).await {
            tracing::warn!(error = ?e, "dial-in could not be turned on for a new room");
            state.store.set_room_sip(&room.name, false).await?;
        }
    }
    let room = super::any_room(&state, room.id).await?;
    Ok((StatusCode::CREATED, Json(room_dto(&room))))
}

pub async fn get_one(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<PlatformRoom>, ApiError> {
    Ok(Json(room_dto(&visible_room(&state, &user, id).await?)))
}

pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Json(body): Json<UpdateRoom>,
) -> Result<Json<PlatformRoom>, ApiError> {
    require_staff(&user, "change rooms")?;
    let room = visible_room(&state, &user, id).await?;
    if room.status == RoomStatus::Ended {
        return Err(ApiError::conflict("This room has ended"));
    }
    let mut problems = Vec::new();
    let s = &room.settings;
    let title = match body.title.clone() {
        Some(t) => optional_text(&mut problems, "title", Some(t), 200),
        None => room.title.clone(),
    };
    let host_id = match body.host.as_deref() {
        Some(h) => host_field(&state, &mut problems, Some(h)).await?,
        None => room.host_id,
    };
    let update = RoomUpdate {
        title,
        host_id,
        max_participants: bounded(
            &mut problems,
            "max_participants",
            body.max_participants,
            MAX_PARTICIPANTS,
            s.max_participants,
        ),
        empty_timeout: bounded(
            &mut problems,
            "empty_timeout",
            body.empty_timeout,
            EMPTY_TIMEOUT,
            s.empty_timeout,
        ),
        max_duration: bounded(
            &mut problems,
            "max_duration",
            body.max_duration,
            MAX_DURATION,
            s.max_duration,
        ),
        recording_enabled: body.recording_enabled.unwrap_or(s.recording_enabled),
        sip_enabled: body.sip_enabled.unwrap_or(s.sip_enabled),
    };
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    // Dial-in follows the flag: a dispatch rule is made or deleted first, so the flag never
    // claims what LiveKit does not have.
    if update.sip_enabled != s.sip_enabled {
        if update.sip_enabled {
            crate::dialin::enable(&state, &room).await?;
        } else {
            crate::dialin::disable(&state, &room.name).await?;
        }
    }
    let updated = state
        .store
        .update_room(id, &update)
        .await?
        .ok_or_else(|| ApiError::conflict("This room has ended"))?;
    Ok(Json(room_dto(&updated)))
}

/// Closing a room ends it for everyone: LiveKit deletes it, and no token is issued for
/// it again. Idempotent.
async fn close_room(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
) -> Result<PlatformRoom, ApiError> {
    require_staff(user, "close rooms")?;
    let room = visible_room(state, user, id).await?;
    crate::sweeper::end_room(state, &room.name, "staff").await?;
    let room = super::any_room(state, id).await?;
    Ok(room_dto(&room))
}

pub async fn close(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<PlatformRoom>, ApiError> {
    Ok(Json(close_room(&state, &user, id).await?))
}

pub async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    close_room(&state, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Mute, unmute, eject or end, as an interview's controls: staff or the host.
pub async fn controls(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Json(body): Json<ControlRequest>,
) -> Result<Json<ControlResponse>, ApiError> {
    let control = crate::routes::controls::parse(body)?;
    // Only staff and the host see the room, and they are who control it.
    let room = visible_room(&state, &user, id).await?;
    let me = user_identity(user.id());
    let by = if user.is_staff() { "staff" } else { "host" };
    Ok(Json(
        crate::routes::controls::apply(&state, &room, &me, by, control).await?,
    ))
}

pub async fn participants(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Vec<RoomParticipant>>, ApiError> {
    let room = visible_room(&state, &user, id).await?;
    let now = now_ms();
    let list = state.store.room_participants(&room.name).await?;
    Ok(Json(list.iter().map(|p| participant_dto(p, now)).collect()))
}
