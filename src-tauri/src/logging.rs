//! Where the app's log goes: stderr and a rotating file in the platform's log directory
//! (`~/.local/share/app.viva.desktop/logs/Viva.log` on Linux), which a user can attach to a
//! bug report. tauri-plugin-log writes both; the crates log through `tracing`, whose `log`
//! feature hands every event to it (no tracing subscriber is installed in the app). Every
//! line passes `viva_core::redact::redact` before it is written, to either place.

use tauri_plugin_log::{RotationStrategy, Target, TargetKind};

/// `VIVA_LOG` takes `RUST_LOG`'s syntax (`debug`, `viva_core=debug,info`).
const FILTER_ENV: &str = "VIVA_LOG";
/// WebKit's and D-Bus's chatter at `info` is not ours; our crates log at `info`.
const DEFAULT_FILTER: &str = "info,zbus=warn,tracing::span=warn";
/// A file that still opens in a text editor and fits an email; five old ones are kept.
const MAX_FILE_BYTES: u128 = 2 * 1024 * 1024;
const KEEP_FILES: usize = 5;

pub fn plugin<R: tauri::Runtime>() -> tauri::plugin::TauriPlugin<R> {
    let spec = std::env::var(FILTER_ENV).unwrap_or_else(|_| DEFAULT_FILTER.to_owned());
    let filter = env_filter::Builder::new().parse(&spec).build();
    tauri_plugin_log::Builder::new()
        .clear_targets()
        .targets([
            Target::new(TargetKind::Stderr),
            Target::new(TargetKind::LogDir { file_name: None }),
        ])
        .level(filter.filter())
        .filter(move |metadata| filter.enabled(metadata))
        .max_file_size(MAX_FILE_BYTES)
        .rotation_strategy(RotationStrategy::KeepSome(KEEP_FILES))
        .format(|out, message, record| {
            let line = message.to_string();
            out.finish(format_args!(
                "{} {:<5} {}: {}",
                chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ"),
                record.level(),
                record.target(),
                viva_core::redact::redact(&line)
            ))
        })
        .build()
}
