//! A running capture: source element -> (rate limit) -> convert -> scale -> I420 at the
//! sizes asked -> appsinks. Frames reach the `FrameHandler` on GStreamer's threads; errors
//! after start (a camera unplugged) reach it once through the bus.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use gstreamer as gst;
use gstreamer::prelude::*;
use gstreamer_app as gst_app;
use gstreamer_video as gst_video;
use gstreamer_video::prelude::*;

use crate::device::{Device, DeviceKind, Origin};
#[cfg(test)]
use crate::error::package_of;
use crate::error::{require, CaptureError};
use crate::frame::Frame;

/// How long a device may take to start (a USB camera can take a second or two).
const START_TIMEOUT: Duration = Duration::from_secs(10);

/// Elements every pipeline needs besides its source.
const CHAIN_ELEMENTS: &[&str] = &[
    "videoconvert",
    "videoscale",
    "videorate",
    "capsfilter",
    "tee",
    "queue",
    "appsink",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    pub width: u32,
    pub height: u32,
}

impl Size {
    pub const fn new(width: u32, height: u32) -> Self {
        Self { width, height }
    }

    /// The largest even size with this aspect that fits in `max` (never upscaled).
    pub fn fit_within(self, max: Size) -> Size {
        let scale = f64::min(
            1.0,
            f64::min(
                max.width as f64 / self.width.max(1) as f64,
                max.height as f64 / self.height.max(1) as f64,
            ),
        );
        let even = |v: f64| ((v.round() as u32) & !1).max(2);
        Size::new(
            even(self.width as f64 * scale),
            even(self.height as f64 * scale),
        )
    }
}

/// Which of a capture's outputs a frame belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// The full-size stream, to send.
    Main,
    /// A small stream for the person's own preview.
    Preview,
}

impl Stream {
    fn sink_name(self) -> &'static str {
        match self {
            Self::Main => "main",
            Self::Preview => "preview",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaptureConfig {
    /// The full-size stream. For screens this is the largest size: the screen's own aspect
    /// is kept. Cameras are letterboxed into it.
    pub main: Option<Size>,
    pub preview: Option<Size>,
    pub fps: u32,
}

/// Receives frames and the one error that ends a running capture.
pub trait FrameHandler: Send + Sync + 'static {
    fn frame(&self, stream: Stream, frame: Frame);
    /// The capture stopped on its own (unplugged, taken away, failed). Called at most once.
    fn failed(&self, error: CaptureError);
}

/// The `gst-launch` description of everything after the source. Pure, so tests can read it.
pub(crate) fn chain_description(kind: DeviceKind, config: &CaptureConfig) -> String {
    let fps = config.fps.clamp(1, 60);
    // BT.601: the matrix libwebrtc assumes for I420 (GStreamer would pick BT.709 for HD
    // sizes, and every colour would arrive shifted).
    let caps = |s: Size| {
        format!(
            "video/x-raw,format=I420,width={},height={},pixel-aspect-ratio=1/1,colorimetry=bt601",
            s.width, s.height
        )
    };
    let sink = |name: &str| format!("appsink name={name} sync=false max-buffers=1 drop=true");
    // Each tee branch gets a leaky queue of one frame, so a slow reader of one branch
    // neither stalls the other nor lets frames pile up.
    let branch = "queue leaky=downstream max-size-buffers=1 max-size-bytes=0 max-size-time=0";
    // Screens and the fake camera produce at whatever rate they are asked; a camera has
    // fixed modes, so its rate is lowered by dropping frames instead.
    let rate = match kind {
        DeviceKind::Screen => format!("capsfilter caps=video/x-raw,framerate={fps}/1 ! "),
        DeviceKind::Camera => format!("videorate drop-only=true max-rate={fps} ! "),
    };
    let mut out = format!("{rate}videoconvert ! videoscale add-borders=true ! ");
    match (config.main, config.preview) {
        (Some(main), preview) => {
            out += &format!(
                "{} ! tee name=t t. ! {branch} ! {}",
                caps(main),
                sink("main")
            );
            if let Some(p) = preview {
                out += &format!(
                    " t. ! {branch} ! videoscale add-borders=true ! {} ! {}",
                    caps(p),
                    sink("preview")
                );
            }
        }
        (None, Some(preview)) => out += &format!("{} ! {}", caps(preview), sink("preview")),
        (None, None) => {}
    }
    out
}

/// A running capture. Dropping it stops the device.
pub struct Capture {
    pipeline: gst::Pipeline,
    device: String,
}

impl std::fmt::Debug for Capture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Capture")
            .field("device", &self.device)
            .finish_non_exhaustive()
    }
}

/// Shared between the bus handler and `start`: errors before the pipeline runs are returned
/// by `start`; after it, they go to the handler once.
struct BusState {
    started: AtomicBool,
    reported: AtomicBool,
    first_error: Mutex<Option<CaptureError>>,
}

