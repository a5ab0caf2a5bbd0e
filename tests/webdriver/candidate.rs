//! A candidate without an account: opened from a `viva://join/{code}` link, the app shows
//! the public room, refuses a phone that is not on the application, joins with the right
//! one, sees the interviewer, has no interviewer controls, and finishing the interview
//! closes the room for everyone. Then the one-time-password way in.

use serde_json::{json, Value};
use viva_testkit::api::Api;
use viva_testkit::viva_server::password_in;
use viva_testkit::AppSession;

use crate::{app_binary, tile_rgb, Stage, KEYRING, T};

/// The demo application's candidate (viva-server demo).
const PHONE: &str = "+971509876543";

/// A stage, the demo staff member signed in, and the demo application's id.
async fn staff_stage() -> (Stage, Api, String) {
    let stage = Stage::new().await;
    let hr = Api::login(&stage.server.url(), "hr", "viva-hr-staff").await;
    let application = hr.application_with_phone(PHONE).await;
    (stage, hr, application)
}

async fn set_server(app: &AppSession, url: &str) {
    app.click(&app.wait("[data-testid=candidate-server-toggle]", T).await)
        .await;
    app.type_into(&app.wait("[data-testid=candidate-server]", T).await, url)
        .await;
}

async fn fill_code_form(app: &AppSession, phone: &str) {
    app.type_into(&app.wait("[data-testid=candidate-phone]", T).await, phone)
        .await;
    app.type_into(
        &app.wait("[data-testid=candidate-first-name]", T).await,
        "Ahmed",
    )
    .await;
    app.type_into(
        &app.wait("[data-testid=candidate-last-name]", T).await,
        "Hassan",
    )
    .await;
    app.click(&app.wait("[data-testid=candidate-join]", T).await)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_candidate_joins_from_a_link_with_their_phone_and_finishes() {
    let _turn = KEYRING.lock().await;
    let (stage, hr, application) = staff_stage().await;
    let (s, created) = hr
        .post(
            "/api/public/interview/room/create",
            json!({"applicationId": application, "interviewType": "TECHNICAL", "maxDuration": 1800,
                   "instructions": "Have a pen and paper ready."}),
        )
        .await;
    assert_eq!(s, 201, "{created}");
    let code = created["roomCode"].as_str().unwrap().to_owned();
    let link = created["deepLink"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| format!("viva://join/{code}"));
    assert_eq!(link, format!("viva://join/{code}"));
    let room = created["roomName"].as_str().unwrap().to_owned();
    let mut interviewer = hr.staff_bot(&room).await;
    let interviewer_id = interviewer.wait_event("connected", T)["identity"]
        .as_str()
        .unwrap()
        .to_owned();

    // Opened from the link: the candidate screen, with the code filled in.
    let app = AppSession::start_with_args(&stage.driver, &app_binary(), &[&link]).await;
    app.wait("[data-testid=candidate-code]", T).await;
    let shown = app
        .js(
            "return document.querySelector('[data-testid=candidate-code]').value;",
            json!([]),
        )
        .await;
    assert_eq!(
        shown.as_str(),
        Some(code.as_str()),
        "the code from the link"
    );
    set_server(&app, &stage.server.url()).await;
    let preview = app.wait("[data-testid=room-preview]", T).await;
    let text = app.text(&preview).await;
    assert!(
        text.contains("Have a pen and paper ready.") && text.contains("30 min"),
        "the public room's details: {text}"
    );
    stage.shot("ui-candidate-join").await;

    // A phone that is not the application's is refused, with a message to act on.
    fill_code_form(&app, "+971 50 000 0000").await;
    let refused = app
        .text(&app.wait("[data-testid=join-error]", T).await)
        .await;
    assert!(refused.to_lowercase().contains("phone"), "{refused}");
    app.click(&app.wait("[data-testid=join-back]", T).await)
        .await;

    // Back on the form with what was typed; the right phone joins.
    fill_code_form(&app, "050 987 6543").await;
    app.wait("[data-testid=room][data-is-interviewer=false]", T)
        .await;
    let rgb = tile_rgb(&stage, &app, &interviewer_id).await;
    assert!(
        rgb[2] > 190.0 && rgb[0] < 70.0 && rgb[1] < 70.0,
        "the canvas shows the interviewer's blue: {rgb:?}"
    );
    let me = interviewer.wait_for("the candidate joining", T, |v| {
        v["event"] == "participant_connected"
    });
    assert_eq!(me["identity"], "candidate_971509876543", "{me}");
    for control in ["end-button", "mute-button", "remove-button"] {
        assert!(
            app.find_now(&format!("[data-testid={control}]"))
                .await
                .is_none(),
            "a candidate has no {control}"
        );
    }
    stage.shot("ui-candidate-room").await;

    // Finishing closes the room for everyone; the code no longer opens it.
    crate::click_and_confirm(&app, "[data-testid=finish-button]").await;
    app.wait("[data-testid=end-screen]", T).await;
    assert_eq!(
        interviewer.wait_event("disconnected", T)["reason"],
        "room_deleted"
    );
    let (status, info) = public_get(&format!(
        "{}/api/public/interview/room/{code}",
        stage.server.url()
    ))
    .await;
    assert_eq!((status, info["status"].as_str()), (200, Some("COMPLETED")));
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_candidate_joins_with_the_password_sent_to_them() {
    let _turn = KEYRING.lock().await;
    let (stage, hr, application) = staff_stage().await;
    let (s, created) = hr
        .post(
            "/graphql",
            json!({"query": "mutation($id: ID!) { createInterviewRoom(createRoomInput: {applicationId: $id}) { roomName message } }",
                   "variables": {"id": application}}),
        )
        .await;
    assert_eq!(s, 200, "{created}");
    let room = created["data"]["createInterviewRoom"]["roomName"]
        .as_str()
        .unwrap_or_else(|| panic!("{created}"))
        .to_owned();
    let pin = password_in(stage.server.outbox()[0]["body"].as_str().unwrap());
    let mut interviewer = hr.staff_bot(&room).await;
    let interviewer_id = interviewer.wait_event("connected", T)["identity"]
        .as_str()
        .unwrap()
        .to_owned();

    // From the sign-in screen: "join without an account", then the password tab.
    let app = stage.open_app().await;
    app.click(&app.wait("[data-testid=candidate-entry]", T).await)
        .await;
    app.click(&app.wait("[data-testid=candidate-tab-password]", T).await)
        .await;
    set_server(&app, &stage.server.url()).await;
    app.type_into(
        &app.wait("[data-testid=candidate-application]", T).await,
        &application,
    )
    .await;
    // A malformed password is caught before anything is sent.
    app.type_into(
        &app.wait("[data-testid=candidate-password]", T).await,
        "12ab",
    )
    .await;
    app.click(&app.wait("[data-testid=candidate-join]", T).await)
        .await;
    let said = app
        .text(&app.wait("[data-testid=candidate-error]", T).await)
        .await;
    assert!(said.contains("6-digit"), "{said}");
    app.type_into(&app.wait("[data-testid=candidate-password]", T).await, &pin)
        .await;
    app.click(&app.wait("[data-testid=candidate-join]", T).await)
        .await;
    app.wait("[data-testid=room][data-is-interviewer=false]", T)
        .await;
    tile_rgb(&stage, &app, &interviewer_id).await;
    interviewer.wait_for("the candidate joining", T, |v| {
        v["event"] == "participant_connected"
    });
    assert!(
        app.find_now("[data-testid=finish-button]").await.is_none(),
        "password rooms are ended by staff"
    );
    stage.shot("ui-candidate-password-room").await;
    app.click(&app.wait("[data-testid=leave-button]", T).await)
        .await;
    let end = app.wait("[data-testid=end-screen]", T).await;
    assert_eq!(app.attr(&end, "data-reason").await.as_deref(), Some("left"));
    assert!(
        !stage.server.log().contains(&pin),
        "the password is not in the server log"
    );
    app.close().await;
}

async fn public_get(url: &str) -> (u16, Value) {
    let res = reqwest::get(url).await.unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}
