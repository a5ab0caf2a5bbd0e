//! End-to-end tests of the desktop app: the real binary in WebKitGTK under Xvfb, driven
//! over WebDriver (tauri-driver + WebKitWebDriver), against the real viva-server and
//! livekit-server, with viva-bot participants and the real OS keyring (Secret Service on
//! the private D-Bus session `make test` provides).

mod audio;
mod calendar;
mod candidate;
mod cockpit;
mod feedback;
mod interviewer;
mod phone;
mod recording;
mod rooms;
mod session;
mod updates;
mod video;

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
    /// Only with `with_sip`: LiveKit's SIP API needs Redis.
    pub redis: Option<viva_testkit::Redis>,
    /// Only with `with_recording`: the recordings' storage and the server's spool.
    pub s3: Option<(viva_testkit::S3Server, tempfile::TempDir)>,
}

impl Stage {
    /// Call with `KEYRING` held: starts from a keyring with no Viva session in it (the
    /// previous test's server is gone, and the app would rightly try to restore its session).
    pub async fn new() -> Stage {
        Self::with_env(&[]).await
    }

    /// A stage whose app also gets `env` (e.g. `PULSE_SERVER` for audio devices).
    pub async fn with_env(env: &[(&str, &std::path::Path)]) -> Stage {
        Self::build(env, false, false).await
    }

    /// A stage with phone dial-in: livekit-server on Redis, viva-server with SIP numbers.
    pub async fn with_sip() -> Stage {
        Self::build(&[], true, false).await
    }

    /// A stage that records: a real S3-compatible server and the bundled recorder.
    pub async fn with_recording() -> Stage {
        Self::build(&[], false, true).await
    }

