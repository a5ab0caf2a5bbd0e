use tauri::State;
use viva_core::SessionInfo;

use crate::error::CmdResult;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn auth_login(
    state: State<'_, AppState>,
    server_url: String,
    username: String,
    password: String,
) -> CmdResult<SessionInfo> {
    let session = state.core.session();
    session.login(&server_url, &username, &password).await
}

#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn auth_logout(state: State<'_, AppState>) -> CmdResult<()> {
    // Unsynced drafts stay on disk, sealed for this user (the UI warned before).
    state.core.sign_out().await
}

/// The current session; on start-up, the one remembered in the keyring.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn session_get(state: State<'_, AppState>) -> CmdResult<Option<SessionInfo>> {
    state.core.session_info().await
}
