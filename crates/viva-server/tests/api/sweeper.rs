//! Ending rooms at their maximum duration, exactly once, with two viva-server processes
//! on one PostgreSQL.

use std::time::{Duration, Instant};

use livekit_api::services::room::RoomClient;
use serde_json::{json, Value};
use viva_server::Store;
use viva_testkit::{LiveKitServer, Postgres, VivaServer};

async fn call(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = http.request(method, url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    (
        res.status().as_u16(),
        res.json().await.unwrap_or(Value::Null),
    )
}

/// The server's warnings and errors, for failure messages.
fn errors(s: &VivaServer) -> String {
    s.log()
        .lines()
        .filter(|l| l.contains("WARN") || l.contains("ERROR"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_end_each_room_exactly_once() {
    const ROOMS: usize = 4;
    // Started on this thread, not a blocking-pool thread: the services die with the thread
    // that started them, and pool threads exit when idle.
    let lk = LiveKitServer::start();
    let pg = Postgres::start();
    let url = pg.fresh_database();
    let one = VivaServer::start_with(Some(&lk), Some(url.clone()));
    let two = VivaServer::start_with(Some(&lk), Some(url.clone()));
    let http = reqwest::Client::new();
    use reqwest::Method;

    let (s, login) = call(
        &http,
        Method::POST,
        format!("{}/api/auth/login", one.url()),
        None,
        Some(json!({"username": "hr", "password": "viva-hr-staff"})),
    )
    .await;
    assert_eq!(s, 200, "{login}");
    let hr = login["access_token"].as_str().unwrap().to_owned();
    let (_, apps) = call(
        &http,
        Method::GET,
        format!("{}/api/applications/", two.url()),
        Some(&hr),
        None,
    )
    .await;
    let app_id = apps[0]["id"]
        .as_str()
        .expect("the demo application")
        .to_owned();
    let phone = apps[0]["candidatePhone"].as_str().unwrap().to_owned();

    // Several rooms with the shortest maximum duration, each joined (which starts its clock)
    // through one node or the other.
    let mut names = Vec::new();
    for i in 0..ROOMS {
        let node = if i % 2 == 0 { &one } else { &two };
        let (s, room) = call(
            &http,
            Method::POST,
            format!("{}/api/public/interview/room/create", node.url()),
            Some(&hr),
            Some(json!({"applicationId": app_id, "maxDuration": 10})),
        )
        .await;
        assert_eq!(s, 201, "{room}");
        let code = room["roomCode"].as_str().unwrap();
        let (s, joined) = call(
            &http,
            Method::POST,
            format!("{}/api/public/interview/join/{code}", node.url()),
            None,
            Some(json!({"phoneNumber": phone, "firstName": "Ahmed", "lastName": "Hassan"})),
        )
        .await;
        assert_eq!(s, 200, "{joined}");
        names.push((
            code.to_owned(),
            joined["roomName"].as_str().unwrap().to_owned(),
        ));
    }
    let rooms = RoomClient::with_api_key(&lk.http_url(), &lk.api_key, &lk.api_secret);
    let live = rooms.list_rooms(vec![]).await.unwrap();
    for (_, name) in &names {
        assert!(
            live.iter().any(|r| &r.name == name),
            "{name} exists in LiveKit"
        );
    }

    // Nobody asks: the servers end every room once its 10 s have passed. Polled in the
    // database (the public endpoint is rate limited per address, and this test is one).
    let store = Store::connect(&url).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    for (_, name) in &names {
        loop {
            let room = store.room(name).await.unwrap().unwrap();
            if room.status == viva_server::domain::RoomStatus::Ended {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "room not ended by the server\nnode one:\n{}\nnode two:\n{}",
                errors(&one),
                errors(&two)
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    let (_, info) = call(
        &http,
        Method::GET,
        format!("{}/api/public/interview/room/{}", two.url(), names[0].0),
        None,
        None,
    )
    .await;
    assert_eq!(info["status"], "COMPLETED", "{info}");
    let mut nodes = std::collections::HashSet::new();
    for (_, name) in &names {
        let endings = store.room_endings(name).await.unwrap();
        assert_eq!(endings.len(), 1, "{name} ended exactly once: {endings:?}");
        assert_eq!(endings[0].reason, "max_duration");
        nodes.insert(endings[0].node_id.clone());
        let room = store.room(name).await.unwrap().unwrap();
        let lasted = room.ended_at_ms.unwrap() - room.started_at_ms.unwrap();
        assert!(
            lasted >= 10_000,
            "not before its maximum duration: {lasted} ms"
        );
    }
    // Both nodes raced for every room (both sweep every second); the log lines agree with
    // the table: one ending per room in total.
    let lines = |s: &VivaServer| {
        s.log()
            .lines()
            .filter(|l| l.contains("room reached its maximum duration"))
            .count()
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let live = rooms.list_rooms(vec![]).await.unwrap();
        if !live.iter().any(|r| names.iter().any(|(_, n)| n == &r.name)) {
            break;
        }
        assert!(Instant::now() < deadline, "LiveKit rooms deleted: {live:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(lines(&one) + lines(&two), ROOMS, "one log line per ending");
    eprintln!("endings by {} node(s)", nodes.len());

    // Ended rooms refuse joins, on both nodes.
    for node in [&one, &two] {
        let (s, body) = call(
            &http,
            Method::POST,
            format!("{}/api/public/interview/join/{}", node.url(), names[0].0),
            None,
            Some(json!({"phoneNumber": phone, "firstName": "Ahmed", "lastName": "Hassan"})),
        )
        .await;
        assert_eq!(s, 403, "{body}");
    }
    for (code, _) in &names {
        assert!(
            !one.log().contains(code.as_str()) && !two.log().contains(code.as_str()),
            "codes stay out of the logs"
        );
    }
}

/// The outbox holds one-time passwords: a message outlives its code by at most one
/// maintenance pass.
#[tokio::test]
async fn outbox_messages_go_when_their_code_expires() {
    let app = crate::TestApp::start_with(crate::Opts {
        env: vec![("VIVA_OTP_TTL_SECONDS", "1".into())],
        ..crate::Opts::default()
    })
    .await;
    app.store
        .insert_outbox("outbox", "+971509876543", "Password: 123456")
        .await
        .unwrap();
    viva_server::sweeper::maintenance(&app.state).await.unwrap();
    assert_eq!(app.store.outbox().await.unwrap().len(), 1, "still valid");
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    viva_server::sweeper::maintenance(&app.state).await.unwrap();
    assert!(
        app.store.outbox().await.unwrap().is_empty(),
        "expired: gone"
    );
}
