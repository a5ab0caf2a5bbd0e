//! The bundled recorder as a child process of the node that starts it, and the upload of
//! that node's spool.
//!
//! The recorder writes `<spool>/<recording id>/` and lists finished files in its
//! `manifest.json`; the node uploads them when the recorder is done and again on every
//! maintenance pass until the storage has them all, so a storage outage delays a recording
//! and loses nothing. The recorder's stdin is a pipe from this node: if the node dies the
//! recorder sees it close and finishes its files; the next node process on this machine
//! finds the spool and uploads it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Mutex;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
use viva_api::recording::state;
use viva_recorder_manifest::Manifest;

use super::recorder_identity;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{FileRow, Move, RecordingRow};

/// The manifest the recorder writes (its format is viva-recorder's `Manifest`).
mod viva_recorder_manifest {
    /// (`complete` is not read: whatever files are listed are finished files.)
    #[derive(Debug, Default, serde::Deserialize)]
    pub struct Manifest {
        pub files: Vec<Entry>,
    }

    #[derive(Debug, serde::Deserialize)]
    pub struct Entry {
        pub identity: String,
        pub file: String,
        pub bytes: u64,
        pub duration_ms: u64,
    }
}

/// The recorders this node runs: the write end of each one's stdin.
#[derive(Default)]
pub struct Running(Mutex<HashMap<String, tokio::process::ChildStdin>>);

impl Running {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, tokio::process::ChildStdin>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn is_running(&self, id: &str) -> bool {
        self.lock().contains_key(id)
    }

    /// Asks the recorder to finish (closing its stdin does; the metadata says so too).
    pub fn stop(&self, id: &str) {
        if let Some(mut stdin) = self.lock().remove(id) {
            tokio::spawn(async move {
                let _ = stdin.write_all(b"stop\n").await;
            });
        }
    }
}

fn spool_dir(state: &AppState, id: &str) -> PathBuf {
    state.recordings.config.spool.join(id)
}

fn recorder_bin(state: &AppState) -> PathBuf {
    state
        .recordings
        .config
        .recorder_bin
        .clone()
        .unwrap_or_else(|| {
            std::env::current_exe()
                .ok()
                .and_then(|exe| exe.parent().map(|d| d.join("viva-recorder")))
                .unwrap_or_else(|| PathBuf::from("viva-recorder"))
        })
}

/// The recorder runs beside this server: it reaches LiveKit where the server does
/// (`http://` -> `ws://`, `https://` -> `wss://`).
fn signal_url(api_url: &str) -> String {
    match api_url.strip_prefix("http") {
        Some(rest) => format!("ws{rest}"),
        None => api_url.to_owned(),
    }
}

/// Starts the recorder for `rec`; it runs until the recording stops.
pub async fn spawn(state: &AppState, rec: &RecordingRow) -> Result<(), ApiError> {
    let dir = spool_dir(state, &rec.id);
    std::fs::create_dir_all(&dir)
        .map_err(|e| ApiError::internal(format!("recording spool {}: {e}", dir.display())))?;
    let token = state
        .livekit
        .recorder_token(&rec.room_name, &recorder_identity(&rec.id))?;
    let bin = recorder_bin(state);
    let mut child = tokio::process::Command::new(&bin)
        .arg("--url")
        .arg(signal_url(&state.livekit.config().api_url))
        .arg("--dir")
        .arg(&dir)
        .arg("--size")
        .arg(&state.recordings.config.size)
        // In the environment, not the arguments: the process list shows arguments.
        .env("VIVA_RECORDER_TOKEN", token)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| {
            ApiError::unavailable(format!("cannot start the recorder {}: {e}", bin.display()))
        })?;
    let stdin = child.stdin.take().expect("piped");
    let stdout = child.stdout.take().expect("piped");
    state
        .recordings
        .running
        .lock()
        .insert(rec.id.clone(), stdin);
    let (state, id) = (state.clone(), rec.id.clone());
    tokio::spawn(async move {
        let mut lines = tokio::io::BufReader::new(stdout).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            tracing::info!(recording = %id, recorder = %line, "recorder");
        }
        let status = child.wait().await;
        state.recordings.running.lock().remove(&id);
        tracing::info!(recording = %id, ?status, "recorder exited");
        if let Err(e) = recorder_done(&state, &id).await {
            tracing::warn!(recording = %id, error = %e, "after the recorder");
        }
    });
    Ok(())
}

