//! Recording with consent in the app: the candidate is asked before anything of theirs is
//! recorded and sees the indicator the whole time; the interviewer records and sees who
//! agreed. The other side is a viva-bot whose answers the test sends with its join token.

use serde_json::{json, Value};
use viva_testkit::api::Api;
use viva_testkit::Bot;

use crate::{interview_row, open_prejoin, sign_in, Stage, KEYRING, T};

/// Joins `api`'s user to the interview as a bot; its join token.
async fn bot_in(stage: &Stage, api: &Api, interview: &str, name: &str) -> (Bot, String) {
    let (s, join) = api
        .post(&format!("/api/interviews/{interview}/join/"), json!({}))
        .await;
    assert_eq!(s, 200, "{join}");
    let token = join["token"].as_str().unwrap().to_owned();
    let mut bot = Bot::with_token(
        name,
        &stage.livekit.ws_url(),
        &token,
        &["--publish", "audio,video"],
    );
    bot.wait_event("connected", T);
    (bot, token)
}

async fn consent(stage: &Stage, rec: &Value, token: &str, yes: bool) {
    let res = reqwest::Client::new()
        .post(format!(
            "{}/api/v1/rooms/{}/recording/consent/",
            stage.server.url(),
            rec["room_id"].as_str().unwrap()
        ))
        .bearer_auth(token)
        .json(&json!({"recording_id": rec["id"], "consent": yes}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_candidate_is_asked_first_and_sees_the_indicator_while_recorded() {
    let _turn = KEYRING.lock().await;
    let stage = Stage::with_recording().await;
    let url = stage.server.url();
    let interviewer = Api::login(&url, "interviewer", "viva-interviewer").await;
    let interview = interviewer.interview_id("Backend Engineer Interview").await;
    let (mut bot, interviewer_token) =
        bot_in(&stage, &interviewer, &interview, "interviewer").await;

    let app = stage.open_app().await;
    sign_in(&app, &url, "candidate", "viva-candidate").await;
    let row = interview_row(&app, "Backend Engineer Interview").await;
    open_prejoin(&app, &row).await;
    app.click(&app.wait("[data-testid=prejoin-join]", T).await)
        .await;
    app.wait("[data-testid=room]", T).await;
    // Asked only once the candidate is in the LiveKit room: someone who joins after the
    // others agreed is a late joiner, asked while the recording already runs.
    bot.wait_for("the candidate in the room", T, |v| {
        v["event"] == "participant_connected"
    });

    let (s, rec) = interviewer
        .post(
            &format!("/api/interviews/{interview}/recording/start/"),
            json!({}),
        )
        .await;
    assert_eq!(s, 201, "{rec}");
    consent(&stage, &rec, &interviewer_token, true).await;
    // The candidate is asked; nothing is recorded until they answer.
    app.wait("[data-testid=consent-dialog]", T).await;
    app.wait("[data-testid=recording-indicator][data-state=consent]", T)
        .await;
    stage.shot("ui-recording-consent").await;
    let (_, list) = interviewer
        .get(&format!("/api/interviews/{interview}/recordings/"))
        .await;
    assert_eq!(list[0]["status"], "consent", "{list}");

    app.click(&app.wait("[data-testid=consent-allow]", T).await)
        .await;
    app.wait("[data-testid=recording-indicator][data-state=recording]", T)
        .await;
    app.wait_js(
        "the dialog closes",
        "return document.querySelector('[data-testid=consent-dialog]') === null;",
        T,
    )
    .await;
    stage.shot("ui-recording-indicator").await;

    let (s, _) = interviewer
        .post(
            &format!("/api/interviews/{interview}/recording/stop/"),
            json!({}),
        )
        .await;
    assert_eq!(s, 200);
    app.wait_js(
        "the indicator goes when the recording stops",
        "return document.querySelector('[data-testid=recording-indicator]') === null;",
        T,
    )
    .await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_interviewer_records_and_sees_who_agreed() {
    let _turn = KEYRING.lock().await;
    let stage = Stage::with_recording().await;
    let url = stage.server.url();
    let candidate = Api::login(&url, "candidate", "viva-candidate").await;
    let interviewer = Api::login(&url, "interviewer", "viva-interviewer").await;
    let interview = interviewer.interview_id("Backend Engineer Interview").await;

    let app = stage.open_app().await;
    sign_in(&app, &url, "interviewer", "viva-interviewer").await;
    let row = interview_row(&app, "Backend Engineer Interview").await;
    open_prejoin(&app, &row).await;
    app.click(&app.wait("[data-testid=prejoin-join]", T).await)
        .await;
    app.wait("[data-testid=room][data-is-interviewer=true]", T)
        .await;
    let (_bot, candidate_token) = bot_in(&stage, &candidate, &interview, "candidate").await;

    app.click(&app.wait("[data-testid=record-toggle]", T).await)
        .await;
    // Pressing Record is the interviewer's own consent; the candidate's is awaited.
    app.wait("[data-testid=recording-indicator][data-state=consent]", T)
        .await;
    let (_, list) = interviewer
        .get(&format!("/api/interviews/{interview}/recordings/"))
        .await;
    let rec = list[0].clone();
    app.wait_js(
        "the interviewer's own consent",
        "return [...document.querySelectorAll('[data-testid=record-toggle] ~ button')].some(b => b.textContent.includes('1 agreed'));",
        T,
    )
    .await;
    consent(&stage, &rec, &candidate_token, true).await;
    app.wait("[data-testid=recording-indicator][data-state=recording]", T)
        .await;
    app.js(
        "[...document.querySelectorAll('[data-testid=record-toggle] ~ button')][0].click(); return true;",
        json!([]),
    )
    .await;
    app.wait_js(
        "both agreed, by name",
        "return document.querySelectorAll('[data-testid=consent-yes]').length === 2;",
        T,
    )
    .await;
    stage.shot("ui-recording-consents").await;

    app.click(&app.wait("[data-testid=record-toggle]", T).await)
        .await;
    app.wait_js(
        "stopped",
        "return document.querySelector('[data-testid=recording-indicator]') === null;",
        T,
    )
    .await;
    app.close().await;
}
