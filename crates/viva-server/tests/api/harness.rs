//! `TestApp`: a viva-server on a free port with a fresh database, and typed helpers so
//! each test reads like a story.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};

use reqwest::{Method, StatusCode};
use serde_json::Value;
use viva_server::config::Config;
use viva_server::domain::{InterviewStatus, InterviewType, Role};
use viva_server::store::{Interview, NewInterview, User};
use viva_server::{AppState, Store};
use viva_testkit::LiveKitServer;

pub struct TestApp {
    pub base: String,
    /// The server's state, for driving background work (`viva_server::sweeper`) directly.
    pub state: AppState,
    pub store: Store,
    pub livekit: Option<Arc<LiveKitServer>>,
    pub client: reqwest::Client,
    _dir: tempfile::TempDir,
}

#[derive(Default)]
pub struct Opts {
    pub database_url: Option<String>,
    pub livekit: Option<Arc<LiveKitServer>>,
    /// Extra configuration variables (VIVA_NOTIFIER, limits, ...).
    pub env: Vec<(&'static str, String)>,
}

/// Everything every in-process server of this test binary logged (debug level for
/// viva-server), so that tests can prove no secret reached a log line.
static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();

struct LogSink(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn capture_logs() {
    LOGS.get_or_init(|| {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let sink = buf.clone();
        let _ = tracing_subscriber::fmt()
            .with_env_filter("info,viva_server=debug,sqlx=warn")
            .with_ansi(false)
            // No timestamps: their microsecond fields are 6-digit numbers that a 6-digit
            // PIN would sometimes match by chance.
            .without_time()
            .with_writer(move || LogSink(sink.clone()))
            .try_init();
        buf
    });
}

/// The log lines captured so far in this test binary.
pub fn captured_logs() -> String {
    capture_logs();
    String::from_utf8_lossy(&LOGS.get().unwrap().lock().unwrap()).into_owned()
}

/// Asserts that none of `secrets` appears in any captured log line.
#[track_caller]
pub fn assert_not_logged(secrets: &[&str]) {
    let logs = captured_logs();
    assert!(
        logs.contains("request"),
        "the log capture works (request lines are there)"
    );
    for s in secrets {
        assert!(!s.is_empty());
        assert!(
            !contains_word(&logs, s),
            "a secret ({} chars) appears in the log",
            s.len()
        );
    }
}

/// Whether `needle` occurs in `text` as a whole token (not inside a longer run of letters
/// and digits): a 6-digit PIN must not "match" the middle of an unrelated number or id.
fn contains_word(text: &str, needle: &str) -> bool {
    let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    text.match_indices(needle).any(|(i, _)| {
        !word(text[..i].chars().next_back()) && !word(text[i + needle.len()..].chars().next())
    })
}

/// A signed-in test user.
#[derive(Clone, Debug)]
pub struct Actor {
    pub user: User,
    pub token: String,
    pub password: String,
}

impl Actor {
    pub fn identity(&self) -> String {
        format!("user-{}", self.user.id)
    }
}

impl TestApp {
    /// SQLite in a temporary file; no LiveKit.
    pub async fn start() -> Self {
        Self::start_with(Opts::default()).await
    }

    /// SQLite and a real livekit-server of its own.
    pub async fn with_livekit() -> Self {
        let lk = Arc::new(
            tokio::task::spawn_blocking(LiveKitServer::start)
                .await
                .unwrap(),
        );
        Self::start_with(Opts {
            livekit: Some(lk),
            ..Opts::default()
        })
        .await
    }

    pub async fn start_with(opts: Opts) -> Self {
        capture_logs();
        let dir = tempfile::tempdir().unwrap();
        let url = opts.database_url.unwrap_or_else(|| {
            format!("sqlite://{}?mode=rwc", dir.path().join("viva.db").display())
        });
        let lk = opts.livekit.clone();
        let mut vars: Vec<(&str, String)> = vec![
            ("VIVA_DATABASE_URL", url.clone()),
            (
                "VIVA_JWT_SECRET",
                "test-jwt-secret-test-jwt-secret-test-jwt".into(),
            ),
        ];
        if let Some(lk) = &lk {
            vars.push(("VIVA_LIVEKIT_URL", lk.http_url()));
            vars.push(("VIVA_LIVEKIT_PUBLIC_URL", lk.ws_url()));
            vars.push(("VIVA_LIVEKIT_API_KEY", lk.api_key.clone()));
            vars.push(("VIVA_LIVEKIT_API_SECRET", lk.api_secret.clone()));
        }
        vars.extend(opts.env);
        let config =
            Config::from_sources(|k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone()))
                .expect("test config");
        let store = Store::connect(&url).await.expect("connect");
        store.migrate().await.expect("migrate");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = AppState::new(config, store.clone());
        let app =
            viva_server::app(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        TestApp {
            base: format!("http://{addr}"),
            state,
            store,
            livekit: lk,
            client: reqwest::Client::new(),
            _dir: dir,
        }
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.expect("request");
        let status = res.status();
        // No request in this suite may produce a server error: bad input is always a 4xx.
        assert!(status.as_u16() < 500, "{path} answered {status}");
        let text = res.text().await.unwrap();
        let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, value)
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        self.request(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        self.request(Method::POST, path, token, Some(body)).await
    }

    /// Creates a user directly in the store and signs in over HTTP.
    pub async fn actor(&self, username: &str, role: Role, staff: bool, superuser: bool) -> Actor {
        let password = format!("{username}-password");
        let user = viva_server::cli::create_user(
            &self.store,
            username,
            &password,
            role,
            staff,
            superuser,
            None,
            phonenumber::country::Id::AE,
            None,
            None,
        )
        .await
        .unwrap();
        let (status, body) = self
            .post(
                "/api/auth/login",
                None,
                serde_json::json!({"username": username, "password": password}),
            )
            .await;
        assert_eq!(status, 200, "login {username}: {body}");
        Actor {
            user,
            token: body["access_token"].as_str().unwrap().to_owned(),
            password,
        }
    }

    pub async fn interview(
        &self,
        candidate: &Actor,
        interviewer: &Actor,
        status: InterviewStatus,
    ) -> Interview {
        self.store
            .create_interview(new_interview(candidate, interviewer, status))
            .await
            .unwrap()
    }
}

/// A technical interview of an hour, ten minutes from now, between these two.
pub fn new_interview(
    candidate: &Actor,
    interviewer: &Actor,
    status: InterviewStatus,
) -> NewInterview {
    NewInterview {
        sender_id: candidate.user.id,
        receiver_id: interviewer.user.id,
        topic: "Backend Engineer Interview".into(),
        status,
        scheduled_time_ms: chrono::Utc::now().timestamp_millis() + 600_000,
        duration_minutes: 60,
        interview_type: InterviewType::Technical,
        application_id: None,
    }
}

/// The cast of most tests.
pub struct Cast {
    pub candidate: Actor,
    pub interviewer: Actor,
    pub other_interviewer: Actor,
    pub staff: Actor,
    pub superuser: Actor,
}

impl Cast {
    pub async fn new(app: &TestApp) -> Self {
        Cast {
            candidate: app.actor("cand", Role::Candidate, false, false).await,
            interviewer: app.actor("intv", Role::Interviewer, false, false).await,
            other_interviewer: app.actor("other", Role::Interviewer, false, false).await,
            staff: app.actor("hr", Role::Interviewer, true, false).await,
            superuser: app.actor("root", Role::Interviewer, true, true).await,
        }
    }
}

/// Asserts the documented error shape and status.
#[track_caller]
pub fn assert_error(status: StatusCode, body: &Value, expected: u16) {
    assert_eq!(status.as_u16(), expected, "status; body: {body}");
    assert_eq!(body["statusCode"], expected, "statusCode in body: {body}");
    assert!(
        body["message"]
            .as_array()
            .is_some_and(|m| !m.is_empty() && m.iter().all(Value::is_string)),
        "message is a non-empty list of strings: {body}"
    );
    assert!(body["error"].is_string(), "error is a string: {body}");
}

/// The claims of a JWT, unverified (tests check what the server put in).
pub fn jwt_claims(token: &str) -> Value {
    use base64::Engine;
    let payload = token.split('.').nth(1).expect("JWT has a payload");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url payload");
    serde_json::from_slice(&bytes).expect("JSON claims")
}
