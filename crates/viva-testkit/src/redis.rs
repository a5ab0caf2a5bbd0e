//! A throwaway Redis on loopback, no persistence.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::Command;
use std::time::Duration;

use crate::{ports, process::Service};

pub struct Redis {
    pub port: u16,
    _service: Service,
    _dir: tempfile::TempDir,
}

impl Redis {
    pub fn start() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("viva-redis-")
            .tempdir()
            .expect("tempdir");
        let port = ports::free_tcp_port();
        let mut cmd = Command::new("redis-server");
        cmd.args([
            "--bind",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .arg("--dir")
        .arg(dir.path());
        let mut service = Service::spawn(
            "redis-server",
            cmd,
            &dir.path().join("redis.log"),
            libc::SIGKILL,
        );
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        service.wait_until(Duration::from_secs(15), "PING answers PONG", || {
            ping(addr).is_some()
        });
        Self {
            port,
            _service: service,
            _dir: dir,
        }
    }

    /// `127.0.0.1:port`, as livekit-server's config wants it.
    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }
}

/// Sends PING and returns the reply line when it is +PONG.
pub fn ping(addr: SocketAddr) -> Option<String> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_millis(300)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(1))).ok()?;
    s.write_all(b"PING\r\n").ok()?;
    let mut buf = [0u8; 64];
    let n = s.read(&mut buf).ok()?;
    let reply = String::from_utf8_lossy(&buf[..n]).trim().to_owned();
    (reply == "+PONG").then_some(reply)
}
