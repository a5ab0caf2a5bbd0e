use tauri::State;
use viva_api::interviews::Interview;
use viva_api::rooms::ActiveRoom;
use viva_core::actions;

use crate::error::CmdResult;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn interviews_list(state: State<'_, AppState>) -> CmdResult<Vec<Interview>> {
    actions::interviews(state.core.session()).await
}

#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn rooms_active(state: State<'_, AppState>) -> CmdResult<Vec<ActiveRoom>> {
    actions::active_rooms(state.core.session()).await
}
