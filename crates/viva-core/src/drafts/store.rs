//! The local draft database: SQLite in WAL mode with `synchronous = FULL`, so a save that
//! returned is on disk even if the app is killed the next instant. Everything a person
//! typed is sealed (see `seal.rs`); in the clear are only ids, versions, counters and
//! sync state, which the sync engine needs to query.
//!
//! Two tables: `drafts` (one row per user, interview and side) and `outbox` (at most one
//! pending write per draft and operation, with the idempotency key it will be sent with;
//! the key is stored before the first attempt, so every retry, across restarts, is the
//! same request to the server).

use super::error::DraftError;
use std::path::Path;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};

use super::form::Fields;
use super::seal::Sealer;
use super::{DraftKind, Submission, SyncState};
use crate::error::{CoreError, ErrorCode};

/// The sealed part of a draft.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Body {
    pub topic: String,
    pub interview_type: String,
    /// What the person typed.
    pub content: Fields,
    /// The server's content at `base_version` (the merge base).
    pub base: Fields,
    /// The server's draft when it conflicts with ours, until the person resolves it.
    pub theirs: Option<Remote>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Remote {
    pub version: i64,
    pub content: Fields,
}

#[derive(Debug, Clone)]
pub struct Record {
    pub interview_id: String,
    pub kind: DraftKind,
    pub body: Body,
    pub state: SyncState,
    /// Bumped by every local change; `synced_rev` is the last one the server acknowledged.
    pub local_rev: i64,
    pub synced_rev: i64,
    pub base_version: i64,
    pub submission: Submission,
    pub error: Option<String>,
    pub updated_at_ms: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Put,
    Submit,
}

impl Op {
    fn as_str(self) -> &'static str {
        match self {
            Op::Put => "put",
            Op::Submit => "submit",
        }
    }
}

/// A queued write. The payload is sealed at rest.
#[derive(Debug, Clone)]
pub struct Entry {
    pub interview_id: String,
    pub kind: DraftKind,
    pub op: Op,
    pub key: String,
    pub base_version: i64,
    pub rev: i64,
    pub payload: serde_json::Value,
}

pub struct LocalDb {
    pool: SqlitePool,
    sealer: Sealer,
    user_id: String,
}

