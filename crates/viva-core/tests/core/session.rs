use std::sync::Arc;

use viva_core::{ErrorCode, SecretStore, Session};
use viva_testkit::VivaServer;

use crate::{keyring, stored};

#[tokio::test]
async fn the_session_lives_in_the_keyring_and_sign_out_removes_it() {
    let server = tokio::task::spawn_blocking(|| VivaServer::start(None))
        .await
        .unwrap();
    let secrets = keyring();

    let first = Session::new(secrets.clone());
    let info = first
        .login(&server.url(), "interviewer", "viva-interviewer")
        .await
        .unwrap();
    assert_eq!(info.user.username, "interviewer");
    assert_eq!(info.user.role, "interviewer");
    let entry = stored(secrets.as_ref()).expect("the refresh token is remembered");
    assert!(
        !entry.contains("viva-interviewer"),
        "the password is never stored"
    );
    assert!(entry.contains("refresh_token"));

    // A restart: a new session object restores from the keyring, no password asked.
    drop(first);
    let second = Session::new(secrets.clone());
    let restored = second
        .restore()
        .await
        .unwrap()
        .expect("restored from the keyring");
    assert_eq!(restored.user, info.user);
    let rotated = stored(secrets.as_ref()).unwrap();
    assert_ne!(
        rotated, entry,
        "restoring rotated the refresh token, and the keyring has the new one"
    );

    // Explicit refresh rotates again and keeps the keyring current.
    second.refresh_now().await.unwrap();
    assert_ne!(stored(secrets.as_ref()).unwrap(), rotated);
    let (_, access) = second.access().await.unwrap();
    assert!(!access.is_empty());

    second.logout().await.unwrap();
    assert_eq!(
        stored(secrets.as_ref()),
        None,
        "sign-out deletes the keyring entry"
    );
    assert!(second.current().await.is_none(), "and the in-memory tokens");
    let err = second.access().await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Unauthorized);
    let third = Session::new(secrets);
    assert!(
        third.restore().await.unwrap().is_none(),
        "nothing to restore after sign-out"
    );
}

#[tokio::test]
async fn failures_carry_codes_the_ui_can_act_on() {
    let server = tokio::task::spawn_blocking(|| VivaServer::start(None))
        .await
        .unwrap();
    let session = Session::new(Arc::new(viva_core::MemorySecrets::default()));
    let wrong = session
        .login(&server.url(), "interviewer", "not-the-password")
        .await
        .unwrap_err();
    assert_eq!(wrong.code, ErrorCode::Unauthorized, "{wrong:?}");
    let bad_url = session.login("ftp://nowhere", "a", "b").await.unwrap_err();
    assert_eq!(bad_url.code, ErrorCode::InvalidInput);
    let port = viva_testkit::ports::free_tcp_port();
    let offline = session
        .login(
            &format!("http://127.0.0.1:{port}"),
            "interviewer",
            "viva-interviewer",
        )
        .await
        .unwrap_err();
    assert_eq!(offline.code, ErrorCode::Offline, "{offline:?}");
}

/// A keyring whose writes can be made to fail (locked, full, gone).
#[derive(Default)]
struct FlakyKeyring {
    inner: viva_core::MemorySecrets,
    refuse_writes: std::sync::atomic::AtomicBool,
}

impl viva_core::SecretStore for FlakyKeyring {
    fn get(&self, name: &str) -> Result<Option<String>, viva_core::secrets::SecretError> {
        self.inner.get(name)
    }
    fn set(&self, name: &str, value: &str) -> Result<(), viva_core::secrets::SecretError> {
        if self.refuse_writes.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(viva_core::secrets::SecretError::Unavailable(
                "refused by the test".into(),
            ));
        }
        self.inner.set(name, value)
    }
    fn delete(&self, name: &str) -> Result<(), viva_core::secrets::SecretError> {
        self.inner.delete(name)
    }
}

#[tokio::test]
async fn a_failed_keyring_write_keeps_the_new_pair_in_memory() {
    let server = tokio::task::spawn_blocking(|| VivaServer::start(None))
        .await
        .unwrap();
    let keyring = Arc::new(FlakyKeyring::default());
    let session = Session::new(keyring.clone());
    session
        .login(&server.url(), "interviewer", "viva-interviewer")
        .await
        .unwrap();
    keyring
        .refuse_writes
        .store(true, std::sync::atomic::Ordering::SeqCst);
    // The server rotated; the keyring refused the new token. Still signed in, and the
    // tokens in memory are the live ones (a second rotation works).
    session
        .refresh_now()
        .await
        .expect("rotation survives the keyring");
    session
        .refresh_now()
        .await
        .expect("and the new pair is live");
    let (api, access) = session.access().await.unwrap();
    assert_eq!(api.me(&access).await.unwrap().username, "interviewer");
}

#[tokio::test]
async fn a_sign_out_the_server_missed_is_sent_when_it_returns() {
    let mut server = tokio::task::spawn_blocking(|| VivaServer::start(None))
        .await
        .unwrap();
    let secrets = keyring();
    let session = Session::new(secrets.clone());
    session
        .login(&server.url(), "interviewer", "viva-interviewer")
        .await
        .unwrap();
    let entry: serde_json::Value =
        serde_json::from_str(&stored(secrets.as_ref()).unwrap()).unwrap();
    let refresh = entry["refresh_token"].as_str().unwrap().to_owned();

    server.stop();
    session.logout().await.expect("signing out works offline");
    assert_eq!(stored(secrets.as_ref()), None, "signed out here at once");
    assert!(
        secrets
            .get(viva_core::session::PENDING_SIGN_OUT_ENTRY)
            .unwrap()
            .is_some(),
        "the sign-out waits for the server"
    );

    server.restart();
    // The next start sends it.
    let next = Session::new(secrets.clone());
    assert!(next.restore().await.unwrap().is_none());
    assert!(secrets
        .get(viva_core::session::PENDING_SIGN_OUT_ENTRY)
        .unwrap()
        .is_none());
    let api = viva_core::ApiClient::new(viva_core::ServerUrl::parse(&server.url()).unwrap());
    let err = api.refresh(&refresh).await.unwrap_err();
    assert_eq!(err.status(), Some(401), "the server session ended: {err}");
}
