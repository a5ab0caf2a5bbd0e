use livekit_api::services::room::RoomClient;
use serde_json::json;
use viva_server::domain::InterviewStatus;

use crate::{assert_error, jwt_claims, Cast, TestApp};

#[tokio::test]
async fn join_tokens_carry_the_documented_shape_and_minimal_grants() {
    let app = TestApp::with_livekit().await;
    let cast = Cast::new(&app).await;
    let i = app
        .interview(
            &cast.candidate,
            &cast.interviewer,
            InterviewStatus::Accepted,
        )
        .await;
    let join = format!("/api/interviews/{}/join/", i.id);

    let (s, res) = app
        .post(&join, Some(&cast.interviewer.token), json!({}))
        .await;
    assert_eq!(s, 200, "{res}");
    let keys: Vec<&str> = res
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "expires_at",
            "identity",
            "interview",
            "is_interviewer",
            "livekit_url",
            "permissions",
            "room_name",
            "token"
        ],
        "exactly the documented fields"
    );
    assert_eq!(res["room_name"], format!("interview-{}", i.id));
    assert_eq!(
        res["identity"],
        format!("user-{}", cast.interviewer.user.id)
    );
    assert_eq!(res["livekit_url"], app.livekit.as_ref().unwrap().ws_url());
    assert_eq!(
        res["permissions"],
        json!({"can_publish": true, "can_subscribe": true, "can_screen_share": true,
               "is_interviewer": true, "is_room_admin": true})
    );
    assert_eq!(
        res["interview"]["status"], "in_progress",
        "joining starts the interview"
    );
    for k in [
        "uuid_id",
        "status",
        "topic",
        "scheduled_time",
        "duration_minutes",
        "sender",
        "receiver",
    ] {
        assert!(res["interview"].get(k).is_some(), "interview.{k}");
    }
    let claims = jwt_claims(res["token"].as_str().unwrap());
    assert_eq!(claims["sub"], format!("user-{}", cast.interviewer.user.id));
    assert_eq!(claims["video"]["room"], format!("interview-{}", i.id));
    assert_eq!(claims["video"]["roomJoin"], true);
    assert_eq!(
        claims["video"]["roomAdmin"], true,
        "the interviewer administers the room"
    );
    assert_eq!(claims["video"]["canUpdateOwnMetadata"], false);
    assert!(
        claims["video"].get("roomCreate").is_none() && claims["video"].get("roomList").is_none()
    );
    let lifetime = claims["exp"].as_i64().unwrap() - claims["nbf"].as_i64().unwrap();
    assert!(
        (590..=610).contains(&lifetime),
        "10-minute tokens, got {lifetime}s"
    );

    let (s, res) = app
        .post(&join, Some(&cast.candidate.token), json!({}))
        .await;
    assert_eq!(s, 200, "{res}");
    assert_eq!(res["is_interviewer"], false);
    assert_eq!(res["permissions"]["is_room_admin"], false);
    let claims = jwt_claims(res["token"].as_str().unwrap());
    assert!(
        claims["video"].get("roomAdmin").is_none(),
        "candidates are not room admins: {claims}"
    );
    assert_eq!(
        claims["video"]["canUpdateOwnMetadata"], false,
        "candidates cannot rewrite their metadata"
    );

    let (s, body) = app
        .post(&join, Some(&cast.superuser.token), json!({}))
        .await;
    assert_error(s, &body, 403);
    let (s, body) = app
        .post(&join, Some(&cast.other_interviewer.token), json!({}))
        .await;
    assert_error(s, &body, 403);
}

