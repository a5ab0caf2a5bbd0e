//! Several nodes on real engines, as a deployment runs them: two viva-server nodes on one
//! PostgreSQL behind HAProxy, two livekit-server nodes sharing Redis, LiveKit's webhooks to
//! the proxy. Participants on different LiveKit nodes meet; an eject holds against an old
//! token whichever node carries it; rooms end at their maximum duration once, password
//! attempts and webhook events count once, whichever node sees them; a viva-server node
//! dying under load loses no request.

use std::time::{Duration, Instant};

use futures::StreamExt;
use serde_json::json;
use viva_testkit::{
    ports, Bot, HaProxy, LiveKitOptions, LiveKitServer, Postgres, Redis, VivaServer,
};

use crate::{deliver, webhook_auth, Api};

const T: Duration = Duration::from_secs(30);

fn near(v: &serde_json::Value, rgb: [f64; 3]) -> bool {
    v.as_array()
        .is_some_and(|a| (0..3).all(|i| (a[i].as_f64().unwrap_or(-999.0) - rgb[i]).abs() <= 40.0))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_of_each_behind_a_proxy_work_as_one() {
    let redis = Redis::start();
    let pg = Postgres::start();
    let db = pg.fresh_database();
    let proxy_port = ports::free_tcp_port();
    let options = LiveKitOptions {
        redis: Some(redis.address()),
        api_secret: Some("multinode-secret-multinode-secret-0001".into()),
        webhook_port: Some(proxy_port),
    };
    let lk_a = LiveKitServer::start_with(options.clone());
    let lk_b = LiveKitServer::start_with(options);
    // The proxy connects from 127.0.0.1; clients' own addresses come in X-Forwarded-For.
    // Both nodes sweep often, so they race for every room that reaches its end.
    let trust = [
        ("VIVA_TRUSTED_PROXIES", "127.0.0.1".to_owned()),
        ("VIVA_SWEEP_INTERVAL_MS", "200".to_owned()),
    ];
    let mut node0 = VivaServer::start_with_env(Some(&lk_a), Some(db.clone()), &trust);
    let mut node1 = VivaServer::start_with_env(Some(&lk_a), Some(db), &trust);
    let proxy = HaProxy::start(proxy_port, &[node0.port, node1.port]);
    let base = proxy.url();

    let interviewer = Api::login(&base, "interviewer", "viva-interviewer").await;
    let hr = Api::login(&base, "hr", "viva-hr-staff").await;
    // Rooms that reach their maximum duration (10 s from the first join) while the rest of
    // the test runs.
    let mut short_rooms = Vec::new();
    for i in 0..3 {
        let application = new_application(&hr, &format!("+97150100000{i}")).await;
        let (s, room) = hr
            .post(
                "/api/public/interview/room/create",
                json!({"applicationId": application, "maxDuration": 10}),
            )
            .await;
        assert_eq!(s, 201, "{room}");
        let code = room["roomCode"].as_str().unwrap().to_owned();
        // The clock starts at the first join.
        let (s, joined) = hr
            .post(
                &format!("/api/public/interview/join/{code}"),
                json!({"phoneNumber": format!("+97150100000{i}"), "firstName": "Noor", "lastName": "Multi"}),
            )
            .await;
        assert_eq!(s, 200, "{joined}");
        short_rooms.push(code);
    }
    let candidate = Api::login(&base, "candidate", "viva-candidate").await;
    let id = interviewer.interview_id("Backend Engineer Interview").await;
    let room = format!("interview-{id}");

    // The candidate joins through the proxy (LiveKit node A, the configured URL); the
    // interviewer's token from the proxy is used on LiveKit node B.
    let mut cand = Bot::demo_user(
        "candidate",
        &base,
        "candidate",
        &id,
        &[
            "--publish",
            "video",
            "--video-size",
            "320x180",
            "--video-color",
            "255,0,0",
        ],
    );
    let cand_id = cand.wait_event("connected", T)["identity"]
        .as_str()
        .unwrap()
        .to_owned();
    let (s, joined) = interviewer
        .post(&format!("/api/interviews/{id}/join/"), json!({}))
        .await;
    assert_eq!(s, 200, "{joined}");
    let mut intv = Bot::with_token(
        "interviewer",
        &lk_b.ws_url(),
        joined["token"].as_str().unwrap(),
        &[
            "--publish",
            "video",
            "--video-size",
            "320x180",
            "--video-color",
            "0,0,255",
        ],
    );
    let intv_id = intv.wait_event("connected", T)["identity"]
        .as_str()
        .unwrap()
        .to_owned();
    intv.wait_for("the candidate's red video, via node B", T, |v| {
        v["event"] == "video_stats"
            && v["participant"] == cand_id.as_str()
            && v["frames"].as_u64() > Some(5)
            && near(&v["mean_rgb"], [255.0, 0.0, 0.0])
    });
    cand.wait_for("the interviewer's blue video, via node A", T, |v| {
        v["event"] == "video_stats"
            && v["participant"] == intv_id.as_str()
            && v["frames"].as_u64() > Some(5)
            && near(&v["mean_rgb"], [0.0, 0.0, 255.0])
    });

    // An eject through the proxy holds against the candidate's old token on node B:
    // whichever LiveKit node reports the join, whichever viva-server node takes it.
    let (s, held) = candidate
        .post("/api/livekit/token", json!({"roomId": room}))
        .await;
    assert_eq!(s, 200, "{held}");
    let (s, body) = interviewer
        .post(
            &format!("/api/interviews/{id}/room/controls/"),
            json!({"action": "eject", "identity": cand_id}),
        )
        .await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(
        cand.wait_event("disconnected", T)["reason"],
        "participant_removed"
    );
    let mut again = Bot::with_token(
        "candidate-old-token",
        &lk_b.ws_url(),
        held["token"].as_str().unwrap(),
        &[],
    );
    again.wait_event("connected", T);
    let joined_at = Instant::now();
    assert_eq!(
        again.wait_event("disconnected", Duration::from_secs(5))["reason"],
        "participant_removed"
    );
    assert!(
        joined_at.elapsed() <= Duration::from_secs(2),
        "{:?}",
        joined_at.elapsed()
    );

    // The sign-in limit holds across both nodes, per client: wrong passwords from one
    // address, spread by the proxy over both nodes, meet the limit of 10; the owner, from
    // another address through the same proxy, still signs in.
    let from = |octet: u8| {
        reqwest::Client::builder()
            .local_address(std::net::IpAddr::V4(std::net::Ipv4Addr::new(
                127, 0, 0, octet,
            )))
            .build()
            .unwrap()
    };
    let login = |client: reqwest::Client, password: &'static str| {
        let url = format!("{base}/api/auth/login");
        async move {
            client
                .post(url)
                .json(&json!({"username": "candidate", "password": password}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    let stranger = from(2);
    let mut answers = Vec::new();
    for _ in 0..12 {
        answers.push(login(stranger.clone(), "not-the-password").await);
    }
    assert_eq!(
        answers.iter().filter(|s| **s == 401).count(),
        10,
        "ten checks across two nodes, then 429: {answers:?}"
    );
    assert_eq!(answers[10..], [429, 429], "{answers:?}");
    assert_eq!(
        login(from(3), "viva-candidate").await,
        200,
        "the owner elsewhere"
    );

    password_attempts_count_across_nodes(&hr, &node0, &base, &from).await;
    webhook_events_are_handled_once(&lk_a, [&node0, &node1], &room).await;
    rooms_end_at_their_maximum_duration_once(&hr, [&node0, &node1], &short_rooms).await;

    // A viva-server node dies while requests are in flight: the proxy retries them on
    // the other node, and no request is lost.
    const REQUESTS: usize = 1500;
    let client = reqwest::Client::new();
    let token = interviewer.token.clone();
    let url = format!("{base}/api/interviews/");
    let done = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = done.clone();
    let load = tokio::spawn(async move {
        futures::stream::iter(0..REQUESTS)
            .map(|_| {
                let req = client.get(&url).bearer_auth(&token);
                let counter = counter.clone();
                async move {
                    let status = req.send().await.map(|r| r.status().as_u16()).unwrap_or(0);
                    counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    status
                }
            })
            .buffer_unordered(16)
            .collect::<Vec<u16>>()
            .await
    });
    while done.load(std::sync::atomic::Ordering::SeqCst) < REQUESTS / 4 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    node0.kill();
    let at_kill = done.load(std::sync::atomic::Ordering::SeqCst);
    let statuses = load.await.unwrap();
    assert!(
        at_kill < REQUESTS / 2,
        "the node died mid-load ({at_kill} of {REQUESTS} done)"
    );
    let failed: Vec<_> = statuses.iter().filter(|s| **s != 200).collect();
    assert!(
        failed.is_empty(),
        "{} of {} requests failed while a node died: {:?}\n{}",
        failed.len(),
        statuses.len(),
        &failed[..failed.len().min(10)],
        proxy.log_tail()
    );

    // Feedback drafts written through the proxy while the other node dies: every write has
    // an Idempotency-Key and is sent again, with it, when an answer is lost, so each lands
    // exactly once (versions 1, 2, 3, ... with no gap and no stale-write refusal).
    node0.restart();
    tokio::time::sleep(Duration::from_millis(1500)).await; // the proxy's checks see it up
    let drafts = format!("{base}/api/interviews/{id}/feedback/drafts/interviewer");
    let client = reqwest::Client::new();
    let mut version = 0;
    let mut resent = 0;
    for i in 0..60 {
        if i == 20 {
            node1.kill();
        }
        let body = json!({"base_version": version, "content": {"notes": format!("note {i}")}});
        let mut answer = None;
        for _ in 0..5 {
            let res = client
                .put(&drafts)
                .bearer_auth(&interviewer.token)
                .header("Idempotency-Key", format!("multinode-draft-{i}"))
                .json(&body)
                .send()
                .await;
            match res {
                Ok(r) if r.status() == 200 => {
                    answer = Some(r.json::<serde_json::Value>().await.unwrap());
                    break;
                }
                Ok(r) if r.status().is_server_error() => resent += 1,
                Err(_) => resent += 1,
                Ok(r) => panic!("write {i}: {} {}", r.status(), r.text().await.unwrap()),
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let answer = answer.unwrap_or_else(|| panic!("write {i} never answered"));
        version += 1;
        assert_eq!(
            answer["version"], version,
            "write {i} landed once: {answer}"
        );
    }
    let saved: serde_json::Value = client
        .get(&drafts)
        .bearer_auth(&interviewer.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (saved["version"].clone(), saved["content"]["notes"].clone()),
        (json!(60), json!("note 59")),
        "{saved} (resent {resent})"
    );
}

/// A new application of the demo job's, for a candidate with this phone.
async fn new_application(hr: &Api, phone: &str) -> String {
    let (s, apps) = hr.get("/api/applications/").await;
    assert_eq!(s, 200, "{apps}");
    let job = apps[0]["jobId"].clone();
    let (s, app) = hr
        .post(
            "/api/applications/",
            json!({"jobId": job, "candidateName": "Noor Multi", "candidatePhone": phone}),
        )
        .await;
    assert_eq!(s, 201, "{app}");
    app["id"].as_str().unwrap().to_owned()
}

/// Wrong one-time passwords spread by the proxy over both nodes use up the password's
/// attempts (5) together: the right password afterwards is refused too.
async fn password_attempts_count_across_nodes(
    hr: &Api,
    node: &VivaServer,
    base: &str,
    from: &impl Fn(u8) -> reqwest::Client,
) {
    const PHONE: &str = "+971501119999";
    let application = new_application(hr, PHONE).await;
    let (s, created) = hr
        .post(
            "/graphql",
            json!({"query": "mutation($id: ID!) { createInterviewRoom(createRoomInput: {applicationId: $id}) { roomName } }",
                   "variables": {"id": application}}),
        )
        .await;
    assert_eq!(s, 200, "{created}");
    let outbox = node.outbox();
    let message = outbox
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|m| m["recipient"] == PHONE)
        .unwrap_or_else(|| panic!("the password's message: {outbox}"));
    let pin = viva_testkit::viva_server::password_in(message["body"].as_str().unwrap());
    let wrong = format!("{:06}", (pin.parse::<u32>().unwrap() + 1) % 1_000_000);
    let guess = |octet: u8, password: &str| {
        let req = from(octet)
            .post(format!("{base}/graphql"))
            .json(&json!({
                "query": "mutation($id: ID!, $pw: String!) { getRoomToken(getRoomTokenInput: {applicationId: $id, password: $pw}) { token } }",
                "variables": {"id": application, "pw": password},
            }));
        async move {
            let v: serde_json::Value = req.send().await.unwrap().json().await.unwrap();
            v
        }
    };
    for i in 0..5 {
        let v = guess(10 + i, &wrong).await;
        assert!(
            v["errors"][0]["message"] == "Invalid or expired password",
            "wrong guess {i}: {v}"
        );
    }
    let v = guess(20, &pin).await;
    assert!(
        v["data"]["getRoomToken"].is_null()
            && v["errors"][0]["message"] == "Invalid or expired password",
        "five wrong guesses on two nodes used the password up: {v}"
    );
}

/// The value of `metric{event="..."}` summed over the nodes' /metrics.
async fn metric(nodes: [&VivaServer; 2], name: &str, event: &str) -> u64 {
    let line = format!("{name}{{event=\"{event}\"}} ");
    let mut sum = 0;
    for node in nodes {
        let text = reqwest::get(format!("{}/metrics", node.url()))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        sum += text
            .lines()
            .find_map(|l| l.strip_prefix(&line))
            .unwrap_or_else(|| panic!("{line} in {text}"))
            .parse::<u64>()
            .unwrap();
    }
    sum
}

/// LiveKit retries a webhook it thinks was lost, and with two LiveKit nodes behind one
/// proxy any viva-server node may get any delivery: eight deliveries of one event, four to
/// each node at once, are acted on once.
async fn webhook_events_are_handled_once(lk: &LiveKitServer, nodes: [&VivaServer; 2], room: &str) {
    let processed = "viva_webhooks_processed_total";
    let repeated = "viva_webhooks_repeated_total";
    // room_started: LiveKit sent the real one long ago, so only ours move the counters.
    let before = (
        metric(nodes, processed, "room_started").await,
        metric(nodes, repeated, "room_started").await,
    );
    let body = json!({"event": "room_started", "id": "EV_multinode_once",
                      "createdAt": "2000000000", "room": {"name": room}})
    .to_string();
    let auth = webhook_auth(&lk.api_key, &lk.api_secret, &body);
    let statuses = futures::future::join_all(
        (0..8).map(|i| deliver_to(nodes[i % 2].url(), auth.clone(), body.clone())),
    )
    .await;
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    let after = (
        metric(nodes, processed, "room_started").await,
        metric(nodes, repeated, "room_started").await,
    );
    assert_eq!(
        (after.0 - before.0, after.1 - before.1),
        (1, 7),
        "one delivery acted on, seven recognised as repeats"
    );
}

async fn deliver_to(base: String, auth: String, body: String) -> u16 {
    deliver(&base, &auth, &body).await
}

/// Both nodes sweep every 200 ms; each room that reaches its maximum duration is ended by
/// exactly one of them (one "ended" line across both logs), and stays ended.
async fn rooms_end_at_their_maximum_duration_once(
    hr: &Api,
    nodes: [&VivaServer; 2],
    codes: &[String],
) {
    let deadline = Instant::now() + T;
    for code in codes {
        loop {
            let (s, info) = hr.get(&format!("/api/public/interview/room/{code}")).await;
            if info["status"] == "COMPLETED" {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "room {code} never ended: {s} {info}"
            );
            // Slowly: the public endpoint allows 60 requests a minute per address.
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
    // A second sweep by the node that lost the race would show up within a few sweeps.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let ended: usize = nodes
        .iter()
        .map(|n| {
            n.log()
                .matches("room reached its maximum duration; ended")
                .count()
        })
        .sum();
    assert_eq!(ended, codes.len(), "each room ended once, by one node");
}
