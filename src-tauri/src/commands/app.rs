use serde::Serialize;

/// What the UI shows in its footer and about box.
#[derive(Debug, Serialize, specta::Type)]
pub struct AppInfo {
    pub version: String,
    pub core_version: String,
}

#[tauri::command]
#[specta::specta]
pub fn app_info() -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION").into(),
        core_version: viva_core::VERSION.into(),
    }
}
