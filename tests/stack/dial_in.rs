//! Phone dial-in against a real livekit-server with Redis (which serves LiveKit's SIP API):
//! dispatch rules follow rooms, PINs never repeat or reach the log, and a caller (a
//! viva-bot joining as LiveKit's SIP bridge joins: kind `sip`, `sip.phoneNumber`) is a
//! phone participant the interviewer can mute and remove.

use std::time::Duration;

use livekit_api::services::sip::{ListSIPDispatchRuleFilter, SIPClient};
use serde_json::{json, Value};
use viva_testkit::{Bot, LiveKitOptions, LiveKitServer, Redis, VivaServer};

use crate::Api;

const T: Duration = Duration::from_secs(20);

pub struct SipStack {
    pub lk: LiveKitServer,
    pub server: VivaServer,
    _redis: Redis,
}

pub fn sip_env() -> Vec<(&'static str, String)> {
    vec![
        ("VIVA_SIP_ENABLED", "true".into()),
        (
            "VIVA_DIAL_IN_NUMBERS",
            "US=+15550100100,UK=+442071838750".into(),
        ),
    ]
}

pub async fn sip_stack() -> SipStack {
    let redis = Redis::start();
    let lk = tokio::task::spawn_blocking({
        let address = redis.address();
        move || {
            LiveKitServer::start_with(LiveKitOptions {
                redis: Some(address),
                ..LiveKitOptions::default()
            })
        }
    })
    .await
    .unwrap();
    let server = VivaServer::start_with_env(Some(&lk), None, &sip_env());
    SipStack {
        lk,
        server,
        _redis: redis,
    }
}

/// (room name, PIN) of every dispatch rule LiveKit has.
async fn rules(lk: &LiveKitServer) -> Vec<(String, String)> {
    let client = SIPClient::with_api_key(&lk.http_url(), &lk.api_key, &lk.api_secret);
    client
        .list_sip_dispatch_rule(ListSIPDispatchRuleFilter::All)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|r| match r.rule?.rule? {
            livekit_protocol::sip_dispatch_rule::Rule::DispatchRuleDirect(d) => {
                Some((d.room_name, d.pin))
            }
            _ => None,
        })
        .collect()
}

