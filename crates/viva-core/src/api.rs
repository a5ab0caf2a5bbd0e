//! The typed client of viva-server's HTTP API. Errors keep the server's status and
//! messages so the UI can say exactly what went wrong.

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;
use viva_api::auth::{LoginRequest, Me, RefreshRequest, TokenPair};
use viva_api::interviews::Interview;
use viva_api::livekit::ConnectionInfo;
use viva_api::platform::DialInInfo;
use viva_api::public::{PublicEndResponse, PublicJoinRequest, PublicJoinResponse, PublicRoomInfo};
use viva_api::questions::InterviewQuestion;
use viva_api::rooms::{ActiveRoom, ControlRequest, ControlResponse, JoinResponse, RoomInfo};
use viva_api::ErrorBody;

use crate::server_url::ServerUrl;

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum ApiError {
    /// The server answered with an error in the documented shape.
    #[error("{}", .messages.join("; "))]
    Server { status: u16, messages: Vec<String> },
    /// The server could not be reached (offline, refused, timed out).
    #[error("cannot reach the server: {0}")]
    Unreachable(String),
    /// The server answered something we do not understand.
    #[error("unexpected answer from the server: {0}")]
    Protocol(String),
}

impl ApiError {
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Server { status, .. } => Some(*status),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct ApiClient {
    base: ServerUrl,
    http: reqwest::Client,
}

impl ApiClient {
    pub fn new(base: ServerUrl) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(20))
            .user_agent(concat!("viva-core/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("reqwest client with static settings");
        Self { base, http }
    }

    pub fn base(&self) -> &ServerUrl {
        &self.base
    }

    /// One request: (status, the next page's cursor if any, body).
    async fn exchange(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&(impl Serialize + ?Sized)>,
    ) -> Result<(u16, Option<String>, Vec<u8>), ApiError> {
        let mut req = self.http.request(method, self.base.join(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let res = req.send().await.map_err(unreachable)?;
        let status = res.status().as_u16();
        let next = res
            .headers()
            .get(NEXT_CURSOR)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = res.bytes().await.map_err(unreachable)?.to_vec();
        Ok((status, next, bytes))
    }

    async fn send<T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&(impl Serialize + ?Sized)>,
    ) -> Result<T, ApiError> {
        let (status, _, bytes) = self.exchange(method, path, token, body).await?;
        Self::decode(status, &bytes)
    }

    /// Every page of a list endpoint (`X-Next-Cursor`), up to a sane bound.
    async fn list_all<T: DeserializeOwned>(
        &self,
        path: &str,
        token: &str,
    ) -> Result<Vec<T>, ApiError> {
        const PAGE: &str = "limit=200";
        const MAX_PAGES: usize = 50;
        let mut all = Vec::new();
        let mut next: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let url = match &next {
                Some(c) => format!("{path}?{PAGE}&cursor={}", encode(c)),
                None => format!("{path}?{PAGE}"),
            };
            let (status, cursor, bytes) = self
                .exchange(reqwest::Method::GET, &url, Some(token), None::<&()>)
                .await?;
            all.extend(Self::decode::<Vec<T>>(status, &bytes)?);
            next = cursor;
            if next.is_none() {
                break;
            }
        }
        Ok(all)
    }

    /// A JSON answer, or the error it carries in the documented shape.
    fn decode<T: DeserializeOwned>(status: u16, bytes: &[u8]) -> Result<T, ApiError> {
        if (200..300).contains(&status) {
            return serde_json::from_slice(bytes).map_err(|e| ApiError::Protocol(e.to_string()));
        }
        match serde_json::from_slice::<ErrorBody>(bytes) {
            Ok(body) => Err(ApiError::Server {
                status,
                messages: body.message,
            }),
            Err(_) => Err(ApiError::Server {
                status,
                messages: vec![format!("HTTP {status}")],
            }),
        }
    }

    /// A request whose every answer is returned as (status, body), for callers that read
    /// error bodies themselves (the draft sync reads a 409's current draft). With `key`,
    /// it carries an `Idempotency-Key`.
    pub(crate) async fn send_raw(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Option<&serde_json::Value>,
        key: Option<&str>,
    ) -> Result<(u16, Vec<u8>), ApiError> {
        let mut req = self
            .http
            .request(method, self.base.join(path))
            .bearer_auth(token);
        if let Some(k) = key {
            req = req.header(viva_api::feedback::IDEMPOTENCY_HEADER, k);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let res = req.send().await.map_err(unreachable)?;
        let status = res.status().as_u16();
        let bytes = res.bytes().await.map_err(unreachable)?;
        Ok((status, bytes.to_vec()))
    }

    pub async fn login(&self, username: &str, password: &str) -> Result<TokenPair, ApiError> {
        let body = LoginRequest {
            username: Some(username.to_owned()),
            password: Some(password.to_owned()),
        };
        self.send(reqwest::Method::POST, "/api/auth/login", None, Some(&body))
            .await
    }

    pub async fn refresh(&self, refresh_token: &str) -> Result<TokenPair, ApiError> {
        let body = RefreshRequest {
            refresh_token: Some(refresh_token.to_owned()),
        };
        self.send(
            reqwest::Method::POST,
            "/api/auth/refresh",
            None,
            Some(&body),
        )
        .await
    }

    /// Ends the session the refresh token belongs to. By refresh token rather than access
    /// token: an expired access token (or none, after an offline start) still signs out.
    pub async fn logout(&self, refresh: &str) -> Result<(), ApiError> {
        let _: serde_json::Value = self
            .send(
                reqwest::Method::POST,
                "/api/auth/logout",
                None,
                Some(&serde_json::json!({ "refresh_token": refresh })),
            )
            .await?;
        Ok(())
    }

    pub async fn me(&self, access: &str) -> Result<Me, ApiError> {
        self.send(
            reqwest::Method::GET,
            "/api/auth/me",
            Some(access),
            None::<&()>,
        )
        .await
    }

    pub async fn interviews(&self, access: &str) -> Result<Vec<Interview>, ApiError> {
        self.list_all("/api/interviews/", access).await
    }

    pub async fn join(&self, access: &str, interview_id: &str) -> Result<JoinResponse, ApiError> {
        let path = format!("/api/interviews/{}/join/", encode(interview_id));
        self.send(
            reqwest::Method::POST,
            &path,
            Some(access),
            Some(&serde_json::json!({})),
        )
        .await
    }

    pub async fn room_info(&self, access: &str, interview_id: &str) -> Result<RoomInfo, ApiError> {
        let path = format!("/api/interviews/{}/room/info/", encode(interview_id));
        self.send(reqwest::Method::GET, &path, Some(access), None::<&()>)
            .await
    }

    /// The interview room's dial-in (numbers, PIN); `enable` turns it on first (the
    /// interviewer).
    pub async fn dial_in(
        &self,
        access: &str,
        interview_id: &str,
        region: &str,
        enable: bool,
    ) -> Result<DialInInfo, ApiError> {
        let path = format!(
            "/api/interviews/{}/dial-in/?region={}",
            encode(interview_id),
            encode(region)
        );
        if enable {
            self.send(
                reqwest::Method::POST,
                &path,
                Some(access),
                Some(&serde_json::json!({})),
            )
            .await
        } else {
            self.send(reqwest::Method::GET, &path, Some(access), None::<&()>)
                .await
        }
    }

    /// A participant's answer to the recording question, proven by their join token.
    pub async fn recording_consent(
        &self,
        join_token: &str,
        room_id: &str,
        recording_id: &str,
        consent: bool,
    ) -> Result<viva_api::recording::RoomRecording, ApiError> {
        let path = format!("/api/v1/rooms/{}/recording/consent/", encode(room_id));
        let body = viva_api::recording::ConsentInput {
            recording_id: Some(recording_id.to_owned()),
            consent: Some(consent),
        };
        self.send(reqwest::Method::POST, &path, Some(join_token), Some(&body))
            .await
    }

    /// The interviewer starts (`start`) or stops (`stop`) recording their interview.
    pub async fn interview_recording(
        &self,
        access: &str,
        interview_id: &str,
        start: bool,
    ) -> Result<viva_api::recording::Recording, ApiError> {
        let action = if start { "start" } else { "stop" };
        let path = format!(
            "/api/interviews/{}/recording/{action}/",
            encode(interview_id)
        );
        self.send(
            reqwest::Method::POST,
            &path,
            Some(access),
            Some(&serde_json::json!({})),
        )
        .await
    }

    /// Where the media server is (`GET /api/livekit/connection-info`).
    pub async fn connection_info(&self, access: &str) -> Result<ConnectionInfo, ApiError> {
        self.send(
            reqwest::Method::GET,
            "/api/livekit/connection-info",
            Some(access),
            None::<&()>,
        )
        .await
    }

    /// The interview as an iCalendar event (`.ics` text).
    pub async fn interview_calendar(
        &self,
        access: &str,
        interview_id: &str,
    ) -> Result<String, ApiError> {
        let path = format!("/api/interviews/{}/calendar.ics", encode(interview_id));
        let (status, _, bytes) = self
            .exchange(reqwest::Method::GET, &path, Some(access), None::<&()>)
            .await?;
        if (200..300).contains(&status) {
            return String::from_utf8(bytes).map_err(|e| ApiError::Protocol(e.to_string()));
        }
        Err(Self::decode::<serde_json::Value>(status, &bytes)
            .err()
            .unwrap_or_else(|| ApiError::Protocol(format!("HTTP {status}"))))
    }

    /// The interview's questions (the interviewer): the job's, then the bank's.
    pub async fn interview_questions(
        &self,
        access: &str,
        interview_id: &str,
    ) -> Result<Vec<InterviewQuestion>, ApiError> {
        let path = format!("/api/interviews/{}/questions/", encode(interview_id));
        self.send(reqwest::Method::GET, &path, Some(access), None::<&()>)
            .await
    }

    pub async fn room_control(
        &self,
        access: &str,
        interview_id: &str,
        control: &ControlRequest,
    ) -> Result<ControlResponse, ApiError> {
        let path = format!("/api/interviews/{}/room/controls/", encode(interview_id));
        self.send(reqwest::Method::POST, &path, Some(access), Some(control))
            .await
    }
}

impl ApiClient {
    pub async fn active_rooms(&self, access: &str) -> Result<Vec<ActiveRoom>, ApiError> {
        self.send(
            reqwest::Method::GET,
            "/api/interviews/rooms/active/",
            Some(access),
            None::<&()>,
        )
        .await
    }
}

/// What `getRoomToken` (GraphQL) answers: a LiveKit token for a password room.
#[derive(Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PasswordRoomToken {
    pub token: String,
    pub room_name: String,
    /// Where to connect (LiveKit).
    pub server_url: String,
}

impl std::fmt::Debug for PasswordRoomToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordRoomToken")
            .field("room_name", &self.room_name)
            .finish_non_exhaustive()
    }
}

