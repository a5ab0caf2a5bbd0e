//! What the app keeps between commands.

use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::Mutex;
use viva_core::{RoomController, SecretStore, Session};

use crate::frames::Frames;

pub struct AppState {
    pub session: Arc<Session>,
    pub room: Mutex<Option<RoomController>>,
    pub frames: Frames,
    /// Where an installed app keeps bundled resources (the LiveKit FFI library).
    pub resources: Option<PathBuf>,
    /// The pre-join microphone meter, while the pre-join screen shows it.
    pub meter: Mutex<Option<viva_core::audio_meter::Meter>>,
    /// The pre-join camera preview, while the pre-join screen shows it.
    pub preview: Mutex<Option<Arc<viva_core::camera::Preview>>>,
    /// The `viva://` link the app was started with, until the UI takes it.
    pub join_link: Mutex<Option<String>>,
}

impl AppState {
    pub fn new(
        secrets: Arc<dyn SecretStore>,
        resources: Option<PathBuf>,
        join_link: Option<String>,
    ) -> Self {
        Self {
            session: Arc::new(Session::new(secrets)),
            room: Mutex::new(None),
            frames: Frames::default(),
            resources,
            meter: Mutex::new(None),
            preview: Mutex::new(None),
            join_link: Mutex::new(join_link),
        }
    }
}
