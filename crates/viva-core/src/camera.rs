//! Cameras and screens: which ones exist, which camera the person picked (and whether to
//! join with it on), and the pre-join camera preview.
//!
//! Like the microphone, the choice is a preference of this app process, remembered by the
//! device's name (ids move when devices come and go) and applied on every join and rejoin.

use std::sync::{Arc, Mutex};

use serde::Serialize;
use viva_capture::{Capture, CaptureConfig, Device, FrameHandler, Size, Stream};
use viva_media::{VideoFormat, VideoFrame};

use crate::error::{CoreError, ErrorCode};
use crate::room::{FrameGates, Offer};

/// What a camera sends: 720p at 30 fps, as LiveKit's default capture options.
pub const CAMERA_SIZE: Size = Size::new(1280, 720);
pub const CAMERA_FPS: u32 = 30;
/// A shared screen: at most 1080p (keeping the screen's aspect) at 15 fps.
pub const SCREEN_MAX: Size = Size::new(1920, 1080);
pub const SCREEN_FPS: u32 = 15;
/// The person's own picture: small, since it is only drawn in a tile.
pub const PREVIEW_SIZE: Size = Size::new(640, 360);
/// The track id the pre-join preview's frames carry on the frame channel.
pub const PREVIEW_TRACK: &str = "preview:camera";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VideoDevice {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Cameras {
    pub cameras: Vec<VideoDevice>,
    /// The chosen camera's id (the first camera when none was chosen); None: no camera.
    pub camera: Option<String>,
    /// Join with the camera on.
    pub enabled: bool,
}

#[derive(Debug, Clone)]
struct Choice {
    name: Option<String>,
    enabled: bool,
}

static CHOICE: Mutex<Choice> = Mutex::new(Choice {
    name: None,
    enabled: true,
});

fn choice() -> Choice {
    CHOICE.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

fn listed(devices: &[Device]) -> Vec<VideoDevice> {
    devices
        .iter()
        .map(|d| VideoDevice {
            id: d.id.clone(),
            name: d.name.clone(),
        })
        .collect()
}

/// The chosen camera if it is connected, else the first one; None when there is none.
fn pick(devices: Vec<Device>, name: &Option<String>) -> Option<Device> {
    let chosen = name
        .as_ref()
        .and_then(|n| devices.iter().position(|d| &d.name == n));
    devices.into_iter().nth(chosen.unwrap_or(0))
}

/// The cameras connected now and the current choice.
pub fn list() -> Result<Cameras, CoreError> {
    let devices = viva_capture::cameras()?;
    let chosen = choice();
    let cameras = listed(&devices);
    Ok(Cameras {
        camera: pick(devices, &chosen.name).map(|d| d.id),
        enabled: chosen.enabled,
        cameras,
    })
}

/// Picks a camera by id (None keeps the current one) and whether to join with it on.
pub fn choose(id: Option<&str>, enabled: bool) -> Result<(), CoreError> {
    let name = match id {
        None => choice().name,
        Some(id) => {
            let devices = viva_capture::cameras()?;
            let device = devices.iter().find(|d| d.id == id).ok_or_else(|| {
                CoreError::new(ErrorCode::NotFound, "That camera is not connected any more")
            })?;
            Some(device.name.clone())
        }
    };
    *CHOICE.lock().unwrap_or_else(|e| e.into_inner()) = Choice { name, enabled };
    Ok(())
}

/// Whether to join with the camera on.
pub fn join_with_camera() -> bool {
    choice().enabled
}

/// The camera to use now.
pub(crate) fn chosen() -> Result<Device, CoreError> {
    pick(viva_capture::cameras()?, &choice().name)
        .ok_or_else(|| viva_capture::CaptureError::NoCamera.into())
}

/// The screens that can be shared now.
pub fn screens() -> Result<Vec<VideoDevice>, CoreError> {
    Ok(listed(&viva_capture::screens()?))
}

pub(crate) fn screen(id: &str) -> Result<Device, CoreError> {
    viva_capture::screens()?
        .into_iter()
        .find(|d| d.id == id)
        .ok_or_else(|| CoreError::new(ErrorCode::NotFound, "That screen is not available"))
}

/// A capture frame as the media engine's frame (same layout: no copy).
pub fn media_frame(frame: viva_capture::Frame) -> VideoFrame {
    VideoFrame {
        width: frame.width,
        height: frame.height,
        format: VideoFormat::I420,
        data: frame.data,
        timestamp_us: frame.timestamp_us,
    }
}

/// Where preview frames go: the app's frame channel.
pub type FrameOut = Arc<dyn Fn(&str, Arc<VideoFrame>) + Send + Sync>;

/// The pre-join camera preview: frames of the chosen camera as track `PREVIEW_TRACK`,
/// latest-frame-only like remote video. Dropping it turns the camera off.
pub struct Preview {
    _capture: Capture,
    feed: Arc<PreviewFeed>,
    device: String,
}

struct PreviewFeed {
    gates: FrameGates,
    out: FrameOut,
}

impl FrameHandler for PreviewFeed {
    fn frame(&self, _stream: Stream, frame: viva_capture::Frame) {
        if let Offer::Send(frame) = self
            .gates
            .offer(PREVIEW_TRACK, Arc::new(media_frame(frame)))
        {
            (self.out)(PREVIEW_TRACK, frame);
        }
    }

    fn failed(&self, error: viva_capture::CaptureError) {
        tracing::warn!(error = %error, "camera preview stopped");
        self.gates.close(PREVIEW_TRACK);
    }
}

impl Preview {
    /// Starts the chosen camera's preview. Blocking (the device opens): call off the
    /// async runtime.
    pub fn start(out: FrameOut) -> Result<Self, CoreError> {
        let device = chosen()?;
        let feed = Arc::new(PreviewFeed {
            gates: FrameGates::default(),
            out,
        });
        feed.gates.open(PREVIEW_TRACK);
        let config = CaptureConfig {
            main: None,
            preview: Some(PREVIEW_SIZE),
            fps: CAMERA_FPS,
        };
        let capture = Capture::start(&device, config, feed.clone())?;
        Ok(Self {
            _capture: capture,
            feed,
            device: device.name,
        })
    }

    pub fn device_name(&self) -> &str {
        &self.device
    }

    /// The UI drew the last preview frame.
    pub fn frame_ack(&self, track: &str) {
        if let Some(frame) = self.feed.gates.ack(track) {
            (self.feed.out)(track, frame);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capture_errors_read_as_sentences_with_codes_the_ui_can_act_on() {
        use viva_capture::CaptureError as C;
        let e = CoreError::from(C::Busy("Integrated Camera".into()));
        assert_eq!(e.code, ErrorCode::Media);
        assert_eq!(
            e.message,
            "Integrated Camera is in use by another application: close it and try again"
        );
        let e = CoreError::from(C::NoCamera);
        assert_eq!(
            (e.code, e.message.as_str()),
            (ErrorCode::NotFound, "No camera was found")
        );
        let e = CoreError::from(C::MissingPlugin {
            element: "v4l2src",
            package: "gstreamer1.0-plugins-good",
        });
        assert_eq!(e.code, ErrorCode::Unsupported);
        assert!(
            e.message.starts_with("The GStreamer element 'v4l2src'"),
            "{}",
            e.message
        );
        assert_eq!(
            CoreError::from(C::PermissionDenied("x".into())).code,
            ErrorCode::Forbidden
        );
    }
}
