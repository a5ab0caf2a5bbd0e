//! Microphone and speaker choice on the pre-join screen.

use tauri::{AppHandle, State};
use tauri_specta::Event;
use viva_core::audio::{self, AudioDevices};
use viva_core::audio_meter::Meter;
use viva_core::{CoreError, ErrorCode};

use crate::error::CmdResult;
use crate::state::AppState;

/// The microphones and speakers present now, and the current choice.
#[tauri::command]
#[specta::specta]
pub async fn audio_devices(state: State<'_, AppState>) -> CmdResult<AudioDevices> {
    viva_core::init_media(state.resources.as_deref())?;
    audio::list()
}

/// Chooses the microphone and speaker (null: the system default) for the next join.
#[tauri::command]
#[specta::specta]
pub async fn audio_select(
    state: State<'_, AppState>,
    microphone: Option<String>,
    speaker: Option<String>,
) -> CmdResult<()> {
    viva_core::init_media(state.resources.as_deref())?;
    audio::select(microphone.as_deref(), speaker.as_deref())
}

/// Starts the level meter of a microphone (null: the default); levels arrive as
/// `AudioLevelEvent`s until `audio_meter_stop`.
#[tauri::command]
#[specta::specta]
pub async fn audio_meter_start(
    app: AppHandle,
    state: State<'_, AppState>,
    microphone: Option<String>,
) -> CmdResult<()> {
    viva_core::init_media(state.resources.as_deref())?;
    let name = audio::microphone_name(microphone.as_deref())?;
    // One meter at a time: the old one stops before the new one opens the device.
    drop(state.meter.lock().await.take());
    let meter = tokio::task::spawn_blocking(move || {
        Meter::start(name, move |level| {
            let _ = AudioLevelEvent(level).emit(&app);
        })
    })
    .await
    .map_err(|e| CoreError::new(ErrorCode::Media, e.to_string()))??;
    *state.meter.lock().await = Some(meter);
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn audio_meter_stop(state: State<'_, AppState>) -> CmdResult<()> {
    let meter = state.meter.lock().await.take();
    // Joining the meter's thread waits for its last read (at most 50 ms).
    let _ = tokio::task::spawn_blocking(move || drop(meter)).await;
    Ok(())
}

/// The microphone's level, 0 (silence) to 1 (full scale) on a decibel scale.
#[derive(Debug, Clone, Copy, serde::Serialize, specta::Type, tauri_specta::Event)]
pub struct AudioLevelEvent(pub f32);
