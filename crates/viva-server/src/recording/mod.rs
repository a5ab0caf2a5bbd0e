//! Recording with consent (seed "Rooms App": room recording to cloud storage, "obtain
//! consent before enabling recording").
//!
//! The rules, in one place:
//! - A recording is asked for by the room's host or staff (`consent`). It starts only when
//!   everyone present in the room (hidden participants aside) has consented; a phone caller
//!   cannot answer in the app, so a room with one waits.
//! - Whoever joins later is asked too and is recorded only from their consent on; whoever
//!   declines is never recorded, and the interviewer sees the answer.
//! - The room's LiveKit metadata carries the state to everyone (`viva_api::recording`):
//!   the indicator shows while it is `consent` or `recording`. The recorder reads whom it
//!   may record from it, so a stop or a consent handled by any server node reaches it.
//! - Consent records (who, when, which recording) are kept with the recording and deleted
//!   with it after the retention period, exactly once across nodes.
//!
//! Recorders: the bundled `viva-recorder` (a child process of the node that started it,
//! writing to that node's spool, uploaded by that node) or LiveKit Egress (`egress`: one
//! participant egress per consenting participant, written by Egress to the bucket).

pub mod config;
mod egress;
mod process;
pub mod s3;

use std::time::Duration;

use viva_api::recording::{self as api, state, RoomMetadata, RoomRecording};

pub use config::{RecorderKind, RecordingConfig};
pub use process::Running;

use crate::error::ApiError;
use crate::livekit::ParticipantInfo;
use crate::state::AppState;
use crate::store::{ConsentOutcome, Move, RecordingRow, Room, StoreError};

/// How long a download link works.
pub const DOWNLOAD_TTL: Duration = Duration::from_secs(900);

/// Where recordings go and how they are made; one per server node.
pub struct Recordings {
    pub config: RecordingConfig,
    pub storage: Option<s3::ObjectStore>,
    pub egress: Option<egress::Egress>,
    /// The bundled recorders this node runs, by recording id.
    pub running: Running,
    /// One upload pass at a time on this node.
    uploading: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Recordings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recordings")
            .field("config", &self.config)
            .field("storage", &self.storage)
            .finish()
    }
}

impl Recordings {
    pub fn new(config: RecordingConfig, livekit: &crate::config::LiveKitConfig) -> Self {
        let storage = config
            .s3
            .as_ref()
            .and_then(|c| match s3::ObjectStore::new(c) {
                Ok(s) => Some(s),
                Err(e) => {
                    tracing::error!(error = %e, "recording storage is misconfigured");
                    None
                }
            });
        let egress = (config.recorder == RecorderKind::Egress && livekit.configured())
            .then(|| egress::Egress::new(livekit));
        Self {
            config,
            storage,
            egress,
            running: Running::default(),
            uploading: tokio::sync::Mutex::new(()),
        }
    }

    fn storage(&self) -> Result<&s3::ObjectStore, ApiError> {
        self.storage.as_ref().ok_or_else(|| {
            ApiError::conflict(
                "Recording needs object storage: set VIVA_S3_ENDPOINT, VIVA_S3_BUCKET, \
                 VIVA_S3_ACCESS_KEY and VIVA_S3_SECRET_KEY",
            )
        })
    }
}

/// The identity the recorder joins as.
pub fn recorder_identity(recording_id: &str) -> String {
    format!("viva-recorder-{recording_id}")
}

/// People whose consent counts: everyone connected but hidden participants (recorders)
/// and LiveKit's own egress and agents.
fn present(participants: &[ParticipantInfo]) -> Vec<&ParticipantInfo> {
    use livekit_protocol::participant_info::Kind;
    participants
        .iter()
        .filter(|p| !p.permission.as_ref().is_some_and(|perm| perm.hidden))
        .filter(|p| !matches!(Kind::try_from(p.kind), Ok(Kind::Egress | Kind::Agent)))
        .filter(|p| !p.identity.starts_with("viva-recorder-"))
        .collect()
}

