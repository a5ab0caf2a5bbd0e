//! Our own video in a room: the camera and a shared screen, each a GStreamer capture
//! feeding a LiveKit video source, with a small preview of it for the person's own tile.
//!
//! Camera off mutes the publication (the other side sees it muted) and stops the capture
//! (a real camera's light goes off); on again restarts the capture and unmutes. A screen
//! share is unpublished when it stops. A device that fails mid-call ends only that video:
//! the call goes on and the tile says why.

use std::sync::{Arc, Weak};
use std::time::Instant;

use serde::Serialize;
use viva_capture::{Capture, CaptureConfig, Device, FrameHandler, Stream};
use viva_media::{
    LocalTrack, LocalTrackPublication, PublishOptions, Room, VideoSource, VideoSourceOptions,
};

use super::{Inner, Offer, RoomUpdate};
use crate::camera::{self, media_frame};
use crate::error::CoreError;

/// Which of our videos.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum VideoKind {
    Camera,
    ScreenShare,
}

impl VideoKind {
    /// The track id our own preview frames carry on the frame channel.
    pub fn local_track(self) -> &'static str {
        match self {
            Self::Camera => "local:camera",
            Self::ScreenShare => "local:screen_share",
        }
    }

    pub fn publish_options(self) -> PublishOptions {
        match self {
            // LiveKit's presets: h720 at 1.7 Mb/s with simulcast (the SDK adds the
            // 180p and 360p layers it recommends for 720p), and h1080fps15 for screens.
            Self::Camera => PublishOptions {
                max_bitrate: Some(1_700_000),
                max_framerate: Some(camera::CAMERA_FPS as f64),
                ..PublishOptions::camera()
            },
            Self::ScreenShare => PublishOptions {
                max_bitrate: Some(2_500_000),
                max_framerate: Some(camera::SCREEN_FPS as f64),
                ..PublishOptions::screen_share()
            },
        }
    }

    pub fn capture_config(self) -> CaptureConfig {
        match self {
            Self::Camera => CaptureConfig {
                main: Some(camera::CAMERA_SIZE),
                preview: Some(camera::PREVIEW_SIZE),
                fps: camera::CAMERA_FPS,
            },
            Self::ScreenShare => CaptureConfig {
                main: Some(camera::SCREEN_MAX),
                preview: Some(camera::PREVIEW_SIZE),
                fps: camera::SCREEN_FPS,
            },
        }
    }
}

/// One of our published videos.
pub(super) struct LocalVideo {
    pub kind: VideoKind,
    pub publication: LocalTrackPublication,
    feed: Arc<Feed>,
    /// None while the camera is off.
    capture: Option<Capture>,
    _track: LocalTrack,
}

/// Frames from a capture: the main stream into LiveKit, the preview to the UI.
struct Feed {
    kind: VideoKind,
    source: VideoSource,
    room: Weak<Inner>,
}

/// The media engine wants capture times on one monotonic clock; a restarted capture's own
/// clock starts again at zero.
fn now_us() -> i64 {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_micros() as i64 + 1
}

impl FrameHandler for Feed {
    fn frame(&self, stream: Stream, frame: viva_capture::Frame) {
        let mut frame = media_frame(frame);
        frame.timestamp_us = now_us();
        match stream {
            Stream::Main => {
                if let Err(e) = self.source.capture_frame(&frame) {
                    tracing::warn!(error = %e, kind = ?self.kind, "cannot send a captured frame");
                }
            }
            Stream::Preview => {
                let Some(inner) = self.room.upgrade() else {
                    return;
                };
                let track = self.kind.local_track();
                if let Offer::Send(frame) = inner.gates.offer(track, Arc::new(frame)) {
                    // A local preview: no decoder, so no decoded count (0).
                    inner.sink.frame(track, frame, 0);
                }
            }
        }
    }

