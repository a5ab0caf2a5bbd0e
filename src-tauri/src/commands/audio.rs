//! Microphone and speaker choice on the pre-join screen.

use tauri::{AppHandle, State};
use tauri_specta::Event;
use viva_core::audio::{self, AudioDevices};

use crate::error::CmdResult;
use crate::state::AppState;

/// The microphones and speakers present now, and the current choice.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn audio_devices(state: State<'_, AppState>) -> CmdResult<AudioDevices> {
    state.core.init_media()?;
    audio::list()
}

/// Chooses the microphone and speaker (null: the system default) for the next join.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn audio_select(
    state: State<'_, AppState>,
    microphone: Option<String>,
    speaker: Option<String>,
) -> CmdResult<()> {
    state.core.init_media()?;
    audio::select(microphone.as_deref(), speaker.as_deref())
}

/// Starts the level meter of a microphone (null: the default); levels arrive as
/// `AudioLevelEvent`s until `audio_meter_stop`.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn audio_meter_start(
    app: AppHandle,
    state: State<'_, AppState>,
    microphone: Option<String>,
) -> CmdResult<()> {
    let emit = move |level| drop(AudioLevelEvent(level).emit(&app));
    state.core.start_meter(microphone, emit).await
}

#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn audio_meter_stop(state: State<'_, AppState>) -> CmdResult<()> {
    state.core.stop_meter().await
}

/// The microphone's level, 0 (silence) to 1 (full scale) on a decibel scale.
#[derive(Debug, Clone, Copy, serde::Serialize, specta::Type, tauri_specta::Event)]
pub struct AudioLevelEvent(pub f32);
