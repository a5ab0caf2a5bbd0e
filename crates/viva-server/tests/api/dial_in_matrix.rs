//! Who may see a room's dial-in (its participants only: the PIN lets anyone with a phone
//! in) and who may turn it on and off, against a real livekit-server with Redis (LiveKit's
//! SIP API).

use std::sync::Arc;

use reqwest::Method;
use serde_json::json;
use viva_server::domain::InterviewStatus;
use viva_testkit::{LiveKitOptions, LiveKitServer, Redis};

use crate::{assert_error, Actor, Cast, Opts, TestApp};

#[tokio::test]
async fn dial_in_follows_the_authorization_matrix() {
    let redis = Redis::start();
    let address = redis.address();
    let lk = tokio::task::spawn_blocking(move || {
        LiveKitServer::start_with(LiveKitOptions {
            redis: Some(address),
            ..LiveKitOptions::default()
        })
    })
    .await
    .unwrap();
    let app = TestApp::start_with(Opts {
        livekit: Some(Arc::new(lk)),
        env: vec![
            ("VIVA_SIP_ENABLED", "true".into()),
            ("VIVA_DIAL_IN_NUMBERS", "US=+15550100100".into()),
        ],
        ..Opts::default()
    })
    .await;
    let cast = Cast::new(&app).await;
    let callers: [(&str, Option<&Actor>); 6] = [
        ("anonymous", None),
        ("candidate", Some(&cast.candidate)),
        ("interviewer", Some(&cast.interviewer)),
        ("other interviewer", Some(&cast.other_interviewer)),
        ("staff", Some(&cast.staff)),
        ("superuser", Some(&cast.superuser)),
    ];
    // anonymous, candidate, interviewer (host), other interviewer, staff, superuser
    let rows: [(Method, &str, [u16; 6]); 5] = [
        (
            Method::GET,
            "/api/v1/rooms/{room}/dial-in/",
            [401, 200, 200, 403, 403, 403],
        ),
        (
            Method::POST,
            "/api/v1/rooms/{room}/dial-in/",
            [401, 403, 200, 403, 200, 200],
        ),
        (
            Method::DELETE,
            "/api/v1/rooms/{room}/dial-in/",
            [401, 403, 204, 403, 204, 204],
        ),
        (
            Method::GET,
            "/api/interviews/{interview}/dial-in/",
            [401, 200, 200, 403, 403, 403],
        ),
        (
            Method::POST,
            "/api/interviews/{interview}/dial-in/",
            [401, 403, 200, 403, 403, 403],
        ),
    ];
    let mut failures = Vec::new();
    for (method, path, expect) in &rows {
        for (col, (who, actor)) in callers.iter().enumerate() {
            // A group room hosted by the interviewer, with dial-in on and the candidate
            // holding a token for it; and an accepted interview with dial-in on.
            let (s, room) = app
                .post(
                    "/api/v1/rooms/",
                    Some(&cast.staff.token),
                    json!({"room_type": "group", "host": cast.interviewer.user.id}),
                )
                .await;
            assert_eq!(s, 201, "{room}");
            let room_id = room["id"].as_str().unwrap();
            let (s, t) = app
                .post(
                    &format!("/api/v1/rooms/{room_id}/token/"),
                    Some(&cast.candidate.token),
                    json!({"role": "participant"}),
                )
                .await;
            assert_eq!(s, 200, "{t}");
            let interview = app
                .interview(
                    &cast.candidate,
                    &cast.interviewer,
                    InterviewStatus::Accepted,
                )
                .await;
            let (s, on) = app
                .post(
                    &format!("/api/interviews/{}/dial-in/", interview.id),
                    Some(&cast.interviewer.token),
                    json!({}),
                )
                .await;
            assert_eq!(s, 200, "{on}");
            let url = path
                .replace("{room}", room_id)
                .replace("{interview}", &interview.id.to_string());
            let (status, answer) = app
                .request(method.clone(), &url, actor.map(|a| a.token.as_str()), None)
                .await;
            if status.as_u16() != expect[col] {
                failures.push(format!(
                    "{method} {path} as {who}: {status}, expected {}: {answer}",
                    expect[col]
                ));
            } else if expect[col] >= 400 {
                assert_error(status, &answer, expect[col]);
            } else if expect[col] == 200 {
                assert_eq!(answer["pin"].as_str().map(str::len), Some(6), "{answer}");
            }
        }
    }
    assert!(
        failures.is_empty(),
        "dial-in matrix mismatches:\n{}",
        failures.join("\n")
    );
    drop(redis);
}
