//! Shared helpers: tokens, joining, publishing synthetic media, waiting for events.

use std::time::Duration;

use livekit_api::access_token::VideoGrants;
use tokio::task::JoinHandle;
use viva_media::synthetic::{FrameStamp, SineTone, VideoPattern};
use viva_media::{
    AudioSource, LocalTrack, LocalTrackPublication, PublishOptions, Room, RoomEvent, RoomEvents,
    RoomOptions, VideoFormat, VideoSource, VideoSourceOptions,
};
use viva_testkit::LiveKitServer;

/// Long enough for a loaded 2-core machine; a hang fails instead of blocking the run.
pub const EVENT_TIMEOUT: Duration = Duration::from_secs(20);

pub const WIDTH: u32 = 640;
pub const HEIGHT: u32 = 360;

pub fn token(server: &LiveKitServer, room: &str, identity: &str) -> String {
    server.join_token(
        identity,
        VideoGrants {
            room_join: true,
            room: room.to_owned(),
            can_publish: Some(true),
            can_subscribe: Some(true),
            can_publish_data: Some(true),
            ..Default::default()
        },
    )
}

pub async fn join(server: &LiveKitServer, room: &str, identity: &str) -> (Room, RoomEvents) {
    Room::connect(
        &server.ws_url(),
        &token(server, room, identity),
        RoomOptions::default(),
    )
    .await
    .unwrap_or_else(|e| panic!("{identity} joins {room}: {e}"))
}

/// Waits for the first event `pick` accepts; fails with the events seen meanwhile.
pub async fn wait_for<T>(
    events: &mut RoomEvents,
    what: &str,
    within: Duration,
    mut pick: impl FnMut(&RoomEvent) -> Option<T>,
) -> T {
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, events.recv()).await {
            Ok(Some(event)) => {
                if let Some(found) = pick(&event) {
                    return found;
                }
                seen.push(format!("{event:?}"));
            }
            Ok(None) => panic!("event stream ended while waiting for {what}; seen: {seen:#?}"),
            Err(_) => panic!("no {what} within {within:?}; seen: {seen:#?}"),
        }
    }
}

/// A participant's synthetic camera and microphone, running until dropped.
pub struct SyntheticMedia {
    pub video: LocalTrackPublication,
    pub audio: LocalTrackPublication,
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for SyntheticMedia {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

pub async fn publish_synthetic(room: &Room, color: [u8; 3], tone_hz: f64) -> SyntheticMedia {
    let video_source =
        VideoSource::new(WIDTH, HEIGHT, VideoSourceOptions::default()).expect("video source");
    let video_track = LocalTrack::video("camera", &video_source).expect("video track");
    let mut camera = PublishOptions::camera();
    // One layer keeps two encoders affordable on a 2-core machine.
    camera.simulcast = false;
    let video = room
        .local_participant()
        .publish_track(&video_track, camera)
        .await
        .expect("publish video");

    let audio_source = AudioSource::new(48_000, 1, 100).expect("audio source");
    let audio_track = LocalTrack::audio("microphone", &audio_source).expect("audio track");
    let audio = room
        .local_participant()
        .publish_track(&audio_track, PublishOptions::microphone())
        .await
        .expect("publish audio");

    let video_task = tokio::spawn(async move {
        let pattern = VideoPattern::new(WIDTH, HEIGHT, color, VideoFormat::I420);
        let mut tick = tokio::time::interval(Duration::from_millis(66));
        for counter in 0u32.. {
            tick.tick().await;
            if video_source
                .capture_frame(&pattern.render(FrameStamp::now(counter)))
                .is_err()
            {
                return;
            }
        }
    });
    let audio_task = tokio::spawn(async move {
        let mut tone = SineTone::new(tone_hz, 48_000, 0.5);
        // The buffered source paces this loop at real time.
        while audio_source.capture_frame(&tone.next_frame()).await.is_ok() {}
    });
    SyntheticMedia {
        video,
        audio,
        tasks: vec![video_task, audio_task],
    }
}
