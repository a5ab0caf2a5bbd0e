//! viva-core: everything the desktop app does that is not drawing. The Tauri shell and
//! `viva-bot` (crates/viva-bot) call into it; it never knows about Tauri.

pub mod actions;
pub mod api;
pub mod audio;
pub mod audio_meter;
pub mod bgra;
pub mod camera;
pub mod client;
pub mod drafts;
pub mod entry;
pub mod error;
pub mod preflight;
pub mod redact;
pub mod room;
pub mod secrets;
pub mod server_url;
pub mod session;

pub use api::{ApiClient, ApiError};
pub use client::Core;
pub use drafts::{
    DraftKind, DraftView, Drafts, FormTarget, Keep, SignedInDrafts, SyncConfig, SyncState,
};
pub use entry::{normalize_room_code, parse_join_link, Entry};
pub use error::{CoreError, ErrorCode};
pub use room::scale;
pub use room::{
    Delivery, EndReason, FrameMailbox, Quality, RoomController, RoomSink, RoomUpdate, Take,
    TrackMedia, IN_FLIGHT,
};
pub use secrets::{MemorySecrets, OsKeyring, SecretStore};
pub use server_url::{ServerUrl, ServerUrlError};
pub use session::{Session, SessionInfo, UserInfo};

pub use viva_media::{VideoFormat, VideoFrame};

/// Starts the media engine with the app's bundled resources directory (where an installed
/// app ships the LiveKit FFI library). Returns the engine's version. Idempotent.
pub fn init_media(resources: Option<&std::path::Path>) -> Result<String, CoreError> {
    let engine = viva_media::init(&viva_media::EngineConfig {
        resources_dir: resources.map(|p| p.to_path_buf()),
        ..Default::default()
    })?;
    Ok(engine.version().to_owned())
}

/// The file the media engine was loaded from, once `init_media` succeeded.
pub fn media_library() -> Option<std::path::PathBuf> {
    viva_media::engine()
        .ok()
        .map(|e| e.library_path().to_path_buf())
}

/// The core's version, shown in the app's about box.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
