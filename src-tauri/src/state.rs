//! What the app keeps between commands.

use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::Mutex;
use viva_core::{RoomController, SecretStore, Session};

use crate::frames::FrameChannel;

pub struct AppState {
    pub session: Arc<Session>,
    pub room: Mutex<Option<RoomController>>,
    pub frames: FrameChannel,
    /// Where an installed app keeps bundled resources (the LiveKit FFI library).
    pub resources: Option<PathBuf>,
}

impl AppState {
    pub fn new(secrets: Arc<dyn SecretStore>, resources: Option<PathBuf>) -> Self {
        Self {
            session: Arc::new(Session::new(secrets)),
            room: Mutex::new(None),
            frames: FrameChannel::default(),
            resources,
        }
    }
}
