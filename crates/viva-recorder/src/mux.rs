//! One participant's file: their video (VP8) and audio (Opus) muxed into WebM by GStreamer.
//!
//! Frames come from the engine as packed I420 and 48 kHz mono S16 and are timestamped here
//! against the file's start, so the file's timeline is the room's wall clock: a camera that
//! stops for a while leaves a gap, not a shorter file. Video is scaled and letterboxed to one
//! size, so layer switches (LiveKit sends another simulcast layer when the network changes)
//! do not renegotiate the encoder. A black frame opens the video track, so a participant who
//! never turns their camera on still gives a file that plays (WebM needs both streams).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use gstreamer as gst;
use gstreamer::prelude::*;
use gstreamer_app as gst_app;

use crate::RecorderError;

/// The recorded picture size (letterboxed) and rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VideoSize {
    pub width: u32,
    pub height: u32,
    pub fps: u32,
}

impl Default for VideoSize {
    fn default() -> Self {
        Self {
            width: 1280,
            height: 720,
            fps: 30,
        }
    }
}

impl std::str::FromStr for VideoSize {
    type Err = String;

    /// `WIDTHxHEIGHT` or `WIDTHxHEIGHT@FPS`.
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("{s:?} is not a size like 1280x720 or 1280x720@30");
        let (size, fps) = s.split_once('@').unwrap_or((s, "30"));
        let (w, h) = size.split_once('x').ok_or_else(bad)?;
        let n = |v: &str, max: u32| v.parse::<u32>().ok().filter(|n| (2..=max).contains(n));
        Ok(Self {
            width: n(w, 3840).filter(|w| w % 2 == 0).ok_or_else(bad)?,
            height: n(h, 2160).filter(|h| h % 2 == 0).ok_or_else(bad)?,
            fps: n(fps, 60).ok_or_else(bad)?,
        })
    }
}

/// What a finished file holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Finished {
    pub path: PathBuf,
    pub bytes: u64,
    pub duration: Duration,
}

/// One participant's WebM file being written.
pub struct ParticipantFile {
    pipeline: gst::Pipeline,
    video: gst_app::AppSrc,
    audio: gst_app::AppSrc,
    path: PathBuf,
    start: Instant,
    /// The size the video appsrc's caps say, to change them only when frames change size.
    caps: Mutex<(u32, u32)>,
    /// Pictures closer together than this are dropped (the recorded rate), and when the
    /// last one was kept.
    frame_interval: Duration,
    last_video: Mutex<Option<Duration>>,
    /// Audio samples pushed, and the file time of the first one (ns), for gapless stamps.
    audio_samples: AtomicU64,
    audio_origin: Mutex<Option<u64>>,
}

const AUDIO_RATE: u64 = 48_000;

