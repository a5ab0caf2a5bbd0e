//! What the UI sees of drafts: the kinds, sync and submission states, conflicts, the form
//! target, and the view of a stored record.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::form;
use super::store::Record;
use crate::error::{CoreError, ErrorCode};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum DraftKind {
    Interviewer,
    Candidate,
}

impl DraftKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DraftKind::Interviewer => "interviewer",
            DraftKind::Candidate => "candidate",
        }
    }

    pub fn parse(text: &str) -> Result<Self, CoreError> {
        match text {
            "interviewer" => Ok(DraftKind::Interviewer),
            "candidate" => Ok(DraftKind::Candidate),
            other => Err(CoreError::new(
                ErrorCode::InvalidInput,
                format!("unknown feedback kind '{other}'"),
            )),
        }
    }
}

/// Where a draft stands with the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum SyncState {
    /// Saved on this machine; the server does not have the latest text yet.
    LocalOnly,
    /// Being sent now.
    Syncing,
    /// The server has exactly this text.
    Synced,
    /// Someone else changed the same fields; waiting for the person to choose.
    Conflict,
}

impl SyncState {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            SyncState::LocalOnly => "local_only",
            SyncState::Syncing => "syncing",
            SyncState::Synced => "synced",
            SyncState::Conflict => "conflict",
        }
    }

    pub(super) fn parse(text: &str) -> Self {
        match text {
            "syncing" => SyncState::Syncing,
            "synced" => SyncState::Synced,
            "conflict" => SyncState::Conflict,
            _ => SyncState::LocalOnly,
        }
    }
}

/// Where the draft's submission stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Submission {
    NotSubmitted,
    /// Submitted here, waiting for the server (offline or retrying).
    Queued,
    Submitted,
    /// The server refused it (see the draft's error).
    Refused,
}

impl Submission {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Submission::NotSubmitted => "not_submitted",
            Submission::Queued => "queued",
            Submission::Submitted => "submitted",
            Submission::Refused => "refused",
        }
    }

    pub(super) fn parse(text: &str) -> Self {
        match text {
            "queued" => Submission::Queued,
            "submitted" => Submission::Submitted,
            "refused" => Submission::Refused,
            _ => Submission::NotSubmitted,
        }
    }
}

/// One field both sides changed, side by side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FieldConflict {
    pub field: String,
    pub label: String,
    pub mine: String,
    pub theirs: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Keep {
    Mine,
    Theirs,
}

/// A draft as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DraftView {
    pub interview_id: String,
    pub kind: DraftKind,
    pub topic: String,
    pub interview_type: String,
    /// The competencies the interviewer rates (empty for the candidate's form).
    pub competencies: Vec<String>,
    pub fields: BTreeMap<String, String>,
    pub state: SyncState,
    pub submission: Submission,
    pub conflicts: Vec<FieldConflict>,
    /// What is still required before submitting, as people read it.
    pub missing: Vec<String>,
    /// The server's last refusal, if any.
    pub error: Option<String>,
    /// RFC 3339.
    pub updated_at: String,
}

/// The interview a form is for (the UI knows it from the interview list; the draft keeps
/// it so the form opens offline).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FormTarget {
    pub interview_id: String,
    pub kind: Option<DraftKind>,
    pub topic: String,
    pub interview_type: String,
}

fn ms_to_rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

pub(super) fn view(r: &Record) -> DraftView {
    // While a conflict waits, the form shows the merge: the other device's changes to
    // fields only it touched are already in, conflicting fields show ours until chosen.
    let merged = r
        .body
        .theirs
        .as_ref()
        .map(|theirs| form::merge(&r.body.base, &r.body.content, &theirs.content));
    let conflicts = match (&r.body.theirs, &merged) {
        (Some(theirs), Some((_, fields))) => fields
            .iter()
            .cloned()
            .map(|f| FieldConflict {
                label: form::label(&f),
                mine: r.body.content.get(&f).cloned().unwrap_or_default(),
                theirs: theirs.content.get(&f).cloned().unwrap_or_default(),
                field: f,
            })
            .collect(),
        _ => Vec::new(),
    };
    DraftView {
        interview_id: r.interview_id.clone(),
        kind: r.kind,
        topic: r.body.topic.clone(),
        interview_type: r.body.interview_type.clone(),
        competencies: match r.kind {
            DraftKind::Interviewer => viva_api::feedback::competencies(&r.body.interview_type)
                .iter()
                .map(|c| (*c).to_owned())
                .collect(),
            DraftKind::Candidate => Vec::new(),
        },
        fields: merged
            .map(|(fields, _)| fields)
            .unwrap_or_else(|| r.body.content.clone()),
        state: if r.body.theirs.is_some() {
            SyncState::Conflict
        } else {
            r.state
        },
        submission: r.submission,
        conflicts,
        missing: form::missing(r.kind, &r.body.interview_type, &r.body.content),
        error: r.error.clone(),
        updated_at: ms_to_rfc3339(r.updated_at_ms),
    }
}
