use serde::Serialize;

/// What the UI shows in its footer and about box.
#[derive(Debug, Serialize, specta::Type)]
pub struct AppInfo {
    pub version: String,
    pub core_version: String,
}

/// A desktop notification (reminders); `unsupported` where the desktop has no
/// notification service.
#[tauri::command]
#[specta::specta]
pub async fn desktop_notify(
    app: tauri::AppHandle,
    title: String,
    body: String,
) -> Result<(), viva_core::CoreError> {
    crate::notify::show(&app, title, body)
}

#[tauri::command]
#[specta::specta]
pub fn app_info() -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION").into(),
        core_version: viva_core::VERSION.into(),
    }
}
