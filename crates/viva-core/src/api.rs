//! The typed client of viva-server's HTTP API. Errors keep the server's status and
//! messages so the UI can say exactly what went wrong.

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;
use viva_api::auth::{LoginRequest, Me, RefreshRequest, TokenPair};
use viva_api::interviews::Interview;
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

    async fn send<T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&(impl Serialize + ?Sized)>,
    ) -> Result<T, ApiError> {
        let mut req = self.http.request(method, self.base.join(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let res = req.send().await.map_err(unreachable)?;
        let status = res.status().as_u16();
        let bytes = res.bytes().await.map_err(unreachable)?;
        if (200..300).contains(&status) {
            return serde_json::from_slice(&bytes).map_err(|e| ApiError::Protocol(e.to_string()));
        }
        match serde_json::from_slice::<ErrorBody>(&bytes) {
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

    pub async fn logout(&self, access: &str) -> Result<(), ApiError> {
        let _: serde_json::Value = self
            .send(
                reqwest::Method::POST,
                "/api/auth/logout",
                Some(access),
                None::<&()>,
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
        self.send(
            reqwest::Method::GET,
            "/api/interviews/",
            Some(access),
            None::<&()>,
        )
        .await
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
