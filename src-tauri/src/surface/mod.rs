//! The native video surface: on Linux, video is painted by GTK straight onto the window,
//! over the webview, at the places the UI reports for its video tiles. Frames never cross
//! the webview's IPC: the custom-scheme round trip, the web process's receipt and the
//! texture upload were most of the frame path's CPU (BENCHMARKS.md, "Native video surface").
//!
//! The UI keeps the layout: for each shown track its tile's rectangle (CSS pixels of the
//! page, which are the webview's logical pixels), corner radius and mirroring, plus the
//! rectangles of everything drawn over video (labels, controls, dialogs), which the painter
//! leaves to the page. A frame is converted to BGRA at about its tile's size on the thread
//! that delivers it; only the newest per track is kept (latest-frame-only), and the engine
//! sends the next one when the painter has drawn it (the same acknowledgement as the
//! `viva-frame` scheme's), so nothing queues when the display is slow.

#[cfg(target_os = "linux")]
mod gtk;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};
use viva_core::{bgra, scale, VideoFrame};

#[cfg(target_os = "linux")]
pub use self::gtk::attach;

/// A rectangle of the page in CSS pixels.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize, specta::Type)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    fn intersects(&self, o: &Rect) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }

    fn covers(&self, o: &Rect) -> bool {
        self.x <= o.x
            && self.y <= o.y
            && self.x + self.w >= o.x + o.w
            && self.y + self.h >= o.y + o.h
    }
}

/// One track's place on the page.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, specta::Type)]
pub struct VideoTile {
    pub track: String,
    pub rect: Rect,
    /// The part of the page the tile may paint: the window cut by its clipping ancestors
    /// (a scrolled film strip).
    pub clip: Rect,
    /// Corner radius in CSS pixels (the tile's rounded corners stay rounded).
    pub radius: f64,
    /// Drawn mirrored (our own camera, as a mirror shows us).
    pub mirror: bool,
}

/// Where video shows and what the page draws over it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, specta::Type)]
pub struct VideoLayout {
    pub tiles: Vec<VideoTile>,
    pub occluders: Vec<Rect>,
    /// Device pixels per CSS pixel: frames are fitted to the tile's size in device pixels.
    pub scale: f64,
}

/// How many frames of a track the surface drew, against the engine's decoded count.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct TrackDraws {
    pub track: String,
    pub drawn: u32,
    pub decoded: u32,
}

/// A frame converted for painting.
pub struct Picture {
    pub width: u32,
    pub height: u32,
    /// BGRA, `width * 4` bytes per row.
    pub bgra: Vec<u8>,
}

#[derive(Default)]
struct Track {
    /// The newest frame not painted yet (latest-frame-only).
    newest: Option<Picture>,
    drawn: u64,
    decoded: u64,
}

#[derive(Default)]
struct State {
    layout: VideoLayout,
    tracks: HashMap<String, Track>,
    /// A wake-up of the painter is on its way (one is enough for any number of frames).
    wake_pending: bool,
    /// The layout changed: the whole view is repainted once.
    relayout: bool,
}

type Ack = Arc<dyn Fn(&str) + Send + Sync>;
type Wake = Arc<dyn Fn() + Send + Sync>;

/// The shared side of the surface: frames in, layout in, pictures out to the painter.
#[derive(Clone)]
pub struct Surface {
    state: Arc<Mutex<State>>,
    /// Tells the engine the painter is done with a frame of the track (it sends the next).
    ack: Ack,
    /// Schedules the painter on the UI thread.
    wake: Arc<Mutex<Option<Wake>>>,
}

