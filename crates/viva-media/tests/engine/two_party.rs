//! Two participants exchange synthetic video and audio; each checks what it receives.

use std::time::Duration;

use viva_media::synthetic::{decode_stamp, rms, zero_crossing_frequency};
use viva_media::{
    AudioStream, DisconnectReason, RemoteTrack, RoomEvent, RoomEvents, TrackKind, VideoFormat,
    VideoStream,
};
use viva_testkit::LiveKitServer;

use crate::support::{join, publish_synthetic, wait_for, EVENT_TIMEOUT};

const RED: [u8; 3] = [220, 40, 40];
const BLUE: [u8; 3] = [40, 60, 220];
/// Per channel, after VP8 and two colour conversions, with the code blocks in the mean.
const COLOUR_TOLERANCE: f64 = 15.0;

/// The (video, audio) tracks of `from`, in whichever order their subscriptions arrive:
/// waiting for one kind at a time would drop the other if it came first.
async fn subscribed_both(events: &mut RoomEvents, from: &str) -> (RemoteTrack, RemoteTrack) {
    let (mut video, mut audio) = (None, None);
    while video.is_none() || audio.is_none() {
        let track = wait_for(
            events,
            &format!("tracks from {from}"),
            EVENT_TIMEOUT,
            |e| match e {
                RoomEvent::TrackSubscribed {
                    participant_identity,
                    track,
                } if participant_identity == from => Some(track.clone()),
                _ => None,
            },
        )
        .await;
        match track.kind() {
            TrackKind::Video => video = Some(track),
            TrackKind::Audio => audio = Some(track),
            TrackKind::Unknown => {}
        }
    }
    (video.unwrap(), audio.unwrap())
}

/// Waits for frames whose code decodes (the encoder has settled) and checks the colour.
async fn check_video(track: &RemoteTrack, expected: [u8; 3]) {
    let mut stream = VideoStream::new(track, VideoFormat::Rgba).expect("open video stream");
    let mut decoded = 0;
    let mut latencies = Vec::new();
    let outcome = tokio::time::timeout(EVENT_TIMEOUT, async {
        while let Some(frame) = stream.next().await {
            let Some(stamp) = decode_stamp(&frame) else {
                continue;
            };
            decoded += 1;
            latencies.push(stamp.age_ms());
            if decoded >= 5 {
                return Some(frame);
            }
        }
        None
    })
    .await;
    let frame = match outcome {
        Ok(Some(frame)) => frame,
        Ok(None) => panic!(
            "video stream from {} ended early",
            track.participant_identity()
        ),
        Err(_) => panic!(
            "only {decoded} decodable frames from {} in {EVENT_TIMEOUT:?}",
            track.participant_identity()
        ),
    };
    let mean = frame.mean_rgb();
    for c in 0..3 {
        assert!(
            (mean[c] - expected[c] as f64).abs() < COLOUR_TOLERANCE,
            "mean colour {mean:?} of {}x{} frame is not the published {expected:?}",
            frame.width,
            frame.height
        );
    }
    latencies.sort_unstable();
    eprintln!(
        "video from {}: {}x{} mean {mean:.0?}, latencies {latencies:?} ms",
        track.participant_identity(),
        frame.width,
        frame.height
    );
    assert!(
        latencies[latencies.len() / 2] < 2_000,
        "median glass-to-glass latency on loopback should be well under 2 s: {latencies:?}"
    );
}

async fn check_audio(track: &RemoteTrack, expected_hz: f64) {
    let mut stream = AudioStream::new(track, 48_000, 1).expect("open audio stream");
    let samples = tokio::time::timeout(EVENT_TIMEOUT, async {
        let mut samples: Vec<i16> = Vec::new();
        let mut loud_frames = 0;
        while let Some(frame) = stream.next().await {
            assert_eq!(
                (frame.sample_rate, frame.channels),
                (48_000, 1),
                "the stream resamples as asked"
            );
            // Skip the silence before the first packets and the jitter buffer's warm-up.
            if rms(&frame.data) > 0.05 {
                loud_frames += 1;
            }
            if loud_frames > 20 {
                samples.extend_from_slice(&frame.data);
            }
            if samples.len() >= 48_000 {
                return samples;
            }
        }
        panic!(
            "audio stream from {} ended early",
            track.participant_identity()
        );
    })
    .await
    .unwrap_or_else(|_| {
        panic!(
            "no second of loud audio from {}",
            track.participant_identity()
        )
    });
    let level = rms(&samples);
    assert!(level > 0.1, "received tone is audible (rms {level:.3})");
    let hz = zero_crossing_frequency(&samples, 48_000);
    eprintln!(
        "audio from {}: rms {level:.3}, {hz:.1} Hz",
        track.participant_identity()
    );
    assert!(
        (hz - expected_hz).abs() < expected_hz * 0.05,
        "received tone at {hz:.0} Hz, published {expected_hz} Hz"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_participants_see_and_hear_each_other() {
    let server = LiveKitServer::start();
    let (alice, mut alice_events) = join(&server, "two-party", "alice").await;
    let (bob, mut bob_events) = join(&server, "two-party", "bob").await;
    assert_eq!(alice.local_participant().identity(), "alice");

    let _alice_media = publish_synthetic(&alice, RED, 440.0).await;
    let _bob_media = publish_synthetic(&bob, BLUE, 880.0).await;

    let (bob_video_at_alice, bob_audio_at_alice) = subscribed_both(&mut alice_events, "bob").await;
    let (alice_video_at_bob, alice_audio_at_bob) = subscribed_both(&mut bob_events, "alice").await;

    let bob_seen = alice.remote_participant("bob").expect("alice knows bob");
    assert_eq!(
        bob_seen.publications.len(),
        2,
        "bob's camera and microphone: {bob_seen:?}"
    );
    assert!(bob_seen
        .publications
        .iter()
        .all(|p| p.subscribed && !p.muted));

    tokio::join!(
        check_video(&bob_video_at_alice, BLUE),
        check_video(&alice_video_at_bob, RED),
        check_audio(&bob_audio_at_alice, 880.0),
        check_audio(&alice_audio_at_bob, 440.0),
    );

    alice.disconnect().await.expect("alice leaves");
    let reason = wait_for(
        &mut alice_events,
        "alice's own Disconnected",
        Duration::from_secs(5),
        |e| match e {
            RoomEvent::Disconnected { reason } => Some(*reason),
            _ => None,
        },
    )
    .await;
    assert_eq!(reason.as_str(), "client_initiated");
    let (identity, reason) = wait_for(
        &mut bob_events,
        "alice leaving",
        EVENT_TIMEOUT,
        |e| match e {
            RoomEvent::ParticipantDisconnected { identity, reason } => {
                Some((identity.clone(), *reason))
            }
            _ => None,
        },
    )
    .await;
    assert_eq!(identity, "alice");
    // The server reports the reason it saw: client_initiated for a voluntary leave, or
    // unknown when alice's socket closed before her leave was processed (seen both ways).
    assert!(
        matches!(
            reason,
            DisconnectReason::ClientInitiated | DisconnectReason::Unknown
        ),
        "a voluntary leave is not reported as a fault: {reason}"
    );
    assert!(
        bob.remote_participant("alice").is_none(),
        "bob forgot alice"
    );
    bob.disconnect().await.expect("bob leaves");
}
