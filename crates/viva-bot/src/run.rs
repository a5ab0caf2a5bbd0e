//! The session: connect, publish, and print every event until the room or a signal ends it.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use viva_media::{Room, RoomEvent, RoomOptions, TrackKind, TrackSource};

use crate::args::Args;
use crate::join::{end_session, resolve};
use crate::output::emit;
use crate::{publish, watch};

pub async fn run(args: Args) -> i32 {
    let target = match resolve(&args).await {
        Ok(t) => t,
        Err(message) => {
            emit(
                "error",
                serde_json::json!({ "stage": "join", "message": message }),
            );
            return 1;
        }
    };
    let started = Instant::now();
    let options = RoomOptions {
        connect_timeout: Duration::from_secs_f64(args.connect_timeout),
        ..RoomOptions::default()
    };
    let (room, mut events) = match Room::connect(&target.url, &target.token, options).await {
        Ok(pair) => pair,
        Err(e) => {
            emit(
                "error",
                serde_json::json!({ "stage": "connect", "message": e.to_string() }),
            );
            return 1;
        }
    };
    emit(
        "connected",
        serde_json::json!({
            "identity": room.local_participant().identity(),
            "room": room.name(),
            "connect_ms": started.elapsed().as_millis() as u64,
        }),
    );
    for p in room.remote_participants() {
        emit(
            "participant_connected",
            serde_json::json!({ "identity": p.identity }),
        );
    }

    let _publishers = match publish::start(&room, &args).await {
        Ok(p) => p,
        Err(e) => {
            emit(
                "error",
                serde_json::json!({ "stage": "publish", "message": e.to_string() }),
            );
            let _ = room.disconnect().await;
            return 1;
        }
    };

    // Track kinds by sid, for mute events (which carry only the sid).
    let mut kinds: HashMap<String, TrackKind> = HashMap::new();
    let mut sources: HashMap<String, TrackSource> = HashMap::new();
    for p in room.local_participant().publications() {
        kinds.insert(p.sid().to_owned(), p.track().kind());
    }
    for p in room.remote_participants() {
        for publication in p.publications {
            kinds.insert(publication.sid, publication.kind);
        }
    }
    let mut watchers = Vec::new();
    let deadline = args
        .duration
        .map(|d| tokio::time::Instant::now() + Duration::from_secs_f64(d));
    let mut term = signal_stream();
    loop {
        let event = tokio::select! {
            e = events.recv() => e,
            _ = sleep_until(deadline) => {
                end_session(&target).await;
                let _ = room.disconnect().await;
                // The library reports the disconnect as an event; drain it below.
                None
            }
            _ = term.recv() => {
                end_session(&target).await;
                let _ = room.disconnect().await;
                None
            }
        };
        let Some(event) = event else {
            emit(
                "disconnected",
                serde_json::json!({ "reason": "client_initiated" }),
            );
            return 0;
        };
        match event {
            RoomEvent::ParticipantConnected(p) => {
                emit(
                    "participant_connected",
                    serde_json::json!({ "identity": p.identity }),
                );
            }
            RoomEvent::ParticipantDisconnected { identity, .. } => {
                emit(
                    "participant_disconnected",
                    serde_json::json!({ "identity": identity }),
                );
            }
            RoomEvent::TrackPublished { publication, .. } => {
                kinds.insert(publication.sid.clone(), publication.kind);
                sources.insert(publication.sid, publication.source);
            }
            RoomEvent::TrackUnpublished {
                participant_identity,
                publication_sid,
            } => emit(
                "track_unpublished",
                serde_json::json!({
                    "participant": participant_identity,
                    "sid": publication_sid,
                    "source": source_name(sources.get(&publication_sid).copied()),
                }),
            ),
            RoomEvent::TrackSubscribed {
                participant_identity,
                track,
            } => {
                kinds.insert(track.sid().to_owned(), track.kind());
                let source = sources.get(track.sid()).copied().or_else(|| {
                    room.remote_participant(&participant_identity)?
                        .publications
                        .into_iter()
                        .find(|p| p.sid == track.sid())
                        .map(|p| p.source)
                });
                if let Some(source) = source {
                    sources.insert(track.sid().to_owned(), source);
                }
                emit(
                    "track_subscribed",
                    serde_json::json!({
                        "participant": participant_identity,
                        "kind": kind_name(track.kind()),
                        "sid": track.sid(),
                        "source": source_name(source),
                    }),
                );
                if let Some(w) = watch::start(&track, source_name(source)) {
                    watchers.push(w);
                }
            }
            RoomEvent::LocalTrackPublished { track_sid } => {
                kinds.entry(track_sid).or_insert(TrackKind::Unknown);
            }
            RoomEvent::TrackMuted {
                participant_identity,
                track_sid,
            } => emit(
                "track_muted",
                serde_json::json!({
                    "participant": participant_identity,
                    "kind": kind_name(kinds.get(&track_sid).copied().unwrap_or(TrackKind::Unknown)),
                    "source": source_name(sources.get(&track_sid).copied()),
                }),
            ),
            RoomEvent::TrackUnmuted {
                participant_identity,
                track_sid,
            } => emit(
                "track_unmuted",
                serde_json::json!({
                    "participant": participant_identity,
                    "kind": kind_name(kinds.get(&track_sid).copied().unwrap_or(TrackKind::Unknown)),
                    "source": source_name(sources.get(&track_sid).copied()),
                }),
            ),
            RoomEvent::Reconnecting => emit("reconnecting", serde_json::json!({})),
            RoomEvent::Reconnected => emit("reconnected", serde_json::json!({})),
            RoomEvent::TokenRefreshed { .. } => emit("token_refreshed", serde_json::json!({})),
            RoomEvent::Disconnected { reason } => {
                emit(
                    "disconnected",
                    serde_json::json!({ "reason": reason.as_str() }),
                );
                return 0;
            }
            _ => {}
        }
    }
}

fn source_name(source: Option<TrackSource>) -> &'static str {
    match source {
        Some(TrackSource::Camera) => "camera",
        Some(TrackSource::Microphone) => "microphone",
        Some(TrackSource::ScreenShare) => "screen_share",
        Some(TrackSource::ScreenShareAudio) => "screen_share_audio",
        Some(TrackSource::Unknown) | None => "unknown",
    }
}

fn kind_name(kind: TrackKind) -> &'static str {
    match kind {
        TrackKind::Audio => "audio",
        TrackKind::Video => "video",
        TrackKind::Unknown => "unknown",
    }
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

/// SIGINT or SIGTERM: leave the room cleanly.
fn signal_stream() -> tokio::sync::mpsc::Receiver<()> {
    let (tx, rx) = tokio::sync::mpsc::channel(1);
    tokio::spawn(async move {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let (Ok(mut term), Ok(mut int)) = (
                signal(SignalKind::terminate()),
                signal(SignalKind::interrupt()),
            ) else {
                return;
            };
            tokio::select! { _ = term.recv() => {}, _ = int.recv() => {} }
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        let _ = tx.send(()).await;
    });
    rx
}