impl ParticipantFile {
    /// Starts writing `path` (created; an existing file is replaced).
    pub fn create(path: &Path, size: VideoSize) -> Result<Self, RecorderError> {
        let VideoSize { width, height, fps } = size;
        // vp8enc: realtime deadline and the fastest preset, so a 2-core machine keeps up
        // with several participants; the bitrate is what a 720p call needs.
        let description = format!(
            "appsrc name=video is-live=true format=time do-timestamp=false max-bytes=33554432 \
               ! queue max-size-buffers=0 max-size-bytes=0 max-size-time=2000000000 \
               ! videoconvert ! videoscale add-borders=true \
               ! video/x-raw,format=I420,width={width},height={height},pixel-aspect-ratio=1/1 \
               ! vp8enc deadline=1 cpu-used=8 threads=2 target-bitrate=1500000 keyframe-max-dist=60 \
               ! queue ! mux. \
             appsrc name=audio is-live=true format=time do-timestamp=false max-bytes=8388608 \
               caps=audio/x-raw,format=S16LE,rate=48000,channels=1,layout=interleaved \
               ! queue max-size-buffers=0 max-size-bytes=0 max-size-time=2000000000 \
               ! audioconvert ! audioresample ! opusenc bitrate=64000 ! queue ! mux. \
             webmmux name=mux ! filesink name=sink"
        );
        let pipeline = gst::parse::launch(&description)
            .map_err(|e| RecorderError::Pipeline(e.to_string()))?
            .downcast::<gst::Pipeline>()
            .map_err(|_| RecorderError::Pipeline("not a pipeline".into()))?;
        let element = |name: &str| {
            pipeline
                .by_name(name)
                .ok_or_else(|| RecorderError::Pipeline(format!("no element {name}")))
        };
        element("sink")?.set_property("location", path.to_string_lossy().to_string());
        let appsrc = |name: &str| {
            element(name)?
                .downcast::<gst_app::AppSrc>()
                .map_err(|_| RecorderError::Pipeline(format!("{name} is not an appsrc")))
        };
        let (video, audio) = (appsrc("video")?, appsrc("audio")?);
        pipeline
            .set_state(gst::State::Playing)
            .map_err(|e| RecorderError::Pipeline(format!("cannot start: {e}")))?;
        let file = Self {
            pipeline,
            video,
            audio,
            path: path.to_owned(),
            start: Instant::now(),
            caps: Mutex::new((0, 0)),
            // A little under 1/fps, so a source at exactly the rate is not thinned by jitter.
            frame_interval: Duration::from_secs_f64(0.85 / fps as f64),
            last_video: Mutex::new(None),
            audio_samples: AtomicU64::new(0),
            audio_origin: Mutex::new(None),
        };
        // A black picture at 0 opens the video stream (see the module's comment).
        let (w, h) = (16, 16);
        let mut black = vec![0u8; w * h];
        black.extend(std::iter::repeat_n(128u8, w * h / 2));
        file.push_video(w as u32, h as u32, &black, Some(Duration::ZERO))?;
        Ok(file)
    }

    fn now(&self) -> Duration {
        self.start.elapsed()
    }

    /// One packed I420 picture, stamped now (or at `at` into the file).
    pub fn push_video(
        &self,
        width: u32,
        height: u32,
        i420: &[u8],
        at: Option<Duration>,
    ) -> Result<(), RecorderError> {
        let pts = at.unwrap_or_else(|| self.now());
        {
            let mut last = self.last_video.lock().unwrap_or_else(|e| e.into_inner());
            if last.is_some_and(|l| pts < l + self.frame_interval) {
                return Ok(());
            }
            *last = Some(pts);
        }
        {
            let mut caps = self.caps.lock().unwrap_or_else(|e| e.into_inner());
            if *caps != (width, height) {
                self.video.set_caps(Some(
                    &gst::Caps::builder("video/x-raw")
                        .field("format", "I420")
                        .field("width", width as i32)
                        .field("height", height as i32)
                        .field("framerate", gst::Fraction::new(0, 1))
                        .build(),
                ));
                *caps = (width, height);
            }
        }
        let mut buffer = gst::Buffer::from_slice(i420.to_vec());
        buffer
            .get_mut()
            .expect("a new buffer is writable")
            .set_pts(gst::ClockTime::from_nseconds(pts.as_nanos() as u64));
        self.video
            .push_buffer(buffer)
            .map(|_| ())
            .map_err(|e| RecorderError::Pipeline(format!("video: {e:?}")))
    }

    /// 48 kHz mono samples. Stamped by count from the first one's arrival, so network
    /// jitter does not tear the sound.
    pub fn push_audio(&self, samples: &[i16]) -> Result<(), RecorderError> {
        let origin = *self
            .audio_origin
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_or_insert_with(|| self.now().as_nanos() as u64);
        let done = self
            .audio_samples
            .fetch_add(samples.len() as u64, Ordering::Relaxed);
        let pts = origin + done * 1_000_000_000 / AUDIO_RATE;
        let bytes: Vec<u8> = samples.iter().flat_map(|s| s.to_le_bytes()).collect();
        let mut buffer = gst::Buffer::from_slice(bytes);
        {
            let b = buffer.get_mut().expect("a new buffer is writable");
            b.set_pts(gst::ClockTime::from_nseconds(pts));
            b.set_duration(gst::ClockTime::from_nseconds(
                samples.len() as u64 * 1_000_000_000 / AUDIO_RATE,
            ));
        }
        self.audio
            .push_buffer(buffer)
            .map(|_| ())
            .map_err(|e| RecorderError::Pipeline(format!("audio: {e:?}")))
    }

