use axum::extract::State;
use axum::http::HeaderMap;
use uuid::Uuid;
use viva_api::auth::{LoginRequest, Me, MessageResponse, RefreshRequest, TokenPair};

use super::ClientIp;
use crate::auth::{random_token, token_hash, verify_password};
use crate::domain::{ms_to_rfc3339, now_ms};
use crate::error::ApiError;
use crate::extract::{Body, Json};
use crate::session::CurrentUser;
use crate::state::AppState;
use crate::store::{NewRefreshToken, RefreshOutcome, User};

/// A valid argon2id hash of a random password: unknown usernames are checked against it so
/// that "no such user" and "wrong password" take the same time.
static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    crate::auth::hash_password(&random_token(16)).expect("hash a random password")
});

pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Json(body): Json<LoginRequest>,
) -> Result<Json<TokenPair>, ApiError> {
    let username = body.username.unwrap_or_default().trim().to_owned();
    let password = body.password.unwrap_or_default();
    let mut problems = Vec::new();
    if username.is_empty() {
        problems.push("username should not be empty".to_owned());
    }
    if password.is_empty() {
        problems.push("password should not be empty".to_owned());
    }
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }

    // Every attempt is counted before the password is checked: argon2 takes tens of
    // milliseconds, and checking the limit first let 60 parallel guesses through a limit
    // of 10. Three windows, in the database so they hold across nodes:
    // - per username and address: `limit` (the one a guesser meets);
    // - per username from anywhere: 10 x `limit`, so one stranger's address cannot lock
    //   the owner out, while a spread-out attack still stops;
    // - per address: 5 x `limit` (one address trying many usernames).
    // A success is refunded and clears its own username-and-address window.
    let window_ms = state.config.login_window.as_millis() as i64;
    let limit = state.config.login_attempts_per_window;
    let now = now_ms();
    let name = username.to_lowercase();
    let buckets = [
        (format!("login:user-ip:{name}:{ip}"), limit),
        (format!("login:user:{name}"), limit * 10),
        (format!("login:ip:{ip}"), limit * 5),
    ];
    let mut over = false;
    for (bucket, max) in &buckets {
        let (count, _) = state.store.rate_limit_hit(bucket, window_ms, now).await?;
        over |= count > *max;
    }
    if over {
        state.metrics.rate_limited.increment(1);
        let retry_after = ((window_ms - now.rem_euclid(window_ms)) / 1000) as u64;
        return Err(ApiError::too_many_requests(retry_after.max(1)));
    }

    let user = state.store.user_by_username(&username).await?;
    let stored = user
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| DUMMY_HASH.clone());
    // argon2 takes tens of milliseconds of CPU: keep it off the async workers.
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &stored))
        .await
        .map_err(ApiError::internal)?;
    match user {
        Some(user) if ok => {
            state.store.rate_limit_clear(&buckets[0].0).await?;
            for (bucket, _) in &buckets[1..] {
                state
                    .store
                    .rate_limit_refund(bucket, window_ms, now)
                    .await?;
            }
            let refresh = NewRefresh::new(&state);
            let family_id = state.store.start_session(user.id, refresh.row()).await?;
            Ok(Json(pair(&state, &user, family_id, refresh)))
        }
        _ => {
            state.metrics.logins_failed.increment(1);
            Err(ApiError::unauthorized("Invalid username or password"))
        }
    }
}

pub async fn refresh(
    State(state): State<AppState>,
    Json(body): Json<RefreshRequest>,
) -> Result<Json<TokenPair>, ApiError> {
    let token = body.refresh_token.unwrap_or_default();
    if token.is_empty() {
        return Err(ApiError::validation(vec![
            "refresh_token should not be empty".into(),
        ]));
    }
    let successor = NewRefresh::new(&state);
    let reuse_interval_ms = state.config.refresh_reuse_interval.as_millis() as i64;
    match state
        .store
        .rotate_refresh_token(&token_hash(&token), successor.row(), reuse_interval_ms)
        .await?
    {
        RefreshOutcome::Rotated { user_id, family_id } => {
            let user = state
                .store
                .user_by_id(user_id)
                .await?
                .ok_or_else(|| ApiError::unauthorized("Invalid refresh token"))?;
            Ok(Json(pair(&state, &user, family_id, successor)))
        }
        RefreshOutcome::Reused => {
            tracing::warn!("refresh token reused: session family revoked");
            Err(ApiError::unauthorized(
                "Refresh token was already used; this session has been signed out for safety",
            ))
        }
        RefreshOutcome::Invalid => Err(ApiError::unauthorized("Invalid or expired refresh token")),
    }
}

/// Ends the session: with a bearer token, its family; with a refresh token in the body,
/// that token's family. Either way every token of the session stops working.
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: Option<CurrentUser>,
    Body(body): Body,
) -> Result<Json<MessageResponse>, ApiError> {
    // The body is optional here, so it is parsed by hand rather than by the extractor.
    let body: Option<RefreshRequest> = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        Some(
            serde_json::from_slice(&body)
                .map_err(|e| ApiError::bad_request(format!("Malformed JSON: {e}")))?,
        )
    };
    let mut ended = false;
    if let Some(user) = user {
        state.store.revoke_refresh_family(user.family_id).await?;
        ended = true;
    }
    if let Some(RefreshRequest {
        refresh_token: Some(t),
    }) = body
    {
        ended |= state
            .store
            .revoke_refresh_family_of(&token_hash(&t))
            .await?;
    }
    if !ended {
        let message = if headers.contains_key(axum::http::header::AUTHORIZATION) {
            "Invalid or expired access token"
        } else {
            "Authentication credentials were not provided"
        };
        return Err(ApiError::unauthorized(message));
    }
    Ok(Json(MessageResponse {
        message: "Signed out".into(),
    }))
}

pub async fn me(user: CurrentUser) -> Json<Me> {
    let u = user.user;
    Json(Me {
        id: u.id.to_string(),
        username: u.username,
        display_name: u.display_name,
        role: u.role.to_string(),
        is_staff: u.is_staff,
        is_superuser: u.is_superuser,
    })
}

/// A refresh token about to be handed out, with its stored form.
struct NewRefresh {
    token: String,
    hash: String,
    expires_at_ms: i64,
}

impl NewRefresh {
    fn new(state: &AppState) -> Self {
        let token = random_token(32);
        Self {
            hash: token_hash(&token),
            token,
            expires_at_ms: now_ms() + state.config.refresh_token_ttl.as_millis() as i64,
        }
    }

    fn row(&self) -> NewRefreshToken<'_> {
        NewRefreshToken {
            hash: &self.hash,
            expires_at_ms: self.expires_at_ms,
        }
    }
}

/// The pair handed out: a new access token and the refresh token already stored.
fn pair(state: &AppState, user: &User, family_id: Uuid, refresh: NewRefresh) -> TokenPair {
    let now = chrono::Utc::now();
    let access_ttl = state.config.access_token_ttl.as_secs() as i64;
    TokenPair {
        access_token: state
            .tokens
            .issue(user.id, family_id, now.timestamp(), access_ttl),
        refresh_token: refresh.token,
        expires_at: ms_to_rfc3339(now.timestamp_millis() + access_ttl * 1000),
    }
}
