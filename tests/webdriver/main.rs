//! End-to-end tests of the desktop app: the real binary in WebKitGTK under Xvfb, driven
//! over WebDriver (tauri-driver + WebKitWebDriver), against the real viva-server and
//! livekit-server, with viva-bot participants and the real OS keyring (Secret Service on
//! the private D-Bus session `make test` provides).

mod interviewer;
mod session;

use std::path::PathBuf;
use std::time::Duration;

use viva_testkit::{workspace_bin, AppSession, LiveKitServer, TauriDriver, VivaServer, Xvfb};

pub const T: Duration = Duration::from_secs(30);

/// The app keeps its keyring entry under one service name; tests that sign in take turns.
pub static KEYRING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Everything one app test needs, torn down in reverse order on drop.
pub struct Stage {
    pub app_home: tempfile::TempDir,
    pub driver: TauriDriver,
    pub xvfb: Xvfb,
    pub server: VivaServer,
    pub livekit: LiveKitServer,
}

impl Stage {
    pub async fn new() -> Stage {
        let livekit = tokio::task::spawn_blocking(LiveKitServer::start)
            .await
            .unwrap();
        let server = VivaServer::start(Some(&livekit));
        let xvfb = Xvfb::start();
        let app_home = tempfile::tempdir().unwrap();
        let home = app_home.path().to_path_buf();
        let (config, data, cache) = (home.join("config"), home.join("data"), home.join("cache"));
        let driver = TauriDriver::start(
            &xvfb.display,
            &[
                ("HOME", &home),
                ("XDG_CONFIG_HOME", &config),
                ("XDG_DATA_HOME", &data),
                ("XDG_CACHE_HOME", &cache),
            ],
        );
        Stage {
            app_home,
            driver,
            xvfb,
            server,
            livekit,
        }
    }

    pub async fn open_app(&self) -> AppSession {
        AppSession::start(&self.driver, &app_binary()).await
    }
}

pub fn app_binary() -> PathBuf {
    workspace_bin("viva")
}

/// Signs in through the UI.
pub async fn sign_in(app: &AppSession, server: &str, username: &str, password: &str) {
    let field = app.wait("[data-testid=signin-server]", T).await;
    app.type_into(&field, server).await;
    app.type_into(
        &app.wait("[data-testid=signin-username]", T).await,
        username,
    )
    .await;
    app.type_into(
        &app.wait("[data-testid=signin-password]", T).await,
        password,
    )
    .await;
    app.click(&app.wait("[data-testid=signin-submit]", T).await)
        .await;
    app.wait("[data-testid=interview-list]", T).await;
}

/// Clicks an element and confirms the dialog it opens.
pub async fn click_and_confirm(app: &AppSession, css: &str) {
    app.click(&app.wait(css, T).await).await;
    app.click(&app.wait("[data-testid=confirm-ok]", T).await)
        .await;
}

/// Saves a screenshot of the current screen and checks it is not blank.
pub async fn shot(app: &AppSession, name: &str) {
    let path = app.screenshot(name).await;
    viva_testkit::image::assert_not_blank(&path);
}