#[tokio::test]
async fn ejected_identities_and_ended_rooms_get_no_more_tokens() {
    let app = TestApp::with_livekit().await;
    let cast = Cast::new(&app).await;
    let i = app
        .interview(
            &cast.candidate,
            &cast.interviewer,
            InterviewStatus::Accepted,
        )
        .await;
    let base = format!("/api/interviews/{}", i.id);
    assert_eq!(
        app.post(
            &format!("{base}/join/"),
            Some(&cast.candidate.token),
            json!({})
        )
        .await
        .0,
        200
    );

    let (s, body) = app
        .post(
            &format!("{base}/room/controls/"),
            Some(&cast.candidate.token),
            json!({"action": "end"}),
        )
        .await;
    assert_error(s, &body, 403);
    let (s, body) = app
        .post(
            &format!("{base}/room/controls/"),
            Some(&cast.interviewer.token),
            json!({"action": "eject", "identity": cast.candidate.identity()}),
        )
        .await;
    assert_eq!(s, 200, "{body}");
    for _ in 0..3 {
        let (s, body) = app
            .post(
                &format!("{base}/join/"),
                Some(&cast.candidate.token),
                json!({}),
            )
            .await;
        assert_error(s, &body, 403);
        let (s, body) = app
            .post(
                "/api/livekit/token",
                Some(&cast.candidate.token),
                json!({"roomId": format!("interview-{}", i.id)}),
            )
            .await;
        assert_error(s, &body, 403);
    }

    let (s, body) = app
        .post(
            &format!("{base}/room/controls/"),
            Some(&cast.interviewer.token),
            json!({"action": "end"}),
        )
        .await;
    assert_eq!(s, 200, "{body}");
    let room = app
        .store
        .room(&format!("interview-{}", i.id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(room.status, viva_server::domain::RoomStatus::Ended);
    let (s, body) = app
        .post(
            &format!("{base}/join/"),
            Some(&cast.interviewer.token),
            json!({}),
        )
        .await;
    assert_error(s, &body, 403);
    let lk = app.livekit.as_ref().unwrap();
    let rooms = RoomClient::with_api_key(&lk.http_url(), &lk.api_key, &lk.api_secret)
        .list_rooms(vec![])
        .await
        .unwrap();
    assert!(rooms.is_empty(), "end deleted the LiveKit room: {rooms:?}");
}

#[tokio::test]
async fn ensure_called_concurrently_creates_one_room() {
    let app = TestApp::with_livekit().await;
    let cast = Cast::new(&app).await;
    let i = app
        .interview(
            &cast.candidate,
            &cast.interviewer,
            InterviewStatus::Accepted,
        )
        .await;
    let path = format!("/api/interviews/{}/room/ensure/", i.id);
    let calls = (0..20).map(|n| {
        let token = if n % 2 == 0 {
            &cast.interviewer.token
        } else {
            &cast.candidate.token
        };
        app.post(&path, Some(token), json!({}))
    });
    let results = futures::future::join_all(calls).await;
    let created = results
        .iter()
        .inspect(|(s, b)| assert_eq!(*s, 200, "{b}"))
        .filter(|(_, b)| b["created"] == true)
        .count();
    assert_eq!(created, 1, "exactly one call created the room");
    let lk = app.livekit.as_ref().unwrap();
    let rooms = RoomClient::with_api_key(&lk.http_url(), &lk.api_key, &lk.api_secret)
        .list_rooms(vec![])
        .await
        .unwrap();
    assert_eq!(rooms.len(), 1, "{rooms:?}");
    let (s, info) = app
        .get(
            &format!("/api/interviews/{}/room/info/", i.id),
            Some(&cast.candidate.token),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(info["num_participants"], 0, "nobody connected yet: {info}");
}

#[tokio::test]
async fn superusers_list_active_rooms() {
    let app = TestApp::with_livekit().await;
    let cast = Cast::new(&app).await;
    let i = app
        .interview(
            &cast.candidate,
            &cast.interviewer,
            InterviewStatus::Accepted,
        )
        .await;
    app.post(
        &format!("/api/interviews/{}/room/ensure/", i.id),
        Some(&cast.interviewer.token),
        json!({}),
    )
    .await;
    let (s, rooms) = app
        .get("/api/interviews/rooms/active/", Some(&cast.superuser.token))
        .await;
    assert_eq!(s, 200, "{rooms}");
    assert_eq!(rooms[0]["room_name"], format!("interview-{}", i.id));
    assert_eq!(
        rooms[0]["interviewer"]["id"],
        cast.interviewer.user.id.to_string()
    );
    let (s, body) = app
        .get("/api/interviews/rooms/active/", Some(&cast.staff.token))
        .await;
    assert_error(s, &body, 403);
}
