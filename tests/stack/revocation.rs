//! Eject and end hold against join tokens handed out before them. LiveKit cannot revoke a
//! token it signed; viva-server's webhook receiver removes a banned identity that joins
//! anyway, and `room.auto_create: false` keeps an old token from bringing an ended room
//! back (README, "LiveKit configuration").

use std::time::{Duration, Instant};

use serde_json::json;
use viva_testkit::{Bot, LiveKitServer, VivaServer};

use crate::Api;

const T: Duration = Duration::from_secs(20);

/// A join token from the token API, asking for an hour (capped at ten minutes).
async fn held_token(api: &Api, room: &str) -> String {
    let (s, body) = api
        .post("/api/livekit/token", json!({"roomId": room, "ttl": 3600}))
        .await;
    assert_eq!(s, 200, "{body}");
    body["token"].as_str().unwrap().to_owned()
}

fn bot_with_token(name: &str, lk: &LiveKitServer, token: &str) -> Bot {
    Bot::with_token(name, &lk.ws_url(), token, &[])
}

struct Stack {
    lk: LiveKitServer,
    server: VivaServer,
    interviewer: Api,
    candidate: Api,
    interview: String,
}

async fn stack() -> Stack {
    let lk = tokio::task::spawn_blocking(LiveKitServer::start)
        .await
        .unwrap();
    let server = VivaServer::start(Some(&lk));
    let interviewer = Api::login(&server.url(), "interviewer", "viva-interviewer").await;
    let candidate = Api::login(&server.url(), "candidate", "viva-candidate").await;
    let interview = interviewer.interview_id("Backend Engineer Interview").await;
    Stack {
        lk,
        server,
        interviewer,
        candidate,
        interview,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ejected_candidate_rejoining_with_the_old_token_is_removed_within_two_seconds() {
    let st = stack().await;
    let room = format!("interview-{}", st.interview);
    let cand_token = held_token(&st.candidate, &room).await;
    let intv_token = held_token(&st.interviewer, &room).await;
    let mut intv = bot_with_token("interviewer", &st.lk, &intv_token);
    intv.wait_event("connected", T);
    let mut cand = bot_with_token("candidate", &st.lk, &cand_token);
    let cand_identity = cand.wait_event("connected", T)["identity"]
        .as_str()
        .unwrap()
        .to_owned();

    let controls = format!("/api/interviews/{}/room/controls/", st.interview);
    let (s, body) = st
        .interviewer
        .post(
            &controls,
            json!({"action": "eject", "identity": cand_identity}),
        )
        .await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(
        cand.wait_event("disconnected", T)["reason"],
        "participant_removed"
    );

    // The attack: the same token, still within its lifetime.
    let mut again = bot_with_token("candidate-old-token", &st.lk, &cand_token);
    again.wait_event("connected", T);
    let joined = Instant::now();
    let gone = again.wait_event("disconnected", Duration::from_secs(5));
    let after = joined.elapsed();
    assert_eq!(gone["reason"], "participant_removed", "{gone}");
    assert!(
        after <= Duration::from_secs(2),
        "removed {after:?} after joining"
    );
    intv.wait_for("the candidate gone again", T, |v| {
        v["event"] == "participant_disconnected" && v["identity"] == cand_identity.as_str()
    });
    let (_, info) = st
        .interviewer
        .get(&format!("/api/interviews/{}/room/info/", st.interview))
        .await;
    assert!(
        !info["participants"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["identity"] == cand_identity.as_str()),
        "{info}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_old_token_after_the_end_finds_no_room() {
    let st = stack().await;
    let room = format!("interview-{}", st.interview);
    let intv_token = held_token(&st.interviewer, &room).await;
    let cand_token = held_token(&st.candidate, &room).await;
    let mut intv = bot_with_token("interviewer", &st.lk, &intv_token);
    intv.wait_event("connected", T);

    let controls = format!("/api/interviews/{}/room/controls/", st.interview);
    let (s, body) = st
        .interviewer
        .post(&controls, json!({"action": "end"}))
        .await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(intv.wait_event("disconnected", T)["reason"], "room_deleted");

    // Both sides' held tokens: no room to join, and none is created.
    for (name, token) in [
        ("candidate-late", &cand_token),
        ("interviewer-late", &intv_token),
    ] {
        let mut late = bot_with_token(name, &st.lk, token);
        let refused = late.wait_event("error", T);
        assert_eq!(late.wait_exit(T), Some(1), "{refused}");
    }
    let rooms = livekit_api::services::room::RoomClient::with_api_key(
        &st.lk.http_url(),
        &st.lk.api_key,
        &st.lk.api_secret,
    )
    .list_rooms(vec![])
    .await
    .unwrap();
    assert!(
        rooms.iter().all(|r| r.name != room),
        "the ended room came back: {rooms:?}"
    );
    let (_, info) = st
        .interviewer
        .get(&format!("/api/interviews/{}/room/info/", st.interview))
        .await;
    assert_eq!(info["status"], "ended", "{info}");
    assert_eq!(info["num_participants"], 0, "{info}");
    // The server saw LiveKit's webhooks, and printed no token.
    let log = st.server.log();
    assert!(!log.contains(&cand_token) && !log.contains(&intv_token));
}
