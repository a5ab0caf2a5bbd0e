//! Public interview access over HTTP: codes, room info, phone joins, ending.

use livekit_api::services::room::RoomClient;
use serde_json::json;

use crate::catalog::application;
use crate::{assert_error, assert_not_logged, jwt_claims, Cast, TestApp};

#[tokio::test]
async fn a_code_opens_the_room_to_the_right_phone_only() {
    let app = TestApp::with_livekit().await;
    let cast = Cast::new(&app).await;
    let a = application(&app, &cast.staff, Some("+971509876543")).await;
    let staff = Some(cast.staff.token.as_str());

    // Create: staff only, validated.
    let create = "/api/public/interview/room/create";
    let body = json!({"applicationId": a["id"], "interviewType": "TECHNICAL",
                      "maxDuration": 1800, "instructions": "Welcome!"});
    let (s, b) = app.post(create, None, body.clone()).await;
    assert_error(s, &b, 401);
    let (s, b) = app
        .post(create, Some(&cast.interviewer.token), body.clone())
        .await;
    assert_error(s, &b, 403);
    let (s, b) = app
        .post(
            create,
            staff,
            json!({"applicationId": "x", "interviewType": "CHAT", "maxDuration": 1}),
        )
        .await;
    assert_error(s, &b, 400);
    assert_eq!(b["message"].as_array().unwrap().len(), 3, "{b}");
    let (s, b) = app
        .post(
            create,
            staff,
            json!({"applicationId": uuid::Uuid::new_v4()}),
        )
        .await;
    assert_error(s, &b, 404);
    let (s, room) = app.post(create, staff, body).await;
    assert_eq!(s, 201, "{room}");
    let code = room["roomCode"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 8);
    assert!(
        code.bytes()
            .all(|b| b"23456789ABCDEFGHJKMNPQRSTUVWXYZ".contains(&b)),
        "{code}"
    );
    let room_name = room["roomName"].as_str().unwrap().to_owned();
    assert!(
        room_name.starts_with("interview_") && !room_name.contains(&code),
        "the LiveKit room is not named after the code: {room_name}"
    );
    assert_eq!(room["joinUrl"], format!("/interview/join/{code}"));
    assert_eq!(room["deepLink"], format!("viva://join/{code}"));
    assert_eq!(
        (
            &room["candidateName"],
            &room["jobTitle"],
            &room["maxDuration"]
        ),
        (
            &json!("Ahmed Hassan"),
            &json!("Senior Backend Developer - Fintech"),
            &json!(1800)
        )
    );
    assert!(uuid::Uuid::parse_str(room["sessionId"].as_str().unwrap()).is_ok());

    // Public info, no auth; codes are read as people type them.
    let (s, info) = app
        .get(
            &format!("/api/public/interview/room/{}", code.to_lowercase()),
            None,
        )
        .await;
    assert_eq!(s, 200, "{info}");
    assert_eq!(
        info,
        json!({"roomCode": code, "jobTitle": "Senior Backend Developer - Fintech",
               "companyName": "MENA Bank", "instructions": "Welcome!", "maxDuration": 1800,
               "status": "SCHEDULED", "interviewType": "TECHNICAL"})
    );
    let (s, b) = app.get("/api/public/interview/room/ZZZZZZZZ", None).await;
    assert_error(s, &b, 404);
    let (s, b) = app
        .get("/api/public/interview/room/%F0%9F%92%A5", None)
        .await;
    assert_error(s, &b, 404);

    // Joins: wrong phone 403, unparseable 400 (every problem listed), unknown code 404.
    let join = format!("/api/public/interview/join/{code}");
    let who =
        |phone: &str| json!({"phoneNumber": phone, "firstName": "Ahmed", "lastName": "Hassan"});
    let (s, b) = app.post(&join, None, who("+971501111111")).await;
    assert_error(s, &b, 403);
    let (s, b) = app
        .post(
            &join,
            None,
            json!({"phoneNumber": "call me", "firstName": " "}),
        )
        .await;
    assert_error(s, &b, 400);
    assert_eq!(b["message"].as_array().unwrap().len(), 3, "{b}");
    let (s, b) = app
        .post(
            "/api/public/interview/join/ZZZZZZZZ",
            None,
            who("+971509876543"),
        )
        .await;
    assert_error(s, &b, 404);
    let (s, b) = app.post(&join, None, json!({"phoneNumber": 971})).await;
    assert_error(s, &b, 400);

    // The right phone, in its local form, joins as candidate_{digits}.
    let (s, joined) = app.post(&join, None, who("050 987 6543")).await;
    assert_eq!(s, 200, "{joined}");
    let mut keys: Vec<&str> = joined
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "identity",
            "instructions",
            "jobTitle",
            "maxDuration",
            "participantName",
            "participantToken",
            "roomCode",
            "roomName",
            "serverUrl",
            "token"
        ]
    );
    assert_eq!(joined["identity"], "candidate_971509876543");
    assert_eq!(joined["participantName"], "Ahmed Hassan");
    assert_eq!(joined["serverUrl"], app.livekit.as_ref().unwrap().ws_url());
    let claims = jwt_claims(joined["token"].as_str().unwrap());
    assert_eq!(claims["sub"], "candidate_971509876543");
    assert_eq!(claims["video"]["room"], room_name);
    assert!(
        claims["video"].get("roomAdmin").is_none(),
        "candidates are not admins"
    );
    assert_eq!(claims["video"]["canUpdateOwnMetadata"], false);
    let participant_token = joined["participantToken"].as_str().unwrap().to_owned();
    assert_ne!(
        participant_token, joined["token"],
        "a credential, not the LiveKit token"
    );
    let (_, info) = app
        .get(&format!("/api/public/interview/room/{code}"), None)
        .await;
    assert_eq!(info["status"], "IN_PROGRESS");

    // Joins, names and phones are recorded.
    let session = app
        .store
        .public_session_by_code(&code)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(session.candidate_phone.as_deref(), Some("+971509876543"));
    assert_eq!(session.candidate_name.as_deref(), Some("Ahmed Hassan"));
    let joins = app.store.public_joins(session.id).await.unwrap();
    assert_eq!(
        joins,
        [(
            "+971509876543".to_owned(),
            "Ahmed".to_owned(),
            "Hassan".to_owned(),
            "candidate_971509876543".to_owned()
        )]
    );

    // The staff member who created the code is its interviewer: room admin via the token
    // API. Other staff and interviewers are refused.
    let (s, t) = app
        .post("/api/livekit/token", staff, json!({"roomId": room_name}))
        .await;
    assert_eq!(s, 200, "{t}");
    let claims = jwt_claims(t["token"].as_str().unwrap());
    assert_eq!(claims["sub"], cast.staff.identity());
    assert_eq!(claims["video"]["roomAdmin"], true);
    let (s, b) = app
        .post(
            "/api/livekit/token",
            Some(&cast.interviewer.token),
            json!({"roomId": room_name}),
        )
        .await;
    assert_error(s, &b, 403);
    let (s, b) = app
        .post(
            "/api/livekit/token",
            staff,
            json!({"roomId": "interview_ZZZZZZZZ"}),
        )
        .await;
    assert_error(s, &b, 404);

    // Ending needs the candidate's credential or staff: knowing the code is not enough.
    let end = format!("/api/public/interview/room/{code}/end");
    let (s, b) = app.post(&end, None, json!({})).await;
    assert_error(s, &b, 401);
    let (s, b) = app.post(&end, Some("not-a-credential"), json!({})).await;
    assert_error(s, &b, 401);
    let (s, b) = app
        .post(&end, Some(&cast.interviewer.token), json!({}))
        .await;
    assert_error(s, &b, 403);
    let lk = app.livekit.as_ref().unwrap();
    let rooms = RoomClient::with_api_key(&lk.http_url(), &lk.api_key, &lk.api_secret);
    let live = rooms.list_rooms(vec![]).await.unwrap();
    assert!(
        live.iter().any(|r| r.name == room_name),
        "the LiveKit room exists"
    );
    let (s, b) = app.post(&end, Some(&participant_token), json!({})).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["message"], "Interview session ended successfully");
    let live = rooms.list_rooms(vec![]).await.unwrap();
    assert!(
        !live.iter().any(|r| r.name == room_name),
        "DeleteRoom was called"
    );
    let (_, info) = app
        .get(&format!("/api/public/interview/room/{code}"), None)
        .await;
    assert_eq!(info["status"], "COMPLETED");
    let endings = app.store.room_endings(&room_name).await.unwrap();
    assert_eq!(endings.len(), 1);
    assert_eq!(endings[0].reason, "candidate");
    assert!(endings[0].livekit_deleted);

    // Ended sessions refuse joins and interviewer tokens; ending again is harmless.
    let (s, b) = app.post(&join, None, who("+971509876543")).await;
    assert_error(s, &b, 403);
    let (s, b) = app
        .post("/api/livekit/token", staff, json!({"roomId": room_name}))
        .await;
    assert_error(s, &b, 403);
    let (s, b) = app.post(&end, staff, json!({})).await;
    assert_eq!(s, 200, "{b}");

    // A second room, ended by staff; a credential of another session is refused.
    let (_, other) = app
        .post(create, staff, json!({"applicationId": a["id"]}))
        .await;
    let other_code = other["roomCode"].as_str().unwrap();
    assert_ne!(other_code, code);
    assert_eq!(other["maxDuration"], 1800, "the default");
    let other_end = format!("/api/public/interview/room/{other_code}/end");
    let (s, b) = app
        .post(&other_end, Some(&participant_token), json!({}))
        .await;
    assert_error(s, &b, 403);
    let (s, b) = app.post(&other_end, staff, json!({})).await;
    assert_eq!(s, 200, "{b}");
    let session = app
        .store
        .public_session_by_code(other_code)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        session.ended_by,
        Some(format!("staff:{}", cast.staff.user.id))
    );

    assert_not_logged(&[
        &code,
        other_code,
        &participant_token,
        joined["token"].as_str().unwrap(),
    ]);
}

