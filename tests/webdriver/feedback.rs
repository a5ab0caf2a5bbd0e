//! Offline feedback in the real app: the form refuses an incomplete scorecard, a draft
//! typed with the server down survives SIGKILL and a restart, and syncs by itself once the
//! server is back; the server then holds exactly one copy of the text.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::{sign_in, Stage, KEYRING, T};

/// Pids of the app binary started with this stage's HOME (tauri-driver starts it, so we
/// have no handle; the private HOME tells our instance from any other).
pub fn app_pids(home: &Path) -> Vec<i32> {
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

/// Opens the interview's feedback form from the list.
async fn open_feedback(app: &viva_testkit::AppSession, interview: &str) {
    let button = format!("[data-interview-id='{interview}'] [data-testid=feedback-button]");
    app.click(&app.wait(&button, T).await).await;
    app.wait("[data-testid=feedback-form]", T).await;
}

/// The demo interviewer on the server, as a second client of the same account.
async fn interviewer(base: &str) -> viva_testkit::api::Api {
    viva_testkit::api::Api::login(base, "interviewer", "viva-interviewer").await
}

async fn server_draft(base: &str, interview: &str) -> Value {
    let (status, draft) = interviewer(base)
        .await
        .get(&format!(
            "/api/interviews/{interview}/feedback/drafts/interviewer"
        ))
        .await;
    assert_eq!(status, 200, "{draft}");
    draft
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_feedback_survives_sigkill_and_syncs_when_the_server_returns() {
    let _turn = KEYRING.lock().await;
    let mut stage = Stage::new().await;
    let base = stage.server.url();
    let app = stage.open_app().await;
    sign_in(&app, &base, "interviewer", "viva-interviewer").await;

    let interview = crate::interview_row(&app, "Backend Engineer Interview").await;
    open_feedback(&app, &interview).await;

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

/// Polls the server's copy of the draft until `done` holds.
async fn server_draft_until(
    base: &str,
    interview: &str,
    what: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let started = Instant::now();
    loop {
        let d = server_draft(base, interview).await;
        if done(&d) {
            return d;
        }
        assert!(started.elapsed() < T, "{what}: the server holds {d}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draft_changed_on_two_devices_shows_a_conflict_and_keeps_the_chosen_values() {
    let _turn = KEYRING.lock().await;
    let stage = Stage::new().await;
    let base = stage.server.url();
    let app = stage.open_app().await;
    sign_in(&app, &base, "interviewer", "viva-interviewer").await;
    let interview = crate::interview_row(&app, "Backend Engineer Interview").await;
    open_feedback(&app, &interview).await;

    // This device writes and syncs version 1.
    app.click(&app.wait("[data-testid=rating-coding-3]", T).await)
        .await;
    app.type_into(
        &app.wait("[data-testid=feedback-notes]", T).await,
        "Clear about trade-offs",
    )
    .await;
    let v1 = server_draft_until(&base, &interview, "version 1 synced", |d| {
        d["content"]["notes"] == "Clear about trade-offs"
    })
    .await;

    // Another device of the same interviewer changes the notes and the coding rating.
    let (status, v2) = interviewer(&base)
        .await
        .put(
            &format!("/api/interviews/{interview}/feedback/drafts/interviewer"),
            serde_json::json!({
                "base_version": v1["version"],
                "content": {"rating:Coding": "2", "notes": "Struggled with the cache (laptop)"},
            }),
        )
        .await;
    assert_eq!(status, 200, "{v2}");

    // This device, not knowing, edits the notes again: its save meets the other one.
    app.type_into(
        &app.wait("[data-testid=feedback-notes]", T).await,
        "Clear about trade-offs; strong on retries (desktop)",
    )
    .await;
    app.wait("[data-testid=conflict-view]", T).await;
    let view = app
        .text(&app.wait("[data-testid=conflict-view]", T).await)
        .await;
    assert!(
        view.contains("strong on retries (desktop)")
            && view.contains("Struggled with the cache (laptop)"),
        "both versions side by side: {view}"
    );
    assert!(
        app.find_now("[data-testid=conflict-rating-coding-mine]")
            .await
            .is_none(),
        "only this device changed the notes since version 1; the rating merges without asking"
    );
    // The other device's rating is merged in already; only the notes wait for a choice.
    app.wait("[data-testid=rating-coding-2][aria-checked=true]", T)
        .await;
    stage.shot("ui-feedback-conflict").await;

    // Keep this device's notes; the other device's rating was merged in.
    app.click(&app.wait("[data-testid=conflict-notes-mine]", T).await)
        .await;
    app.click(&app.wait("[data-testid=conflict-apply]", T).await)
        .await;
    let resolved = server_draft_until(&base, &interview, "the resolution synced", |d| {
        d["content"]["notes"] == "Clear about trade-offs; strong on retries (desktop)"
    })
    .await;
    assert_eq!(resolved["content"]["rating:Coding"], "2", "{resolved}");
    app.wait_js(
        "the conflict gone and the draft synced",
        "const b = document.querySelector('[data-testid=draft-state]'); return !document.querySelector('[data-testid=conflict-view]') && b && b.dataset.state === 'synced' ? true : null;",
        T,
    )
    .await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_with_unsynced_feedback_warns_and_keeps_it_for_next_time() {
    let _turn = KEYRING.lock().await;
    let mut stage = Stage::new().await;
    let base = stage.server.url();
    let app = stage.open_app().await;
    sign_in(&app, &base, "interviewer", "viva-interviewer").await;
    let interview = crate::interview_row(&app, "Backend Engineer Interview").await;
    open_feedback(&app, &interview).await;

    // Written while the server is away: it cannot sync.
    stage.server.stop();
    let text = "Good questions about on-call (wombat-2291)";
    app.type_into(&app.wait("[data-testid=feedback-notes]", T).await, text)
        .await;
    app.wait("[data-testid=unsynced-count]", T).await;

    // Sign-out warns first; cancelling keeps the session.
    app.click(&app.wait("[data-testid=signout-button]", T).await)
        .await;
    let dialog = app
        .text(&app.wait("[data-testid=confirm-dialog]", T).await)
        .await;
    assert!(
        dialog.contains("1 feedback draft has not reached the server"),
        "{dialog}"
    );
    stage.shot("ui-signout-unsynced").await;
    app.click(&app.wait("[data-testid=confirm-cancel]", T).await)
        .await;
    app.wait("[data-testid=feedback-form]", T).await;
    crate::click_and_confirm(&app, "[data-testid=signout-button]").await;
    app.wait("[data-testid=signin-submit]", T).await;

    // Nothing reached the server; signing in again (server back) sends the kept draft.
    tokio::task::block_in_place(|| stage.server.restart());
    assert_eq!(server_draft(&base, &interview).await["version"], 0);
    sign_in(&app, &base, "interviewer", "viva-interviewer").await;
    let synced = server_draft_until(&base, &interview, "the kept draft synced", |d| {
        d["content"]["notes"] == text
    })
    .await;
    assert_eq!(synced["version"], 1, "{synced}");
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_candidate_rates_the_interview_experience() {
    let _turn = KEYRING.lock().await;
    let stage = Stage::new().await;
    let base = stage.server.url();
    let app = stage.open_app().await;
    sign_in(&app, &base, "candidate", "viva-candidate").await;
    let interview = crate::interview_row(&app, "Backend Engineer Interview").await;
    open_feedback(&app, &interview).await;
    app.wait("[data-testid=feedback-form][data-kind=candidate]", T)
        .await;
    assert!(
        app.find_now("[data-testid=recommendation-yes]")
            .await
            .is_none(),
        "the candidate's form has no scorecard"
    );
    app.click(&app.wait("[data-testid=experience-4]", T).await)
        .await;
    app.type_into(
        &app.wait("[data-testid=feedback-comments]", T).await,
        "Clear questions, friendly interviewer",
    )
    .await;
    stage.shot("ui-feedback-candidate").await;
    app.click(&app.wait("[data-testid=feedback-submit]", T).await)
        .await;
    app.wait("[data-testid=feedback-submitted]", T).await;

    // The server has it: submitting again is the second version.
    let candidate = viva_testkit::api::Api::login(&base, "candidate", "viva-candidate").await;
    let (status, again) = candidate
        .post(
            &format!("/api/interviews/{interview}/feedback/candidate/"),
            serde_json::json!({"rating": 4, "comments": "Same again"}),
        )
        .await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(
        again["version"], 2,
        "the app's submission was the first: {again}"
    );
    app.close().await;
}
