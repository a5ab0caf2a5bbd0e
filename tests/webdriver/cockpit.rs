//! The interviewer's panel in the call: a rating and a time-stamped note written during the
//! interview are the scorecard the feedback screen opens after it, and the candidate's app
//! never shows any of it.

use viva_testkit::Bot;

use crate::{interview_row, open_prejoin, sign_in, Stage, KEYRING, T};

/// WebDriver's Enter key.
const ENTER: &str = "\u{E007}";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rating_and_a_note_written_in_the_call_are_the_scorecard_after_it() {
    let _turn = KEYRING.lock().await;
    let stage = Stage::new().await;
    let url = stage.server.url();
    // Staff keep a question for technical interviews (the demo interview is one).
    let staff = viva_testkit::api::Api::login(&url, "hr", "viva-hr-staff").await;
    let (s, q) = staff
        .post(
            "/api/question-bank/",
            serde_json::json!({"interview_type": "TECHNICAL", "text": "Design a rate limiter"}),
        )
        .await;
    assert_eq!(s, 201, "{q}");
    let app = stage.open_app().await;
    sign_in(&app, &url, "interviewer", "viva-interviewer").await;
    let interview = interview_row(&app, "Backend Engineer Interview").await;
    let mut candidate = Bot::demo_user(
        "candidate",
        &url,
        "candidate",
        &interview,
        &["--publish", "audio"],
    );
    candidate.wait_event("connected", T);
    open_prejoin(&app, &interview).await;
    app.click(&app.wait("[data-testid=prejoin-join]", T).await)
        .await;
    app.wait("[data-testid=cockpit]", T).await;

    app.click(
        &app.wait("[data-testid=cockpit-rating-problem-solving-3]", T)
            .await,
    )
    .await;
    let input = app.wait("[data-testid=cockpit-note-input]", T).await;
    app.type_into(&input, &format!("Asked about caching{ENTER}"))
        .await;
    let stamped = app
        .wait_js(
            "the note with its time stamp",
            "const n = [...document.querySelectorAll('[data-testid=cockpit-note]')].map(e => e.textContent.trim()); \
             return n.find(t => /^\\d\\d:\\d\\d Asked about caching$/.test(t)) ?? null;",
            T,
        )
        .await;

    // A question from the bank: asked, timed, done; the draft keeps it through the sync.
    let question = "[data-testid=cockpit-question]";
    app.click(
        &app.wait(&format!("{question} [data-testid=question-ask]"), T)
            .await,
    )
    .await;
    app.wait(&format!("{question}[data-state=asking]"), T).await;
    tokio::time::sleep(std::time::Duration::from_millis(2200)).await;
    app.click(
        &app.wait(&format!("{question} [data-testid=question-done]"), T)
            .await,
    )
    .await;
    let asked = app
        .text(&app.wait(&format!("{question}[data-state=asked]"), T).await)
        .await;
    assert!(
        asked.contains("Design a rate limiter") && asked.contains("Asked · 00:0"),
        "{asked}"
    );
    assert!(
        !asked.contains("Asked · 00:00"),
        "the question's timer ran: {asked}"
    );
    let server = viva_testkit::api::Api::login(&url, "interviewer", "viva-interviewer").await;
    let deadline = std::time::Instant::now() + T;
    loop {
        let (_, draft) = server
            .get(&format!(
                "/api/interviews/{interview}/feedback/drafts/interviewer"
            ))
            .await;
        let kept = draft["content"].as_object().is_some_and(|c| {
            c.iter()
                .any(|(k, v)| k.starts_with("question:") && v == "asked")
        });
        if kept {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the asked question never synced: {draft}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
    app.wait("[data-testid=cockpit-sync][data-state=synced]", T)
        .await;
    let tally = app
        .text(&app.wait("[data-testid=question-tally]", T).await)
        .await;
    assert_eq!(tally, "1 asked · 0 left");
    stage.shot("ui-room-cockpit").await;

    // The panel toggles with its button (and Ctrl+B); the stage takes the room back.
    app.click(&app.wait("[data-testid=cockpit-toggle]", T).await)
        .await;
    app.wait_js(
        "the panel closed",
        "return !document.querySelector('[data-testid=cockpit]');",
        T,
    )
    .await;
    app.click(&app.wait("[data-testid=cockpit-toggle]", T).await)
        .await;
    app.wait("[data-testid=cockpit]", T).await;

    // "?" lists the shortcuts, the panel's among them; Ctrl+B hides the panel.
    let key = |k: &str, ctrl: bool| {
        format!("window.dispatchEvent(new KeyboardEvent('keydown', {{key: '{k}', ctrlKey: {ctrl}, shiftKey: {}}})); return true;", k == "?")
    };
    app.js(&key("?", false), serde_json::json!([])).await;
    let help = app
        .text(&app.wait("[data-testid=shortcut-help]", T).await)
        .await;
    assert!(
        help.contains("Ctrl+B or N") && help.contains("Ctrl+D or M"),
        "{help}"
    );
    app.js(&key("?", false), serde_json::json!([])).await;
    app.js(&key("b", true), serde_json::json!([])).await;
    app.wait_js("Ctrl+B hid the panel", "return !document.querySelector('[data-testid=cockpit]') && !document.querySelector('[data-testid=shortcut-help]');", T)
        .await;
    app.js(&key("b", true), serde_json::json!([])).await;
    app.wait("[data-testid=cockpit]", T).await;

    // After the call, the feedback screen is the same record.
    app.click(&app.wait("[data-testid=leave-button]", T).await)
        .await;
    app.click(&app.wait("[data-testid=end-feedback]", T).await)
        .await;
    app.wait("[data-testid=feedback-form]", T).await;
    app.wait(
        "[data-testid=rating-problem-solving-3][aria-checked=true]",
        T,
    )
    .await;
    let notes = app
        .wait_js(
            "the note in the scorecard's notes",
            "const t = document.querySelector('[data-testid=feedback-notes]'); \
             return t && t.value.includes('Asked about caching') ? t.value : null;",
            T,
        )
        .await;
    let stamp = stamped
        .as_str()
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .to_owned();
    assert!(
        notes
            .as_str()
            .unwrap()
            .contains(&format!("[{stamp}] Asked about caching")),
        "{notes}"
    );
    drop(candidate);

    // The candidate, in the same room in the app: no panel, no note, no rating.
    app.click(&app.wait("[data-testid=signout-button]", T).await)
        .await;
    sign_in(&app, &url, "candidate", "viva-candidate").await;
    open_prejoin(
        &app,
        &interview_row(&app, "Backend Engineer Interview").await,
    )
    .await;
    app.click(&app.wait("[data-testid=prejoin-join]", T).await)
        .await;
    app.wait("[data-testid=room][data-is-interviewer=false]", T)
        .await;
    app.wait("[data-testid=timer]", T).await;
    let leaked = app
        .js(
            "return !!document.querySelector('[data-testid=cockpit], [data-testid=cockpit-toggle]') \
             || document.body.innerHTML.includes('Asked about caching');",
            serde_json::json!([]),
        )
        .await;
    assert_eq!(
        leaked,
        serde_json::json!(false),
        "the candidate's app shows nothing of the panel"
    );
    app.close().await;
}

/// SIGKILLs this stage's app (no chance to flush anything).
fn kill_app(stage: &Stage) {
    let pids = crate::feedback::app_pids(stage.app_home.path());
    assert!(!pids.is_empty(), "found the app process");
    for pid in pids {
        let killed = std::process::Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .unwrap();
        assert!(killed.success(), "SIGKILL {pid}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn panel_edits_made_offline_in_the_call_survive_sigkill_and_sync_after() {
    let _turn = KEYRING.lock().await;
    let mut stage = Stage::new().await;
    let url = stage.server.url();
    let app = stage.open_app().await;
    sign_in(&app, &url, "interviewer", "viva-interviewer").await;
    let interview = interview_row(&app, "Backend Engineer Interview").await;
    open_prejoin(&app, &interview).await;
    app.click(&app.wait("[data-testid=prejoin-join]", T).await)
        .await;
    app.wait("[data-testid=cockpit-sync]", T).await;

    // viva-server goes away mid-call (the media keeps flowing through LiveKit).
    stage.server.stop();
    app.click(&app.wait("[data-testid=cockpit-rating-coding-4]", T).await)
        .await;
    let input = app.wait("[data-testid=cockpit-note-input]", T).await;
    app.type_into(&input, &format!("Offline note (okapi-2291){ENTER}"))
        .await;
    app.wait("[data-testid=cockpit-sync][data-state=local_only]", T)
        .await;
    app.wait_js(
        "the note in the panel",
        "return [...document.querySelectorAll('[data-testid=cockpit-note]')].some(n => n.textContent.includes('okapi-2291')) || null;",
        T,
    )
    .await;
    // Let the debounced save of the rating reach the disk.
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    kill_app(&stage);
    app.close().await;

    // The server returns; the restarted app sends the panel's edits by itself.
    tokio::task::block_in_place(|| stage.server.restart());
    let app = stage.open_app().await;
    let server = viva_testkit::api::Api::login(&url, "interviewer", "viva-interviewer").await;
    let started = std::time::Instant::now();
    loop {
        let (_, d) = server
            .get(&format!(
                "/api/interviews/{interview}/feedback/drafts/interviewer"
            ))
            .await;
        let notes = d["content"]["notes"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if notes.contains("okapi-2291") {
            assert_eq!(d["content"]["rating:Coding"], "4", "{d}");
            assert!(
                notes.starts_with('['),
                "the note keeps its time stamp: {notes}"
            );
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "never synced: {d}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    app.close().await;
}