#[tokio::test]
async fn without_a_phone_on_file_the_first_phone_owns_the_room() {
    let app = TestApp::with_livekit().await;
    let cast = Cast::new(&app).await;
    let a = application(&app, &cast.staff, None).await;
    let (_, room) = app
        .post(
            "/api/public/interview/room/create",
            Some(&cast.staff.token),
            json!({"applicationId": a["id"], "maxDuration": 600}),
        )
        .await;
    let code = room["roomCode"].as_str().unwrap();
    let (s, joined) = app
        .post(
            &format!("/api/public/interview/join/{code}"),
            None,
            json!({"phoneNumber": "+1 202 555 0143", "firstName": "Sam", "lastName": "Lee"}),
        )
        .await;
    assert_eq!(s, 200, "{joined}");
    assert_eq!(joined["identity"], "candidate_12025550143");
    // Someone else with the code cannot join as another identity...
    let (s, b) = app
        .post(
            &format!("/api/public/interview/join/{code}"),
            None,
            json!({"phoneNumber": "+1 202 555 0199", "firstName": "Eve", "lastName": "X"}),
        )
        .await;
    assert_error(s, &b, 403);
    // ...while the candidate rejoins with their number.
    let (s, again) = app
        .post(
            &format!("/api/public/interview/join/{code}"),
            None,
            json!({"phoneNumber": "+12025550143", "firstName": "Sam", "lastName": "Lee"}),
        )
        .await;
    assert_eq!(s, 200, "{again}");
}

