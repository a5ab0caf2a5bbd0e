//! Video drawn by the native surface (src-tauri/src/surface): whether it is in use, where
//! the UI shows each track, and how many frames it drew.

use tauri::State;

use crate::error::CmdResult;
use crate::state::AppState;
use crate::surface::{TrackDraws, VideoLayout};

/// True when video is painted natively over the page: the UI then reports its tiles with
/// `video_layout` instead of fetching frames.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn video_surface(state: State<'_, AppState>) -> CmdResult<bool> {
    Ok(state.frames.surface().is_some())
}

/// Where each shown track's tile is and what the page draws over video.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn video_layout(state: State<'_, AppState>, layout: VideoLayout) -> CmdResult<()> {
    crate::frames::place_video(&state, layout).await;
    Ok(())
}

/// Frames the native surface drew per track, with the engine's decoded counts.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn video_draws(state: State<'_, AppState>) -> CmdResult<Vec<TrackDraws>> {
    Ok(state.frames.surface_draws())
}
