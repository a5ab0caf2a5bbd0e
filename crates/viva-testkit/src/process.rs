//! Child processes that cannot outlive the test that started them.

use std::fs::File;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A service lost the race for its port to another process; retry on fresh ports.
#[derive(Debug)]
pub struct PortClash;

/// A running service. Drop sends `stop_signal`, waits briefly, then kills.
pub struct Service {
    name: String,
    child: Child,
    log: PathBuf,
    stop_signal: i32,
}

impl Service {
    /// Spawns `cmd` with output to `log`. `death_signal` is what the kernel sends the child
    /// if the spawning thread dies first (a test that aborts).
    pub fn spawn(name: &str, mut cmd: Command, log: &Path, stop_signal: i32) -> Service {
        let out = File::create(log).unwrap_or_else(|e| panic!("create {}: {e}", log.display()));
        let err = out.try_clone().expect("dup log fd");
        cmd.stdin(Stdio::null()).stdout(out).stderr(err);
        // SAFETY: prctl and setpgid are async-signal-safe; nothing else runs between fork
        // and exec. Its own process group lets the guard stop what the service starts in
        // turn (tauri-driver -> WebKitWebDriver -> the app), which the death signal, sent
        // to the direct child only, would miss.
        unsafe {
            cmd.pre_exec(move || {
                if libc::prctl(libc::PR_SET_PDEATHSIG, stop_signal as libc::c_ulong) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                if libc::setpgid(0, 0) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let program = cmd.get_program().to_owned();
        let child = spawn_from_keeper(cmd)
            .unwrap_or_else(|e| panic!("cannot start {name} ({program:?}): {e}"));
        Service {
            name: name.to_owned(),
            child,
            log: log.to_path_buf(),
            stop_signal,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn log_path(&self) -> &Path {
        &self.log
    }

    /// The last lines of the service's log, for failure messages.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }

    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Panics with the log if the process has already exited.
    pub fn assert_running(&mut self) {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!(
                "{} exited early ({status}); log:\n{}",
                self.name,
                self.log_tail()
            );
        }
    }

    /// Like `wait_until`, but a service that exits because its port was taken meanwhile
    /// (free ports are only free until someone binds them) is reported, not a panic, so the
    /// caller can retry on fresh ports.
    pub fn wait_ready_or_port_clash(
        &mut self,
        timeout: Duration,
        what: &str,
        mut ready: impl FnMut() -> bool,
    ) -> Result<(), PortClash> {
        let deadline = Instant::now() + timeout;
        loop {
            if !self.is_running() {
                let log = self.log_tail();
                if log.contains("address already in use") || log.contains("Address already in use")
                {
                    return Err(PortClash);
                }
                self.assert_running();
            }
            if ready() {
                return Ok(());
            }
            if Instant::now() > deadline {
                panic!(
                    "{} not ready ({what}) after {timeout:?}; log:\n{}",
                    self.name,
                    self.log_tail()
                );
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Polls `ready` until it holds, failing with the service's log after `timeout`.
    pub fn wait_until(&mut self, timeout: Duration, what: &str, mut ready: impl FnMut() -> bool) {
        let deadline = Instant::now() + timeout;
        loop {
            self.assert_running();
            if ready() {
                return;
            }
            if Instant::now() > deadline {
                panic!(
                    "{} not ready ({what}) after {timeout:?}; log:\n{}",
                    self.name,
                    self.log_tail()
                );
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Stops the service now (SIGKILL), e.g. to simulate a crash.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn stop(&mut self) {
        self.stop_child();
        self.stop_group();
    }

    /// Whatever the service started and left running (its process group) is stopped too,
    /// and waited for: the next test must not meet the last test's app (single-instance
    /// apps hand over to a running instance and exit).
    fn stop_group(&self) {
        let pgid = self.child.id() as i32;
        let group = -pgid;
        let alive = || group_alive(pgid);
        if !alive() {
            return;
        }
        // SAFETY: signalling the process group we created for this service.
        unsafe { libc::kill(group, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(5);
        while alive() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        if alive() {
            // SAFETY: as above.
            unsafe { libc::kill(group, libc::SIGKILL) };
            let deadline = Instant::now() + Duration::from_secs(2);
            while alive() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }

    fn stop_child(&mut self) {
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        // SAFETY: signalling our own child by pid.
        unsafe { libc::kill(self.child.id() as i32, self.stop_signal) };
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.kill();
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Whether a live (not zombie) process is in process group `pgid`, read from /proc: a
/// signal probe would count zombies, which are gone for every purpose that matters here.
fn group_alive(pgid: i32) -> bool {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return false;
    };
    dir.flatten().any(|e| {
        let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else {
            return false;
        };
        // "pid (comm) state ppid pgrp ..."; comm may hold spaces and parentheses.
        let Some(rest) = stat.rsplit_once(") ").map(|(_, r)| r) else {
            return false;
        };
        let mut fields = rest.split_whitespace();
        let state = fields.next();
        let group = fields.nth(1).and_then(|g| g.parse::<i32>().ok());
        group == Some(pgid) && state != Some("Z")
    })
}

/// Spawns `cmd` from one thread that lives as long as the process.
///
/// `PR_SET_PDEATHSIG` fires when the *thread* that forked the child ends, not the process.
/// Tests spawn from tokio's blocking pool (whose idle threads exit after ten seconds) and
/// from short-lived test threads; spawning from a keeper thread makes the signal mean
/// "the test process died", which is what we want.
fn spawn_from_keeper(cmd: Command) -> std::io::Result<Child> {
    use std::sync::mpsc;
    use std::sync::{Mutex, OnceLock};
    type Job = (Command, mpsc::Sender<std::io::Result<Child>>);
    static KEEPER: OnceLock<Mutex<mpsc::Sender<Job>>> = OnceLock::new();
    let keeper = KEEPER.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("viva-testkit-spawner".into())
            .spawn(move || {
                for (mut cmd, reply) in rx {
                    let _ = reply.send(cmd.spawn());
                }
            })
            .expect("start the spawner thread");
        Mutex::new(tx)
    });
    let (reply_tx, reply_rx) = mpsc::channel();
    keeper
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .send((cmd, reply_tx))
        .map_err(|_| std::io::Error::other("spawner thread is gone"))?;
    reply_rx
        .recv()
        .map_err(|_| std::io::Error::other("spawner thread is gone"))?
}

/// True when something accepts TCP connections at `addr`.
pub fn tcp_open(addr: SocketAddr) -> bool {
    TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok()
}

/// A minimal HTTP/1.0 GET on loopback; returns (status, body). Enough for readiness probes
/// without pulling an HTTP client into every test binary.
pub fn http_get(addr: SocketAddr, path: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_millis(500)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").ok()?;
    let mut buf = String::new();
    stream.read_to_string(&mut buf).ok()?;
    let status = buf.split_whitespace().nth(1)?.parse().ok()?;
    let body = buf
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Some((status, body))
}
