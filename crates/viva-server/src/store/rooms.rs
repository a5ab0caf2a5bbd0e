use sqlx::any::AnyRow;
use sqlx::Row;
use uuid::Uuid;

use super::{opt_uuid_col, Result, Store, StoreError};
use crate::domain::{now_ms, RoomStatus};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Room {
    pub name: String,
    pub interview_id: Option<Uuid>,
    pub room_code: Option<String>,
    pub template: String,
    pub status: RoomStatus,
    pub max_participants: i64,
    pub empty_timeout: i64,
    pub max_duration: i64,
    pub created_at_ms: i64,
    pub started_at_ms: Option<i64>,
    pub ended_at_ms: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct NewRoom {
    pub name: String,
    pub interview_id: Option<Uuid>,
    pub room_code: Option<String>,
    pub template: String,
    pub max_participants: i64,
    pub empty_timeout: i64,
    pub max_duration: i64,
}

const COLUMNS: &str = "name, interview_id, room_code, template, status, max_participants, \
                       empty_timeout, max_duration, created_at, started_at, ended_at";

fn from_row(row: &AnyRow) -> Result<Room> {
    let status: String = row.try_get("status")?;
    Ok(Room {
        name: row.try_get("name")?,
        interview_id: opt_uuid_col(row, "interview_id")?,
        room_code: row.try_get("room_code")?,
        template: row.try_get("template")?,
        status: RoomStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("room status '{status}'")))?,
        max_participants: row.try_get("max_participants")?,
        empty_timeout: row.try_get("empty_timeout")?,
        max_duration: row.try_get("max_duration")?,
        created_at_ms: row.try_get("created_at")?,
        started_at_ms: row.try_get("started_at")?,
        ended_at_ms: row.try_get("ended_at")?,
    })
}

impl Store {
    /// Inserts the room unless one with that name exists; returns the stored room and
    /// whether this call created it. Safe under concurrency: the primary key decides.
    pub async fn ensure_room(&self, new: NewRoom) -> Result<(Room, bool)> {
        // Most calls find the room (every join after the first): read before writing, so
        // they do not queue for SQLite's one writer.
        if let Some(room) = self.room(&new.name).await? {
            return Ok((room, false));
        }
        let inserted = sqlx::query(
            "INSERT INTO rooms (name, interview_id, room_code, template, status, max_participants, \
             empty_timeout, max_duration, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(&new.name)
        .bind(new.interview_id.map(|i| i.to_string()))
        .bind(&new.room_code)
        .bind(&new.template)
        .bind(RoomStatus::Created.as_str())
        .bind(new.max_participants)
        .bind(new.empty_timeout)
        .bind(new.max_duration)
        .bind(now_ms())
        .execute(&self.pool)
        .await?
        .rows_affected()
            == 1;
        let room = self
            .room(&new.name)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("room {} vanished", new.name)))?;
        Ok((room, inserted))
    }

    pub async fn room(&self, name: &str) -> Result<Option<Room>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM rooms WHERE name = $1"))
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Marks the room active (first join) unless it has ended.
    pub async fn mark_room_active(&self, name: &str) -> Result<()> {
        sqlx::query(
            "UPDATE rooms SET status = $1, started_at = COALESCE(started_at, $2) \
             WHERE name = $3 AND status <> $4 AND status <> $1",
        )
        .bind(RoomStatus::Active.as_str())
        .bind(now_ms())
        .bind(name)
        .bind(RoomStatus::Ended.as_str())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Ends the room. Returns false when it had already ended (idempotent).
    pub async fn end_room(&self, name: &str) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE rooms SET status = $1, ended_at = $2 WHERE name = $3 AND status <> $1",
        )
        .bind(RoomStatus::Ended.as_str())
        .bind(now_ms())
        .bind(name)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn rooms_with_status(&self, statuses: &[RoomStatus]) -> Result<Vec<Room>> {
        let allowed: Vec<String> = statuses
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect();
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM rooms WHERE status IN ({}) ORDER BY created_at",
            allowed.join(", ")
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// Bans an identity from a room (eject). Idempotent.
    pub async fn ban(&self, room_name: &str, identity: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO room_bans (room_name, identity, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (room_name, identity) DO NOTHING",
        )
        .bind(room_name)
        .bind(identity)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        sqlx::query("UPDATE issued_tokens SET revoked = 1 WHERE room_name = $1 AND identity = $2")
            .bind(room_name)
            .bind(identity)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn is_banned(&self, room_name: &str, identity: &str) -> Result<bool> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM room_bans WHERE room_name = $1 AND identity = $2",
        )
        .bind(room_name)
        .bind(identity)
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get::<i64, _>("n")? > 0)
    }

    /// Records a LiveKit token we issued (no secret: the token itself is not stored).
    pub async fn record_issued_token(
        &self,
        jti: &str,
        room_name: &str,
        identity: &str,
        role: &str,
        expires_at_ms: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO issued_tokens (jti, room_name, identity, role, expires_at, revoked, \
             created_at) VALUES ($1, $2, $3, $4, $5, 0, $6)",
        )
        .bind(jti)
        .bind(room_name)
        .bind(identity)
        .bind(role)
        .bind(expires_at_ms)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
