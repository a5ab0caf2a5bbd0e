//! Rooms with phone dial-in on: the LiveKit dispatch rule of each, and a keyed digest of
//! its PIN that keeps PINs unique among live rooms. The PIN itself is never stored here.

use sqlx::Row;

use super::{Result, Store, StoreError};
use crate::domain::now_ms;

/// What claiming dial-in for a room found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DialInClaim {
    /// This call claimed it with this PIN: now create the rule.
    Claimed,
    /// The room has dial-in already (its rule id, once created).
    Exists(Option<String>),
    /// Another live room has this PIN: draw another.
    PinTaken,
}

impl Store {
    pub async fn claim_dial_in(&self, room_name: &str, pin_digest: &str) -> Result<DialInClaim> {
        if let Some(rule) = self.dial_in(room_name).await? {
            return Ok(DialInClaim::Exists(rule));
        }
        let inserted = sqlx::query(
            "INSERT INTO room_dial_ins (room_name, pin_digest, rule_id, created_at) \
             VALUES ($1, $2, NULL, $3)",
        )
        .bind(room_name)
        .bind(pin_digest)
        .bind(now_ms())
        .execute(self.writer())
        .await;
        match inserted {
            Ok(_) => Ok(DialInClaim::Claimed),
            Err(e) => match StoreError::from(e) {
                StoreError::Conflict(_) => match self.dial_in(room_name).await? {
                    Some(rule) => Ok(DialInClaim::Exists(rule)),
                    None => Ok(DialInClaim::PinTaken),
                },
                other => Err(other),
            },
        }
    }

    pub async fn set_dial_in_rule(&self, room_name: &str, rule_id: &str) -> Result<()> {
        sqlx::query("UPDATE room_dial_ins SET rule_id = $1 WHERE room_name = $2")
            .bind(rule_id)
            .bind(room_name)
            .execute(self.writer())
            .await?;
        Ok(())
    }

    /// Some(rule id, None while it is being created) when the room has dial-in on.
    pub async fn dial_in(&self, room_name: &str) -> Result<Option<Option<String>>> {
        let row = sqlx::query("SELECT rule_id FROM room_dial_ins WHERE room_name = $1")
            .bind(room_name)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            r.try_get::<Option<String>, _>("rule_id")
                .map_err(Into::into)
        })
        .transpose()
    }

    pub async fn delete_dial_in(&self, room_name: &str) -> Result<()> {
        sqlx::query("DELETE FROM room_dial_ins WHERE room_name = $1")
            .bind(room_name)
            .execute(self.writer())
            .await?;
        Ok(())
    }

    /// Dial-ins left on rooms that have ended (their rule's deletion failed): retried by
    /// the maintenance pass.
    pub async fn dial_ins_of_ended_rooms(&self) -> Result<Vec<(String, Option<String>)>> {
        let rows = sqlx::query(
            "SELECT d.room_name, d.rule_id FROM room_dial_ins d \
             JOIN rooms r ON r.name = d.room_name WHERE r.status = 'ended'",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("room_name")?, r.try_get("rule_id")?)))
            .collect()
    }

    /// Turns the room's dial-in flag on or off.
    pub async fn set_room_sip(&self, room_name: &str, enabled: bool) -> Result<()> {
        sqlx::query("UPDATE rooms SET sip_enabled = $1, updated_at = $2 WHERE name = $3")
            .bind(i64::from(enabled))
            .bind(now_ms())
            .bind(room_name)
            .execute(self.writer())
            .await?;
        Ok(())
    }
}
