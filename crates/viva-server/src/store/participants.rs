//! Who was in a room, as LiveKit's webhooks report it (seed "Rooms App":
//! `RoomParticipant`): one row per connection, one per published track.
//!
//! Deliveries may repeat or arrive out of order. Each event writes only what it knows, and
//! a write keeps the earliest start and the latest end it has seen, so any order of the
//! same events leaves the same rows.

use std::collections::HashMap;

use sqlx::any::AnyRow;
use sqlx::Row;

use super::{Result, Store, StoreError};
use crate::domain::{now_ms, ParticipantKind};

/// A connection of a participant: what `participants/` reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantRecord {
    pub sid: String,
    pub identity: String,
    pub name: String,
    pub kind: ParticipantKind,
    pub joined_at_ms: Option<i64>,
    pub left_at_ms: Option<i64>,
    /// Milliseconds with at least one audio (video) track published, up to the leave (or
    /// now, for someone still in the room).
    pub audio_ms: i64,
    pub video_ms: i64,
}

impl ParticipantRecord {
    /// Time in the room, up to now for someone still there.
    pub fn duration_ms(&self, now: i64) -> i64 {
        match self.joined_at_ms {
            Some(joined) => (self.left_at_ms.unwrap_or(now) - joined).max(0),
            None => 0,
        }
    }
}

/// What a participant event says about the connection.
#[derive(Debug, Clone)]
pub struct ParticipantSeen<'a> {
    pub room_name: &'a str,
    pub sid: &'a str,
    pub identity: &'a str,
    pub name: &'a str,
    pub kind: ParticipantKind,
    pub joined_at_ms: Option<i64>,
    pub left_at_ms: Option<i64>,
}

/// What a track event says about the track.
#[derive(Debug, Clone)]
pub struct TrackSeen<'a> {
    pub room_name: &'a str,
    pub track_sid: &'a str,
    pub participant_sid: &'a str,
    /// audio | video
    pub kind: &'a str,
    pub source: &'a str,
    pub published_at_ms: Option<i64>,
    pub unpublished_at_ms: Option<i64>,
}

/// A publish interval: published at, unpublished at (None: still published).
type Span = (i64, Option<i64>);

/// `col = the earlier of the stored and the new value` (NULL counts as unknown): the same
/// SQL on SQLite and PostgreSQL, whose MIN/LEAST differ on NULLs.
fn earliest(table: &str, col: &str) -> String {
    format!(
        "{col} = CASE WHEN {table}.{col} IS NULL OR excluded.{col} < {table}.{col} \
         THEN excluded.{col} ELSE {table}.{col} END"
    )
}

fn latest(table: &str, col: &str) -> String {
    format!(
        "{col} = CASE WHEN {table}.{col} IS NULL OR excluded.{col} > {table}.{col} \
         THEN excluded.{col} ELSE {table}.{col} END"
    )
}

/// The total length of the union of `[start, end)` intervals.
fn covered(mut spans: Vec<(i64, i64)>) -> i64 {
    spans.retain(|(s, e)| e > s);
    spans.sort_unstable();
    let mut total = 0;
    let mut current: Option<(i64, i64)> = None;
    for (s, e) in spans {
        current = match current {
            Some((cs, ce)) if s <= ce => Some((cs, ce.max(e))),
            Some((cs, ce)) => {
                total += ce - cs;
                Some((s, e))
            }
            None => Some((s, e)),
        };
    }
    total + current.map_or(0, |(s, e)| e - s)
}

impl Store {
    pub async fn participant_seen(&self, p: &ParticipantSeen<'_>) -> Result<()> {
        sqlx::query(&format!(
            "INSERT INTO room_participants (room_name, sid, identity, name, kind, joined_at, \
             left_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (room_name, sid) DO UPDATE SET {}, {}",
            earliest("room_participants", "joined_at"),
            latest("room_participants", "left_at"),
        ))
        .bind(p.room_name)
        .bind(p.sid)
        .bind(p.identity)
        .bind(p.name)
        .bind(p.kind.as_str())
        .bind(p.joined_at_ms)
        .bind(p.left_at_ms)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    pub async fn track_seen(&self, t: &TrackSeen<'_>) -> Result<()> {
        sqlx::query(&format!(
            "INSERT INTO room_participant_tracks (room_name, track_sid, participant_sid, kind, \
             source, published_at, unpublished_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (room_name, track_sid) DO UPDATE SET {}, {}",
            earliest("room_participant_tracks", "published_at"),
            latest("room_participant_tracks", "unpublished_at"),
        ))
        .bind(t.room_name)
        .bind(t.track_sid)
        .bind(t.participant_sid)
        .bind(t.kind)
        .bind(t.source)
        .bind(t.published_at_ms)
        .bind(t.unpublished_at_ms)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    /// Everyone who was in the room, in the order they joined, with their durations.
    pub async fn room_participants(&self, room_name: &str) -> Result<Vec<ParticipantRecord>> {
        let rows = sqlx::query(
            "SELECT sid, identity, name, kind, joined_at, left_at FROM room_participants \
             WHERE room_name = $1 ORDER BY joined_at, sid",
        )
        .bind(room_name)
        .fetch_all(&self.pool)
        .await?;
        let tracks = sqlx::query(
            "SELECT participant_sid, kind, published_at, unpublished_at \
             FROM room_participant_tracks WHERE room_name = $1",
        )
        .bind(room_name)
        .fetch_all(&self.pool)
        .await?;
        // Each participant's publish spans by kind, grouped once (not per participant).
        let mut spans: HashMap<(String, String), Vec<Span>> = HashMap::new();
        for t in &tracks {
            let Some(start) = t.try_get::<Option<i64>, _>("published_at")? else {
                continue;
            };
            spans
                .entry((t.try_get("participant_sid")?, t.try_get("kind")?))
                .or_default()
                .push((start, t.try_get("unpublished_at")?));
        }
        let now = now_ms();
        rows.iter()
            .map(|row| {
                let mut p = participant(row)?;
                let end = p.left_at_ms.unwrap_or(now);
                let time = |kind: &str| {
                    let list = spans.get(&(p.sid.clone(), kind.to_owned()));
                    covered(
                        list.into_iter()
                            .flatten()
                            .map(|(start, stop)| (*start, stop.unwrap_or(end).min(end)))
                            .collect(),
                    )
                };
                p.audio_ms = time("audio");
                p.video_ms = time("video");
                Ok(p)
            })
            .collect()
    }
}

fn participant(row: &AnyRow) -> Result<ParticipantRecord> {
    let kind: String = row.try_get("kind")?;
    Ok(ParticipantRecord {
        sid: row.try_get("sid")?,
        identity: row.try_get("identity")?,
        name: row.try_get("name")?,
        kind: ParticipantKind::parse(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("participant kind '{kind}'")))?,
        joined_at_ms: row.try_get("joined_at")?,
        left_at_ms: row.try_get("left_at")?,
        audio_ms: 0,
        video_ms: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::covered;

    #[test]
    fn overlapping_spans_count_once() {
        assert_eq!(covered(vec![]), 0);
        assert_eq!(covered(vec![(0, 10)]), 10);
        assert_eq!(covered(vec![(0, 10), (5, 15)]), 15);
        assert_eq!(covered(vec![(20, 30), (0, 10)]), 20);
        assert_eq!(covered(vec![(0, 10), (2, 3), (10, 12)]), 12);
        assert_eq!(covered(vec![(5, 5), (7, 3)]), 0, "empty and inverted spans");
    }
}
