use crate::error::CmdResult;
use crate::updates::{self, UpdateInfo};

/// A desktop notification (reminders); `unsupported` where the desktop has no
/// notification service.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn desktop_notify(app: tauri::AppHandle, title: String, body: String) -> CmdResult<()> {
    crate::notify::show(&app, title, body)
}

/// Asks the update server for a newer Viva; null when there is none or updates are off.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn update_check(app: tauri::AppHandle) -> CmdResult<Option<UpdateInfo>> {
    updates::check(&app).await
}

/// Downloads and verifies the update the last check found (`UpdateProgressEvent`s).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn update_download(app: tauri::AppHandle) -> CmdResult<()> {
    updates::download(&app).await
}

/// Installs the downloaded update and restarts Viva into it.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn update_install(app: tauri::AppHandle) -> CmdResult<()> {
    updates::install(&app).await
}
