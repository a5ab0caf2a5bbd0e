use sqlx::any::AnyRow;
use sqlx::Row;
use uuid::Uuid;

use super::page::{keyset_clause, Page, Paged};
use super::{opt_uuid_col, uuid_col, Result, Store, StoreError};
use crate::domain::{now_ms, InterviewStatus, InterviewType};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interview {
    pub id: Uuid,
    pub sender_id: Uuid,
    pub receiver_id: Uuid,
    pub topic: String,
    pub status: InterviewStatus,
    pub scheduled_time_ms: i64,
    pub duration_minutes: i64,
    pub interview_type: InterviewType,
    pub application_id: Option<Uuid>,
}

#[derive(Debug, Clone)]
pub struct NewInterview {
    pub sender_id: Uuid,
    pub receiver_id: Uuid,
    pub topic: String,
    pub status: InterviewStatus,
    pub scheduled_time_ms: i64,
    pub duration_minutes: i64,
    pub interview_type: InterviewType,
    pub application_id: Option<Uuid>,
}

/// One side of an interview as a list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub role: String,
}

/// An interview with everything its list entry shows, read in one query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterviewListing {
    pub interview: Interview,
    pub sender: Party,
    pub receiver: Party,
    pub interviewer_feedback_submitted: bool,
}

pub(super) const COLUMNS: &str = "id, sender_id, receiver_id, topic, status, scheduled_time, \
                       duration_minutes, interview_type, application_id";

fn from_row(row: &AnyRow) -> Result<Interview> {
    from_row_as(row, "")
}

/// An interview read from columns named `{prefix}{column}`, for statements that join it
/// with tables whose column names it shares.
pub(super) fn from_row_as(row: &AnyRow, prefix: &str) -> Result<Interview> {
    let c = |name: &str| format!("{prefix}{name}");
    let status: String = row.try_get(c("status").as_str())?;
    let kind: String = row.try_get(c("interview_type").as_str())?;
    Ok(Interview {
        id: uuid_col(row, &c("id"))?,
        sender_id: uuid_col(row, &c("sender_id"))?,
        receiver_id: uuid_col(row, &c("receiver_id"))?,
        topic: row.try_get(c("topic").as_str())?,
        status: InterviewStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("status '{status}'")))?,
        scheduled_time_ms: row.try_get(c("scheduled_time").as_str())?,
        duration_minutes: row.try_get(c("duration_minutes").as_str())?,
        interview_type: InterviewType::parse(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("interview_type '{kind}'")))?,
        application_id: opt_uuid_col(row, &c("application_id"))?,
    })
}

pub(super) fn party(row: &AnyRow, prefix: &str, id: Uuid) -> Result<Party> {
    Ok(Party {
        id,
        username: row.try_get(format!("{prefix}_username").as_str())?,
        display_name: row.try_get(format!("{prefix}_display_name").as_str())?,
        role: row.try_get(format!("{prefix}_role").as_str())?,
    })
}

impl Store {
    /// A page of the interviews `user_id` takes part in (all, for `None`), with both sides
    /// and whether the interviewer's feedback is in: one query, however long the page.
    pub async fn interview_page(
        &self,
        user_id: Option<Uuid>,
        page: &Page,
    ) -> Result<Paged<InterviewListing>> {
        let columns: Vec<String> = COLUMNS
            .split(',')
            .map(|c| format!("i.{}", c.trim()))
            .collect();
        let sql = format!(
            "SELECT {}, s.username AS s_username, s.display_name AS s_display_name, \
             s.role AS s_role, r.username AS r_username, r.display_name AS r_display_name, \
             r.role AS r_role, CAST(CASE WHEN EXISTS (SELECT 1 FROM feedback f \
             WHERE f.interview_id = i.id AND f.kind = 'interviewer') THEN 1 ELSE 0 END AS BIGINT) \
             AS has_feedback FROM interviews i JOIN users s ON s.id = i.sender_id \
             JOIN users r ON r.id = i.receiver_id \
             WHERE ($4 = '' OR i.sender_id = $4 OR i.receiver_id = $4) AND {} \
             ORDER BY i.scheduled_time, i.id LIMIT $3",
            columns.join(", "),
            keyset_clause("i.scheduled_time", "i.id")
        );
        let scope = user_id.map(|u| u.to_string()).unwrap_or_default();
        let row = |row: &AnyRow| {
            let interview = from_row(row)?;
            Ok(InterviewListing {
                sender: party(row, "s", interview.sender_id)?,
                receiver: party(row, "r", interview.receiver_id)?,
                interviewer_feedback_submitted: row.try_get::<i64, _>("has_feedback")? != 0,
                interview,
            })
        };
        self.page_of(&sql, Some(scope), page, row, |l| {
            (l.interview.scheduled_time_ms, l.interview.id.to_string())
        })
        .await
    }

    pub async fn create_interview(&self, new: NewInterview) -> Result<Interview> {
        let id = Uuid::new_v4();
        let now = now_ms();
        sqlx::query(
            "INSERT INTO interviews (id, sender_id, receiver_id, topic, status, scheduled_time, \
             duration_minutes, interview_type, application_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
        )
        .bind(id.to_string())
        .bind(new.sender_id.to_string())
        .bind(new.receiver_id.to_string())
        .bind(&new.topic)
        .bind(new.status.as_str())
        .bind(new.scheduled_time_ms)
        .bind(new.duration_minutes)
        .bind(new.interview_type.as_str())
        .bind(new.application_id.map(|a| a.to_string()))
        .bind(now)
        .execute(self.writer())
        .await?;
        Ok(Interview {
            id,
            sender_id: new.sender_id,
            receiver_id: new.receiver_id,
            topic: new.topic,
            status: new.status,
            scheduled_time_ms: new.scheduled_time_ms,
            duration_minutes: new.duration_minutes,
            interview_type: new.interview_type,
            application_id: new.application_id,
        })
    }

    pub async fn interview(&self, id: Uuid) -> Result<Option<Interview>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM interviews WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Interviews a user takes part in, soonest first; `None` lists every interview.
    pub async fn interviews_for(&self, user_id: Option<Uuid>) -> Result<Vec<Interview>> {
        let rows = match user_id {
            Some(id) => {
                sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM interviews WHERE sender_id = $1 OR receiver_id = $1 \
                     ORDER BY scheduled_time, id"
                ))
                .bind(id.to_string())
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM interviews ORDER BY scheduled_time, id"
                ))
                .fetch_all(&self.pool)
                .await?
            }
        };
        rows.iter().map(from_row).collect()
    }

    /// Moves an interview to `to` if it is in one of `from`. Returns the updated interview,
    /// or `None` when its status was not one of `from` (a concurrent change won).
    pub async fn transition_interview(
        &self,
        id: Uuid,
        from: &[InterviewStatus],
        to: InterviewStatus,
    ) -> Result<Option<Interview>> {
        // `from` is a closed set of enum texts, so inlining it as literals is safe.
        let allowed: Vec<String> = from.iter().map(|s| format!("'{}'", s.as_str())).collect();
        let done = sqlx::query(&format!(
            "UPDATE interviews SET status = $1, updated_at = $2 WHERE id = $3 AND status IN ({})",
            allowed.join(", ")
        ))
        .bind(to.as_str())
        .bind(now_ms())
        .bind(id.to_string())
        .execute(self.writer())
        .await?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        self.interview(id).await
    }
}
