//! Cameras and screens: the pre-join camera choice and preview, and screen listing.

use tauri::State;
use viva_core::camera::{self, Cameras, VideoDevice};

use crate::commands::blocking;
use crate::error::CmdResult;
use crate::state::AppState;

/// The cameras connected now, the chosen one, and whether to join with it on.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn camera_list() -> CmdResult<Cameras> {
    blocking(camera::list).await
}

/// Picks the camera (null keeps the current one) and whether to join with it on.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn camera_choose(camera: Option<String>, enabled: bool) -> CmdResult<()> {
    blocking(move || camera::choose(camera.as_deref(), enabled)).await
}

/// Starts the chosen camera's preview; frames arrive as track `preview:camera`. Replaces
/// a preview already running.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn camera_preview_start(state: State<'_, AppState>) -> CmdResult<String> {
    state.core.start_preview(state.frames.out()).await
}

/// Stops the preview (the camera's light goes off).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn camera_preview_stop(state: State<'_, AppState>) -> CmdResult<()> {
    state.core.stop_preview().await
}

/// The screens that can be shared.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn screen_list() -> CmdResult<Vec<VideoDevice>> {
    blocking(camera::screens).await
}