impl Capture {
    pub fn start(
        device: &Device,
        config: CaptureConfig,
        handler: Arc<dyn FrameHandler>,
    ) -> Result<Self, CaptureError> {
        crate::init()?;
        if config.main.is_none() && config.preview.is_none() {
            return Err(CaptureError::InvalidArgument(
                "a capture needs a main or a preview stream".into(),
            ));
        }
        for element in CHAIN_ELEMENTS {
            require(element)?;
        }
        let source = device.source_element()?;
        let config = match (&device.origin, config.main) {
            // A screen keeps its own aspect: ask for its size, fitted into the maximum.
            (Origin::X11Screen(_) | Origin::AvfScreen(_), Some(max)) => CaptureConfig {
                main: Some(native_size(&source).map_or(max, |s| s.fit_within(max))),
                ..config
            },
            _ => config,
        };
        let failed = |message: String| CaptureError::Failed {
            device: device.name.clone(),
            message,
        };
        let chain =
            gst::parse::bin_from_description(&chain_description(device.kind, &config), true)
                .map_err(|e| failed(e.to_string()))?;
        let pipeline = gst::Pipeline::new();
        pipeline
            .add_many([&source, chain.upcast_ref()])
            .and_then(|_| source.link(&chain))
            .map_err(|e| failed(e.to_string()))?;

        for stream in [Stream::Main, Stream::Preview] {
            let Some(sink) = chain
                .by_name(stream.sink_name())
                .and_downcast::<gst_app::AppSink>()
            else {
                continue;
            };
            let handler = handler.clone();
            sink.set_callbacks(
                gst_app::AppSinkCallbacks::builder()
                    .new_sample(move |sink| {
                        let sample = sink.pull_sample().map_err(|_| gst::FlowError::Eos)?;
                        if let Some(frame) = packed_frame(&sample) {
                            handler.frame(stream, frame);
                        }
                        Ok(gst::FlowSuccess::Ok)
                    })
                    .build(),
            );
        }

        let state = Arc::new(BusState {
            started: AtomicBool::new(false),
            reported: AtomicBool::new(false),
            first_error: Mutex::new(None),
        });
        let bus = pipeline.bus().ok_or_else(|| failed("no bus".into()))?;
        {
            let state = state.clone();
            let name = device.name.clone();
            let handler = handler.clone();
            bus.set_sync_handler(move |_, message| {
                let error = match message.view() {
                    gst::MessageView::Error(e) => {
                        let started = state.started.load(Ordering::SeqCst);
                        tracing::warn!(device = %name, error = %e.error(), debug = ?e.debug(), "capture error");
                        Some(CaptureError::from_gst(&name, started, &e.error()))
                    }
                    gst::MessageView::Eos(_) => Some(CaptureError::Disconnected(name.clone())),
                    _ => None,
                };
                if let Some(error) = error {
                    if state.started.load(Ordering::SeqCst) {
                        if !state.reported.swap(true, Ordering::SeqCst) {
                            handler.failed(error);
                        }
                    } else {
                        let mut first = state.first_error.lock().unwrap_or_else(|e| e.into_inner());
                        first.get_or_insert(error);
                    }
                }
                gst::BusSyncReply::Drop
            });
        }

        let capture = Capture {
            pipeline,
            device: device.name.clone(),
        };
        let changed = capture.pipeline.set_state(gst::State::Playing);
        let settled = changed.is_ok()
            && capture
                .pipeline
                .state(gst::ClockTime::from_nseconds(
                    START_TIMEOUT.as_nanos() as u64
                ))
                .0
                .is_ok();
        let early = state
            .first_error
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(error) = early {
            return Err(error);
        }
        if !settled {
            return Err(failed("the device did not start".into()));
        }
        state.started.store(true, Ordering::SeqCst);
        Ok(capture)
    }

    pub fn device_name(&self) -> &str {
        &self.device
    }

    /// Fails as an unplugged device does: a read error from the pipeline (fault tests of
    /// what callers do then).
    pub fn simulate_unplug(&self) {
        let _ = self.pipeline.post_message(
            gst::message::Error::builder(gst::ResourceError::Read, "simulated unplug")
                .src(&self.pipeline)
                .build(),
        );
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        // NULL releases the device: a camera's light goes off here.
        let _ = self.pipeline.set_state(gst::State::Null);
        if let Some(bus) = self.pipeline.bus() {
            bus.unset_sync_handler();
        }
    }
}

/// The size a source produces on its own (a screen's resolution), read from its caps.
fn native_size(source: &gst::Element) -> Option<Size> {
    source.set_state(gst::State::Ready).ok()?;
    let caps = source.static_pad("src")?.query_caps(None);
    let _ = source.set_state(gst::State::Null);
    let s = caps.structure(0)?;
    let width = s.get::<i32>("width").ok()?;
    let height = s.get::<i32>("height").ok()?;
    (width > 0 && height > 0).then(|| Size::new(width as u32, height as u32))
}

/// Copies a sample's I420 planes into one packed buffer (GStreamer pads rows to 4 bytes).
fn packed_frame(sample: &gst::SampleRef) -> Option<Frame> {
    let buffer = sample.buffer()?;
    let info = gst_video::VideoInfo::from_caps(sample.caps()?).ok()?;
    let frame = gst_video::VideoFrameRef::from_buffer_ref_readable(buffer, &info).ok()?;
    let (w, h) = (info.width(), info.height());
    let mut data = Vec::with_capacity(Frame::len_for(w, h));
    for plane in 0..3u32 {
        let (pw, ph) = if plane == 0 {
            (w as usize, h as usize)
        } else {
            ((w as usize).div_ceil(2), (h as usize).div_ceil(2))
        };
        let stride = frame.plane_stride()[plane as usize] as usize;
        let bytes = frame.plane_data(plane).ok()?;
        for row in 0..ph {
            data.extend_from_slice(bytes.get(row * stride..row * stride + pw)?);
        }
    }
    Some(Frame {
        width: w,
        height: h,
        data,
        timestamp_us: buffer.pts().map_or(0, |t| t.useconds() as i64),
    })
}

#[cfg(test)]
#[path = "pipeline_tests.rs"]
mod tests;
