//! Media the bot publishes: a coloured pattern with an embedded frame counter and a sine
//! tone (synthetic), or the camera as the app sends it (the real capture pipeline). Each
//! runs until the returned guard is dropped.

use std::time::Duration;

use viva_media::synthetic::{FrameStamp, SineTone, VideoPattern};
use viva_media::{
    AudioSource, LocalTrack, MediaError, PublishOptions, Room, VideoFormat, VideoSource,
    VideoSourceOptions,
};

use std::sync::Arc;

use viva_capture::{Capture, CaptureConfig, FrameHandler, Stream};

use viva_core::camera::{self, media_frame};
use viva_core::room::VideoKind;
use viva_core::{CoreError, ErrorCode};

use crate::args::Args;

/// Stops the publishing tasks (and the camera capture) when dropped.
pub struct Publishers {
    tasks: Vec<tokio::task::JoinHandle<()>>,
    /// Held for its drop: the capture and the track end with it.
    _camera: Option<CameraFeed>,
}

impl Drop for Publishers {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

pub async fn start(room: &Room, args: &Args) -> Result<Publishers, CoreError> {
    let mut tasks = Vec::new();
    let camera = if args.publish.iter().any(|p| p == "camera") {
        Some(publish_camera(room).await?)
    } else {
        None
    };
    for screen in [false, true] {
        let flag = if screen { "screen" } else { "video" };
        if args.publish.iter().any(|p| p == flag) {
            tasks.push(publish_video(room, args, screen).await?);
        }
    }
    if args.publish.iter().any(|p| p == "audio") {
        let source = AudioSource::new(48_000, 1, 100)?;
        let track = LocalTrack::audio("microphone", &source)?;
        room.local_participant()
            .publish_track(&track, PublishOptions::microphone())
            .await?;
        let mut tone = SineTone::new(args.audio_hz, 48_000, 0.3);
        tasks.push(tokio::spawn(async move {
            let _track = track;
            // The buffered source paces at real time once its queue is full: each
            // capture resolves when the library has taken the frame.
            loop {
                if let Err(e) = source.capture_frame(&tone.next_frame()).await {
                    tracing::warn!(error = %e, "audio capture failed");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            }
        }));
    }
    Ok(Publishers {
        tasks,
        _camera: camera,
    })
}

/// The camera track as the app publishes it (720p30, simulcast), captured by viva-capture
/// from the first camera found; with `VIVA_FAKE_CAMERA` that is the test camera.
pub struct CameraFeed {
    _capture: Capture,
    _track: LocalTrack,
}

struct ToSource(VideoSource);

impl FrameHandler for ToSource {
    fn frame(&self, stream: Stream, frame: viva_capture::Frame) {
        if stream == Stream::Main {
            if let Err(e) = self.0.capture_frame(&media_frame(frame)) {
                tracing::warn!(error = %e, "camera frame not sent");
            }
        }
    }

    fn failed(&self, error: viva_capture::CaptureError) {
        tracing::warn!(error = %error, "camera capture stopped");
    }
}

async fn publish_camera(room: &Room) -> Result<CameraFeed, CoreError> {
    let kind = VideoKind::Camera;
    let config = CaptureConfig {
        preview: None,
        ..kind.capture_config()
    };
    let size = config.main.unwrap_or(camera::CAMERA_SIZE);
    let source = VideoSource::new(size.width, size.height, VideoSourceOptions::default())?;
    let track = LocalTrack::video("camera", &source)?;
    let capture = tokio::task::spawn_blocking(move || {
        let device = viva_capture::cameras()?
            .into_iter()
            .next()
            .ok_or(viva_capture::CaptureError::NotFound("no camera".into()))?;
        Capture::start(&device, config, Arc::new(ToSource(source)))
    })
    .await
    .map_err(|e| CoreError::new(ErrorCode::Media, e.to_string()))??;
    room.local_participant()
        .publish_track(&track, kind.publish_options())
        .await?;
    Ok(CameraFeed {
        _capture: capture,
        _track: track,
    })
}

/// A camera track, or a screen-share track (`screen`: screencast source, no simulcast).
async fn publish_video(
    room: &Room,
    args: &Args,
    screen: bool,
) -> Result<tokio::task::JoinHandle<()>, MediaError> {
    let (w, h) = args.video_size;
    let source = VideoSource::new(
        w,
        h,
        VideoSourceOptions {
            is_screencast: screen,
        },
    )?;
    let (name, options) = if screen {
        ("screen", PublishOptions::screen_share())
    } else {
        ("camera", PublishOptions::camera())
    };
    let track = LocalTrack::video(name, &source)?;
    room.local_participant()
        .publish_track(&track, options)
        .await?;
    let pattern = VideoPattern::new(w, h, args.video_color, VideoFormat::I420);
    let period = Duration::from_secs_f64(1.0 / f64::from(args.fps.clamp(1, 60)));
    Ok(tokio::spawn(async move {
        let _track = track;
        let mut tick = tokio::time::interval(period);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let mut counter = 0u32;
        loop {
            tick.tick().await;
            let frame = pattern.render(FrameStamp::now(counter));
            if let Err(e) = source.capture_frame(&frame) {
                tracing::warn!(error = %e, "video capture failed");
            }
            counter = counter.wrapping_add(1);
        }
    }))
}
