use std::sync::Arc;

use tauri::{AppHandle, State};
use viva_api::platform::DialInInfo;
use viva_api::questions::InterviewQuestion;
use viva_api::recording::RoomRecording;
use viva_api::rooms::{ControlResponse, RoomInfo};
use viva_core::actions::{self, MediaKind};
use viva_core::{CoreError, Entry, ErrorCode, RoomController};

use crate::error::CmdResult;
use crate::frames::TauriSink;
use crate::state::AppState;

fn not_in_room() -> CoreError {
    CoreError::new(ErrorCode::NotInRoom, "You are not in an interview room")
}

async fn current(state: &AppState) -> CmdResult<RoomController> {
    state.room.lock().await.clone().ok_or_else(not_in_room)
}

/// Joins the interview's room; updates arrive as `RoomUpdateEvent`s, frames from the
/// `viva-frame` scheme (frames.rs).
#[tauri::command]
#[specta::specta]
pub async fn room_join(
    app: AppHandle,
    state: State<'_, AppState>,
    interview_id: String,
) -> CmdResult<()> {
    let entry = Entry::Interview {
        session: state.session.clone(),
        interview_id,
    };
    enter(app, &state, entry).await
}

/// Leaves any room we are in and joins the one `entry` leads to.
pub(crate) async fn enter(app: AppHandle, state: &AppState, entry: Entry) -> CmdResult<()> {
    viva_core::init_media(state.resources.as_deref())?;
    // The room opens the camera itself; the pre-join preview must let go of it first.
    let preview = state.preview.lock().await.take();
    crate::commands::release(preview).await?;
    let mut slot = state.room.lock().await;
    if let Some(old) = slot.take() {
        old.leave().await;
    }
    let sink = Arc::new(TauriSink {
        app,
        frames: state.frames.clone(),
    });
    *slot = Some(RoomController::enter(entry, sink).await?);
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn room_leave(state: State<'_, AppState>) -> CmdResult<()> {
    if let Some(room) = state.room.lock().await.take() {
        room.leave().await;
    }
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn room_set_microphone(state: State<'_, AppState>, enabled: bool) -> CmdResult<()> {
    current(&state).await?.set_microphone(enabled)
}

/// Turns our camera on or off (off: the others see it muted, the device stops).
#[tauri::command]
#[specta::specta]
pub async fn room_set_camera(state: State<'_, AppState>, enabled: bool) -> CmdResult<()> {
    current(&state).await?.set_camera(enabled).await
}

/// Shares a screen by its id from `screen_list`; null stops sharing.
#[tauri::command]
#[specta::specta]
pub async fn room_share_screen(
    state: State<'_, AppState>,
    screen: Option<String>,
) -> CmdResult<()> {
    current(&state).await?.share_screen(screen).await
}

#[tauri::command]
#[specta::specta]
pub async fn room_mute_participant(
    state: State<'_, AppState>,
    identity: String,
    kind: MediaKind,
    muted: bool,
) -> CmdResult<ControlResponse> {
    let room = current(&state).await?;
    room.mute(&identity, kind, muted).await
}

#[tauri::command]
#[specta::specta]
pub async fn room_eject(
    state: State<'_, AppState>,
    identity: String,
) -> CmdResult<ControlResponse> {
    let room = current(&state).await?;
    room.eject(&identity).await
}

#[tauri::command]
#[specta::specta]
pub async fn room_end(state: State<'_, AppState>) -> CmdResult<ControlResponse> {
    let room = current(&state).await?;
    room.end().await
}

/// The interviewer starts (`on`) or stops recording; everyone in the room is asked first.
#[tauri::command]
#[specta::specta]
pub async fn room_recording(state: State<'_, AppState>, on: bool) -> CmdResult<()> {
    current(&state).await?.set_recording(on).await
}

/// This participant's answer to the recording's consent question.
#[tauri::command]
#[specta::specta]
pub async fn room_recording_consent(
    state: State<'_, AppState>,
    room_id: String,
    recording_id: String,
    consent: bool,
) -> CmdResult<RoomRecording> {
    let room = current(&state).await?;
    room.answer_recording(&room_id, &recording_id, consent)
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn room_dial_in(
    state: State<'_, AppState>,
    interview_id: String,
    region: String,
    enable: bool,
) -> CmdResult<DialInInfo> {
    actions::dial_in(&state.session, &interview_id, &region, enable).await
}

/// Saves the interview's `.ics` in the downloads folder; the file's path.
#[tauri::command]
#[specta::specta]
pub async fn interview_calendar_save(
    app: AppHandle,
    state: State<'_, AppState>,
    interview_id: String,
) -> CmdResult<String> {
    use tauri::Manager;
    actions::save_calendar(
        &state.session,
        &interview_id,
        app.path().download_dir().ok(),
    )
    .await
}

/// The network check before joining: a verdict against the media server.
#[tauri::command]
#[specta::specta]
pub async fn preflight_check(
    state: State<'_, AppState>,
) -> CmdResult<viva_core::preflight::PreflightReport> {
    viva_core::preflight::check(&state.session).await
}

/// The interview's questions, for the interviewer's panel.
#[tauri::command]
#[specta::specta]
pub async fn interview_questions(
    state: State<'_, AppState>,
    interview_id: String,
) -> CmdResult<Vec<InterviewQuestion>> {
    actions::interview_questions(&state.session, &interview_id).await
}

#[tauri::command]
#[specta::specta]
pub async fn room_info(state: State<'_, AppState>, interview_id: String) -> CmdResult<RoomInfo> {
    actions::room_info(&state.session, &interview_id).await
}
