//! Join and frame-latency benchmark against a real livekit-server on loopback.
//!
//! One publisher sends 640x360 I420 at 30 fps with an embedded frame stamp. A subscriber
//! joins N times (default 20): per join it measures connect time (Room::connect returning)
//! and time to the first remote frame (connect start -> first decoded frame), then reads
//! frames for two seconds and records each frame's age from its stamp (capture -> decoded
//! frame in our process, same clock). Run: `make bench` (cargo run --release-like dev
//! profile with optimised dependencies; the FFI library is LiveKit's release build).

use std::time::{Duration, Instant};

use livekit_api::access_token::VideoGrants;
use viva_media::synthetic::{decode_stamp, FrameStamp, VideoPattern};
use viva_media::{
    LocalTrack, PublishOptions, Room, RoomEvent, RoomOptions, VideoFormat, VideoSource,
    VideoSourceOptions, VideoStream,
};
use viva_testkit::LiveKitServer;

fn token(server: &LiveKitServer, identity: &str) -> String {
    server.join_token(
        identity,
        VideoGrants {
            room_join: true,
            room: "bench".into(),
            can_publish: Some(true),
            can_subscribe: Some(true),
            ..Default::default()
        },
    )
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let idx = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[idx]
}

fn summary(name: &str, mut v: Vec<f64>) {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!(
        "{name:<28} n={:<5} median={:>7.1} ms  p90={:>7.1} ms  p99={:>7.1} ms  max={:>7.1} ms",
        v.len(),
        percentile(&v, 0.5),
        percentile(&v, 0.9),
        percentile(&v, 0.99),
        v.last().copied().unwrap_or(f64::NAN)
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let joins: usize = std::env::var("BENCH_JOINS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let server = tokio::task::spawn_blocking(LiveKitServer::start)
        .await
        .unwrap();
    let (publisher, _pub_events) = Room::connect(
        &server.ws_url(),
        &token(&server, "publisher"),
        RoomOptions::default(),
    )
    .await
    .expect("publisher joins");
    let source = VideoSource::new(640, 360, VideoSourceOptions::default()).unwrap();
    let track = LocalTrack::video("camera", &source).unwrap();
    publisher
        .local_participant()
        .publish_track(&track, PublishOptions::camera())
        .await
        .unwrap();
    let pattern = VideoPattern::new(640, 360, [40, 160, 90], VideoFormat::I420);
    let pump = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_millis(33));
        let mut n = 0u32;
        loop {
            tick.tick().await;
            let _ = source.capture_frame(&pattern.render(FrameStamp::now(n)));
            n = n.wrapping_add(1);
        }
    });

    let (mut connect, mut first_frame, mut latency) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..joins {
        let started = Instant::now();
        let (room, mut events) = Room::connect(
            &server.ws_url(),
            &token(&server, &format!("sub-{i}")),
            RoomOptions::default(),
        )
        .await
        .expect("subscriber joins");
        connect.push(started.elapsed().as_secs_f64() * 1000.0);
        let mut stream = loop {
            match tokio::time::timeout(Duration::from_secs(20), events.recv()).await {
                Ok(Some(RoomEvent::TrackSubscribed { track, .. })) => {
                    break VideoStream::new(&track, VideoFormat::I420).unwrap()
                }
                Ok(Some(_)) => continue,
                other => panic!("no video track on join {i}: {other:?}"),
            }
        };
        let frame = tokio::time::timeout(Duration::from_secs(20), stream.next())
            .await
            .expect("first frame")
            .expect("stream open");
        first_frame.push(started.elapsed().as_secs_f64() * 1000.0);
        if let Some(stamp) = decode_stamp(&frame) {
            latency.push(f64::from(stamp.age_ms()));
        }
        let until = Instant::now() + Duration::from_secs(2);
        while Instant::now() < until {
            if let Ok(Some(f)) =
                tokio::time::timeout(Duration::from_millis(200), stream.next()).await
            {
                if let Some(stamp) = decode_stamp(&f) {
                    latency.push(f64::from(stamp.age_ms()));
                }
            }
        }
        room.disconnect().await.ok();
    }
    pump.abort();
    println!(
        "viva-media join benchmark: {joins} joins, 640x360 I420 @30 fps, loopback livekit-server"
    );
    summary("connect", connect);
    summary("first remote frame", first_frame);
    summary("frame latency (stamp age)", latency);
}