/// What everyone in the room sees of the recording.
async fn room_view(state: &AppState, rec: &RecordingRow) -> Result<RoomRecording, ApiError> {
    let consents = state.store.consents(&rec.id).await?;
    let (yes, no): (Vec<_>, Vec<_>) = consents.into_iter().partition(|c| c.consent);
    Ok(RoomRecording {
        id: rec.id.clone(),
        room_id: rec.room_id.clone(),
        state: rec.status.clone(),
        consented: yes.into_iter().map(|c| c.identity).collect(),
        declined: no.into_iter().map(|c| c.identity).collect(),
    })
}

/// Tells the room (and the recorder in it) the recording's current state.
async fn publish(state: &AppState, rec: &RecordingRow) -> Result<RoomRecording, ApiError> {
    let view = room_view(state, rec).await?;
    let doc = serde_json::to_string(&RoomMetadata {
        recording: Some(view.clone()),
    })
    .map_err(ApiError::internal)?;
    state
        .livekit
        .set_room_metadata(&rec.room_name, &doc)
        .await?;
    Ok(view)
}

async fn reload(state: &AppState, id: &str) -> Result<RecordingRow, ApiError> {
    state
        .store
        .recording(id)
        .await?
        .ok_or_else(|| ApiError::not_found("Recording not found"))
}

/// `POST /api/v1/rooms/{id}/recording/start/`: asks everyone in the room for consent.
pub async fn start(state: &AppState, room: &Room, by: &str) -> Result<RecordingRow, ApiError> {
    let recordings = &state.recordings;
    match recordings.config.recorder {
        RecorderKind::Off => {
            return Err(ApiError::conflict(
                "Recording is turned off on this server (VIVA_RECORDER=off)",
            ))
        }
        RecorderKind::Bundled => {
            recordings.storage()?;
        }
        RecorderKind::Egress => {
            recordings.config.s3.as_ref().ok_or_else(|| {
                ApiError::conflict("Egress recording needs VIVA_S3_ENDPOINT and its bucket")
            })?;
        }
    }
    if !room.settings.recording_enabled {
        return Err(ApiError::conflict(
            "Recording is not enabled for this room (its recording_enabled setting)",
        ));
    }
    if room.ended_at_ms.is_some() {
        return Err(ApiError::conflict("The room has ended"));
    }
    let rec = match state
        .store
        .insert_recording(
            &room.id.to_string(),
            &room.name,
            recordings.config.recorder.as_str(),
            by,
        )
        .await
    {
        Err(StoreError::Conflict(_)) => {
            return Err(ApiError::conflict(
                "This room already has a recording asking for consent or recording",
            ))
        }
        other => other?,
    };
    publish(state, &rec).await?;
    // The bundled recorder joins now (hidden, writing nothing), so that it records from the
    // moment the last person consents instead of after its own join.
    if recordings.config.recorder == RecorderKind::Bundled {
        if let Err(e) = process::spawn(state, &rec).await {
            fail(state, &rec.id, state::CONSENT, &e).await?;
            return Err(e);
        }
    }
    tracing::info!(recording = %rec.id, room = %rec.room_name, "recording asked for; waiting for consent");
    Ok(rec)
}

/// A participant's answer (`POST .../recording/consent/`).
pub async fn consent(
    state: &AppState,
    room: &Room,
    recording_id: &str,
    (identity, name): (&str, &str),
    consent: bool,
) -> Result<RoomRecording, ApiError> {
    let live = state
        .store
        .live_recording(&room.id.to_string())
        .await?
        .filter(|r| r.id == recording_id)
        .ok_or_else(|| ApiError::conflict("That recording is not asking for consent any more"))?;
    match state
        .store
        .record_consent(&live.id, identity, name, consent)
        .await?
    {
        ConsentOutcome::Recorded => {}
        ConsentOutcome::AlreadyAnswered(first) if first == consent => {}
        ConsentOutcome::AlreadyAnswered(_) => {
            return Err(ApiError::conflict(
                "You already answered for this recording; your first answer stands",
            ))
        }
    }
    tracing::info!(recording = %live.id, consent, "consent answered");
    advance(state, &live).await
}

