//! What the app keeps between commands: the core's facade and the frame channel.

use std::sync::Arc;

use viva_core::Core;

use crate::frames::Frames;

pub struct AppState {
    pub core: Core,
    pub frames: Frames,
}

impl AppState {
    pub fn new(core: Core) -> Self {
        Self {
            core,
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
