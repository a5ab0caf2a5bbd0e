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
    _dir: tempfile::TempDir,
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

impl VivaServer {
    /// SQLite in a temporary directory; LiveKit from `livekit` when given.
    pub fn start(livekit: Option<&LiveKitServer>) -> Self {
        Self::start_with(livekit, None)
    }

    pub fn start_with(livekit: Option<&LiveKitServer>, database_url: Option<String>) -> Self {
        for _ in 0..5 {
            if let Some(server) = Self::try_start(livekit, database_url.clone()) {
                return server;
            }
        }
        panic!("viva-server lost the race for its port five times");
    }

    fn try_start(livekit: Option<&LiveKitServer>, database_url: Option<String>) -> Option<Self> {
        let dir = tempfile::Builder::new()
            .prefix("viva-server-")
            .tempdir()
            .expect("tempdir");
        let port = ports::free_tcp_port();
        let database_url = database_url.unwrap_or_else(|| {
            format!("sqlite://{}?mode=rwc", dir.path().join("viva.db").display())
        });
        let bin = workspace_bin("viva-server");
        let env = |cmd: &mut Command| {
            cmd.env("VIVA_DATABASE_URL", &database_url)
                .env("VIVA_BIND", format!("127.0.0.1:{port}"))
                .env("VIVA_JWT_SECRET", "testkit-jwt-secret-testkit-jwt-secret-0")
                .env("VIVA_LOG", "info");
            if let Some(lk) = livekit {
                cmd.env("VIVA_LIVEKIT_URL", lk.http_url())
                    .env("VIVA_LIVEKIT_PUBLIC_URL", lk.ws_url())
                    .env("VIVA_LIVEKIT_API_KEY", &lk.api_key)
                    .env("VIVA_LIVEKIT_API_SECRET", &lk.api_secret);
            }
        };
        let mut demo = Command::new(&bin);
        demo.arg("demo");
        env(&mut demo);
        let out = demo.output().expect("run viva-server demo");
        assert!(
            out.status.success(),
            "viva-server demo failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut cmd = Command::new(&bin);
        cmd.arg("serve");
        env(&mut cmd);
        let mut service = Service::spawn(
            "viva-server",
            cmd,
            &dir.path().join("viva-server.log"),
            libc::SIGTERM,
        );
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        service
            .wait_ready_or_port_clash(Duration::from_secs(30), "GET /healthz", || {
                matches!(process::http_get(addr, "/healthz"), Some((200, _)))
            })
            .ok()?;
        Some(Self {
            port,
            database_url,
            service,
            _dir: dir,
        })
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Everything the server logged so far (tests grep it for secrets).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.service.log_path()).unwrap_or_default()
    }

    pub fn kill(&mut self) {
        self.service.kill();
    }
}
