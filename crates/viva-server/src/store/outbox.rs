//! The `outbox` notifier's store: messages kept for an operator to relay by hand.

use sqlx::Row;
use uuid::Uuid;

use super::{uuid_col, Result, Store};
use crate::domain::now_ms;

#[derive(Clone, PartialEq, Eq, serde::Serialize)]
pub struct OutboxMessage {
    pub id: Uuid,
    pub channel: String,
    pub recipient: String,
    /// May hold a one-time password: never logged, never in Debug output.
    pub body: String,
    pub created_at_ms: i64,
}

impl std::fmt::Debug for OutboxMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutboxMessage")
            .field("id", &self.id)
            .field("channel", &self.channel)
            .field("recipient", &self.recipient)
            .field("body", &"[redacted]")
            .finish()
    }
}

impl Store {
    pub async fn insert_outbox(&self, channel: &str, recipient: &str, body: &str) -> Result<Uuid> {
        let id = Uuid::new_v4();
        sqlx::query(
            "INSERT INTO outbox (id, channel, recipient, body, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id.to_string())
        .bind(channel)
        .bind(recipient)
        .bind(body)
        .bind(now_ms())
        .execute(self.writer())
        .await?;
        Ok(id)
    }

    /// Every message, oldest first.
    pub async fn outbox(&self) -> Result<Vec<OutboxMessage>> {
        let rows = sqlx::query(
            "SELECT id, channel, recipient, body, created_at FROM outbox ORDER BY created_at, id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(OutboxMessage {
                    id: uuid_col(r, "id")?,
                    channel: r.try_get("channel")?,
                    recipient: r.try_get("recipient")?,
                    body: r.try_get("body")?,
                    created_at_ms: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// Deletes messages written before `cutoff_ms`. The outbox holds one-time passwords
    /// only; once a code has expired, its message is of no use to anyone but an attacker.
    pub async fn purge_outbox(&self, cutoff_ms: i64) -> Result<u64> {
        Ok(sqlx::query("DELETE FROM outbox WHERE created_at < $1")
            .bind(cutoff_ms)
            .execute(self.writer())
            .await?
            .rows_affected())
    }
}
