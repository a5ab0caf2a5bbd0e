//! The real `viva-server` binary on a free port, with a fresh database and, usually, a
//! real livekit-server behind it. For full-stack tests (bots, the desktop app).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use crate::livekit::LiveKitServer;
use crate::{ports, process, process::Service};

pub struct VivaServer {
    pub port: u16,
    pub database_url: String,
    service: Service,
    /// The environment it was started with, for `restart`.
    env: Vec<(&'static str, String)>,
    dir: tempfile::TempDir,
}

/// A built binary of this workspace, next to the running test's own directory
/// (`target/debug/deps/<test>` -> `target/debug/<name>`).
pub fn workspace_bin(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    let dir = exe.parent().and_then(|d| d.parent()).expect("target dir");
    let path = dir.join(name);
    assert!(
        path.is_file(),
        "{} is missing: build the workspace's binaries first (cargo build --workspace --bins)",
        path.display()
    );
    path
}

/// `viva-server serve` with `env`, ready on `port`; None when the port was taken.
fn serve(env: &[(&'static str, String)], port: u16, dir: &std::path::Path) -> Option<Service> {
    let mut cmd = Command::new(workspace_bin("viva-server"));
    cmd.arg("serve").envs(env.iter().map(|(k, v)| (k, v)));
    // A log file per run (Service::spawn truncates its log).
    let mut service = Service::spawn(
        "viva-server",
        cmd,
        &dir.join(format!("viva-server-{}.log", next_run())),
        libc::SIGTERM,
    );
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    service
        .wait_ready_or_port_clash(Duration::from_secs(30), "GET /healthz", || {
            matches!(process::http_get(addr, "/healthz"), Some((200, _)))
        })
        .ok()?;
    Some(service)
}

fn next_run() -> usize {
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl VivaServer {
    /// SQLite in a temporary directory; LiveKit from `livekit` when given.
    pub fn start(livekit: Option<&LiveKitServer>) -> Self {
        Self::start_with(livekit, None)
    }

    pub fn start_with(livekit: Option<&LiveKitServer>, database_url: Option<String>) -> Self {
        Self::start_with_env(livekit, database_url, &[])
    }

    /// `start_with` plus configuration variables (`VIVA_...`), e.g. limits for a benchmark.
    pub fn start_with_env(
        livekit: Option<&LiveKitServer>,
        database_url: Option<String>,
        extra: &[(&'static str, String)],
    ) -> Self {
        for _ in 0..5 {
            if let Some(server) = Self::try_start(livekit, database_url.clone(), extra) {
                return server;
            }
        }
        panic!("viva-server lost the race for its port five times");
    }

    fn try_start(
        livekit: Option<&LiveKitServer>,
        database_url: Option<String>,
        extra: &[(&'static str, String)],
    ) -> Option<Self> {
        let dir = tempfile::Builder::new()
            .prefix("viva-server-")
            .tempdir()
            .expect("tempdir");
        // LiveKit sends its webhooks to the port it reserved for us; a second node on the
        // same LiveKit (or a retry after a port clash) gets a port of its own.
        let port = livekit
            .filter(|lk| lk.webhook_port_for_viva)
            .map(|lk| lk.webhook_port)
            .filter(|p| std::net::TcpListener::bind(("127.0.0.1", *p)).is_ok())
            .unwrap_or_else(ports::free_tcp_port);
        let database_url = database_url.unwrap_or_else(|| {
            format!("sqlite://{}?mode=rwc", dir.path().join("viva.db").display())
        });
        let bin = workspace_bin("viva-server");
        let mut env: Vec<(&'static str, String)> = vec![
            ("VIVA_DATABASE_URL", database_url.clone()),
            ("VIVA_BIND", format!("127.0.0.1:{port}")),
            (
                "VIVA_JWT_SECRET",
                "testkit-jwt-secret-testkit-jwt-secret-0".into(),
            ),
            ("VIVA_LOG", "info".into()),
        ];
        if let Some(lk) = livekit {
            env.push(("VIVA_LIVEKIT_URL", lk.http_url()));
            env.push(("VIVA_LIVEKIT_PUBLIC_URL", lk.ws_url()));
            env.push(("VIVA_LIVEKIT_API_KEY", lk.api_key.clone()));
            env.push(("VIVA_LIVEKIT_API_SECRET", lk.api_secret.clone()));
        }
        env.extend(extra.iter().cloned());
        for command in ["demo", "setup-livekit"] {
            let out = run_cli(&bin, &env, &[command]);
            assert!(
                out.status.success(),
                "viva-server {command} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let service = serve(&env, port, dir.path())?;
        Some(Self {
            port,
            database_url,
            service,
            env,
            dir,
        })
    }

    /// Runs a `viva-server` subcommand against this server's database and LiveKit, as an
    /// operator would.
    pub fn cli(&self, args: &[&str]) -> std::process::Output {
        run_cli(&workspace_bin("viva-server"), &self.env, args)
    }

    /// Stops the server (an outage); `restart` brings it back on the same port and
    /// database. The JWT secret is fixed, so clients' tokens stay valid across it.
    pub fn stop(&mut self) {
        self.service.kill();
    }

    /// Starts the stopped server again on the same port and database.
    pub fn restart(&mut self) {
        self.service.kill();
        for _ in 0..50 {
            if let Some(service) = serve(&self.env, self.port, self.dir.path()) {
                self.service = service;
                return;
            }
            // Our port was taken while we were down (or is still closing): try again.
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("viva-server could not get its port {} back", self.port);
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The messages the default notifier kept, as `viva-server outbox list --json` prints
    /// them (an operator's view; the CLI reads the same database).
    pub fn outbox(&self) -> serde_json::Value {
        let out = Command::new(workspace_bin("viva-server"))
            .args(["outbox", "list", "--json"])
            .env("VIVA_DATABASE_URL", &self.database_url)
            .env("VIVA_LOG", "warn")
            .output()
            .expect("run viva-server outbox list");
        assert!(
            out.status.success(),
            "viva-server outbox list: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("outbox JSON")
    }

    /// Everything the server logged so far (tests grep it for secrets).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.service.log_path()).unwrap_or_default()
    }

    pub fn kill(&mut self) {
        self.service.kill();
    }
}

/// The 6-digit password in a one-time-password message ("...Password: 123456...").
pub fn password_in(message: &str) -> String {
    let at = message
        .find("Password: ")
        .unwrap_or_else(|| panic!("a password in {message:?}"))
        + "Password: ".len();
    message[at..at + 6].to_owned()
}

fn run_cli(
    bin: &std::path::Path,
    env: &[(&'static str, String)],
    args: &[&str],
) -> std::process::Output {
    Command::new(bin)
        .args(args)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .output()
        .expect("run viva-server")
}
