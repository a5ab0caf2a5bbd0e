//! What sending our own video costs: this process's CPU while it captures, encodes and
//! publishes to a real livekit-server on loopback with one subscriber (a viva-bot that
//! decodes; its CPU is not counted).
//!
//! Cases: the fake camera at 720p30 captured only; captured and published (simulcast, as
//! the app publishes it); the same plus the 640x360 preview the app draws; a 1080p15 screen
//! share of an Xvfb display showing a moving pattern. Each runs 5 s to settle, then 15 s
//! measured (user + system CPU from /proc/self/stat). Run: `make bench-capture`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use livekit_api::access_token::VideoGrants;
use viva_capture::{Capture, CaptureConfig, Device, Frame, FrameHandler, Stream};
use viva_core::room::VideoKind;
use viva_media::{
    LocalTrack, Room, RoomOptions, VideoFormat, VideoFrame, VideoSource, VideoSourceOptions,
};
use viva_testkit::{Bot, LiveKitServer, Xvfb};

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

/// User + system CPU of this process, in seconds.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat");
    // Fields after the command name (which may hold spaces): utime is 14th, stime 15th.
    let rest = &stat[stat.rfind(')').expect("stat format") + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    ticks / 100.0
}

struct Pump {
    source: Option<VideoSource>,
    main: AtomicU64,
    preview: AtomicU64,
}

impl FrameHandler for Pump {
    fn frame(&self, stream: Stream, frame: Frame) {
        match stream {
            Stream::Main => {
                self.main.fetch_add(1, Ordering::Relaxed);
                if let Some(source) = &self.source {
                    let frame = VideoFrame {
                        width: frame.width,
                        height: frame.height,
                        format: VideoFormat::I420,
                        data: frame.data,
                        timestamp_us: 0,
                    };
                    let _ = source.capture_frame(&frame);
                }
            }
            Stream::Preview => {
                // The app hands this frame to the UI; here it only has to exist.
                self.preview.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
    fn failed(&self, error: viva_capture::CaptureError) {
        eprintln!("capture failed: {error}");
    }
}

async fn case(
    name: &str,
    room: &Room,
    device: &Device,
    kind: VideoKind,
    publish: bool,
    preview: bool,
) {
    let mut config: CaptureConfig = kind.capture_config();
    if !preview {
        config.preview = None;
    }
    let size = config.main.expect("a main stream");
    let mut track = None;
    let source = if publish {
        let source = VideoSource::new(
            size.width,
            size.height,
            VideoSourceOptions {
                is_screencast: kind == VideoKind::ScreenShare,
            },
        )
        .unwrap();
        let t = LocalTrack::video("bench", &source).unwrap();
        let publication = room
            .local_participant()
            .publish_track(&t, kind.publish_options())
            .await
            .unwrap();
        track = Some((t, publication));
        Some(source)
    } else {
        None
    };
    let pump = Arc::new(Pump {
        source,
        main: AtomicU64::new(0),
        preview: AtomicU64::new(0),
    });
    let capture = Capture::start(device, config, pump.clone()).expect("capture starts");
    tokio::time::sleep(Duration::from_secs(5)).await;
    let (cpu0, t0, m0, p0) = (
        cpu_seconds(),
        Instant::now(),
        pump.main.load(Ordering::Relaxed),
        pump.preview.load(Ordering::Relaxed),
    );
    tokio::time::sleep(Duration::from_secs(15)).await;
    let secs = t0.elapsed().as_secs_f64();
    let cpu = (cpu_seconds() - cpu0) / secs * 100.0;
    let fps = (pump.main.load(Ordering::Relaxed) - m0) as f64 / secs;
    let pfps = (pump.preview.load(Ordering::Relaxed) - p0) as f64 / secs;
    println!(
        "| {name} | {}x{} | {fps:.1} | {} | {cpu:.0}% |",
        size.width,
        size.height,
        if preview {
            format!("{pfps:.1}")
        } else {
            "-".into()
        },
    );
    drop(capture);
    if let Some((_t, publication)) = track {
        let _ = room
            .local_participant()
            .unpublish_track(publication.sid())
            .await;
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let server = tokio::task::spawn_blocking(LiveKitServer::start)
        .await
        .unwrap();
    let (room, _events) = Room::connect(
        &server.ws_url(),
        &token(&server, "bench"),
        RoomOptions::default(),
    )
    .await
    .expect("join");
    let viewer = Bot::spawn(
        "viewer",
        &[
            "--url".into(),
            server.ws_url(),
            "--token".into(),
            token(&server, "viewer"),
        ],
        &[],
    );

    std::env::set_var(viva_capture::FAKE_CAMERA_ENV, "ball");
    let camera = viva_capture::cameras().unwrap().remove(0);
    println!("| case | sent size | sent fps | preview fps | CPU (% of one core) |");
    println!("|---|---|---|---|---|");
    case(
        "camera: capture only",
        &room,
        &camera,
        VideoKind::Camera,
        false,
        false,
    )
    .await;
    case(
        "camera: capture + encode + publish",
        &room,
        &camera,
        VideoKind::Camera,
        true,
        false,
    )
    .await;
    case(
        "camera: + 640x360 preview",
        &room,
        &camera,
        VideoKind::Camera,
        true,
        true,
    )
    .await;

    let xvfb = Xvfb::start_with_size(1920, 1080);
    // A moving picture on the shared screen, so every frame differs.
    let mut cmd = std::process::Command::new("gst-launch-1.0");
    cmd.env("DISPLAY", &xvfb.display).args([
        "-q",
        "videotestsrc",
        "pattern=ball",
        "!",
        "video/x-raw,width=1920,height=1080,framerate=30/1",
        "!",
        "ximagesink",
    ]);
    let mut window = cmd.spawn().expect("gst-launch-1.0");
    std::thread::sleep(Duration::from_secs(1));
    std::env::set_var("DISPLAY", &xvfb.display);
    let screen = viva_capture::screens().unwrap().remove(0);
    case(
        "screen: capture + encode + publish",
        &room,
        &screen,
        VideoKind::ScreenShare,
        true,
        false,
    )
    .await;
    let _ = window.kill();
    let _ = window.wait();
    drop(viewer);
    let _ = room.disconnect().await;
}
