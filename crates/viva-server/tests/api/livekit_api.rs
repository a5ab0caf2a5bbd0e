use serde_json::json;
use viva_server::domain::InterviewStatus;

use crate::{assert_error, jwt_claims, Cast, TestApp};

#[tokio::test]
async fn the_token_api_validates_and_grants_only_your_own_rooms() {
    let app = TestApp::with_livekit().await;
    let cast = Cast::new(&app).await;
    let i = app
        .interview(
            &cast.candidate,
            &cast.interviewer,
            InterviewStatus::Accepted,
        )
        .await;
    let room = format!("interview-{}", i.id);
    let t = Some(cast.candidate.token.as_str());

    let (s, body) = app
        .post("/api/livekit/token", t, json!({"roomId": room, "ttl": 0}))
        .await;
    assert_error(s, &body, 400);
    assert_eq!(body["message"], json!(["ttl must not be less than 1"]));
    let (s, body) = app.post("/api/livekit/token", t, json!({})).await;
    assert_error(s, &body, 400);
    assert_eq!(body["message"], json!(["roomId should not be empty"]));
    let (s, body) = app.post("/api/livekit/token", t, json!({"ttl": -5})).await;
    assert_eq!(
        body["message"].as_array().unwrap().len(),
        2,
        "both problems reported: {body}"
    );
    assert_error(s, &body, 400);
    let (s, body) = app
        .post(
            "/api/livekit/token",
            t,
            json!({"roomId": room, "identity": cast.interviewer.identity()}),
        )
        .await;
    assert_error(s, &body, 403);
    let (s, body) = app
        .post(
            "/api/livekit/token",
            t,
            json!({"roomId": "interview-not-a-uuid"}),
        )
        .await;
    assert_error(s, &body, 404);
    let (s, body) = app
        .post(
            "/api/livekit/token",
            Some(&cast.other_interviewer.token),
            json!({"roomId": room}),
        )
        .await;
    assert_error(s, &body, 403);

    let (s, ok) = app
        .post(
            "/api/livekit/token",
            t,
            json!({"roomId": room, "name": "Dana Reyes (Interviewer)", "ttl": 999999}),
        )
        .await;
    assert_eq!(s, 200, "{ok}");
    assert_eq!(ok["identity"], cast.candidate.identity());
    assert_eq!(ok["roomId"], room);
    // Nobody picks the name others see: it is the account's.
    assert_eq!(ok["name"], cast.candidate.user.display_name.as_str());
    assert_eq!(
        jwt_claims(ok["token"].as_str().unwrap())["name"],
        cast.candidate.user.display_name.as_str()
    );
    assert!(ok["expiresAt"].is_string());
    let claims = jwt_claims(ok["token"].as_str().unwrap());
    let lifetime = claims["exp"].as_i64().unwrap() - claims["nbf"].as_i64().unwrap();
    assert!(
        lifetime <= 600,
        "ttl is capped at 10 minutes, got {lifetime}s"
    );
    assert_eq!(claims["video"]["room"], room);

    // One spelling per room: each of these would be a different LiveKit room, with no ban.
    let upper = format!("interview-{}", i.id.to_string().to_uppercase());
    let braces = format!("interview-{{{}}}", i.id);
    let simple = format!("interview-{}", i.id.simple());
    let urn = format!("interview-urn:uuid:{}", i.id);
    for other in [upper, braces, simple, urn] {
        let (s, body) = app
            .post("/api/livekit/token", t, json!({"roomId": other}))
            .await;
        assert_error(s, &body, 404);
    }
}

#[tokio::test]
async fn connection_info_needs_a_user_and_health_does_not() {
    let app = TestApp::with_livekit().await;
    let cast = Cast::new(&app).await;
    let (s, body) = app.get("/api/livekit/connection-info", None).await;
    assert_error(s, &body, 401);
    let (s, info) = app
        .get("/api/livekit/connection-info", Some(&cast.candidate.token))
        .await;
    assert_eq!(s, 200);
    assert_eq!(info["serverUrl"], app.livekit.as_ref().unwrap().ws_url());
    assert_eq!(info["configured"], true);
    assert_eq!(
        info["features"],
        json!({"audio": true, "video": true, "screenShare": true, "recording": false})
    );
    let (s, health) = app.get("/api/livekit/health", None).await;
    assert_eq!(s, 200);
    assert_eq!(health, json!({"status": "healthy", "configured": true}));

    let bare = TestApp::start().await;
    let (_, health) = bare.get("/api/livekit/health", None).await;
    assert_eq!(health, json!({"status": "unhealthy", "configured": false}));
}
