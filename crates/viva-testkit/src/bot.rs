//! `viva-bot` as a child process, with its JSON lines collected for assertions.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::viva_server::workspace_bin;

pub struct Bot {
    pub name: String,
    child: Child,
    lines: mpsc::Receiver<serde_json::Value>,
    seen: Vec<serde_json::Value>,
}

impl Bot {
    /// Starts `viva-bot` with `args`; `env` adds variables (e.g. VIVA_BOT_PASSWORD).
    pub fn spawn(name: &str, args: &[String], env: &[(&str, &str)]) -> Bot {
        let mut cmd = Command::new(workspace_bin("viva-bot"));
        cmd.args(args)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        let mut child = cmd.spawn().expect("start viva-bot");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        let label = name.to_owned();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                match serde_json::from_str(&line) {
                    Ok(v) => {
                        if tx.send(v).is_err() {
                            return;
                        }
                    }
                    Err(_) => eprintln!("[{label}] not JSON: {line}"),
                }
            }
        });
        Bot {
            name: name.to_owned(),
            child,
            lines: rx,
            seen: Vec::new(),
        }
    }

    /// A participant joining LiveKit at `ws_url` directly with `token` (no backend);
    /// `extra` adds flags such as `--publish video`.
    pub fn with_token(name: &str, ws_url: &str, token: &str, extra: &[&str]) -> Bot {
        let mut args: Vec<String> = vec![
            "--url".into(),
            ws_url.into(),
            "--token".into(),
            token.into(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        Bot::spawn(name, &args, &[])
    }

    /// A demo user (as `viva-server demo` creates them) joining `interview` through the
    /// backend at `server_url`; `extra` adds flags such as `--publish audio,video`.
    pub fn demo_user(
        name: &str,
        server_url: &str,
        username: &str,
        interview: &str,
        extra: &[&str],
    ) -> Bot {
        Self::demo_user_with_env(name, server_url, username, interview, extra, &[])
    }

    /// `demo_user` with extra environment (e.g. `VIVA_FAKE_CAMERA` for `--publish camera`).
    pub fn demo_user_with_env(
        name: &str,
        server_url: &str,
        username: &str,
        interview: &str,
        extra: &[&str],
        env: &[(&str, &str)],
    ) -> Bot {
        let password = match username {
            "candidate" => "viva-candidate",
            "interviewer" => "viva-interviewer",
            other => panic!("no demo password for {other}"),
        };
        let mut args: Vec<String> = [
            "--server",
            server_url,
            "--username",
            username,
            "--interview",
            interview,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        args.extend(extra.iter().map(|s| s.to_string()));
        let mut vars = vec![("VIVA_BOT_PASSWORD", password)];
        vars.extend_from_slice(env);
        Bot::spawn(name, &args, &vars)
    }

    /// Waits for a line matching `pred`, returning it; panics with everything seen after
    /// `timeout`. Lines already seen are searched first.
    pub fn wait_for(
        &mut self,
        what: &str,
        timeout: Duration,
        pred: impl Fn(&serde_json::Value) -> bool,
    ) -> serde_json::Value {
        if let Some(v) = self.seen.iter().find(|v| pred(v)) {
            return v.clone();
        }
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(v) => {
                    self.seen.push(v.clone());
                    if pred(&v) {
                        return v;
                    }
                }
                Err(_) => panic!(
                    "bot {} never reported {what} within {timeout:?}; it said:\n{}",
                    self.name,
                    self.seen
                        .iter()
                        .map(|v| v.to_string())
                        .collect::<Vec<_>>()
                        .join("\n")
                ),
            }
        }
    }

    /// Waits for an event by name.
    pub fn wait_event(&mut self, event: &str, timeout: Duration) -> serde_json::Value {
        self.wait_for(event, timeout, |v| v["event"] == event)
    }

    /// Everything the bot printed so far (after draining what is ready).
    pub fn seen(&mut self) -> &[serde_json::Value] {
        while let Ok(v) = self.lines.try_recv() {
            self.seen.push(v);
        }
        &self.seen
    }

    /// Waits for the process to exit and returns its code.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<i32> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Bot {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
