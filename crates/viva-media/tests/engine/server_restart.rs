//! The server dies mid-call and comes back.

use std::time::{Duration, Instant};

use viva_media::synthetic::decode_stamp;
use viva_media::{
    DisconnectReason, RemoteTrack, RoomEvent, RoomEvents, TrackKind, VideoFormat, VideoStream,
};
use viva_testkit::LiveKitServer;

use crate::support::{join, publish_synthetic, wait_for, EVENT_TIMEOUT};

/// How long the client may take to settle after the server is back.
const SETTLE: Duration = Duration::from_secs(60);

async fn alice_video(events: &mut RoomEvents) -> RemoteTrack {
    wait_for(events, "alice's video", EVENT_TIMEOUT, |e| match e {
        RoomEvent::TrackSubscribed { track, .. } if track.kind() == TrackKind::Video => {
            Some(track.clone())
        }
        _ => None,
    })
    .await
}

/// Killing livekit-server (SIGKILL) and starting it again on the same ports ends in
/// `Reconnected`, not in a disconnect.
///
/// Observed with livekit-ffi 0.13.2 and livekit-server 1.13.5: the client reports
/// `Reconnecting` within milliseconds of the kill (the signalling WebSocket drops). A
/// resume cannot work, because the restarted server has no memory of the session, so the
/// library falls back to a full reconnect: it joins the room afresh (the dev server
/// auto-creates it), republishes the local tracks under new sids, receives a refreshed
/// token, and reports `ConnectionStateChanged(Connected)` then `Reconnected` about 0.3 s
/// after the restart. Remote participants are announced again with `ParticipantConnected`
/// (no `ParticipantDisconnected` before it: to the library it is a new session). The other
/// participant goes through the same steps, so media flows
/// again: this test checks that bob decodes alice's video after the restart. Had the
/// library exhausted its retries (server down for good) the stream would end with a
/// `Disconnected` reason instead; both are accepted below, a hang is not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_restart_ends_in_reconnected_or_a_clear_disconnect() {
    let mut server = LiveKitServer::start();
    let (alice, mut events) = join(&server, "restart", "alice").await;
    let (_bob, mut bob_events) = join(&server, "restart", "bob").await;
    let _media = publish_synthetic(&alice, [90, 90, 200], 440.0).await;
    alice_video(&mut bob_events).await;

    let killed = Instant::now();
    server.kill();
    wait_for(&mut events, "Reconnecting", EVENT_TIMEOUT, |e| {
        matches!(e, RoomEvent::Reconnecting).then_some(())
    })
    .await;
    let reconnecting_after = killed.elapsed();
    server.restart();
    // The restarted server remembers no rooms, and Viva's LiveKit never creates one for a
    // join (`room.auto_create: false`): the room comes back the way viva-server brings it
    // back when the app rejoins through it.
    server.create_room("restart");
    let restarted = Instant::now();

    let mut log = Vec::new();
    let outcome = wait_for(&mut events, "Reconnected or Disconnected", SETTLE, |e| {
        log.push(format!("{e:?}"));
        match e {
            RoomEvent::Reconnected => Some(Ok(())),
            RoomEvent::Disconnected { reason } => Some(Err(*reason)),
            _ => None,
        }
    })
    .await;
    eprintln!(
        "reconnecting {reconnecting_after:?} after the kill; {outcome:?} {:?} after the restart; events {log:?}",
        restarted.elapsed()
    );
    match outcome {
        Ok(()) => {
            let track = alice_video(&mut bob_events).await;
            let mut stream = VideoStream::new(&track, VideoFormat::I420).expect("video stream");
            let decoded = tokio::time::timeout(EVENT_TIMEOUT, async {
                while let Some(frame) = stream.next().await {
                    if decode_stamp(&frame).is_some() {
                        return true;
                    }
                }
                false
            })
            .await;
            assert_eq!(
                decoded,
                Ok(true),
                "alice's video reaches bob again after the restart"
            );
        }
        Err(reason) => assert!(
            matches!(
                reason,
                DisconnectReason::ServerShutdown
                    | DisconnectReason::SignalClose
                    | DisconnectReason::JoinFailure
                    | DisconnectReason::ConnectionTimeout
                    | DisconnectReason::StateMismatch
            ),
            "a disconnect after a server restart names a server-side cause, got {reason}"
        ),
    }
}
