//! Offline feedback drafts: every edit is saved locally (encrypted, durable on return) and
//! a background sync engine sends it to the server when it can.
//!
//! - `form.rs`: the forms as flat field maps, required fields, submission bodies, merging.
//! - `seal.rs`: encryption at rest with a per-user key in the OS keyring.
//! - `store.rs`: the SQLite (WAL) database and the outbox of queued writes.
//! - `sync.rs`: the engine: queue, idempotency keys, backoff, conflicts.
//!
//! Nothing is ever overwritten silently: a write the server refuses as stale is merged
//! field by field, and fields both sides changed are kept side by side until the person
//! chooses (`resolve`).

mod error;
pub mod form;
mod seal;
mod store;
mod sync;
mod view;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{watch, Mutex, Notify};

use crate::error::{CoreError, ErrorCode};
use crate::secrets::SecretStore;
use crate::session::Session;
pub use error::DraftError;
use form::Fields;
pub use seal::key_entry;
use store::{Body, Entry, LocalDb, Op, Record};
use view::view;
pub use view::{DraftKind, DraftView, FieldConflict, FormTarget, Keep, Submission, SyncState};

/// The file name of the draft database inside the app data directory.
pub const DB_FILE: &str = "drafts.db";

/// Retry timing of the sync engine.
#[derive(Debug, Clone, Copy)]
pub struct SyncConfig {
    pub min_backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for SyncConfig {
    fn default() -> Self {
        Self {
            min_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(5),
        }
    }
}

pub(crate) struct Inner {
    db: LocalDb,
    /// Serialises read-modify-write of records between saves and the engine. Never held
    /// across a network call.
    lock: Mutex<()>,
    session: Arc<Session>,
    wake: Notify,
    stop: watch::Sender<bool>,
    config: SyncConfig,
}

/// The signed-in user's drafts, with their sync engine running in the background.
pub struct Drafts {
    inner: Arc<Inner>,
    engine: std::sync::Mutex<Option<tokio::task::JoinHandle<()>>>,
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn not_found() -> CoreError {
    CoreError::new(
        ErrorCode::NotFound,
        "No draft for this interview: open its form first",
    )
}

impl Drafts {
    /// Opens (creating) `dir/drafts.db` for `user_id`, with that user's key from the
    /// keyring (created on first use), and starts the sync engine.
    pub async fn open(
        dir: &Path,
        secrets: &dyn SecretStore,
        session: Arc<Session>,
        user_id: &str,
        config: SyncConfig,
    ) -> Result<Self, CoreError> {
        let sealer = seal::Sealer::for_user(secrets, user_id)?;
        let db = LocalDb::open(&dir.join(DB_FILE), sealer, user_id).await?;
        let (stop, _) = watch::channel(false);
        let inner = Arc::new(Inner {
            db,
            lock: Mutex::new(()),
            session,
            wake: Notify::new(),
            stop,
            config,
        });
        let engine = tokio::spawn(sync::run(inner.clone()));
        Ok(Self {
            inner,
            engine: std::sync::Mutex::new(Some(engine)),
        })
    }

    /// Stops the engine and closes the database (sign-out, tests' "restart").
    pub async fn close(&self) {
        // send_replace: stored even when the engine has not subscribed yet (it may not have
        // been polled once), so an engine that starts late still sees the stop.
        self.inner.stop.send_replace(true);
        let engine = self.engine.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(engine) = engine {
            let _ = engine.await;
        }
        self.inner.db.close().await;
    }

