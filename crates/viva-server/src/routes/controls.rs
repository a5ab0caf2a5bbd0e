//! Room controls (mute, unmute, eject, end): one implementation behind an interview's
//! `room/controls/` and a platform room's `controls/`, so an eject holds the same way
//! whichever way it was asked for.

use viva_api::rooms::{ControlRequest, ControlResponse};

use crate::domain::RoomStatus;
use crate::error::ApiError;
use crate::livekit::TrackType;
use crate::state::AppState;
use crate::store::Room;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Mute,
    Unmute,
    Eject,
    End,
}

/// A control request that passed validation.
#[derive(Debug)]
pub struct Control {
    action: Action,
    body: ControlRequest,
}

/// Checks the request before anything is looked up: a malformed request is a 400 whatever
/// the room's state.
pub fn parse(body: ControlRequest) -> Result<Control, ApiError> {
    let action = match body.action.as_deref() {
        Some("mute") => Action::Mute,
        Some("unmute") => Action::Unmute,
        Some("eject") => Action::Eject,
        Some("end") => Action::End,
        None | Some("") => {
            return Err(ApiError::validation(vec![
                "action should not be empty".into()
            ]))
        }
        Some(other) => {
            return Err(ApiError::validation(vec![format!(
                "action must be one of mute, unmute, eject, end (got '{other}')"
            )]))
        }
    };
    if body.audio_only && body.video_only {
        return Err(ApiError::validation(vec![
            "audio_only and video_only cannot both be true".into(),
        ]));
    }
    let identity = body
        .identity
        .as_deref()
        .map(str::trim)
        .filter(|i| !i.is_empty());
    if action != Action::End && identity.is_none() {
        return Err(ApiError::validation(vec![format!(
            "identity is required for {}",
            body.action.as_deref().unwrap_or_default()
        )]));
    }
    Ok(Control { action, body })
}

/// Applies a control to `room` on behalf of `me` (the caller's identity, who may not eject
/// themselves). `ended_by` names who ends the room in its ending record. The caller has
/// checked that `me` may control the room.
pub async fn apply(
    state: &AppState,
    room: &Room,
    me: &str,
    ended_by: &str,
    control: Control,
) -> Result<ControlResponse, ApiError> {
    let Control { action, body } = control;
    let identity = body
        .identity
        .as_deref()
        .map(str::trim)
        .filter(|i| !i.is_empty());
    let name = room.name.as_str();
    if room.status == RoomStatus::Ended {
        return Err(ApiError::conflict("This room has ended"));
    }
    let reply = |message: String| {
        Ok(ControlResponse {
            success: true,
            action: body.action.clone().unwrap_or_default(),
            identity: identity.map(str::to_owned),
            message,
        })
    };
    match action {
        Action::Mute | Action::Unmute => {
            let identity = identity.unwrap_or_default();
            let kinds: &[TrackType] = if body.audio_only {
                &[TrackType::Audio]
            } else if body.video_only {
                &[TrackType::Video]
            } else {
                &[TrackType::Audio, TrackType::Video]
            };
            let muted = action == Action::Mute;
            match state
                .livekit
                .set_muted(name, identity, kinds, muted)
                .await?
            {
                None => Err(ApiError::not_found(format!(
                    "Participant {identity} is not in the room"
                ))),
                Some(n) => reply(format!(
                    "{} {n} track(s) of {identity}",
                    if muted { "Muted" } else { "Unmuted" }
                )),
            }
        }
        Action::Eject => {
            let identity = identity.unwrap_or_default();
            if identity == me {
                return Err(ApiError::validation(vec![
                    "You cannot eject yourself; use end".into(),
                ]));
            }
            // Ban first: LiveKit does not revoke tokens, so from here on the server
            // refuses every join token for this identity in this room.
            state.store.ban(name, identity).await?;
            let was_there = state.livekit.remove(name, identity).await?;
            reply(if was_there {
                format!("Ejected {identity}; they cannot rejoin this room")
            } else {
                format!("{identity} was not connected; they cannot join this room")
            })
        }
        Action::End => {
            // Recorded in room_endings like every other ending; a failed DeleteRoom is
            // retried in the background and the room refuses joins meanwhile.
            crate::sweeper::end_room(state, name, ended_by).await?;
            reply("Room ended for everyone".into())
        }
    }
}
