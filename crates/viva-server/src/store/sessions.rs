//! Refresh tokens: stored as SHA-256 hashes, rotated on every use, grouped in families so
//! that the reuse of an already-rotated token revokes the whole family (the token leaked).

use sqlx::Row;
use uuid::Uuid;

use super::{uuid_col, Result, Store};
use crate::domain::now_ms;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshOutcome {
    /// The token was live; it is now used and the caller issues its successor.
    Rotated { user_id: Uuid, family_id: Uuid },
    /// The token had been used before: the family is now revoked.
    Reused,
    /// Unknown, expired or revoked.
    Invalid,
}

impl Store {
    pub async fn insert_refresh_token(
        &self,
        token_hash: &str,
        family_id: Uuid,
        user_id: Uuid,
        expires_at_ms: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO refresh_tokens (token_hash, family_id, user_id, expires_at, used, revoked, \
             created_at) VALUES ($1, $2, $3, $4, 0, 0, $5)",
        )
        .bind(token_hash)
        .bind(family_id.to_string())
        .bind(user_id.to_string())
        .bind(expires_at_ms)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Marks the token used, atomically: of two concurrent refreshes with the same token,
    /// exactly one rotates and the other is treated as reuse.
    pub async fn use_refresh_token(&self, token_hash: &str) -> Result<RefreshOutcome> {
        let now = now_ms();
        let row = sqlx::query(
            "UPDATE refresh_tokens SET used = 1 WHERE token_hash = $1 AND used = 0 \
             AND revoked = 0 AND expires_at > $2 RETURNING user_id, family_id",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        if let Some(row) = row {
            return Ok(RefreshOutcome::Rotated {
                user_id: uuid_col(&row, "user_id")?,
                family_id: uuid_col(&row, "family_id")?,
            });
        }
        let used = sqlx::query("SELECT family_id, used FROM refresh_tokens WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        match used {
            Some(row) if row.try_get::<i64, _>("used")? != 0 => {
                self.revoke_refresh_family(uuid_col(&row, "family_id")?)
                    .await?;
                Ok(RefreshOutcome::Reused)
            }
            _ => Ok(RefreshOutcome::Invalid),
        }
    }

    /// Revokes every token of the family the given token belongs to (sign-out).
    pub async fn revoke_refresh_family_of(&self, token_hash: &str) -> Result<bool> {
        let row = sqlx::query("SELECT family_id FROM refresh_tokens WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(row) => {
                self.revoke_refresh_family(uuid_col(&row, "family_id")?)
                    .await?;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    pub async fn revoke_refresh_family(&self, family_id: Uuid) -> Result<()> {
        sqlx::query("UPDATE refresh_tokens SET revoked = 1 WHERE family_id = $1")
            .bind(family_id.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Whether a family is still live (not revoked); access tokens carry their family so
    /// that sign-out and reuse detection end them too.
    pub async fn refresh_family_live(&self, family_id: Uuid) -> Result<bool> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM refresh_tokens WHERE family_id = $1 AND revoked = 0",
        )
        .bind(family_id.to_string())
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get::<i64, _>("n")? > 0)
    }
}
