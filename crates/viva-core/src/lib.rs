//! viva-core: everything the desktop app does that is not drawing. The Tauri shell and
//! `viva-bot` call into it; it never knows about Tauri.

pub mod api;
pub mod bot;
pub mod server_url;

pub use api::{ApiClient, ApiError};
pub use server_url::{ServerUrl, ServerUrlError};

/// The core's version, shown in the app's about box.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