impl ApiClient {
    /// A public room's job, company, instructions and status (no sign-in).
    pub async fn public_room_info(&self, room_code: &str) -> Result<PublicRoomInfo, ApiError> {
        let path = format!("/api/public/interview/room/{}", encode(room_code));
        self.send(reqwest::Method::GET, &path, None, None::<&()>)
            .await
    }

    /// Joins a public room with the phone number on the application (no sign-in).
    pub async fn public_join(
        &self,
        room_code: &str,
        phone: &str,
        first_name: &str,
        last_name: &str,
    ) -> Result<PublicJoinResponse, ApiError> {
        let path = format!("/api/public/interview/join/{}", encode(room_code));
        let body = PublicJoinRequest {
            phone_number: Some(phone.to_owned()),
            first_name: Some(first_name.to_owned()),
            last_name: Some(last_name.to_owned()),
        };
        self.send(reqwest::Method::POST, &path, None, Some(&body))
            .await
    }

    /// Ends a public session with the participant token its join returned.
    pub async fn public_end(
        &self,
        room_code: &str,
        participant_token: &str,
    ) -> Result<PublicEndResponse, ApiError> {
        let path = format!("/api/public/interview/room/{}/end", encode(room_code));
        self.send(
            reqwest::Method::POST,
            &path,
            Some(participant_token),
            Some(&serde_json::json!({})),
        )
        .await
    }