    /// The draft for an interview's form, created when there is none. A new draft starts
    /// from the server's copy when the server has one (written on another machine) and
    /// empty when the server cannot be reached.
    pub async fn form(&self, target: FormTarget) -> Result<DraftView, CoreError> {
        let kind = target.kind.unwrap_or(DraftKind::Interviewer);
        // Interview ids are UUIDs; checking keeps any other text out of request paths.
        if uuid::Uuid::parse_str(&target.interview_id).is_err() {
            return Err(CoreError::new(
                ErrorCode::InvalidInput,
                "Not an interview id",
            ));
        }
        let id = target.interview_id.as_str();
        let remote = if self.inner.db.get(id, kind).await?.is_none() {
            sync::fetch(&self.inner, id, kind).await.ok()
        } else {
            None
        };
        let _g = self.inner.lock.lock().await;
        let mut record = match self.inner.db.get(id, kind).await? {
            Some(r) => r,
            None => {
                let (version, content) = remote
                    .map(|d| (d.version, form::from_json(&d.content)))
                    .unwrap_or_default();
                Record {
                    interview_id: id.to_owned(),
                    kind,
                    body: Body {
                        content: content.clone(),
                        base: content,
                        ..Body::default()
                    },
                    state: if version > 0 {
                        SyncState::Synced
                    } else {
                        SyncState::LocalOnly
                    },
                    local_rev: 0,
                    synced_rev: 0,
                    base_version: version,
                    submission: Submission::NotSubmitted,
                    error: None,
                    updated_at_ms: now_ms(),
                }
            }
        };
        let before = record.body.clone();
        if !target.topic.is_empty() {
            record.body.topic = target.topic;
        }
        if !target.interview_type.is_empty() {
            record.body.interview_type = target.interview_type;
        }
        // Written when new or renamed only: the UI reopens forms often.
        if record.local_rev == 0 && record.base_version == 0 || record.body != before {
            self.inner.db.put(&record).await?;
        }
        Ok(view(&record))
    }

    pub async fn get(&self, interview_id: &str, kind: DraftKind) -> Result<DraftView, CoreError> {
        let r = self
            .inner
            .db
            .get(interview_id, kind)
            .await?
            .ok_or_else(not_found)?;
        Ok(view(&r))
    }

    /// Every draft of this user, newest first.
    pub async fn list(&self) -> Result<Vec<DraftView>, CoreError> {
        Ok(self.inner.db.all().await?.iter().map(view).collect())
    }

    /// Saves the form's fields. On disk (encrypted) when this returns; the engine is woken
    /// to send it.
    pub async fn save(
        &self,
        interview_id: &str,
        kind: DraftKind,
        fields: BTreeMap<String, String>,
    ) -> Result<DraftView, CoreError> {
        let fields: Fields = form::normalise(fields);
        if fields.len() > 200
            || fields
                .iter()
                .any(|(k, v)| k.len() > 200 || v.chars().count() > 10_000)
        {
            return Err(CoreError::new(
                ErrorCode::InvalidInput,
                "A field is too long (10,000 characters at most)",
            ));
        }
        let record = {
            let _g = self.inner.lock.lock().await;
            let mut r = self
                .inner
                .db
                .get(interview_id, kind)
                .await?
                .ok_or_else(not_found)?;
            if r.body.content == fields {
                return Ok(view(&r));
            }
            r.body.content = fields;
            r.local_rev += 1;
            r.error = None;
            if r.state != SyncState::Conflict {
                r.state = SyncState::LocalOnly;
            }
            r.updated_at_ms = now_ms();
            self.inner.db.put(&r).await?;
            r
        };
        self.inner.wake.notify_one();
        Ok(view(&record))
    }

    /// Submits the draft: refused here when required fields are missing, else queued with
    /// its idempotency key and sent (now or when the server is back), exactly once.
    pub async fn submit(
        &self,
        interview_id: &str,
        kind: DraftKind,
    ) -> Result<DraftView, CoreError> {
        let record = {
            let _g = self.inner.lock.lock().await;
            let mut r = self
                .inner
                .db
                .get(interview_id, kind)
                .await?
                .ok_or_else(not_found)?;
            let missing = form::missing(kind, &r.body.interview_type, &r.body.content);
            if !missing.is_empty() {
                return Err(CoreError::new(ErrorCode::InvalidInput, missing.join("; ")));
            }
            if r.body.theirs.is_some() {
                return Err(CoreError::new(
                    ErrorCode::Conflict,
                    "Resolve the conflict before submitting",
                ));
            }
            if self
                .inner
                .db
                .entry(interview_id, kind, Op::Submit)
                .await?
                .is_none()
            {
                self.inner
                    .db
                    .enqueue(&Entry {
                        interview_id: interview_id.to_owned(),
                        kind,
                        op: Op::Submit,
                        key: uuid::Uuid::new_v4().to_string(),
                        base_version: r.base_version,
                        rev: r.local_rev,
                        payload: form::submission(kind, &r.body.interview_type, &r.body.content),
                    })
                    .await?;
            }
            r.submission = Submission::Queued;
            r.error = None;
            self.inner.db.put(&r).await?;
            r
        };
        self.inner.wake.notify_one();
        Ok(view(&record))
    }

