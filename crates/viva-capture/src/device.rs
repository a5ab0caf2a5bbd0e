//! The cameras and screens this computer offers, and the fake camera.

use gstreamer as gst;
use gstreamer::prelude::*;

use crate::error::{require, CaptureError};

/// Set to a `videotestsrc` pattern name (`smpte`, `ball`, `red`, ...) or a colour `#rrggbb`
/// to list a fake "Viva test camera" first, as browsers' fake media devices do.
pub const FAKE_CAMERA_ENV: &str = "VIVA_FAKE_CAMERA";

const FAKE_CAMERA_NAME: &str = "Viva test camera";

/// `videotestsrc` patterns as GStreamer 1.22 names them.
const PATTERNS: &[&str] = &[
    "smpte",
    "snow",
    "black",
    "white",
    "red",
    "green",
    "blue",
    "checkers-1",
    "checkers-2",
    "checkers-4",
    "checkers-8",
    "circular",
    "blink",
    "smpte75",
    "zone-plate",
    "gamut",
    "chroma-zone-plate",
    "ball",
    "smpte100",
    "bar",
    "pinwheel",
    "spokes",
    "gradient",
    "colors",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceKind {
    Camera,
    Screen,
}

/// What the fake camera shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FakePattern {
    Named(String),
    Solid([u8; 3]),
}

impl FakePattern {
    pub fn parse(text: &str) -> Result<Self, CaptureError> {
        let text = text.trim();
        if let Some(hex) = text.strip_prefix('#') {
            let bad = || {
                CaptureError::InvalidArgument(format!(
                    "{FAKE_CAMERA_ENV}: '{text}' is not a colour like #ff8000"
                ))
            };
            if hex.len() != 6 {
                return Err(bad());
            }
            let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| bad());
            return Ok(Self::Solid([byte(0)?, byte(2)?, byte(4)?]));
        }
        if PATTERNS.contains(&text) {
            return Ok(Self::Named(text.to_owned()));
        }
        Err(CaptureError::InvalidArgument(format!(
            "{FAKE_CAMERA_ENV}: '{text}' is neither a colour like #ff8000 nor one of: {}",
            PATTERNS.join(", ")
        )))
    }
}

/// Where a device's frames come from.
#[derive(Debug, Clone)]
pub(crate) enum Origin {
    Fake(FakePattern),
    /// Found by GStreamer's device monitor (cameras everywhere, screens on Windows).
    Monitored(gst::Device),
    /// The whole X11 screen of a display (`None`: `$DISPLAY`).
    X11Screen(Option<String>),
    /// macOS: a display captured by `avfvideosrc`.
    #[cfg_attr(not(target_os = "macos"), allow(dead_code))]
    AvfScreen(u32),
}

/// A camera or screen. `id` is stable while the device stays plugged in; people choose by
/// `name`.
#[derive(Debug, Clone)]
pub struct Device {
    pub id: String,
    pub name: String,
    pub kind: DeviceKind,
    pub(crate) origin: Origin,
}

impl Device {
    /// The element that produces this device's frames, configured.
    pub(crate) fn source_element(&self) -> Result<gst::Element, CaptureError> {
        let make = |factory: &'static str| {
            require(factory)?;
            Ok(gst::ElementFactory::make(factory))
        };
        let failed = |e: gst::glib::BoolError| CaptureError::Failed {
            device: self.name.clone(),
            message: e.to_string(),
        };
        match &self.origin {
            Origin::Fake(pattern) => {
                let builder = make("videotestsrc")?.property("is-live", true);
                let builder = match pattern {
                    FakePattern::Named(name) => builder.property_from_str("pattern", name),
                    FakePattern::Solid([r, g, b]) => builder
                        .property_from_str("pattern", "solid-color")
                        .property(
                            "foreground-color",
                            0xff00_0000u32 | (*r as u32) << 16 | (*g as u32) << 8 | *b as u32,
                        ),
                };
                builder.build().map_err(failed)
            }
            Origin::Monitored(device) => device.create_element(None).map_err(failed),
            Origin::X11Screen(display) => {
                let mut builder = make("ximagesrc")?
                    .property("use-damage", false)
                    .property("show-pointer", true);
                if let Some(display) = display {
                    builder = builder.property("display-name", display);
                }
                builder.build().map_err(failed)
            }
            Origin::AvfScreen(index) => make("avfvideosrc")?
                .property("capture-screen", true)
                .property("device-index", *index as i32)
                .build()
                .map_err(failed),
        }
    }
}

