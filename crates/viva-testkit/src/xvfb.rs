//! A private X display (Xvfb) for the webview and screenshots.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::process::Service;

pub struct Xvfb {
    pub display: String,
    service: Service,
    _dir: tempfile::TempDir,
}

impl Xvfb {
    pub fn start() -> Self {
        Self::start_with_size(1280, 800)
    }

    pub fn start_with_size(width: u32, height: u32) -> Self {
        let dir = tempfile::Builder::new()
            .prefix("viva-xvfb-")
            .tempdir()
            .expect("tempdir");
        let first = 90 + (std::process::id() % 200);
        for n in first..first + 100 {
            if Path::new(&format!("/tmp/.X{n}-lock")).exists()
                || Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
            {
                continue;
            }
            let mut cmd = Command::new("Xvfb");
            cmd.arg(format!(":{n}"))
                .args(["-screen", "0", &format!("{width}x{height}x24")])
                .args(["-nolisten", "tcp", "-noreset"]);
            let mut service = Service::spawn(
                "Xvfb",
                cmd,
                &dir.path().join(format!("xvfb-{n}.log")),
                libc::SIGTERM,
            );
            let socket = format!("/tmp/.X11-unix/X{n}");
            // Another process may have taken the display between our check and Xvfb's start.
            let deadline = std::time::Instant::now() + Duration::from_secs(10);
            loop {
                if Path::new(&socket).exists() {
                    return Self {
                        display: format!(":{n}"),
                        service,
                        _dir: dir,
                    };
                }
                if !service.is_running() || std::time::Instant::now() > deadline {
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        panic!("could not start Xvfb on any display");
    }

    pub fn pid(&self) -> u32 {
        self.service.pid()
    }

    /// Shows a window of one colour, `width` x `height`, at the top left of this display
    /// (GStreamer's `ximagesink` drawing a solid test pattern), until the guard drops.
    pub fn solid_window(&self, rgb: [u8; 3], width: u32, height: u32) -> Service {
        let argb = 0xff00_0000u32 | (rgb[0] as u32) << 16 | (rgb[1] as u32) << 8 | rgb[2] as u32;
        let mut cmd = Command::new("gst-launch-1.0");
        cmd.env("DISPLAY", &self.display).args([
            "-q",
            "videotestsrc",
            "pattern=solid-color",
            &format!("foreground-color={argb}"),
            "!",
            &format!("video/x-raw,width={width},height={height},framerate=5/1"),
            "!",
            "ximagesink",
            "sync=false",
        ]);
        let log = self
            ._dir
            .path()
            .join(format!("solid-window-{argb:08x}.log"));
        let mut service = Service::spawn("solid window", cmd, &log, libc::SIGTERM);
        // The window is mapped and painted within a frame or two of the pipeline starting.
        std::thread::sleep(Duration::from_millis(800));
        service.assert_running();
        service
    }

    /// Saves a PNG of the whole screen with ImageMagick's `import`, always 8-bit RGB (an
    /// all-black screen would otherwise come out as greyscale).
    pub fn screenshot(&self, path: &Path) {
        let out = Command::new("import")
            .args(["-display", &self.display, "-window", "root"])
            .arg(format!("PNG24:{}", path.display()))
            .output()
            .expect("run import (imagemagick)");
        assert!(
            out.status.success(),
            "screenshot failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