/// Starts the recording once everyone present has consented, and tells the room.
pub async fn advance(state: &AppState, rec: &RecordingRow) -> Result<RoomRecording, ApiError> {
    if rec.status == state::CONSENT {
        let view = room_view(state, rec).await?;
        let participants = state.livekit.participants(&rec.room_name).await?;
        let here = present(&participants);
        let everyone = !here.is_empty() && here.iter().all(|p| view.consented(&p.identity));
        if everyone
            && state
                .store
                .move_recording(
                    &rec.id,
                    &[state::CONSENT],
                    state::RECORDING,
                    Move {
                        started: true,
                        node_id: Some(&state.node_id),
                        ..Move::default()
                    },
                )
                .await?
        {
            let started = reload(state, &rec.id).await?;
            // The bundled recorder in the room starts writing when it reads this.
            let view = publish(state, &started).await?;
            if started.recorder == RecorderKind::Egress.as_str() {
                if let Err(e) = egress::follow_consents(state, &started).await {
                    fail(state, &rec.id, state::RECORDING, &e).await?;
                    return Err(e);
                }
            }
            return Ok(view);
        }
    }
    let current = reload(state, &rec.id).await?;
    if current.status == state::RECORDING && current.recorder == RecorderKind::Egress.as_str() {
        egress::follow_consents(state, &current).await?;
    }
    publish(state, &current).await
}

/// The recorder could not start: the recording fails with the reason, for everyone to see.
async fn fail(state: &AppState, id: &str, from: &str, e: &ApiError) -> Result<(), ApiError> {
    tracing::error!(recording = %id, error = %e, "the recorder did not start");
    state
        .store
        .move_recording(
            id,
            &[from],
            state::FAILED,
            Move {
                stopped: true,
                error: Some(&e.to_string()),
                ..Move::default()
            },
        )
        .await?;
    publish(state, &reload(state, id).await?).await?;
    Ok(())
}

/// `POST .../recording/stop/`: ends the live recording (or withdraws the request).
pub async fn stop(state: &AppState, room: &Room) -> Result<RecordingRow, ApiError> {
    let live = state
        .store
        .live_recording(&room.id.to_string())
        .await?
        .ok_or_else(|| ApiError::conflict("This room is not being recorded"))?;
    let (from, to) = match live.status.as_str() {
        state::CONSENT => (state::CONSENT, state::CANCELLED),
        _ => (state::RECORDING, state::UPLOADING),
    };
    let moved = state
        .store
        .move_recording(
            &live.id,
            &[from],
            to,
            Move {
                stopped: true,
                ..Move::default()
            },
        )
        .await?;
    let rec = reload(state, &live.id).await?;
    if moved {
        // The metadata change stops the recorder wherever it runs; ours also hears it here.
        publish(state, &rec).await?;
        if to == state::UPLOADING && rec.recorder == RecorderKind::Egress.as_str() {
            egress::stop_all(state, &rec).await;
        }
        state.recordings.running.stop(&rec.id);
        tracing::info!(recording = %rec.id, status = %rec.status, "recording stopped");
    }
    Ok(rec)
}

/// The room ended: its live recording stops as if asked.
pub async fn room_ended(state: &AppState, room_name: &str) {
    let room = match state.store.room(room_name).await {
        Ok(Some(room)) => room,
        _ => return,
    };
    if let Err(e) = stop(state, &room).await {
        if e.status() != axum::http::StatusCode::CONFLICT {
            tracing::warn!(error = %e, "cannot stop the ended room's recording");
        }
    }
}

/// Uploads and retention on their own loop: an upload of a long recording must not hold
/// up the sweeper, and a storage outage is retried every few seconds.
pub fn spawn_maintenance(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            maintain(&state).await;
        }
    })
}

/// A participant left: a recording waiting for their consent may start now.
pub async fn someone_left(state: &AppState, room: &Room) -> Result<(), ApiError> {
    if let Some(rec) = state.store.live_recording(&room.id.to_string()).await? {
        if rec.status == state::CONSENT {
            advance(state, &rec).await?;
        }
    }
    Ok(())
}

/// LiveKit Egress finished a participant's file.
pub async fn egress_ended(
    state: &AppState,
    info: &livekit_protocol::EgressInfo,
) -> Result<(), ApiError> {
    egress::ended(state, info).await
}

