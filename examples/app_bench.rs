//! Desktop app benchmark: launch to an interactive sign-in screen, idle memory (PSS of all
//! the app's processes), and frames actually drawn per second plus CPU for one and two
//! remote 640x360 and 1280x720 30 fps streams. Runs the real app under Xvfb over WebDriver
//! against the real stack; `make bench-app` (needs the D-Bus/keyring session `make test`
//! sets up, which scripts/bench-app provides).

use std::time::{Duration, Instant};

use livekit_api::access_token::{AccessToken, VideoGrants};
use viva_testkit::{workspace_bin, AppSession, Bot, LiveKitServer, TauriDriver, VivaServer, Xvfb};

const T: Duration = Duration::from_secs(30);

/// PIDs of the app and every process below it (WebKit's web and network processes).
fn app_tree() -> Vec<u32> {
    let app = workspace_bin("viva");
    let mut pids = Vec::new();
    let all: Vec<(u32, u32, String)> = std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            let ppid = stat
                .rsplit(')')
                .next()?
                .split_whitespace()
                .nth(1)?
                .parse()
                .ok()?;
            let exe = std::fs::read_link(format!("/proc/{pid}/exe"))
                .ok()?
                .display()
                .to_string();
            Some((pid, ppid, exe))
        })
        .collect();
    for (pid, _, exe) in &all {
        if exe.starts_with(app.to_str().unwrap()) {
            pids.push(*pid);
        }
    }
    let mut i = 0;
    while i < pids.len() {
        let parent = pids[i];
        for (pid, ppid, _) in &all {
            if *ppid == parent && !pids.contains(pid) {
                pids.push(*pid);
            }
        }
        i += 1;
    }
    pids
}

fn pss_mb(pids: &[u32]) -> f64 {
    pids.iter()
        .filter_map(|p| std::fs::read_to_string(format!("/proc/{p}/smaps_rollup")).ok())
        .filter_map(|t| t.lines().find(|l| l.starts_with("Pss:")).map(str::to_owned))
        .filter_map(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        .sum::<f64>()
        / 1024.0
}

/// CPU seconds (user + system) used so far by `pids`.
fn cpu_s(pids: &[u32]) -> f64 {
    let tick = 100.0; // USER_HZ on Linux
    pids.iter()
        .filter_map(|p| std::fs::read_to_string(format!("/proc/{p}/stat")).ok())
        .filter_map(|s| {
            let f: Vec<&str> = s.rsplit(')').next()?.split_whitespace().collect();
            Some((f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?) / tick)
        })
        .sum()
}

async fn frames_drawn(app: &AppSession) -> f64 {
    app.js(
        "return [...document.querySelectorAll('[data-testid=video-canvas]')].reduce((n, c) => n + Number(c.dataset.frames || 0), 0);",
        serde_json::json!([]),
    )
    .await
    .as_f64()
    .unwrap_or(0.0)
}

fn token(lk: &LiveKitServer, room: &str, identity: &str) -> String {
    AccessToken::with_api_key(&lk.api_key, &lk.api_secret)
        .with_identity(identity)
        .with_grants(VideoGrants {
            room_join: true,
            room: room.into(),
            can_publish: Some(true),
            ..Default::default()
        })
        .to_jwt()
        .unwrap()
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

    println!("streams  size       drawn fps  app CPU (% of one core, all processes)");
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
            let pids = app_tree();
            let (f0, c0, t0) = (frames_drawn(&app).await, cpu_s(&pids), Instant::now());
            tokio::time::sleep(Duration::from_secs(10)).await;
            let (f1, c1, dt) = (
                frames_drawn(&app).await,
                cpu_s(&pids),
                t0.elapsed().as_secs_f64(),
            );
            println!(
                "{streams:>7}  {w}x{h:<5}  {:>9.1}  {:>6.0}%",
                (f1 - f0) / dt / streams as f64,
                (c1 - c0) / dt * 100.0
            );
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
