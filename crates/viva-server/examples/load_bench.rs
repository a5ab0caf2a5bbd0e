//! The backend under load (`make bench-load`): the release viva-server with a real
//! livekit-server, on SQLite and on PostgreSQL, driven by oha (pinned in scripts/lib.sh,
//! built once into the cache). Per endpoint: throughput at saturation (32 connections) and
//! latency at fixed rates, and at 1,000/s the share of requests the server itself (its
//! latency histogram) took over 20 ms for. Method and figures in BENCHMARKS.md.
//! `VIVA_BENCH_ONLY="SQLite POST /api/interviews"` runs only the rows whose "database
//! endpoint" contains the text (a profiler can then be attached to one case).

use std::process::Command;

use serde_json::{json, Value};
use viva_testkit::api::Api;
use viva_testkit::{LiveKitServer, Postgres, VivaServer};

const SECONDS: u32 = 10;

struct Target {
    name: &'static str,
    /// The route template the server's latency histogram files it under.
    route: &'static str,
    url: String,
    token: Option<String>,
    body: String,
}

/// One oha run: (requests/s, p50 ms, p99 ms, share of 2xx answers).
fn oha(target: &Target, rate: Option<u32>) -> (f64, f64, f64, f64) {
    let oha =
        std::env::var("VIVA_OHA").expect("VIVA_OHA: the oha binary (scripts/bench-load sets it)");
    let mut cmd = Command::new(oha);
    cmd.args([
        "--no-tui",
        "--output-format",
        "json",
        "-z",
        &format!("{SECONDS}s"),
    ])
    .args([
        "-m",
        "POST",
        "-H",
        "content-type: application/json",
        "-d",
        &target.body,
    ]);
    match rate {
        Some(q) => cmd.args(["-q", &q.to_string(), "-c", "64"]),
        None => cmd.args(["-c", "32"]),
    };
    if let Some(t) = &target.token {
        cmd.args(["-H", &format!("authorization: Bearer {t}")]);
    }
    let out = cmd.arg(&target.url).output().expect("run oha");
    assert!(
        out.status.success(),
        "oha: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("oha JSON");
    let total: f64 = v["statusCodeDistribution"]
        .as_object()
        .map(|m| m.values().filter_map(Value::as_f64).sum())
        .unwrap_or(0.0);
    let ok: f64 = v["statusCodeDistribution"]
        .as_object()
        .map(|m| {
            m.iter()
                .filter(|(k, _)| k.starts_with('2'))
                .filter_map(|(_, n)| n.as_f64())
                .sum()
        })
        .unwrap_or(0.0);
    if ok < total {
        // What the other answers were, so a failing run says why (stderr: the table stays clean).
        eprintln!(
            "{} at {}: statuses {}",
            target.name,
            rate.map_or("saturation".to_owned(), |q| format!("{q}/s")),
            v["statusCodeDistribution"]
        );
    }
    let ms = |p: &str| v["latencyPercentiles"][p].as_f64().unwrap_or(f64::NAN) * 1000.0;
    (
        v["summary"]["requestsPerSec"].as_f64().unwrap_or(0.0),
        ms("p50"),
        ms("p99"),
        if total > 0.0 { ok / total } else { 0.0 },
    )
}

/// The server's own count of `route`'s requests, and of those it answered within 20 ms
/// (its latency histogram, `/metrics`): what the server spent, without the load generator's
/// and the network's share.
async fn server_within_20ms(server: &VivaServer, route: &str) -> (f64, f64) {
    let text = reqwest::get(format!("{}/metrics", server.url()))
        .await
        .and_then(|r| r.error_for_status())
        .expect("/metrics")
        .text()
        .await
        .expect("/metrics text");
    let series = format!("{{method=\"POST\",route=\"{route}\"");
    let value = |prefix: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(prefix)?.rsplit(' ').next()?.parse().ok())
            .unwrap_or(0.0)
    };
    (
        value(&format!(
            "viva_http_request_duration_seconds_count{series}}}"
        )),
        value(&format!(
            "viva_http_request_duration_seconds_bucket{series},le=\"0.02\"}}"
        )),
    )
}

