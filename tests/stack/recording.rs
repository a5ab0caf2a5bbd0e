//! Recording with consent end to end: viva-server with the bundled recorder, a real
//! livekit-server sending webhooks, viva-bot participants publishing a colour and a tone,
//! and a real S3-compatible server (SeaweedFS) receiving the files. Files are downloaded
//! through the API's links and decoded by GStreamer (`viva-recorder --probe`).

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use viva_testkit::{workspace_bin, Bot, LiveKitServer, S3Server, VivaServer};

use crate::Api;

const T: Duration = Duration::from_secs(30);

struct Stage {
    lk: LiveKitServer,
    s3: S3Server,
    server: VivaServer,
    staff: Api,
    host: Api,
    candidate: Api,
    _spool: tempfile::TempDir,
}

async fn stage(recorder: &str) -> Stage {
    let lk = tokio::task::spawn_blocking(LiveKitServer::start)
        .await
        .unwrap();
    let s3 = tokio::task::spawn_blocking(|| S3Server::start("viva-recordings"))
        .await
        .unwrap();
    let spool = tempfile::tempdir().unwrap();
    let mut env = s3.server_env();
    env.push(("VIVA_RECORDER", recorder.to_owned()));
    env.push(("VIVA_RECORDING_SPOOL", spool.path().display().to_string()));
    // Small pictures: the machine also runs the publishers, LiveKit and the server.
    env.push(("VIVA_RECORDING_SIZE", "320x180@15".to_owned()));
    let server = VivaServer::start_with_env(Some(&lk), None, &env);
    let url = server.url();
    Stage {
        staff: Api::login(&url, "hr", "viva-hr-staff").await,
        host: Api::login(&url, "interviewer", "viva-interviewer").await,
        candidate: Api::login(&url, "candidate", "viva-candidate").await,
        lk,
        s3,
        server,
        _spool: spool,
    }
}

/// A group room with recording on, hosted by the demo interviewer; its id.
async fn recorded_room(s: &Stage) -> String {
    let (st, me) = s.host.get("/api/auth/me").await;
    assert_eq!(st, 200, "{me}");
    let (st, room) = s
        .staff
        .post(
            "/api/v1/rooms/",
            json!({"room_type": "group", "host": me["id"], "title": "Panel", "recording_enabled": true}),
        )
        .await;
    assert_eq!(st, 201, "{room}");
    room["id"].as_str().unwrap().to_owned()
}

async fn token(api: &Api, room: &str, role: &str) -> String {
    let (st, t) = api
        .post(
            &format!("/api/v1/rooms/{room}/token/"),
            json!({"role": role}),
        )
        .await;
    assert_eq!(st, 200, "{t}");
    t["token"].as_str().unwrap().to_owned()
}

/// A bot publishing a picture of `rgb` and a tone of `hz`.
fn publisher(name: &str, s: &Stage, token: &str, rgb: &str, hz: &str) -> Bot {
    let mut bot = Bot::with_token(
        name,
        &s.lk.ws_url(),
        token,
        &[
            "--publish",
            "audio,video",
            "--video-color",
            rgb,
            "--audio-hz",
            hz,
            "--fps",
            "15",
        ],
    );
    bot.wait_event("connected", T);
    bot
}

/// A participant's answer, proven by their join token.
async fn consent(
    s: &Stage,
    room: &str,
    join_token: &str,
    recording: &str,
    yes: bool,
) -> (u16, Value) {
    let res = reqwest::Client::new()
        .post(format!(
            "{}/api/v1/rooms/{room}/recording/consent/",
            s.server.url()
        ))
        .bearer_auth(join_token)
        .json(&json!({"recording_id": recording, "consent": yes}))
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn recording(s: &Stage, room: &str, id: &str) -> Value {
    let (st, list) = s
        .host
        .get(&format!("/api/v1/rooms/{room}/recordings/"))
        .await;
    assert_eq!(st, 200, "{list}");
    list.as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("recording {id} not listed: {list}"))
}

