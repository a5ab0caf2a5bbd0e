//! Draft benchmark (numbers in BENCHMARKS.md): autosave latency (a save returns once the
//! encrypted record is fsynced) and the time to sync 1,000 drafts queued while the server
//! was down. Real viva-server (SQLite), real on-disk store; the key sits in MemorySecrets
//! (the keyring is read once per open, not per save).
//!
//! cargo run --release -p viva-core --example drafts_bench   (after `cargo build --release --bins`)

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use viva_core::{DraftKind, Drafts, FormTarget, MemorySecrets, Session, SyncConfig};
use viva_testkit::VivaServer;

const DRAFTS: usize = 1_000;
const SAVES: usize = 1_000;

fn pct(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut server = VivaServer::start(None);
    let http = reqwest::Client::new();
    let login = |u: &'static str, p: &'static str| {
        let http = http.clone();
        let url = server.url();
        async move {
            let v: Value = http
                .post(format!("{url}/api/auth/login"))
                .json(&json!({"username": u, "password": p}))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            v["access_token"].as_str().unwrap().to_owned()
        }
    };
    let cand = login("candidate", "viva-candidate").await;
    let intv = login("interviewer", "viva-interviewer").await;
    let me: Value = http
        .get(format!("{}/api/auth/me", server.url()))
        .bearer_auth(&intv)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // 1,000 accepted interviews to write feedback for.
    let mut ids = Vec::new();
    for n in 0..DRAFTS {
        let i: Value = http
            .post(format!("{}/api/interviews/", server.url()))
            .bearer_auth(&cand)
            .json(&json!({"receiver": me["id"], "topic": format!("Bench {n}"),
                "scheduled_time": "2030-01-01T10:00:00Z", "duration_minutes": 30, "interview_type": "TECHNICAL"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id = i["uuid_id"]
            .as_str()
            .unwrap_or_else(|| panic!("{i}"))
            .to_owned();
        http.post(format!("{}/api/interviews/{id}/accept/", server.url()))
            .bearer_auth(&intv)
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        ids.push(id);
    }

    let secrets = Arc::new(MemorySecrets::default());
    let session = Arc::new(Session::new(secrets.clone()));
    let info = session
        .login(&server.url(), "interviewer", "viva-interviewer")
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let drafts = Drafts::open(
        dir.path(),
        secrets.as_ref(),
        session.clone(),
        &info.user.id,
        SyncConfig::default(),
    )
    .await
    .unwrap();
    let target = |id: &str| FormTarget {
        interview_id: id.to_owned(),
        kind: Some(DraftKind::Interviewer),
        topic: "Bench".into(),
        interview_type: "TECHNICAL".into(),
    };

    // Autosave latency: one draft typed into, a keystroke batch per save.
    drafts.form(target(&ids[0])).await.unwrap();
    let mut notes = String::new();
    let mut lat = Vec::with_capacity(SAVES);
    for n in 0..SAVES {
        notes.push_str(&format!("word{n} "));
        let fields = BTreeMap::from([("notes".to_owned(), notes.clone())]);
        let t = Instant::now();
        drafts
            .save(&ids[0], DraftKind::Interviewer, fields)
            .await
            .unwrap();
        lat.push(t.elapsed());
    }
    lat.sort();
    println!(
        "autosave ({SAVES} saves, notes growing to {} chars): p50 {:?}, p99 {:?}, max {:?}",
        notes.len(),
        pct(&lat, 0.5),
        pct(&lat, 0.99),
        lat[lat.len() - 1]
    );
    drafts.wait_synced(Duration::from_secs(60)).await.unwrap();

    // 1,000 drafts written while the server is down, then the server comes back.
    server.stop();
    for (n, id) in ids.iter().enumerate() {
        drafts.form(target(id)).await.unwrap();
        let fields = BTreeMap::from([
            (
                "notes".to_owned(),
                format!("offline note {n} for the bench"),
            ),
            ("rating:Coding".to_owned(), "3".to_owned()),
        ]);
        drafts
            .save(id, DraftKind::Interviewer, fields)
            .await
            .unwrap();
    }
    println!(
        "queued: {} unsynced",
        drafts.unsynced_count().await.unwrap()
    );
    server.restart();
    let t = Instant::now();
    drafts.sync_now();
    drafts.wait_synced(Duration::from_secs(600)).await.unwrap();
    println!(
        "sync of {DRAFTS} queued drafts after the server came back: {:?}",
        t.elapsed()
    );
    drafts.close().await;
}
