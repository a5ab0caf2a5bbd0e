//! Sessions and their refresh tokens. A session is a family of refresh tokens with one row
//! of its own (`session_families`) whose `revoked` flag every check reads: sign-out and
//! reuse detection flip that one flag, so a token rotated concurrently is dead too.
//!
//! Tokens are stored as SHA-256 hashes and rotated on every use. A used token presented
//! again within the reuse interval while its successor is still unused (the answer to the
//! first refresh was lost) gets a fresh successor and the unused one is voided; any other
//! reuse revokes the family (the token leaked).

use sqlx::Row;
use uuid::Uuid;

use super::{uuid_col, Result, Store};
use crate::domain::now_ms;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshOutcome {
    /// The successor was stored; the caller hands it out.
    Rotated { user_id: Uuid, family_id: Uuid },
    /// A used token, outside the reuse interval: the family is now revoked.
    Reused,
    /// Unknown, expired, voided, or of a revoked family.
    Invalid,
}

/// A refresh token about to be handed out.
#[derive(Debug, Clone)]
pub struct NewRefreshToken<'a> {
    pub hash: &'a str,
    pub expires_at_ms: i64,
}

const LIVE_FAMILY: &str = "family_id IN (SELECT id FROM session_families WHERE revoked = 0)";

impl Store {
    /// A new session: its family row and first refresh token, together.
    pub async fn start_session(&self, user_id: Uuid, first: NewRefreshToken<'_>) -> Result<Uuid> {
        let family_id = Uuid::new_v4();
        let now = now_ms();
        let mut tx = self.writer().begin().await?;
        sqlx::query(
            "INSERT INTO session_families (id, user_id, revoked, created_at) VALUES ($1, $2, 0, $3)",
        )
        .bind(family_id.to_string())
        .bind(user_id.to_string())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO refresh_tokens (token_hash, family_id, user_id, expires_at, used, revoked, \
             created_at) VALUES ($1, $2, $3, $4, 0, 0, $5)",
        )
        .bind(first.hash)
        .bind(family_id.to_string())
        .bind(user_id.to_string())
        .bind(first.expires_at_ms)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(family_id)
    }

    /// Exchanges the token `presented` (a hash) for `successor`, in one transaction that
    /// stores the successor only while the family is live. `reuse_interval_ms`: how long
    /// after its use a token may be presented again for a fresh successor (0: never).
    pub async fn rotate_refresh_token(
        &self,
        presented: &str,
        successor: NewRefreshToken<'_>,
        reuse_interval_ms: i64,
    ) -> Result<RefreshOutcome> {
        let now = now_ms();
        // The first statement writes, so that SQLite takes its write lock at once and the
        // whole exchange is serialized; PostgreSQL locks the presented token's row.
        let mut tx = self.writer().begin().await?;
        let rotated = sqlx::query(&format!(
            "UPDATE refresh_tokens SET used = 1, used_at = $2 WHERE token_hash = $1 AND used = 0 \
             AND revoked = 0 AND expires_at > $2 AND {LIVE_FAMILY} RETURNING user_id, family_id"
        ))
        .bind(presented)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let owner = match rotated {
            Some(row) => Some(row),
            // Presented again soon after its use: void its unused successor, issue another.
            None if reuse_interval_ms > 0 => sqlx::query(&format!(
                "UPDATE refresh_tokens SET revoked = 1 WHERE parent_hash = $1 AND used = 0 \
                 AND revoked = 0 AND {LIVE_FAMILY} AND EXISTS (SELECT 1 FROM refresh_tokens p \
                 WHERE p.token_hash = $1 AND p.used = 1 AND p.revoked = 0 AND p.used_at > $2 \
                 AND p.expires_at > $3) RETURNING user_id, family_id"
            ))
            .bind(presented)
            .bind(now - reuse_interval_ms)
            .bind(now)
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .next(),
            None => None,
        };
        if let Some(row) = owner {
            let (user_id, family_id) = (uuid_col(&row, "user_id")?, uuid_col(&row, "family_id")?);
            let stored = sqlx::query(
                "INSERT INTO refresh_tokens (token_hash, family_id, user_id, expires_at, used, \
                 revoked, created_at, parent_hash) SELECT $1, $2, $3, $4, 0, 0, $5, $6 \
                 WHERE EXISTS (SELECT 1 FROM session_families WHERE id = $2 AND revoked = 0)",
            )
            .bind(successor.hash)
            .bind(family_id.to_string())
            .bind(user_id.to_string())
            .bind(successor.expires_at_ms)
            .bind(now)
            .bind(presented)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if stored != 1 {
                tx.rollback().await?;
                return Ok(RefreshOutcome::Invalid);
            }
            tx.commit().await?;
            return Ok(RefreshOutcome::Rotated { user_id, family_id });
        }
        // Not exchangeable. A used token here is a reuse: end the whole session.
        let known = sqlx::query("SELECT family_id, used FROM refresh_tokens WHERE token_hash = $1")
            .bind(presented)
            .fetch_optional(&mut *tx)
            .await?;
        let outcome = match known {
            Some(row) if row.try_get::<i64, _>("used")? != 0 => {
                sqlx::query("UPDATE session_families SET revoked = 1 WHERE id = $1")
                    .bind(uuid_col(&row, "family_id")?.to_string())
                    .execute(&mut *tx)
                    .await?;
                RefreshOutcome::Reused
            }
            _ => RefreshOutcome::Invalid,
        };
        tx.commit().await?;
        Ok(outcome)
    }

    /// Revokes the session the given token belongs to (sign-out by refresh token). False
    /// when the token is unknown.
    pub async fn revoke_refresh_family_of(&self, token_hash: &str) -> Result<bool> {
        let revoked = sqlx::query(
            "UPDATE session_families SET revoked = 1 WHERE id = \
             (SELECT family_id FROM refresh_tokens WHERE token_hash = $1)",
        )
        .bind(token_hash)
        .execute(self.writer())
        .await?
        .rows_affected();
        Ok(revoked == 1)
    }

    pub async fn revoke_refresh_family(&self, family_id: Uuid) -> Result<()> {
        sqlx::query("UPDATE session_families SET revoked = 1 WHERE id = $1")
            .bind(family_id.to_string())
            .execute(self.writer())
            .await?;
        Ok(())
    }
}
