//! Feedback forms and offline drafts: adapters over viva-core's `SignedInDrafts`
//! (`Core::drafts`).

use std::collections::BTreeMap;

use tauri::State;
use viva_core::{DraftKind, DraftView, FormTarget, Keep};

use crate::error::CmdResult;
use crate::state::AppState;

/// The form of an interview (its draft, created when there is none).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn feedback_form(state: State<'_, AppState>, target: FormTarget) -> CmdResult<DraftView> {
    state.core.drafts().get().await?.form(target).await
}

/// Every draft of the signed-in user, newest first, with its sync state.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn drafts_list(state: State<'_, AppState>) -> CmdResult<Vec<DraftView>> {
    state.core.drafts().get().await?.list().await
}

/// Autosave: on disk (encrypted) when this returns; synced in the background.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn draft_save(
    state: State<'_, AppState>,
    interview_id: String,
    kind: DraftKind,
    fields: BTreeMap<String, String>,
) -> CmdResult<DraftView> {
    let drafts = state.core.drafts().get().await?;
    drafts.save(&interview_id, kind, fields).await
}

/// Submits (refused with `invalid_input` while required fields are missing); sent once,
/// now or when the server is back.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn draft_submit(
    state: State<'_, AppState>,
    interview_id: String,
    kind: DraftKind,
) -> CmdResult<DraftView> {
    let drafts = state.core.drafts().get().await?;
    drafts.submit(&interview_id, kind).await
}

/// Settles a conflict field by field.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn draft_resolve(
    state: State<'_, AppState>,
    interview_id: String,
    kind: DraftKind,
    choices: BTreeMap<String, Keep>,
) -> CmdResult<DraftView> {
    let drafts = state.core.drafts().get().await?;
    drafts.resolve(&interview_id, kind, choices).await
}

/// How many drafts the server does not have yet (sign-out warns when not zero).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn drafts_unsynced(state: State<'_, AppState>) -> CmdResult<u32> {
    state.core.drafts().get().await?.unsynced_count().await
}
