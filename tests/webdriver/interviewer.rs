use std::time::Duration;

use serde_json::json;
use viva_testkit::Bot;

use crate::{click_and_confirm, interview_row, open_prejoin, sign_in, tile_rgb, Stage, KEYRING, T};

fn candidate_bot(stage: &Stage, interview: &str, name: &str) -> Bot {
    Bot::demo_user(
        name,
        &stage.server.url(),
        "candidate",
        interview,
        &[
            "--publish",
            "audio,video",
            "--video-size",
            "320x180",
            "--video-color",
            "255,0,0",
            "--audio-hz",
            "440",
        ],
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_interviewer_sees_the_candidate_and_runs_the_room() {
    let _turn = KEYRING.lock().await;
    let stage = Stage::new().await;
    let app = stage.open_app().await;
    app.wait_js(
        "the sign-in form on screen",
        "const b = document.querySelector('[data-testid=signin-submit]'); return !!b && b.getClientRects().length > 0 && !document.body.textContent.includes('Signing you in');",
        T,
    )
    .await;
    stage.shot("ui-signin").await;
    sign_in(&app, &stage.server.url(), "interviewer", "viva-interviewer").await;
    stage.shot("ui-interviews").await;

    // The candidate is already in the room, publishing red video and a tone.
    let interview = interview_row(&app, "Backend Engineer Interview").await;
    let mut candidate = candidate_bot(&stage, &interview, "candidate");
    let candidate_id = candidate.wait_event("connected", T)["identity"]
        .as_str()
        .unwrap()
        .to_owned();

    open_prejoin(&app, &interview).await;
    stage.shot("ui-prejoin").await;
    app.click(&app.wait("[data-testid=prejoin-join]", T).await)
        .await;
    app.wait("[data-testid=room][data-is-interviewer=true]", T)
        .await;

    // The candidate's tile draws frames of the published colour.
    let rgb = tile_rgb(&stage, &app, &candidate_id).await;
    assert!(
        rgb[0] > 190.0 && rgb[1] < 70.0 && rgb[2] < 70.0,
        "the canvas shows the candidate's red: {rgb:?}"
    );
    stage.shot("ui-room").await;

    // Mute the candidate: the bot reports its microphone muted.
    click_and_confirm(
        &app,
        &format!("[data-testid=tile][data-identity=\"{candidate_id}\"] [data-testid=mute-button]"),
    )
    .await;
    candidate.wait_for("muted by the interviewer", T, |v| {
        v["event"] == "track_muted"
            && v["participant"] == candidate_id.as_str()
            && v["kind"] == "audio"
    });

    // Remove the candidate: disconnected with participant_removed, and a rejoin is refused.
    click_and_confirm(
        &app,
        &format!(
            "[data-testid=tile][data-identity=\"{candidate_id}\"] [data-testid=remove-button]"
        ),
    )
    .await;
    assert_eq!(
        candidate.wait_event("disconnected", T)["reason"],
        "participant_removed"
    );
    app.wait_js(
        "the candidate's tile is gone",
        &format!("return !document.querySelector('[data-testid=tile][data-identity=\"{candidate_id}\"]');"),
        T,
    )
    .await;
    let mut again = candidate_bot(&stage, &interview, "candidate-again");
    let refused = again.wait_event("error", T);
    assert!(
        refused["message"].as_str().unwrap().contains("removed"),
        "{refused}"
    );

    // End for everyone: the app shows the end screen; the room is over on the server.
    // A second participant (an observer with its own identity) to see "everyone" go.
    let mut observer = {
        let lk = &stage.livekit;
        let token =
            livekit_api::access_token::AccessToken::with_api_key(&lk.api_key, &lk.api_secret)
                .with_identity("observer")
                .with_grants(livekit_api::access_token::VideoGrants {
                    room_join: true,
                    room: format!("interview-{interview}"),
                    ..Default::default()
                })
                .to_jwt()
                .unwrap();
        Bot::with_token("observer", &lk.ws_url(), &token, &[])
    };
    observer.wait_event("connected", T);
    click_and_confirm(&app, "[data-testid=end-button]").await;
    let end = app.wait("[data-testid=end-screen]", T).await;
    assert_eq!(
        app.attr(&end, "data-reason").await.as_deref(),
        Some("ended_by_interviewer")
    );
    assert_eq!(
        observer.wait_event("disconnected", T)["reason"],
        "room_deleted",
        "everyone is disconnected"
    );
    stage.shot("ui-end").await;

    let http = reqwest::Client::new();
    let login: serde_json::Value = http
        .post(format!("{}/api/auth/login", stage.server.url()))
        .json(&json!({"username": "interviewer", "password": "viva-interviewer"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let info: serde_json::Value = http
        .get(format!(
            "{}/api/interviews/{interview}/room/info/",
            stage.server.url()
        ))
        .bearer_auth(login["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (info["status"].as_str(), info["num_participants"].as_u64()),
        (Some("ended"), Some(0)),
        "{info}"
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_candidate_sees_no_interviewer_controls() {
    let _turn = KEYRING.lock().await;
    let stage = Stage::new().await;
    let app = stage.open_app().await;
    sign_in(&app, &stage.server.url(), "candidate", "viva-candidate").await;
    let id = interview_row(&app, "Culture").await;
    let mut interviewer = Bot::demo_user(
        "interviewer",
        &stage.server.url(),
        "interviewer",
        &id,
        &["--publish", "video"],
    );
    interviewer.wait_event("connected", T);
    open_prejoin(&app, &id).await;
    app.click(&app.wait("[data-testid=prejoin-join]", T).await)
        .await;
    app.wait("[data-testid=room][data-is-interviewer=false]", T)
        .await;
    app.wait("[data-testid=tile] [data-testid=video-canvas]", T)
        .await;
    for control in ["mute-button", "remove-button", "end-button"] {
        assert!(
            app.find_all(&format!("[data-testid={control}]"))
                .await
                .is_empty(),
            "a candidate must not see {control}"
        );
    }
    stage.shot("ui-room-candidate").await;
    app.click(&app.wait("[data-testid=leave-button]", T).await)
        .await;
    let end = app.wait("[data-testid=end-screen]", T).await;
    assert_eq!(app.attr(&end, "data-reason").await.as_deref(), Some("left"));
    app.close().await;
}
