//! Bad connection input fails with a typed error, within the connect timeout.

use std::time::{Duration, Instant};

use livekit_api::access_token::AccessToken;
use viva_media::{MediaError, Room, RoomOptions};
use viva_testkit::LiveKitServer;

use crate::support::token;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Our own bookkeeping after the deadline (scheduling on a loaded machine).
const SLACK: Duration = Duration::from_millis(500);

async fn connect(url: &str, token: &str) -> (MediaError, Duration) {
    let options = RoomOptions {
        connect_timeout: CONNECT_TIMEOUT,
        ..RoomOptions::default()
    };
    let started = Instant::now();
    let result = Room::connect(url, token, options).await;
    let took = started.elapsed();
    let err = match result {
        Ok(_) => panic!("connecting to {url} with a bad input succeeded"),
        Err(e) => e,
    };
    eprintln!("{url}: {err:?} after {took:?}");
    assert!(took < CONNECT_TIMEOUT + SLACK, "{err} took {took:?}");
    (err, took)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_url_is_a_connection_failure() {
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (err, _) = connect(&format!("ws://127.0.0.1:{port}"), "any-token").await;
    assert!(matches!(err, MediaError::ConnectionFailed(_)), "{err:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_signed_with_the_wrong_secret_is_unauthorized() {
    let server = LiveKitServer::start();
    let forged = AccessToken::with_api_key(
        &server.api_key,
        "not-the-secret-not-the-secret-not-the-secret",
    )
    .with_identity("mallory")
    .with_grants(livekit_api::access_token::VideoGrants {
        room_join: true,
        room: "bad-input".into(),
        ..Default::default()
    })
    .to_jwt()
    .unwrap();
    let (err, _) = connect(&server.ws_url(), &forged).await;
    assert!(matches!(err, MediaError::Unauthorized(_)), "{err:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_token_is_unauthorized() {
    let server = LiveKitServer::start();
    let expired = expire(&token(&server, "bad-input", "late"), &server.api_secret);
    let (err, _) = connect(&server.ws_url(), &expired).await;
    assert!(matches!(err, MediaError::Unauthorized(_)), "{err:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_instead_of_a_token_is_unauthorized() {
    let server = LiveKitServer::start();
    let (err, _) = connect(&server.ws_url(), "not.a.jwt").await;
    assert!(matches!(err, MediaError::Unauthorized(_)), "{err:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_never_answers_times_out_on_our_side() {
    // A listener that never accepts: the kernel completes the TCP handshake and then
    // nothing answers the WebSocket upgrade, so only a timeout can end the connect.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("ws://{}", silent.local_addr().unwrap());
    let (err, took) = connect(&url, "any-token").await;
    assert!(matches!(err, MediaError::Timeout { .. }), "{err:?}");
    assert!(took >= CONNECT_TIMEOUT - SLACK, "gave up early: {took:?}");
    drop(silent);
}

/// Re-signs `token` with an expiry an hour ago: past any clock-skew leeway the server allows.
fn expire(token: &str, secret: &str) -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    use base64::Engine as _;
    use hmac::Mac as _;
    let mut parts = token.split('.');
    let (header, payload) = (parts.next().unwrap(), parts.next().unwrap());
    let mut claims: serde_json::Value =
        serde_json::from_slice(&B64.decode(payload).unwrap()).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    claims["nbf"] = (now - 7200).into();
    claims["exp"] = (now - 3600).into();
    let signing_input = format!(
        "{header}.{}",
        B64.encode(serde_json::to_vec(&claims).unwrap())
    );
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(signing_input.as_bytes());
    format!(
        "{signing_input}.{}",
        B64.encode(mac.finalize().into_bytes())
    )
}
