//! LiveKit's webhooks (`POST /webhooks/livekit/`): what makes an eject or an end hold
//! against join tokens handed out before it. LiveKit's open-source server cannot revoke a
//! token, so when a banned identity joins anyway, or anyone joins a room that has ended,
//! LiveKit tells us here and we remove them (or delete the room) at once.
//!
//! Every delivery is verified (the `Authorization` JWT, signed with our API secret, carries
//! the body's SHA-256) and acted on once per event id, whichever node receives it.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};

use crate::domain::RoomStatus;
use crate::error::ApiError;
use crate::extract::Body;
use crate::livekit::{DisconnectReason, WebhookError, WebhookEvent};
use crate::state::AppState;
use crate::sweeper::room_ref;

pub async fn livekit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Body(body): Body,
) -> Result<StatusCode, ApiError> {
    let body = std::str::from_utf8(&body)
        .map_err(|_| ApiError::bad_request("Webhook body is not UTF-8"))?;
    // LiveKit sends the bare JWT; "Bearer <jwt>" is accepted too.
    let authorization = crate::extract::bearer(&headers)
        .or_else(|| {
            headers
                .get(axum::http::header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
        })
        .unwrap_or_default()
        .trim();
    if authorization.is_empty() {
        return Err(ApiError::unauthorized("Webhook signature missing"));
    }
    let event = state
        .livekit
        .verify_webhook(body, authorization)
        .map_err(|e| {
            tracing::warn!(error = %e, "LiveKit webhook refused");
            match e {
                // Signed by LiveKit, but not an event we can read.
                WebhookError::InvalidData(_) => {
                    ApiError::bad_request("Webhook body is not a LiveKit event")
                }
                _ => ApiError::unauthorized("Webhook signature invalid"),
            }
        })?;
    if event.id.is_empty() {
        return Err(ApiError::bad_request("Webhook event has no id"));
    }
    if !state
        .store
        .first_webhook_delivery(&event.id, &event.event)
        .await?
    {
        return Ok(StatusCode::OK);
    }
    if let Err(e) = act(&state, &event).await {
        // Not done: let LiveKit's retry act on it.
        state.store.forget_webhook_delivery(&event.id).await?;
        return Err(e);
    }
    Ok(StatusCode::OK)
}

/// What an event asks of us. Everything else LiveKit reports is acknowledged and ignored.
async fn act(state: &AppState, event: &WebhookEvent) -> Result<(), ApiError> {
    let Some(room_name) = event.room.as_ref().map(|r| r.name.as_str()) else {
        return Ok(());
    };
    let room = match event.event.as_str() {
        "participant_joined" | "room_started" => state.store.room(room_name).await?,
        "participant_left" => return ban_if_removed(state, room_name, event).await,
        _ => return Ok(()),
    };
    if room.as_ref().is_some_and(|r| r.status == RoomStatus::Ended) {
        tracing::warn!(
            room_ref = %room_ref(room_name),
            event = %event.event,
            "a room that has ended came back in LiveKit (an old token); deleting it"
        );
        state.livekit.delete_room(room_name).await?;
        return Ok(());
    }
    if let Some(identity) = event.participant.as_ref().map(|p| p.identity.as_str()) {
        if state.store.is_banned(room_name, identity).await? {
            tracing::warn!(
                room_ref = %room_ref(room_name),
                "a removed participant joined with an old token; removing them again"
            );
            state.livekit.remove(room_name, identity).await?;
        }
    }
    Ok(())
}

/// A participant removed through LiveKit by the room's admin (the creator of a public or
/// password room holds `roomAdmin` in its token and may call RemoveParticipant directly)
/// is banned like one ejected through our controls: no new token, and an old one is
/// removed on sight.
async fn ban_if_removed(
    state: &AppState,
    room_name: &str,
    event: &WebhookEvent,
) -> Result<(), ApiError> {
    let Some(p) = &event.participant else {
        return Ok(());
    };
    if p.disconnect_reason != DisconnectReason::ParticipantRemoved as i32 {
        return Ok(());
    }
    if state.store.room(room_name).await?.is_some() {
        state.store.ban(room_name, &p.identity).await?;
        tracing::info!(room_ref = %room_ref(room_name), "a removed participant is banned from the room");
    }
    Ok(())
}
