//! Our own video: the fake camera (the real capture pipeline with a test-pattern source)
//! and a real screen share of the Xvfb display, as the other side receives them.

use std::path::Path;
use std::time::Duration;

use viva_testkit::Bot;

use crate::{canvas_rgb, interview_row, open_prejoin, sign_in, Stage, KEYRING, T};

/// The fake camera's colour: nothing else in the UI is this purple.
const CAMERA: [u8; 3] = [200, 40, 200];
const CAMERA_ENV: &str = "#c828c8";

fn watcher(stage: &Stage, interview: &str, extra: &[&str]) -> Bot {
    Bot::demo_user(
        "candidate",
        &stage.server.url(),
        "candidate",
        interview,
        extra,
    )
}

fn near(got: &serde_json::Value, want: [u8; 3], tolerance: f64) -> bool {
    got.as_array().is_some_and(|c| {
        c.len() == 3
            && (0..3).all(|i| (c[i].as_f64().unwrap_or(-999.0) - want[i] as f64).abs() <= tolerance)
    })
}

impl Stage {
    /// A screenshot in which at least `share` of the screen is near `colour`: video drawn
    /// on screen, not only into the DOM. Under Xvfb on a loaded machine the window can
    /// show a picture seconds old, so it looks again for a while.
    async fn shot_showing(&self, name: &str, colour: [u8; 3], share: f64) {
        let path = viva_testkit::cache::artifacts_dir().join(format!("{name}.png"));
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            self.shot(name).await;
            let seen = viva_testkit::image::read_png(&path).share_near(colour, 24);
            if seen >= share {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{name}: only {:.1}% of the screen shows {colour:?}",
                seen * 100.0
            );
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
}

/// Signs in as the interviewer, opens the pre-join screen of the demo interview with the
/// candidate bot already in the room, and returns (interview id, the bot, its identity).
async fn to_prejoin(stage: &Stage, app: &viva_testkit::AppSession, bot: &[&str]) -> (String, Bot) {
    sign_in(app, &stage.server.url(), "interviewer", "viva-interviewer").await;
    let interview = interview_row(app, "Backend Engineer Interview").await;
    let mut candidate = watcher(stage, &interview, bot);
    candidate.wait_event("connected", T);
    open_prejoin(app, &interview).await;
    (interview, candidate)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_interviewers_camera_reaches_the_candidate_and_turns_off_and_on() {
    let _turn = KEYRING.lock().await;
    let stage = Stage::with_env(&[("VIVA_FAKE_CAMERA", Path::new(CAMERA_ENV))]).await;
    let app = stage.open_app().await;
    let (_, mut candidate) = to_prejoin(&stage, &app, &[]).await;

    // The pre-join preview shows the fake camera, on screen (not just in the DOM).
    app.wait_js(
        "the fake camera in the camera list",
        "const s = document.querySelector('[data-testid=camera-select]'); return !!s && s.selectedOptions[0]?.textContent === 'Viva test camera';",
        T,
    )
    .await;
    let rgb = canvas_rgb(
        &stage,
        &app,
        "[data-testid=camera-preview] [data-testid=video-canvas]",
    )
    .await;
    assert!(
        near(&serde_json::json!(rgb), CAMERA, 24.0),
        "preview pixel {rgb:?}"
    );
    stage.shot_showing("ui-prejoin-camera", CAMERA, 0.03).await;

    app.click(&app.wait("[data-testid=prejoin-join]", T).await)
        .await;
    app.wait("[data-testid=room][data-is-interviewer=true]", T)
        .await;

    // The candidate receives a camera track of that colour at a real frame rate.
    let stats = candidate.wait_for(
        "the interviewer's camera at >= 20 fps in its colour",
        Duration::from_secs(60),
        |v| {
            v["event"] == "video_stats"
                && v["source"] == "camera"
                && v["fps"].as_f64().unwrap_or(0.0) >= 20.0
                && near(&v["mean_rgb"], CAMERA, 20.0)
        },
    );
    let me = app
        .wait_js("our identity", "return document.querySelector('[data-testid=tile][data-local=true]')?.dataset.identity ?? null;", T)
        .await;
    assert_eq!(stats["participant"], me, "{stats}");

    // Our own tile shows our camera (mirrored: a solid colour reads the same either way).
    let own = canvas_rgb(
        &stage,
        &app,
        "[data-testid=tile][data-local=true] [data-testid=video-canvas]",
    )
    .await;
    assert!(
        near(&serde_json::json!(own), CAMERA, 24.0),
        "own tile pixel {own:?}"
    );
    // The name label stays on top of the video (the native painter leaves it to the page).
    let label = crate::screen_pixel(
        &stage,
        &app,
        "our tile's label",
        "const l = document.querySelector('[data-testid=tile][data-local=true] .label'); if (!l) return null; const b = l.getBoundingClientRect(); return [window.screenX + b.left + 3, window.screenY + b.top + b.height / 2];",
    )
    .await;
    assert!(
        !near(&serde_json::json!(label), CAMERA, 60.0),
        "the label is covered by video: {label:?}"
    );
    let mirrored = app
        .wait_js(
            "the mirrored own tile",
            "return !!document.querySelector('[data-testid=tile][data-local=true] .video.mirror');",
            T,
        )
        .await;
    assert_eq!(mirrored, true);
    stage.shot("ui-room-camera").await;

    // Off: the candidate sees the camera muted; on again: unmuted.
    app.click(&app.wait("[data-testid=camera-button]", T).await)
        .await;
    candidate.wait_for("camera muted", T, |v| {
        v["event"] == "track_muted" && v["source"] == "camera"
    });
    app.wait("[data-testid=camera-button][aria-pressed=true]", T)
        .await;
    app.click(&app.wait("[data-testid=camera-button]", T).await)
        .await;
    candidate.wait_for("camera unmuted", T, |v| {
        v["event"] == "track_unmuted" && v["source"] == "camera"
    });
    app.wait("[data-testid=camera-button][aria-pressed=false]", T)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_interviewer_shares_the_screen_and_sees_a_shared_screen_on_the_main_stage() {
    let _turn = KEYRING.lock().await;
    let stage = Stage::new().await;
    let app = stage.open_app().await;
    let (interview, mut candidate) = to_prejoin(&stage, &app, &[]).await;
    app.click(&app.wait("[data-testid=prejoin-join]", T).await)
        .await;
    app.wait("[data-testid=room][data-is-interviewer=true]", T)
        .await;

    // Share the Xvfb screen while a window of one colour covers it.
    app.click(&app.wait("[data-testid=screen-button]", T).await)
        .await;
    app.click(&app.wait("[data-testid=screen-option]", T).await)
        .await;
    app.wait("[data-testid=screen-button][aria-pressed=true]", T)
        .await;
    let colour = [30, 160, 220];
    let window = stage.xvfb.solid_window(colour, 1280, 800);
    let stats = candidate.wait_for(
        "the shared screen in the window's colour",
        Duration::from_secs(60),
        |v| {
            v["event"] == "video_stats"
                && v["source"] == "screen_share"
                && near(&v["mean_rgb"], colour, 16.0)
        },
    );
    assert_eq!(
        (stats["width"].as_u64(), stats["height"].as_u64()),
        (Some(1280), Some(800)),
        "{stats}"
    );
    drop(window);

    // Stopping the share unpublishes it.
    app.click(&app.wait("[data-testid=screen-button]", T).await)
        .await;
    candidate.wait_for("the share unpublished", T, |v| {
        v["event"] == "track_unpublished" && v["source"] == "screen_share"
    });
    app.wait("[data-testid=screen-button][aria-pressed=false]", T)
        .await;

    // Someone else's shared screen takes the main stage, faces go to the strip.
    let mut presenter = Bot::demo_user(
        "presenter",
        &stage.server.url(),
        "candidate",
        &interview,
        &[
            "--publish",
            "screen",
            "--video-size",
            "1280x720",
            "--video-color",
            "250,200,0",
        ],
    );
    presenter.wait_event("connected", T);
    let rgb = canvas_rgb(
        &stage,
        &app,
        "[data-testid=main-stage] [data-testid=video-canvas]",
    )
    .await;
    assert!(
        near(&serde_json::json!(rgb), [250, 200, 0], 30.0),
        "main stage pixel {rgb:?}"
    );
    app.wait(
        "[data-testid=face-strip] [data-testid=tile][data-local=true]",
        T,
    )
    .await;
    stage
        .shot_showing("ui-screen-share-stage", [250, 200, 0], 0.10)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_candidates_app_shows_the_interviewers_camera() {
    let _turn = KEYRING.lock().await;
    let stage = Stage::new().await;
    let app = stage.open_app().await;
    sign_in(&app, &stage.server.url(), "candidate", "viva-candidate").await;
    let interview = interview_row(&app, "Backend Engineer Interview").await;

    // The interviewer's camera as the app sends it: the capture pipeline on the fake
    // camera, 720p30 with simulcast (viva-bot --publish camera).
    let mut interviewer = Bot::demo_user_with_env(
        "interviewer",
        &stage.server.url(),
        "interviewer",
        &interview,
        &["--publish", "camera"],
        &[("VIVA_FAKE_CAMERA", CAMERA_ENV)],
    );
    let who = interviewer.wait_event("connected", T)["identity"]
        .as_str()
        .unwrap()
        .to_owned();

    open_prejoin(&app, &interview).await;
    app.click(&app.wait("[data-testid=prejoin-join]", T).await)
        .await;
    app.wait("[data-testid=room][data-is-interviewer=false]", T)
        .await;
    let rgb = crate::tile_rgb(&stage, &app, &who).await;
    assert!(
        near(&serde_json::json!(rgb), CAMERA, 24.0),
        "the interviewer's tile pixel {rgb:?}"
    );
    stage
        .shot_showing("ui-candidate-sees-interviewer-camera", CAMERA, 0.03)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_preflight_gives_a_verdict_and_camera_off_joins_without_a_camera_track() {
    let _turn = KEYRING.lock().await;
    let stage = Stage::with_env(&[("VIVA_FAKE_CAMERA", Path::new(CAMERA_ENV))]).await;
    let app = stage.open_app().await;
    let (_, mut candidate) = to_prejoin(&stage, &app, &[]).await;

    // Against the real livekit-server on loopback, the verdict is "good", with the number.
    let verdict = app
        .wait("[data-testid=preflight][data-verdict=good]", T)
        .await;
    let text = app.text(&verdict).await;
    assert!(text.contains("ms to the media server"), "{text}");
    stage.shot("ui-prejoin-preflight").await;

    // A camera is there, and the person chooses to join with it off.
    app.wait_js(
        "the fake camera in the camera list",
        "const s = document.querySelector('[data-testid=camera-select]'); return !!s && s.selectedOptions[0]?.textContent === 'Viva test camera';",
        T,
    )
    .await;
    app.click(&app.wait("[data-testid=camera-off]", T).await)
        .await;
    app.click(&app.wait("[data-testid=prejoin-join]", T).await)
        .await;
    app.wait("[data-testid=room][data-is-interviewer=true]", T)
        .await;
    let me = app
        .wait_js("our identity", "return document.querySelector('[data-testid=tile][data-local=true]')?.dataset.identity ?? null;", T)
        .await;
    let me = me.as_str().unwrap().to_owned();
    candidate.wait_for("the interviewer in the room", T, |v| {
        v["event"] == "participant_connected" && v["identity"] == me.as_str()
    });
    tokio::time::sleep(Duration::from_secs(5)).await;
    let video: Vec<_> = candidate
        .seen()
        .iter()
        .filter(|v| {
            v["event"] == "track_subscribed"
                && v["participant"] == me.as_str()
                && v["kind"] == "video"
        })
        .cloned()
        .collect();
    assert!(
        video.is_empty(),
        "no camera track from the interviewer: {video:?}"
    );
    app.close().await;
}