async fn group_room(staff: &Api, host: &str) -> Value {
    let (s, room) = staff
        .post(
            "/api/v1/rooms/",
            json!({"room_type": "group", "host": host}),
        )
        .await;
    assert_eq!(s, 201, "{room}");
    assert_eq!(
        room["sip_enabled"], true,
        "group rooms take dial-in from their template"
    );
    room
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dispatch_rules_follow_the_rooms_and_pins_never_repeat() {
    let st = sip_stack().await;
    let url = st.server.url();
    let staff = Api::login(&url, "hr", "viva-hr-staff").await;
    let host = Api::login(&url, "interviewer", "viva-interviewer").await;
    let (_, me) = host.get("/api/auth/me").await;
    let host_id = me["id"].as_str().unwrap();
    let a = group_room(&staff, host_id).await;
    let b = group_room(&staff, host_id).await;
    let name = |r: &Value| r["livekit_room_name"].as_str().unwrap().to_owned();
    let id = |r: &Value| r["id"].as_str().unwrap().to_owned();

    let (s, info) = host
        .get(&format!("/api/v1/rooms/{}/dial-in/?region=uk", id(&a)))
        .await;
    assert_eq!(s, 200, "{info}");
    assert_eq!(
        (info["region"].clone(), info["number"].clone()),
        (json!("UK"), json!("+442071838750"))
    );
    assert_eq!(info["numbers"].as_array().unwrap().len(), 2);
    let pin_a = info["pin"].as_str().unwrap().to_owned();
    assert!(
        pin_a.len() == 6 && pin_a.bytes().all(|b| b.is_ascii_digit()),
        "{pin_a}"
    );
    assert!(info["instructions"].as_str().unwrap().contains(&pin_a));
    let (_, info_b) = host
        .get(&format!("/api/v1/rooms/{}/dial-in/", id(&b)))
        .await;
    let pin_b = info_b["pin"].as_str().unwrap().to_owned();
    assert_eq!(info_b["region"], "US", "the first number without a region");
    assert_ne!(pin_a, pin_b, "two live rooms never share a PIN");

    let listed = rules(&st.lk).await;
    assert!(listed.contains(&(name(&a), pin_a.clone())), "{listed:?}");
    assert!(listed.contains(&(name(&b), pin_b.clone())), "{listed:?}");

    // Ending a room removes its rule; turning dial-in off and on again gives a new one.
    let (s, _) = staff
        .post(&format!("/api/v1/rooms/{}/close/", id(&a)), json!({}))
        .await;
    assert_eq!(s, 200);
    assert!(
        !rules(&st.lk)
            .await
            .iter()
            .any(|(room, _)| *room == name(&a)),
        "the ended room's rule is gone"
    );
    let (s, b_off) = staff
        .patch(
            &format!("/api/v1/rooms/{}/", id(&b)),
            json!({"sip_enabled": false}),
        )
        .await;
    assert_eq!(
        (s, b_off["sip_enabled"].clone()),
        (200, json!(false)),
        "{b_off}"
    );
    assert!(rules(&st.lk).await.is_empty());
    let (s, _) = host
        .get(&format!("/api/v1/rooms/{}/dial-in/", id(&b)))
        .await;
    assert_eq!(s, 404, "dial-in is off");
    let (s, again) = host
        .post(&format!("/api/v1/rooms/{}/dial-in/", id(&b)), json!({}))
        .await;
    assert_eq!(s, 200, "{again}");
    assert_eq!(rules(&st.lk).await.len(), 1);

    for pin in [&pin_a, &pin_b, again["pin"].as_str().unwrap()] {
        assert!(
            !st.server.log().contains(pin),
            "a PIN reached the server's log"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_caller_is_a_phone_participant_the_interviewer_mutes_and_removes() {
    let st = sip_stack().await;
    let url = st.server.url();
    let interviewer = Api::login(&url, "interviewer", "viva-interviewer").await;
    let candidate = Api::login(&url, "candidate", "viva-candidate").await;
    let interview = interviewer.interview_id("Backend Engineer Interview").await;

    // The interviewer turns dial-in on; the candidate sees the same number and PIN.
    let (s, on) = interviewer
        .post(&format!("/api/interviews/{interview}/dial-in/"), json!({}))
        .await;
    assert_eq!(s, 200, "{on}");
    let (s, seen) = candidate
        .get(&format!("/api/interviews/{interview}/dial-in/"))
        .await;
    assert_eq!((s, seen["pin"].clone()), (200, on["pin"].clone()));

    let mut intv = Bot::demo_user("interviewer", &url, "interviewer", &interview, &[]);
    intv.wait_event("connected", T);
    // LiveKit's SIP bridge joins callers as participants of kind `sip` with their number.
    let room = format!("interview-{interview}");
    let token =
        livekit_api::access_token::AccessToken::with_api_key(&st.lk.api_key, &st.lk.api_secret)
            .with_identity("sip_+15557654321")
            .with_name("Phone +15557654321")
            .with_kind("sip")
            .with_attributes([("sip.phoneNumber", "+15557654321")])
            .with_grants(livekit_api::access_token::VideoGrants {
                room_join: true,
                room: room.clone(),
                can_publish: Some(true),
                ..Default::default()
            })
            .to_jwt()
            .unwrap();
    let mut caller = Bot::with_token("caller", &st.lk.ws_url(), &token, &["--publish", "audio"]);
    let identity = caller.wait_event("connected", T)["identity"]
        .as_str()
        .unwrap()
        .to_owned();
    intv.wait_for("the caller's audio", T, |v| {
        v["event"] == "track_subscribed" && v["participant"] == identity.as_str()
    });

    let (s, info) = interviewer
        .get(&format!("/api/interviews/{interview}/room/info/"))
        .await;
    assert_eq!(s, 200);
    let p = info["participants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["identity"] == identity.as_str())
        .unwrap_or_else(|| panic!("the caller in {info}"))
        .clone();
    assert_eq!(
        (p["kind"].clone(), p["phone"].clone(), p["name"].clone()),
        (
            json!("sip"),
            json!("+•••••••4321"),
            json!("Phone +•••••••4321")
        )
    );
    // Only LiveKit's own identity for the caller (`sip_<number>`) carries the number.
    let without_identity = info.to_string().replace(&identity, "");
    assert!(
        !without_identity.contains("5557654321"),
        "the number is masked: {info}"
    );

    let controls = format!("/api/interviews/{interview}/room/controls/");
    let (s, b) = interviewer
        .post(&controls, json!({"action": "mute", "identity": identity}))
        .await;
    assert_eq!(s, 200, "{b}");
    intv.wait_for("the caller muted", T, |v| {
        v["event"] == "track_muted" && v["participant"] == identity.as_str()
    });
    let (s, b) = interviewer
        .post(&controls, json!({"action": "eject", "identity": identity}))
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(
        caller.wait_event("disconnected", T)["reason"],
        "participant_removed"
    );
}
