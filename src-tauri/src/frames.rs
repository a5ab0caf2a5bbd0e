//! Room updates to the UI as typed events, and video frames over a raw byte channel.
//!
//! Frame message: `[u8 track-id length][track id][u16 LE width][u16 LE height][I420 planes]`.
//! The core sends a track's next frame only after the UI acknowledges the previous one
//! (`room_frame_ack`), so frames never pile up in either process.

use std::sync::{Arc, Mutex};

use serde::Serialize;
use tauri::ipc::{Channel, InvokeResponseBody};
use tauri::{AppHandle, State};
use tauri_specta::Event;
use viva_core::VideoFrame;
use viva_core::{RoomSink, RoomUpdate};

use crate::state::AppState;

#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct RoomUpdateEvent(pub RoomUpdate);

/// A `viva://join/{code}` link opened while the app runs: the room code, or the reason
/// the link is not one.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct JoinLinkEvent {
    pub code: Option<String>,
    pub error: Option<viva_core::CoreError>,
}

impl From<Result<String, viva_core::CoreError>> for JoinLinkEvent {
    fn from(r: Result<String, viva_core::CoreError>) -> Self {
        match r {
            Ok(code) => Self {
                code: Some(code),
                error: None,
            },
            Err(e) => Self {
                code: None,
                error: Some(e),
            },
        }
    }
}

/// The UI's frame channel, set by `room_attach_frames`.
#[derive(Default, Clone)]
pub struct FrameChannel(Arc<Mutex<Option<Channel<InvokeResponseBody>>>>);

impl FrameChannel {
    fn set(&self, channel: Channel<InvokeResponseBody>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(channel);
    }

    /// A frame sender for producers outside a room (the pre-join preview).
    pub fn out(&self) -> viva_core::camera::FrameOut {
        let frames = self.clone();
        Arc::new(move |track, frame| frames.send(encode_frame(track, &frame)))
    }

    fn send(&self, bytes: Vec<u8>) {
        if let Some(ch) = &*self.0.lock().unwrap_or_else(|e| e.into_inner()) {
            if let Err(e) = ch.send(InvokeResponseBody::Raw(bytes)) {
                tracing::warn!(error = %e, "frame channel closed");
            }
        }
    }
}

/// Encodes a frame for the channel.
pub fn encode_frame(track: &str, frame: &VideoFrame) -> Vec<u8> {
    let id = track.as_bytes();
    let id_len = id.len().min(255);
    let mut out = Vec::with_capacity(1 + id_len + 4 + frame.data.len());
    out.push(id_len as u8);
    out.extend_from_slice(&id[..id_len]);
    out.extend_from_slice(&(frame.width as u16).to_le_bytes());
    out.extend_from_slice(&(frame.height as u16).to_le_bytes());
    out.extend_from_slice(&frame.data);
    out
}

/// The room sink of the desktop app.
pub struct TauriSink {
    pub app: AppHandle,
    pub frames: FrameChannel,
}

impl RoomSink for TauriSink {
    fn update(&self, update: RoomUpdate) {
        if let Err(e) = RoomUpdateEvent(update).emit(&self.app) {
            tracing::warn!(error = %e, "cannot emit a room update");
        }
    }

    fn frame(&self, track: &str, frame: Arc<VideoFrame>) {
        self.frames.send(encode_frame(track, &frame));
    }
}

/// The UI hands over its frame channel once per window.
#[tauri::command]
pub fn room_attach_frames(state: State<'_, AppState>, channel: Channel<InvokeResponseBody>) {
    state.frames.set(channel);
}

#[cfg(test)]
mod tests {
    use super::*;
    use viva_core::VideoFormat;

    #[test]
    fn frames_carry_track_size_and_planes() {
        let frame = VideoFrame::solid(4, 2, VideoFormat::I420, [255, 0, 0]);
        let bytes = encode_frame("TR_abc", &frame);
        assert_eq!(bytes[0], 6);
        assert_eq!(&bytes[1..7], b"TR_abc");
        assert_eq!(u16::from_le_bytes([bytes[7], bytes[8]]), 4);
        assert_eq!(u16::from_le_bytes([bytes[9], bytes[10]]), 2);
        assert_eq!(bytes.len(), 11 + 4 * 2 * 3 / 2);
    }
}
