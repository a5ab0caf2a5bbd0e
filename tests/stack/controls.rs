//! The interviewer's room controls, seen from the participants' side.

use std::time::Duration;

use serde_json::json;
use viva_testkit::{Bot, LiveKitServer, VivaServer};

use crate::Api;

const T: Duration = Duration::from_secs(20);

fn bot(
    name: &str,
    server: &VivaServer,
    username: &str,
    interview: &str,
    color: &str,
    hz: &str,
) -> Bot {
    Bot::demo_user(
        name,
        &server.url(),
        username,
        interview,
        &[
            "--publish",
            "audio,video",
            "--video-size",
            "320x180",
            "--video-color",
            color,
            "--audio-hz",
            hz,
        ],
    )
}

fn near(actual: &serde_json::Value, expected: [f64; 3], tolerance: f64) -> bool {
    let a = actual.as_array().unwrap();
    (0..3).all(|i| (a[i].as_f64().unwrap() - expected[i]).abs() <= tolerance)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mute_unmute_eject_and_end_reach_the_participants() {
    let lk = tokio::task::spawn_blocking(LiveKitServer::start)
        .await
        .unwrap();
    let server = VivaServer::start(Some(&lk));
    let interviewer = Api::login(&server.url(), "interviewer", "viva-interviewer").await;
    let candidate_api = Api::login(&server.url(), "candidate", "viva-candidate").await;
    let id = interviewer.interview_id("Backend Engineer Interview").await;

    let mut cand = bot("candidate", &server, "candidate", &id, "255,0,0", "440");
    let mut intv = bot("interviewer", &server, "interviewer", &id, "0,0,255", "880");
    let cand_identity = cand.wait_event("connected", T)["identity"]
        .as_str()
        .unwrap()
        .to_owned();
    let intv_identity = intv.wait_event("connected", T)["identity"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(cand_identity.starts_with("user-") && intv_identity.starts_with("user-"));

    // Each side receives the other's media.
    let stats = intv.wait_for("red video from the candidate", T, |v| {
        v["event"] == "video_stats"
            && v["participant"] == cand_identity.as_str()
            && v["frames"].as_u64() > Some(10)
            && near(&v["mean_rgb"], [255.0, 0.0, 0.0], 40.0)
    });
    assert_eq!(
        (stats["width"].as_u64(), stats["height"].as_u64()),
        (Some(320), Some(180))
    );
    cand.wait_for("the interviewer's tone", T, |v| {
        v["event"] == "audio_stats"
            && v["participant"] == intv_identity.as_str()
            && v["rms"].as_f64() > Some(0.05)
    });

    // room/info lists exactly the two connected participants.
    let (s, info) = interviewer
        .get(&format!("/api/interviews/{id}/room/info/"))
        .await;
    assert_eq!(s, 200, "{info}");
    let mut who: Vec<String> = info["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["identity"].as_str().unwrap().to_owned())
        .collect();
    who.sort();
    let mut expected = vec![cand_identity.clone(), intv_identity.clone()];
    expected.sort();
    assert_eq!(who, expected, "{info}");

    // Mute the candidate's audio: the interviewer's side sees the track muted.
    let controls = format!("/api/interviews/{id}/room/controls/");
    let (s, body) = interviewer
        .post(
            &controls,
            json!({"action": "mute", "identity": cand_identity, "audio_only": true}),
        )
        .await;
    assert_eq!(s, 200, "{body}");
    intv.wait_for("candidate audio muted", T, |v| {
        v["event"] == "track_muted"
            && v["participant"] == cand_identity.as_str()
            && v["kind"] == "audio"
    });
    cand.wait_for("own audio muted", T, |v| {
        v["event"] == "track_muted"
            && v["participant"] == cand_identity.as_str()
            && v["kind"] == "audio"
    });
    let (_, info) = interviewer
        .get(&format!("/api/interviews/{id}/room/info/"))
        .await;
    let me = info["participants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["identity"] == cand_identity.as_str())
        .unwrap()
        .clone();
    assert_eq!(
        (me["audio_muted"].as_bool(), me["video_muted"].as_bool()),
        (Some(true), Some(false)),
        "{me}"
    );

    // Remote unmute (enabled in the LiveKit config).
    let (s, body) = interviewer
        .post(
            &controls,
            json!({"action": "unmute", "identity": cand_identity, "audio_only": true}),
        )
        .await;
    assert_eq!(s, 200, "{body}");
    intv.wait_for("candidate audio unmuted", T, |v| {
        v["event"] == "track_unmuted"
            && v["participant"] == cand_identity.as_str()
            && v["kind"] == "audio"
    });

    // Eject: the candidate is removed and cannot come back.
    let (s, body) = interviewer
        .post(
            &controls,
            json!({"action": "eject", "identity": cand_identity}),
        )
        .await;
    assert_eq!(s, 200, "{body}");
    let gone = cand.wait_event("disconnected", T);
    assert_eq!(gone["reason"], "participant_removed");
    assert_eq!(cand.wait_exit(T), Some(0), "a removed bot ends cleanly");
    intv.wait_for("candidate left", T, |v| {
        v["event"] == "participant_disconnected" && v["identity"] == cand_identity.as_str()
    });
    let (s, body) = candidate_api
        .post(&format!("/api/interviews/{id}/join/"), json!({}))
        .await;
    assert_eq!(s, 403, "rejoin refused: {body}");
    let mut again = bot(
        "candidate-again",
        &server,
        "candidate",
        &id,
        "255,0,0",
        "440",
    );
    let refused = again.wait_event("error", T);
    assert!(
        refused["message"].as_str().unwrap().contains("removed"),
        "{refused}"
    );
    assert_eq!(again.wait_exit(T), Some(1));

    // End: everyone is disconnected and the room is over.
    let (s, body) = interviewer.post(&controls, json!({"action": "end"})).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(intv.wait_event("disconnected", T)["reason"], "room_deleted");
    let (_, info) = interviewer
        .get(&format!("/api/interviews/{id}/room/info/"))
        .await;
    assert_eq!(info["status"], "ended");
    assert_eq!(info["num_participants"], 0);

    // Nothing secret reached the server's log.
    let log = server.log();
    assert!(
        !log.contains("viva-candidate") && !log.contains("viva-interviewer"),
        "passwords in the log"
    );
    assert!(
        !log.contains(&candidate_api.token) && !log.contains(&interviewer.token),
        "tokens in the log"
    );
    assert!(
        !log.contains(&lk.api_secret),
        "the LiveKit secret in the log"
    );
}