    fn failed(&self, error: viva_capture::CaptureError) {
        // Called on a GStreamer thread, where stopping the pipeline would deadlock: the
        // work goes to the runtime.
        if let Some(inner) = self.room.upgrade() {
            video_failed(&inner, self.kind, CoreError::from(error).message);
        }
    }
}

fn start_capture(device: &Device, feed: &Arc<Feed>) -> Result<Capture, CoreError> {
    Ok(Capture::start(
        device,
        feed.kind.capture_config(),
        feed.clone(),
    )?)
}

impl LocalVideo {
    /// Captures `device` and publishes it. Blocking parts (opening the device) run on the
    /// blocking pool.
    pub async fn publish(
        room: &Room,
        inner: &Arc<Inner>,
        kind: VideoKind,
        device: Device,
    ) -> Result<Self, CoreError> {
        let size = kind.capture_config().main.unwrap_or(camera::CAMERA_SIZE);
        let source = VideoSource::new(
            size.width,
            size.height,
            VideoSourceOptions {
                is_screencast: kind == VideoKind::ScreenShare,
            },
        )?;
        let track = LocalTrack::video(track_name(kind), &source)?;
        let feed = Arc::new(Feed {
            kind,
            source,
            room: Arc::downgrade(inner),
        });
        inner.gates.open(kind.local_track());
        let capture = {
            let feed = feed.clone();
            tokio::task::spawn_blocking(move || start_capture(&device, &feed))
                .await
                .map_err(|e| CoreError::new(crate::error::ErrorCode::Media, e.to_string()))??
        };
        let publication = room
            .local_participant()
            .publish_track(&track, kind.publish_options())
            .await?;
        Ok(Self {
            kind,
            publication,
            feed,
            capture: Some(capture),
            _track: track,
        })
    }

    pub fn is_capturing(&self) -> bool {
        self.capture.is_some()
    }

    /// Camera back on: the device restarts, then the other side sees the track unmuted.
    pub async fn resume(&mut self, device: Device) -> Result<(), CoreError> {
        let feed = self.feed.clone();
        if let Some(inner) = feed.room.upgrade() {
            inner.gates.open(self.kind.local_track());
        }
        let capture = tokio::task::spawn_blocking(move || start_capture(&device, &feed))
            .await
            .map_err(|e| CoreError::new(crate::error::ErrorCode::Media, e.to_string()))??;
        self.capture = Some(capture);
        self.publication.set_muted(false)?;
        Ok(())
    }

    /// Camera off: muted for everyone first, then the device stops (light off).
    pub fn pause(&mut self) -> Result<(), CoreError> {
        self.publication.set_muted(true)?;
        self.capture = None;
        Ok(())
    }
}

fn track_name(kind: VideoKind) -> &'static str {
    match kind {
        VideoKind::Camera => "camera",
        VideoKind::ScreenShare => "screen",
    }
}

/// Runs device probing (GStreamer's device monitor) off the async runtime.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, CoreError> + Send + 'static,
) -> Result<T, CoreError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| CoreError::new(crate::error::ErrorCode::Media, e.to_string()))?
}

fn announce(inner: &Inner, kind: VideoKind) {
    inner.sink.update(RoomUpdate::LocalVideo {
        kind,
        track: kind.local_track().to_owned(),
    });
}

fn ended(inner: &Inner, kind: VideoKind, reason: Option<String>) {
    inner.gates.close(kind.local_track());
    inner.sink.update(RoomUpdate::LocalVideoEnded {
        kind,
        track: kind.local_track().to_owned(),
        reason,
    });
}

/// A capture failed mid-call: that video stops (muted or unpublished), the call goes on.
pub(super) fn video_failed(inner: &Arc<Inner>, kind: VideoKind, reason: String) {
    let controller = super::RoomController(inner.clone());
    inner.runtime.spawn(async move {
        let inner = &controller.0;
        let mut videos = inner.videos.lock().await;
        match kind {
            VideoKind::Camera => {
                if let Some(video) = videos.get_mut(&kind) {
                    if let Err(e) = video.pause() {
                        tracing::warn!(error = %e, "cannot mute the failed camera");
                    }
                }
                inner
                    .camera_on
                    .store(false, std::sync::atomic::Ordering::SeqCst);
            }
            VideoKind::ScreenShare => {
                if let Some(video) = videos.remove(&kind) {
                    controller.unpublish(video).await;
                }
            }
        }
        ended(inner, kind, Some(reason));
    });
}

