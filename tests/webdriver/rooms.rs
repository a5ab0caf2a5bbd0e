//! What staff see of rooms live: the superuser's active-rooms screen lists every room
//! (an interview's and a platform room) with who is in it and for how long, and the
//! interviewer's room header shows what the room's template allows.

use serde_json::json;
use viva_testkit::api::Api;
use viva_testkit::Bot;

use crate::{interview_row, open_prejoin, sign_in, Stage, KEYRING, T};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_superuser_sees_every_room_with_its_participants_and_their_time() {
    let _turn = KEYRING.lock().await;
    let stage = Stage::new().await;
    let url = stage.server.url();

    // A platform room with two people in it, and an interview room with the candidate.
    let staff = Api::login(&url, "hr", "viva-hr-staff").await;
    let interviewer = Api::login(&url, "interviewer", "viva-interviewer").await;
    let candidate = Api::login(&url, "candidate", "viva-candidate").await;
    let (_, me) = interviewer.get("/api/auth/me").await;
    let (s, room) = staff
        .post(
            "/api/v1/rooms/",
            json!({"room_type": "group", "title": "Hiring sync", "host": me["id"]}),
        )
        .await;
    assert_eq!(s, 201, "{room}");
    let id = room["id"].as_str().unwrap();
    let mut bots = Vec::new();
    for (api, role) in [(&interviewer, "host"), (&candidate, "participant")] {
        let (s, t) = api
            .post(&format!("/api/v1/rooms/{id}/token/"), json!({"role": role}))
            .await;
        assert_eq!(s, 200, "{t}");
        let mut bot = Bot::with_token(
            role,
            &stage.livekit.ws_url(),
            t["token"].as_str().unwrap(),
            &["--publish", "audio"],
        );
        bot.wait_event("connected", T);
        bots.push(bot);
    }
    let interview = interviewer.interview_id("Backend Engineer Interview").await;
    let mut cand = Bot::demo_user(
        "candidate",
        &url,
        "candidate",
        &interview,
        &["--publish", "audio"],
    );
    cand.wait_event("connected", T);

    let app = stage.open_app().await;
    sign_in(&app, &url, "admin", "viva-admin-pass").await;
    app.click(&app.wait("[data-testid=active-rooms-tab]", T).await)
        .await;
    let platform_room = room["livekit_room_name"].as_str().unwrap();
    let row = format!("[data-testid=active-room-row][data-room=\"{platform_room}\"]");
    app.wait_js(
        "the platform room with both participants counting time",
        &format!(
            "const r = document.querySelector('{row}'); if (!r) return null; \
             const people = r.querySelectorAll('[data-testid=active-room-participant][data-connected=true]'); \
             const times = [...r.querySelectorAll('[data-testid=participant-duration]')].map(t => t.textContent.trim()); \
             return people.length === 2 && times.every(t => t !== '00:00') && r.textContent.includes('Hiring sync') \
               && r.textContent.includes('Group room · up to 50 people') ? times : null;"
        ),
        T,
    )
    .await;
    app.wait_js(
        "the interview's room with the candidate",
        &format!(
            "const r = document.querySelector('[data-testid=active-room-row][data-room=\"interview-{interview}\"]'); \
             return !!r && r.textContent.includes('Backend Engineer Interview') \
               && r.querySelectorAll('[data-testid=active-room-participant][data-connected=true]').length === 1 \
               && r.textContent.includes('Individual room');"
        ),
        T,
    )
    .await;
    stage.shot("ui-active-rooms").await;
    // The whole table fits the window: nothing scrolls out of sight.
    let fits = app
        .js("const w = document.querySelector('.table-wrap'); return w.scrollWidth <= w.clientWidth;", json!([]))
        .await;
    assert_eq!(fits, json!(true), "the active-rooms table fits the window");
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_interviewers_room_header_shows_the_templates_limits() {
    let _turn = KEYRING.lock().await;
    let stage = Stage::new().await;
    let app = stage.open_app().await;
    sign_in(&app, &stage.server.url(), "interviewer", "viva-interviewer").await;
    let interview = interview_row(&app, "Backend Engineer Interview").await;
    open_prejoin(&app, &interview).await;
    app.click(&app.wait("[data-testid=prejoin-join]", T).await)
        .await;
    let limits = app.wait("[data-testid=room-limits]", T).await;
    let text = app.text(&limits).await;
    assert!(
        text.contains("Individual room")
            && text.contains("up to 4 people")
            && text.contains("ends after 1 h"),
        "{text}"
    );
    stage.shot("ui-room-limits").await;
    app.close().await;
}
