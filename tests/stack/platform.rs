//! The rooms platform end to end: viva-server, a real livekit-server sending its webhooks to
//! it, and viva-bot participants joining with role tokens from `/api/v1/rooms/{id}/token/`.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use viva_testkit::{Bot, LiveKitServer, VivaServer};

use crate::{deliver, webhook_auth, Api};

const T: Duration = Duration::from_secs(20);

struct Platform {
    lk: LiveKitServer,
    server: VivaServer,
    staff: Api,
    host: Api,
    candidate: Api,
    other: Api,
}

async fn platform() -> Platform {
    let lk = tokio::task::spawn_blocking(LiveKitServer::start)
        .await
        .unwrap();
    let server = VivaServer::start(Some(&lk));
    let url = server.url();
    Platform {
        staff: Api::login(&url, "hr", "viva-hr-staff").await,
        host: Api::login(&url, "interviewer", "viva-interviewer").await,
        candidate: Api::login(&url, "candidate", "viva-candidate").await,
        other: Api::login(&url, "interviewer2", "viva-interviewer2").await,
        lk,
        server,
    }
}

async fn user_id(api: &Api) -> String {
    let (s, me) = api.get("/api/auth/me").await;
    assert_eq!(s, 200, "{me}");
    me["id"].as_str().unwrap().to_owned()
}

/// A group room hosted by the demo interviewer; its id.
async fn group_room(p: &Platform) -> String {
    let host = user_id(&p.host).await;
    let (s, room) = p
        .staff
        .post(
            "/api/v1/rooms/",
            json!({"room_type": "group", "host": host, "title": "Panel"}),
        )
        .await;
    assert_eq!(s, 201, "{room}");
    room["id"].as_str().unwrap().to_owned()
}

async fn token(api: &Api, room: &str, role: &str) -> Value {
    let (s, t) = api
        .post(
            &format!("/api/v1/rooms/{room}/token/"),
            json!({"role": role}),
        )
        .await;
    assert_eq!(s, 200, "{t}");
    t
}

fn join(name: &str, p: &Platform, token: &Value, extra: &[&str]) -> Bot {
    Bot::with_token(
        name,
        &p.lk.ws_url(),
        token["token"].as_str().unwrap(),
        extra,
    )
}

