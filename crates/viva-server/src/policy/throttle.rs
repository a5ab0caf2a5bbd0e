//! Rate limits for the endpoints anyone can call: a fixed window per bucket, counted in the
//! database so every server node shares it.

use std::time::Duration;

use crate::auth::token_hash;
use crate::domain::now_ms;
use crate::error::ApiError;
use crate::state::AppState;

/// window's count is over `limit`. The counter is in the database: all nodes share it.
pub async fn throttle(
    state: &AppState,
    bucket: &str,
    limit: i64,
    window: Duration,
) -> Result<(), ApiError> {
    let window_ms = window.as_millis() as i64;
    let now = now_ms();
    let (count, start) = state.store.rate_limit_hit(bucket, window_ms, now).await?;
    if count > limit {
        state.metrics.rate_limited.increment(1);
        let retry = (start + window_ms - now).max(0) as u64;
        return Err(ApiError::too_many_requests(retry.div_ceil(1000)));
    }
    Ok(())
}

/// The per-address limit every unauthenticated endpoint shares.
pub async fn throttle_ip(state: &AppState, ip: &str) -> Result<(), ApiError> {
    throttle(
        state,
        &format!("public:ip:{ip}"),
        state.config.public_limits.per_ip_per_minute,
        Duration::from_secs(60),
    )
    .await
}

/// The per-target limit (a room code, an application's password); the bucket holds a
/// hash, so the database does not collect codes either.
pub async fn throttle_target(state: &AppState, kind: &str, target: &str) -> Result<(), ApiError> {
    let limits = &state.config.public_limits;
    throttle(
        state,
        &format!("public:{kind}:{}", &token_hash(target)[..24]),
        limits.per_target,
        limits.target_window,
    )
    .await
}
