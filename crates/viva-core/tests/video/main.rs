//! Our own video through the room controller, against a real livekit-server and a viva-bot
//! that receives it: the fake camera (the real capture pipeline with a test-pattern source),
//! a camera that fails mid-call, and a real X11 screen share under Xvfb.
//!
//! Its own test binary: the fake camera is switched on through the process environment.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use viva_core::room::VideoKind;
use viva_core::{
    actions, MemorySecrets, RoomController, RoomSink, RoomUpdate, Session, VideoFrame,
};
use viva_testkit::{Bot, LiveKitServer, VivaServer, Xvfb};

const T: Duration = Duration::from_secs(30);
const CAMERA: [u8; 3] = [200, 40, 200];

#[derive(Default)]
struct Collect {
    updates: Mutex<Vec<RoomUpdate>>,
    frames: Mutex<Vec<(String, Arc<VideoFrame>)>>,
}

impl RoomSink for Collect {
    fn update(&self, update: RoomUpdate) {
        self.updates.lock().unwrap().push(update);
    }
    fn frame(&self, track: &str, frame: Arc<VideoFrame>, _decoded: u64) {
        self.frames.lock().unwrap().push((track.to_owned(), frame));
    }
}

impl Collect {
    async fn wait_update(&self, what: &str, pred: impl Fn(&RoomUpdate) -> bool) -> RoomUpdate {
        let deadline = Instant::now() + T;
        loop {
            if let Some(u) = self.updates.lock().unwrap().iter().rev().find(|u| pred(u)) {
                return u.clone();
            }
            assert!(
                Instant::now() < deadline,
                "no {what}; got {:?}",
                self.updates.lock().unwrap()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn count(&self, pred: impl Fn(&RoomUpdate) -> bool) -> usize {
        self.updates
            .lock()
            .unwrap()
            .iter()
            .filter(|u| pred(u))
            .count()
    }
}

fn near(got: &serde_json::Value, want: [u8; 3], tolerance: f64) -> bool {
    got.as_array().is_some_and(|c| {
        c.len() == 3
            && (0..3).all(|i| (c[i].as_f64().unwrap_or(-999.0) - want[i] as f64).abs() <= tolerance)
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn camera_and_screen_reach_the_other_side_and_a_failed_camera_stops_only_the_camera() {
    let xvfb = Xvfb::start();
    // SAFETY of the environment change: this binary's only test, set before any thread reads it.
    std::env::set_var("VIVA_FAKE_CAMERA", "#c828c8");
    std::env::set_var("DISPLAY", &xvfb.display);
    std::env::remove_var("WAYLAND_DISPLAY");

    let lk = tokio::task::spawn_blocking(LiveKitServer::start)
        .await
        .unwrap();
    let server = VivaServer::start(Some(&lk));
    let session = Arc::new(Session::new(Arc::new(MemorySecrets::default())));
    session
        .login(&server.url(), "interviewer", "viva-interviewer")
        .await
        .unwrap();
    let interview = actions::interviews(&session)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.topic == "Backend Engineer Interview")
        .expect("demo interview");
    let mut bot = Bot::demo_user(
        "candidate",
        &server.url(),
        "candidate",
        &interview.uuid_id,
        &[],
    );
    bot.wait_event("connected", T);

    let sink = Arc::new(Collect::default());
    let room = RoomController::join(session.clone(), &interview.uuid_id, sink.clone())
        .await
        .unwrap();

    // Joined with the camera on: our preview frames come as `local:camera`, small and in the
    // camera's colour, and the candidate receives the camera in that colour.
    sink.wait_update("our camera", |u| {
        matches!(
            u,
            RoomUpdate::LocalVideo {
                kind: VideoKind::Camera,
                ..
            }
        )
    })
    .await;
    let deadline = Instant::now() + T;
    let preview = loop {
        let found = sink
            .frames
            .lock()
            .unwrap()
            .iter()
            .find(|(t, _)| t == "local:camera")
            .cloned();
        if let Some((_, f)) = found {
            break f;
        }
        assert!(Instant::now() < deadline, "no preview frame");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!((preview.width, preview.height), (640, 360));
    let mean = preview.mean_rgb();
    assert!(
        (0..3).all(|c| (mean[c] - CAMERA[c] as f64).abs() < 12.0),
        "preview {mean:?}"
    );
    let stats = bot.wait_for("the camera in its colour", T, |v| {
        v["event"] == "video_stats" && v["source"] == "camera" && near(&v["mean_rgb"], CAMERA, 20.0)
    });
    assert_eq!(stats["participant"], room.identity().as_str());

    // The camera fails as an unplugged one does: that video stops with a reason, the
    // candidate sees it muted, the call goes on.
    assert!(room.simulate_unplug(VideoKind::Camera).await);
    let ended = sink
        .wait_update("the camera's end", |u| {
            matches!(
                u,
                RoomUpdate::LocalVideoEnded {
                    kind: VideoKind::Camera,
                    ..
                }
            )
        })
        .await;
    let RoomUpdate::LocalVideoEnded { reason, .. } = ended else {
        unreachable!()
    };
    assert!(
        reason.as_deref().unwrap_or("").contains("disconnected"),
        "{reason:?}"
    );
    bot.wait_for("camera muted", T, |v| {
        v["event"] == "track_muted" && v["source"] == "camera"
    });
    assert_eq!(
        sink.count(|u| matches!(u, RoomUpdate::Ended { .. })),
        0,
        "the call goes on"
    );
    assert!(
        !bot.seen()
            .iter()
            .any(|v| v["event"] == "participant_disconnected"),
        "we are still in the room for the candidate"
    );

    // On again: the same publication unmuted.
    room.set_camera(true).await.unwrap();
    bot.wait_for("camera unmuted", T, |v| {
        v["event"] == "track_unmuted" && v["source"] == "camera"
    });
    assert!(room.camera_enabled().await);

    // Off: muted for the candidate, and no more preview frames.
    room.set_camera(false).await.unwrap();
    let muted = |v: &serde_json::Value| v["event"] == "track_muted" && v["source"] == "camera";
    wait_count(&mut bot, "a second camera mute", 2, muted);

    // The X11 screen, with a window of one colour on it.
    let colour = [30, 160, 220];
    let _window = xvfb.solid_window(colour, 1280, 800);
    let screens = viva_core::camera::screens().unwrap();
    assert_eq!(screens.len(), 1, "{screens:?}");
    room.share_screen(Some(screens[0].id.clone()))
        .await
        .unwrap();
    sink.wait_update("our screen", |u| {
        matches!(
            u,
            RoomUpdate::LocalVideo {
                kind: VideoKind::ScreenShare,
                ..
            }
        )
    })
    .await;
    let stats = bot.wait_for("the screen in the window's colour", T, |v| {
        v["event"] == "video_stats"
            && v["source"] == "screen_share"
            && near(&v["mean_rgb"], colour, 16.0)
    });
    assert_eq!(
        (stats["width"].as_u64(), stats["height"].as_u64()),
        (Some(1280), Some(800)),
        "{stats}"
    );
    room.share_screen(None).await.unwrap();
    bot.wait_for("the share unpublished", T, |v| {
        v["event"] == "track_unpublished" && v["source"] == "screen_share"
    });
    room.leave().await;
}

/// Waits until `n` lines of the bot match `pred` (`wait_for` returns the first match).
fn wait_count(bot: &mut Bot, what: &str, n: usize, pred: impl Fn(&serde_json::Value) -> bool) {
    let deadline = Instant::now() + T;
    while bot.seen().iter().filter(|v| pred(v)).count() < n {
        assert!(Instant::now() < deadline, "no {what}: {:?}", bot.seen());
        std::thread::sleep(Duration::from_millis(50));
    }
}