fn db_err(e: sqlx::Error) -> CoreError {
    DraftError::from(e).into()
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl LocalDb {
    pub async fn open(path: &Path, sealer: Sealer, user_id: &str) -> Result<Self, CoreError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| DraftError::Directory {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let options = SqliteConnectOptions::from_str("sqlite://")
            .map_err(db_err)?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: the WAL is synced on every commit, so a returned save survives SIGKILL
            // and power loss alike.
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(std::time::Duration::from_secs(10));
        // One connection: saves and the sync engine take turns, and SQLite never has to
        // upgrade a reader to a writer under contention.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .map_err(db_err)?;
        for ddl in [
            "CREATE TABLE IF NOT EXISTS drafts (user_id TEXT NOT NULL, interview_id TEXT NOT NULL, \
             kind TEXT NOT NULL, sealed BLOB NOT NULL, state TEXT NOT NULL, local_rev INTEGER NOT NULL, \
             synced_rev INTEGER NOT NULL, base_version INTEGER NOT NULL, submission TEXT NOT NULL, \
             error TEXT, updated_at INTEGER NOT NULL, PRIMARY KEY (user_id, interview_id, kind))",
            "CREATE TABLE IF NOT EXISTS outbox (user_id TEXT NOT NULL, interview_id TEXT NOT NULL, \
             kind TEXT NOT NULL, op TEXT NOT NULL, idem_key TEXT NOT NULL, base_version INTEGER NOT NULL, \
             rev INTEGER NOT NULL, sealed BLOB NOT NULL, created_at INTEGER NOT NULL, \
             PRIMARY KEY (user_id, interview_id, kind, op))",
        ] {
            sqlx::query(ddl).execute(&pool).await.map_err(db_err)?;
        }
        Ok(Self {
            pool,
            sealer,
            user_id: user_id.to_owned(),
        })
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    fn aad(&self, interview_id: &str, kind: DraftKind, op: Option<Op>) -> String {
        match op {
            None => format!("{}/{interview_id}/{}", self.user_id, kind.as_str()),
            Some(op) => format!(
                "{}/{interview_id}/{}/{}",
                self.user_id,
                kind.as_str(),
                op.as_str()
            ),
        }
    }

    fn record(&self, row: &sqlx::sqlite::SqliteRow) -> Result<Record, CoreError> {
        let interview_id: String = row.try_get("interview_id").map_err(db_err)?;
        let kind = DraftKind::parse(row.try_get("kind").map_err(db_err)?)?;
        let sealed: Vec<u8> = row.try_get("sealed").map_err(db_err)?;
        let plain = self
            .sealer
            .open(&self.aad(&interview_id, kind, None), &sealed)?;
        let body: Body = serde_json::from_slice(&plain).map_err(DraftError::from)?;
        Ok(Record {
            interview_id,
            kind,
            body,
            state: SyncState::parse(row.try_get("state").map_err(db_err)?),
            local_rev: row.try_get("local_rev").map_err(db_err)?,
            synced_rev: row.try_get("synced_rev").map_err(db_err)?,
            base_version: row.try_get("base_version").map_err(db_err)?,
            submission: Submission::parse(row.try_get("submission").map_err(db_err)?),
            error: row.try_get("error").map_err(db_err)?,
            updated_at_ms: row.try_get("updated_at").map_err(db_err)?,
        })
    }

    pub async fn get(
        &self,
        interview_id: &str,
        kind: DraftKind,
    ) -> Result<Option<Record>, CoreError> {
        let row =
            sqlx::query("SELECT * FROM drafts WHERE user_id = ? AND interview_id = ? AND kind = ?")
                .bind(&self.user_id)
                .bind(interview_id)
                .bind(kind.as_str())
                .fetch_optional(&self.pool)
                .await
                .map_err(db_err)?;
        row.as_ref().map(|r| self.record(r)).transpose()
    }

    pub async fn all(&self) -> Result<Vec<Record>, CoreError> {
        let rows = sqlx::query("SELECT * FROM drafts WHERE user_id = ? ORDER BY updated_at DESC")
            .bind(&self.user_id)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter().map(|r| self.record(r)).collect()
    }

    /// Writes the whole record (sealed anew, with a fresh nonce). Durable on return.
    pub async fn put(&self, r: &Record) -> Result<(), CoreError> {
        let plain = serde_json::to_vec(&r.body).map_err(DraftError::from)?;
        let sealed = self
            .sealer
            .seal(&self.aad(&r.interview_id, r.kind, None), &plain)?;
        sqlx::query(
            "INSERT INTO drafts (user_id, interview_id, kind, sealed, state, local_rev, synced_rev, \
             base_version, submission, error, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT (user_id, interview_id, kind) DO UPDATE SET sealed = excluded.sealed, \
             state = excluded.state, local_rev = excluded.local_rev, synced_rev = excluded.synced_rev, \
             base_version = excluded.base_version, submission = excluded.submission, \
             error = excluded.error, updated_at = excluded.updated_at",
        )
        .bind(&self.user_id)
        .bind(&r.interview_id)
        .bind(r.kind.as_str())
        .bind(sealed)
        .bind(r.state.as_str())
        .bind(r.local_rev)
        .bind(r.synced_rev)
        .bind(r.base_version)
        .bind(r.submission.as_str())
        .bind(&r.error)
        .bind(r.updated_at_ms)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    pub async fn entry(
        &self,
        interview_id: &str,
        kind: DraftKind,
        op: Op,
    ) -> Result<Option<Entry>, CoreError> {
        let row = sqlx::query(
            "SELECT * FROM outbox WHERE user_id = ? AND interview_id = ? AND kind = ? AND op = ?",
        )
        .bind(&self.user_id)
        .bind(interview_id)
        .bind(kind.as_str())
        .bind(op.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        let Some(row) = row else { return Ok(None) };
        let sealed: Vec<u8> = row.try_get("sealed").map_err(db_err)?;
        let plain = self
            .sealer
            .open(&self.aad(interview_id, kind, Some(op)), &sealed)?;
        Ok(Some(Entry {
            interview_id: interview_id.to_owned(),
            kind,
            op,
            key: row.try_get("idem_key").map_err(db_err)?,
            base_version: row.try_get("base_version").map_err(db_err)?,
            rev: row.try_get("rev").map_err(db_err)?,
            payload: serde_json::from_slice(&plain).map_err(|e| {
                CoreError::new(ErrorCode::Server, format!("a queued write is damaged: {e}"))
            })?,
        }))
    }

    /// Queues a write. Stored (durably) before it is first sent.
    pub async fn enqueue(&self, e: &Entry) -> Result<(), CoreError> {
        let plain = serde_json::to_vec(&e.payload)
            .map_err(|err| CoreError::new(ErrorCode::Server, err.to_string()))?;
        let sealed = self
            .sealer
            .seal(&self.aad(&e.interview_id, e.kind, Some(e.op)), &plain)?;
        sqlx::query(
            "INSERT OR REPLACE INTO outbox (user_id, interview_id, kind, op, idem_key, base_version, \
             rev, sealed, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&self.user_id)
        .bind(&e.interview_id)
        .bind(e.kind.as_str())
        .bind(e.op.as_str())
        .bind(&e.key)
        .bind(e.base_version)
        .bind(e.rev)
        .bind(sealed)
        .bind(now_ms())
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    pub async fn dequeue(
        &self,
        interview_id: &str,
        kind: DraftKind,
        op: Op,
    ) -> Result<(), CoreError> {
        sqlx::query(
            "DELETE FROM outbox WHERE user_id = ? AND interview_id = ? AND kind = ? AND op = ?",
        )
        .bind(&self.user_id)
        .bind(interview_id)
        .bind(kind.as_str())
        .bind(op.as_str())
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    /// Drafts with something to send: unsent changes (not in conflict, not refused) or a
    /// queued write.
    pub async fn pending(&self) -> Result<Vec<(String, DraftKind)>, CoreError> {
        let rows = sqlx::query(
            "SELECT interview_id, kind FROM drafts d WHERE user_id = ?1 AND ( \
               (local_rev > synced_rev AND state <> 'conflict' AND error IS NULL) \
               OR EXISTS (SELECT 1 FROM outbox o WHERE o.user_id = d.user_id \
                          AND o.interview_id = d.interview_id AND o.kind = d.kind)) \
             ORDER BY updated_at",
        )
        .bind(&self.user_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("interview_id").map_err(db_err)?,
                    DraftKind::parse(r.try_get("kind").map_err(db_err)?)?,
                ))
            })
            .collect()
    }

    /// Drafts whose latest text or submission the server does not have yet.
    pub async fn unsynced(&self) -> Result<u32, CoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM drafts d WHERE user_id = ?1 AND (local_rev > synced_rev \
             OR state = 'conflict' OR submission = 'queued' OR EXISTS (SELECT 1 FROM outbox o \
             WHERE o.user_id = d.user_id AND o.interview_id = d.interview_id AND o.kind = d.kind))",
        )
        .bind(&self.user_id)
        .fetch_one(&self.pool)
        .await
        .map_err(db_err)?;
        let n: i64 = row.try_get("n").map_err(db_err)?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }
}
