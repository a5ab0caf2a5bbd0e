use std::sync::Arc;

use viva_core::{ErrorCode, Session};
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
