use std::path::Path;

use viva_core::{OsKeyring, SecretStore};

use crate::{sign_in, Stage, KEYRING, T};

/// Every file under `dir` whose bytes contain `needle`.
fn files_containing(dir: &Path, needle: &[u8]) -> Vec<String> {
    let mut hits = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(bytes) = std::fs::read(&p) {
                if bytes.windows(needle.len()).any(|w| w == needle) {
                    hits.push(p.display().to_string());
                }
            }
        }
    }
    hits
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_restores_the_session_and_sign_out_leaves_nothing() {
    let _turn = KEYRING.lock().await;
    let keyring = OsKeyring::new(viva_app::KEYRING_SERVICE);
    keyring
        .delete(viva_core::session::SESSION_ENTRY)
        .expect("the Secret Service answers");
    // At `debug`, so the log holds as much as it ever will (requests, the keyring, rooms).
    let stage = Stage::with_env(&[("VIVA_LOG", Path::new("debug"))]).await;

    let app = stage.open_app().await;
    sign_in(&app, &stage.server.url(), "interviewer", "viva-interviewer").await;
    let remembered = keyring
        .get(viva_core::session::SESSION_ENTRY)
        .unwrap()
        .expect("remembered in the keyring");
    app.close().await;

    // Restart: straight to the interviews, no password asked.
    let app = stage.open_app().await;
    app.wait("[data-testid=interview-list]", T).await;
    let name = app
        .text(&app.wait("[data-testid=user-name]", T).await)
        .await;
    assert!(
        name.contains("Dana"),
        "signed in as the demo interviewer: {name}"
    );
    assert!(app
        .find_all("[data-testid=signin-password]")
        .await
        .is_empty());
    stage.shot("ui-restored").await;

    // Sign out: nothing in the keyring, nothing on disk.
    app.click(&app.wait("[data-testid=signout-button]", T).await)
        .await;
    app.wait("[data-testid=signin-submit]", T).await;
    assert_eq!(
        keyring.get(viva_core::session::SESSION_ENTRY).unwrap(),
        None,
        "the keyring holds nothing for Viva"
    );
    // The log a user would attach to a bug report says what happened, and no secret.
    let log = stage
        .app_home
        .path()
        .join("data/app.viva.desktop/logs/Viva.log");
    let text = std::fs::read_to_string(&log).unwrap_or_else(|e| panic!("{}: {e}", log.display()));
    for said in ["Viva started", "signed in", "signed out"] {
        assert!(text.contains(said), "the log says '{said}':\n{text}");
    }
    let refresh: serde_json::Value = serde_json::from_str(&remembered).unwrap();
    let token = refresh["refresh_token"].as_str().unwrap();
    for needle in [
        token.as_bytes(),
        b"refresh_token".as_slice(),
        b"eyJ".as_slice(),
        b"viva-interviewer".as_slice(),
    ] {
        let hits = files_containing(stage.app_home.path(), needle);
        assert!(
            hits.is_empty(),
            "a token is on disk after sign-out: {hits:?}"
        );
    }
    app.close().await;
}
