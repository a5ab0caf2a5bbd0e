//! Room updates to the UI as typed events, and video frames through the `viva-frame` URI
//! scheme.
//!
//! The UI pulls: `viva-frame://localhost/<track id>?ack=1` asks for the track's next frame
//! and acknowledges the one before (`ack=0` on a track's first request). The answer is the
//! newest frame the core handed over, as soon as there is one, or 204 after `WAIT` so the UI
//! can check whether it still wants the track. One request per frame: the raw Channel this
//! replaces cost an eval, a data fetch and a separate acknowledgement per frame
//! (BENCHMARKS.md, "Video frame path").
//!
//! Frame message: `[u8 track-id length][track id][u16 LE width][u16 LE height]
//! [u32 LE frames decoded so far][f64 LE answer time, ms since the epoch][I420 planes]`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use tauri::http::{Request, Response, StatusCode};
use tauri::{AppHandle, Manager, Runtime, UriSchemeContext, UriSchemeResponder};
use tauri_specta::Event;
use viva_core::{scale, Delivery, FrameMailbox, RoomSink, RoomUpdate, Take, VideoFrame};

use crate::state::AppState;
use crate::surface::{Surface, VideoLayout};

/// The URI scheme the UI fetches frames from.
pub const SCHEME: &str = "viva-frame";
/// How long a request waits for a frame before the UI is told to ask again.
const WAIT: Duration = Duration::from_secs(1);

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

/// Frames handed over by the core until the UI fetches them (latest-frame-only per track,
/// also for sources that do not pass the core's gate, such as previews).
#[derive(Default, Clone)]
pub struct Frames {
    mailbox: Arc<FrameMailbox<UriSchemeResponder>>,
    /// The tile size the core last took per track, to ask it only when the size changes.
    sizes: Arc<Mutex<HashMap<String, (u32, u32)>>>,
    /// The tile size the UI last reported per track, whether or not the engine could choose
    /// a layer for it: frames are fitted to it before they cross (`response`).
    tiles: Arc<Mutex<HashMap<String, (u32, u32)>>>,
    /// The native video surface, when it is used: frames go there instead of the mailbox.
    surface: Arc<OnceLock<Surface>>,
}

impl Frames {
    /// Sends every frame to `surface` from now on (set once, when the window is built).
    pub fn use_surface(&self, surface: Surface) {
        let _ = self.surface.set(surface);
    }

    pub fn surface(&self) -> Option<&Surface> {
        self.surface.get()
    }

    /// Frames the native surface drew per track; none where the webview draws video.
    pub fn surface_draws(&self) -> Vec<crate::surface::TrackDraws> {
        self.surface().map(|s| s.draws()).unwrap_or_default()
    }

    /// Hands a frame of `track` to the UI: to a waiting request at once, or kept as the newest.
    pub fn put(&self, track: &str, frame: Arc<VideoFrame>, decoded: u64) {
        if let Some(surface) = self.surface.get() {
            surface.put(track, &frame, decoded);
            return;
        }
        if let Some((responder, d)) = self.mailbox.put(track, Delivery { frame, decoded }) {
            responder.respond(self.response(track, &d));
        }
    }

    /// The answer carrying `d`, fitted to the track's tile (see `viva_core::scale`).
    fn response(&self, track: &str, d: &Delivery) -> Response<Vec<u8>> {
        let tile = self.tiles().get(track).copied();
        frame_response(track, d, tile)
    }

    /// A frame sender for producers outside a room (the pre-join preview): no decoder,
    /// so no decoded count (0).
    pub fn out(&self) -> viva_core::camera::FrameOut {
        let frames = self.clone();
        Arc::new(move |track, frame| frames.put(track, frame, 0))
    }

    /// Answers a request for `track`'s next frame now, or parks it for up to `WAIT`.
    async fn take(&self, track: &str, responder: UriSchemeResponder) {
        match self.mailbox.take(track, responder) {
            Take::Now(responder, d) => responder.respond(self.response(track, &d)),
            Take::Parked { id, replaced } => {
                if let Some(old) = replaced {
                    old.respond(no_frame());
                }
                tokio::time::sleep(WAIT).await;
                if let Some(responder) = self.mailbox.expire(track, id) {
                    responder.respond(no_frame());
                }
            }
        }
    }

    fn sizes(&self) -> std::sync::MutexGuard<'_, HashMap<String, (u32, u32)>> {
        self.sizes.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn tiles(&self) -> std::sync::MutexGuard<'_, HashMap<String, (u32, u32)>> {
        self.tiles.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Forgets kept frames (the room ended; its track ids do not come back).
    fn clear(&self) {
        if let Some(surface) = self.surface.get() {
            surface.clear();
        }
        self.mailbox.clear_frames();
        self.sizes().clear();
        self.tiles().clear();
    }
}

