//! One-time-password rooms (`interview-{applicationId}-{n}`): argon2id hashes with an
//! expiry, an attempt counter and a used flag. Attempts are claimed with a conditional
//! UPDATE *before* the hash is checked, so concurrent guesses on several nodes can never
//! exceed the limit.

use sqlx::any::AnyRow;
use sqlx::Row;
use uuid::Uuid;

use super::{opt_uuid_col, uuid_col, NewRoom, Result, RoomSettings, Store};
use crate::domain::{now_ms, password_room_name};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomPassword {
    pub id: Uuid,
    pub room_name: String,
    pub application_id: Uuid,
    pub created_by: Option<Uuid>,
    /// argon2id PHC string; the password itself is never stored.
    pub password_hash: String,
    pub expires_at_ms: i64,
    pub attempts: i64,
    pub used: bool,
    pub voided: bool,
}

#[derive(Debug, Clone)]
pub struct NewPasswordRoom {
    pub application_id: Uuid,
    pub created_by: Option<Uuid>,
    pub password_hash: String,
    pub expires_at_ms: i64,
    pub max_duration: i64,
    pub max_participants: i64,
    pub empty_timeout: i64,
}

const COLUMNS: &str =
    "id, room_name, application_id, created_by, password_hash, expires_at, attempts, used, voided";

fn from_row(row: &AnyRow) -> Result<RoomPassword> {
    Ok(RoomPassword {
        id: uuid_col(row, "id")?,
        room_name: row.try_get("room_name")?,
        application_id: uuid_col(row, "application_id")?,
        created_by: opt_uuid_col(row, "created_by")?,
        password_hash: row.try_get("password_hash")?,
        expires_at_ms: row.try_get("expires_at")?,
        attempts: row.try_get("attempts")?,
        used: row.try_get::<i64, _>("used")? != 0,
        voided: row.try_get::<i64, _>("voided")? != 0,
    })
}

impl Store {
    /// Creates the next `interview-{applicationId}-{n}` room with its password, voiding the
    /// application's earlier unused passwords (one live password per application). Returns
    /// the room name.
    pub async fn create_password_room(&self, new: NewPasswordRoom) -> Result<String> {
        let app = new.application_id.to_string();
        let existing: i64 =
            sqlx::query("SELECT COUNT(*) AS n FROM room_passwords WHERE application_id = $1")
                .bind(&app)
                .fetch_one(&self.pool)
                .await?
                .try_get("n")?;
        let mut n = existing + 1;
        loop {
            let name = password_room_name(new.application_id, n);
            let now = now_ms();
            let mut tx = self.writer().begin().await?;
            let room = NewRoom {
                name: name.clone(),
                interview_id: None,
                room_code: None,
                template: "individual".into(),
                settings: RoomSettings::individual(
                    new.max_participants,
                    new.empty_timeout,
                    new.max_duration,
                ),
                title: None,
                host_id: None,
                created_by: new.created_by,
            };
            let inserted = super::rooms::insert_room(&mut tx, &room, now).await?;
            if !inserted {
                // Another request took this number first: try the next.
                tx.rollback().await?;
                n += 1;
                continue;
            }
            sqlx::query(
                "UPDATE room_passwords SET voided = 1 WHERE application_id = $1 AND used = 0 AND voided = 0",
            )
            .bind(&app)
            .execute(&mut *tx)
            .await?;
            sqlx::query(&format!(
                "INSERT INTO room_passwords ({COLUMNS}, created_at) VALUES ($1, $2, $3, $4, $5, $6, 0, 0, 0, $7)"
            ))
            .bind(Uuid::new_v4().to_string())
            .bind(&name)
            .bind(&app)
            .bind(new.created_by.map(|u| u.to_string()))
            .bind(&new.password_hash)
            .bind(new.expires_at_ms)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            return Ok(name);
        }
    }

    /// The application's live password: not used, not void, not expired, attempts left.
    pub async fn live_password(
        &self,
        application_id: Uuid,
        max_attempts: i64,
        now_ms: i64,
    ) -> Result<Option<RoomPassword>> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM room_passwords WHERE application_id = $1 AND used = 0 \
             AND voided = 0 AND attempts < $2 AND expires_at > $3 ORDER BY created_at DESC LIMIT 1"
        ))
        .bind(application_id.to_string())
        .bind(max_attempts)
        .bind(now_ms)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Counts one attempt if the password is still live. False means it is not (used, void,
    /// expired or out of attempts) and the guess must not be checked.
    pub async fn claim_password_attempt(
        &self,
        id: Uuid,
        max_attempts: i64,
        now_ms: i64,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE room_passwords SET attempts = attempts + 1 WHERE id = $1 AND used = 0 \
             AND voided = 0 AND attempts < $2 AND expires_at > $3",
        )
        .bind(id.to_string())
        .bind(max_attempts)
        .bind(now_ms)
        .execute(self.writer())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Marks the password used. False when a concurrent request used it first.
    pub async fn consume_password(&self, id: Uuid) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE room_passwords SET used = 1 WHERE id = $1 AND used = 0 AND voided = 0",
        )
        .bind(id.to_string())
        .execute(self.writer())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn void_password(&self, id: Uuid) -> Result<()> {
        sqlx::query("UPDATE room_passwords SET voided = 1 WHERE id = $1")
            .bind(id.to_string())
            .execute(self.writer())
            .await?;
        Ok(())
    }

    /// Every password row of the application, newest first (audit and tests).
    pub async fn passwords_for(&self, application_id: Uuid) -> Result<Vec<RoomPassword>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM room_passwords WHERE application_id = $1 ORDER BY created_at DESC, id"
        ))
        .bind(application_id.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// For a password room: `Some(created_by)`; `None` when no password room has that name.
    pub async fn password_room_creator(&self, room_name: &str) -> Result<Option<Option<Uuid>>> {
        let row = sqlx::query(
            "SELECT created_by FROM room_passwords WHERE room_name = $1 ORDER BY created_at LIMIT 1",
        )
        .bind(room_name)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref()
            .map(|r| opt_uuid_col(r, "created_by"))
            .transpose()
    }
}
