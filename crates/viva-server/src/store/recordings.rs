//! Recordings (seed "Rooms App": `RoomRecording`), their files and the consent records.
//!
//! State changes are compare-and-set (`move_recording`): whichever node asks, a recording
//! starts, stops and is deleted once.

use sqlx::any::AnyRow;
use sqlx::Row;

use super::{Result, Store};
use crate::domain::now_ms;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordingRow {
    pub id: String,
    pub room_id: String,
    pub room_name: String,
    pub recorder: String,
    pub status: String,
    pub requested_by: String,
    pub requested_at_ms: i64,
    pub started_at_ms: Option<i64>,
    pub stopped_at_ms: Option<i64>,
    pub node_id: Option<String>,
    pub egress_ids: Option<String>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRow {
    pub recording_id: String,
    pub file: String,
    pub identity: String,
    pub storage_key: String,
    pub size: i64,
    pub duration_ms: i64,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentRow {
    pub identity: String,
    pub name: String,
    pub consent: bool,
    pub at_ms: i64,
}

/// What recording a consent answer found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsentOutcome {
    Recorded,
    /// The same person answered before; their first answer stands.
    AlreadyAnswered(bool),
}

const COLUMNS: &str = "id, room_id, room_name, recorder, status, requested_by, requested_at, \
                       started_at, stopped_at, node_id, egress_ids, error";

fn recording(row: &AnyRow) -> Result<RecordingRow> {
    Ok(RecordingRow {
        id: row.try_get("id")?,
        room_id: row.try_get("room_id")?,
        room_name: row.try_get("room_name")?,
        recorder: row.try_get("recorder")?,
        status: row.try_get("status")?,
        requested_by: row.try_get("requested_by")?,
        requested_at_ms: row.try_get("requested_at")?,
        started_at_ms: row.try_get("started_at")?,
        stopped_at_ms: row.try_get("stopped_at")?,
        node_id: row.try_get("node_id")?,
        egress_ids: row.try_get("egress_ids")?,
        error: row.try_get("error")?,
    })
}

fn file(row: &AnyRow) -> Result<FileRow> {
    Ok(FileRow {
        recording_id: row.try_get("recording_id")?,
        file: row.try_get("file")?,
        identity: row.try_get("identity")?,
        storage_key: row.try_get("storage_key")?,
        size: row.try_get("size")?,
        duration_ms: row.try_get("duration_ms")?,
        status: row.try_get("status")?,
    })
}

/// A state change: the columns set along with the status.
#[derive(Debug, Clone, Default)]
pub struct Move<'a> {
    pub started: bool,
    pub stopped: bool,
    pub node_id: Option<&'a str>,
    pub egress_ids: Option<&'a str>,
    pub error: Option<&'a str>,
}

impl Store {
    /// A new recording asking for consent; a conflict when the room has a live one.
    pub async fn insert_recording(
        &self,
        room_id: &str,
        room_name: &str,
        recorder: &str,
        requested_by: &str,
    ) -> Result<RecordingRow> {
        let id = uuid::Uuid::new_v4().to_string();
        let row = sqlx::query(&format!(
            "INSERT INTO recordings (id, room_id, room_name, recorder, status, requested_by, \
             requested_at) VALUES ($1, $2, $3, $4, 'consent', $5, $6) RETURNING {COLUMNS}"
        ))
        .bind(&id)
        .bind(room_id)
        .bind(room_name)
        .bind(recorder)
        .bind(requested_by)
        .bind(now_ms())
        .fetch_one(self.writer())
        .await?;
        recording(&row)
    }

