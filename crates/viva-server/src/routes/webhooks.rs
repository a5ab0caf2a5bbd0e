//! LiveKit's webhooks (`POST /webhooks/livekit/`): what makes an eject or an end hold
//! against join tokens handed out before it. LiveKit's open-source server cannot revoke a
//! token, so when a banned identity joins anyway, or anyone joins a room that has ended,
//! LiveKit tells us here and we remove them (or delete the room) at once.
//!
//! Every delivery is verified (the `Authorization` JWT, signed with our API secret, carries
//! the body's SHA-256) and acted on once per event id, whichever node receives it.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};

use crate::domain::{now_ms, ParticipantKind, RoomStatus};
use crate::error::ApiError;
use crate::extract::Body;
use crate::livekit::{
    DisconnectReason, TrackSource, TrackType, WebhookError, WebhookEvent, JTI_ATTRIBUTE,
};
use crate::state::AppState;
use crate::store::{ParticipantSeen, Room, TrackSeen};
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
        state.metrics.record_webhook(&event.event, true);
        return Ok(StatusCode::OK);
    }
    if let Err(e) = act(&state, &event).await {
        // Not done: let LiveKit's retry act on it.
        state.store.forget_webhook_delivery(&event.id).await?;
        return Err(e);
    }
    state.metrics.record_webhook(&event.event, false);
    Ok(StatusCode::OK)
}

/// What an event asks of us. Everything else LiveKit reports is acknowledged and ignored,
/// as is anything about a room that is not ours.
async fn act(state: &AppState, event: &WebhookEvent) -> Result<(), ApiError> {
    if event.event == "egress_ended" {
        if let Some(info) = &event.egress_info {
            crate::recording::egress_ended(state, info).await?;
        }
        return Ok(());
    }
    let Some(room_name) = event.room.as_ref().map(|r| r.name.as_str()) else {
        return Ok(());
    };
    let Some(room) = state.store.room(room_name).await? else {
        return Ok(());
    };
    match event.event.as_str() {
        "participant_joined" | "room_started" => enforce(state, &room, event).await?,
        "participant_left" => {
            ban_if_removed(state, room_name, event).await?;
            // Someone who had not consented left: the others may be recorded now.
            crate::recording::someone_left(state, &room).await?;
        }
        _ => {}
    }
    track(state, &room, event).await
}

/// A room that has ended, or a banned identity, is back in LiveKit only through a token
/// handed out before: delete the room, or remove them, at once.
async fn enforce(state: &AppState, room: &Room, event: &WebhookEvent) -> Result<(), ApiError> {
    let room_name = room.name.as_str();
    if room.status == RoomStatus::Ended {
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

/// Keeps the participants' record (`/api/v1/rooms/{id}/participants/`): joins, leaves and
/// published tracks, at the times LiveKit gives. Replays and reordering change nothing
/// (store/participants.rs).
async fn track(state: &AppState, room: &Room, event: &WebhookEvent) -> Result<(), ApiError> {
    let Some(p) = &event.participant else {
        return Ok(());
    };
    if p.sid.is_empty() {
        return Ok(());
    }
    let at_ms = if event.created_at > 0 {
        event.created_at * 1000
    } else {
        now_ms()
    };
    let joined_at_ms = match (p.joined_at_ms, p.joined_at) {
        (ms, _) if ms > 0 => Some(ms),
        (_, s) if s > 0 => Some(s * 1000),
        _ => None,
    };
    let left = event.event == "participant_left";
    match event.event.as_str() {
        "participant_joined" | "participant_left" | "participant_connection_aborted" => {
            state
                .store
                .participant_seen(&ParticipantSeen {
                    room_name: &room.name,
                    sid: &p.sid,
                    identity: &p.identity,
                    name: &p.name,
                    kind: participant_kind(p.kind),
                    joined_at_ms,
                    left_at_ms: (left || event.event == "participant_connection_aborted")
                        .then_some(at_ms),
                })
                .await?;
        }
        "track_published" | "track_unpublished" => {
            let Some(t) = &event.track else {
                return Ok(());
            };
            let kind = match TrackType::try_from(t.r#type) {
                Ok(TrackType::Audio) => "audio",
                Ok(TrackType::Video) => "video",
                _ => return Ok(()),
            };
            let published = event.event == "track_published";
            state
                .store
                .track_seen(&TrackSeen {
                    room_name: &room.name,
                    track_sid: &t.sid,
                    participant_sid: &p.sid,
                    kind,
                    source: TrackSource::try_from(t.source)
                        .map(|s| s.as_str_name())
                        .unwrap_or("UNKNOWN"),
                    published_at_ms: published.then_some(at_ms),
                    unpublished_at_ms: (!published).then_some(at_ms),
                })
                .await?;
        }
        _ => return Ok(()),
    }
    if event.event == "participant_joined" {
        if let Some(jti) = p.attributes.get(JTI_ATTRIBUTE) {
            state
                .store
                .mark_token_used(jti, joined_at_ms.unwrap_or(at_ms))
                .await?;
        }
        if room.status == RoomStatus::Created {
            state.store.mark_room_active(&room.name).await?;
        }
    }
    Ok(())
}

pub fn participant_kind(kind: i32) -> ParticipantKind {
    use livekit_protocol::participant_info::Kind;
    match Kind::try_from(kind) {
        Ok(Kind::Ingress) => ParticipantKind::Ingress,
        Ok(Kind::Egress) => ParticipantKind::Egress,
        Ok(Kind::Sip) => ParticipantKind::Sip,
        Ok(Kind::Agent) => ParticipantKind::Agent,
        _ => ParticipantKind::Standard,
    }
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
    state.store.ban(room_name, &p.identity).await?;
    tracing::info!(room_ref = %room_ref(room_name), "a removed participant is banned from the room");
    Ok(())
}
