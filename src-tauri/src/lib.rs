//! The thin Tauri shell: window, state and IPC adapters. Business logic lives in viva-core.

mod bindings;
mod commands;
mod error;
mod frames;
mod state;

use std::sync::Arc;

use tauri::Manager;

pub use bindings::builder;

/// The keyring service name: the app's identifier, so entries are recognisable as Viva's.
pub const KEYRING_SERVICE: &str = "app.viva.desktop";

pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("VIVA_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();

    let specta = builder();
    #[cfg(debug_assertions)]
    bindings::export_if_requested(&specta);
    let typed = specta.invoke_handler();
    // The frame channel carries raw bytes, which the typed IPC layer cannot describe; it
    // is the one command registered outside tauri-specta.
    let raw: Box<dyn Fn(tauri::ipc::Invoke<tauri::Wry>) -> bool + Send + Sync> =
        Box::new(tauri::generate_handler![frames::room_attach_frames]);

    tauri::Builder::default()
        .setup(move |app| {
            specta.mount_events(app);
            let resources = app.path().resource_dir().ok();
            let secrets: Arc<dyn viva_core::SecretStore> =
                Arc::new(viva_core::OsKeyring::new(KEYRING_SERVICE));
            app.manage(state::AppState::new(secrets, resources));
            Ok(())
        })
        .invoke_handler(move |invoke| {
            if invoke.message.command() == "room_attach_frames" {
                raw(invoke)
            } else {
                typed(invoke)
            }
        })
        .run(tauri::generate_context!())
        .expect("error while running the Viva app");
}
