//! Desktop app benchmark: launch to an interactive sign-in screen, idle memory (PSS of all
//! the app's processes), and frames actually drawn per second plus CPU for one and two
//! remote 640x360 and 1280x720 30 fps streams. Runs the real app under Xvfb over WebDriver
//! against the real stack; `make bench-app` (needs the D-Bus/keyring session `make test`
//! sets up, which scripts/bench-app provides).

#[path = "bench/util.rs"]
mod bench_util;

use std::time::{Duration, Instant};

use bench_util::{cpu_s, print_thread_breakdown, pss_mb, thread_cpu, tree_of_exe};

use livekit_api::access_token::VideoGrants;
use viva_testkit::{workspace_bin, AppSession, Bot, LiveKitServer, TauriDriver, VivaServer, Xvfb};

const T: Duration = Duration::from_secs(30);

fn app_tree() -> Vec<u32> {
    tree_of_exe(workspace_bin("viva").to_str().unwrap())
}

/// What the UI counted so far, summed over the video tiles: frames drawn, frames the engine
/// decoded (as the newest frame's header says), and the frame path's own timings.
#[derive(Default)]
struct Sample {
    drawn: f64,
    decoded: f64,
    stats: serde_json::Value,
}

async fn sample(app: &AppSession) -> Sample {
    let v = app
        .js(
            "const c=[...document.querySelectorAll('[data-testid=video-canvas]')];\
             return {drawn: c.reduce((n, x) => n + Number(x.dataset.frames || 0), 0),\
             decoded: c.reduce((n, x) => n + Number(x.dataset.decoded || 0), 0),\
             stats: window.__vivaFrameStats ? {...window.__vivaFrameStats} : null};",
            serde_json::json!([]),
        )
        .await;
    Sample {
        drawn: v["drawn"].as_f64().unwrap_or(0.0),
        decoded: v["decoded"].as_f64().unwrap_or(0.0),
        stats: v["stats"].clone(),
    }
}

/// Per-frame averages of the UI's frame-path timings between two samples.
fn stage_line(a: &serde_json::Value, b: &serde_json::Value) -> String {
    let d = |k: &str| b[k].as_f64().unwrap_or(0.0) - a[k].as_f64().unwrap_or(0.0);
    let n = d("received").max(1.0);
    let keys = b
        .as_object()
        .map(|o| o.keys().cloned().collect::<Vec<_>>())
        .unwrap_or_default();
    let parts: Vec<String> = keys
        .iter()
        .filter(|k| k.ends_with("Ms"))
        .map(|k| format!("{k} {:.2}", d(k) / n))
        .collect();
    format!(
        "received {:.0}, replaced before drawing {:.0}, stale {:.0}, per frame (ms): {}",
        d("received"),
        d("replaced"),
        d("stale"),
        parts.join(", ")
    )
}

fn token(lk: &LiveKitServer, room: &str, identity: &str) -> String {
    lk.join_token(
        identity,
        VideoGrants {
            room_join: true,
            room: room.into(),
            can_publish: Some(true),
            ..Default::default()
        },
    )
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let lk = tokio::task::spawn_blocking(LiveKitServer::start)
        .await
        .unwrap();
    let server = VivaServer::start(Some(&lk));
    let xvfb = Xvfb::start();
    let home = tempfile::tempdir().unwrap();
    let driver = TauriDriver::start(&xvfb.display, &[("HOME", home.path())]);

    let started = Instant::now();
    let app = AppSession::start(&driver, &workspace_bin("viva")).await;
    app.wait("[data-testid=signin-submit]", T).await;
    let launch = started.elapsed();
    tokio::time::sleep(Duration::from_secs(5)).await;
    let idle = pss_mb(&app_tree());
    println!(
        "launch to interactive sign-in: {:.0} ms",
        launch.as_secs_f64() * 1000.0
    );
    println!("idle memory (PSS, app + WebKit processes): {idle:.0} MB");

    for (field, value) in [
        ("signin-server", server.url()),
        ("signin-username", "interviewer".into()),
        ("signin-password", "viva-interviewer".into()),
    ] {
        app.type_into(
            &app.wait(&format!("[data-testid={field}]"), T).await,
            &value,
        )
        .await;
    }
    app.click(&app.wait("[data-testid=signin-submit]", T).await)
        .await;
    app.wait("[data-testid=interview-list]", T).await;
    let id = app
        .wait_js("interview", "const r=[...document.querySelectorAll('[data-testid=interview-row]')].find(r=>r.textContent.includes('Backend Engineer Interview'));return r?r.dataset.interviewId:null;", T)
        .await
        .as_str()
        .unwrap()
        .to_owned();
    app.click(
        &app.wait(
            &format!("[data-interview-id=\"{id}\"] [data-testid=join-button]"),
            T,
        )
        .await,
    )
    .await;
    app.click(&app.wait("[data-testid=prejoin-join]", T).await)
        .await;
    app.wait("[data-testid=room]", T).await;
    let room = format!("interview-{id}");

    println!(
        "streams  size       drawn fps  drawn/decoded  CPU (% of one core, all processes)  PSS"
    );
    for (w, h) in [(640, 360), (1280, 720)] {
        for streams in [1, 2] {
            let mut bots = Vec::new();
            for n in 0..streams {
                let args: Vec<String> = [
                    "--url".into(),
                    lk.ws_url(),
                    "--token".into(),
                    token(&lk, &room, &format!("bench-{w}-{streams}-{n}")),
                    "--publish".into(),
                    "video".into(),
                    "--video-size".into(),
                    format!("{w}x{h}"),
                    "--fps".into(),
                    "30".into(),
                ]
                .to_vec();
                let mut bot = Bot::spawn("bench", &args, &[]);
                bot.wait_event("connected", T);
                bots.push(bot);
            }
            app.wait_js("all tiles drawing", &format!(
                "const c=[...document.querySelectorAll('[data-testid=video-canvas]')];return c.length>={streams} && c.every(x=>Number(x.dataset.frames||0)>30);"), T).await;
            // Let the stream settle (layer switches, first keyframes) before measuring.
            tokio::time::sleep(Duration::from_secs(2)).await;
            let pids = app_tree();
            let (s0, th0) = (sample(&app).await, thread_cpu(&pids));
            let (c0, t0) = (cpu_s(&pids), Instant::now());
            tokio::time::sleep(Duration::from_secs(10)).await;
            let (s1, th1, c1, dt) = (
                sample(&app).await,
                thread_cpu(&pids),
                cpu_s(&pids),
                t0.elapsed(),
            );
            let secs = dt.as_secs_f64();
            let decoded = if s1.decoded > 0.0 {
                format!(
                    "{:.1}%",
                    (s1.drawn - s0.drawn) / (s1.decoded - s0.decoded).max(1.0) * 100.0
                )
            } else {
                "n/a".into()
            };
            println!(
                "{streams:>7}  {w}x{h:<5}  {:>9.1}  {decoded:>13}  {:>6.0}%  {:>5.0} MB",
                (s1.drawn - s0.drawn) / secs / streams as f64,
                (c1 - c0) / secs * 100.0,
                pss_mb(&pids)
            );
            print_thread_breakdown(&th0, &th1, dt);
            // The page's own frame path; with the native surface no frame reaches the page.
            if s1.stats["received"].as_f64().unwrap_or(0.0) > 0.0 {
                println!("         ui: {}", stage_line(&s0.stats, &s1.stats));
            }
            drop(bots);
            app.wait_js(
                "tiles gone",
                "return document.querySelectorAll('[data-testid=video-canvas]').length===0;",
                T,
            )
            .await;
        }
    }
    app.close().await;
}
