//! Storage. One implementation of the store's operations runs on SQLite (the default,
//! embedded) and on PostgreSQL (several server nodes), chosen by the URL scheme at start-up.
//!
//! Queries are written once in the SQL both dialects share (`$n` parameters, `ON CONFLICT`,
//! `RETURNING`, Unix-millisecond BIGINT timestamps, UUID text ids) and run through sqlx's
//! `Any` driver; each dialect keeps its own migrations directory, and the few statements
//! that must differ branch on `Dialect`. One conformance suite (tests/store) runs against
//! both databases.

mod catalog;
mod dial_ins;
mod drafts;
mod endings;
mod feedback;
mod interviews;
mod join;
mod limits;
mod outbox;
pub mod page;
mod participants;
mod passwords;
mod public;
mod questions;
mod recordings;
mod rooms;
mod sessions;
mod templates;
mod tokens;
mod users;
mod webhooks;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::AnyPool;

pub use catalog::{Application, Company, Job, NewApplication, NewJob};
pub use dial_ins::DialInClaim;
pub use drafts::{write_draft, DraftWrite, IdemKey, Idempotent, Step, StoredDraft};
pub use endings::{CleanupReport, RoomEnding, RETENTION_MS};
pub use feedback::{submit_feedback_in, Feedback, NewFeedback};
pub use interviews::{Interview, InterviewListing, NewInterview, Party};
pub use join::JoinView;
pub use outbox::OutboxMessage;
pub use page::{Page, Paged};
pub use participants::{ParticipantRecord, ParticipantSeen, TrackSeen};
pub use passwords::{NewPasswordRoom, RoomPassword};
pub use public::{NewPublicJoin, NewPublicSession, PublicSession};
pub use questions::BankQuestion;
pub use recordings::{ConsentOutcome, ConsentRow, FileRow, Move, RecordingRow};
pub use rooms::{NewRoom, Room, RoomScope, RoomUpdate};
pub use sessions::{NewRefreshToken, RefreshOutcome};
pub use templates::{default_templates, RoomSettings, Template};
pub use tokens::{NewTokenRecord, TokenRecord};
pub use users::{NewUser, User};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    Conflict(String),
    #[error("unsupported database URL '{0}': use sqlite://... or postgres://...")]
    UnsupportedUrl(String),
    #[error("corrupt row: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Db(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Conflict(db.message().to_owned())
            }
            _ => StoreError::Db(e),
        }
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// A pooled connection idle this long is pinged before use; younger ones are trusted.
const IDLE_BEFORE_PING: std::time::Duration = std::time::Duration::from_secs(10);

/// How every connection of ours is made and handed out.
fn pool_options(dialect: Dialect, max_connections: u32) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(max_connections)
        // sqlx pings a connection every time it leaves the pool: a second round trip
        // per query (to SQLite's worker thread, or PostgreSQL over the network), which
        // was a third of a join's cost (make bench-load). Only a connection idle long
        // enough to have been dropped by a restart or a firewall is checked.
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for >= IDLE_BEFORE_PING {
                    sqlx::Connection::ping(conn).await?;
                }
                Ok(true)
            })
        })
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if dialect == Dialect::Sqlite {
                    // Another process on the same file (a CLI command, a second node) can
                    // still hold the lock: wait for it instead of failing after 5 s.
                    sqlx::Executor::execute(&mut *conn, "PRAGMA busy_timeout = 30000").await?;
                    // WAL with NORMAL sync: a commit is not fsynced on its own, the WAL
                    // is at checkpoints. A crash of the server process loses nothing; a
                    // power cut may lose the last commits (SQLite's documented trade).
                    // An fsync per write was the ceiling of every join (make bench-load).
                    sqlx::Executor::execute(&mut *conn, "PRAGMA synchronous = NORMAL").await?;
                    // Checkpoints (copying the WAL into the database, with an fsync)
                    // run off the request path (`spawn_checkpoints`); SQLite's own,
                    // run by whichever commit crosses 1,000 pages, made that request
                    // wait for the disk, one in a few hundred. This is the backstop if
                    // nothing checkpoints (40 MB of WAL).
                    sqlx::Executor::execute(&mut *conn, "PRAGMA wal_autocheckpoint = 10000")
                        .await?;
                }
                Ok(())
            })
        })
}

