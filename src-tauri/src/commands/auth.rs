use tauri::State;
use viva_core::SessionInfo;

use crate::error::CmdResult;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn auth_login(
    state: State<'_, AppState>,
    server_url: String,
    username: String,
    password: String,
) -> CmdResult<SessionInfo> {
    state.session.login(&server_url, &username, &password).await
}

#[tauri::command]
#[specta::specta]
pub async fn auth_logout(
    state: State<'_, AppState>,
    drafts: State<'_, viva_core::SignedInDrafts>,
) -> CmdResult<()> {
    if let Some(room) = state.room.lock().await.take() {
        room.leave().await;
    }
    // Unsynced drafts stay on disk, sealed for this user (the UI warned before).
    drafts.close().await;
    state.session.logout().await
}

/// The current session; on start-up, the one remembered in the keyring.
#[tauri::command]
#[specta::specta]
pub async fn session_get(state: State<'_, AppState>) -> CmdResult<Option<SessionInfo>> {
    match state.session.current().await {
        Some(s) => Ok(Some(s)),
        None => state.session.restore().await,
    }
}

/// Refreshes the access token now; returns its new expiry.
#[tauri::command]
#[specta::specta]
pub async fn token_refresh(state: State<'_, AppState>) -> CmdResult<String> {
    state.session.refresh_now().await
}
