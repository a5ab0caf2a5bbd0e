//! 10,000 wrong guesses at room codes and one-time passwords, spread over two server
//! nodes sharing one database: no token comes out, the limits (kept in the database) hold
//! across the nodes, over-limit answers are 429 with Retry-After, and no code or password
//! reaches a log line.

use futures::StreamExt;
use rand::Rng;
use serde_json::{json, Value};

use crate::catalog::application;
use crate::otp::{pin_in, AGENT_KEY};
use crate::{assert_not_logged, Cast, Opts, TestApp};

const GUESSES: usize = 10_000;
const PER_IP: i64 = 60;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_guesses_get_no_token_and_are_throttled() {
    let started = std::time::Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let db = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("shared.db").display()
    );
    let node = |db: String| {
        TestApp::start_with(Opts {
            database_url: Some(db),
            env: vec![
                ("VIVA_AGENT_API_KEY", AGENT_KEY.into()),
                ("VIVA_PUBLIC_RATE_LIMIT_PER_IP", PER_IP.to_string()),
            ],
            ..Opts::default()
        })
    };
    let a = node(db.clone()).await;
    let b = node(db).await;
    let cast = Cast::new(&a).await;
    let app = application(&a, &cast.staff, Some("+971509876543")).await;
    let app_id = app["id"].as_str().unwrap().to_owned();
    let (s, room) = a
        .post(
            "/api/public/interview/room/create",
            Some(&cast.staff.token),
            json!({"applicationId": app_id}),
        )
        .await;
    assert_eq!(s, 201, "{room}");
    let code = room["roomCode"].as_str().unwrap().to_owned();
    let (_, created) = crate::otp::gql(
        &a,
        Some(&cast.staff.token),
        None,
        "mutation($id: ID!) { createInterviewRoom(createRoomInput: {applicationId: $id}) { roomName } }",
        json!({"id": app_id}),
    )
    .await;
    assert!(created["errors"].is_null(), "{created}");
    let pin = pin_in(&a.store.outbox().await.unwrap()[0].body);

    // Every guess is wrong by construction (the real code and password are skipped).
    let alphabet = viva_server::codes::CODE_ALPHABET;
    let mut rng = rand::thread_rng();
    let guesses: Vec<(bool, String)> = (0..GUESSES)
        .map(|i| {
            if i % 2 == 0 {
                loop {
                    let c: String = (0..8)
                        .map(|_| alphabet[rng.gen_range(0..alphabet.len())] as char)
                        .collect();
                    if c != code {
                        return (true, c);
                    }
                }
            } else {
                loop {
                    let p = format!("{:06}", rng.gen_range(0..1_000_000));
                    if p != pin {
                        return (false, p);
                    }
                }
            }
        })
        .collect();
    let client = reqwest::Client::new();
    let results: Vec<(u16, bool, bool)> = futures::stream::iter(guesses.into_iter().enumerate())
        .map(|(i, (is_code, guess))| {
            let base = if i % 4 < 2 { &a.base } else { &b.base };
            let req = if is_code {
                client
                    .post(format!("{base}/api/public/interview/join/{guess}"))
                    .json(&json!({"phoneNumber": "+971509876543", "firstName": "A", "lastName": "B"}))
            } else {
                client.post(format!("{base}/graphql")).json(&json!({
                    "query": "mutation($id: ID!, $pw: String!) { getRoomToken(getRoomTokenInput: {applicationId: $id, password: $pw}) { token } }",
                    "variables": {"id": app_id, "pw": guess},
                }))
            };
            async move {
                let res = req.send().await.expect("request");
                let status = res.status().as_u16();
                let retry_after = res.headers().contains_key("retry-after");
                let body: Value = res.json().await.unwrap_or(Value::Null);
                let got_token = body.get("token").is_some()
                    || body["data"]["getRoomToken"]["token"].is_string();
                (status, retry_after, got_token)
            }
        })
        .buffer_unordered(32)
        .collect()
        .await;

    assert_eq!(results.len(), GUESSES);
    let bad: Vec<_> = results
        .iter()
        .filter(|(s, _, token)| *s >= 500 || *token)
        .collect();
    assert!(
        bad.is_empty(),
        "no guess got a token or a server error: {} did (status, retry-after, token): {:?}",
        bad.len(),
        &bad[..bad.len().min(5)]
    );
    let throttled: Vec<_> = results.iter().filter(|(s, _, _)| *s == 429).collect();
    assert!(
        throttled.iter().all(|(_, retry, _)| *retry),
        "every 429 says when to retry"
    );
    let served = GUESSES - throttled.len();
    // One client address shares one budget across both nodes; a window boundary during
    // the run can at most double it.
    assert!(
        served as i64 <= 2 * PER_IP,
        "{served} guesses got past the limit of {PER_IP}/min shared by both nodes"
    );
    // At most 5 guesses were ever checked against the password, and after 5 it is void.
    let rows = a
        .store
        .passwords_for(uuid::Uuid::parse_str(&app_id).unwrap())
        .await
        .unwrap();
    assert!(rows[0].attempts <= 5, "attempts: {}", rows[0].attempts);
    assert!(!rows[0].used);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(60),
        "the attack ran in {:?}",
        started.elapsed()
    );

    assert_not_logged(&[&code, &pin]);
}
