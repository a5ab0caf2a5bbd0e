//! Room templates (seed "Rooms App": `RoomTemplate`): the settings a new room starts from.
//! A room copies its template's settings when it is created, so editing a template never
//! changes a room that exists.

use sqlx::any::AnyRow;
use sqlx::Row;

use super::{Result, Store, StoreError};
use crate::domain::{now_ms, RoomType};

/// What a room is set up with: its template's values, possibly overridden per room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomSettings {
    pub room_type: RoomType,
    pub max_participants: i64,
    /// Seconds an empty room lives before LiveKit closes it.
    pub empty_timeout: i64,
    /// Seconds after its first join at which the room is ended for everyone.
    pub max_duration: i64,
    pub video_codec: String,
    pub simulcast: bool,
    /// Webinars and broadcasts: only hosts publish; participants and viewers watch.
    pub hosts_only_publish: bool,
    pub recording_enabled: bool,
    pub sip_enabled: bool,
}

impl RoomSettings {
    /// An individual room with these limits (public and password rooms, whose limits come
    /// from the server's configuration).
    pub fn individual(max_participants: i64, empty_timeout: i64, max_duration: i64) -> Self {
        let individual = default_templates()
            .into_iter()
            .find(|t| t.settings.room_type == RoomType::Individual)
            .expect("an individual default template");
        Self {
            max_participants,
            empty_timeout,
            max_duration,
            ..individual.settings
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// The template's key: a short slug (`individual`, `group`, ...).
    pub name: String,
    pub description: String,
    pub is_default: bool,
    pub settings: RoomSettings,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

/// The four templates `viva-server setup-livekit` creates (the seed's `setup_livekit`).
pub fn default_templates() -> Vec<Template> {
    let t = |name: &str, description: &str, settings: RoomSettings| Template {
        name: name.into(),
        description: description.into(),
        is_default: true,
        settings,
        created_at_ms: 0,
        updated_at_ms: 0,
    };
    let s = |room_type,
             max_participants,
             empty_timeout,
             max_duration,
             codec: &str,
             hosts_only,
             recording,
             sip| RoomSettings {
        room_type,
        max_participants,
        empty_timeout,
        max_duration,
        video_codec: codec.into(),
        simulcast: true,
        hosts_only_publish: hosts_only,
        recording_enabled: recording,
        sip_enabled: sip,
    };
    vec![
        t(
            "individual",
            "One to one: an interview, with room for an observer or an agent",
            // Interviews may be recorded: nobody is recorded without their consent.
            s(
                RoomType::Individual,
                4,
                600,
                7_200,
                "vp8",
                false,
                true,
                false,
            ),
        ),
        t(
            "group",
            "A group session: everyone may speak and share",
            s(RoomType::Group, 50, 600, 14_400, "vp8", false, false, true),
        ),
        t(
            "webinar",
            "Hosts present; attendees watch and listen",
            s(RoomType::Webinar, 500, 900, 14_400, "vp8", true, true, true),
        ),
        t(
            "broadcast",
            "One-to-many broadcast: hosts only on stage",
            s(
                RoomType::Broadcast,
                1_000,
                900,
                28_800,
                "h264",
                true,
                true,
                false,
            ),
        ),
    ]
}

/// The settings come in `bind_settings`' order, as in the rooms table.
const COLUMNS: &str = "name, description, is_default, room_type, max_participants, empty_timeout, \
                       max_duration, video_codec, simulcast, hosts_only_publish, \
                       recording_enabled, sip_enabled, created_at, updated_at";

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// Binds the settings columns (room_type .. sip_enabled), which templates and rooms share,
/// in their column order: the one place that writes them.
pub(super) fn bind_settings<'q>(q: AnyQuery<'q>, s: &'q RoomSettings) -> AnyQuery<'q> {
    q.bind(s.room_type.as_str())
        .bind(s.max_participants)
        .bind(s.empty_timeout)
        .bind(s.max_duration)
        .bind(&s.video_codec)
        .bind(i64::from(s.simulcast))
        .bind(i64::from(s.hosts_only_publish))
        .bind(i64::from(s.recording_enabled))
        .bind(i64::from(s.sip_enabled))
}

/// The settings columns, which templates and rooms share by name.
pub(super) fn settings_from_row(row: &AnyRow) -> Result<RoomSettings> {
    let room_type: String = row.try_get("room_type")?;
    let flag = |name: &str| -> Result<bool> { Ok(row.try_get::<i64, _>(name)? != 0) };
    Ok(RoomSettings {
        room_type: RoomType::parse(&room_type)
            .ok_or_else(|| StoreError::Corrupt(format!("room type '{room_type}'")))?,
        max_participants: row.try_get("max_participants")?,
        empty_timeout: row.try_get("empty_timeout")?,
        max_duration: row.try_get("max_duration")?,
        video_codec: row.try_get("video_codec")?,
        simulcast: flag("simulcast")?,
        hosts_only_publish: flag("hosts_only_publish")?,
        recording_enabled: flag("recording_enabled")?,
        sip_enabled: flag("sip_enabled")?,
    })
}

fn from_row(row: &AnyRow) -> Result<Template> {
    Ok(Template {
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        is_default: row.try_get::<i64, _>("is_default")? != 0,
        settings: settings_from_row(row)?,
        created_at_ms: row.try_get("created_at")?,
        updated_at_ms: row.try_get("updated_at")?,
    })
}

impl Store {
    /// Creates the default templates that are missing; returns how many it created.
    /// Idempotent, and safe beside another node doing the same: a template whose name or
    /// type's default slot is taken is left as it is.
    pub async fn ensure_default_templates(&self) -> Result<usize> {
        let mut created = 0;
        let mut conn = self.writer().acquire().await?;
        for t in default_templates() {
            let done = insert_template(&mut conn, &t, true).await?;
            created += usize::from(done);
        }
        Ok(created)
    }
}

/// Inserts a template. With `if_absent`, an existing name (or default of its type) is
/// not an error and nothing is written; otherwise it is a `Conflict`.
async fn insert_template(
    conn: &mut sqlx::AnyConnection,
    t: &Template,
    if_absent: bool,
) -> Result<bool> {
    let now = now_ms();
    let s = &t.settings;
    let sql = format!(
        "INSERT INTO room_templates ({COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13){}",
        if if_absent {
            " ON CONFLICT DO NOTHING"
        } else {
            ""
        }
    );
    let q = sqlx::query(&sql)
        .bind(&t.name)
        .bind(&t.description)
        .bind(i64::from(t.is_default));
    let n = bind_settings(q, s)
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok(n == 1)
}

/// Takes the default place of `room_type` from every template but `except`.
async fn clear_default(
    conn: &mut sqlx::AnyConnection,
    room_type: RoomType,
    except: &str,
) -> Result<()> {
    sqlx::query("UPDATE room_templates SET is_default = 0 WHERE room_type = $1 AND name <> $2")
        .bind(room_type.as_str())
        .bind(except)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

impl Store {
    /// Creates a template. A template made the default of its type takes that place from
    /// the previous default in the same transaction.
    pub async fn create_template(&self, t: &Template) -> Result<Template> {
        let mut tx = self.writer().begin().await?;
        if t.is_default {
            clear_default(&mut tx, t.settings.room_type, &t.name).await?;
        }
        insert_template(&mut tx, t, false).await?;
        tx.commit().await?;
        self.template(&t.name)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("template {} vanished", t.name)))
    }

    /// Replaces a template's settings (its name and type stay). None when it does not exist.
    pub async fn update_template(&self, t: &Template) -> Result<Option<Template>> {
        let Some(old) = self.template(&t.name).await? else {
            return Ok(None);
        };
        if old.is_default && !t.is_default {
            return Err(StoreError::Conflict(format!(
                "{} is the default {} template; make another the default instead",
                t.name, old.settings.room_type
            )));
        }
        let mut tx = self.writer().begin().await?;
        if t.is_default {
            clear_default(&mut tx, old.settings.room_type, &t.name).await?;
        }
        let s = &t.settings;
        sqlx::query(
            "UPDATE room_templates SET description = $1, is_default = $2, max_participants = $3, \
             empty_timeout = $4, max_duration = $5, video_codec = $6, simulcast = $7, \
             hosts_only_publish = $8, recording_enabled = $9, sip_enabled = $10, updated_at = $11 \
             WHERE name = $12",
        )
        .bind(&t.description)
        .bind(i64::from(t.is_default))
        .bind(s.max_participants)
        .bind(s.empty_timeout)
        .bind(s.max_duration)
        .bind(&s.video_codec)
        .bind(i64::from(s.simulcast))
        .bind(i64::from(s.hosts_only_publish))
        .bind(i64::from(s.recording_enabled))
        .bind(i64::from(s.sip_enabled))
        .bind(now_ms())
        .bind(&t.name)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.template(&t.name).await
    }

    /// Deletes a template no room was made from and that is not its type's default.
    /// Ok(false) when there was nothing to delete; `Conflict` when it is in use.
    pub async fn delete_template(&self, name: &str) -> Result<bool> {
        let Some(t) = self.template(name).await? else {
            return Ok(false);
        };
        if t.is_default {
            return Err(StoreError::Conflict(format!(
                "{name} is the default {} template; make another the default first",
                t.settings.room_type
            )));
        }
        let used: i64 = sqlx::query("SELECT COUNT(*) AS n FROM rooms WHERE template = $1")
            .bind(name)
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?;
        if used > 0 {
            return Err(StoreError::Conflict(format!(
                "{used} room(s) were made from {name}; it cannot be deleted"
            )));
        }
        sqlx::query("DELETE FROM room_templates WHERE name = $1")
            .bind(name)
            .execute(self.writer())
            .await?;
        Ok(true)
    }

    pub async fn template(&self, name: &str) -> Result<Option<Template>> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM room_templates WHERE name = $1"
        ))
        .bind(name)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(from_row).transpose()
    }

    pub async fn templates(&self) -> Result<Vec<Template>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM room_templates ORDER BY room_type, name"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// The default template of a type. When none is stored (`setup-livekit` never ran),
    /// the defaults are created first: a room can always be made.
    pub async fn default_template(&self, room_type: RoomType) -> Result<Template> {
        let find = || async {
            let row = sqlx::query(&format!(
                "SELECT {COLUMNS} FROM room_templates WHERE room_type = $1 AND is_default = 1"
            ))
            .bind(room_type.as_str())
            .fetch_optional(&self.pool)
            .await?;
            row.as_ref().map(from_row).transpose()
        };
        if let Some(t) = find().await? {
            return Ok(t);
        }
        self.ensure_default_templates().await?;
        find()
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("no default {room_type} template")))
    }
}
