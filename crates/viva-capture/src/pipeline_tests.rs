use std::sync::Mutex;
use std::time::Instant;

use super::*;
use crate::device::FakePattern;

fn fake(pattern: FakePattern) -> Device {
    Device {
        id: "fake:0".into(),
        name: "Viva test camera".into(),
        kind: DeviceKind::Camera,
        origin: Origin::Fake(pattern),
    }
}

/// Keeps what a capture delivered.
#[derive(Default)]
struct Collect {
    frames: Mutex<Vec<(Stream, Frame)>>,
    failures: Mutex<Vec<CaptureError>>,
}

impl FrameHandler for Collect {
    fn frame(&self, stream: Stream, frame: Frame) {
        self.frames.lock().unwrap().push((stream, frame));
    }
    fn failed(&self, error: CaptureError) {
        self.failures.lock().unwrap().push(error);
    }
}

impl Collect {
    fn of(&self, stream: Stream) -> Vec<Frame> {
        let frames = self.frames.lock().unwrap();
        frames
            .iter()
            .filter(|(s, _)| *s == stream)
            .map(|(_, f)| f.clone())
            .collect()
    }

    fn wait_for(&self, stream: Stream, n: usize) -> Vec<Frame> {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.of(stream).len() < n && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        self.of(stream)
    }
}

/// BT.601 limited range, as GStreamer's videoconvert and libwebrtc use for I420.
fn yuv_of([r, g, b]: [u8; 3]) -> [f64; 3] {
    let (r, g, b) = (r as f64, g as f64, b as f64);
    [
        16.0 + (65.738 * r + 129.057 * g + 25.064 * b) / 256.0,
        128.0 + (-37.945 * r - 74.494 * g + 112.439 * b) / 256.0,
        128.0 + (112.439 * r - 94.154 * g - 18.285 * b) / 256.0,
    ]
}

fn assert_colour(frame: &Frame, rgb: [u8; 3]) {
    let got = frame.mean_yuv();
    let want = yuv_of(rgb);
    for c in 0..3 {
        assert!(
            (got[c] - want[c]).abs() < 4.0,
            "mean YUV {got:?}, expected {want:?} for {rgb:?}"
        );
    }
}

#[test]
fn camera_chain_limits_the_rate_letterboxes_and_feeds_both_sinks() {
    let config = CaptureConfig {
        main: Some(Size::new(1280, 720)),
        preview: Some(Size::new(640, 360)),
        fps: 30,
    };
    let d = chain_description(DeviceKind::Camera, &config);
    assert!(d.starts_with("videorate drop-only=true max-rate=30"), "{d}");
    assert!(d.contains("add-borders=true"), "{d}");
    assert!(d.contains("format=I420,width=1280,height=720"), "{d}");
    assert!(d.contains("format=I420,width=640,height=360"), "{d}");
    assert!(d.contains("appsink name=main") && d.contains("appsink name=preview"));
    // Latest frame only at every sink: a slow reader drops frames, memory stays flat.
    assert_eq!(d.matches("drop=true").count(), 2, "{d}");
    assert_eq!(d.matches("leaky=downstream").count(), 2, "{d}");
    crate::init().unwrap();
    gst::parse::bin_from_description(&d, true).expect("the description parses");
}

#[test]
fn screen_chain_asks_the_source_for_the_rate_and_preview_only_has_one_sink() {
    crate::init().unwrap();
    let d = chain_description(
        DeviceKind::Screen,
        &CaptureConfig {
            main: Some(Size::new(1920, 1080)),
            preview: None,
            fps: 15,
        },
    );
    assert!(
        d.starts_with("capsfilter caps=video/x-raw,framerate=15/1 ! videoconvert"),
        "{d}"
    );
    assert!(
        !d.contains("videorate") && !d.contains("name=preview"),
        "{d}"
    );
    let p = chain_description(
        DeviceKind::Camera,
        &CaptureConfig {
            main: None,
            preview: Some(Size::new(640, 360)),
            fps: 30,
        },
    );
    assert!(
        !p.contains("tee") && p.contains("appsink name=preview"),
        "{p}"
    );
    gst::parse::bin_from_description(&d, true).expect("the screen description parses");
    gst::parse::bin_from_description(&p, true).expect("the preview description parses");
}

