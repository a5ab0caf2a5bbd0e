//! Several nodes on real engines, as a deployment runs them: two viva-server nodes on one
//! PostgreSQL behind HAProxy, two livekit-server nodes sharing Redis, LiveKit's webhooks to
//! the proxy. Participants on different LiveKit nodes meet; an eject holds against an old
//! token whichever node carries it; a viva-server node dying under load loses no request.

use std::time::{Duration, Instant};

use futures::StreamExt;
use serde_json::json;
use viva_testkit::{
    ports, Bot, HaProxy, LiveKitOptions, LiveKitServer, Postgres, Redis, VivaServer,
};

use crate::Api;

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
    let trust = [("VIVA_TRUSTED_PROXIES", "127.0.0.1".to_owned())];
    let mut node0 = VivaServer::start_with_env(Some(&lk_a), Some(db.clone()), &trust);
    let mut node1 = VivaServer::start_with_env(Some(&lk_a), Some(db), &trust);
    let proxy = HaProxy::start(proxy_port, &[node0.port, node1.port]);
    let base = proxy.url();

    let interviewer = Api::login(&base, "interviewer", "viva-interviewer").await;
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
