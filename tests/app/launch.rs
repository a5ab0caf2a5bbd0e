use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use viva_testkit::image::read_png;
use viva_testkit::Xvfb;

/// The UI's background colour (ui/src/app.css `--bg`); a blank or unstyled webview is white.
const UI_BACKGROUND: [u8; 3] = [0x0f, 0x17, 0x2a];
/// The card behind the sign-in content (`--panel`).
const UI_PANEL: [u8; 3] = [0x1e, 0x29, 0x3b];

#[test]
fn the_app_opens_a_window_that_renders_the_ui() {
    let xvfb = Xvfb::start();
    let home = tempfile::tempdir().unwrap();
    let mut app = Command::new(env!("CARGO_BIN_EXE_viva"))
        .env("DISPLAY", &xvfb.display)
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the app");

    let shot = viva_testkit::cache::artifacts_dir().join("app-launch.png");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(Some(status)) = app.try_wait() {
            let mut err = String::new();
            use std::io::Read;
            app.stderr.take().unwrap().read_to_string(&mut err).ok();
            panic!("the app exited ({status}) before rendering:\n{err}");
        }
        xvfb.screenshot(&shot);
        let img = read_png(&shot);
        let bg = img.share_of(UI_BACKGROUND);
        let panel = img.share_of(UI_PANEL);
        let colours = img.distinct_colours();
        // Styled background over most of the window, the card, and anti-aliased text.
        if bg > 0.3 && panel > 0.02 && colours > 50 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the window never showed the styled UI (background {bg:.2}, panel {panel:.3}, \
             {colours} colours); see {}",
            shot.display()
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    app.kill().ok();
    app.wait().ok();
}
