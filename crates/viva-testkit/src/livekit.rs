//! A real livekit-server (the pinned v1.13.5) on loopback.

use std::net::SocketAddr;
use std::process::Command;
use std::time::Duration;

use crate::{cache, ports, process, process::Service};

#[derive(Debug, Clone, Default)]
pub struct LiveKitOptions {
    /// `host:port` of a Redis to share state through (multi-node, SIP storage).
    pub redis: Option<String>,
    /// The API secret (nodes of one deployment share their key pair); random when None.
    pub api_secret: Option<String>,
    /// Where webhooks go (`/webhooks/livekit/` on this loopback port, e.g. a proxy in front
    /// of several viva-server nodes); None: a port reserved for the first `VivaServer`.
    pub webhook_port: Option<u16>,
}

pub struct LiveKitServer {
    pub api_key: String,
    pub api_secret: String,
    pub http_port: u16,
    /// Where this server sends its webhooks (`/webhooks/livekit/` on 127.0.0.1).
    pub webhook_port: u16,
    /// True when `webhook_port` is reserved for the first `VivaServer` started with this
    /// LiveKit (false when the options named a port, e.g. a proxy's).
    pub webhook_port_for_viva: bool,
    pub rtc_tcp_port: u16,
    pub udp_range: (u16, u16),
    service: Service,
    config: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl LiveKitServer {
    pub fn start() -> Self {
        Self::start_with(LiveKitOptions::default())
    }

    pub fn start_with(opts: LiveKitOptions) -> Self {
        // Free ports can be taken by a parallel test between our check and the bind.
        for _ in 0..5 {
            if let Some(server) = Self::try_start(&opts) {
                return server;
            }
        }
        panic!("livekit-server lost the race for its ports five times");
    }

    fn try_start(opts: &LiveKitOptions) -> Option<Self> {
        let dir = tempfile::Builder::new()
            .prefix("viva-livekit-")
            .tempdir()
            .expect("tempdir");
        let http_port = ports::free_tcp_port();
        let rtc_tcp_port = ports::free_tcp_port();
        let udp_range = ports::free_udp_range(40);
        let webhook_port = opts.webhook_port.unwrap_or_else(ports::free_tcp_port);
        let api_key = "vivatest".to_owned();
        let api_secret = opts.api_secret.clone().unwrap_or_else(random_secret);
        let redis = opts
            .redis
            .as_ref()
            .map(|addr| format!("redis:\n  address: {addr}\n"))
            .unwrap_or_default();
        // As deployments must run it (README, "LiveKit configuration"): remote unmute on
        // (the interviewer's "unmute" control), no room created by a join token (only
        // viva-server creates rooms, so an old token cannot bring an ended room back), and
        // webhooks to viva-server (which removes a banned identity that joins anyway).
        let config = format!(
            "port: {http_port}\n\
             bind_addresses: [\"127.0.0.1\"]\n\
             rtc:\n  tcp_port: {rtc_tcp_port}\n  port_range_start: {}\n  port_range_end: {}\n  \
             use_external_ip: false\n  node_ip: 127.0.0.1\n\
             room:\n  enable_remote_unmute: true\n  auto_create: false\n\
             keys:\n  {api_key}: {api_secret}\n\
             webhook:\n  api_key: {api_key}\n  urls:\n    - http://127.0.0.1:{webhook_port}/webhooks/livekit/\n\
             logging:\n  level: info\n{redis}",
            udp_range.0, udp_range.1
        );
        let config_path = dir.path().join("livekit.yaml");
        std::fs::write(&config_path, config).expect("write livekit config");
        let mut server = Self {
            api_key,
            api_secret,
            http_port,
            webhook_port,
            webhook_port_for_viva: opts.webhook_port.is_none(),
            rtc_tcp_port,
            udp_range,
            service: spawn(&config_path, dir.path()),
            config: config_path,
            _dir: dir,
        };
        let addr = server.http_addr();
        server
            .service
            .wait_ready_or_port_clash(Duration::from_secs(30), "HTTP / answers OK", || {
                matches!(process::http_get(addr, "/"), Some((200, _)))
            })
            .ok()?;
        Some(server)
    }

    fn wait_ready(&mut self) {
        let addr = self.http_addr();
        self.service
            .wait_until(Duration::from_secs(30), "HTTP / answers OK", || {
                matches!(process::http_get(addr, "/"), Some((200, _)))
            });
    }

    pub fn http_addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.http_port))
    }

    /// The URL for server APIs (RoomService).
    pub fn http_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.http_port)
    }

    /// The URL clients connect to.
    pub fn ws_url(&self) -> String {
        format!("ws://127.0.0.1:{}", self.http_port)
    }

    /// Creates `room` (rooms are never created by a join: `room.auto_create: false`).
    /// Blocking; callable from async code too (it runs on a thread of its own).
    pub fn create_room(&self, room: &str) {
        let (url, key, secret, room) = (
            self.http_url(),
            self.api_key.clone(),
            self.api_secret.clone(),
            room.to_owned(),
        );
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                livekit_api::services::room::RoomClient::with_api_key(&url, &key, &secret)
                    .create_room(&room, Default::default())
                    .await
                    .unwrap_or_else(|e| panic!("CreateRoom {room}: {e}"));
            })
        })
        .join()
        .expect("create_room thread");
    }

    /// A token to join `room` with `grants` (the room is named in them), for tests that talk
    /// to LiveKit without viva-server. Creates the room first.
    pub fn join_token(
        &self,
        identity: &str,
        grants: livekit_api::access_token::VideoGrants,
    ) -> String {
        self.create_room(&grants.room);
        livekit_api::access_token::AccessToken::with_api_key(&self.api_key, &self.api_secret)
            .with_identity(identity)
            .with_name(identity)
            .with_grants(grants)
            .to_jwt()
            .expect("sign a join token")
    }

    /// Kills the server (SIGKILL), as a crash would.
    pub fn kill(&mut self) {
        self.service.kill();
    }

    /// Starts it again on the same ports and keys, after `kill`.
    pub fn restart(&mut self) {
        self.service.kill();
        let dir = self.config.parent().expect("config dir").to_path_buf();
        self.service = spawn(&self.config, &dir);
        self.wait_ready();
    }

    pub fn log_tail(&self) -> String {
        self.service.log_tail()
    }
}

fn spawn(config: &std::path::Path, dir: &std::path::Path) -> Service {
    let mut cmd = Command::new(cache::livekit_server_bin());
    cmd.arg("--dev")
        .arg("--bind")
        .arg("127.0.0.1")
        .arg("--config")
        .arg(config);
    let log = dir.join(format!(
        "livekit-{}.log",
        std::time::UNIX_EPOCH.elapsed().unwrap().as_nanos()
    ));
    Service::spawn("livekit-server", cmd, &log, libc::SIGKILL)
}

fn random_secret() -> String {
    use rand::distributions::Alphanumeric;
    use rand::Rng;
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(40)
        .map(char::from)
        .collect()
}