/// The recorder exited: the recording stops if it had not (the room ended, or the recorder
/// failed), and the spool goes up.
async fn recorder_done(state: &AppState, id: &str) -> Result<(), ApiError> {
    let moved = state
        .store
        .move_recording(
            id,
            &[state::RECORDING],
            state::UPLOADING,
            Move {
                stopped: true,
                ..Move::default()
            },
        )
        .await?;
    if moved {
        if let Some(rec) = state.store.recording(id).await? {
            let _ = super::publish(state, &rec).await;
        }
    }
    upload_spool(state).await
}

/// Uploads every finished file in this node's spool whose recording is stopped, and marks
/// recordings complete once all their files are stored.
pub async fn upload_spool(state: &AppState) -> Result<(), ApiError> {
    let Some(storage) = &state.recordings.storage else {
        return Ok(());
    };
    let _one = state.recordings.uploading.lock().await;
    let spool = &state.recordings.config.spool;
    let Ok(entries) = std::fs::read_dir(spool) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let id = entry.file_name().to_string_lossy().to_string();
        if state.recordings.running.is_running(&id) {
            continue;
        }
        let Some(rec) = state.store.recording(&id).await? else {
            continue;
        };
        // Withdrawn or failed before anyone was recorded: nothing to keep.
        if rec.status == state::CANCELLED || rec.status == state::FAILED {
            let _ = std::fs::remove_dir_all(entry.path());
            continue;
        }
        // A recording whose recorder died with an earlier server process: adopt it.
        if rec.status == state::RECORDING {
            state
                .store
                .move_recording(
                    &id,
                    &[state::RECORDING],
                    state::UPLOADING,
                    Move {
                        stopped: true,
                        ..Move::default()
                    },
                )
                .await?;
        } else if rec.status != state::UPLOADING {
            continue;
        }
        upload_one(state, storage, &rec, &entry.path()).await?;
    }
    Ok(())
}

async fn upload_one(
    state: &AppState,
    storage: &super::s3::ObjectStore,
    rec: &RecordingRow,
    dir: &Path,
) -> Result<(), ApiError> {
    let manifest: Manifest = std::fs::read(dir.join("manifest.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    for f in &manifest.files {
        let key = format!("recordings/{}/{}/{}", rec.room_id, rec.id, f.file);
        state
            .store
            .add_recording_file(&FileRow {
                recording_id: rec.id.clone(),
                file: f.file.clone(),
                identity: f.identity.clone(),
                storage_key: key.clone(),
                size: f.bytes as i64,
                duration_ms: f.duration_ms as i64,
                status: "spooled".into(),
            })
            .await?;
    }
    for f in state.store.recording_files(&rec.id).await? {
        if f.status != "spooled" {
            continue;
        }
        let path = dir.join(&f.file);
        storage
            .upload_file(&f.storage_key, &path)
            .await
            .map_err(ApiError::storage)?;
        state.store.mark_file_stored(&rec.id, &f.file).await?;
        tracing::info!(recording = %rec.id, file = %f.file, bytes = f.size, "recording file stored");
    }
    // Every file is up: the spool is no longer needed.
    state
        .store
        .move_recording(
            &rec.id,
            &[state::UPLOADING],
            state::COMPLETE,
            Move::default(),
        )
        .await?;
    if let Err(e) = std::fs::remove_dir_all(dir) {
        tracing::warn!(dir = %dir.display(), error = %e, "cannot clear the recording spool");
    }
    Ok(())
}
