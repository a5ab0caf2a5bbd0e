//! `POST /api/v1/rooms/{id}/token/` (seed "Rooms App": `create_room_token`), and the
//! record staff keep of tokens: list and revoke. Revoking removes the holder from the room
//! and bans their identity there, so neither a new token nor the revoked one (whose
//! signature LiveKit still accepts until it expires) gets them back in: the webhook
//! receiver removes a banned identity that joins.

use std::time::Duration;

use axum::extract::State;
use uuid::Uuid;
use viva_api::platform::{RoomTokenResponse, TokenRecord as TokenRecordDto, TokenRequest};

use super::{any_room, hosts, require_staff, visible_room};
use crate::domain::{ms_to_rfc3339, user_identity, RoomRole, RoomType};
use crate::error::ApiError;
use crate::extract::{Json, Path};
use crate::livekit::JoinGrant;
use crate::policy::admission;
use crate::routes::fields::one_of;
use crate::session::CurrentUser;
use crate::state::AppState;
use crate::store::{Room, TokenRecord, User};

const ROLES: &[(&str, RoomRole)] = &[
    ("host", RoomRole::Host),
    ("participant", RoomRole::Participant),
    ("viewer", RoomRole::Viewer),
];

/// How many token records a list shows (newest first).
const LIST_LIMIT: i64 = 500;

/// Whether `caller` may have a token of `role` issued to `target` in `room` (see the
/// module comment of `platform` for the rules).
async fn may_issue(
    state: &AppState,
    caller: &CurrentUser,
    target: &User,
    room: &Room,
    role: RoomRole,
) -> Result<bool, ApiError> {
    if caller.is_staff() {
        return Ok(true);
    }
    let for_self = target.id == caller.id();
    if hosts(caller, room) {
        return Ok(for_self || role != RoomRole::Host);
    }
    if !for_self || role == RoomRole::Host {
        return Ok(false);
    }
    if let Some(interview_id) = room.interview_id {
        let interview = state.store.interview(interview_id).await?;
        return Ok(
            role == RoomRole::Participant && interview.is_some_and(|i| i.sender_id == caller.id())
        );
    }
    Ok(room.settings.room_type != RoomType::Individual)
}

pub async fn issue(
    State(state): State<AppState>,
    caller: CurrentUser,
    Path(id): Path<Uuid>,
    Json(body): Json<TokenRequest>,
) -> Result<Json<RoomTokenResponse>, ApiError> {
    let mut problems = Vec::new();
    let role = one_of(&mut problems, "role", body.role.as_deref(), ROLES, None);
    let ttl = match body.ttl {
        None => state.config.livekit.token_ttl,
        Some(t) if t >= 1 => Duration::from_secs(t as u64),
        Some(_) => {
            problems.push("ttl must be at least 1 second".into());
            Duration::ZERO
        }
    };
    let target_id = match body
        .user
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
    {
        None => Some(caller.id()),
        Some(text) => Uuid::parse_str(text).ok().or_else(|| {
            problems.push("user must be a user id (UUID)".into());
            None
        }),
    };
    let (Some(role), Some(target_id), true) = (role, target_id, problems.is_empty()) else {
        return Err(ApiError::validation(problems));
    };
    let room = any_room(&state, id).await?;
    let target = if target_id == caller.id() {
        caller.user.clone()
    } else {
        state
            .store
            .user_by_id(target_id)
            .await?
            .ok_or_else(|| ApiError::validation(vec!["user is not a known user".into()]))?
    };
    if !may_issue(&state, &caller, &target, &room, role).await? {
        return Err(ApiError::forbidden(format!(
            "You may not have a {role} token issued for this room"
        )));
    }
    if target.is_superuser {
        return Err(ApiError::forbidden("Superusers cannot join rooms"));
    }
    let identity = user_identity(target.id);
    admission::admit(&state, &room, &identity).await?;
    let grant =
        JoinGrant::new(&room, &identity, &target.display_name, role, ttl).issued_by(caller.id());
    let issued = state.issue_join_token(&grant).await?;
    Ok(Json(RoomTokenResponse {
        token: issued.token,
        identity,
        role: role.to_string(),
        expires_at: ms_to_rfc3339(issued.expires_at_ms),
        jti: issued.jti,
        room: room.id.to_string(),
        livekit_room_name: room.name.clone(),
        livekit_url: state.config.livekit.public_url.clone(),
        can_publish: grant.can_publish,
        can_subscribe: true,
        can_publish_data: grant.can_publish_data(),
        video_codec: room.settings.video_codec.clone(),
        simulcast: room.settings.simulcast,
    }))
}

fn record_dto(t: &TokenRecord) -> TokenRecordDto {
    TokenRecordDto {
        jti: t.jti.clone(),
        identity: t.identity.clone(),
        role: t.role.to_string(),
        issued_by: t.issued_by.clone(),
        issued_at: ms_to_rfc3339(t.issued_at_ms),
        expires_at: ms_to_rfc3339(t.expires_at_ms),
        first_used_at: t.first_used_at_ms.map(ms_to_rfc3339),
        revoked: t.revoked,
        revoked_at: t.revoked_at_ms.map(ms_to_rfc3339),
    }
}

pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Vec<TokenRecordDto>>, ApiError> {
    require_staff(&user, "list a room's tokens")?;
    let room = visible_room(&state, &user, id).await?;
    let tokens = state.store.room_tokens(&room.name, LIST_LIMIT).await?;
    Ok(Json(tokens.iter().map(record_dto).collect()))
}

pub async fn revoke(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, jti)): Path<(Uuid, String)>,
) -> Result<Json<TokenRecordDto>, ApiError> {
    require_staff(&user, "revoke tokens")?;
    let room = visible_room(&state, &user, id).await?;
    let record = state
        .store
        .token_record(&jti)
        .await?
        .filter(|t| t.room_name == room.name)
        .ok_or_else(|| ApiError::not_found("Token not found in this room"))?;
    // Ban first, then remove: from the ban on, no token gets this identity back in.
    state.store.ban(&room.name, &record.identity).await?;
    state.livekit.remove(&room.name, &record.identity).await?;
    let record = state
        .store
        .token_record(&jti)
        .await?
        .ok_or_else(|| ApiError::internal("revoked token record vanished"))?;
    Ok(Json(record_dto(&record)))
}
