//! The rooms platform over HTTP: rooms made from templates, role tokens with the grants the
//! seed documents, the token record, participants from webhooks, and an accepted
//! interview's room. (The same against a real LiveKit sending webhooks: tests/stack/platform.)

use serde_json::{json, Value};
use viva_server::domain::InterviewStatus;

use crate::webhooks::{deliver, sign};
use crate::{assert_error, jwt_claims, Cast, TestApp};

async fn group_room(app: &TestApp, cast: &Cast, extra: Value) -> Value {
    let mut body = json!({"room_type": "group", "host": cast.interviewer.user.id});
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let (s, room) = app
        .post("/api/v1/rooms/", Some(&cast.staff.token), body)
        .await;
    assert_eq!(s, 201, "{room}");
    room
}

#[tokio::test]
async fn rooms_start_from_their_template_and_bad_input_is_named() {
    let app = TestApp::start().await;
    let cast = Cast::new(&app).await;
    let room = group_room(
        &app,
        &cast,
        json!({"title": "Team sync", "max_participants": 12, "sip_enabled": false}),
    )
    .await;
    for (field, value) in [
        ("room_type", json!("group")),
        ("template", json!("group")),
        ("max_participants", json!(12)),
        ("empty_timeout", json!(600)),
        ("recording_enabled", json!(false)),
        ("sip_enabled", json!(false)),
        ("status", json!("created")),
        ("title", json!("Team sync")),
        ("publishers", json!("all")),
    ] {
        assert_eq!(room[field], value, "{field} in {room}");
    }
    assert!(room["livekit_room_name"]
        .as_str()
        .unwrap()
        .starts_with("room_"));
    let webinar = app
        .post(
            "/api/v1/rooms/",
            Some(&cast.staff.token),
            json!({"room_type": "webinar"}),
        )
        .await
        .1;
    assert_eq!(
        (
            webinar["publishers"].clone(),
            webinar["recording_enabled"].clone()
        ),
        (json!("hosts"), json!(true))
    );

    let (s, body) = app
        .post(
            "/api/v1/rooms/",
            Some(&cast.staff.token),
            json!({"room_type": "huge", "max_participants": 0, "empty_timeout": 1,
                   "host": "not-a-uuid", "title": "x".repeat(201)}),
        )
        .await;
    assert_error(s, &body, 400);
    let text = body["message"].to_string();
    for fragment in [
        "room_type must be one of",
        "host must be a user id",
        "title must be at most",
    ] {
        assert!(text.contains(fragment), "{fragment} in {text}");
    }
    let (s, body) = app
        .post(
            "/api/v1/rooms/",
            Some(&cast.staff.token),
            json!({"template": "group", "max_participants": 0, "empty_timeout": 1}),
        )
        .await;
    assert_error(s, &body, 400);
    let text = body["message"].to_string();
    assert!(
        text.contains("max_participants must be from 1")
            && text.contains("empty_timeout must be from 10"),
        "{text}"
    );
    let (s, body) = app
        .post(
            "/api/v1/rooms/",
            Some(&cast.staff.token),
            json!({"template": "nope"}),
        )
        .await;
    assert_error(s, &body, 400);
    let (s, body) = app
        .post(
            "/api/v1/rooms/",
            Some(&cast.staff.token),
            json!({"template": "webinar", "room_type": "group"}),
        )
        .await;
    assert_error(s, &body, 400);
    let (s, body) = app
        .post(
            "/api/v1/rooms/",
            Some(&cast.staff.token),
            json!({"host": cast.superuser.user.id, "room_type": "group"}),
        )
        .await;
    assert_error(s, &body, 400);

    // update, list by status, close (twice), and no token after
    let id = room["id"].as_str().unwrap();
    let (s, updated) = app
        .request(
            reqwest::Method::PATCH,
            &format!("/api/v1/rooms/{id}/"),
            Some(&cast.staff.token),
            Some(json!({"max_participants": 3, "title": ""})),
        )
        .await;
    assert_eq!(s, 200, "{updated}");
    assert_eq!(
        (
            updated["max_participants"].clone(),
            updated["title"].clone()
        ),
        (json!(3), Value::Null)
    );
    let (s, hosted) = app
        .get("/api/v1/rooms/", Some(&cast.interviewer.token))
        .await;
    assert_eq!(s, 200);
    assert_eq!(
        hosted.as_array().unwrap().len(),
        1,
        "the host sees their room only: {hosted}"
    );
    let (s, body) = app
        .get("/api/v1/rooms/?status=open", Some(&cast.staff.token))
        .await;
    assert_error(s, &body, 400);
    for _ in 0..2 {
        let (s, closed) = app
            .post(
                &format!("/api/v1/rooms/{id}/close/"),
                Some(&cast.staff.token),
                json!({}),
            )
            .await;
        assert_eq!(
            (s.as_u16(), closed["status"].clone()),
            (200, json!("ended")),
            "{closed}"
        );
    }
    let (_, ended) = app
        .get("/api/v1/rooms/?status=ended", Some(&cast.staff.token))
        .await;
    assert_eq!(ended.as_array().unwrap().len(), 1);
    let (s, body) = app
        .post(
            &format!("/api/v1/rooms/{id}/token/"),
            Some(&cast.interviewer.token),
            json!({"role": "host"}),
        )
        .await;
    assert_error(s, &body, 403);
    assert!(body["message"].to_string().contains("ended"), "{body}");
    let (s, body) = app
        .request(
            reqwest::Method::PATCH,
            &format!("/api/v1/rooms/{id}/"),
            Some(&cast.staff.token),
            Some(json!({"title": "late"})),
        )
        .await;
    assert_error(s, &body, 409);
}