    /// Settles a conflict: for each conflicting field, keep mine or theirs. Fields only one
    /// side changed are merged already. The result is sent on top of the server's version.
    pub async fn resolve(
        &self,
        interview_id: &str,
        kind: DraftKind,
        choices: BTreeMap<String, Keep>,
    ) -> Result<DraftView, CoreError> {
        let record = {
            let _g = self.inner.lock.lock().await;
            let mut r = self
                .inner
                .db
                .get(interview_id, kind)
                .await?
                .ok_or_else(not_found)?;
            let Some(theirs) = r.body.theirs.clone() else {
                return Ok(view(&r));
            };
            let (mut merged, conflicts) =
                form::merge(&r.body.base, &r.body.content, &theirs.content);
            for field in &conflicts {
                match choices.get(field) {
                    Some(Keep::Mine) => {}
                    Some(Keep::Theirs) => match theirs.content.get(field) {
                        Some(v) => {
                            merged.insert(field.clone(), v.clone());
                        }
                        None => {
                            merged.remove(field);
                        }
                    },
                    None => {
                        return Err(CoreError::new(
                            ErrorCode::InvalidInput,
                            format!("Choose which {} to keep", form::label(field)),
                        ))
                    }
                }
            }
            r.body.content = merged;
            r.body.base = theirs.content;
            r.body.theirs = None;
            r.base_version = theirs.version;
            r.local_rev += 1;
            if r.body.content == r.body.base {
                r.synced_rev = r.local_rev;
                r.state = SyncState::Synced;
            } else {
                r.state = SyncState::LocalOnly;
            }
            r.updated_at_ms = now_ms();
            self.inner.db.put(&r).await?;
            r
        };
        self.inner.wake.notify_one();
        Ok(view(&record))
    }

    /// Drafts whose latest text or submission the server does not have (sign-out warns
    /// when this is not zero).
    pub async fn unsynced_count(&self) -> Result<u32, CoreError> {
        self.inner.db.unsynced().await
    }

    /// Asks the engine to try now (e.g. the UI's "retry").
    pub fn sync_now(&self) {
        self.inner.wake.notify_one();
    }

    /// Waits until nothing is left to send (conflicts waiting for a person count as left).
    /// For tests and benchmarks.
    pub async fn wait_synced(&self, timeout: Duration) -> Result<(), CoreError> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if self.unsynced_count().await? == 0 {
                return Ok(());
            }
            if tokio::time::Instant::now() > deadline {
                return Err(CoreError::new(
                    ErrorCode::Offline,
                    "drafts are still waiting to sync",
                ));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// The drafts of whoever is signed in, for the app: opened on first use and reopened when
/// another user signs in, so each user's drafts open with that user's key only.
pub struct SignedInDrafts {
    dir: std::path::PathBuf,
    secrets: Arc<dyn SecretStore>,
    session: Arc<Session>,
    current: Mutex<Option<(String, Arc<Drafts>)>>,
}

impl SignedInDrafts {
    pub fn new(
        dir: std::path::PathBuf,
        secrets: Arc<dyn SecretStore>,
        session: Arc<Session>,
    ) -> Self {
        Self {
            dir,
            secrets,
            session,
            current: Mutex::new(None),
        }
    }

    /// The signed-in user's drafts (their sync engine runs from the first call on).
    pub async fn get(&self) -> Result<Arc<Drafts>, CoreError> {
        let user = self
            .session
            .current()
            .await
            .ok_or_else(|| CoreError::new(ErrorCode::Unauthorized, "You are not signed in"))?
            .user
            .id;
        let mut current = self.current.lock().await;
        if let Some((id, drafts)) = current.as_ref() {
            if *id == user {
                return Ok(drafts.clone());
            }
        }
        if let Some((_, old)) = current.take() {
            old.close().await;
        }
        let drafts = Arc::new(
            Drafts::open(
                &self.dir,
                self.secrets.as_ref(),
                self.session.clone(),
                &user,
                SyncConfig::default(),
            )
            .await?,
        );
        *current = Some((user, drafts.clone()));
        Ok(drafts)
    }

    /// Stops syncing (sign-out). The drafts stay on disk, sealed with the user's key,
    /// which stays in the keyring: they come back when the same user signs in again.
    pub async fn close(&self) {
        if let Some((_, drafts)) = self.current.lock().await.take() {
            drafts.close().await;
        }
    }
}
