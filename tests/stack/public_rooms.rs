//! Candidate access through the real backend: a candidate's viva-bot joins a public room
//! with a code and a phone number, or a password room with a one-time password, and meets
//! the interviewer's viva-bot; rooms end when the candidate ends them or at their maximum
//! duration.

use std::time::Duration;

use serde_json::{json, Value};
use viva_testkit::{Bot, LiveKitServer, VivaServer};

use crate::Api;

const T: Duration = Duration::from_secs(20);
/// The demo application's candidate (viva-server demo).
const PHONE: &str = "+971509876543";

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// An unauthenticated request: (status, body).
async fn public(method: reqwest::Method, url: String, body: Option<Value>) -> (u16, Value) {
    let mut req = reqwest::Client::new().request(method, url);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

#[track_caller]
fn assert_error(status: u16, body: &Value, expected: u16) {
    assert_eq!(status, expected, "{body}");
    assert_eq!(body["statusCode"], expected, "{body}");
    assert!(
        body["message"].as_array().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert!(body["error"].is_string(), "{body}");
}

fn candidate_bot(server: &VivaServer, code: &str, phone: &str, extra: &[&str]) -> Bot {
    let mut a = args(&[
        "--server",
        &server.url(),
        "--room-code",
        code,
        "--phone",
        phone,
        "--name",
        "Ahmed Hassan",
        "--publish",
        "audio,video",
        "--video-size",
        "320x180",
        "--video-color",
        "255,0,0",
    ]);
    a.extend(args(extra));
    Bot::spawn("candidate", &a, &[])
}

/// A public room: (its code, its LiveKit room name).
async fn create_room(hr: &Api, application: &str, max_duration: i64) -> (String, String) {
    let (s, room) = hr
        .post(
            "/api/public/interview/room/create",
            json!({"applicationId": application, "interviewType": "TECHNICAL",
                   "maxDuration": max_duration, "instructions": "Welcome to your interview"}),
        )
        .await;
    assert_eq!(s, 201, "{room}");
    (
        room["roomCode"].as_str().unwrap().to_owned(),
        room["roomName"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_candidate_joins_with_a_code_and_ends_the_interview() {
    // Started on this thread: services die with the thread that started them.
    let lk = LiveKitServer::start();
    let server = VivaServer::start(Some(&lk));
    let base = server.url();
    let hr = Api::login(&base, "hr", "viva-hr-staff").await;
    let application = hr.application_with_phone(PHONE).await;
    let (code, room) = create_room(&hr, &application, 600).await;

    // The public info shows the room.
    let (s, info) = public(
        reqwest::Method::GET,
        format!("{base}/api/public/interview/room/{code}"),
        None,
    )
    .await;
    assert_eq!(s, 200, "{info}");
    assert_eq!(
        (&info["jobTitle"], &info["companyName"], &info["status"]),
        (
            &json!("Senior Backend Developer - Fintech"),
            &json!("MENA Bank"),
            &json!("SCHEDULED")
        )
    );

    // Wrong phone 403, unparseable phone 400, unknown code 404: all in the error shape.
    let join = |code: &str, phone: &str| {
        public(
            reqwest::Method::POST,
            format!("{base}/api/public/interview/join/{code}"),
            Some(json!({"phoneNumber": phone, "firstName": "Ahmed", "lastName": "Hassan"})),
        )
    };
    let (s, b) = join(&code, "+971501111111").await;
    assert_error(s, &b, 403);
    let (s, b) = join(&code, "not a phone").await;
    assert_error(s, &b, 400);
    let (s, b) = join("ZZZZZZZZ", PHONE).await;
    assert_error(s, &b, 404);
    let mut wrong = candidate_bot(&server, &code, "+971501111111", &[]);
    let refused = wrong.wait_event("error", T);
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("not the one on the application"),
        "{refused}"
    );
    assert_eq!(wrong.wait_exit(T), Some(1));

    // The interviewer (the staff member who created the code) and the candidate meet.
    let mut intv = hr.staff_bot(&room).await;
    let intv_identity = intv.wait_event("connected", T)["identity"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(intv_identity.starts_with("user-"), "{intv_identity}");
    // The candidate leaves after 8 s and ends the session on the way out.
    let mut cand = candidate_bot(
        &server,
        &code,
        "050 987 6543",
        &["--duration", "8", "--end-on-leave"],
    );
    let connected = cand.wait_event("connected", T);
    assert_eq!(connected["identity"], "candidate_971509876543");
    assert_eq!(connected["room"], room.as_str());
    cand.wait_for("the interviewer's bot", T, |v| {
        v["event"] == "participant_connected" && v["identity"] == intv_identity.as_str()
    });
    cand.wait_for("the interviewer's video", T, |v| {
        v["event"] == "video_stats"
            && v["participant"] == intv_identity.as_str()
            && v["frames"].as_u64() > Some(5)
    });
    intv.wait_for("the candidate", T, |v| {
        v["event"] == "participant_connected" && v["identity"] == "candidate_971509876543"
    });
    let (_, info) = public(
        reqwest::Method::GET,
        format!("{base}/api/public/interview/room/{code}"),
        None,
    )
    .await;
    assert_eq!(info["status"], "IN_PROGRESS");

    // Ending by the candidate disconnects both bots.
    let ended = cand.wait_event("session_ended", T);
    assert_eq!(ended["message"], "Interview session ended successfully");
    assert_eq!(intv.wait_event("disconnected", T)["reason"], "room_deleted");
    cand.wait_event("disconnected", T);
    assert_eq!(cand.wait_exit(T), Some(0));
    assert_eq!(intv.wait_exit(T), Some(0));
    let (_, info) = public(
        reqwest::Method::GET,
        format!("{base}/api/public/interview/room/{code}"),
        None,
    )
    .await;
    assert_eq!(info["status"], "COMPLETED");

    // A later join is refused.
    let (s, b) = join(&code, PHONE).await;
    assert_error(s, &b, 403);
    let mut late = candidate_bot(&server, &code, PHONE, &[]);
    let refused = late.wait_event("error", T);
    assert!(
        refused["message"].as_str().unwrap().contains("ended"),
        "{refused}"
    );
    assert_eq!(late.wait_exit(T), Some(1));

    let log = server.log();
    assert!(!log.contains(&code), "the room code reached the server log");
    assert!(!log.contains(&hr.token), "a token reached the server log");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_ends_a_room_at_its_maximum_duration() {
    let lk = LiveKitServer::start();
    let server = VivaServer::start(Some(&lk));
    let hr = Api::login(&server.url(), "hr", "viva-hr-staff").await;
    let application = hr.application_with_phone(PHONE).await;
    let (code, room) = create_room(&hr, &application, 10).await;

    let mut intv = hr.staff_bot(&room).await;
    intv.wait_event("connected", T);
    let mut cand = candidate_bot(&server, &code, PHONE, &[]);
    cand.wait_event("connected", T);
    let started = std::time::Instant::now();
    // Nobody asks: the server deletes the room 10 s after the candidate joined.
    let long = Duration::from_secs(30);
    assert_eq!(
        cand.wait_event("disconnected", long)["reason"],
        "room_deleted"
    );
    assert_eq!(
        intv.wait_event("disconnected", long)["reason"],
        "room_deleted"
    );
    assert!(
        started.elapsed() >= Duration::from_secs(8),
        "not before its maximum duration: {:?}",
        started.elapsed()
    );
    let (_, info) = public(
        reqwest::Method::GET,
        format!("{}/api/public/interview/room/{code}", server.url()),
        None,
    )
    .await;
    assert_eq!(info["status"], "COMPLETED");
    let log = server.log();
    assert_eq!(
        log.matches("room reached its maximum duration").count(),
        1,
        "ended once"
    );
    assert!(!log.contains(&code));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_time_password_opens_the_password_room_once() {
    let lk = LiveKitServer::start();
    let server = VivaServer::start(Some(&lk));
    let hr = Api::login(&server.url(), "hr", "viva-hr-staff").await;
    let application = hr.application_with_phone(PHONE).await;
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
    assert_eq!(room, format!("interview-{application}-1"));

    // The default notifier kept the message in the outbox; an operator reads it with the CLI.
    let outbox = server.outbox();
    assert_eq!(outbox[0]["recipient"], PHONE);
    let body = outbox[0]["body"].as_str().unwrap();
    let pin = viva_testkit::viva_server::password_in(body);
    assert!(body.contains(&format!("Room: {room}")), "{body}");

    let mut intv = hr.staff_bot(&room).await;
    let intv_identity = intv.wait_event("connected", T)["identity"]
        .as_str()
        .unwrap()
        .to_owned();
    let otp_bot = |name: &str| {
        Bot::spawn(
            name,
            &args(&[
                "--server",
                &server.url(),
                "--application",
                &application,
                "--publish",
                "audio",
            ]),
            &[("VIVA_BOT_OTP", &pin)],
        )
    };
    let mut cand = otp_bot("candidate");
    assert_eq!(
        cand.wait_event("connected", T)["identity"],
        "candidate_971509876543"
    );
    cand.wait_for("the interviewer's bot", T, |v| {
        v["event"] == "participant_connected" && v["identity"] == intv_identity.as_str()
    });
    // The same password again: refused (single use).
    let mut again = otp_bot("candidate-again");
    let refused = again.wait_event("error", T);
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("Invalid or expired password"),
        "{refused}"
    );
    assert_eq!(again.wait_exit(T), Some(1));
    assert!(
        !server.log().contains(&pin),
        "the password reached the server log"
    );
}

/// The creator of a public room holds roomAdmin and may remove the candidate through
/// LiveKit itself; the removal is a ban like an eject through our controls (the webhook
/// records it): no new join by code, and the old token is removed on sight.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_creator_removes_the_candidate_and_the_ban_holds() {
    let lk = LiveKitServer::start();
    let server = VivaServer::start(Some(&lk));
    let hr = Api::login(&server.url(), "hr", "viva-hr-staff").await;
    let application = hr.application_with_phone(PHONE).await;
    let (code, room) = create_room(&hr, &application, 600).await;
    let (s, staff) = hr.post("/api/livekit/token", json!({"roomId": room})).await;
    assert_eq!(s, 200, "{staff}");
    let mut intv = hr.staff_bot(&room).await;
    intv.wait_event("connected", T);

    // The candidate joins by code; keep the token as an attacker would.
    let join = || {
        public(
            reqwest::Method::POST,
            format!("{}/api/public/interview/join/{code}", server.url()),
            Some(json!({"phoneNumber": PHONE, "firstName": "Ahmed", "lastName": "Hassan"})),
        )
    };
    let (s, joined) = join().await;
    assert_eq!(s, 200, "{joined}");
    let held = joined["token"].as_str().unwrap().to_owned();
    let identity = joined["identity"].as_str().unwrap().to_owned();
    let with_token = |name: &str| Bot::with_token(name, &lk.ws_url(), &held, &[]);
    let mut cand = with_token("candidate");
    cand.wait_event("connected", T);

    // The creator removes them with their own token (RoomService, roomAdmin).
    let res = reqwest::Client::new()
        .post(format!(
            "{}/twirp/livekit.RoomService/RemoveParticipant",
            lk.http_url()
        ))
        .bearer_auth(staff["token"].as_str().unwrap())
        .json(&json!({"room": room, "identity": identity}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    assert_eq!(
        cand.wait_event("disconnected", T)["reason"],
        "participant_removed"
    );

    // The ban holds: by code (once LiveKit's webhook arrived) and with the old token.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let (s, b) = join().await;
        if s == 403 {
            assert!(b["message"][0].as_str().unwrap().contains("removed"), "{b}");
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still admitted: {s} {b}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let mut again = with_token("candidate-old-token");
    again.wait_event("connected", T);
    assert_eq!(
        again.wait_event("disconnected", Duration::from_secs(5))["reason"],
        "participant_removed"
    );
}
