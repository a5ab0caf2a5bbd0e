//! The sync engine: one background task per signed-in user that drains the outbox.
//!
//! Exactly once: a write gets its idempotency key when it is queued, and the key is on
//! disk before the first attempt. Until the server answers, every retry (also after a
//! restart) is the same request with the same key, which the server answers from its
//! record if the first attempt landed. Only after an answer does the next change get a
//! new entry. Offline (unreachable, 5xx, 429, no valid session) means: keep the entry,
//! wait (exponential backoff), try again, with no one pressing anything.
//! An answer that arrives but cannot be read is not offline (the same key would get it
//! again forever): the draft shows the error and keeps its content.

use std::sync::Arc;

use viva_api::feedback::{Draft, DraftConflict, PutDraft};

use super::form;
use super::store::{Entry, Op, Remote};
use super::{DraftKind, Inner, Submission, SyncState};
use crate::error::{CoreError, ErrorCode};

/// The server's answer to one queued write.
enum Answer {
    /// Accepted (a draft: the server's new version and content).
    Accepted(Option<Draft>),
    /// A draft write on a stale version: the server's current draft.
    Stale(Draft),
    /// Refused for good (validation, permissions): do not retry.
    Refused(String),
    /// Try again later.
    Offline,
}

pub(super) async fn run(inner: Arc<Inner>) {
    let mut stop = inner.stop.subscribe();
    let mut backoff = inner.config.min_backoff;
    loop {
        if *stop.borrow() {
            return;
        }
        let offline = match pass(&inner).await {
            Ok(offline) => offline,
            Err(e) => {
                // The local store failed (disk full?): nothing to do but wait and retry.
                tracing::warn!(error = %e, "draft sync pass failed");
                true
            }
        };
        if offline {
            tokio::select! {
                _ = tokio::time::sleep(backoff) => {}
                _ = stop.changed() => return,
            }
            backoff = (backoff * 2).min(inner.config.max_backoff);
        } else {
            backoff = inner.config.min_backoff;
            tokio::select! {
                _ = inner.wake.notified() => {}
                _ = stop.changed() => return,
            }
        }
    }
}

/// Sends everything pending. Ok(true) when the server could not be reached.
async fn pass(inner: &Inner) -> Result<bool, CoreError> {
    loop {
        let pending = inner.db.pending().await?;
        if pending.is_empty() {
            return Ok(false);
        }
        for (id, kind) in pending {
            if *inner.stop.borrow() {
                return Ok(false);
            }
            if step(inner, &id, kind).await? {
                return Ok(true);
            }
        }
    }
}

/// Sends one draft's queued writes. Ok(true) when offline.
async fn step(inner: &Inner, id: &str, kind: DraftKind) -> Result<bool, CoreError> {
    // The draft's text: the queued entry if there is one (a retry), else a new entry for
    // the latest change, stored before it is sent.
    let entry = {
        let _g = inner.lock.lock().await;
        let Some(mut r) = inner.db.get(id, kind).await? else {
            return Ok(false);
        };
        let entry = match inner.db.entry(id, kind, Op::Put).await? {
            Some(e) => Some(e),
            None if r.local_rev > r.synced_rev && r.body.theirs.is_none() && r.error.is_none() => {
                let e = Entry {
                    interview_id: id.to_owned(),
                    kind,
                    op: Op::Put,
                    key: uuid::Uuid::new_v4().to_string(),
                    base_version: r.base_version,
                    rev: r.local_rev,
                    payload: serde_json::to_value(&r.body.content).unwrap_or_default(),
                };
                inner.db.enqueue(&e).await?;
                Some(e)
            }
            None => None,
        };
        if entry.is_some() && r.state != SyncState::Syncing {
            r.state = SyncState::Syncing;
            inner.db.put(&r).await?;
        }
        entry
    };
    if let Some(e) = entry {
        let answer = send(inner, &e).await;
        if settle_put(inner, &e, answer).await? {
            return Ok(true);
        }
    }
    if let Some(e) = inner.db.entry(id, kind, Op::Submit).await? {
        let answer = send(inner, &e).await;
        if settle_submit(inner, &e, answer).await? {
            return Ok(true);
        }
    }
    Ok(false)
}

fn path(e: &Entry) -> String {
    match e.op {
        Op::Put => format!(
            "/api/interviews/{}/feedback/drafts/{}",
            e.interview_id,
            e.kind.as_str()
        ),
        Op::Submit => format!(
            "/api/interviews/{}/feedback/{}/",
            e.interview_id,
            e.kind.as_str()
        ),
    }
}

