//! The desktop app driven over WebDriver: tauri-driver (pinned, from the bootstrap) in
//! front of WebKitGTK's WebKitWebDriver, on a private Xvfb display. A small W3C WebDriver
//! client is enough for our tests and keeps the dependency list short.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{json, Value};

use crate::{cache, ports, process, process::Service};

pub struct TauriDriver {
    pub port: u16,
    _service: Service,
    _dir: tempfile::TempDir,
}

impl TauriDriver {
    /// Starts tauri-driver for `display`; the app it launches inherits `env` (HOME and
    /// XDG directories, so each test has its own app data).
    pub fn start(display: &str, env: &[(&str, &Path)]) -> Self {
        let dir = tempfile::Builder::new()
            .prefix("viva-wd-")
            .tempdir()
            .expect("tempdir");
        let port = ports::free_tcp_port();
        let native_port = ports::free_tcp_port();
        let bin = cache::cache_dir().join("bin/tauri-driver");
        assert!(
            bin.is_file(),
            "{} missing: run scripts/bootstrap",
            bin.display()
        );
        let mut cmd = Command::new(bin);
        cmd.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native_port.to_string(),
        ])
        .args(["--native-driver", "/usr/bin/WebKitWebDriver"])
        .env("DISPLAY", display);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut service = Service::spawn(
            "tauri-driver",
            cmd,
            &dir.path().join("tauri-driver.log"),
            libc::SIGTERM,
        );
        // tauri-driver proxies to WebKitWebDriver, which it starts itself: a session asked
        // for before that one listens is dropped mid-answer (seen on a loaded machine).
        for p in [port, native_port] {
            let addr = std::net::SocketAddr::from(([127, 0, 0, 1], p));
            service.wait_until(Duration::from_secs(20), "port open", || {
                process::tcp_open(addr)
            });
        }
        Self {
            port,
            _service: service,
            _dir: dir,
        }
    }
}

/// One WebDriver session = one running instance of the app.
pub struct AppSession {
    base: String,
    http: reqwest::Client,
    pub screenshots: PathBuf,
    /// The app binary, to see when its process is gone.
    app: PathBuf,
}

#[derive(Debug, Clone)]
pub struct Element(String);

// The W3C web element identifier.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

impl AppSession {
    pub async fn start(driver: &TauriDriver, app: &Path) -> Self {
        Self::start_with_args(driver, app, &[]).await
    }

    /// Starts the app with command-line arguments (e.g. the `viva://` link a desktop passes).
    pub async fn start_with_args(driver: &TauriDriver, app: &Path, args: &[&str]) -> Self {
        let http = reqwest::Client::new();
        let url = format!("http://127.0.0.1:{}", driver.port);
        let body = json!({"capabilities": {"alwaysMatch": {"tauri:options": {"application": app, "args": args}}}});
        let res: Value = http
            .post(format!("{url}/session"))
            .json(&body)
            // An app that never comes up must fail the test, not hang the suite.
            .timeout(Duration::from_secs(120))
            .send()
            .await
            .expect("new WebDriver session")
            .json()
            .await
            .expect("session JSON");
        let id = res["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {res}"))
            .to_owned();
        Self {
            base: format!("{url}/session/{id}"),
            http,
            screenshots: crate::cache::artifacts_dir(),
            app: app.canonicalize().unwrap_or_else(|_| app.to_path_buf()),
        }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res: Value = req
            .send()
            .await
            .expect("WebDriver request")
            .json()
            .await
            .expect("WebDriver JSON");
        if std::env::var_os("VIVA_WD_TRACE").is_some() {
            eprintln!(
                "webdriver {path}: {}",
                res.to_string().chars().take(300).collect::<String>()
            );
        }
        res["value"].clone()
    }

    /// The first element matching `css`, if any (no waiting).
    pub async fn find_now(&self, css: &str) -> Option<Element> {
        let v = self
            .call(
                reqwest::Method::POST,
                "/element",
                Some(json!({"using": "css selector", "value": css})),
            )
            .await;
        v.get(ELEMENT_KEY)
            .and_then(Value::as_str)
            .map(|s| Element(s.to_owned()))
    }

    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        let v = self
            .call(
                reqwest::Method::POST,
                "/elements",
                Some(json!({"using": "css selector", "value": css})),
            )
            .await;
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e[ELEMENT_KEY].as_str().map(|s| Element(s.to_owned())))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Polls for `css` (the UI mounts after the session starts).
    pub async fn wait(&self, css: &str, timeout: Duration) -> Element {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(e) = self.find_now(css).await {
                return e;
            }
            if Instant::now() > deadline {
                let shot = self.screenshot("timeout").await;
                panic!(
                    "'{css}' did not appear within {timeout:?}; screenshot: {}",
                    shot.display()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Polls until the script returns something truthy, and returns it.
    pub async fn wait_js(&self, what: &str, script: &str, timeout: Duration) -> Value {
        let deadline = Instant::now() + timeout;
        loop {
            let v = self.js(script, json!([])).await;
            if !(v.is_null() || v == json!(false) || v == json!(0) || v == json!("")) {
                return v;
            }
            if Instant::now() > deadline {
                let shot = self.screenshot("timeout").await;
                panic!(
                    "{what}: not true within {timeout:?} (last {v}); screenshot: {}",
                    shot.display()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn click(&self, e: &Element) {
        self.call(
            reqwest::Method::POST,
            &format!("/element/{}/click", e.0),
            Some(json!({})),
        )
        .await;
    }

    pub async fn type_into(&self, e: &Element, text: &str) {
        self.call(
            reqwest::Method::POST,
            &format!("/element/{}/clear", e.0),
            Some(json!({})),
        )
        .await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{}/value", e.0),
            Some(json!({"text": text})),
        )
        .await;
    }

    pub async fn attr(&self, e: &Element, name: &str) -> Option<String> {
        self.call(
            reqwest::Method::GET,
            &format!("/element/{}/attribute/{name}", e.0),
            None,
        )
        .await
        .as_str()
        .map(str::to_owned)
    }

    pub async fn text(&self, e: &Element) -> String {
        self.call(
            reqwest::Method::GET,
            &format!("/element/{}/text", e.0),
            None,
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
    }

    /// Runs synchronous JavaScript in the page and returns its result.
    pub async fn js(&self, script: &str, args: Value) -> Value {
        self.call(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({"script": script, "args": args})),
        )
        .await
    }

    /// Saves a PNG of the window to the artifacts directory and returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let v = self.call(reqwest::Method::GET, "/screenshot", None).await;
        let path = self.screenshots.join(format!("{name}.png"));
        if let Some(b64) = v.as_str() {
            if let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(b64) {
                std::fs::write(&path, bytes).ok();
            }
        }
        path
    }

    /// Ends the session and waits until the app has quit: an app started while the last one
    /// is still exiting finds it on the session bus (single instance) and exits at once,
    /// and its WebDriver session would never start.
    pub async fn close(self) {
        let _ = self.http.delete(&self.base).send().await;
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        while app_running(&self.app) && std::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// Whether a process of this binary runs (read from /proc: the session does not say).
fn app_running(app: &Path) -> bool {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return false;
    };
    dir.flatten()
        .filter_map(|e| std::fs::read_link(e.path().join("exe")).ok())
        .any(|exe| exe == app)
}