    pub async fn recording(&self, id: &str) -> Result<Option<RecordingRow>> {
        sqlx::query(&format!("SELECT {COLUMNS} FROM recordings WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(recording)
            .transpose()
    }

    /// The room's recording that asks for consent or records, if any.
    pub async fn live_recording(&self, room_id: &str) -> Result<Option<RecordingRow>> {
        sqlx::query(&format!(
            "SELECT {COLUMNS} FROM recordings WHERE room_id = $1 \
             AND status IN ('consent', 'recording')"
        ))
        .bind(room_id)
        .fetch_optional(&self.pool)
        .await?
        .as_ref()
        .map(recording)
        .transpose()
    }

    /// The room's recordings, newest first.
    pub async fn recordings_of_room(&self, room_id: &str) -> Result<Vec<RecordingRow>> {
        sqlx::query(&format!(
            "SELECT {COLUMNS} FROM recordings WHERE room_id = $1 ORDER BY requested_at DESC, id"
        ))
        .bind(room_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(recording)
        .collect()
    }

    /// Recordings in `status` (the maintenance pass looks for work).
    pub async fn recordings_in(&self, status: &str) -> Result<Vec<RecordingRow>> {
        sqlx::query(&format!(
            "SELECT {COLUMNS} FROM recordings WHERE status = $1"
        ))
        .bind(status)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(recording)
        .collect()
    }

    /// Moves the recording from one of `from` to `to`; false when another request (or node)
    /// moved it first.
    pub async fn move_recording(
        &self,
        id: &str,
        from: &[&str],
        to: &str,
        with: Move<'_>,
    ) -> Result<bool> {
        let now = now_ms();
        let placeholders: Vec<String> = (0..from.len()).map(|i| format!("${}", i + 9)).collect();
        let sql = format!(
            "UPDATE recordings SET status = $1, \
             started_at = CASE WHEN $2 = 1 THEN $3 ELSE started_at END, \
             stopped_at = CASE WHEN $4 = 1 THEN $3 ELSE stopped_at END, \
             node_id = COALESCE($5, node_id), egress_ids = COALESCE($6, egress_ids), \
             error = COALESCE($7, error) \
             WHERE id = $8 AND status IN ({})",
            placeholders.join(", ")
        );
        let mut q = sqlx::query(&sql)
            .bind(to)
            .bind(i64::from(with.started))
            .bind(now)
            .bind(i64::from(with.stopped))
            .bind(with.node_id)
            .bind(with.egress_ids)
            .bind(with.error)
            .bind(id);
        for status in from {
            q = q.bind(*status);
        }
        Ok(q.execute(self.writer()).await?.rows_affected() == 1)
    }

    /// Stores `identity`'s answer unless they answered before (the first answer stands).
    pub async fn record_consent(
        &self,
        recording_id: &str,
        identity: &str,
        name: &str,
        consent: bool,
    ) -> Result<ConsentOutcome> {
        let inserted = sqlx::query(
            "INSERT INTO recording_consents (recording_id, identity, name, consent, at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (recording_id, identity) DO NOTHING",
        )
        .bind(recording_id)
        .bind(identity)
        .bind(name)
        .bind(i64::from(consent))
        .bind(now_ms())
        .execute(self.writer())
        .await?
        .rows_affected();
        if inserted == 1 {
            return Ok(ConsentOutcome::Recorded);
        }
        let first: i64 = sqlx::query(
            "SELECT consent FROM recording_consents WHERE recording_id = $1 AND identity = $2",
        )
        .bind(recording_id)
        .bind(identity)
        .fetch_one(&self.pool)
        .await?
        .try_get("consent")?;
        Ok(ConsentOutcome::AlreadyAnswered(first != 0))
    }

    /// The answers to a recording's consent question, in the order given.
    pub async fn consents(&self, recording_id: &str) -> Result<Vec<ConsentRow>> {
        sqlx::query(
            "SELECT identity, name, consent, at FROM recording_consents \
             WHERE recording_id = $1 ORDER BY at, identity",
        )
        .bind(recording_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(ConsentRow {
                identity: r.try_get("identity")?,
                name: r.try_get("name")?,
                consent: r.try_get::<i64, _>("consent")? != 0,
                at_ms: r.try_get("at")?,
            })
        })
        .collect()
    }

    /// A finished file in the recording node's spool (idempotent: a replayed manifest adds
    /// nothing).
    pub async fn add_recording_file(&self, f: &FileRow) -> Result<()> {
        sqlx::query(
            "INSERT INTO recording_files (recording_id, file, identity, storage_key, size, \
             duration_ms, status) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (recording_id, file) DO NOTHING",
        )
        .bind(&f.recording_id)
        .bind(&f.file)
        .bind(&f.identity)
        .bind(&f.storage_key)
        .bind(f.size)
        .bind(f.duration_ms)
        .bind(&f.status)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    pub async fn recording_files(&self, recording_id: &str) -> Result<Vec<FileRow>> {
        sqlx::query(
            "SELECT recording_id, file, identity, storage_key, size, duration_ms, status \
             FROM recording_files WHERE recording_id = $1 ORDER BY file",
        )
        .bind(recording_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(file)
        .collect()
    }

    pub async fn mark_file_stored(&self, recording_id: &str, file: &str) -> Result<()> {
        sqlx::query(
            "UPDATE recording_files SET status = 'stored' WHERE recording_id = $1 AND file = $2",
        )
        .bind(recording_id)
        .bind(file)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    /// Finished recordings requested before `before_ms` (retention), with their status.
    pub async fn expired_recordings(&self, before_ms: i64) -> Result<Vec<(String, String)>> {
        let rows = sqlx::query(
            "SELECT id, status FROM recordings WHERE requested_at < $1 \
             AND status IN ('complete', 'cancelled', 'failed')",
        )
        .bind(before_ms)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("status")?)))
            .collect()
    }

    /// Deletes a recording with its files' rows and consent records (its objects are gone).
    pub async fn delete_recording(&self, recording_id: &str) -> Result<()> {
        let mut tx = self.writer().begin().await?;
        sqlx::query("DELETE FROM recording_files WHERE recording_id = $1")
            .bind(recording_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM recording_consents WHERE recording_id = $1")
            .bind(recording_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM recordings WHERE id = $1")
            .bind(recording_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
