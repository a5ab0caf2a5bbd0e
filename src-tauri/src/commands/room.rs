//! The room: joining, our own media, the interviewer's controls, recording, dial-in, and
//! what the interview's panel reads.

use tauri::{AppHandle, State};
use viva_api::platform::DialInInfo;
use viva_api::questions::InterviewQuestion;
use viva_api::recording::RoomRecording;
use viva_api::rooms::{ControlResponse, RoomInfo};
use viva_core::actions::{self, MediaKind};
use viva_core::Entry;

use crate::error::CmdResult;
use crate::state::AppState;

/// Joins the interview's room; updates arrive as `RoomUpdateEvent`s, frames from the
/// `viva-frame` scheme (frames.rs).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn room_join(
    app: AppHandle,
    state: State<'_, AppState>,
    interview_id: String,
) -> CmdResult<()> {
    let entry = Entry::interview(state.core.session(), interview_id);
    state.core.enter(entry, state.sink(app)).await
}

#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn room_leave(state: State<'_, AppState>) -> CmdResult<()> {
    state.core.leave().await;
    Ok(())
}

#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn room_set_microphone(state: State<'_, AppState>, enabled: bool) -> CmdResult<()> {
    state.core.room().await?.set_microphone(enabled)
}

/// Turns our camera on or off (off: the others see it muted, the device stops).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn room_set_camera(state: State<'_, AppState>, enabled: bool) -> CmdResult<()> {
    state.core.room().await?.set_camera(enabled).await
}

/// Shares a screen by its id from `screen_list`; null stops sharing.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn room_share_screen(
    state: State<'_, AppState>,
    screen: Option<String>,
) -> CmdResult<()> {
    state.core.room().await?.share_screen(screen).await
}

#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn room_mute_participant(
    state: State<'_, AppState>,
    identity: String,
    kind: MediaKind,
    muted: bool,
) -> CmdResult<ControlResponse> {
    state.core.room().await?.mute(&identity, kind, muted).await
}

#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn room_eject(
    state: State<'_, AppState>,
    identity: String,
) -> CmdResult<ControlResponse> {
    state.core.room().await?.eject(&identity).await
}

#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn room_end(state: State<'_, AppState>) -> CmdResult<ControlResponse> {
    state.core.room().await?.end().await
}

/// The interviewer starts (`on`) or stops recording; everyone in the room is asked first.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn room_recording(state: State<'_, AppState>, on: bool) -> CmdResult<()> {
    state.core.room().await?.set_recording(on).await
}

/// This participant's answer to the recording's consent question.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn room_recording_consent(
    state: State<'_, AppState>,
    room_id: String,
    recording_id: String,
    consent: bool,
) -> CmdResult<RoomRecording> {
    let room = state.core.room().await?;
    room.answer_recording(&room_id, &recording_id, consent)
        .await
}

#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn room_dial_in(
    state: State<'_, AppState>,
    interview_id: String,
    region: String,
    enable: bool,
) -> CmdResult<DialInInfo> {
    actions::dial_in(state.core.session(), &interview_id, &region, enable).await
}

/// Saves the interview's `.ics` in the downloads folder; the file's path.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn interview_calendar_save(
    app: AppHandle,
    state: State<'_, AppState>,
    interview_id: String,
) -> CmdResult<String> {
    let downloads = tauri::Manager::path(&app).download_dir().ok();
    actions::save_calendar(state.core.session(), &interview_id, downloads).await
}

/// The network check before joining: a verdict against the media server.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn preflight_check(
    state: State<'_, AppState>,
) -> CmdResult<viva_core::preflight::PreflightReport> {
    viva_core::preflight::check(state.core.session()).await
}

/// The interview's questions, for the interviewer's panel.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn interview_questions(
    state: State<'_, AppState>,
    interview_id: String,
) -> CmdResult<Vec<InterviewQuestion>> {
    actions::interview_questions(state.core.session(), &interview_id).await
}

#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn room_info(state: State<'_, AppState>, interview_id: String) -> CmdResult<RoomInfo> {
    actions::room_info(state.core.session(), &interview_id).await
}