/// The API's view of a recording, with its files and consent records.
pub async fn describe(state: &AppState, rec: &RecordingRow) -> Result<api::Recording, ApiError> {
    use crate::domain::ms_to_rfc3339;
    let files = state.store.recording_files(&rec.id).await?;
    let consents = state.store.consents(&rec.id).await?;
    let duration_ms = match (rec.started_at_ms, rec.stopped_at_ms) {
        (Some(a), Some(b)) => (b - a).max(0),
        (Some(a), None) => (crate::domain::now_ms() - a).max(0),
        _ => 0,
    };
    Ok(api::Recording {
        id: rec.id.clone(),
        room_id: rec.room_id.clone(),
        recorder: rec.recorder.clone(),
        status: rec.status.clone(),
        requested_by: rec.requested_by.clone(),
        requested_at: ms_to_rfc3339(rec.requested_at_ms),
        started_at: rec.started_at_ms.map(ms_to_rfc3339),
        stopped_at: rec.stopped_at_ms.map(ms_to_rfc3339),
        duration_ms,
        size: files.iter().map(|f| f.size).sum(),
        error: rec.error.clone(),
        files: files
            .into_iter()
            .map(|f| api::RecordingFile {
                identity: f.identity,
                storage_key: f.storage_key,
                size: f.size,
                duration_ms: f.duration_ms,
                status: f.status,
            })
            .collect(),
        consents: consents
            .into_iter()
            .map(|c| api::Consent {
                identity: c.identity,
                name: c.name,
                consent: c.consent,
                at: ms_to_rfc3339(c.at_ms),
            })
            .collect(),
    })
}

/// Short-lived links to a recording's stored files.
pub async fn download(
    state: &AppState,
    rec: &RecordingRow,
) -> Result<api::DownloadLinks, ApiError> {
    let storage = state.recordings.storage()?;
    let files = state.store.recording_files(&rec.id).await?;
    let links: Vec<api::DownloadLink> = files
        .into_iter()
        .filter(|f| f.status == "stored")
        .map(|f| api::DownloadLink {
            url: storage.download_url(&f.storage_key, DOWNLOAD_TTL),
            identity: f.identity,
        })
        .collect();
    if links.is_empty() {
        return Err(ApiError::conflict(
            "Nothing of this recording is in storage yet",
        ));
    }
    Ok(api::DownloadLinks {
        expires_in: DOWNLOAD_TTL.as_secs() as i64,
        links,
    })
}

/// The maintenance pass: uploads what this node's spool holds, adopts recordings whose
/// recorder is gone, and deletes recordings past their retention (once across nodes).
pub async fn maintain(state: &AppState) {
    if let Err(e) = process::upload_spool(state).await {
        tracing::warn!(error = %e, "recording upload pass failed; retried on the next pass");
    }
    if let Err(e) = expire(state).await {
        tracing::warn!(error = %e, "recording retention pass failed");
    }
}

/// Deletes recordings past their retention: each is claimed by one node (`deleting`,
/// compare-and-set), whose objects go first and rows last; a failed deletion hands the
/// recording back for the next pass.
async fn expire(state: &AppState) -> Result<(), ApiError> {
    let retention = state.recordings.config.retention.as_millis() as i64;
    let before = crate::domain::now_ms() - retention;
    for (id, status) in state.store.expired_recordings(before).await? {
        let claim = Move {
            node_id: Some(&state.node_id),
            ..Move::default()
        };
        if !state
            .store
            .move_recording(&id, &[status.as_str()], DELETING, claim)
            .await?
        {
            continue;
        }
        let mut deleted = Ok(());
        if let Some(storage) = &state.recordings.storage {
            for f in state.store.recording_files(&id).await? {
                if let Err(e) = storage.delete(&f.storage_key).await {
                    deleted = Err(ApiError::storage(e));
                    break;
                }
            }
        }
        if let Err(e) = deleted {
            state
                .store
                .move_recording(&id, &[DELETING], &status, Move::default())
                .await?;
            return Err(e);
        }
        state.store.delete_recording(&id).await?;
        tracing::info!(recording = %id, "recording deleted after its retention period");
    }
    Ok(())
}

/// A recording whose objects are being deleted by one node (retention).
const DELETING: &str = "deleting";
