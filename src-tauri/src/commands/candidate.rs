//! Candidates without an account: join a public room with its code and phone number, or
//! with the one-time password sent to them; and `viva://join/{code}` links.

use tauri::{AppHandle, State};
use viva_api::public::PublicRoomInfo;
use viva_core::entry::{self, Entry};

use crate::error::CmdResult;
use crate::state::AppState;

/// The job, company and instructions of a public room, before joining it.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn candidate_room_preview(
    server_url: String,
    room_code: String,
) -> CmdResult<PublicRoomInfo> {
    entry::room_preview(&server_url, &room_code).await
}

/// Joins a public room; updates arrive as `RoomUpdateEvent`s, as for `room_join`.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn candidate_join_code(
    app: AppHandle,
    state: State<'_, AppState>,
    server_url: String,
    room_code: String,
    phone: String,
    first_name: String,
    last_name: String,
) -> CmdResult<()> {
    let api = entry::guest_api(&server_url)?;
    let entry = Entry::code(api, &room_code, &phone, &first_name, &last_name)?;
    state.core.enter(entry, state.sink(app)).await
}

/// Joins the room of an application with its one-time password.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn candidate_join_password(
    app: AppHandle,
    state: State<'_, AppState>,
    server_url: String,
    application_id: String,
    password: String,
) -> CmdResult<()> {
    let api = entry::guest_api(&server_url)?;
    let entry = Entry::password(api, &application_id, &password)?;
    state.core.enter(entry, state.sink(app)).await
}

/// The room code of the `viva://join/...` link the app was opened with, once.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn join_link_take(state: State<'_, AppState>) -> CmdResult<Option<String>> {
    state.core.take_join_link().await
}
