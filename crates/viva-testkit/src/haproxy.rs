//! A real HAProxy (Debian's) in front of several viva-server nodes on loopback: round robin,
//! health checks on `/healthz`, and retries on another node when one fails to answer, as a
//! deployment would run it (README, "Deploying for many users").

use std::net::SocketAddr;
use std::process::Command;
use std::time::Duration;

use crate::{process, process::Service};

pub struct HaProxy {
    pub port: u16,
    service: Service,
    _dir: tempfile::TempDir,
}

impl HaProxy {
    /// Listens on `port` and balances over the viva-server nodes on `backends`.
    pub fn start(port: u16, backends: &[u16]) -> Self {
        let dir = tempfile::Builder::new()
            .prefix("viva-haproxy-")
            .tempdir()
            .expect("tempdir");
        let servers: String = backends
            .iter()
            .enumerate()
            .map(|(i, p)| {
                format!("  server node{i} 127.0.0.1:{p} check inter 300ms fall 1 rise 2\n")
            })
            .collect();
        let config = format!(
            "global\n  maxconn 4096\n\
             defaults\n  mode http\n  timeout connect 500ms\n  timeout client 30s\n  \
             timeout server 30s\n  retries 3\n  option redispatch 1\n  \
             retry-on conn-failure empty-response response-timeout\n  \
             option http-buffer-request\n\
             frontend viva\n  bind 127.0.0.1:{port}\n  option forwardfor\n  default_backend nodes\n\
             backend nodes\n  balance roundrobin\n  option httpchk GET /healthz\n  \
             http-check expect status 200\n{servers}"
        );
        let path = dir.path().join("haproxy.cfg");
        std::fs::write(&path, config).expect("write haproxy.cfg");
        let mut cmd = Command::new(haproxy_bin());
        cmd.arg("-db").arg("-f").arg(&path);
        let mut service = Service::spawn(
            "haproxy",
            cmd,
            &dir.path().join("haproxy.log"),
            libc::SIGTERM,
        );
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        service.wait_until(
            Duration::from_secs(20),
            "GET /healthz through the proxy",
            || matches!(process::http_get(addr, "/healthz"), Some((200, _))),
        );
        Self {
            port,
            service,
            _dir: dir,
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn log_tail(&self) -> String {
        self.service.log_tail()
    }
}

fn haproxy_bin() -> &'static str {
    // Debian installs it in /usr/sbin, which a non-root PATH may lack.
    if std::path::Path::new("/usr/sbin/haproxy").exists() {
        "/usr/sbin/haproxy"
    } else {
        "haproxy"
    }
}
