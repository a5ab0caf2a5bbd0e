//! viva-capture: camera, screen and fake video sources as I420 frames, through GStreamer.
//!
//! It knows nothing of LiveKit or Viva. A caller lists devices (`cameras`, `screens`), starts
//! a `Capture` of one with the sizes it wants (a main stream to send, a small preview to
//! draw) and receives packed I420 `Frame`s on GStreamer's streaming threads through a
//! `FrameHandler`. Scaling, letterboxing, frame-rate limiting and colour conversion happen
//! inside the pipeline. Dropping a `Capture` stops the device (a camera's light goes off).
//!
//! The fake camera (`VIVA_FAKE_CAMERA=<pattern>`) is what browsers call a fake media device:
//! `videotestsrc` in place of the camera element, and every element after it the real
//! pipeline.

mod device;
mod error;
mod frame;
mod pipeline;

pub use device::{cameras, screens, Device, DeviceKind, FakePattern, FAKE_CAMERA_ENV};
pub use error::CaptureError;
pub use frame::Frame;
pub use pipeline::{Capture, CaptureConfig, FrameHandler, Size, Stream};

/// Starts GStreamer once per process (loading its plugin registry). Idempotent.
pub fn init() -> Result<(), CaptureError> {
    gstreamer::init().map_err(|e| CaptureError::Unavailable(e.to_string()))
}
