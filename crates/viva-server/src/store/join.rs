//! What a join asks of the database, in one statement: the interview, its room, whether the
//! caller was removed from that room, and the other side. A join used to read these one by
//! one; on SQLite each statement is a round trip into sqlx's worker thread, and on
//! PostgreSQL a network round trip, so the join's cost was mostly their number
//! (BENCHMARKS.md, "The backend under load").

use std::sync::LazyLock;

use sqlx::Row;
use uuid::Uuid;

use super::interviews::{self, Interview, Party};
use super::rooms::{self, Room};
use super::{Result, Store};

/// An interview as a join of `caller` sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct JoinView {
    pub interview: Interview,
    /// The interview's room, once it has been made.
    pub room: Option<Room>,
    /// The caller's identity was removed from the room (`room_bans`).
    pub banned: bool,
    /// The side of the interview that is not the caller (the sender, when the caller is
    /// on neither side); `None` only if that user no longer exists.
    pub other: Option<Party>,
}

/// The statement, built once from the tables' column lists (a join is the hot path).
static JOIN_VIEW: LazyLock<String> = LazyLock::new(|| {
    let interview: Vec<String> = interviews::COLUMNS
        .split(',')
        .map(|c| format!("i.{0} AS i_{0}", c.trim()))
        .collect();
    let room: Vec<String> = rooms::COLUMNS
        .split(',')
        .map(|c| format!("rm.{}", c.trim()))
        .collect();
    format!(
        "SELECT {}, {}, o.id AS o_id, o.username AS o_username, \
         o.display_name AS o_display_name, o.role AS o_role, \
         CAST(CASE WHEN EXISTS (SELECT 1 FROM room_bans b WHERE b.room_name = $2 \
         AND b.identity = $3) THEN 1 ELSE 0 END AS BIGINT) AS banned \
         FROM interviews i \
         LEFT JOIN users o ON o.id = CASE WHEN i.sender_id = $4 THEN i.receiver_id \
         ELSE i.sender_id END \
         LEFT JOIN rooms rm ON rm.name = $2 \
         WHERE i.id = $1",
        interview.join(", "),
        room.join(", ")
    )
});

impl Store {
    /// The interview `id` with its room `room_name`, as `caller` (joining as `identity`)
    /// sees it; `None` when there is no such interview.
    pub async fn join_view(
        &self,
        id: Uuid,
        room_name: &str,
        caller: Uuid,
        identity: &str,
    ) -> Result<Option<JoinView>> {
        let Some(row) = sqlx::query(&JOIN_VIEW)
            .bind(id.to_string())
            .bind(room_name)
            .bind(identity)
            .bind(caller.to_string())
            .fetch_optional(&self.pool)
            .await?
        else {
            return Ok(None);
        };
        let room = match row.try_get::<Option<String>, _>("name")? {
            Some(_) => Some(rooms::from_row(&row)?),
            None => None,
        };
        let other = match super::opt_uuid_col(&row, "o_id")? {
            Some(other) => Some(interviews::party(&row, "o", other)?),
            None => None,
        };
        Ok(Some(JoinView {
            interview: interviews::from_row_as(&row, "i_")?,
            room,
            banned: row.try_get::<i64, _>("banned")? != 0,
            other,
        }))
    }
}
