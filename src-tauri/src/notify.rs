//! Desktop notifications (reminders) through Tauri's notification plugin: the desktop's
//! notification service (freedesktop on Linux, Notification Center on macOS, toasts on
//! Windows).

use tauri_plugin_notification::NotificationExt;
use viva_core::{CoreError, ErrorCode};

/// Shows a notification; `unsupported` where the desktop has no notification service
/// (a bare session, CI), which the UI takes as "no reminder", not as a failure.
pub fn show(app: &tauri::AppHandle, title: String, body: String) -> Result<(), CoreError> {
    app.notification()
        .builder()
        .title(title)
        .body(body)
        .show()
        .map_err(|e| {
            CoreError::new(
                ErrorCode::Unsupported,
                format!("Notifications are unavailable: {e}"),
            )
        })
}