impl Surface {
    pub fn new(ack: Ack) -> Self {
        Self {
            state: Arc::default(),
            ack,
            wake: Arc::default(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn set_wake(&self, wake: Wake) {
        *self.wake.lock().unwrap_or_else(|e| e.into_inner()) = Some(wake);
    }

    fn wake(&self) {
        let wake = self.wake.lock().unwrap_or_else(|e| e.into_inner()).clone();
        if let Some(wake) = wake {
            wake();
        }
    }

    /// Keeps `frame` as `track`'s newest, fitted to its tile, and wakes the painter.
    pub fn put(&self, track: &str, frame: &VideoFrame, decoded: u64) {
        let device = {
            let state = self.lock();
            let s = state.layout.scale.max(1.0);
            state
                .layout
                .tiles
                .iter()
                .find(|t| t.track == track)
                .map(|t| ((t.rect.w * s) as u32, (t.rect.h * s) as u32))
        };
        // Converted outside the lock: the painter and other tracks do not wait for it.
        let Some(picture) = fit(frame, device) else {
            return;
        };
        let (replaced, wake) = {
            let mut state = self.lock();
            let t = state.tracks.entry(track.to_owned()).or_default();
            let replaced = t.newest.replace(picture).is_some();
            t.decoded = decoded;
            (replaced, !std::mem::replace(&mut state.wake_pending, true))
        };
        // Every frame is acknowledged once: when painted, or here when a newer one replaced
        // it unpainted (the engine's gate would otherwise count it in flight for ever).
        if replaced {
            self.acknowledge(track);
        }
        if wake {
            self.wake();
        }
    }

    /// The UI's new layout; the painter repaints the view.
    pub fn set_layout(&self, layout: VideoLayout) {
        let wake = {
            let mut state = self.lock();
            if state.layout == layout {
                return;
            }
            state.layout = layout;
            state.relayout = true;
            !std::mem::replace(&mut state.wake_pending, true)
        };
        if wake {
            self.wake();
        }
    }

    /// Forgets every track (the room ended).
    pub fn clear(&self) {
        self.lock().tracks.clear();
    }

    pub fn draws(&self) -> Vec<TrackDraws> {
        let clamp = |n: u64| n.min(u32::MAX as u64) as u32;
        let state = self.lock();
        let mut out: Vec<TrackDraws> = state
            .tracks
            .iter()
            .map(|(track, t)| TrackDraws {
                track: track.clone(),
                drawn: clamp(t.drawn),
                decoded: clamp(t.decoded),
            })
            .collect();
        out.sort_by(|a, b| a.track.cmp(&b.track));
        out
    }

    /// The painter woke: what to repaint, as (whole view?, rectangles of tracks with a new
    /// frame).
    fn woken(&self) -> (bool, Vec<Rect>) {
        let mut state = self.lock();
        state.wake_pending = false;
        let whole = std::mem::take(&mut state.relayout);
        let rects = state
            .layout
            .tiles
            .iter()
            .filter(|t| {
                state
                    .tracks
                    .get(&t.track)
                    .is_some_and(|t| t.newest.is_some())
            })
            .map(|t| t.rect)
            .collect();
        (whole, rects)
    }

    /// For a paint of `clip`: the layout, and the new pictures of the tiles it touches
    /// (taken: each is painted once and acknowledged).
    fn take_for_paint(&self, clip: &Rect) -> (VideoLayout, Vec<(String, Picture)>) {
        let mut state = self.lock();
        let layout = state.layout.clone();
        let mut fresh = Vec::new();
        for tile in layout.tiles.iter().filter(|t| t.rect.intersects(clip)) {
            if let Some(t) = state.tracks.get_mut(&tile.track) {
                if let Some(p) = t.newest.take() {
                    t.drawn += 1;
                    fresh.push((tile.track.clone(), p));
                }
            }
        }
        (layout, fresh)
    }

    fn acknowledge(&self, track: &str) {
        (self.ack)(track);
    }
}

/// `frame` as BGRA, reduced by a power of two while it still covers `device` (the tile in
/// device pixels), as the scheme's frames are.
fn fit(frame: &VideoFrame, device: Option<(u32, u32)>) -> Option<Picture> {
    let k = device.map_or(1, |(w, h)| {
        scale::reduction(frame.width, frame.height, w, h)
    });
    let mut i420 = Vec::new();
    let (w, h) = scale::fit_i420(&frame.data, frame.width, frame.height, k, &mut i420);
    let mut out = Vec::new();
    bgra::i420_to_bgra(&i420, w, h, &mut out).then_some(Picture {
        width: w,
        height: h,
        bgra: out,
    })
}

/// Puts the native surface under the main window's video when it is wanted (see `wanted`);
/// the engine's frames go to it from then on.
pub fn install(app: &tauri::App) -> tauri::Result<()> {
    use tauri::Manager;
    let Some(window) = app.get_webview_window("main").filter(|_| wanted()) else {
        return Ok(());
    };
    let handle = app.handle().clone();
    let surface = Surface::new(Arc::new(move |track: &str| {
        let (app, track) = (handle.clone(), track.to_owned());
        tauri::async_runtime::spawn(async move {
            crate::frames::acknowledge(&app.state::<crate::state::AppState>(), &track).await;
        });
    }));
    #[cfg(target_os = "linux")]
    attach(&window, surface.clone())?;
    #[cfg(not(target_os = "linux"))]
    let _ = window;
    app.state::<crate::state::AppState>()
        .frames
        .use_surface(surface);
    Ok(())
}

/// Whether the native surface is used: on Linux unless `VIVA_VIDEO_SURFACE=webview` asks
/// for the webview's own drawing (kept for other platforms and for comparison).
pub fn wanted() -> bool {
    cfg!(target_os = "linux") && std::env::var("VIVA_VIDEO_SURFACE").as_deref() != Ok("webview")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use viva_core::VideoFormat;

    fn surface() -> (Surface, Arc<AtomicUsize>, Arc<Mutex<Vec<String>>>) {
        let acks = Arc::new(Mutex::new(Vec::new()));
        let a = acks.clone();
        let s = Surface::new(Arc::new(move |t: &str| {
            a.lock().unwrap().push(t.to_owned())
        }));
        let wakes = Arc::new(AtomicUsize::new(0));
        let w = wakes.clone();
        s.set_wake(Arc::new(move || {
            w.fetch_add(1, Ordering::SeqCst);
        }));
        (s, wakes, acks)
    }

    fn tile(track: &str, x: f64) -> VideoTile {
        let rect = Rect {
            x,
            y: 0.0,
            w: 320.0,
            h: 180.0,
        };
        VideoTile {
            track: track.into(),
            rect,
            clip: rect,
            radius: 0.0,
            mirror: false,
        }
    }

    #[test]
    fn a_slow_painter_keeps_one_frame_per_track_and_is_woken_once() {
        let (s, wakes, acks) = surface();
        s.set_layout(VideoLayout {
            tiles: vec![tile("a", 0.0)],
            occluders: vec![],
            scale: 1.0,
        });
        let (whole, _) = s.woken();
        assert!(whole);
        for n in 0..1000u64 {
            let frame = VideoFrame::solid(64, 36, VideoFormat::I420, [n as u8, 0, 0]);
            s.put("a", &frame, n + 1);
        }
        assert_eq!(
            wakes.load(Ordering::SeqCst),
            2,
            "the layout's wake and one for all frames"
        );
        assert_eq!(
            acks.lock().unwrap().len(),
            999,
            "each replaced frame is acknowledged"
        );
        let clip = Rect {
            x: 0.0,
            y: 0.0,
            w: 1000.0,
            h: 1000.0,
        };
        let (_, fresh) = s.take_for_paint(&clip);
        assert_eq!(fresh.len(), 1, "only the newest waits");
        let (_, again) = s.take_for_paint(&clip);
        assert!(again.is_empty(), "a picture is painted once");
        let draws = s.draws();
        assert_eq!((draws[0].drawn, draws[0].decoded), (1, 1000));
    }

    #[test]
    fn frames_are_fitted_to_their_tile_in_device_pixels() {
        let (s, _, _) = surface();
        s.set_layout(VideoLayout {
            tiles: vec![tile("a", 0.0)],
            occluders: vec![],
            scale: 2.0,
        });
        let big = VideoFrame::solid(1280, 720, VideoFormat::I420, [0, 0, 255]);
        s.put("a", &big, 1);
        s.put("unplaced", &big, 1);
        let (_, fresh) = s.take_for_paint(&Rect {
            x: 0.0,
            y: 0.0,
            w: 10.0,
            h: 10.0,
        });
        let p = &fresh[0].1;
        assert_eq!(
            (p.width, p.height),
            (640, 360),
            "covers 640x360 device pixels"
        );
        assert_eq!(p.bgra.len(), 640 * 360 * 4);
        assert!(p.bgra[0] > 230 && p.bgra[2] < 25, "blue stays blue");
        assert_eq!(fresh.len(), 1, "a track without a tile waits for one");
    }

    #[test]
    fn only_tiles_the_paint_touches_give_up_their_pictures() {
        let (s, _, _) = surface();
        let layout = VideoLayout {
            tiles: vec![tile("a", 0.0), tile("b", 400.0)],
            occluders: vec![],
            scale: 1.0,
        };
        s.set_layout(layout.clone());
        s.set_layout(layout);
        let frame = VideoFrame::solid(32, 18, VideoFormat::I420, [9, 9, 9]);
        s.put("a", &frame, 1);
        s.put("b", &frame, 1);
        let (whole, rects) = s.woken();
        assert!(whole && rects.len() == 2);
        let (_, fresh) = s.take_for_paint(&Rect {
            x: 450.0,
            y: 10.0,
            w: 5.0,
            h: 5.0,
        });
        assert_eq!(
            fresh.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>(),
            ["b"]
        );
        let (whole, rects) = s.woken();
        assert!(!whole, "an unchanged layout does not repaint the view");
        assert_eq!(rects, vec![tile("a", 0.0).rect]);
    }
}