#[derive(Debug, Clone)]
pub struct Store {
    /// Reads (and, on PostgreSQL, everything).
    pool: AnyPool,
    /// Writes: on a SQLite file, one connection of its own (see `connect`); otherwise
    /// `pool` itself. Every INSERT, UPDATE, DELETE and write transaction uses `writer()`.
    writer: AnyPool,
    dialect: Dialect,
}

impl Store {
    /// Connects to `url` (sqlite:// or postgres://). Does not migrate.
    pub async fn connect(url: &str) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let dialect = if url.starts_with("sqlite:") {
            Dialect::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Dialect::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl(redact_url(url)));
        };
        let in_memory = url.contains(":memory:");
        // An in-memory SQLite database exists per connection: keep exactly one.
        let pool = pool_options(dialect, if in_memory { 1 } else { 16 })
            .connect(url)
            .await?;
        if dialect == Dialect::Sqlite && !in_memory {
            // WAL: readers never wait for the writer; persistent in the file once set.
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await?;
        }
        // SQLite has one writer at a time. Writes from many connections meet at its lock,
        // and a writer that finds it taken sleeps in SQLite's busy handler (1, 2, 5, 10 ms
        // and more) instead of queueing. All our writes go through one connection, so they
        // queue in the pool, in order, and go as soon as the previous one commits; reads
        // keep the other connections (make bench-load: joins +10-20% at saturation, the
        // public join with its four writes +20%).
        let writer = if dialect == Dialect::Sqlite && !in_memory {
            pool_options(dialect, 1).connect(url).await?
        } else {
            pool.clone()
        };
        Ok(Self {
            pool,
            writer,
            dialect,
        })
    }

    /// Applies the dialect's migrations (idempotent).
    pub async fn migrate(&self) -> Result<()> {
        match self.dialect {
            Dialect::Sqlite => {
                sqlx::migrate!("./migrations/sqlite")
                    .run(&self.pool)
                    .await?
            }
            Dialect::Postgres => {
                sqlx::migrate!("./migrations/postgres")
                    .run(&self.pool)
                    .await?
            }
        }
        Ok(())
    }

    /// Where writes go (see the `writer` field).
    fn writer(&self) -> &AnyPool {
        &self.writer
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Copies what the WAL holds into the SQLite database every second, in the background,
    /// without blocking readers or the writer (a passive checkpoint). None on PostgreSQL.
    pub fn spawn_checkpoints(&self) -> Option<tokio::task::JoinHandle<()>> {
        if self.dialect != Dialect::Sqlite {
            return None;
        }
        let pool = self.pool.clone();
        Some(tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                    .execute(&pool)
                    .await
                {
                    tracing::warn!(error = %e, "SQLite checkpoint failed; will retry");
                }
            }
        }))
    }

    /// A cheap round trip, for readiness checks.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }
}

/// The URL without its password, for error messages and logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}://{}:***@{}", &url[..scheme_end], user, &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

/// Reads a UUID stored as text.
fn uuid_col(row: &AnyRow, name: &str) -> Result<uuid::Uuid> {
    use sqlx::Row;
    let text: String = row.try_get(name)?;
    uuid::Uuid::parse_str(&text).map_err(|_| StoreError::Corrupt(format!("{name}: '{text}'")))
}

fn opt_uuid_col(row: &AnyRow, name: &str) -> Result<Option<uuid::Uuid>> {
    use sqlx::Row;
    let text: Option<String> = row.try_get(name)?;
    text.map(|t| {
        uuid::Uuid::parse_str(&t).map_err(|_| StoreError::Corrupt(format!("{name}: '{t}'")))
    })
    .transpose()
}

#[cfg(test)]
mod tests {
    #[test]
    fn urls_lose_their_password_in_messages() {
        assert_eq!(
            super::redact_url("postgres://viva:s3cret@db:5432/viva"),
            "postgres://viva:***@db:5432/viva"
        );
        assert_eq!(super::redact_url("sqlite://x.db"), "sqlite://x.db");
    }
}
