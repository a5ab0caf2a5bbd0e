//! Phone dial-in in the app: "Join by phone" with the number and the room's PIN before and
//! during the call, and a caller who dialed in shown as a phone with a masked number.

use serde_json::json;
use viva_testkit::api::Api;
use viva_testkit::Bot;

use crate::{interview_row, open_prejoin, sign_in, Stage, KEYRING, T};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_candidate_sees_the_number_and_pin_to_join_by_phone() {
    let _turn = KEYRING.lock().await;
    let stage = Stage::with_sip().await;
    let url = stage.server.url();
    let interviewer = Api::login(&url, "interviewer", "viva-interviewer").await;
    let interview = interviewer.interview_id("Backend Engineer Interview").await;
    let (s, on) = interviewer
        .post(&format!("/api/interviews/{interview}/dial-in/"), json!({}))
        .await;
    assert_eq!(s, 200, "{on}");

    let app = stage.open_app().await;
    sign_in(&app, &url, "candidate", "viva-candidate").await;
    let row = interview_row(&app, "Backend Engineer Interview").await;
    open_prejoin(&app, &row).await;
    let pin = app
        .text(&app.wait("[data-testid=dial-in-pin]", T).await)
        .await;
    let number = app
        .text(&app.wait("[data-testid=dial-in-number]", T).await)
        .await;
    assert_eq!(pin, on["pin"].as_str().unwrap());
    assert!(
        ["+15550100100", "+442071838750"].contains(&number.as_str()),
        "{number}"
    );
    stage.shot("ui-prejoin-dial-in").await;

    // In the room it stays on screen, for when the network fails.
    app.click(&app.wait("[data-testid=prejoin-join]", T).await)
        .await;
    app.wait("[data-testid=room]", T).await;
    let in_room = app
        .text(
            &app.wait("[data-testid=room] [data-testid=dial-in-pin]", T)
                .await,
        )
        .await;
    assert_eq!(in_room, pin);
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_shows_as_a_phone_with_a_masked_number() {
    let _turn = KEYRING.lock().await;
    let stage = Stage::with_sip().await;
    let url = stage.server.url();
    let app = stage.open_app().await;
    sign_in(&app, &url, "interviewer", "viva-interviewer").await;
    let interview = interview_row(&app, "Backend Engineer Interview").await;
    open_prejoin(&app, &interview).await;
    app.click(&app.wait("[data-testid=prejoin-join]", T).await)
        .await;
    app.wait("[data-testid=room][data-is-interviewer=true]", T)
        .await;

    // As LiveKit's SIP bridge joins a caller: kind `sip`, their number in an attribute.
    let lk = &stage.livekit;
    let token = livekit_api::access_token::AccessToken::with_api_key(&lk.api_key, &lk.api_secret)
        .with_identity("sip_+15557654321")
        .with_name("Phone +15557654321")
        .with_kind("sip")
        .with_attributes([("sip.phoneNumber", "+15557654321")])
        .with_grants(livekit_api::access_token::VideoGrants {
            room_join: true,
            room: format!("interview-{interview}"),
            can_publish: Some(true),
            ..Default::default()
        })
        .to_jwt()
        .unwrap();
    let mut caller = Bot::with_token("caller", &lk.ws_url(), &token, &["--publish", "audio"]);
    caller.wait_event("connected", T);
    let tile = app.wait("[data-testid=tile][data-phone=true]", T).await;
    let text = app.text(&tile).await;
    assert!(text.contains("+•••••••4321"), "{text}");
    assert!(!text.contains("5557654321"), "the number is masked: {text}");
    app.wait(
        "[data-testid=tile][data-phone=true] [data-testid=phone-badge]",
        T,
    )
    .await;
    stage.shot("ui-room-phone-caller").await;
    app.close().await;
}