/// Polls the room's participants until `done` holds (webhooks arrive asynchronously).
async fn participants_until(
    api: &Api,
    room: &str,
    what: &str,
    done: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    let deadline = Instant::now() + T;
    loop {
        let (s, list) = api
            .get(&format!("/api/v1/rooms/{room}/participants/"))
            .await;
        assert_eq!(s, 200, "{list}");
        let list = list.as_array().unwrap().clone();
        if done(&list) {
            return list;
        }
        assert!(
            Instant::now() < deadline,
            "participants never showed {what}: {list:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn rfc3339_ms(v: &Value) -> i64 {
    chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap())
        .unwrap()
        .timestamp_millis()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewer_cannot_publish_a_participant_can_and_the_host_mutes_and_removes_them() {
    let p = platform().await;
    let room = group_room(&p).await;
    let mut host = join("host", &p, &token(&p.host, &room, "host").await, &[]);
    host.wait_event("connected", T);

    let mut viewer = join(
        "viewer",
        &p,
        &token(&p.other, &room, "viewer").await,
        &["--publish", "audio"],
    );
    let refused = viewer.wait_for("a publish error", T, |v| {
        v["event"] == "error" && v["stage"] == "publish"
    });
    assert!(
        refused["message"]
            .as_str()
            .is_some_and(|m| m.contains("permission denied")),
        "the bot says why: {refused}"
    );

    let part_token = token(&p.candidate, &room, "participant").await;
    let mut part = join("participant", &p, &part_token, &["--publish", "audio"]);
    let identity = part.wait_event("connected", T)["identity"]
        .as_str()
        .unwrap()
        .to_owned();
    host.wait_for("the participant's audio", T, |v| {
        v["event"] == "track_subscribed"
            && v["participant"] == identity.as_str()
            && v["kind"] == "audio"
    });
    assert!(
        !host
            .seen()
            .iter()
            .any(|v| v["event"] == "track_subscribed" && v["participant"] != identity.as_str()),
        "nothing from the viewer reached the host"
    );

    let controls = format!("/api/v1/rooms/{room}/controls/");
    let (s, b) = p
        .host
        .post(&controls, json!({"action": "mute", "identity": identity}))
        .await;
    assert_eq!(s, 200, "{b}");
    host.wait_for("the participant muted", T, |v| {
        v["event"] == "track_muted" && v["participant"] == identity.as_str()
    });
    let (s, b) = p
        .host
        .post(&controls, json!({"action": "eject", "identity": identity}))
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(
        part.wait_event("disconnected", T)["reason"],
        "participant_removed"
    );
    // a participant cannot control the room
    let (s, _) = p.candidate.post(&controls, json!({"action": "end"})).await;
    assert_eq!(s, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn participants_show_joins_leaves_and_durations_as_the_bots_saw_them() {
    let p = platform().await;
    let room = group_room(&p).await;
    let mut a = join(
        "a",
        &p,
        &token(&p.host, &room, "host").await,
        &["--publish", "audio", "--duration", "6"],
    );
    let mut b = join(
        "b",
        &p,
        &token(&p.candidate, &room, "participant").await,
        &["--publish", "audio,video", "--duration", "3"],
    );
    let mut own = Vec::new();
    for bot in [&mut a, &mut b] {
        let joined = bot.wait_event("connected", T);
        let left = bot.wait_event("disconnected", T);
        assert_eq!(left["reason"], "client_initiated");
        own.push((
            joined["identity"].as_str().unwrap().to_owned(),
            joined["at_ms"].as_i64().unwrap(),
            left["at_ms"].as_i64().unwrap(),
        ));
    }
    let list = participants_until(&p.host, &room, "both left", |l| {
        l.len() == 2 && l.iter().all(|x| !x["left_at"].is_null())
    })
    .await;
    for (identity, joined, left) in &own {
        let rec = list
            .iter()
            .find(|x| x["identity"] == identity.as_str())
            .expect("each bot");
        let (j, l) = (rfc3339_ms(&rec["joined_at"]), rfc3339_ms(&rec["left_at"]));
        assert!(
            (j - joined).abs() <= 2_000,
            "{identity} joined at {j}, the bot says {joined}"
        );
        assert!(
            (l - left).abs() <= 2_000,
            "{identity} left at {l}, the bot says {left}"
        );
        let duration = rec["duration_seconds"].as_i64().unwrap() * 1000;
        assert!(
            (duration - (left - joined)).abs() <= 2_000,
            "{identity}: {rec}"
        );
        assert!(
            rec["audio_seconds"].as_i64().unwrap() >= 1,
            "audio published: {rec}"
        );
        assert_eq!(rec["kind"], "standard");
        assert_eq!(rec["connected"], false);
    }
    let b_rec = list
        .iter()
        .find(|x| x["identity"] == own[1].0.as_str())
        .unwrap();
    assert!(b_rec["video_seconds"].as_i64().unwrap() >= 1, "{b_rec}");
    let a_rec = list
        .iter()
        .find(|x| x["identity"] == own[0].0.as_str())
        .unwrap();
    assert_eq!(a_rec["video_seconds"], 0, "a published no video: {a_rec}");

    // A forged delivery (wrong secret) is refused and changes nothing; a replay of a join
    // signed correctly, with a later time, changes nothing either.
    let a_sid = a_rec["sid"].as_str().unwrap();
    let (_, room_json) = p.staff.get(&format!("/api/v1/rooms/{room}/")).await;
    let name = room_json["livekit_room_name"].as_str().unwrap();
    let event = |id: &str| {
        json!({"event": "participant_joined", "id": id, "createdAt": "2000000000",
               "room": {"name": name},
               "participant": {"sid": a_sid, "identity": own[0].0, "joinedAt": "2000000000"}})
        .to_string()
    };
    let forged = event("forged-1");
    let bad = webhook_auth(
        &p.lk.api_key,
        "not-the-secret-not-the-secret-not-it",
        &forged,
    );
    assert_eq!(deliver(&p.server.url(), &bad, &forged).await, 401);
    let replay = event("replay-1");
    let good = webhook_auth(&p.lk.api_key, &p.lk.api_secret, &replay);
    assert_eq!(deliver(&p.server.url(), &good, &replay).await, 200);
    let after = participants_until(&p.host, &room, "the same record", |_| true).await;
    // Records of participants who left do not move with the clock: comparable as they are.
    assert_eq!(after, list, "nothing changed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_tokens_holder_is_removed_within_two_seconds_and_cannot_rejoin() {
    let p = platform().await;
    let room = group_room(&p).await;
    let held = token(&p.candidate, &room, "participant").await;
    let mut bot = join("candidate", &p, &held, &[]);
    bot.wait_event("connected", T);
    // LiveKit reports the join: the record shows when the token was first used.
    let deadline = Instant::now() + T;
    loop {
        let (_, list) = p.staff.get(&format!("/api/v1/rooms/{room}/tokens/")).await;
        let rec = list
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["jti"] == held["jti"])
            .cloned()
            .unwrap();
        if !rec["first_used_at"].is_null() {
            break;
        }
        assert!(Instant::now() < deadline, "first use never recorded: {rec}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    let revoked_at = Instant::now();
    let (s, rec) = p
        .staff
        .post(
            &format!(
                "/api/v1/rooms/{room}/tokens/{}/revoke/",
                held["jti"].as_str().unwrap()
            ),
            json!({}),
        )
        .await;
    assert_eq!((s, rec["revoked"].clone()), (200, json!(true)), "{rec}");
    assert_eq!(
        bot.wait_event("disconnected", T)["reason"],
        "participant_removed"
    );
    assert!(
        revoked_at.elapsed() <= Duration::from_secs(2),
        "removed after {:?}",
        revoked_at.elapsed()
    );

    // The same token still has a valid signature; the server removes its holder on sight.
    let rejoin_at = Instant::now();
    let mut again = join("candidate-again", &p, &held, &[]);
    let end = again.wait_for("the rejoin refused", T, |v| {
        v["event"] == "disconnected" || v["event"] == "error"
    });
    assert!(
        rejoin_at.elapsed() <= Duration::from_secs(5),
        "{end} after {:?}",
        rejoin_at.elapsed()
    );
    let (s, b) = p
        .candidate
        .post(
            &format!("/api/v1/rooms/{room}/token/"),
            json!({"role": "viewer"}),
        )
        .await;
    assert_eq!(s, 403, "no new token after revocation: {b}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn setup_livekit_is_idempotent_and_an_accepted_interview_gets_an_individual_room() {
    let p = platform().await;
    for _ in 0..2 {
        let out = p.server.cli(&["setup-livekit"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let (s, templates) = p.host.get("/api/v1/room-templates/").await;
    assert_eq!(s, 200);
    let names: Vec<&str> = templates
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 4, "{names:?}");
    for n in ["individual", "group", "webinar", "broadcast"] {
        assert!(names.contains(&n), "{names:?}");
    }

    // The candidate requests an interview; accepting it makes its room.
    let host_id = user_id(&p.host).await;
    let (s, interview) = p
        .candidate
        .post("/api/interviews/", json!({"receiver": host_id, "topic": "Platform check", "scheduled_time": "2030-01-01T10:00:00Z"}))
        .await;
    assert_eq!(s, 201, "{interview}");
    let id = interview["uuid_id"]
        .as_str()
        .or(interview["id"].as_str())
        .unwrap()
        .to_owned();
    let (s, b) = p
        .host
        .post(&format!("/api/interviews/{id}/accept/"), json!({}))
        .await;
    assert_eq!(s, 200, "{b}");
    let (_, rooms) = p.host.get("/api/v1/rooms/").await;
    let room = rooms
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["interview"] == id.as_str())
        .unwrap_or_else(|| panic!("the interview's room among the host's: {rooms}"))
        .clone();
    assert_eq!(
        (room["template"].clone(), room["room_type"].clone()),
        (json!("individual"), json!("individual"))
    );
    assert_eq!(room["max_participants"], 4);
}
