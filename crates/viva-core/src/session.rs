//! The signed-in session. The refresh token lives in the OS keyring (so a restart needs no
//! password) and in memory; the access token only in memory, refreshed before it expires.
//! Signing out deletes both.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;
use viva_api::auth::{Me, TokenPair};

use crate::api::ApiClient;
use crate::error::{CoreError, ErrorCode};
use crate::secrets::SecretStore;
use crate::server_url::ServerUrl;

/// The keyring entry holding the remembered session.
pub const SESSION_ENTRY: &str = "session";
/// The keyring entry of a sign-out the server has not confirmed (it was unreachable): the
/// session stays alive on the server until it hears of it, so it is retried.
pub const PENDING_SIGN_OUT_ENTRY: &str = "pending-sign-out";
/// Refresh this long before the access token expires.
const REFRESH_MARGIN_S: i64 = 60;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SessionInfo {
    pub server_url: String,
    pub user: UserInfo,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UserInfo {
    pub id: String,
    pub username: String,
    pub display_name: String,
    /// interviewer | candidate
    pub role: String,
    pub is_staff: bool,
    pub is_superuser: bool,
}

impl From<Me> for UserInfo {
    fn from(m: Me) -> Self {
        Self {
            id: m.id,
            username: m.username,
            display_name: m.display_name,
            role: m.role,
            is_staff: m.is_staff,
            is_superuser: m.is_superuser,
        }
    }
}

/// What the keyring holds.
#[derive(Serialize, Deserialize)]
struct Remembered {
    server: String,
    refresh_token: String,
    /// Who signed in, so that a restart without the server still knows whose drafts to
    /// open (offline work); absent in entries written before drafts existed.
    #[serde(default)]
    user: Option<UserInfo>,
}

struct Live {
    api: ApiClient,
    user: UserInfo,
    access: String,
    access_expires: DateTime<Utc>,
    refresh: String,
}

pub struct Session {
    secrets: Arc<dyn SecretStore>,
    live: Mutex<Option<Live>>,
}

fn not_signed_in() -> CoreError {
    CoreError::new(ErrorCode::Unauthorized, "You are not signed in")
}

impl Session {
    pub fn new(secrets: Arc<dyn SecretStore>) -> Self {
        Self {
            secrets,
            live: Mutex::new(None),
        }
    }

    fn remember(
        &self,
        server: &ServerUrl,
        refresh: &str,
        user: &UserInfo,
    ) -> Result<(), CoreError> {
        let text = serde_json::to_string(&Remembered {
            server: server.to_string(),
            refresh_token: refresh.to_owned(),
            user: Some(user.clone()),
        })
        .map_err(|e| CoreError::new(ErrorCode::Keyring, e.to_string()))?;
        Ok(self.secrets.set(SESSION_ENTRY, &text)?)
    }

    async fn start(&self, api: ApiClient, pair: TokenPair) -> Result<SessionInfo, CoreError> {
        let me = api.me(&pair.access_token).await?;
        let info = SessionInfo {
            server_url: api.base().to_string(),
            user: me.into(),
        };
        let remembered = self.remember(api.base(), &pair.refresh_token, &info.user);
        *self.live.lock().await = Some(Live {
            access_expires: parse_expiry(&pair.expires_at),
            access: pair.access_token,
            refresh: pair.refresh_token,
            user: info.user.clone(),
            api,
        });
        tracing::info!(server = %info.server_url, user = %info.user.id, role = %info.user.role, "signed in");
        if let Err(e) = remembered {
            // Signed in for this run; the next start asks for the password again.
            tracing::warn!(error = %e, "the session could not be saved in the keyring");
        }
        Ok(info)
    }

    pub async fn login(
        &self,
        server: &str,
        username: &str,
        password: &str,
    ) -> Result<SessionInfo, CoreError> {
        let server = ServerUrl::parse(server)
            .map_err(|e| CoreError::new(ErrorCode::InvalidInput, e.to_string()))?;
        if username.trim().is_empty() || password.is_empty() {
            return Err(CoreError::new(
                ErrorCode::InvalidInput,
                "Enter your username and password",
            ));
        }
        self.retry_pending_sign_out().await;
        let api = ApiClient::new(server);
        let pair = api.login(username.trim(), password).await?;
        self.start(api, pair).await
    }

    /// Restores the remembered session from the keyring. `Ok(None)` when there is none or
    /// the server no longer accepts it (the stale entry is then deleted).
    pub async fn restore(&self) -> Result<Option<SessionInfo>, CoreError> {
        self.retry_pending_sign_out().await;
        let Some(text) = self.secrets.get(SESSION_ENTRY)? else {
            return Ok(None);
        };
        let Ok(remembered) = serde_json::from_str::<Remembered>(&text) else {
            self.secrets.delete(SESSION_ENTRY)?;
            return Ok(None);
        };
        let Ok(server) = ServerUrl::parse(&remembered.server) else {
            self.secrets.delete(SESSION_ENTRY)?;
            return Ok(None);
        };
        let api = ApiClient::new(server);
        match api.refresh(&remembered.refresh_token).await {
            Ok(pair) => Ok(Some(self.start(api, pair).await?)),
            Err(e) if e.status() == Some(401) => {
                self.secrets.delete(SESSION_ENTRY)?;
                Ok(None)
            }
            // Offline with a known user: a session that works locally (drafts) and
            // refreshes on first use once the server is back.
            Err(e @ crate::api::ApiError::Unreachable(_)) => {
                let Some(user) = remembered.user else {
                    // User unknown: keep the entry; retry when the server is back.
                    return Err(e.into());
                };
                let info = SessionInfo {
                    server_url: api.base().to_string(),
                    user: user.clone(),
                };
                *self.live.lock().await = Some(Live {
                    api,
                    user,
                    access: String::new(),
                    access_expires: DateTime::<Utc>::UNIX_EPOCH,
                    refresh: remembered.refresh_token,
                });
                Ok(Some(info))
            }
            Err(e) => Err(e.into()),
        }
    }

    pub async fn current(&self) -> Option<SessionInfo> {
        self.live.lock().await.as_ref().map(|l| SessionInfo {
            server_url: l.api.base().to_string(),
            user: l.user.clone(),
        })
    }

    /// A valid access token and the client to use it with; refreshes (rotating the
    /// refresh token in the keyring) when it is about to expire.
    pub async fn access(&self) -> Result<(ApiClient, String), CoreError> {
        let mut guard = self.live.lock().await;
        let live = guard.as_mut().ok_or_else(not_signed_in)?;
        if (live.access_expires - Utc::now()).num_seconds() <= REFRESH_MARGIN_S {
            self.rotate(live).await?;
        }
        Ok((live.api.clone(), live.access.clone()))
    }

    /// Refreshes now, whatever the expiry. Returns when the new access token expires.
    pub async fn refresh_now(&self) -> Result<String, CoreError> {
        let mut guard = self.live.lock().await;
        let live = guard.as_mut().ok_or_else(not_signed_in)?;
        self.rotate(live).await?;
        Ok(live.access_expires.to_rfc3339())
    }

    async fn rotate(&self, live: &mut Live) -> Result<(), CoreError> {
        let pair = live.api.refresh(&live.refresh).await?;
        // Memory first: the old token is spent on the server, so losing the new pair
        // would sign the user out. A failed keyring write costs only "remember me".
        live.access = pair.access_token;
        live.refresh = pair.refresh_token;
        live.access_expires = parse_expiry(&pair.expires_at);
        if let Err(e) = self.remember(live.api.base(), &live.refresh, &live.user) {
            tracing::warn!(error = %e, "the rotated session could not be saved in the keyring; it lasts until the app closes");
        }
        Ok(())
    }

    /// Signs out: deletes the keyring entry, forgets the tokens and tells the server. If
    /// the server cannot be reached, the sign-out is kept and retried when it answers
    /// (`retry_pending_sign_out`), so the server session does not outlive it.
    pub async fn logout(&self) -> Result<(), CoreError> {
        let live = self.live.lock().await.take();
        self.secrets.delete(SESSION_ENTRY)?;
        if let Some(live) = live {
            let pending = Remembered {
                server: live.api.base().to_string(),
                refresh_token: live.refresh,
                user: None,
            };
            if !self.send_sign_out(&pending).await {
                let text = serde_json::to_string(&pending)
                    .map_err(|e| CoreError::new(ErrorCode::Keyring, e.to_string()))?;
                self.secrets.set(PENDING_SIGN_OUT_ENTRY, &text)?;
            }
        }
        Ok(())
    }

    /// Sends a sign-out the server missed. Done at sign-in and at start; harmless when
    /// there is none.
    pub async fn retry_pending_sign_out(&self) {
        let Ok(Some(text)) = self.secrets.get(PENDING_SIGN_OUT_ENTRY) else {
            return;
        };
        let done = match serde_json::from_str::<Remembered>(&text) {
            Ok(pending) => self.send_sign_out(&pending).await,
            Err(_) => true,
        };
        if done {
            if let Err(e) = self.secrets.delete(PENDING_SIGN_OUT_ENTRY) {
                tracing::warn!(error = %e, "cannot clear the pending sign-out");
            }
        }
    }

    /// True when the server ended the session (or it had already ended); false when it
    /// must be tried again.
    async fn send_sign_out(&self, pending: &Remembered) -> bool {
        let Ok(server) = ServerUrl::parse(&pending.server) else {
            return true;
        };
        match ApiClient::new(server).logout(&pending.refresh_token).await {
            Ok(()) => true,
            // Unknown or expired: there is no session left to end.
            Err(e) if e.status().is_some_and(|s| (400..500).contains(&s)) => true,
            Err(e) => {
                tracing::warn!(error = %e, "server sign-out failed; it is retried when the server answers");
                false
            }
        }
    }
}

fn parse_expiry(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .map(|d| d.with_timezone(&Utc))
        // Unknown expiry: treat as due, so the next use refreshes.
        .unwrap_or_else(|_| Utc::now())
}