    /// Exchanges an application's one-time password for a LiveKit token (GraphQL
    /// `getRoomToken`). GraphQL errors become `ApiError::Server` with their `statusCode`.
    pub async fn password_room_token(
        &self,
        application_id: &str,
        password: &str,
    ) -> Result<PasswordRoomToken, ApiError> {
        let body = serde_json::json!({
            "query": "mutation($id: ID!, $pw: String!) { getRoomToken(getRoomTokenInput: {applicationId: $id, password: $pw}) { token roomName serverUrl } }",
            "variables": { "id": application_id, "pw": password },
        });
        let answer: serde_json::Value = self
            .send(reqwest::Method::POST, "/graphql", None, Some(&body))
            .await?;
        if let Some(err) = answer["errors"].as_array().and_then(|e| e.first()) {
            return Err(ApiError::Server {
                status: err["extensions"]["statusCode"]
                    .as_u64()
                    .and_then(|s| u16::try_from(s).ok())
                    .unwrap_or(400),
                messages: vec![err["message"]
                    .as_str()
                    .unwrap_or("GraphQL error")
                    .to_owned()],
            });
        }
        serde_json::from_value(answer["data"]["getRoomToken"].clone())
            .map_err(|e| ApiError::Protocol(e.to_string()))
    }
}

/// Ids go into paths: keep them to one segment whatever the user typed.
fn encode(segment: &str) -> String {
    url::form_urlencoded::byte_serialize(segment.as_bytes()).collect()
}

/// A short reason a person can act on; tokens travel in headers, never in URLs, so the
/// underlying error text holds nothing secret.
fn unreachable(e: reqwest::Error) -> ApiError {
    ApiError::Unreachable(if e.is_timeout() {
        "the request timed out".into()
    } else if e.is_connect() {
        "the connection was refused or the server is offline".into()
    } else {
        e.to_string()
    })
}

/// The next page's cursor on list answers (viva-server's `routes/paging.rs`).
const NEXT_CURSOR: &str = "x-next-cursor";
