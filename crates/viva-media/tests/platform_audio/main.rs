//! Platform audio devices through a private PulseAudio daemon with null devices.
//!
//! PulseAudio is found through `PULSE_SERVER`, which is process-wide, and the engine is
//! process-wide too; so these checks live in their own test binary, in one test that
//! changes the environment in a fixed order.

use std::time::Duration;

use viva_media::{
    LocalTrack, MediaError, MicrophoneOptions, PlatformAudio, PublishOptions, Room, RoomEvent,
    RoomOptions, TrackKind, TrackSource,
};
use viva_testkit::{LiveKitServer, PulseAudio};

use livekit_api::access_token::VideoGrants;

fn token(server: &LiveKitServer, identity: &str) -> String {
    server.join_token(
        identity,
        VideoGrants {
            room_join: true,
            room: "platform-audio".into(),
            can_publish: Some(true),
            can_subscribe: Some(true),
            ..Default::default()
        },
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn platform_audio_needs_an_audio_server_and_publishes_its_microphone() {
    // 1. No audio server: a clear, typed error rather than a crash or a silent source.
    let nowhere = tempfile::tempdir().unwrap();
    std::env::set_var(
        "PULSE_SERVER",
        format!("unix:{}", nowhere.path().join("no-such-socket").display()),
    );
    let err = PlatformAudio::new()
        .and_then(|audio| audio.recording_devices().map(|d| (audio, d)))
        .and_then(|(audio, _)| audio.microphone(MicrophoneOptions::default()))
        .expect_err("without an audio server there are no audio devices");
    eprintln!("without an audio server: {err}");
    assert!(matches!(err, MediaError::AudioDevice(_)), "{err:?}");

    // 2. A private PulseAudio (the library lists devices by description; ids are
    //    "index:N", stable only while the device set is). with a null sink and a null source.
    let pulse = PulseAudio::start();
    std::env::set_var("PULSE_SERVER", pulse.server());
    let audio = PlatformAudio::new().expect("platform audio with PulseAudio running");
    let recording = audio.recording_devices().expect("list microphones");
    let playout = audio.playout_devices().expect("list speakers");
    eprintln!("recording devices: {recording:?}\nplayout devices: {playout:?}");
    let null_source = recording
        .iter()
        .find(|d| d.name == "VivaNullSource")
        .unwrap_or_else(|| panic!("the null source is listed: {recording:?}"));
    let null_sink = playout
        .iter()
        .find(|d| d.name == "VivaNullSink")
        .unwrap_or_else(|| panic!("the null sink is listed: {playout:?}"));
    audio
        .set_recording_device(&null_source.id)
        .expect("select the null source");
    audio
        .set_playout_device(&null_sink.id)
        .expect("select the null sink");
    let microphone = audio
        .microphone(MicrophoneOptions {
            echo_cancellation: true,
            noise_suppression: true,
            auto_gain_control: true,
        })
        .expect("a microphone source");
    let mut silence = viva_media::synthetic::SineTone::new(0.0, 48_000, 0.0);
    assert!(
        matches!(
            microphone.capture_frame(&silence.next_frame()).await,
            Err(MediaError::InvalidState(_))
        ),
        "the device feeds a microphone source, not us"
    );

    let server = LiveKitServer::start();
    let (speaker, _speaker_events) = Room::connect(
        &server.ws_url(),
        &token(&server, "speaker"),
        RoomOptions::default(),
    )
    .await
    .expect("speaker joins");
    let (_listener, mut listener_events) = Room::connect(
        &server.ws_url(),
        &token(&server, "listener"),
        RoomOptions::default(),
    )
    .await
    .expect("listener joins");
    let track = LocalTrack::audio("microphone", &microphone).expect("microphone track");
    let publication = speaker
        .local_participant()
        .publish_track(&track, PublishOptions::microphone())
        .await
        .expect("publish the microphone");
    assert_eq!(publication.source(), TrackSource::Microphone);

    let published = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(event) = listener_events.recv().await {
            if let RoomEvent::TrackSubscribed {
                participant_identity,
                track,
            } = event
            {
                if participant_identity == "speaker" && track.kind() == TrackKind::Audio {
                    return true;
                }
            }
        }
        false
    })
    .await;
    assert_eq!(
        published,
        Ok(true),
        "the listener subscribes to the speaker's microphone"
    );
    let seen = _listener
        .remote_participant("speaker")
        .expect("listener knows the speaker");
    assert_eq!(
        seen.publications[0].source,
        TrackSource::Microphone,
        "{seen:?}"
    );
    speaker.disconnect().await.expect("speaker leaves");
}
