//! What the app keeps between commands: the core's facade and the frame channel.

use std::path::PathBuf;
use std::sync::Arc;

use viva_core::{Core, SecretStore};

use crate::frames::Frames;

pub struct AppState {
    pub core: Core,
    pub frames: Frames,
}

impl AppState {
    pub fn new(
        secrets: Arc<dyn SecretStore>,
        data_dir: PathBuf,
        resources: Option<PathBuf>,
        join_link: Option<String>,
    ) -> Self {
        Self {
            core: Core::new(secrets, data_dir, resources, join_link),
            frames: Frames::default(),
        }
    }

    /// Where a room's updates and frames go: this window.
    pub fn sink(&self, app: tauri::AppHandle) -> Arc<crate::frames::TauriSink> {
        Arc::new(crate::frames::TauriSink {
            app,
            frames: self.frames.clone(),
        })
    }
}
