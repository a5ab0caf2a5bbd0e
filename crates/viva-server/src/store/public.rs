//! Public rooms: a shareable code, its `interview_{code}` room and session, and the joins
//! made with it. A session's status is its room's status (one source of truth).

use sqlx::any::AnyRow;
use sqlx::Row;
use uuid::Uuid;

use super::{uuid_col, NewRoom, Result, RoomSettings, Store, StoreError};
use crate::domain::{now_ms, public_room_name, InterviewType};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicSession {
    pub id: Uuid,
    pub room_code: String,
    pub room_name: String,
    pub application_id: Uuid,
    pub created_by: Uuid,
    pub interview_type: InterviewType,
    pub instructions: String,
    pub candidate_phone: Option<String>,
    pub candidate_name: Option<String>,
    pub ended_by: Option<String>,
    pub created_at_ms: i64,
}

#[derive(Debug, Clone)]
pub struct NewPublicSession {
    pub room_code: String,
    pub application_id: Uuid,
    pub created_by: Uuid,
    pub interview_type: InterviewType,
    pub instructions: String,
    pub max_duration: i64,
    pub max_participants: i64,
    pub empty_timeout: i64,
}

/// An accepted join, as recorded.
#[derive(Debug, Clone)]
pub struct NewPublicJoin {
    pub session_id: Uuid,
    pub phone: String,
    pub first_name: String,
    pub last_name: String,
    pub identity: String,
    /// SHA-256 of the participant credential; the credential itself is never stored.
    pub credential_hash: String,
}

const COLUMNS: &str = "id, room_code, room_name, application_id, created_by, interview_type, \
                       instructions, candidate_phone, candidate_name, ended_by, created_at";

fn from_row(row: &AnyRow) -> Result<PublicSession> {
    let kind: String = row.try_get("interview_type")?;
    Ok(PublicSession {
        id: uuid_col(row, "id")?,
        room_code: row.try_get("room_code")?,
        room_name: row.try_get("room_name")?,
        application_id: uuid_col(row, "application_id")?,
        created_by: uuid_col(row, "created_by")?,
        interview_type: InterviewType::parse(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("interview_type '{kind}'")))?,
        instructions: row.try_get("instructions")?,
        candidate_phone: row.try_get("candidate_phone")?,
        candidate_name: row.try_get("candidate_name")?,
        ended_by: row.try_get("ended_by")?,
        created_at_ms: row.try_get("created_at")?,
    })
}

impl Store {
    /// Creates the room and its session in one transaction. `None` when the code is taken
    /// (the caller draws another): the unique constraints decide, even across nodes.
    pub async fn create_public_session(
        &self,
        new: NewPublicSession,
    ) -> Result<Option<PublicSession>> {
        let session = PublicSession {
            id: Uuid::new_v4(),
            room_name: public_room_name(),
            room_code: new.room_code,
            application_id: new.application_id,
            created_by: new.created_by,
            interview_type: new.interview_type,
            instructions: new.instructions,
            candidate_phone: None,
            candidate_name: None,
            ended_by: None,
            created_at_ms: now_ms(),
        };
        let mut tx = self.writer().begin().await?;
        let room = NewRoom {
            name: session.room_name.clone(),
            interview_id: None,
            room_code: Some(session.room_code.clone()),
            template: "individual".into(),
            settings: RoomSettings::individual(
                new.max_participants,
                new.empty_timeout,
                new.max_duration,
            ),
            title: None,
            host_id: None,
            created_by: Some(new.created_by),
        };
        if !super::rooms::insert_room(&mut tx, &room, session.created_at_ms).await? {
            tx.rollback().await?;
            return Ok(None);
        }
        sqlx::query(&format!(
            "INSERT INTO public_sessions ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL, NULL, $8)"
        ))
        .bind(session.id.to_string())
        .bind(&session.room_code)
        .bind(&session.room_name)
        .bind(session.application_id.to_string())
        .bind(session.created_by.to_string())
        .bind(session.interview_type.as_str())
        .bind(&session.instructions)
        .bind(session.created_at_ms)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(session))
    }

    pub async fn public_session_by_code(&self, code: &str) -> Result<Option<PublicSession>> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM public_sessions WHERE room_code = $1"
        ))
        .bind(code)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(from_row).transpose()
    }

    pub async fn public_session_by_room(&self, room_name: &str) -> Result<Option<PublicSession>> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM public_sessions WHERE room_name = $1"
        ))
        .bind(room_name)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Records a join and remembers the latest candidate phone and name on the session.
    /// Binds the session to `phone` unless it is bound already; returns the phone it is
    /// bound to (the first caller's, under concurrency: one conditional UPDATE decides).
    pub async fn bind_session_phone(&self, session_id: Uuid, phone: &str) -> Result<String> {
        sqlx::query(
            "UPDATE public_sessions SET bound_phone = $2 WHERE id = $1 AND bound_phone IS NULL",
        )
        .bind(session_id.to_string())
        .bind(phone)
        .execute(self.writer())
        .await?;
        let row = sqlx::query("SELECT bound_phone FROM public_sessions WHERE id = $1")
            .bind(session_id.to_string())
            .fetch_one(&self.pool)
            .await?;
        Ok(row
            .try_get::<Option<String>, _>("bound_phone")?
            .unwrap_or_default())
    }

    pub async fn record_public_join(&self, join: NewPublicJoin) -> Result<()> {
        let mut tx = self.writer().begin().await?;
        sqlx::query(
            "INSERT INTO public_joins (id, session_id, phone, first_name, last_name, identity, \
             credential_hash, joined_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(Uuid::new_v4().to_string())
        .bind(join.session_id.to_string())
        .bind(&join.phone)
        .bind(&join.first_name)
        .bind(&join.last_name)
        .bind(&join.identity)
        .bind(&join.credential_hash)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE public_sessions SET candidate_phone = $1, candidate_name = $2 WHERE id = $3",
        )
        .bind(&join.phone)
        .bind(format!("{} {}", join.first_name, join.last_name))
        .bind(join.session_id.to_string())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// (phone, first name, last name, identity) of every join of the session, oldest first.
    pub async fn public_joins(
        &self,
        session_id: Uuid,
    ) -> Result<Vec<(String, String, String, String)>> {
        let rows = sqlx::query(
            "SELECT phone, first_name, last_name, identity FROM public_joins \
             WHERE session_id = $1 ORDER BY joined_at, id",
        )
        .bind(session_id.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("phone")?,
                    r.try_get("first_name")?,
                    r.try_get("last_name")?,
                    r.try_get("identity")?,
                ))
            })
            .collect()
    }

    /// The session a participant credential (by hash) belongs to.
    pub async fn session_for_credential(&self, credential_hash: &str) -> Result<Option<Uuid>> {
        let row = sqlx::query("SELECT session_id FROM public_joins WHERE credential_hash = $1")
            .bind(credential_hash)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(|r| uuid_col(r, "session_id")).transpose()
    }

    pub async fn set_session_ended_by(&self, session_id: Uuid, who: &str) -> Result<()> {
        sqlx::query("UPDATE public_sessions SET ended_by = $1 WHERE id = $2 AND ended_by IS NULL")
            .bind(who)
            .bind(session_id.to_string())
            .execute(self.writer())
            .await?;
        Ok(())
    }
}
