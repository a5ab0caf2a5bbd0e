//! LiveKit webhook deliveries already handled. LiveKit retries a delivery that failed and
//! may send one twice; the event id makes acting on it idempotent across server nodes.

use super::{Result, Store};
use crate::domain::now_ms;

impl Store {
    /// Records the event; true the first time this id is seen (by any node), false for a
    /// duplicate.
    pub async fn first_webhook_delivery(&self, id: &str, event: &str) -> Result<bool> {
        let inserted = sqlx::query(
            "INSERT INTO livekit_webhook_events (id, event, received_at) VALUES ($1, $2, $3) \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(id)
        .bind(event)
        .bind(now_ms())
        .execute(self.writer())
        .await?
        .rows_affected();
        Ok(inserted == 1)
    }

    /// Forgets a delivery whose handling failed, so that LiveKit's retry is acted on.
    pub async fn forget_webhook_delivery(&self, id: &str) -> Result<()> {
        sqlx::query("DELETE FROM livekit_webhook_events WHERE id = $1")
            .bind(id)
            .execute(self.writer())
            .await?;
        Ok(())
    }

    /// Deletes records older than `cutoff_ms` (LiveKit stops retrying long before).
    pub async fn purge_webhook_deliveries(&self, cutoff_ms: i64) -> Result<u64> {
        Ok(
            sqlx::query("DELETE FROM livekit_webhook_events WHERE received_at < $1")
                .bind(cutoff_ms)
                .execute(self.writer())
                .await?
                .rows_affected(),
        )
    }
}
