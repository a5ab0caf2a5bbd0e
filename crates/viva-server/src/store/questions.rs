//! The question bank: questions staff keep per interview type.

use sqlx::any::AnyRow;
use sqlx::Row;
use uuid::Uuid;

use super::{uuid_col, Result, Store, StoreError};
use crate::domain::{now_ms, InterviewType};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankQuestion {
    pub id: Uuid,
    pub interview_type: InterviewType,
    pub text: String,
    pub position: i64,
    pub created_at_ms: i64,
}

fn from_row(row: &AnyRow) -> Result<BankQuestion> {
    let kind: String = row.try_get("interview_type")?;
    Ok(BankQuestion {
        id: uuid_col(row, "id")?,
        interview_type: InterviewType::parse(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("interview type '{kind}'")))?,
        text: row.try_get("text")?,
        position: row.try_get("position")?,
        created_at_ms: row.try_get("created_at")?,
    })
}

const COLUMNS: &str = "id, interview_type, text, position, created_at";

impl Store {
    /// Adds a question at the end of its type's list.
    pub async fn add_bank_question(
        &self,
        interview_type: InterviewType,
        text: &str,
    ) -> Result<BankQuestion> {
        let id = Uuid::new_v4();
        sqlx::query(
            "INSERT INTO question_bank (id, interview_type, text, position, created_at) \
             VALUES ($1, $2, $3, (SELECT COALESCE(MAX(position), 0) + 1 FROM question_bank \
             WHERE interview_type = $2), $4)",
        )
        .bind(id.to_string())
        .bind(interview_type.as_str())
        .bind(text)
        .bind(now_ms())
        .execute(self.writer())
        .await?;
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM question_bank WHERE id = $1"
        ))
        .bind(id.to_string())
        .fetch_one(&self.pool)
        .await?;
        from_row(&row)
    }

    /// The bank, of one type or of all, in order.
    pub async fn bank_questions(
        &self,
        interview_type: Option<InterviewType>,
    ) -> Result<Vec<BankQuestion>> {
        let rows = match interview_type {
            Some(t) => {
                sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM question_bank WHERE interview_type = $1 ORDER BY position, id"
                ))
                .bind(t.as_str())
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM question_bank ORDER BY interview_type, position, id"
                ))
                .fetch_all(&self.pool)
                .await?
            }
        };
        rows.iter().map(from_row).collect()
    }

    /// Ok(false) when there was no such question.
    pub async fn delete_bank_question(&self, id: Uuid) -> Result<bool> {
        let n = sqlx::query("DELETE FROM question_bank WHERE id = $1")
            .bind(id.to_string())
            .execute(self.writer())
            .await?
            .rows_affected();
        Ok(n == 1)
    }
}