#[tokio::test]
async fn the_room_ends_at_its_maximum_duration() {
    let app = TestApp::with_livekit().await;
    let cast = Cast::new(&app).await;
    let a = application(&app, &cast.staff, Some("+971509876543")).await;
    let (_, room) = app
        .post(
            "/api/public/interview/room/create",
            Some(&cast.staff.token),
            json!({"applicationId": a["id"], "maxDuration": 10}),
        )
        .await;
    let code = room["roomCode"].as_str().unwrap();
    let name = room["roomName"].as_str().unwrap().to_owned();
    // Not started: not due, however old.
    assert_eq!(
        viva_server::sweeper::end_due_rooms(&app.state)
            .await
            .unwrap(),
        0
    );
    let (s, _) = app
        .post(
            &format!("/api/public/interview/join/{code}"),
            None,
            json!({"phoneNumber": "+971509876543", "firstName": "A", "lastName": "H"}),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(
        viva_server::sweeper::end_due_rooms(&app.state)
            .await
            .unwrap(),
        0,
        "10 s have not passed"
    );
    // Let the clock pass the maximum duration: the room started 11 s ago.
    sqlx::query("UPDATE rooms SET started_at = started_at - 11000 WHERE name = $1")
        .bind(&name)
        .execute(app.store.pool())
        .await
        .unwrap();
    assert_eq!(
        viva_server::sweeper::end_due_rooms(&app.state)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        viva_server::sweeper::end_due_rooms(&app.state)
            .await
            .unwrap(),
        0,
        "once"
    );
    let endings = app.store.room_endings(&name).await.unwrap();
    assert_eq!(endings.len(), 1);
    assert_eq!(endings[0].reason, "max_duration");
    let (_, info) = app
        .get(&format!("/api/public/interview/room/{code}"), None)
        .await;
    assert_eq!(info["status"], "COMPLETED");
    assert!(
        captured_has_room_ref(&name),
        "the ending is logged by reference"
    );
    assert_not_logged(&[code]);
}

fn captured_has_room_ref(name: &str) -> bool {
    crate::captured_logs().contains(&viva_server::sweeper::room_ref(name))
}

#[tokio::test]
async fn joins_are_limited_per_code_with_retry_after() {
    let app = TestApp::start_with(crate::Opts {
        env: vec![("VIVA_PUBLIC_RATE_LIMIT_PER_CODE", "3".into())],
        ..crate::Opts::default()
    })
    .await;
    let cast = Cast::new(&app).await;
    let a = application(&app, &cast.staff, Some("+971509876543")).await;
    let (_, room) = app
        .post(
            "/api/public/interview/room/create",
            Some(&cast.staff.token),
            json!({"applicationId": a["id"]}),
        )
        .await;
    let code = room["roomCode"].as_str().unwrap();
    let join = format!("/api/public/interview/join/{code}");
    let wrong = json!({"phoneNumber": "+971501111111", "firstName": "A", "lastName": "B"});
    for _ in 0..3 {
        let (s, b) = app.post(&join, None, wrong.clone()).await;
        assert_error(s, &b, 403);
    }
    let res = app
        .client
        .post(format!("{}{join}", app.base))
        .json(&wrong)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429);
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=600).contains(&retry), "{retry}");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_error(reqwest::StatusCode::TOO_MANY_REQUESTS, &body, 429);
    // The limit is the code's: the room's info still answers.
    let (s, _) = app
        .get(&format!("/api/public/interview/room/{code}"), None)
        .await;
    assert_eq!(s, 200);
    assert_not_logged(&[code]);
}
