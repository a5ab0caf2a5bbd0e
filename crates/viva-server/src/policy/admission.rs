//! Who may get a join token for a room. Every way in (an interview's join, the LiveKit
//! token API, public room codes, one-time passwords) asks the same questions here, so a
//! rule (ended rooms, ejected identities) cannot hold on one path and not another.

use crate::domain::{InterviewStatus, RoomStatus};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{Interview, Room};

/// Only accepted (or already running) interviews have a room to join.
pub fn require_joinable(interview: &Interview) -> Result<(), ApiError> {
    match interview.status {
        InterviewStatus::Accepted | InterviewStatus::InProgress => Ok(()),
        other => Err(ApiError::conflict(format!(
            "Interview is {other}; only accepted interviews can be joined"
        ))),
    }
}

/// `identity` may join `room`: the room has not ended and they were not removed from it.
/// The LiveKit room is created here (or found) with its stored options, because LiveKit
/// runs with `room.auto_create: false`: no token can create a room, so a token handed out
/// before an end finds nothing to join. LiveKit also closes an empty room by itself; the
/// next admitted join brings it back.
pub async fn admit(state: &AppState, room: &Room, identity: &str) -> Result<(), ApiError> {
    let banned = state.store.is_banned(&room.name, identity).await?;
    admit_known(state, room, banned).await
}

/// `admit`, for a caller who already read whether the identity was removed from the room
/// (the interview join reads it with everything else in one statement).
pub async fn admit_known(state: &AppState, room: &Room, banned: bool) -> Result<(), ApiError> {
    if room.status == RoomStatus::Ended {
        return Err(ApiError::forbidden("This room has ended"));
    }
    // An ejected identity gets no more tokens for that room (LiveKit's open-source server
    // does not revoke tokens itself; refusing new ones is what makes an eject stick).
    if banned {
        return Err(ApiError::forbidden("You were removed from this room"));
    }
    open_in_livekit(state, room).await
}

/// Creates the room in LiveKit with its stored options, or finds it (CreateRoom returns
/// an existing room).
pub async fn open_in_livekit(state: &AppState, room: &Room) -> Result<(), ApiError> {
    state
        .livekit
        .ensure_room(
            &room.name,
            room.settings.empty_timeout as u32,
            room.settings.max_participants as u32,
        )
        .await?;
    Ok(())
}
