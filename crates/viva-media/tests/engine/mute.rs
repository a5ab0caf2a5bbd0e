//! Muting on one side reaches the other side as TrackMuted / TrackUnmuted, promptly.

use std::time::{Duration, Instant};

use viva_media::{RoomEvent, TrackKind};
use viva_testkit::LiveKitServer;

use crate::support::{join, publish_synthetic, wait_for, EVENT_TIMEOUT};

/// What "promptly" means for an interviewer watching the candidate's tile.
const MUTE_PROPAGATION: Duration = Duration::from_secs(1);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mute_and_unmute_reach_the_other_participant_within_a_second() {
    let server = LiveKitServer::start();
    let (alice, _alice_events) = join(&server, "mute", "alice").await;
    let (bob, mut bob_events) = join(&server, "mute", "bob").await;
    let media = publish_synthetic(&alice, [10, 200, 10], 440.0).await;
    let audio_sid = media.audio.sid().to_owned();
    let video_sid = media.video.sid().to_owned();
    // Bob must know the publications before their mute state means anything to him.
    let mut pending = vec![TrackKind::Audio, TrackKind::Video];
    while !pending.is_empty() {
        let kind = wait_for(
            &mut bob_events,
            "alice's tracks subscribed",
            EVENT_TIMEOUT,
            |e| match e {
                RoomEvent::TrackSubscribed { track, .. } => Some(track.kind()),
                _ => None,
            },
        )
        .await;
        pending.retain(|&k| k != kind);
    }

    for (publication, sid) in [(&media.audio, &audio_sid), (&media.video, &video_sid)] {
        let started = Instant::now();
        publication.set_muted(true).expect("mute");
        wait_for(
            &mut bob_events,
            "TrackMuted",
            MUTE_PROPAGATION,
            |e| match e {
                RoomEvent::TrackMuted {
                    participant_identity,
                    track_sid,
                } => (participant_identity == "alice" && track_sid == sid).then_some(()),
                _ => None,
            },
        )
        .await;
        let muted_after = started.elapsed();
        let seen = bob.remote_participant("alice").expect("bob knows alice");
        assert!(
            seen.publications.iter().any(|p| &p.sid == sid && p.muted),
            "bob's snapshot shows the track muted: {seen:?}"
        );

        let started = Instant::now();
        publication.set_muted(false).expect("unmute");
        wait_for(
            &mut bob_events,
            "TrackUnmuted",
            MUTE_PROPAGATION,
            |e| match e {
                RoomEvent::TrackUnmuted {
                    participant_identity,
                    track_sid,
                } => (participant_identity == "alice" && track_sid == sid).then_some(()),
                _ => None,
            },
        )
        .await;
        eprintln!(
            "{sid}: muted seen after {muted_after:?}, unmuted after {:?}",
            started.elapsed()
        );
        let seen = bob.remote_participant("alice").expect("bob knows alice");
        assert!(
            seen.publications.iter().any(|p| &p.sid == sid && !p.muted),
            "{seen:?}"
        );
    }
}
