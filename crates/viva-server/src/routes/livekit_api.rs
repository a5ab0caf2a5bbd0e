//! The LiveKit token API, as the chat platform's token service documented it.

use std::time::Duration;

use axum::extract::State;
use uuid::Uuid;
use viva_api::livekit::{ConnectionInfo, Features, Health, TokenRequest, TokenResponse};

use crate::domain::{interview_room_name, ms_to_rfc3339, user_identity, RoomRole};
use crate::error::ApiError;
use crate::extract::Json;
use crate::livekit::JoinGrant;
use crate::policy::admission;
use crate::policy::interview_room::room_row_for;
use crate::policy::participants::{load, side_of, Side};
use crate::session::CurrentUser;
use crate::state::AppState;

pub async fn token(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<TokenRequest>,
) -> Result<Json<TokenResponse>, ApiError> {
    let mut problems = Vec::new();
    let room_id = body.room_id.unwrap_or_default().trim().to_owned();
    if room_id.is_empty() {
        problems.push("roomId should not be empty".to_owned());
    }
    if let Some(ttl) = body.ttl {
        if ttl < 1 {
            problems.push("ttl must not be less than 1".into());
        }
    }
    if let Some(name) = &body.name {
        if name.chars().count() > 100 {
            problems.push("name must be at most 100 characters".into());
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let identity = user_identity(user.id());
    if let Some(asked) = body.identity.as_deref().filter(|i| !i.is_empty()) {
        if asked != identity {
            return Err(ApiError::forbidden("identity must be your own"));
        }
    }
    if user.user.is_superuser {
        return Err(ApiError::forbidden(
            "Superusers cannot join interview rooms",
        ));
    }
    // Three kinds of room exist here, each with one interviewer who gets roomAdmin:
    // interview rooms (`interview-{uuid}`: both sides may join), public rooms
    // (`interview_{code}`: the staff member who created the code; the candidate joins with
    // the code and a phone instead) and password rooms (`interview-{applicationId}-{n}`:
    // the staff member who asked for the password; the candidate uses the password).
    let not_found = || ApiError::not_found(format!("Room {room_id} not found"));
    let forbidden = || ApiError::forbidden("Insufficient permissions to join this room");
    let mut interview_room = None;
    let is_interviewer = if room_id.starts_with("interview_") {
        let session = state
            .store
            .public_session_by_room(&room_id)
            .await?
            .ok_or_else(not_found)?;
        if session.created_by != user.id() {
            return Err(forbidden());
        }
        true
    } else if let Some(creator) = state.store.password_room_creator(&room_id).await? {
        if creator != Some(user.id()) {
            return Err(forbidden());
        }
        true
    } else {
        // One spelling per room: Uuid::parse_str also takes upper case, braces, no dashes
        // and `urn:uuid:`, each of which LiveKit would treat as another room (bans included).
        let interview_id = room_id
            .strip_prefix("interview-")
            .and_then(|rest| Uuid::parse_str(rest).ok())
            .filter(|id| interview_room_name(*id) == room_id)
            .ok_or_else(not_found)?;
        let interview = load(&state, interview_id).await.map_err(|_| not_found())?;
        let side = side_of(&interview, user.id()).ok_or_else(forbidden)?;
        admission::require_joinable(&interview)?;
        interview_room = Some(interview);
        side == Side::Interviewer
    };
    let room = match &interview_room {
        Some(interview) => Some(room_row_for(&state, interview).await?.0),
        None => state.store.room(&room_id).await?,
    };
    let room = room.ok_or_else(not_found)?;
    admission::admit(&state, &room, &identity).await?;
    // Asked-for lifetimes are capped where every join token is minted (MAX_JOIN_TOKEN_TTL).
    let ttl = body
        .ttl
        .map(|t| Duration::from_secs(t as u64))
        .unwrap_or(state.config.livekit.token_ttl);
    // The name others see is the account's, whatever `name` asks for: a free-text name
    // let anyone appear as "Dana Reyes (Interviewer)". The answer says which name it is.
    let name = user.user.display_name.clone();
    let issued = state
        .issue_join_token(
            &JoinGrant::new(
                &room,
                &identity,
                &name,
                if is_interviewer {
                    RoomRole::Host
                } else {
                    RoomRole::Participant
                },
                ttl,
            )
            .issued_by(user.id()),
        )
        .await?;
    Ok(Json(TokenResponse {
        token: issued.token,
        identity,
        room_id,
        name,
        expires_at: ms_to_rfc3339(issued.expires_at_ms),
    }))
}

pub async fn connection_info(
    State(state): State<AppState>,
    _user: CurrentUser,
) -> Json<ConnectionInfo> {
    let cfg = state.livekit.config();
    Json(ConnectionInfo {
        server_url: cfg.public_url.clone(),
        region: cfg.region.clone(),
        configured: cfg.configured(),
        features: Features {
            audio: true,
            video: true,
            screen_share: true,
            recording: false,
        },
    })
}

/// No authentication: for monitors. Healthy means configured and LiveKit answered.
pub async fn health(State(state): State<AppState>) -> Json<Health> {
    let configured = state.livekit.config().configured();
    let healthy = configured && state.livekit.healthy().await;
    Json(Health {
        status: if healthy { "healthy" } else { "unhealthy" }.into(),
        configured,
    })
}
