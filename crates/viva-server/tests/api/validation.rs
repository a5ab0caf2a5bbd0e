//! Bad input anywhere gets a 4xx in the error shape, never a 5xx or a panic.

use reqwest::Method;
use serde_json::json;
use viva_server::domain::InterviewStatus;

use crate::{assert_error, Cast, TestApp};

#[tokio::test]
async fn malformed_bodies_wrong_types_and_bad_ids_get_400s() {
    let app = TestApp::with_livekit().await;
    let cast = Cast::new(&app).await;
    let i = app
        .interview(
            &cast.candidate,
            &cast.interviewer,
            InterviewStatus::Accepted,
        )
        .await;
    let token = cast.interviewer.token.clone();
    let raw = |path: String, body: &'static str, content_type: &'static str| {
        let req = app
            .client
            .post(format!("{}{path}", app.base))
            .bearer_auth(&token)
            .header("content-type", content_type)
            .body(body);
        async move {
            let res = req.send().await.unwrap();
            let status = res.status();
            (status, res.json::<serde_json::Value>().await.unwrap())
        }
    };
    let controls = format!("/api/interviews/{}/room/controls/", i.id);

    let (s, b) = raw(controls.clone(), "{\"action\": ", "application/json").await;
    assert_error(s, &b, 400);
    let (s, b) = raw(controls.clone(), "[1, 2, 3]", "application/json").await;
    assert_error(s, &b, 400);
    let (s, b) = raw(controls.clone(), "{\"action\": \"mute\"}", "text/plain").await;
    assert_error(s, &b, 415);
    let (s, b) = app
        .post(&controls, Some(&token), json!({"action": 42}))
        .await;
    assert_error(s, &b, 400);
    let (s, b) = app
        .post(&controls, Some(&token), json!({"action": "explode"}))
        .await;
    assert_error(s, &b, 400);
    assert!(
        b["message"][0]
            .as_str()
            .unwrap()
            .contains("mute, unmute, eject, end"),
        "{b}"
    );
    let (s, b) = app
        .post(&controls, Some(&token), json!({"action": "mute"}))
        .await;
    assert_error(s, &b, 400);
    let (s, b) = app
        .post(
            &controls,
            Some(&token),
            json!({"action": "mute", "identity": "x", "audio_only": true, "video_only": true}),
        )
        .await;
    assert_error(s, &b, 400);
    let (s, b) = app
        .post(
            &controls,
            Some(&token),
            json!({"action": "mute", "audio_only": "yes"}),
        )
        .await;
    assert_error(s, &b, 400);

    let (s, b) = app
        .post("/api/interviews/not-a-uuid/join/", Some(&token), json!({}))
        .await;
    assert_error(s, &b, 400);
    let (s, b) = app
        .post(
            "/api/interviews/00000000-0000-4000-8000-000000000000/join/",
            Some(&token),
            json!({}),
        )
        .await;
    assert_error(s, &b, 404);
    let (s, b) = app
        .post(
            "/api/interviews/",
            Some(&cast.candidate.token),
            json!({"receiver": "nope", "topic": "", "scheduled_time": "tomorrow", "duration_minutes": 5, "interview_type": "PARTY"}),
        )
        .await;
    assert_error(s, &b, 400);
    assert_eq!(
        b["message"].as_array().unwrap().len(),
        5,
        "every field reported: {b}"
    );
    let (s, b) = app
        .post(
            "/api/interviews/",
            Some(&cast.candidate.token),
            json!({"duration_minutes": "sixty"}),
        )
        .await;
    assert_error(s, &b, 400);
}

#[tokio::test]
async fn huge_bodies_wrong_methods_and_unknown_paths() {
    let app = TestApp::start().await;
    let cast = Cast::new(&app).await;
    let huge = json!({"username": "x".repeat(2 * 1024 * 1024), "password": "y"});
    let (s, b) = app.post("/api/auth/login", None, huge.clone()).await;
    assert_error(s, &b, 413);
    // Endpoints that read the raw body answer in the same JSON shape.
    for path in ["/graphql", "/api/auth/logout", "/webhooks/livekit/"] {
        let (s, b) = app.post(path, None, huge.clone()).await;
        assert_error(s, &b, 413);
        assert_eq!(
            b["message"],
            json!(["Request body is too large"]),
            "{path}: {b}"
        );
    }
    let (s, b) = app
        .request(
            Method::DELETE,
            "/api/auth/me",
            Some(&cast.candidate.token),
            None,
        )
        .await;
    assert_error(s, &b, 405);
    let (s, b) = app.get("/api/nothing/here", None).await;
    assert_error(s, &b, 404);
    let (s, b) = app
        .post(
            "/api/auth/login",
            None,
            json!({"username": 5, "password": []}),
        )
        .await;
    assert_error(s, &b, 400);
    let (s, b) = app.post("/api/auth/login", None, json!({})).await;
    assert_error(s, &b, 400);
    assert_eq!(b["message"].as_array().unwrap().len(), 2);
    let (s, b) = app.request(Method::GET, "/api/auth/me", None, None).await;
    assert_error(s, &b, 401);
}
