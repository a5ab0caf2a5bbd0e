//! Ending rooms exactly once, and the periodic cleanup. Several server nodes run the same
//! background loop; a conditional UPDATE picks the one node that ends each room.

use sqlx::Row;
use uuid::Uuid;

use super::{Result, Store};
use crate::domain::{now_ms, RoomStatus};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomEnding {
    pub room_name: String,
    pub reason: String,
    pub node_id: String,
    pub ended_at_ms: i64,
    pub livekit_deleted: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CleanupReport {
    pub passwords_deleted: u64,
    pub rate_limits_deleted: u64,
    pub webhook_events_deleted: u64,
}

/// How long spent passwords and old rate-limit windows are kept (audit, then gone).
pub const RETENTION_MS: i64 = 24 * 3600 * 1000;

impl Store {
    /// Ends the room and records why and by which node, in one transaction. True for the
    /// one caller whose UPDATE changed the row; false when it had already ended.
    pub async fn end_room_once(&self, name: &str, reason: &str, node_id: &str) -> Result<bool> {
        let now = now_ms();
        let mut tx = self.writer().begin().await?;
        let claimed = sqlx::query(
            "UPDATE rooms SET status = $1, ended_at = $2 WHERE name = $3 AND status <> $1",
        )
        .bind(RoomStatus::Ended.as_str())
        .bind(now)
        .bind(name)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if !claimed {
            tx.rollback().await?;
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO room_endings (id, room_name, reason, node_id, ended_at, livekit_deleted) \
             VALUES ($1, $2, $3, $4, $5, 0)",
        )
        .bind(Uuid::new_v4().to_string())
        .bind(name)
        .bind(reason)
        .bind(node_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Notes that LiveKit confirmed the room's deletion.
    pub async fn mark_ending_deleted(&self, name: &str) -> Result<()> {
        sqlx::query("UPDATE room_endings SET livekit_deleted = 1 WHERE room_name = $1")
            .bind(name)
            .execute(self.writer())
            .await?;
        Ok(())
    }

    /// Rooms ended here whose LiveKit room may still exist (DeleteRoom failed): retried.
    pub async fn endings_to_delete(&self) -> Result<Vec<String>> {
        let rows =
            sqlx::query("SELECT DISTINCT room_name FROM room_endings WHERE livekit_deleted = 0")
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(|r| Ok(r.try_get("room_name")?)).collect()
    }

    /// Active rooms whose maximum duration, counted from the first join, has passed.
    pub async fn rooms_due(&self, now_ms: i64) -> Result<Vec<String>> {
        let rows = sqlx::query(
            "SELECT name FROM rooms WHERE status = $1 AND started_at IS NOT NULL \
             AND max_duration > 0 AND started_at + max_duration * 1000 <= $2 ORDER BY started_at",
        )
        .bind(RoomStatus::Active.as_str())
        .bind(now_ms)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok(r.try_get("name")?)).collect()
    }

    pub async fn room_endings(&self, name: &str) -> Result<Vec<RoomEnding>> {
        let rows = sqlx::query(
            "SELECT room_name, reason, node_id, ended_at, livekit_deleted FROM room_endings \
             WHERE room_name = $1 ORDER BY ended_at, id",
        )
        .bind(name)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(RoomEnding {
                    room_name: r.try_get("room_name")?,
                    reason: r.try_get("reason")?,
                    node_id: r.try_get("node_id")?,
                    ended_at_ms: r.try_get("ended_at")?,
                    livekit_deleted: r.try_get::<i64, _>("livekit_deleted")? != 0,
                })
            })
            .collect()
    }

    /// Forgets what has served its purpose: passwords of ended rooms and passwords spent or
    /// expired more than a retention period ago, rate-limit windows and webhook
    /// deliveries older than that.
    /// Idempotent, so every node may run it.
    pub async fn cleanup(&self, now_ms: i64) -> Result<CleanupReport> {
        let cutoff = now_ms - RETENTION_MS;
        let passwords = sqlx::query(
            "DELETE FROM room_passwords WHERE expires_at < $1 \
             OR room_name IN (SELECT name FROM rooms WHERE status = $2)",
        )
        .bind(cutoff)
        .bind(RoomStatus::Ended.as_str())
        .execute(self.writer())
        .await?
        .rows_affected();
        let limits = sqlx::query("DELETE FROM rate_limits WHERE window_start < $1")
            .bind(cutoff)
            .execute(self.writer())
            .await?
            .rows_affected();
        let webhook_events = self.purge_webhook_deliveries(cutoff).await?;
        Ok(CleanupReport {
            passwords_deleted: passwords,
            rate_limits_deleted: limits,
            webhook_events_deleted: webhook_events,
        })
    }
}
