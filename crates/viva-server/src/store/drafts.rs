//! Versioned feedback drafts and idempotent writes.
//!
//! A draft's version only moves forward and every write names the version it read, so two
//! machines editing one draft can never overwrite each other unseen: the second write is
//! stale and its client is shown both versions. Idempotency keys make a retried write (the
//! answer was lost, the client resends) land once: the key is claimed in the same
//! transaction as the write, so a crash leaves either both or neither.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use uuid::Uuid;

use super::{uuid_col, Result, Store, StoreError};
use crate::domain::{now_ms, FeedbackKind};

#[derive(Debug, Clone, PartialEq)]
pub struct StoredDraft {
    pub interview_id: Uuid,
    pub kind: FeedbackKind,
    pub author_id: Uuid,
    pub content: serde_json::Value,
    pub version: i64,
    pub updated_at_ms: i64,
}

/// What a conditional draft write did.
#[derive(Debug, Clone, PartialEq)]
pub enum DraftWrite {
    Saved(StoredDraft),
    /// The base version was stale; here is what the server holds (None: no draft yet,
    /// i.e. the client named a version that never existed).
    Stale(Option<StoredDraft>),
}

/// An idempotency key as the server keeps it: per user, tied to one request.
#[derive(Debug, Clone)]
pub struct IdemKey {
    pub user_id: Uuid,
    pub key: String,
    /// A hash of the request (method, path, body); a key reused for another request is
    /// refused rather than replayed.
    pub fingerprint: String,
}

/// The outcome of an operation run under an idempotency key.
#[derive(Debug)]
pub enum Idempotent<T> {
    /// Ran now (committed or deliberately rolled back by the operation).
    Done(T),
    /// Ran before under this key: the recorded answer.
    Replay(serde_json::Value),
    /// The key was used for a different request.
    KeyReused,
}

/// What an operation under an idempotency key decided.
pub enum Step<T> {
    /// Commit, and record `answer` for replays.
    Commit(T, serde_json::Value),
    /// Roll back (nothing happened; a retry may run again).
    Abort(T),
}

fn from_row(row: &AnyRow) -> Result<StoredDraft> {
    let kind: String = row.try_get("kind")?;
    let content: String = row.try_get("content")?;
    Ok(StoredDraft {
        interview_id: uuid_col(row, "interview_id")?,
        kind: FeedbackKind::parse(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("draft kind '{kind}'")))?,
        author_id: uuid_col(row, "author_id")?,
        content: serde_json::from_str(&content)
            .map_err(|e| StoreError::Corrupt(format!("draft content: {e}")))?,
        version: row.try_get("version")?,
        updated_at_ms: row.try_get("updated_at")?,
    })
}

const DRAFT_COLUMNS: &str = "interview_id, kind, author_id, content, version, updated_at";

async fn read_draft(
    conn: &mut AnyConnection,
    interview_id: Uuid,
    kind: FeedbackKind,
) -> Result<Option<StoredDraft>> {
    let row = sqlx::query(&format!(
        "SELECT {DRAFT_COLUMNS} FROM feedback_drafts WHERE interview_id = $1 AND kind = $2"
    ))
    .bind(interview_id.to_string())
    .bind(kind.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// The conditional write: an insert when the client saw no draft (base 0), else an update
/// that only matches the version the client saw.
pub async fn write_draft(
    conn: &mut AnyConnection,
    interview_id: Uuid,
    kind: FeedbackKind,
    author_id: Uuid,
    content: &serde_json::Value,
    base_version: i64,
) -> Result<DraftWrite> {
    let now = now_ms();
    let written = if base_version == 0 {
        sqlx::query(
            "INSERT INTO feedback_drafts (interview_id, kind, author_id, content, version, \
             updated_at) VALUES ($1, $2, $3, $4, 1, $5) ON CONFLICT (interview_id, kind) DO NOTHING",
        )
        .bind(interview_id.to_string())
        .bind(kind.as_str())
        .bind(author_id.to_string())
        .bind(content.to_string())
        .bind(now)
        .execute(&mut *conn)
        .await?
    } else {
        sqlx::query(
            "UPDATE feedback_drafts SET content = $1, author_id = $2, version = version + 1, \
             updated_at = $3 WHERE interview_id = $4 AND kind = $5 AND version = $6",
        )
        .bind(content.to_string())
        .bind(author_id.to_string())
        .bind(now)
        .bind(interview_id.to_string())
        .bind(kind.as_str())
        .bind(base_version)
        .execute(&mut *conn)
        .await?
    }
    .rows_affected();
    let current = read_draft(conn, interview_id, kind).await?;
    Ok(match (written, current) {
        (1, Some(d)) => DraftWrite::Saved(d),
        (_, current) => DraftWrite::Stale(current),
    })
}

impl Store {
    pub async fn draft(
        &self,
        interview_id: Uuid,
        kind: FeedbackKind,
    ) -> Result<Option<StoredDraft>> {
        let mut conn = self.pool.acquire().await?;
        read_draft(&mut conn, interview_id, kind).await
    }

    /// Runs `op` in one transaction. With a key, the key is claimed first (a write, so the
    /// transaction holds the write lock from its first statement and SQLite never has to
    /// upgrade a read lock), and the operation's answer is recorded before commit. A key
    /// already claimed replays its recorded answer; on PostgreSQL a concurrent claim of the
    /// same key waits for the first transaction and then replays.
    pub async fn idempotent<T>(
        &self,
        key: Option<&IdemKey>,
        op: impl AsyncFnOnce(&mut AnyConnection) -> Result<Step<T>>,
    ) -> Result<Idempotent<T>> {
        let mut tx = self.writer().begin().await?;
        if let Some(k) = key {
            let claimed = sqlx::query(
                "INSERT INTO idempotency_keys (user_id, idem_key, fingerprint, response, \
                 created_at) VALUES ($1, $2, $3, '', $4) ON CONFLICT (user_id, idem_key) DO NOTHING",
            )
            .bind(k.user_id.to_string())
            .bind(&k.key)
            .bind(&k.fingerprint)
            .bind(now_ms())
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if !claimed {
                tx.rollback().await?;
                return self.replay(k).await;
            }
        }
        match op(&mut tx).await? {
            Step::Commit(value, answer) => {
                if let Some(k) = key {
                    sqlx::query(
                        "UPDATE idempotency_keys SET response = $1 WHERE user_id = $2 AND idem_key = $3",
                    )
                    .bind(answer.to_string())
                    .bind(k.user_id.to_string())
                    .bind(&k.key)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(Idempotent::Done(value))
            }
            Step::Abort(value) => {
                tx.rollback().await?;
                Ok(Idempotent::Done(value))
            }
        }
    }

    async fn replay<T>(&self, k: &IdemKey) -> Result<Idempotent<T>> {
        let row = sqlx::query(
            "SELECT fingerprint, response FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2",
        )
        .bind(k.user_id.to_string())
        .bind(&k.key)
        .fetch_one(&self.pool)
        .await?;
        let fingerprint: String = row.try_get("fingerprint")?;
        if fingerprint != k.fingerprint {
            return Ok(Idempotent::KeyReused);
        }
        let response: String = row.try_get("response")?;
        serde_json::from_str(&response)
            .map(Idempotent::Replay)
            .map_err(|e| StoreError::Corrupt(format!("idempotent answer: {e}")))
    }

    /// How many answers are kept under idempotency keys (tests count writes with it).
    pub async fn idempotency_keys_for(&self, user_id: Uuid) -> Result<i64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM idempotency_keys WHERE user_id = $1")
            .bind(user_id.to_string())
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("n")?)
    }
}
