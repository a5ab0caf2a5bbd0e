use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use uuid::Uuid;

use super::{uuid_col, Result, Store, StoreError};
use crate::domain::{now_ms, FeedbackKind};

#[derive(Debug, Clone, PartialEq)]
pub struct Feedback {
    pub id: Uuid,
    pub interview_id: Uuid,
    pub author_id: Uuid,
    pub kind: FeedbackKind,
    pub scorecard: serde_json::Value,
    pub recommendation: Option<String>,
    pub notes: String,
    pub version: i64,
    pub submitted_at_ms: i64,
}

#[derive(Debug, Clone)]
pub struct NewFeedback {
    pub interview_id: Uuid,
    pub author_id: Uuid,
    pub kind: FeedbackKind,
    pub scorecard: serde_json::Value,
    pub recommendation: Option<String>,
    pub notes: String,
}

fn from_row(row: &AnyRow) -> Result<Feedback> {
    let kind: String = row.try_get("kind")?;
    let scorecard: String = row.try_get("scorecard")?;
    Ok(Feedback {
        id: uuid_col(row, "id")?,
        interview_id: uuid_col(row, "interview_id")?,
        author_id: uuid_col(row, "author_id")?,
        kind: FeedbackKind::parse(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("feedback kind '{kind}'")))?,
        scorecard: serde_json::from_str(&scorecard)
            .map_err(|e| StoreError::Corrupt(format!("scorecard: {e}")))?,
        recommendation: row.try_get("recommendation")?,
        notes: row.try_get("notes")?,
        version: row.try_get("version")?,
        submitted_at_ms: row.try_get("submitted_at")?,
    })
}

/// Stores the submission for (interview, kind) on `conn` (a transaction when the
/// submission carries an idempotency key); a resubmission replaces it and bumps the version.
pub async fn submit_feedback_in(conn: &mut AnyConnection, new: NewFeedback) -> Result<Feedback> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO feedback (id, interview_id, author_id, kind, scorecard, recommendation, \
         notes, version, submitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8) \
         ON CONFLICT (interview_id, kind) DO UPDATE SET author_id = excluded.author_id, \
         scorecard = excluded.scorecard, recommendation = excluded.recommendation, \
         notes = excluded.notes, version = feedback.version + 1, \
         submitted_at = excluded.submitted_at",
    )
    .bind(Uuid::new_v4().to_string())
    .bind(new.interview_id.to_string())
    .bind(new.author_id.to_string())
    .bind(new.kind.as_str())
    .bind(new.scorecard.to_string())
    .bind(&new.recommendation)
    .bind(&new.notes)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    read_feedback(conn, new.interview_id, new.kind)
        .await?
        .ok_or_else(|| StoreError::Corrupt("feedback vanished".into()))
}

async fn read_feedback(
    conn: &mut AnyConnection,
    interview_id: Uuid,
    kind: FeedbackKind,
) -> Result<Option<Feedback>> {
    let row = sqlx::query(
        "SELECT id, interview_id, author_id, kind, scorecard, recommendation, notes, version, \
         submitted_at FROM feedback WHERE interview_id = $1 AND kind = $2",
    )
    .bind(interview_id.to_string())
    .bind(kind.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

impl Store {
    /// Stores the submission for (interview, kind); a resubmission replaces it and bumps
    /// the version.
    pub async fn submit_feedback(&self, new: NewFeedback) -> Result<Feedback> {
        let mut conn = self.writer().acquire().await?;
        submit_feedback_in(&mut conn, new).await
    }

    pub async fn feedback(
        &self,
        interview_id: Uuid,
        kind: FeedbackKind,
    ) -> Result<Option<Feedback>> {
        let mut conn = self.pool.acquire().await?;
        read_feedback(&mut conn, interview_id, kind).await
    }
}
