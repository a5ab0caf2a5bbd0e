//! Sessions under concurrency and loss: revocation that no concurrent refresh can undo, a
//! reuse interval for answers that were lost, login limits counted before the password is
//! checked, and sign-out by refresh token.

use std::net::{IpAddr, Ipv4Addr};

use reqwest::StatusCode;
use serde_json::{json, Value};
use viva_server::auth::{random_token, token_hash};
use viva_server::domain::Role;
use viva_server::store::NewRefreshToken;
use viva_testkit::Postgres;

use crate::{assert_error, Opts, TestApp};

/// Half race a sign-out, half the reuse of an older token: 200 of each per database.
const TRIALS: usize = 400;

fn env(interval_s: u64) -> Vec<(&'static str, String)> {
    vec![(
        "VIVA_REFRESH_REUSE_INTERVAL_SECONDS",
        interval_s.to_string(),
    )]
}

/// A fresh session for `user_id` without a password round (argon2 is slow; the races are
/// about what happens after sign-in): (access token, refresh token).
async fn session(app: &TestApp, user_id: uuid::Uuid) -> (String, String) {
    let refresh = random_token(32);
    let hash = token_hash(&refresh);
    let family = app
        .store
        .start_session(
            user_id,
            NewRefreshToken {
                hash: &hash,
                expires_at_ms: chrono::Utc::now().timestamp_millis() + 3_600_000,
            },
        )
        .await
        .unwrap();
    let access = app
        .state
        .tokens
        .issue(user_id, family, chrono::Utc::now().timestamp(), 900);
    (access, refresh)
}

async fn refresh(app: &TestApp, token: &str) -> (StatusCode, Value) {
    app.post("/api/auth/refresh", None, json!({"refresh_token": token}))
        .await
}

/// Whether the pair in `answer` still opens anything: the access token on /me, or the
/// refresh token on /refresh.
async fn pair_works(app: &TestApp, answer: &Value) -> bool {
    let access = answer["access_token"].as_str().unwrap();
    let me = app.get("/api/auth/me", Some(access)).await.0 == 200;
    let again = refresh(app, answer["refresh_token"].as_str().unwrap())
        .await
        .0
        == 200;
    me || again
}

/// A refresh racing a sign-out, and a refresh racing the reuse of an older token: after
/// either, nothing the racing refresh handed out may still work.
async fn races(app: TestApp) {
    let user = app.actor("racer", Role::Candidate, false, false).await.user;
    let mut escapes = Vec::new();
    for trial in 0..TRIALS {
        let (_, r0) = session(&app, user.id).await;
        let (s, first) = refresh(&app, &r0).await;
        assert_eq!(s, 200, "{first}");
        let a1 = first["access_token"].as_str().unwrap().to_owned();
        let r1 = first["refresh_token"].as_str().unwrap().to_owned();
        let sign_out = trial % 2 == 0;
        let ((s, answer), (ended, _)) = tokio::join!(refresh(&app, &r1), async {
            if sign_out {
                app.request(reqwest::Method::POST, "/api/auth/logout", Some(&a1), None)
                    .await
            } else {
                refresh(&app, &r0).await
            }
        });
        let expected_end = if sign_out { 200 } else { 401 };
        assert_eq!(ended, expected_end, "trial {trial}");
        if s == 200 && pair_works(&app, &answer).await {
            escapes.push(trial);
        }
    }
    assert!(
        escapes.is_empty(),
        "{} of {TRIALS} races left a live session: trials {escapes:?}",
        escapes.len()
    );
}

#[tokio::test]
async fn no_refresh_racing_a_revocation_escapes_it_on_sqlite() {
    races(
        TestApp::start_with(Opts {
            env: env(0),
            ..Opts::default()
        })
        .await,
    )
    .await;
}

#[tokio::test]
async fn no_refresh_racing_a_revocation_escapes_it_on_postgres() {
    let pg = tokio::task::spawn_blocking(Postgres::start).await.unwrap();
    races(
        TestApp::start_with(Opts {
            database_url: Some(pg.fresh_database()),
            env: env(0),
            ..Opts::default()
        })
        .await,
    )
    .await;
}

#[tokio::test]
async fn a_lost_refresh_answer_is_answered_again_within_the_reuse_interval() {
    let app = TestApp::start_with(Opts {
        env: env(2),
        ..Opts::default()
    })
    .await;
    let user = app.actor("lossy", Role::Candidate, false, false).await.user;
    let (_, r1) = session(&app, user.id).await;
    let (s, lost) = refresh(&app, &r1).await;
    assert_eq!(s, 200, "{lost}");
    // The answer never arrived; the client presents r1 again.
    let (s, second) = refresh(&app, &r1).await;
    assert_eq!(s, 200, "a retry within the interval gets a pair: {second}");
    assert_ne!(second["refresh_token"], lost["refresh_token"]);
    assert_eq!(
        refresh(&app, lost["refresh_token"].as_str().unwrap())
            .await
            .0,
        401,
        "the lost, unused successor is void"
    );
    let a2 = second["access_token"].as_str().unwrap();
    assert_eq!(
        app.get("/api/auth/me", Some(a2)).await.0,
        200,
        "the session lives"
    );
    let (s, third) = refresh(&app, second["refresh_token"].as_str().unwrap()).await;
    assert_eq!(s, 200, "{third}");

    // r1 again now that its successor was used: that is theft, the session ends.
    let (s, body) = refresh(&app, &r1).await;
    assert_error(s, &body, 401);
    let a3 = third["access_token"].as_str().unwrap();
    assert_eq!(app.get("/api/auth/me", Some(a3)).await.0, 401);

    // Outside the interval, even an unused successor does not save a reused token.
    let (_, r1) = session(&app, user.id).await;
    let (s, next) = refresh(&app, &r1).await;
    assert_eq!(s, 200);
    tokio::time::sleep(std::time::Duration::from_millis(2_200)).await;
    let (s, body) = refresh(&app, &r1).await;
    assert_error(s, &body, 401);
    assert_eq!(
        refresh(&app, next["refresh_token"].as_str().unwrap())
            .await
            .0,
        401,
        "the family was revoked"
    );
}

async fn login_from(client: &reqwest::Client, app: &TestApp, user: &str, password: &str) -> u16 {
    client
        .post(format!("{}/api/auth/login", app.base))
        .json(&json!({"username": user, "password": password}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

fn client_from(last_octet: u8) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, last_octet)))
        .build()
        .unwrap()
}

#[tokio::test]
async fn parallel_guesses_are_counted_before_the_password_is_checked() {
    let app = TestApp::start().await;
    app.actor("target", Role::Candidate, false, false).await;
    let stranger = client_from(2);
    let guesses = (0..60).map(|i| {
        let stranger = &stranger;
        let app = &app;
        async move { login_from(stranger, app, "target", &format!("guess-{i}")).await }
    });
    let answers = futures::future::join_all(guesses).await;
    let verified = answers.iter().filter(|s| **s == 401).count();
    let throttled = answers.iter().filter(|s| **s == 429).count();
    // At most the limit is ever checked (fewer when a guess that was early for the
    // username window came late to the address window, which is also full).
    assert!(
        (1..=10).contains(&verified) && verified + throttled == 60,
        "60 parallel guesses against a limit of 10: {answers:?}"
    );

    // The stranger's address is locked out of this account; the owner, elsewhere, is not.
    assert_eq!(
        login_from(&stranger, &app, "target", "target-password").await,
        429
    );
    let owner = client_from(3);
    assert_eq!(
        login_from(&owner, &app, "target", "target-password").await,
        200
    );
}
