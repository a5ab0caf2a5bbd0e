use serde::Serialize;

/// What the UI shows in its footer and about box.
#[derive(Debug, Serialize)]
pub struct AppInfo {
    pub version: &'static str,
    pub core_version: &'static str,
}

#[tauri::command]
pub fn app_info() -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION"),
        core_version: viva_core::VERSION,
    }
}