fn fake_camera() -> Result<Option<Device>, CaptureError> {
    let Ok(text) = std::env::var(FAKE_CAMERA_ENV) else {
        return Ok(None);
    };
    Ok(Some(Device {
        id: "fake:0".into(),
        name: FAKE_CAMERA_NAME.into(),
        kind: DeviceKind::Camera,
        origin: Origin::Fake(FakePattern::parse(&text)?),
    }))
}

/// Devices of one class as GStreamer's monitor sees them, deduplicated by name (PipeWire and
/// V4L2 both list the same camera on Linux).
fn monitored(class: &str, kind: DeviceKind) -> Result<Vec<Device>, CaptureError> {
    crate::init()?;
    let monitor = gst::DeviceMonitor::new();
    monitor.add_filter(Some(class), None);
    if monitor.start().is_err() {
        // No provider for this class on this system: nothing to list.
        return Ok(Vec::new());
    }
    let found = monitor.devices();
    monitor.stop();
    let mut out: Vec<Device> = Vec::new();
    for device in found {
        let name = device.display_name().to_string();
        if out.iter().any(|d| d.name == name) {
            continue;
        }
        let path = device.properties().and_then(|p| {
            ["device.path", "api.v4l2.path", "object.path", "device.id"]
                .iter()
                .find_map(|key| p.get::<String>(*key).ok())
        });
        out.push(Device {
            id: path.unwrap_or_else(|| format!("{}:{}", class, out.len())),
            name,
            kind,
            origin: Origin::Monitored(device),
        });
    }
    Ok(out)
}

/// The cameras now connected, the fake camera first when `VIVA_FAKE_CAMERA` is set.
pub fn cameras() -> Result<Vec<Device>, CaptureError> {
    let mut list: Vec<Device> = fake_camera()?.into_iter().collect();
    list.extend(monitored("Video/Source", DeviceKind::Camera)?);
    Ok(list)
}

/// The screens that can be shared.
pub fn screens() -> Result<Vec<Device>, CaptureError> {
    crate::init()?;
    platform_screens()
}

#[cfg(target_os = "linux")]
fn platform_screens() -> Result<Vec<Device>, CaptureError> {
    let display = std::env::var("DISPLAY").ok().filter(|d| !d.is_empty());
    let wayland = std::env::var("WAYLAND_DISPLAY").is_ok_and(|d| !d.is_empty());
    match (display, wayland) {
        // Under Wayland, X11 capture would show only XWayland windows (black elsewhere).
        (_, true) => Err(CaptureError::Unsupported(
            "Screen sharing in a Wayland session needs the desktop portal (PipeWire), which \
             this version of Viva does not use yet: sign in to an X11 session to share your \
             screen"
                .into(),
        )),
        (Some(display), false) => Ok(vec![Device {
            id: format!("x11:{display}"),
            name: "Entire screen".into(),
            kind: DeviceKind::Screen,
            origin: Origin::X11Screen(Some(display)),
        }]),
        (None, false) => Err(CaptureError::Unsupported(
            "No display to share was found (DISPLAY is not set)".into(),
        )),
    }
}

#[cfg(target_os = "macos")]
fn platform_screens() -> Result<Vec<Device>, CaptureError> {
    Ok(vec![Device {
        id: "avf-screen:0".into(),
        name: "Main display".into(),
        kind: DeviceKind::Screen,
        origin: Origin::AvfScreen(0),
    }])
}

#[cfg(target_os = "windows")]
fn platform_screens() -> Result<Vec<Device>, CaptureError> {
    monitored("Source/Monitor", DeviceKind::Screen)
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn platform_screens() -> Result<Vec<Device>, CaptureError> {
    Err(CaptureError::Unsupported(
        "Screen sharing is not supported on this platform".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fake_patterns_are_named_or_solid_colours_and_typos_are_refused() {
        assert_eq!(
            FakePattern::parse("#FF8000").unwrap(),
            FakePattern::Solid([255, 128, 0])
        );
        assert_eq!(
            FakePattern::parse(" ball ").unwrap(),
            FakePattern::Named("ball".into())
        );
        for bad in ["#ff80", "#gg0000", "balls", ""] {
            let e = FakePattern::parse(bad).unwrap_err();
            assert!(
                e.to_string().contains(FAKE_CAMERA_ENV),
                "the message names the variable: {e}"
            );
        }
    }

    #[test]
    fn every_listed_pattern_is_one_videotestsrc_knows() {
        crate::init().unwrap();
        for name in PATTERNS {
            let device = Device {
                id: "fake:0".into(),
                name: FAKE_CAMERA_NAME.into(),
                kind: DeviceKind::Camera,
                origin: Origin::Fake(FakePattern::Named((*name).into())),
            };
            device
                .source_element()
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
}
