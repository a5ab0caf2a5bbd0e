use sqlx::any::AnyRow;
use sqlx::Row;
use uuid::Uuid;

use super::page::{keyset_clause, Page, Paged};
use super::templates::RoomSettings;
use super::{opt_uuid_col, uuid_col, Result, Store, StoreError};
use crate::domain::{now_ms, RoomStatus};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Room {
    /// The API's id (`/api/v1/rooms/{id}/`).
    pub id: Uuid,
    /// The LiveKit room name.
    pub name: String,
    pub interview_id: Option<Uuid>,
    pub room_code: Option<String>,
    pub template: String,
    pub status: RoomStatus,
    pub title: Option<String>,
    /// Who hosts the room: may get host tokens and see it (an interview's interviewer).
    pub host_id: Option<Uuid>,
    pub created_by: Option<Uuid>,
    pub settings: RoomSettings,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
    pub started_at_ms: Option<i64>,
    pub ended_at_ms: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct NewRoom {
    pub name: String,
    pub interview_id: Option<Uuid>,
    pub room_code: Option<String>,
    pub template: String,
    pub settings: RoomSettings,
    pub title: Option<String>,
    pub host_id: Option<Uuid>,
    pub created_by: Option<Uuid>,
}

/// What staff may change on a room that has not ended.
#[derive(Debug, Clone)]
pub struct RoomUpdate {
    pub title: Option<String>,
    pub host_id: Option<Uuid>,
    pub max_participants: i64,
    pub empty_timeout: i64,
    pub max_duration: i64,
    pub recording_enabled: bool,
    pub sip_enabled: bool,
}

/// Which rooms a list shows.
#[derive(Debug, Clone)]
pub enum RoomScope {
    All,
    HostedBy(Uuid),
}

pub(super) const COLUMNS: &str =
    "id, name, interview_id, room_code, template, status, title, host_id, \
                       created_by, room_type, max_participants, empty_timeout, max_duration, \
                       video_codec, simulcast, hosts_only_publish, recording_enabled, \
                       sip_enabled, created_at, updated_at, started_at, ended_at";

pub(super) fn from_row(row: &AnyRow) -> Result<Room> {
    let status: String = row.try_get("status")?;
    let created_at_ms: i64 = row.try_get("created_at")?;
    Ok(Room {
        id: uuid_col(row, "id")?,
        name: row.try_get("name")?,
        interview_id: opt_uuid_col(row, "interview_id")?,
        room_code: row.try_get("room_code")?,
        template: row.try_get("template")?,
        status: RoomStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("room status '{status}'")))?,
        title: row.try_get("title")?,
        host_id: opt_uuid_col(row, "host_id")?,
        created_by: opt_uuid_col(row, "created_by")?,
        settings: super::templates::settings_from_row(row)?,
        created_at_ms,
        updated_at_ms: row
            .try_get::<Option<i64>, _>("updated_at")?
            .unwrap_or(created_at_ms),
        started_at_ms: row.try_get("started_at")?,
        ended_at_ms: row.try_get("ended_at")?,
    })
}

/// Inserts a room unless its name (or code, or interview) is taken; true when inserted.
/// The one INSERT INTO rooms: interview, public, password and platform rooms all go
/// through it, inside their own transactions where they have one.
pub(super) async fn insert_room(
    conn: &mut sqlx::AnyConnection,
    new: &NewRoom,
    now: i64,
) -> Result<bool> {
    let s = &new.settings;
    let q = sqlx::query(
        "INSERT INTO rooms (id, name, interview_id, room_code, template, status, title, host_id, \
         created_by, room_type, max_participants, empty_timeout, max_duration, video_codec, \
         simulcast, hosts_only_publish, recording_enabled, sip_enabled, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
         $18, $19, $19) ON CONFLICT DO NOTHING",
    )
    .bind(Uuid::new_v4().to_string())
    .bind(&new.name)
    .bind(new.interview_id.map(|i| i.to_string()))
    .bind(&new.room_code)
    .bind(&new.template)
    .bind(RoomStatus::Created.as_str())
    .bind(&new.title)
    .bind(new.host_id.map(|i| i.to_string()))
    .bind(new.created_by.map(|i| i.to_string()));
    let n = super::templates::bind_settings(q, s)
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok(n == 1)
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
        let inserted = {
            let mut conn = self.writer().acquire().await?;
            insert_room(&mut conn, &new, now_ms()).await?
        };
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

    /// The room with this API id.
    pub async fn room_by_id(&self, id: Uuid) -> Result<Option<Room>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM rooms WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// A page of rooms, oldest first, optionally of one status.
    pub async fn rooms_page(
        &self,
        scope: &RoomScope,
        status: Option<RoomStatus>,
        page: &Page,
    ) -> Result<Paged<Room>> {
        let mut sql = format!(
            "SELECT {COLUMNS} FROM rooms WHERE {}",
            keyset_clause("created_at", "id")
        );
        if let Some(status) = status {
            // An enum's own text, never input.
            sql.push_str(&format!(" AND status = '{}'", status.as_str()));
        }
        let scope = match scope {
            RoomScope::All => None,
            RoomScope::HostedBy(user) => {
                sql.push_str(" AND host_id = $4");
                Some(user.to_string())
            }
        };
        sql.push_str(" ORDER BY created_at, id LIMIT $3");
        self.page_of(&sql, scope, page, from_row, |r: &Room| {
            (r.created_at_ms, r.id.to_string())
        })
        .await
    }

    /// Applies staff's changes to a room that has not ended; None when there is no such
    /// room or it has ended.
    pub async fn update_room(&self, id: Uuid, u: &RoomUpdate) -> Result<Option<Room>> {
        let n = sqlx::query(
            "UPDATE rooms SET title = $1, host_id = $2, max_participants = $3, \
             empty_timeout = $4, max_duration = $5, recording_enabled = $6, sip_enabled = $7, \
             updated_at = $8 WHERE id = $9 AND status <> $10",
        )
        .bind(&u.title)
        .bind(u.host_id.map(|h| h.to_string()))
        .bind(u.max_participants)
        .bind(u.empty_timeout)
        .bind(u.max_duration)
        .bind(i64::from(u.recording_enabled))
        .bind(i64::from(u.sip_enabled))
        .bind(now_ms())
        .bind(id.to_string())
        .bind(RoomStatus::Ended.as_str())
        .execute(self.writer())
        .await?
        .rows_affected();
        if n == 0 {
            return Ok(None);
        }
        self.room_by_id(id).await
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
        .execute(self.writer())
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
        .execute(self.writer())
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
        .execute(self.writer())
        .await?;
        sqlx::query(
            "UPDATE issued_tokens SET revoked = 1, revoked_at = COALESCE(revoked_at, $3) \
             WHERE room_name = $1 AND identity = $2",
        )
        .bind(room_name)
        .bind(identity)
        .bind(now_ms())
        .execute(self.writer())
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
}
