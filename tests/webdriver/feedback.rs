//! Offline feedback in the real app: the form refuses an incomplete scorecard, a draft
//! typed with the server down survives SIGKILL and a restart, and syncs by itself once the
//! server is back; the server then holds exactly one copy of the text.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::{sign_in, Stage, KEYRING, T};

/// Pids of the app binary started with this stage's HOME (tauri-driver starts it, so we
/// have no handle; the private HOME tells our instance from any other).
fn app_pids(home: &Path) -> Vec<i32> {
    let bin = crate::app_binary();
    let want = format!("HOME={}", home.display());
    let mut pids = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(exe) = std::fs::read_link(entry.path().join("exe")) else {
            continue;
        };
        if exe != bin {
            continue;
        }
        let env = std::fs::read(entry.path().join("environ")).unwrap_or_default();
        if env.split(|b| *b == 0).any(|v| v == want.as_bytes()) {
            pids.push(pid);
        }
    }
    pids
}

async fn server_draft(base: &str, interview: &str) -> Value {
    let http = reqwest::Client::new();
    let login: Value = http
        .post(format!("{base}/api/auth/login"))
        .json(&serde_json::json!({"username": "interviewer", "password": "viva-interviewer"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    http.get(format!(
        "{base}/api/interviews/{interview}/feedback/drafts/interviewer"
    ))
    .bearer_auth(login["access_token"].as_str().unwrap())
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_feedback_survives_sigkill_and_syncs_when_the_server_returns() {
    let _turn = KEYRING.lock().await;
    let mut stage = Stage::new().await;
    let base = stage.server.url();
    let app = stage.open_app().await;
    sign_in(&app, &base, "interviewer", "viva-interviewer").await;

    let row = app
        .wait_js(
            "the Backend Engineer Interview row",
            "const r = [...document.querySelectorAll('[data-testid=interview-row]')].find(r => r.textContent.includes('Backend Engineer Interview')); return r ? r.dataset.interviewId : null;",
            T,
        )
        .await;
    let interview = row.as_str().unwrap().to_owned();
    app.click(
        &app.wait(
            &format!("[data-interview-id='{interview}'] [data-testid=feedback-button]"),
            T,
        )
        .await,
    )
    .await;
    app.wait("[data-testid=feedback-form]", T).await;

    // Required fields are enforced before anything is sent.
    app.click(&app.wait("[data-testid=feedback-submit]", T).await)
        .await;
    let missing = app
        .text(&app.wait("[data-testid=feedback-missing]", T).await)
        .await;
    assert!(
        missing.contains("Rate Problem solving") && missing.contains("recommendation"),
        "{missing}"
    );
    stage.shot("ui-feedback-required").await;

    // The server goes away; the interviewer keeps writing.
    stage.server.stop();
    let text = "Walked through the retry budget calmly (quokka-4417)";
    app.click(&app.wait("[data-testid=rating-coding-3]", T).await)
        .await;
    app.type_into(&app.wait("[data-testid=feedback-notes]", T).await, text)
        .await;
    app.wait_js(
        "the draft saved locally",
        "const b = document.querySelector('[data-testid=draft-state]'); return b && b.dataset.state === 'local_only' && document.querySelector('[data-testid=feedback-notes]').value.includes('quokka') ? true : null;",
        T,
    )
    .await;
    // The debounced save has run once the badge says so; give it its write.
    tokio::time::sleep(Duration::from_millis(800)).await;
    stage.shot("ui-feedback-offline").await;

    // SIGKILL: no chance to flush anything.
    let pids = app_pids(stage.app_home.path());
    assert!(!pids.is_empty(), "found the app process");
    for pid in pids {
        let killed = std::process::Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .unwrap();
        assert!(killed.success(), "SIGKILL {pid}");
    }
    // The driver still counts the dead session; ending it frees the slot for the restart.
    app.close().await;

    // Restart with the server still down: signed in from the keyring, the draft waits.
    let app = stage.open_app().await;
    app.click(&app.wait("[data-testid=drafts-button]", T).await)
        .await;
    app.wait("[data-testid=drafts-list] [data-testid=draft-row]", T)
        .await;
    let badge = app.wait("[data-testid=draft-badge]", T).await;
    assert_eq!(
        app.attr(&badge, "data-state").await.as_deref(),
        Some("local_only")
    );
    stage.shot("ui-drafts-offline").await;

    // The server returns: the draft syncs with nobody touching anything.
    let started = Instant::now();
    tokio::task::block_in_place(|| stage.server.restart());
    loop {
        let d = server_draft(&base, &interview).await;
        if d["content"]["notes"] == text {
            assert_eq!(d["version"], 1, "exactly one copy was written: {d}");
            assert_eq!(d["content"]["rating:Coding"], "3");
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "never synced: {d}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    app.wait_js(
        "the synced badge",
        "const b = document.querySelector('[data-testid=draft-badge]'); return b && b.dataset.state === 'synced' ? true : null;",
        T,
    )
    .await;
    tokio::time::sleep(Duration::from_millis(600)).await; // let the badge repaint
    stage.shot("ui-drafts-synced").await;
    app.click(&app.wait("[data-testid=draft-row]", T).await)
        .await;
    app.wait("[data-testid=feedback-form]", T).await;
    stage.shot("ui-feedback-form").await;
    app.close().await;
}
