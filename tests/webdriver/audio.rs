//! The pre-join device choice is real: with a private PulseAudio offering a silent null
//! source and a 440 Hz sine source, the interviewer picks the sine source and speaker on the
//! pre-join screen (its level meter moves with the tone, and stays down on the silent
//! source), and the candidate's bot then hears 440 Hz from them; the room shows the
//! interviewer speaking.

use std::path::Path;

use viva_testkit::{Bot, PulseAudio};

use crate::{interview_row, open_prejoin, sign_in, Stage, KEYRING, T};

/// Chooses the option whose label matches `pattern` in a select; returns its label.
fn choose(select: &str, pattern: &str) -> String {
    format!(
        r#"const s = document.querySelector('[data-testid={select}]');
if (!s || s.disabled) return null;
const o = [...s.options].find(o => /{pattern}/i.test(o.textContent));
if (!o) return null;
s.value = o.value;
s.dispatchEvent(new Event('change', {{ bubbles: true }}));
return o.textContent;"#
    )
}

async fn level(app: &viva_testkit::AppSession) -> f64 {
    app.js(
        "return Number(document.querySelector('[data-testid=mic-level]').dataset.level);",
        serde_json::json!([]),
    )
    .await
    .as_f64()
    .unwrap_or(-1.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chosen_microphone_is_what_the_candidate_hears() {
    let _turn = KEYRING.lock().await;
    let pulse = PulseAudio::start();
    let server = pulse.server();
    let stage = Stage::with_env(&[("PULSE_SERVER", Path::new(&server))]).await;
    let app = stage.open_app().await;
    sign_in(&app, &stage.server.url(), "interviewer", "viva-interviewer").await;
    let interview = interview_row(&app, "Backend Engineer Interview").await;
    // The candidate listens (and publishes nothing, so only the interviewer can speak).
    let mut candidate = Bot::demo_user(
        "candidate",
        &stage.server.url(),
        "candidate",
        &interview,
        &[],
    );
    candidate.wait_event("connected", T);

    open_prejoin(&app, &interview).await;
    // The default microphone here is the silent null source: the meter stays down...
    app.wait("[data-testid=mic-select]:not([disabled])", T)
        .await;
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let silent = level(&app).await;
    assert!(
        (0.0..0.05).contains(&silent),
        "silence shows no level: {silent}"
    );
    assert!(
        app.find_now("[data-testid=meter-error]").await.is_none(),
        "the meter runs on the default microphone"
    );
    let mic = app
        .wait_js("the sine source listed", &choose("mic-select", "sine"), T)
        .await;
    // ...and moves with the chosen source's tone.
    app.wait_js(
        "the meter showing the tone",
        "const m = document.querySelector('[data-testid=mic-level]'); return m && Number(m.dataset.level) > 0.5 ? m.dataset.level : null;",
        T,
    )
    .await;
    let speaker = app
        .wait_js(
            "the null sink listed",
            &choose("speaker-select", "VivaNullSink"),
            T,
        )
        .await;
    eprintln!("chose microphone {mic} and speaker {speaker}");
    app.wait_js(
        "the choice applied",
        "const s = document.querySelector('[data-testid=mic-select]'); return !!s && !s.disabled && /sine/i.test(s.selectedOptions[0].textContent);",
        T,
    )
    .await;
    // Choosing the speaker restarted the meter: it shows the tone again.
    app.wait_js(
        "the meter showing the tone after the speaker choice",
        "const m = document.querySelector('[data-testid=mic-level]'); return m && Number(m.dataset.level) > 0.5 ? m.dataset.level : null;",
        T,
    )
    .await;
    stage.shot("ui-prejoin-devices").await;
    app.click(&app.wait("[data-testid=prejoin-join]", T).await)
        .await;
    app.wait("[data-testid=room][data-is-interviewer=true]", T)
        .await;

    // The candidate hears the sine source, not the default's silence. The bot estimates
    // pitch by counting zero crossings over one-second windows, so frames lost on a busy
    // machine read low (we saw 386 Hz for the 440 Hz tone with 12% of frames missing).
    let heard = candidate.wait_for("the interviewer's 440 Hz", T, |v| {
        v["event"] == "audio_stats"
            && v["rms"].as_f64().unwrap_or(0.0) > 0.02
            && (330.0..470.0).contains(&v["hz"].as_f64().unwrap_or(0.0))
    });
    eprintln!("the candidate hears: {heard}");
    app.wait("[data-testid=tile][data-local=true][data-speaking=true]", T)
        .await;
    stage.shot("ui-room-speaking").await;
    app.click(&app.wait("[data-testid=leave-button]", T).await)
        .await;
    app.wait("[data-testid=end-screen]", T).await;
    app.close().await;
}
