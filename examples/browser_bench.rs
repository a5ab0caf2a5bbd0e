//! The browser reference for the app benchmark: Debian's Chromium on a small livekit-client
//! page (bench/browser) under Xvfb, in the same cases as examples/app_bench.rs with the same
//! release `viva-bot` publishers. Per case: frames presented per second per stream, presented
//! / decoded, CPU of Chromium's whole process tree and its PSS. `make bench-browser` runs it
//! inside a private network namespace (Chromium gathers no ICE candidates on loopback alone).

#[path = "bench/util.rs"]
mod bench_util;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bench_util::{cpu_s, print_thread_breakdown, pss_mb, thread_cpu, tree_of_pid};
use livekit_api::access_token::VideoGrants;
use viva_testkit::process::Service;
use viva_testkit::{Bot, LiveKitServer, Xvfb};

const SIGTERM: i32 = 15;
const T: Duration = Duration::from_secs(60);

type Report = Arc<Mutex<serde_json::Value>>;

/// Serves the page and keeps the last report it posted.
fn serve(dir: PathBuf, report: Report) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let mut request = String::new();
            let mut length = 0usize;
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 2 {
                if request.is_empty() {
                    request = line.clone();
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                line.clear();
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let path = request.split_whitespace().nth(1).unwrap_or("/");
            let path = path.split('?').next().unwrap_or("/");
            let (kind, content) = match path {
                "/report" => {
                    if let Ok(v) = serde_json::from_slice(&body) {
                        *report.lock().unwrap() = v;
                    }
                    ("text/plain", Vec::new())
                }
                "/page.js" => (
                    "text/javascript",
                    std::fs::read(dir.join("dist/page.js")).unwrap(),
                ),
                _ => ("text/html", std::fs::read(dir.join("index.html")).unwrap()),
            };
            let mut stream = reader.into_inner();
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                content.len()
            );
            let _ = stream.write_all(&content);
        }
    });
    port
}

fn token(lk: &LiveKitServer, room: &str, identity: &str, publish: bool) -> String {
    lk.join_token(
        identity,
        VideoGrants {
            room_join: true,
            room: room.into(),
            can_publish: Some(publish),
            ..Default::default()
        },
    )
}

/// (presented, decoded) per track from the page's last report.
fn counters(report: &Report) -> Vec<(f64, f64)> {
    let report = report.lock().unwrap();
    if let Some(e) = report.get("error") {
        panic!("the page failed: {e}");
    }
    report["tracks"]
        .as_object()
        .map(|t| {
            t.values()
                .map(|c| {
                    (
                        c["presented"].as_f64().unwrap_or(0.0),
                        c["decoded"].as_f64().unwrap_or(0.0),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn wait_until(what: &str, mut ok: impl FnMut() -> bool) {
    let deadline = Instant::now() + T;
    while !ok() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn main() {
    let adaptive = std::env::var("VIVA_BENCH_ADAPTIVE").map_or(true, |v| v != "0");
    let page_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/browser");
    let lk = LiveKitServer::start();
    let xvfb = Xvfb::start();
    let report: Report = Arc::default();
    let port = serve(page_dir, report.clone());
    let profile = tempfile::tempdir().unwrap();
    let room = "bench";
    let url = format!(
        "http://127.0.0.1:{port}/?adaptive={}&url={}&token={}",
        u8::from(adaptive),
        lk.ws_url(),
        token(&lk, room, "viewer", false)
    );
    let mut cmd = Command::new("chromium");
    cmd.env("DISPLAY", &xvfb.display)
        .args([
            "--no-sandbox",
            "--no-first-run",
            "--no-default-browser-check",
        ])
        .args([
            "--ignore-gpu-blocklist",
            "--window-size=1280,800",
            "--window-position=0,0",
        ])
        .args([
            "--autoplay-policy=no-user-gesture-required",
            "--password-store=basic",
        ])
        // Chromium's only host candidate is the veth address (10.213.0.1) and the testkit's
        // livekit-server offers 127.0.0.1 only. What connects is the server's check from
        // 127.0.0.1 to 10.213.0.1 (Chromium's own checks to 127.0.0.1 go unanswered), so the
        // server must see that address: by default Chromium hides it behind an mDNS name,
        // which livekit-server ignores ("ignoring mDNS candidate"), and ICE never completes
        // ("could not establish pc connection").
        .arg("--disable-features=WebRtcHideLocalIpsWithMdns")
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--app={url}"));
    let chromium = Service::spawn(
        "chromium",
        cmd,
        &profile.path().join("chromium.log"),
        SIGTERM,
    );
    println!(
        "Chromium {} (llvmpipe, <video>), livekit-client adaptive stream: {adaptive}",
        String::from_utf8_lossy(
            &Command::new("chromium")
                .arg("--version")
                .output()
                .unwrap()
                .stdout
        )
        .trim()
    );
    let deadline = Instant::now() + T;
    loop {
        let last = report.lock().unwrap().clone();
        if last.get("tracks").is_some() {
            break;
        }
        if last.get("error").is_some() || Instant::now() > deadline {
            panic!(
                "the page did not connect; its last report: {last}; Chromium's log:\n{}",
                chromium.log_tail()
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    }

    println!("streams  size       presented fps  presented/decoded  CPU (% of one core, all processes)  PSS");
    for (w, h) in [(640, 360), (1280, 720)] {
        for streams in [1, 2] {
            let mut bots = Vec::new();
            for n in 0..streams {
                let args: Vec<String> = vec![
                    "--url".into(),
                    lk.ws_url(),
                    "--token".into(),
                    token(&lk, room, &format!("bench-{w}-{streams}-{n}"), true),
                    "--publish".into(),
                    "video".into(),
                    "--video-size".into(),
                    format!("{w}x{h}"),
                    "--fps".into(),
                    "30".into(),
                ];
                let mut bot = Bot::spawn("bench", &args, &[]);
                bot.wait_event("connected", T);
                bots.push(bot);
            }
            wait_until("all tiles presenting", || {
                let c = counters(&report);
                c.len() == streams && c.iter().all(|(p, _)| *p > 30.0)
            });
            // Let the stream settle as the app bench does (layer switches, first keyframes).
            std::thread::sleep(Duration::from_secs(2));
            let pids = tree_of_pid(chromium.pid());
            let (c0, th0) = (counters(&report), thread_cpu(&pids));
            let (cpu0, t0) = (cpu_s(&pids), Instant::now());
            std::thread::sleep(Duration::from_secs(10));
            let (c1, th1, cpu1, dt) = (
                counters(&report),
                thread_cpu(&pids),
                cpu_s(&pids),
                t0.elapsed(),
            );
            let presented: f64 =
                c1.iter().map(|c| c.0).sum::<f64>() - c0.iter().map(|c| c.0).sum::<f64>();
            let decoded: f64 =
                c1.iter().map(|c| c.1).sum::<f64>() - c0.iter().map(|c| c.1).sum::<f64>();
            println!(
                "{streams:>7}  {w}x{h:<5}  {:>13.1}  {:>16.1}%  {:>6.0}%  {:>5.0} MB",
                presented / dt.as_secs_f64() / streams as f64,
                presented / decoded.max(1.0) * 100.0,
                (cpu1 - cpu0) / dt.as_secs_f64() * 100.0,
                pss_mb(&pids)
            );
            print_thread_breakdown(&th0, &th1, dt);
            drop(bots);
            wait_until("tiles gone", || counters(&report).is_empty());
        }
    }
    drop(chromium);
}
