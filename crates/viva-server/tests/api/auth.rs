use serde_json::json;
use viva_server::domain::Role;

use crate::{assert_error, TestApp};

#[tokio::test]
async fn sign_in_me_and_wrong_passwords() {
    let app = TestApp::start().await;
    let dana = app.actor("dana", Role::Interviewer, false, false).await;
    let (s, me) = app.get("/api/auth/me", Some(&dana.token)).await;
    assert_eq!(s, 200);
    assert_eq!(
        me,
        json!({"id": dana.user.id.to_string(), "username": "dana", "display_name": "dana",
               "role": "interviewer", "is_staff": false, "is_superuser": false})
    );
    let (s, wrong) = app
        .post(
            "/api/auth/login",
            None,
            json!({"username": "dana", "password": "nope-nope-nope"}),
        )
        .await;
    assert_error(s, &wrong, 401);
    let (s, unknown) = app
        .post(
            "/api/auth/login",
            None,
            json!({"username": "nobody", "password": "nope-nope-nope"}),
        )
        .await;
    assert_error(s, &unknown, 401);
    assert_eq!(
        wrong["message"], unknown["message"],
        "no hint whether the user exists"
    );
    let (s, body) = app.get("/api/auth/me", Some("not-a-token")).await;
    assert_error(s, &body, 401);
}

#[tokio::test]
async fn refresh_rotates_and_reuse_revokes_the_session() {
    // No reuse interval: any second use of a token is theft (the interval has its own
    // test in sessions.rs).
    let app = TestApp::start_with(crate::Opts {
        env: vec![("VIVA_REFRESH_REUSE_INTERVAL_SECONDS", "0".into())],
        ..crate::Opts::default()
    })
    .await;
    app.actor("ro", Role::Candidate, false, false).await;
    let (_, first) = app
        .post(
            "/api/auth/login",
            None,
            json!({"username": "ro", "password": "ro-password"}),
        )
        .await;
    let r1 = first["refresh_token"].as_str().unwrap().to_owned();
    let (s, second) = app
        .post("/api/auth/refresh", None, json!({"refresh_token": r1}))
        .await;
    assert_eq!(s, 200, "{second}");
    let r2 = second["refresh_token"].as_str().unwrap().to_owned();
    let a2 = second["access_token"].as_str().unwrap().to_owned();
    assert_ne!(r1, r2, "rotated");
    assert_eq!(app.get("/api/auth/me", Some(&a2)).await.0, 200);

    // The old refresh token again: someone copied it. The whole session ends.
    let (s, body) = app
        .post("/api/auth/refresh", None, json!({"refresh_token": r1}))
        .await;
    assert_error(s, &body, 401);
    let (s, body) = app
        .post("/api/auth/refresh", None, json!({"refresh_token": r2}))
        .await;
    assert_error(s, &body, 401);
    let (s, _) = app.get("/api/auth/me", Some(&a2)).await;
    assert_eq!(s, 401, "access tokens of a revoked session stop working");

    // Refresh tokens are stored hashed, never as issued.
    let row: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM refresh_tokens WHERE token_hash = $1")
        .bind(&r2)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(row.0, 0);
}

#[tokio::test]
async fn logout_ends_the_access_token() {
    let app = TestApp::start().await;
    let lo = app.actor("lo", Role::Candidate, false, false).await;
    let (s, _) = app
        .request(
            reqwest::Method::POST,
            "/api/auth/logout",
            Some(&lo.token),
            None,
        )
        .await;
    assert_eq!(s, 200);
    let (s, body) = app.get("/api/auth/me", Some(&lo.token)).await;
    assert_error(s, &body, 401);
}

#[tokio::test]
async fn failed_logins_are_throttled_per_username() {
    let app = TestApp::start().await;
    app.actor("victim", Role::Candidate, false, false).await;
    for _ in 0..10 {
        let (s, _) = app
            .post(
                "/api/auth/login",
                None,
                json!({"username": "victim", "password": "guess-guess"}),
            )
            .await;
        assert_eq!(s, 401);
    }
    let res = app
        .client
        .post(format!("{}/api/auth/login", app.base))
        .json(&json!({"username": "victim", "password": "victim-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        429,
        "even the right password waits out the window"
    );
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&retry), "Retry-After {retry}");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_error(reqwest::StatusCode::TOO_MANY_REQUESTS, &body, 429);
}
