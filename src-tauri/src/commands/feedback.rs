//! Feedback forms and offline drafts: adapters over viva-core's `SignedInDrafts`.

use std::collections::BTreeMap;

use tauri::State;
use viva_core::{DraftKind, DraftView, FormTarget, Keep, SignedInDrafts};

use crate::error::CmdResult;

/// The form of an interview (its draft, created when there is none).
#[tauri::command]
#[specta::specta]
pub async fn feedback_form(
    drafts: State<'_, SignedInDrafts>,
    target: FormTarget,
) -> CmdResult<DraftView> {
    drafts.get().await?.form(target).await
}

/// Every draft of the signed-in user, newest first, with its sync state.
#[tauri::command]
#[specta::specta]
pub async fn drafts_list(drafts: State<'_, SignedInDrafts>) -> CmdResult<Vec<DraftView>> {
    drafts.get().await?.list().await
}

/// Autosave: on disk (encrypted) when this returns; synced in the background.
#[tauri::command]
#[specta::specta]
pub async fn draft_save(
    drafts: State<'_, SignedInDrafts>,
    interview_id: String,
    kind: DraftKind,
    fields: BTreeMap<String, String>,
) -> CmdResult<DraftView> {
    drafts.get().await?.save(&interview_id, kind, fields).await
}

/// Submits (refused with `invalid_input` while required fields are missing); sent once,
/// now or when the server is back.
#[tauri::command]
#[specta::specta]
pub async fn draft_submit(
    drafts: State<'_, SignedInDrafts>,
    interview_id: String,
    kind: DraftKind,
) -> CmdResult<DraftView> {
    drafts.get().await?.submit(&interview_id, kind).await
}

/// Settles a conflict field by field.
#[tauri::command]
#[specta::specta]
pub async fn draft_resolve(
    drafts: State<'_, SignedInDrafts>,
    interview_id: String,
    kind: DraftKind,
    choices: BTreeMap<String, Keep>,
) -> CmdResult<DraftView> {
    drafts
        .get()
        .await?
        .resolve(&interview_id, kind, choices)
        .await
}

/// How many drafts the server does not have yet (sign-out warns when not zero).
#[tauri::command]
#[specta::specta]
pub async fn drafts_unsynced(drafts: State<'_, SignedInDrafts>) -> CmdResult<u32> {
    drafts.get().await?.unsynced_count().await
}