#[test]
fn screens_keep_their_aspect_within_the_maximum() {
    let max = Size::new(1920, 1080);
    assert_eq!(Size::new(1280, 800).fit_within(max), Size::new(1280, 800));
    assert_eq!(Size::new(2560, 1600).fit_within(max), Size::new(1728, 1080));
    assert_eq!(Size::new(3840, 2160).fit_within(max), Size::new(1920, 1080));
    assert_eq!(Size::new(1366, 769).fit_within(max), Size::new(1366, 768));
}

#[test]
fn a_capture_needs_an_output_and_missing_elements_name_their_package() {
    let handler = Arc::new(Collect::default());
    let none = CaptureConfig {
        main: None,
        preview: None,
        fps: 30,
    };
    let e = Capture::start(&fake(FakePattern::Named("ball".into())), none, handler).unwrap_err();
    assert!(matches!(e, CaptureError::InvalidArgument(_)), "{e:?}");
    crate::init().unwrap();
    let e = require("vivanosuchsrc").unwrap_err();
    assert_eq!(
        e,
        CaptureError::MissingPlugin {
            element: "vivanosuchsrc",
            package: package_of("vivanosuchsrc"),
        }
    );
}

#[test]
fn the_fake_camera_delivers_its_colour_at_both_sizes() {
    let colour = [255, 128, 0];
    let handler = Arc::new(Collect::default());
    let config = CaptureConfig {
        main: Some(Size::new(320, 180)),
        preview: Some(Size::new(160, 90)),
        fps: 30,
    };
    let capture =
        Capture::start(&fake(FakePattern::Solid(colour)), config, handler.clone()).unwrap();
    let main = handler.wait_for(Stream::Main, 5);
    let preview = handler.wait_for(Stream::Preview, 5);
    drop(capture);
    assert!(
        main.len() >= 5 && preview.len() >= 5,
        "{} / {}",
        main.len(),
        preview.len()
    );
    let (m, p) = (main.last().unwrap(), preview.last().unwrap());
    assert_eq!(
        (m.width, m.height, m.data.len()),
        (320, 180, Frame::len_for(320, 180))
    );
    assert_eq!(
        (p.width, p.height, p.data.len()),
        (160, 90, Frame::len_for(160, 90))
    );
    assert_colour(m, colour);
    assert_colour(p, colour);
    assert!(
        main.windows(2)
            .all(|w| w[1].timestamp_us > w[0].timestamp_us),
        "timestamps increase"
    );
    // Stopped means stopped: nothing arrives after the capture is dropped.
    let count = handler.frames.lock().unwrap().len();
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(handler.frames.lock().unwrap().len(), count);
}

#[test]
fn a_device_that_fails_mid_capture_is_reported_once_as_disconnected() {
    let handler = Arc::new(Collect::default());
    let config = CaptureConfig {
        main: None,
        preview: Some(Size::new(64, 36)),
        fps: 30,
    };
    let capture = Capture::start(
        &fake(FakePattern::Named("ball".into())),
        config,
        handler.clone(),
    )
    .unwrap();
    handler.wait_for(Stream::Preview, 1);
    capture.simulate_unplug();
    capture.simulate_unplug();
    let deadline = Instant::now() + Duration::from_secs(5);
    while handler.failures.lock().unwrap().is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        *handler.failures.lock().unwrap(),
        vec![CaptureError::Disconnected("Viva test camera".into())]
    );
}

#[test]
fn the_x11_screen_is_captured_at_its_own_size_with_what_is_on_it() {
    let xvfb = viva_testkit::Xvfb::start_with_size(1280, 800);
    let colour = [40, 200, 120];
    let _window = xvfb.solid_window(colour, 1280, 800);
    let screen = Device {
        id: format!("x11:{}", xvfb.display),
        name: "Entire screen".into(),
        kind: DeviceKind::Screen,
        origin: Origin::X11Screen(Some(xvfb.display.clone())),
    };
    let handler = Arc::new(Collect::default());
    let config = CaptureConfig {
        main: Some(Size::new(1920, 1080)),
        preview: None,
        fps: 15,
    };
    let capture = Capture::start(&screen, config, handler.clone()).unwrap();
    let frames = handler.wait_for(Stream::Main, 3);
    drop(capture);
    let last = frames.last().expect("screen frames");
    assert_eq!(
        (last.width, last.height),
        (1280, 800),
        "not scaled up or squeezed"
    );
    assert_colour(last, colour);
}