#[tokio::test]
async fn each_role_gets_the_documented_grants_and_every_token_is_recorded() {
    let app = TestApp::with_livekit().await;
    let cast = Cast::new(&app).await;
    let group = group_room(&app, &cast, json!({})).await;
    let id = group["id"].as_str().unwrap();
    let token = |who: &crate::Actor, body: Value| {
        let path = format!("/api/v1/rooms/{id}/token/");
        let token = who.token.clone();
        let app = &app;
        async move { app.post(&path, Some(&token), body).await }
    };
    let (s, host) = token(&cast.interviewer, json!({"role": "host", "ttl": 7200})).await;
    assert_eq!(s, 200, "{host}");
    let grants = |t: &Value| jwt_claims(t["token"].as_str().unwrap());
    let h = grants(&host);
    assert_eq!(h["video"]["roomAdmin"], true);
    assert_eq!(h["video"]["canPublish"], true);
    assert_eq!(h["video"]["room"], group["livekit_room_name"]);
    assert_eq!(
        h["attributes"]["viva.jti"], host["jti"],
        "the jti travels to the webhooks"
    );
    assert!(
        h["exp"].as_i64().unwrap() - h["nbf"].as_i64().unwrap() <= 600,
        "ttl capped: {h}"
    );
    assert_eq!(host["identity"], cast.interviewer.identity());

    let (s, part) = token(&cast.candidate, json!({"role": "participant"})).await;
    assert_eq!(s, 200, "{part}");
    let p = grants(&part);
    assert_eq!(
        (
            p["video"]["canPublish"].clone(),
            p["video"]["canPublishData"].clone()
        ),
        (json!(true), json!(true))
    );
    assert!(p["video"]["roomAdmin"].as_bool() != Some(true));

    let (s, viewer) = token(&cast.other_interviewer, json!({"role": "viewer"})).await;
    assert_eq!(s, 200, "{viewer}");
    let v = grants(&viewer);
    assert_eq!(
        (
            v["video"]["canPublish"].clone(),
            v["video"]["canPublishData"].clone(),
            v["video"]["canSubscribe"].clone()
        ),
        (json!(false), json!(false), json!(true))
    );
    assert_eq!(
        (
            viewer["can_publish"].clone(),
            viewer["can_publish_data"].clone()
        ),
        (json!(false), json!(false))
    );

    // in a webinar, a participant watches: only hosts publish
    let (_, webinar) = app
        .post(
            "/api/v1/rooms/",
            Some(&cast.staff.token),
            json!({"room_type": "webinar"}),
        )
        .await;
    let (s, wp) = app
        .post(
            &format!("/api/v1/rooms/{}/token/", webinar["id"].as_str().unwrap()),
            Some(&cast.candidate.token),
            json!({"role": "participant"}),
        )
        .await;
    assert_eq!(s, 200, "{wp}");
    assert_eq!(grants(&wp)["video"]["canPublish"], false);

    // bad requests
    for (body, fragment) in [
        (json!({}), "role should not be empty"),
        (
            json!({"role": "admin"}),
            "role must be one of host, participant, viewer",
        ),
        (
            json!({"role": "viewer", "ttl": 0}),
            "ttl must be at least 1 second",
        ),
        (
            json!({"role": "viewer", "user": "x"}),
            "user must be a user id",
        ),
    ] {
        let (s, b) = token(&cast.candidate, body).await;
        assert_error(s, &b, 400);
        assert!(
            b["message"].to_string().contains(fragment),
            "{fragment}: {b}"
        );
    }
    let (s, b) = token(
        &cast.candidate,
        json!({"role": "viewer", "user": cast.other_interviewer.user.id}),
    )
    .await;
    assert_error(s, &b, 403);

    // the record: every token with role and issuer, never the token itself
    let (s, list) = app
        .get(
            &format!("/api/v1/rooms/{id}/tokens/"),
            Some(&cast.staff.token),
        )
        .await;
    assert_eq!(s, 200, "{list}");
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 3);
    let roles: Vec<&str> = list.iter().map(|t| t["role"].as_str().unwrap()).collect();
    for r in ["host", "participant", "viewer"] {
        assert!(roles.contains(&r), "{roles:?}");
    }
    assert!(list.iter().all(|t| t.get("token").is_none()
        && t["revoked"] == false
        && t["first_used_at"].is_null()));
    assert!(!serde_json::to_string(list)
        .unwrap()
        .contains(host["token"].as_str().unwrap()));

    // revoking bans the identity: no new token for it
    let jti = part["jti"].as_str().unwrap();
    let (s, revoked) = app
        .post(
            &format!("/api/v1/rooms/{id}/tokens/{jti}/revoke/"),
            Some(&cast.staff.token),
            json!({}),
        )
        .await;
    assert_eq!(
        (s.as_u16(), revoked["revoked"].clone()),
        (200, json!(true)),
        "{revoked}"
    );
    let (s, b) = token(&cast.candidate, json!({"role": "viewer"})).await;
    assert_error(s, &b, 403);
    let (s, b) = app
        .post(
            &format!("/api/v1/rooms/{id}/tokens/nope/revoke/"),
            Some(&cast.staff.token),
            json!({}),
        )
        .await;
    assert_error(s, &b, 404);
}

