//! The record of every LiveKit join token the server issued (seed "Rooms App":
//! `RoomToken`): who, which role, until when, when LiveKit first saw it used, and whether
//! it was revoked. The token itself is never stored.

use sqlx::any::AnyRow;
use sqlx::Row;

use super::{Result, Store, StoreError};
use crate::domain::{now_ms, RoomRole};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    pub jti: String,
    pub room_name: String,
    pub identity: String,
    pub role: RoomRole,
    /// The user who asked for it (None for candidates joining by code or password).
    pub issued_by: Option<String>,
    pub issued_at_ms: i64,
    pub expires_at_ms: i64,
    pub first_used_at_ms: Option<i64>,
    pub revoked: bool,
    pub revoked_at_ms: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct NewTokenRecord<'a> {
    pub jti: &'a str,
    pub room_name: &'a str,
    pub identity: &'a str,
    pub role: RoomRole,
    pub issued_by: Option<String>,
    pub expires_at_ms: i64,
}

const COLUMNS: &str = "jti, room_name, identity, role, issued_by, created_at, expires_at, \
                       first_used_at, revoked, revoked_at";

fn from_row(row: &AnyRow) -> Result<TokenRecord> {
    let role: String = row.try_get("role")?;
    Ok(TokenRecord {
        jti: row.try_get("jti")?,
        room_name: row.try_get("room_name")?,
        identity: row.try_get("identity")?,
        // Records from before roles were host/participant/viewer said interviewer/candidate.
        role: match role.as_str() {
            "interviewer" => RoomRole::Host,
            "candidate" => RoomRole::Participant,
            other => RoomRole::parse(other)
                .ok_or_else(|| StoreError::Corrupt(format!("token role '{other}'")))?,
        },
        issued_by: row.try_get("issued_by")?,
        issued_at_ms: row.try_get("created_at")?,
        expires_at_ms: row.try_get("expires_at")?,
        first_used_at_ms: row.try_get("first_used_at")?,
        revoked: row.try_get::<i64, _>("revoked")? != 0,
        revoked_at_ms: row.try_get("revoked_at")?,
    })
}

impl Store {
    pub async fn record_issued_token(&self, t: NewTokenRecord<'_>) -> Result<()> {
        sqlx::query(
            "INSERT INTO issued_tokens (jti, room_name, identity, role, issued_by, expires_at, \
             revoked, created_at) VALUES ($1, $2, $3, $4, $5, $6, 0, $7)",
        )
        .bind(t.jti)
        .bind(t.room_name)
        .bind(t.identity)
        .bind(t.role.as_str())
        .bind(t.issued_by)
        .bind(t.expires_at_ms)
        .bind(now_ms())
        .execute(self.writer())
        .await?;
        Ok(())
    }

    /// The tokens issued for a room, newest first (at most `limit`).
    pub async fn room_tokens(&self, room_name: &str, limit: i64) -> Result<Vec<TokenRecord>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM issued_tokens WHERE room_name = $1 \
             ORDER BY created_at DESC, jti LIMIT $2"
        ))
        .bind(room_name)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(from_row).collect()
    }

    pub async fn token_record(&self, jti: &str) -> Result<Option<TokenRecord>> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM issued_tokens WHERE jti = $1"
        ))
        .bind(jti)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Notes the first time LiveKit saw the token used (a participant joined with it).
    /// Later uses (reconnects, refreshed tokens) keep the first time.
    pub async fn mark_token_used(&self, jti: &str, at_ms: i64) -> Result<()> {
        sqlx::query(
            "UPDATE issued_tokens SET first_used_at = $1 \
             WHERE jti = $2 AND (first_used_at IS NULL OR first_used_at > $1)",
        )
        .bind(at_ms)
        .bind(jti)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    /// Whether `identity` was issued a token for the room that was not revoked: a
    /// participant of the room, for what only participants may see.
    pub async fn holds_token(&self, room_name: &str, identity: &str) -> Result<bool> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM issued_tokens WHERE room_name = $1 AND identity = $2 \
             AND revoked = 0",
        )
        .bind(room_name)
        .bind(identity)
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get::<i64, _>("n")? > 0)
    }
}