    async fn build(env: &[(&str, &std::path::Path)], sip: bool, recording: bool) -> Stage {
        use viva_core::SecretStore;
        viva_core::OsKeyring::new(viva_app::KEYRING_SERVICE)
            .delete(viva_core::session::SESSION_ENTRY)
            .expect("the Secret Service answers");
        let redis = sip.then(viva_testkit::Redis::start);
        let options = viva_testkit::LiveKitOptions {
            redis: redis.as_ref().map(|r| r.address()),
            ..Default::default()
        };
        let livekit = tokio::task::spawn_blocking(move || LiveKitServer::start_with(options))
            .await
            .unwrap();
        let sip_env: Vec<(&'static str, String)> = if sip {
            vec![
                ("VIVA_SIP_ENABLED", "true".into()),
                (
                    "VIVA_DIAL_IN_NUMBERS",
                    "US=+15550100100,UK=+442071838750".into(),
                ),
            ]
        } else {
            Vec::new()
        };
        let mut server_env = sip_env;
        let s3 = match recording {
            false => None,
            true => {
                let s3 = tokio::task::spawn_blocking(|| viva_testkit::S3Server::start("viva-rec"))
                    .await
                    .unwrap();
                let spool = tempfile::tempdir().unwrap();
                server_env.extend(s3.server_env());
                server_env.push(("VIVA_RECORDING_SPOOL", spool.path().display().to_string()));
                server_env.push(("VIVA_RECORDING_SIZE", "320x180@15".into()));
                Some((s3, spool))
            }
        };
        let server = VivaServer::start_with_env(Some(&livekit), None, &server_env);
        let xvfb = Xvfb::start();
        let app_home = tempfile::tempdir().unwrap();
        let home = app_home.path().to_path_buf();
        let (config, data, cache) = (home.join("config"), home.join("data"), home.join("cache"));
        let mut vars: Vec<(&str, &std::path::Path)> = vec![
            ("HOME", &home),
            ("XDG_CONFIG_HOME", &config),
            ("XDG_DATA_HOME", &data),
            ("XDG_CACHE_HOME", &cache),
        ];
        vars.extend_from_slice(env);
        let driver = TauriDriver::start(&xvfb.display, &vars);
        Stage {
            app_home,
            driver,
            xvfb,
            server,
            livekit,
            redis,
            s3,
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

/// The id of the interview in the list whose row mentions `topic`.
pub async fn interview_row(app: &AppSession, topic: &str) -> String {
    let script = format!(
        "const r = [...document.querySelectorAll('[data-testid=interview-row]')].find(r => r.textContent.includes({topic:?})); return r ? r.dataset.interviewId : null;"
    );
    app.wait_js(&format!("the interview row '{topic}'"), &script, T)
        .await
        .as_str()
        .expect("an interview id")
        .to_owned()
}

/// Clicks the interview's Join and waits for the pre-join screen.
pub async fn open_prejoin(app: &AppSession, interview: &str) {
    let join = format!("[data-interview-id=\"{interview}\"] [data-testid=join-button]");
    app.click(&app.wait(&join, T).await).await;
    app.wait("[data-testid=prejoin-join]", T).await;
}

/// The centre pixel `[r, g, b]` of the video tile of `identity` on screen, once the tile
/// has drawn a few frames.
pub async fn tile_rgb(stage: &Stage, app: &AppSession, identity: &str) -> Vec<f64> {
    let css =
        format!("[data-testid=tile][data-identity=\"{identity}\"] [data-testid=video-canvas]");
    canvas_rgb(stage, app, &css).await
}

/// The centre pixel `[r, g, b]` of the video at `css` as the screen shows it, once it drew
/// a few frames. Read from the display, not the canvas: the shell paints video natively
/// over the page (src-tauri/src/surface), so only the screen shows what a person sees.
pub async fn canvas_rgb(stage: &Stage, app: &AppSession, css: &str) -> Vec<f64> {
    let script = format!(
        r#"const c = document.querySelector('{css}');
if (!c || Number(c.dataset.frames || 0) < 5) return null;
const b = c.getBoundingClientRect();
return [window.screenX + b.left + b.width / 2, window.screenY + b.top + b.height / 2];"#
    );
    screen_pixel(stage, app, &format!("frames drawn for {css}"), &script).await
}

/// The screen's pixel `[r, g, b]` at the point `script` returns as `[x, y]` (waiting while it
/// returns null).
pub async fn screen_pixel(stage: &Stage, app: &AppSession, what: &str, script: &str) -> Vec<f64> {
    let at = app.wait_js(what, script, T).await;
    let xy: Vec<usize> = at
        .as_array()
        .expect("[x, y]")
        .iter()
        .map(|v| v.as_f64().unwrap_or(0.0).max(0.0) as usize)
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("screen.png");
    stage.xvfb.screenshot(&path);
    let img = viva_testkit::image::read_png(&path);
    let at = (xy[1].min(img.height - 1) * img.width + xy[0].min(img.width - 1)) * 3;
    img.pixels[at..at + 3].iter().map(|&c| c as f64).collect()
}

/// Clicks an element and confirms the dialog it opens.
pub async fn click_and_confirm(app: &AppSession, css: &str) {
    app.click(&app.wait(css, T).await).await;
    app.click(&app.wait("[data-testid=confirm-ok]", T).await)
        .await;
}

impl Stage {
    /// Saves a screenshot of the screen (what a person sees on the display) to the
    /// artifacts and checks it is not blank. Painting can trail the DOM by a frame or two,
    /// so it looks again for a few seconds before failing.
    pub async fn shot(&self, name: &str) {
        let path = viva_testkit::cache::artifacts_dir().join(format!("{name}.png"));
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            self.settled_screenshot(&path).await;
            match viva_testkit::image::blank(&path) {
                None => return,
                Some(why) if std::time::Instant::now() > deadline => panic!("{why}"),
                Some(_) => {}
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    /// Under Xvfb on a busy machine the window can show a frame seconds old (the DOM has
    /// moved on; measured with a dialog open for 300 ms and not yet painted). Take the
    /// picture once two captures 600 ms apart agree; a screen that keeps moving (video,
    /// timers) gets its latest capture after 3 s.
    async fn settled_screenshot(&self, path: &std::path::Path) {
        let start = std::time::Instant::now();
        let earlier = path.with_extension("previous.png");
        self.xvfb.screenshot(&earlier);
        loop {
            tokio::time::sleep(Duration::from_millis(600)).await;
            self.xvfb.screenshot(path);
            let same = std::fs::read(&earlier).ok() == std::fs::read(path).ok();
            if same || start.elapsed() > Duration::from_secs(3) {
                let _ = std::fs::remove_file(&earlier);
                return;
            }
            let _ = std::fs::rename(path, &earlier);
        }
    }
}