fn no_frame() -> Response<Vec<u8>> {
    Response::builder()
        .status(StatusCode::NO_CONTENT)
        .body(Vec::new())
        .expect("static response")
}

fn frame_response(track: &str, d: &Delivery, tile: Option<(u32, u32)>) -> Response<Vec<u8>> {
    let sent = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64()
        * 1000.0;
    Response::builder()
        .header("Content-Type", "application/octet-stream")
        .header("Access-Control-Allow-Origin", "*")
        .body(encode_frame(track, &d.frame, d.decoded, sent, tile))
        .expect("static response")
}

/// Encodes a frame for the UI: one pass over the planes into the answer's body, reduced to
/// the tile's size when the frame is at least twice as large (`viva_core::scale`).
pub fn encode_frame(
    track: &str,
    frame: &VideoFrame,
    decoded: u64,
    sent_ms: f64,
    tile: Option<(u32, u32)>,
) -> Vec<u8> {
    let id = track.as_bytes();
    let id_len = id.len().min(255);
    let k = tile.map_or(1, |(w, h)| {
        scale::reduction(frame.width, frame.height, w, h)
    });
    let planes = frame.data.len() / (k * k) as usize + 64;
    let mut out = Vec::with_capacity(1 + id_len + 16 + planes);
    out.push(id_len as u8);
    out.extend_from_slice(&id[..id_len]);
    let size_at = out.len();
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&(decoded.min(u32::MAX as u64) as u32).to_le_bytes());
    out.extend_from_slice(&sent_ms.to_le_bytes());
    let (w, h) = scale::fit_i420(&frame.data, frame.width, frame.height, k, &mut out);
    out[size_at..size_at + 2].copy_from_slice(&(w as u16).to_le_bytes());
    out[size_at + 2..size_at + 4].copy_from_slice(&(h as u16).to_le_bytes());
    out
}

/// What a frame request asks: `/<percent-encoded track id>?ack=0|1&w=<px>&h=<px>`.
#[derive(Debug, PartialEq)]
struct FrameRequest {
    track: String,
    ack: bool,
    /// The tile's size in device pixels, when the UI knows it.
    size: Option<(u32, u32)>,
}

fn parse_request(uri: &tauri::http::Uri) -> Option<FrameRequest> {
    let raw = uri.path().strip_prefix('/')?;
    let bytes = raw.as_bytes();
    let mut id = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?;
            id.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            id.push(bytes[i]);
            i += 1;
        }
    }
    let track = String::from_utf8(id).ok().filter(|s| !s.is_empty())?;
    let param = |name: &str| {
        uri.query()?
            .split('&')
            .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
    };
    let px = |name: &str| param(name)?.parse::<u32>().ok().filter(|&n| n > 0);
    Some(FrameRequest {
        track,
        ack: param("ack") == Some("1"),
        size: px("w").zip(px("h")),
    })
}

/// The `viva-frame` scheme handler: acknowledges, then answers with the next frame.
pub fn handle<R: Runtime>(
    ctx: UriSchemeContext<'_, R>,
    request: Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    let Some(FrameRequest { track, ack, size }) = parse_request(request.uri()) else {
        responder.respond(
            Response::builder()
                .status(StatusCode::BAD_REQUEST)
                .body(Vec::new())
                .expect("static response"),
        );
        return;
    };
    let app = ctx.app_handle().clone();
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        if let Some(size) = size {
            tile_size(&state, &track, size).await;
        }
        if ack {
            acknowledge(&state, &track).await;
        }
        state.frames.clone().take(&track, responder).await;
    });
}

/// The UI shows `track` at `size` device pixels: frames are fitted to it, and the engine
/// asks LiveKit for the layer that fits (once per size; remembered when the engine took it,
/// as the track may not be known yet).
async fn tile_size(state: &AppState, track: &str, size: (u32, u32)) {
    let frames = &state.frames;
    frames.tiles().insert(track.to_owned(), size);
    if frames.sizes().get(track) == Some(&size) {
        return;
    }
    if let Some(room) = state.core.current_room().await {
        if room.set_video_size(track, size.0, size.1) {
            frames.sizes().insert(track.to_owned(), size);
        }
    }
}

/// The UI (or the native surface) is done with a frame of `track`: the engine may send the
/// next (the waiting frame goes straight out, see `FrameGates::ack`).
pub async fn acknowledge(state: &AppState, track: &str) {
    if track == viva_core::camera::PREVIEW_TRACK {
        if let Some(preview) = state.core.preview().await {
            preview.frame_ack(track);
            return;
        }
    }
    if let Some(room) = state.core.current_room().await {
        room.frame_ack(track);
    }
}

