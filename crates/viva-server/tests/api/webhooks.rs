//! LiveKit's webhooks: only deliveries signed with our API secret over this very body are
//! accepted, and each event id is acted on once.

use base64::Engine;
use livekit_api::access_token::AccessToken;
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::{assert_error, TestApp};

pub fn sign(key: &str, secret: &str, body: &str) -> String {
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(body));
    AccessToken::with_api_key(key, secret)
        .with_sha256(&hash)
        .to_jwt()
        .unwrap()
}

pub async fn deliver(app: &TestApp, auth: Option<&str>, body: &str) -> (StatusCode, Value) {
    let mut req = app
        .client
        .post(format!("{}/webhooks/livekit/", app.base))
        .header("content-type", "application/webhook+json")
        .body(body.to_owned());
    if let Some(a) = auth {
        req = req.header("authorization", a);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    let text = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn event(id: &str) -> String {
    json!({
        "event": "participant_left",
        "id": id,
        "createdAt": "1764590000",
        "room": {"name": "interview-00000000-0000-0000-0000-000000000000"},
        "participant": {"identity": "user-x"}
    })
    .to_string()
}

async fn deliveries_recorded(app: &TestApp, id: &str) -> i64 {
    sqlx::query("SELECT COUNT(*) AS n FROM livekit_webhook_events WHERE id = $1")
        .bind(id)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
        .try_get("n")
        .unwrap()
}

#[tokio::test]
async fn unsigned_or_badly_signed_deliveries_get_401() {
    let app = TestApp::with_livekit().await;
    let lk = app.livekit.clone().unwrap();
    let body = event("evt-forged");
    let wrong_secret = sign(&lk.api_key, "not-our-secret-not-our-secret-not-ours", &body);
    let other_body = sign(&lk.api_key, &lk.api_secret, &event("evt-other"));
    let other_key = sign("someone-else", &lk.api_secret, &body);
    for auth in [
        None,
        Some("garbage"),
        Some(wrong_secret.as_str()),
        Some(other_body.as_str()),
        Some(other_key.as_str()),
    ] {
        let (s, reply) = deliver(&app, auth, &body).await;
        assert_error(s, &reply, 401);
    }
    assert_eq!(deliveries_recorded(&app, "evt-forged").await, 0);

    // Signed, but not an event: a clear 400, not a 5xx.
    let junk = "{not json";
    let (s, reply) = deliver(&app, Some(&sign(&lk.api_key, &lk.api_secret, junk)), junk).await;
    assert_error(s, &reply, 400);
}

#[tokio::test]
async fn a_repeated_event_is_acknowledged_and_acted_on_once() {
    let app = TestApp::with_livekit().await;
    let lk = app.livekit.clone().unwrap();
    let body = event("evt-twice");
    let auth = sign(&lk.api_key, &lk.api_secret, &body);
    for _ in 0..2 {
        let (s, reply) = deliver(&app, Some(&auth), &body).await;
        assert_eq!(s, 200, "{reply}");
    }
    assert_eq!(deliveries_recorded(&app, "evt-twice").await, 1);
    // "Bearer <jwt>" is accepted as well as the bare JWT LiveKit sends.
    let body = event("evt-bearer");
    let auth = format!("Bearer {}", sign(&lk.api_key, &lk.api_secret, &body));
    let (s, reply) = deliver(&app, Some(&auth), &body).await;
    assert_eq!(s, 200, "{reply}");
    assert_eq!(deliveries_recorded(&app, "evt-bearer").await, 1);
}
