//! A private PulseAudio daemon: its own HOME and runtime dir, a null sink, a null source
//! (silence) and a sine source (a 440 Hz "voice" for level meters), anonymous access on a
//! unix socket. Stopped when dropped.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct PulseAudio {
    child: Child,
    socket: PathBuf,
    _dir: tempfile::TempDir,
}

impl PulseAudio {
    pub fn start() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("viva-pulse-")
            .tempdir()
            .expect("tempdir");
        let (home, runtime) = (dir.path().join("home"), dir.path().join("run"));
        std::fs::create_dir_all(&home).unwrap();
        std::fs::create_dir_all(&runtime).unwrap();
        let socket = dir.path().join("native");
        let log = std::fs::File::create(dir.path().join("pulseaudio.log")).unwrap();
        // -n: no default.pa (no hardware probing); we run as root in CI, which PulseAudio
        // allows outside --system mode with a warning.
        let child = Command::new("pulseaudio")
            .args(["-n", "--daemonize=no", "--exit-idle-time=-1", "--disallow-exit", "--use-pid-file=no"])
            .args(["--disable-shm=yes", "--log-target=stderr"])
            .args(["-L", "module-null-sink sink_name=viva_null_sink sink_properties=device.description=VivaNullSink"])
            .args(["-L", "module-null-source source_name=viva_null_source description=VivaNullSource"])
            .args(["-L", "module-sine-source source_name=viva_sine_source frequency=440"])
            .arg("-L")
            .arg(format!("module-native-protocol-unix auth-anonymous=1 socket={}", socket.display()))
            .env("HOME", &home)
            .env("XDG_RUNTIME_DIR", &runtime)
            .env_remove("PULSE_SERVER")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("pulseaudio is installed (scripts/bootstrap)");
        let mut pulse = Self {
            child,
            socket,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while !pulse.socket.exists() {
            if let Ok(Some(status)) = pulse.child.try_wait() {
                panic!("pulseaudio exited at start-up: {status}");
            }
            assert!(
                Instant::now() < deadline,
                "pulseaudio did not open its socket in 10 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        pulse
    }

    /// The value for `PULSE_SERVER`.
    pub fn server(&self) -> String {
        format!("unix:{}", self.socket.display())
    }
}

impl Drop for PulseAudio {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