async fn send(inner: &Inner, e: &Entry) -> Answer {
    let (api, token) = match inner.session.access().await {
        Ok(pair) => pair,
        // Offline, or signed out while this ran: keep the entry for later.
        Err(_) => return Answer::Offline,
    };
    let (method, body) = match e.op {
        // The wire type the server reads (viva-api), so the two cannot drift apart.
        Op::Put => (
            reqwest::Method::PUT,
            serde_json::json!(PutDraft {
                base_version: Some(e.base_version),
                content: Some(e.payload.clone()),
            }),
        ),
        Op::Submit => (reqwest::Method::POST, e.payload.clone()),
    };
    let (status, bytes) = match api
        .send_raw(method, &path(e), &token, Some(&body), Some(&e.key))
        .await
    {
        Ok(answer) => answer,
        // Unreachable, or a request that could not be sent: the same write, later.
        Err(_) => return Answer::Offline,
    };
    match status {
        200..=299 => match e.op {
            Op::Put => match serde_json::from_slice::<Draft>(&bytes) {
                Ok(d) => Answer::Accepted(Some(d)),
                Err(err) => unreadable(status, &err),
            },
            Op::Submit => Answer::Accepted(None),
        },
        409 if e.op == Op::Put => match serde_json::from_slice::<DraftConflict>(&bytes) {
            Ok(c) => Answer::Stale(c.current),
            Err(err) => unreadable(status, &err),
        },
        401 | 408 | 429 | 500..=599 => Answer::Offline,
        _ => {
            let message = serde_json::from_slice::<viva_api::ErrorBody>(&bytes)
                .map(|b| b.message.join("; "))
                .unwrap_or_else(|_| format!("HTTP {status}"));
            Answer::Refused(message)
        }
    }
}

/// An answer the server gave but we cannot read (a server of another version?). It is not
/// "offline": sending the same key again gets the same answer back, forever. The draft
/// shows the error and keeps its content; the next change is sent as a new write.
fn unreadable(status: u16, err: &serde_json::Error) -> Answer {
    tracing::warn!(status, error = %err, "the server's answer to a draft write could not be read");
    Answer::Refused(format!(
        "The server answered HTTP {status} in a form this app cannot read; your draft is kept here"
    ))
}

/// Applies the answer to a draft write. Ok(true) when offline.
async fn settle_put(inner: &Inner, e: &Entry, answer: Answer) -> Result<bool, CoreError> {
    let _g = inner.lock.lock().await;
    let Some(mut r) = inner.db.get(&e.interview_id, e.kind).await? else {
        inner.db.dequeue(&e.interview_id, e.kind, Op::Put).await?;
        return Ok(false);
    };
    match answer {
        Answer::Offline => {
            r.state = SyncState::LocalOnly;
            inner.db.put(&r).await?;
            return Ok(true);
        }
        Answer::Accepted(d) => {
            let d = d.unwrap_or_else(|| unreachable_draft(e));
            r.base_version = d.version;
            r.body.base = form::from_json(&d.content);
            r.synced_rev = r.synced_rev.max(e.rev);
            r.state = if r.local_rev <= r.synced_rev {
                SyncState::Synced
            } else {
                SyncState::LocalOnly
            };
        }
        Answer::Stale(current) => {
            let theirs = form::from_json(&current.content);
            let (merged, conflicts) = form::merge(&r.body.base, &r.body.content, &theirs);
            if conflicts.is_empty() {
                r.body.content = merged;
                r.body.base = theirs;
                r.base_version = current.version;
                if r.body.content == r.body.base {
                    r.synced_rev = r.local_rev;
                    r.state = SyncState::Synced;
                } else {
                    // The merge is a new local change, sent on top of their version.
                    r.local_rev += 1;
                    r.state = SyncState::LocalOnly;
                }
            } else {
                r.body.theirs = Some(Remote {
                    version: current.version,
                    content: theirs,
                });
                r.state = SyncState::Conflict;
            }
        }
        Answer::Refused(message) => {
            r.error = Some(message);
            r.state = SyncState::LocalOnly;
        }
    }
    // The record first, then the entry: a crash in between resends the same key, which
    // the server answers from its record, and applying that answer again changes nothing.
    inner.db.put(&r).await?;
    inner.db.dequeue(&e.interview_id, e.kind, Op::Put).await?;
    Ok(false)
}

/// A 2xx draft answer always carries the draft; this only keeps the types honest.
fn unreachable_draft(e: &Entry) -> Draft {
    Draft {
        interview_id: e.interview_id.clone(),
        kind: e.kind.as_str().to_owned(),
        version: e.base_version + 1,
        content: e.payload.clone(),
        updated_at: None,
    }
}

async fn settle_submit(inner: &Inner, e: &Entry, answer: Answer) -> Result<bool, CoreError> {
    let _g = inner.lock.lock().await;
    let Some(mut r) = inner.db.get(&e.interview_id, e.kind).await? else {
        inner
            .db
            .dequeue(&e.interview_id, e.kind, Op::Submit)
            .await?;
        return Ok(false);
    };
    match answer {
        Answer::Offline => return Ok(true),
        Answer::Accepted(_) | Answer::Stale(_) => r.submission = Submission::Submitted,
        Answer::Refused(message) => {
            r.submission = Submission::Refused;
            r.error = Some(message);
        }
    }
    inner.db.put(&r).await?;
    inner
        .db
        .dequeue(&e.interview_id, e.kind, Op::Submit)
        .await?;
    Ok(false)
}

/// The server's draft (for a form opened on a machine that has none yet).
pub(super) async fn fetch(inner: &Inner, id: &str, kind: DraftKind) -> Result<Draft, CoreError> {
    let (api, token) = inner.session.access().await?;
    let path = format!("/api/interviews/{id}/feedback/drafts/{}", kind.as_str());
    let (status, bytes) = api
        .send_raw(reqwest::Method::GET, &path, &token, None, None)
        .await?;
    if status != 200 {
        return Err(CoreError::new(ErrorCode::Server, format!("HTTP {status}")));
    }
    serde_json::from_slice(&bytes).map_err(|e| CoreError::new(ErrorCode::Server, e.to_string()))
}