    /// Ends both streams and waits until the file is complete on disk.
    pub fn finish(self) -> Result<Finished, RecorderError> {
        let duration = self.now();
        let _ = self.video.end_of_stream();
        let _ = self.audio.end_of_stream();
        let bus = self.pipeline.bus().expect("a pipeline has a bus");
        let outcome = bus.timed_pop_filtered(
            gst::ClockTime::from_seconds(30),
            &[gst::MessageType::Eos, gst::MessageType::Error],
        );
        let _ = self.pipeline.set_state(gst::State::Null);
        match outcome.as_ref().map(|m| m.view()) {
            Some(gst::MessageView::Eos(_)) => {}
            Some(gst::MessageView::Error(e)) => {
                return Err(RecorderError::Pipeline(format!(
                    "while finishing: {}",
                    e.error()
                )))
            }
            _ => {
                return Err(RecorderError::Pipeline(
                    "the file did not finish within 30 s".into(),
                ))
            }
        }
        let bytes = std::fs::metadata(&self.path)
            .map_err(|e| RecorderError::Io(format!("{}: {e}", self.path.display())))?
            .len();
        Ok(Finished {
            path: self.path.clone(),
            bytes,
            duration,
        })
    }

    /// A pipeline error so far (checked by the session now and then).
    pub fn error(&self) -> Option<String> {
        let bus = self.pipeline.bus()?;
        let msg = bus.pop_filtered(&[gst::MessageType::Error])?;
        match msg.view() {
            gst::MessageView::Error(e) => Some(e.error().to_string()),
            _ => None,
        }
    }
}

impl Drop for ParticipantFile {
    fn drop(&mut self) {
        let _ = self.pipeline.set_state(gst::State::Null);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_or_say_what_is_expected() {
        assert_eq!(
            "640x360@15".parse::<VideoSize>(),
            Ok(VideoSize {
                width: 640,
                height: 360,
                fps: 15
            })
        );
        assert_eq!("1280x720".parse::<VideoSize>().map(|s| s.fps), Ok(30));
        for bad in ["", "640", "641x360", "640x360@0", "x", "99999x2"] {
            assert!(bad.parse::<VideoSize>().is_err(), "{bad}");
        }
    }
}

#[cfg(test)]
mod file_tests {
    use super::*;

    /// The real pipeline, without LiveKit: 2 s of a red picture and a 440 Hz tone come back
    /// out of the file as 2 s of red and 440 Hz.
    #[test]
    fn a_written_file_decodes_to_its_length_colour_and_pitch() {
        gst::init().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.webm");
        let file = ParticipantFile::create(
            &path,
            VideoSize {
                width: 320,
                height: 180,
                fps: 15,
            },
        )
        .unwrap();
        // Packed I420 red (BT.601 limited range: Y 81, U 90, V 240).
        let (w, h) = (160usize, 90usize);
        let mut red = vec![81u8; w * h];
        red.extend(std::iter::repeat_n(90u8, w * h / 4));
        red.extend(std::iter::repeat_n(240u8, w * h / 4));
        let start = Instant::now();
        let mut sent = 0u64;
        while start.elapsed() < Duration::from_secs(2) {
            file.push_video(w as u32, h as u32, &red, None).unwrap();
            let due = start.elapsed().as_nanos() as u64 * 48 / 1_000_000;
            let chunk: Vec<i16> = (sent..due.max(sent))
                .map(|i| {
                    ((i as f64 * 440.0 * std::f64::consts::TAU / 48_000.0).sin() * 8000.0) as i16
                })
                .collect();
            sent = due.max(sent);
            file.push_audio(&chunk).unwrap();
            std::thread::sleep(Duration::from_millis(40));
        }
        let done = file.finish().unwrap();
        assert!(done.bytes > 1000, "{done:?}");
        let p = crate::probe::probe(&path).unwrap();
        assert!((p.duration_s - 2.0).abs() < 0.5, "{p:?}");
        let [r, g, b] = p.mean_rgb.expect("pictures after the first second");
        assert!(
            r > 180.0 && g < 80.0 && b < 80.0,
            "red comes back red: {p:?}"
        );
        let hz = p.audio_hz.expect("sound");
        assert!((hz - 440.0).abs() < 15.0, "{p:?}");
    }
}