async fn targets(server: &VivaServer) -> Vec<Target> {
    let base = server.url();
    let candidate = Api::login(&base, "candidate", "viva-candidate").await;
    let interviewer = Api::login(&base, "interviewer", "viva-interviewer").await;
    let hr = Api::login(&base, "hr", "viva-hr-staff").await;
    let id = interviewer.interview_id("Backend Engineer Interview").await;
    let application = hr.application_with_phone("+971509876543").await;
    let (s, room) = hr
        .post(
            "/api/public/interview/room/create",
            json!({"applicationId": application, "maxDuration": 3600}),
        )
        .await;
    assert_eq!(s, 201, "{room}");
    let code = room["roomCode"].as_str().unwrap();
    vec![
        Target {
            name: "POST /api/interviews/{id}/join/",
            route: "/api/interviews/{id}/join/",
            url: format!("{base}/api/interviews/{id}/join/"),
            token: Some(candidate.token.clone()),
            body: "{}".into(),
        },
        Target {
            name: "POST /api/livekit/token",
            route: "/api/livekit/token",
            url: format!("{base}/api/livekit/token"),
            token: Some(candidate.token.clone()),
            body: json!({"roomId": format!("interview-{id}")}).to_string(),
        },
        Target {
            name: "POST /api/public/interview/join/{code}",
            route: "/api/public/interview/join/{roomCode}",
            url: format!("{base}/api/public/interview/join/{code}"),
            token: None,
            body: json!({"phoneNumber": "+971509876543", "firstName": "A", "lastName": "H"})
                .to_string(),
        },
    ]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let lk = tokio::task::spawn_blocking(LiveKitServer::start)
        .await
        .unwrap();
    let pg = tokio::task::spawn_blocking(Postgres::start).await.unwrap();
    // The public endpoints' per-address limits would answer 429 to one load generator.
    let env = [
        ("VIVA_PUBLIC_RATE_LIMIT_PER_IP", "1000000000".to_owned()),
        ("VIVA_PUBLIC_RATE_LIMIT_PER_CODE", "1000000000".to_owned()),
    ];
    println!("| database | endpoint | saturation req/s (32 conn) | p50 / p99 ms at saturation | p50 / p99 ms at 500/s | p50 / p99 ms at 1,000/s | server over 20 ms at 1,000/s | 2xx |");
    println!("|---|---|---|---|---|---|---|---|");
    for (db_name, db) in [("SQLite", None), ("PostgreSQL", Some(pg.fresh_database()))] {
        let server = VivaServer::start_with_env(Some(&lk), db, &env);
        for target in targets(&server).await {
            if std::env::var("VIVA_BENCH_ONLY")
                .is_ok_and(|f| !format!("{db_name} {}", target.name).contains(&f))
            {
                continue;
            }
            let (rps, p50, p99, ok) = oha(&target, None);
            let (_, p50_500, p99_500, ok500) = oha(&target, Some(500));
            let before = server_within_20ms(&server, target.route).await;
            let (_, p50_1k, p99_1k, ok1k) = oha(&target, Some(1000));
            let after = server_within_20ms(&server, target.route).await;
            let (all, fast) = (after.0 - before.0, after.1 - before.1);
            let slow = if all > 0.0 {
                100.0 * (all - fast) / all
            } else {
                f64::NAN
            };
            println!(
                "| {db_name} | {} | {rps:.0} | {p50:.1} / {p99:.1} | {p50_500:.1} / {p99_500:.1} | {p50_1k:.1} / {p99_1k:.1} | {slow:.2}% | {:.1}% |",
                target.name,
                100.0 * ok.min(ok500).min(ok1k)
            );
        }
    }
}
