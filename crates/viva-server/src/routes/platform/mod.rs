//! The rooms platform (seed "Rooms App"): `/api/v1/rooms/` and `/api/v1/room-templates/`.
//! Interview rooms and platform rooms are rows of the same table and are admitted by the
//! same code (`admission`); this module adds who may see, run and enter them by role.
//!
//! Who may do what, in one place:
//! - staff (superusers included) create, update and close rooms, manage templates, list
//!   and revoke tokens, and may ask for a token of any role for any user;
//! - a room's host (an interview's interviewer, or the user staff named) sees the room,
//!   controls it, and may ask for tokens (host for themselves, participant or viewer for
//!   anyone);
//! - anyone signed in may ask for their own participant or viewer token for a group,
//!   webinar or broadcast room (in webinars and broadcasts participants cannot publish),
//!   and an interview's candidate for a participant token for its room;
//! - superusers never join: no token names a superuser.

pub mod dial_in;
pub mod recordings;
pub mod rooms;
pub mod templates;
pub mod tokens;

use uuid::Uuid;
use viva_api::platform::{PlatformRoom, RoomParticipant};
use viva_api::rooms::RoomLimits;

use crate::domain::ms_to_rfc3339;
use crate::error::ApiError;
use crate::session::CurrentUser;
use crate::state::AppState;
use crate::store::{ParticipantRecord, Room, RoomSettings};

/// Whether `user` hosts `room`.
pub fn hosts(user: &CurrentUser, room: &Room) -> bool {
    room.host_id == Some(user.id())
}

/// Staff or the room's host: who sees a room, its participants, and controls it.
pub fn runs(user: &CurrentUser, room: &Room) -> bool {
    user.is_staff() || hosts(user, room)
}

pub fn require_host_or_staff(user: &CurrentUser, room: &Room) -> Result<(), ApiError> {
    if runs(user, room) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "Only staff or the room's host can do this",
        ))
    }
}

pub fn require_staff(user: &CurrentUser, what: &str) -> Result<(), ApiError> {
    if user.is_staff() {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!("Only staff can {what}")))
    }
}

/// The room with this id, if `user` may see it: 404 otherwise, so a room's existence is
/// not told to those who may not see it.
pub async fn visible_room(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
) -> Result<Room, ApiError> {
    let room = any_room(state, id).await?;
    if runs(user, &room) {
        Ok(room)
    } else {
        Err(room_not_found())
    }
}

pub async fn any_room(state: &AppState, id: Uuid) -> Result<Room, ApiError> {
    state.store.room_by_id(id).await?.ok_or_else(room_not_found)
}

fn room_not_found() -> ApiError {
    ApiError::not_found("Room not found")
}

/// `all` or `hosts`: who may publish.
pub fn publishers(settings: &RoomSettings) -> &'static str {
    if settings.hosts_only_publish {
        "hosts"
    } else {
        "all"
    }
}

pub fn room_dto(room: &Room) -> PlatformRoom {
    let s = &room.settings;
    PlatformRoom {
        id: room.id.to_string(),
        livekit_room_name: room.name.clone(),
        title: room.title.clone(),
        room_type: s.room_type.to_string(),
        template: room.template.clone(),
        interview: room.interview_id.map(|i| i.to_string()),
        host: room.host_id.map(|h| h.to_string()),
        status: room.status.to_string(),
        max_participants: s.max_participants,
        empty_timeout: s.empty_timeout,
        max_duration: s.max_duration,
        video_codec: s.video_codec.clone(),
        simulcast: s.simulcast,
        publishers: publishers(s).into(),
        recording_enabled: s.recording_enabled,
        sip_enabled: s.sip_enabled,
        created_at: ms_to_rfc3339(room.created_at_ms),
        updated_at: ms_to_rfc3339(room.updated_at_ms),
        started_at: room.started_at_ms.map(ms_to_rfc3339),
        ended_at: room.ended_at_ms.map(ms_to_rfc3339),
    }
}

/// What the room's template allows, for a room's header.
pub fn limits(room: &Room) -> RoomLimits {
    let s = &room.settings;
    RoomLimits {
        template: room.template.clone(),
        room_type: s.room_type.to_string(),
        max_participants: s.max_participants,
        max_duration: s.max_duration,
        empty_timeout: s.empty_timeout,
        recording_enabled: s.recording_enabled,
        sip_enabled: s.sip_enabled,
    }
}

pub fn participant_dto(p: &ParticipantRecord, now_ms: i64) -> RoomParticipant {
    RoomParticipant {
        sid: p.sid.clone(),
        identity: p.identity.clone(),
        name: p.name.clone(),
        kind: p.kind.to_string(),
        joined_at: p.joined_at_ms.map(ms_to_rfc3339),
        left_at: p.left_at_ms.map(ms_to_rfc3339),
        connected: p.joined_at_ms.is_some() && p.left_at_ms.is_none(),
        duration_seconds: p.duration_ms(now_ms) / 1000,
        audio_seconds: p.audio_ms / 1000,
        video_seconds: p.video_ms / 1000,
    }
}