#[tokio::test]
async fn an_accepted_interview_gets_its_room_from_the_individual_template() {
    let app = TestApp::with_livekit().await;
    let cast = Cast::new(&app).await;
    let interview = app
        .interview(&cast.candidate, &cast.interviewer, InterviewStatus::Pending)
        .await;
    let name = format!("interview-{}", interview.id);
    assert!(app.store.room(&name).await.unwrap().is_none());
    let (s, b) = app
        .post(
            &format!("/api/interviews/{}/accept/", interview.id),
            Some(&cast.interviewer.token),
            json!({}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let room = app
        .store
        .room(&name)
        .await
        .unwrap()
        .expect("the room exists on accept");
    let individual = app.store.template("individual").await.unwrap().unwrap();
    assert_eq!(room.template, "individual");
    assert_eq!(
        room.settings.max_participants,
        individual.settings.max_participants
    );
    assert_eq!(
        room.settings.max_duration,
        60 * 60,
        "as long as the interview was booked for"
    );
    assert_eq!(room.host_id, Some(cast.interviewer.user.id));
    let (s, info) = app
        .get(
            &format!("/api/interviews/{}/room/info/", interview.id),
            Some(&cast.interviewer.token),
        )
        .await;
    assert_eq!(s, 200, "{info}");
    assert_eq!(info["limits"]["template"], "individual");
    assert_eq!(info["limits"]["max_participants"], 4);
}

#[tokio::test]
async fn staff_manage_templates_and_defaults_are_kept() {
    let app = TestApp::start().await;
    let cast = Cast::new(&app).await;
    let staff = Some(cast.staff.token.as_str());
    let (s, t) = app
        .post("/api/v1/room-templates/", staff, json!({"name": "panel", "room_type": "group", "max_participants": 8, "publishers": "hosts", "video_codec": "h264"}))
        .await;
    assert_eq!(s, 201, "{t}");
    assert_eq!(
        (
            t["max_participants"].clone(),
            t["publishers"].clone(),
            t["is_default"].clone()
        ),
        (json!(8), json!("hosts"), json!(false))
    );
    let (s, b) = app
        .post(
            "/api/v1/room-templates/",
            staff,
            json!({"name": "panel", "room_type": "group"}),
        )
        .await;
    assert_error(s, &b, 409);
    let (s, b) = app
        .post("/api/v1/room-templates/", staff, json!({"name": "Bad Name", "room_type": "party", "video_codec": "mpeg2", "max_duration": 5}))
        .await;
    assert_error(s, &b, 400);
    let (s, b) = app
        .request(
            reqwest::Method::DELETE,
            "/api/v1/room-templates/individual/",
            staff,
            None,
        )
        .await;
    assert_error(s, &b, 409);
    let (s, b) = app
        .request(
            reqwest::Method::PATCH,
            "/api/v1/room-templates/individual/",
            staff,
            Some(json!({"room_type": "group"})),
        )
        .await;
    assert_error(s, &b, 400);
    let (s, list) = app
        .get("/api/v1/room-templates/", Some(&cast.candidate.token))
        .await;
    assert_eq!((s.as_u16(), list.as_array().unwrap().len()), (200, 5));
    let (s, _) = app
        .request(
            reqwest::Method::DELETE,
            "/api/v1/room-templates/panel/",
            staff,
            None,
        )
        .await;
    assert_eq!(s, 204);
    let (s, b) = app.get("/api/v1/room-templates/panel/", staff).await;
    assert_error(s, &b, 404);
}

fn participant_event(id: &str, event: &str, room: &str, at: i64, track: Option<Value>) -> String {
    let mut e = json!({
        "event": event,
        "id": id,
        "createdAt": at.to_string(),
        "room": {"name": room},
        "participant": {"sid": "PA_one", "identity": "user-one", "name": "One",
                        "joinedAt": "1764590000", "joinedAtMs": "1764590000250"}
    });
    if let Some(t) = track {
        e["track"] = t;
    }
    e.to_string()
}

#[tokio::test]
async fn participants_come_from_webhooks_in_any_order_and_forgeries_change_nothing() {
    let app = TestApp::with_livekit().await;
    let lk = app.livekit.clone().unwrap();
    let cast = Cast::new(&app).await;
    let room = group_room(&app, &cast, json!({})).await;
    let name = room["livekit_room_name"].as_str().unwrap();
    let mic = json!({"sid": "TR_mic", "type": "AUDIO", "source": "MICROPHONE"});
    let events = [
        participant_event("e-left", "participant_left", name, 1_764_590_090, None),
        participant_event(
            "e-unpub",
            "track_unpublished",
            name,
            1_764_590_060,
            Some(mic.clone()),
        ),
        participant_event("e-joined", "participant_joined", name, 1_764_590_000, None),
        participant_event("e-pub", "track_published", name, 1_764_590_010, Some(mic)),
    ];
    for body in events.iter().chain(events.iter()) {
        let (s, reply) = deliver(&app, Some(&sign(&lk.api_key, &lk.api_secret, body)), body).await;
        assert_eq!(s, 200, "{reply}");
    }
    let forged = participant_event("e-forged", "participant_joined", name, 1_764_590_000, None)
        .replace("PA_one", "PA_forged");
    let (s, reply) = deliver(
        &app,
        Some(&sign(
            &lk.api_key,
            "not-our-secret-not-our-secret-not-ours",
            &forged,
        )),
        &forged,
    )
    .await;
    assert_error(s, &reply, 401);

    let (s, people) = app
        .get(
            &format!(
                "/api/v1/rooms/{}/participants/",
                room["id"].as_str().unwrap()
            ),
            Some(&cast.interviewer.token),
        )
        .await;
    assert_eq!(s, 200, "{people}");
    let people = people.as_array().unwrap();
    assert_eq!(people.len(), 1, "{people:?}");
    let p = &people[0];
    assert_eq!(p["joined_at"], "2025-12-01T11:53:20.250Z");
    assert_eq!(p["left_at"], "2025-12-01T11:54:50.000Z");
    assert_eq!(
        (
            p["duration_seconds"].clone(),
            p["audio_seconds"].clone(),
            p["video_seconds"].clone(),
            p["kind"].clone(),
            p["connected"].clone()
        ),
        (
            json!(89),
            json!(50),
            json!(0),
            json!("standard"),
            json!(false)
        )
    );
}