impl super::RoomController {
    fn current_room(&self) -> Result<Room, CoreError> {
        super::lock(&self.0.room).clone().ok_or_else(|| {
            CoreError::new(
                crate::error::ErrorCode::NotInRoom,
                "You are not in an interview room",
            )
        })
    }

    /// Publishes the chosen camera into a freshly connected room.
    pub(super) async fn camera_publish(&self, room: &Room) -> Result<(), CoreError> {
        let device = blocking(camera::chosen).await?;
        let video = LocalVideo::publish(room, &self.0, VideoKind::Camera, device).await?;
        self.0.videos.lock().await.insert(VideoKind::Camera, video);
        announce(&self.0, VideoKind::Camera);
        Ok(())
    }

    /// Turns our camera on or off. Off: the other side sees the track muted, and the
    /// device stops.
    pub async fn set_camera(&self, enabled: bool) -> Result<(), CoreError> {
        let inner = &self.0;
        let room = self.current_room()?;
        let mut videos = inner.videos.lock().await;
        match (videos.get_mut(&VideoKind::Camera), enabled) {
            (Some(video), true) if !video.is_capturing() => {
                video.resume(blocking(camera::chosen).await?).await?;
                announce(inner, VideoKind::Camera);
            }
            (Some(video), false) if video.is_capturing() => {
                video.pause()?;
                ended(inner, VideoKind::Camera, None);
            }
            (None, true) => {
                drop(videos);
                self.camera_publish(&room).await?;
            }
            _ => {}
        }
        inner
            .camera_on
            .store(enabled, std::sync::atomic::Ordering::SeqCst);
        Ok(())
    }

    /// Whether our camera is being sent.
    pub async fn camera_enabled(&self) -> bool {
        let videos = self.0.videos.lock().await;
        videos
            .get(&VideoKind::Camera)
            .is_some_and(LocalVideo::is_capturing)
    }

    /// Shares a screen (by its id from `camera::screens`), replacing a share already
    /// running; None stops sharing.
    pub async fn share_screen(&self, screen: Option<String>) -> Result<(), CoreError> {
        let inner = &self.0;
        let room = self.current_room()?;
        let mut videos = inner.videos.lock().await;
        if let Some(old) = videos.remove(&VideoKind::ScreenShare) {
            self.unpublish(old).await;
            ended(inner, VideoKind::ScreenShare, None);
        }
        let Some(id) = screen else {
            return Ok(());
        };
        let device = blocking(move || camera::screen(&id)).await?;
        let video = LocalVideo::publish(&room, inner, VideoKind::ScreenShare, device).await?;
        videos.insert(VideoKind::ScreenShare, video);
        announce(inner, VideoKind::ScreenShare);
        Ok(())
    }

    /// Makes the capture of `kind` fail as an unplugged device does (fault tests).
    pub async fn simulate_unplug(&self, kind: VideoKind) -> bool {
        let videos = self.0.videos.lock().await;
        let capture = videos.get(&kind).and_then(|v| v.capture.as_ref());
        capture.map(Capture::simulate_unplug).is_some()
    }

    async fn unpublish(&self, video: LocalVideo) {
        let sid = video.publication.sid().to_owned();
        // The capture stops before the track goes, so no frame is pushed into a dead source.
        drop(video.capture);
        if let Ok(room) = self.current_room() {
            if let Err(e) = room.local_participant().unpublish_track(&sid).await {
                tracing::warn!(error = %e, "cannot unpublish our video");
            }
        }
    }
}
