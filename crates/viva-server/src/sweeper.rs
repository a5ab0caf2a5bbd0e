//! Background work every node runs: ending rooms at their maximum duration, retrying
//! LiveKit deletions that failed, and cleanup.
//!
//! Exactly once across nodes: each node lists the rooms that are due, then claims each
//! with a conditional UPDATE (`status <> 'ended'`); only the node whose UPDATE changed the
//! row records the ending and calls DeleteRoom. The others see zero rows changed and move
//! on. Room names never reach the log (public ones contain codes): lines carry a short
//! hash of the name (`room_ref`).

use std::time::{Duration, Instant};

use crate::auth::token_hash;
use crate::domain::now_ms;
use crate::state::AppState;
use crate::store::StoreError;

/// How often deletions are retried and old rows cleaned up, whatever the sweep interval.
const MAINTENANCE_EVERY: Duration = Duration::from_secs(30);

/// A loggable stand-in for a room name.
pub fn room_ref(name: &str) -> String {
    token_hash(name)[..12].to_owned()
}

/// Starts the loop on the current runtime; it runs until the runtime stops.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(state.config.sweep_interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_maintenance: Option<Instant> = None;
        loop {
            tick.tick().await;
            if let Err(e) = end_due_rooms(&state).await {
                tracing::warn!(error = %e, "ending rooms at their maximum duration failed");
            }
            if last_maintenance.is_none_or(|t| t.elapsed() >= MAINTENANCE_EVERY) {
                last_maintenance = Some(Instant::now());
                if let Err(e) = maintenance(&state).await {
                    tracing::warn!(error = %e, "background cleanup failed");
                }
            }
        }
    })
}

/// Ends the room for everyone, once: records the ending (with `reason`) if this call
/// claimed it, then deletes the LiveKit room. False when it had already ended. A failed
/// DeleteRoom is retried by the maintenance pass; the room refuses joins either way.
pub async fn end_room(state: &AppState, name: &str, reason: &str) -> Result<bool, StoreError> {
    if !state
        .store
        .end_room_once(name, reason, &state.node_id)
        .await?
    {
        return Ok(false);
    }
    if state.livekit.delete_room(name).await.is_ok() {
        state.store.mark_ending_deleted(name).await?;
    }
    // An ended room's recording stops (its files then go to storage).
    crate::recording::room_ended(state, name).await;
    // Nobody dials into an ended room; a failed deletion is retried by `maintenance`.
    if let Err(e) = crate::dialin::disable(state, name).await {
        tracing::warn!(room_ref = %room_ref(name), error = ?e, "deleting the room's dial-in rule failed; will retry");
    }
    Ok(true)
}

/// One pass: ends every room whose maximum duration has passed. Returns how many this
/// node ended.
pub async fn end_due_rooms(state: &AppState) -> Result<usize, StoreError> {
    let mut ended = 0;
    for name in state.store.rooms_due(now_ms()).await? {
        if end_room(state, &name, "max_duration").await? {
            ended += 1;
            tracing::info!(
                room_ref = %room_ref(&name),
                node = %state.node_id,
                "room reached its maximum duration; ended"
            );
        }
    }
    Ok(ended)
}

/// Retries failed deletions and forgets spent data.
pub async fn maintenance(state: &AppState) -> Result<(), StoreError> {
    if state.livekit.config().configured() {
        for name in state.store.endings_to_delete().await? {
            if state.livekit.delete_room(&name).await.is_ok() {
                state.store.mark_ending_deleted(&name).await?;
            }
        }
    }
    if let Err(e) = crate::dialin::retry_deletions(state).await {
        tracing::warn!(error = ?e, "deleting dial-in rules of ended rooms failed; will retry");
    }
    let otp_ttl_ms = state.config.otp.ttl.as_millis() as i64;
    let purged = state.store.purge_outbox(now_ms() - otp_ttl_ms).await?;
    if purged > 0 {
        tracing::debug!(
            messages = purged,
            "outbox messages of expired codes deleted"
        );
    }
    let report = state.store.cleanup(now_ms()).await?;
    if report.passwords_deleted + report.rate_limits_deleted > 0 {
        tracing::debug!(
            passwords = report.passwords_deleted,
            rate_limits = report.rate_limits_deleted,
            "cleaned up"
        );
    }
    Ok(())
}
