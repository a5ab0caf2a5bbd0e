//! The thin Tauri shell: window, state and IPC adapters. Business logic lives in viva-core.

mod bindings;
mod commands;
mod error;
mod frames;
mod logging;
mod notify;
mod state;
mod surface;
mod updates;

use std::sync::Arc;

use tauri::Manager;

pub use bindings::builder;

/// The keyring service name: the app's identifier, so entries are recognisable as Viva's.
pub const KEYRING_SERVICE: &str = "app.viva.desktop";

/// The `viva:` link among the command-line arguments: desktops start the URL handler
/// with the link as an argument (`Exec=viva %u`).
fn join_link(args: impl IntoIterator<Item = String>) -> Option<String> {
    args.into_iter()
        .skip(1)
        .find(|a| a.len() <= 2048 && a.to_ascii_lowercase().starts_with("viva:"))
}

/// `viva --diagnose`: where this installation keeps its resources, whether the media engine
/// loads from them, and the cameras and screens GStreamer finds, as one JSON line; for support and the installer tests. Exit code
/// 0 when the engine loaded.
fn diagnose(package: &tauri::PackageInfo) -> i32 {
    let resources = tauri::utils::platform::resource_dir(package, &tauri::Env::default()).ok();
    let engine = viva_core::init_media(resources.as_deref());
    let report = serde_json::json!({
        "app": package.version.to_string(),
        "resources": resources,
        "media_engine": engine.as_ref().ok(),
        // Only after a successful init: asking earlier would load it from elsewhere.
        "media_library": engine.is_ok().then(viva_core::media_library).flatten(),
        "error": engine.as_ref().err().map(|e| e.message.clone()),
        "cameras": viva_core::camera::list().map(|c| c.cameras).map_err(|e| e.message),
        "screens": viva_core::camera::screens().map_err(|e| e.message),
    });
    println!("{report}");
    i32::from(engine.is_err())
}

pub fn run() {
    // Before GTK and WebKit start: their processes read it once.
    frames::prefer_software_compositing();
    let context = tauri::generate_context!();
    if std::env::args().skip(1).any(|a| a == "--diagnose") {
        std::process::exit(diagnose(context.package_info()));
    }

    let specta = builder();
    #[cfg(debug_assertions)]
    bindings::export_if_requested(&specta);
    let typed = specta.invoke_handler();

    tauri::Builder::default()
        // First, so a second launch (a link clicked while Viva runs) hands its arguments
        // to this instance and exits before opening a window or its log.
        .plugin(tauri_plugin_single_instance::init(|app, argv, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.set_focus();
            }
            if let Some(link) = join_link(argv) {
                use tauri_specta::Event;
                let code = viva_core::parse_join_link(&link);
                if let Err(e) = frames::JoinLinkEvent::from(code).emit(app) {
                    tracing::warn!(error = %e, "cannot pass the join link to the window");
                }
            }
        }))
        .plugin(logging::plugin())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_updater::Builder::new().build())
        .setup(move |app| {
            let package = app.package_info();
            tracing::info!(version = %package.version, os = std::env::consts::OS, "Viva started");
            specta.mount_events(app);
            let resources = app.path().resource_dir().ok();
            let secrets: Arc<dyn viva_core::SecretStore> =
                Arc::new(viva_core::OsKeyring::new(KEYRING_SERVICE));
            let link = join_link(std::env::args());
            // Feedback drafts live in the app data directory, sealed per user.
            let data = app.path().app_data_dir()?;
            let core = viva_core::Core::new(secrets, data, resources, link);
            app.manage(state::AppState::new(core));
            app.manage(updates::Updates::default());
            surface::install(app)?;
            Ok(())
        })
        .invoke_handler(typed)
        // Video frames are raw bytes the UI fetches (frames.rs), not typed IPC.
        .register_asynchronous_uri_scheme_protocol(frames::SCHEME, frames::handle)
        .run(context)
        .expect("error while running the Viva app");
}
