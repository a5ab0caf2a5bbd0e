//! Microphone and speaker choice on the pre-join screen.

use tauri::State;
use viva_core::audio::{self, AudioDevices};

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