async fn until_status(s: &Stage, room: &str, id: &str, status: &str, within: Duration) -> Value {
    let deadline = Instant::now() + within;
    loop {
        let r = recording(s, room, id).await;
        if r["status"] == status {
            return r;
        }
        assert!(
            Instant::now() < deadline,
            "recording never became {status}: {r}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Downloads each stored file through the API's links and decodes it.
async fn probes(s: &Stage, room: &str, id: &str) -> Vec<(String, Value)> {
    let (st, links) = s
        .host
        .get(&format!("/api/v1/rooms/{room}/recordings/{id}/download/"))
        .await;
    assert_eq!(st, 200, "{links}");
    let dir = tempfile::tempdir().unwrap();
    let mut out = Vec::new();
    for (n, link) in links["links"].as_array().unwrap().iter().enumerate() {
        let bytes = reqwest::get(link["url"].as_str().unwrap())
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let path = dir.path().join(format!("{n}.webm"));
        std::fs::write(&path, &bytes).unwrap();
        let probe = std::process::Command::new(workspace_bin("viva-recorder"))
            .arg("--probe")
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            probe.status.success(),
            "{}",
            String::from_utf8_lossy(&probe.stderr)
        );
        let v: Value = serde_json::from_slice(&probe.stdout).unwrap();
        out.push((link["identity"].as_str().unwrap().to_owned(), v));
    }
    out
}

/// Waits until the recorder has opened a file for `identity` (its "recording" event, which
/// the server logs). The recorder joins when the recording is asked for; on a loaded machine
/// its join and subscription can take seconds, and a test about who is in the files must not
/// stop before the recorder has caught up.
async fn until_recorder_writes(s: &Stage, identity: &str) {
    let deadline = Instant::now() + T;
    loop {
        let log = s.server.log();
        if log
            .lines()
            .any(|l| l.contains("recorder") && l.contains(identity) && l.contains(".webm"))
        {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the recorder never opened a file for {identity}: {}",
            log.lines()
                .filter(|l| l.contains("recorder"))
                .collect::<Vec<_>>()
                .join("\n")
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn ms(v: &Value) -> i64 {
    chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap())
        .unwrap()
        .timestamp_millis()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_consenting_bots_are_recorded_to_storage_through_an_outage_and_decode_to_their_colours_and_tones(
) {
    let mut s = stage("viva-recorder").await;
    let room = recorded_room(&s).await;
    let host_token = token(&s.host, &room, "host").await;
    let guest_token = token(&s.candidate, &room, "participant").await;
    let mut red = publisher("red", &s, &host_token, "255,0,0", "440");
    let mut blue = publisher("blue", &s, &guest_token, "0,0,255", "660");
    let red_id = red.wait_event("connected", T)["identity"]
        .as_str()
        .unwrap()
        .to_owned();
    let blue_id = blue.wait_event("connected", T)["identity"]
        .as_str()
        .unwrap()
        .to_owned();

    // Only the host or staff may ask.
    let (st, body) = s
        .candidate
        .post(&format!("/api/v1/rooms/{room}/recording/start/"), json!({}))
        .await;
    assert!(st == 403 || st == 404, "{st} {body}");
    let (st, rec) = s
        .host
        .post(&format!("/api/v1/rooms/{room}/recording/start/"), json!({}))
        .await;
    assert_eq!(st, 201, "{rec}");
    assert_eq!(rec["status"], "consent");
    let id = rec["id"].as_str().unwrap().to_owned();
    let (st, _) = s
        .host
        .post(&format!("/api/v1/rooms/{room}/recording/start/"), json!({}))
        .await;
    assert_eq!(st, 409, "one recording at a time");

    // One of two consents: still nothing is recorded.
    let (st, view) = consent(&s, &room, &host_token, &id, true).await;
    assert_eq!(st, 200, "{view}");
    assert_eq!(view["state"], "consent");
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(recording(&s, &room, &id).await["status"], "consent");
    assert!(
        s.s3.list_keys("recordings/").await.is_empty(),
        "nothing stored without consent"
    );

    let (st, view) = consent(&s, &room, &guest_token, &id, true).await;
    assert_eq!(st, 200, "{view}");
    assert_eq!(view["state"], "recording", "everyone present agreed");
    // The storage goes away in the middle of the recording and stays away past its end.
    tokio::time::sleep(Duration::from_secs(2)).await;
    s.s3.stop();
    tokio::time::sleep(Duration::from_secs(4)).await;
    let (st, stopped) = s
        .host
        .post(&format!("/api/v1/rooms/{room}/recording/stop/"), json!({}))
        .await;
    assert_eq!(st, 200, "{stopped}");
    tokio::time::sleep(Duration::from_secs(6)).await;
    let waiting = recording(&s, &room, &id).await;
    assert_eq!(
        waiting["status"], "uploading",
        "kept in the spool while storage is away: {waiting}"
    );
    tokio::task::block_in_place(|| s.s3.resume());
    let done = until_status(&s, &room, &id, "complete", Duration::from_secs(60)).await;

    let keys = s.s3.list_keys(&format!("recordings/{room}/{id}/")).await;
    assert_eq!(keys.len(), 2, "one file per participant: {keys:?}");
    let expected_s = (ms(&done["stopped_at"]) - ms(&done["started_at"])) as f64 / 1000.0;
    let files = probes(&s, &room, &id).await;
    assert_eq!(files.len(), 2, "{files:?}");
    for (identity, p) in &files {
        let duration = p["duration_s"].as_f64().unwrap();
        assert!(
            (duration - expected_s).abs() <= 1.0,
            "{identity}: {duration} s, recorded {expected_s} s: {p}"
        );
        let rgb: Vec<f64> = p["mean_rgb"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_f64().unwrap())
            .collect();
        let hz = p["audio_hz"].as_f64().unwrap();
        if *identity == red_id {
            assert!(rgb[0] > 150.0 && rgb[1] < 90.0 && rgb[2] < 90.0, "red: {p}");
            assert!((hz - 440.0).abs() < 20.0, "440 Hz: {p}");
        } else {
            assert_eq!(*identity, blue_id);
            assert!(
                rgb[2] > 150.0 && rgb[0] < 90.0 && rgb[1] < 90.0,
                "blue: {p}"
            );
            assert!((hz - 660.0).abs() < 25.0, "660 Hz: {p}");
        }
    }
    // Consent records: who and when, for this recording.
    let consents = done["consents"].as_array().unwrap();
    assert_eq!(consents.len(), 2, "{done}");
    assert!(consents
        .iter()
        .all(|c| c["consent"] == true && c["at"].is_string()));
    // Links are for the host and staff only.
    let (st, _) = s
        .candidate
        .get(&format!("/api/v1/rooms/{room}/recordings/{id}/download/"))
        .await;
    assert!(st == 403 || st == 404, "{st}");
    let (st, _) = s
        .staff
        .get(&format!("/api/v1/rooms/{room}/recordings/{id}/download/"))
        .await;
    assert_eq!(st, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_joiner_who_declines_is_left_out_and_answers_are_checked() {
    let s = stage("viva-recorder").await;
    let room = recorded_room(&s).await;
    let host_token = token(&s.host, &room, "host").await;
    let mut red = publisher("red", &s, &host_token, "255,0,0", "440");
    let red_id = red.wait_event("connected", T)["identity"]
        .as_str()
        .unwrap()
        .to_owned();
    let (st, rec) = s
        .host
        .post(&format!("/api/v1/rooms/{room}/recording/start/"), json!({}))
        .await;
    assert_eq!(st, 201, "{rec}");
    let id = rec["id"].as_str().unwrap().to_owned();

    // Answers need the room's join token and a well-formed body.
    let (st, body) = consent(&s, &room, "not-a-token", &id, true).await;
    assert_eq!(st, 401, "{body}");
    let other_room = recorded_room(&s).await;
    let (st, _) = consent(&s, &other_room, &host_token, &id, true).await;
    assert_eq!(st, 401, "a token for another room proves nothing here");
    let res = reqwest::Client::new()
        .post(format!(
            "{}/api/v1/rooms/{room}/recording/consent/",
            s.server.url()
        ))
        .bearer_auth(&host_token)
        .json(&json!({"recording_id": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["statusCode"], 400, "{body}");

    let (st, view) = consent(&s, &room, &host_token, &id, true).await;
    assert_eq!(
        (st, view["state"].as_str()),
        (200, Some("recording")),
        "{view}"
    );
    until_recorder_writes(&s, &red_id).await;

    let guest_token = token(&s.candidate, &room, "participant").await;
    let mut green = publisher("green", &s, &guest_token, "0,255,0", "660");
    let green_id = green.wait_event("connected", T)["identity"]
        .as_str()
        .unwrap()
        .to_owned();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (st, view) = consent(&s, &room, &guest_token, &id, false).await;
    assert_eq!(st, 200, "{view}");
    assert!(view["declined"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| *i == green_id.as_str()));
    let (st, body) = consent(&s, &room, &guest_token, &id, true).await;
    assert_eq!(st, 409, "the first answer stands: {body}");
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (st, _) = s
        .host
        .post(&format!("/api/v1/rooms/{room}/recording/stop/"), json!({}))
        .await;
    assert_eq!(st, 200);
    let done = until_status(&s, &room, &id, "complete", Duration::from_secs(60)).await;
    let identities: Vec<&str> = done["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["identity"].as_str().unwrap())
        .collect();
    assert_eq!(
        identities,
        vec![red_id.as_str()],
        "only who consented: {done}"
    );
    let keys = s.s3.list_keys(&format!("recordings/{room}/{id}/")).await;
    assert_eq!(keys.len(), 1, "{keys:?}");
    let consents = done["consents"].as_array().unwrap();
    assert!(
        consents
            .iter()
            .any(|c| c["identity"] == green_id.as_str() && c["consent"] == false),
        "{done}"
    );
    let files = probes(&s, &room, &id).await;
    let rgb = files[0].1["mean_rgb"].as_array().unwrap().clone();
    assert!(
        rgb[1].as_f64().unwrap() < 90.0,
        "no green in the file: {:?}",
        files[0]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_egress_recorder_asks_livekit_egress_and_says_clearly_when_none_is_connected() {
    let s = stage("egress").await;
    let room = recorded_room(&s).await;
    let host_token = token(&s.host, &room, "host").await;
    let mut red = publisher("red", &s, &host_token, "255,0,0", "440");
    red.wait_event("connected", T);
    let (st, rec) = s
        .host
        .post(&format!("/api/v1/rooms/{room}/recording/start/"), json!({}))
        .await;
    assert_eq!(st, 201, "{rec}");
    assert_eq!(rec["recorder"], "egress");
    let id = rec["id"].as_str().unwrap().to_owned();
    // The last consent sends LiveKit a participant egress request; this LiveKit has no Egress.
    let (st, body) = consent(&s, &room, &host_token, &id, true).await;
    assert_eq!(st, 503, "{body}");
    let message = body["message"].to_string();
    assert!(message.contains("LiveKit Egress"), "{body}");
    let failed = recording(&s, &room, &id).await;
    assert_eq!(failed["status"], "failed", "{failed}");
    assert!(
        failed["error"]
            .as_str()
            .unwrap_or_default()
            .contains("Egress"),
        "{failed}"
    );
    assert!(s.s3.list_keys("recordings/").await.is_empty());
}