/// The UI's video layout for the native surface; each tile's size also chooses its layer.
pub async fn place_video(state: &AppState, layout: VideoLayout) {
    let scale = layout.scale.max(1.0);
    let sizes: Vec<(String, (u32, u32))> = layout
        .tiles
        .iter()
        .map(|t| {
            (
                t.track.clone(),
                ((t.rect.w * scale) as u32, (t.rect.h * scale) as u32),
            )
        })
        .filter(|(_, (w, h))| *w > 0 && *h > 0)
        .collect();
    if let Some(surface) = state.frames.surface() {
        surface.set_layout(layout);
    }
    for (track, size) in sizes {
        tile_size(state, &track, size).await;
    }
}

/// Turns off WebKitGTK's accelerated compositing unless the environment decides
/// (`WEBKIT_DISABLE_COMPOSITING_MODE` already set). On a machine whose GL is software
/// (Mesa llvmpipe, as on the project's machines and many VMs) compositing the whole page
/// through GL for every video frame cost more than everything else on the frame path
/// together (BENCHMARKS.md, "Video frame path"); WebGL itself stays on. Chromium does the
/// same by default: it blocklists llvmpipe and composites in software.
pub fn prefer_software_compositing() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
}

/// The room sink of the desktop app.
pub struct TauriSink {
    pub app: AppHandle,
    pub frames: Frames,
}

impl RoomSink for TauriSink {
    fn update(&self, update: RoomUpdate) {
        if matches!(update, RoomUpdate::Ended { .. }) {
            self.frames.clear();
        }
        if let Err(e) = RoomUpdateEvent(update).emit(&self.app) {
            tracing::warn!(error = %e, "cannot emit a room update");
        }
    }

    fn frame(&self, track: &str, frame: Arc<VideoFrame>, decoded: u64) {
        self.frames.put(track, frame, decoded);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use viva_core::VideoFormat;

    #[test]
    fn frames_carry_track_size_count_time_and_planes() {
        let frame = VideoFrame::solid(4, 2, VideoFormat::I420, [255, 0, 0]);
        let bytes = encode_frame("TR_abc", &frame, 42, 1.5, None);
        assert_eq!(bytes[0], 6);
        assert_eq!(&bytes[1..7], b"TR_abc");
        assert_eq!(u16::from_le_bytes([bytes[7], bytes[8]]), 4);
        assert_eq!(u16::from_le_bytes([bytes[9], bytes[10]]), 2);
        assert_eq!(u32::from_le_bytes(bytes[11..15].try_into().unwrap()), 42);
        assert_eq!(f64::from_le_bytes(bytes[15..23].try_into().unwrap()), 1.5);
        assert_eq!(&bytes[23..], &frame.data[..]);
    }

    #[test]
    fn a_frame_twice_the_tile_crosses_at_the_tile_size() {
        let frame = VideoFrame::solid(8, 4, VideoFormat::I420, [255, 0, 0]);
        let whole = encode_frame("t", &frame, 1, 0.0, Some((8, 4)));
        let fitted = encode_frame("t", &frame, 1, 0.0, Some((4, 2)));
        let size = |b: &[u8]| {
            (
                u16::from_le_bytes([b[2], b[3]]),
                u16::from_le_bytes([b[4], b[5]]),
            )
        };
        assert_eq!(size(&whole), (8, 4));
        assert_eq!(size(&fitted), (4, 2));
        assert_eq!(fitted.len() - 18, 4 * 2 + 2 * 2, "a quarter of the planes");
        // The same colour: every sample of each plane is unchanged by averaging a flat plane.
        assert_eq!(fitted[18], whole[18]);
        assert_eq!(fitted[fitted.len() - 1], whole[whole.len() - 1]);
    }

    #[test]
    fn requests_name_any_track_id_the_ack_and_the_tile_size() {
        let uri: tauri::http::Uri = "viva-frame://localhost/local%3Acamera?ack=1&w=640&h=360"
            .parse()
            .unwrap();
        assert_eq!(
            parse_request(&uri),
            Some(FrameRequest {
                track: "local:camera".into(),
                ack: true,
                size: Some((640, 360)),
            })
        );
        let uri: tauri::http::Uri = "viva-frame://localhost/TR_x?ack=0&w=0&h=9".parse().unwrap();
        assert_eq!(
            parse_request(&uri),
            Some(FrameRequest {
                track: "TR_x".into(),
                ack: false,
                size: None,
            })
        );
        let uri: tauri::http::Uri = "viva-frame://localhost/?ack=1".parse().unwrap();
        assert_eq!(parse_request(&uri), None, "a request must name a track");
        let uri: tauri::http::Uri = "viva-frame://localhost/%ZZ".parse().unwrap();
        assert_eq!(parse_request(&uri), None);
    }
}
