//! Full-stack tests: the real viva-server binary, a real livekit-server, and viva-bot
//! participants joining through the backend.

mod controls;
mod dial_in;
mod multinode;
mod platform;
mod public_rooms;
mod recording;
mod revocation;

pub use viva_testkit::api::Api;

/// A LiveKit webhook's Authorization: a JWT of the API key carrying the body's SHA-256.
pub fn webhook_auth(key: &str, secret: &str, body: &str) -> String {
    use base64::Engine;
    use sha2::Digest;
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(body));
    livekit_api::access_token::AccessToken::with_api_key(key, secret)
        .with_sha256(&hash)
        .to_jwt()
        .unwrap()
}

/// Delivers a webhook body to a viva-server at `base`; its HTTP status.
pub async fn deliver(base: &str, auth: &str, body: &str) -> u16 {
    reqwest::Client::new()
        .post(format!("{base}/webhooks/livekit/"))
        .header("authorization", auth)
        .header("content-type", "application/webhook+json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}
