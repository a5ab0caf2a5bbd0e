/// A desktop notification (reminders); `unsupported` where the desktop has no
/// notification service.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn desktop_notify(
    app: tauri::AppHandle,
    title: String,
    body: String,
) -> Result<(), viva_core::CoreError> {
    crate::notify::show(&app, title, body)
}
