//! Sources we push media into. This library build has no camera or screen capture, so the
//! app captures frames itself and pushes them here (screen share: `is_screencast`).

use std::sync::Arc;
use std::time::Duration;

use crate::audio_device::PlatformAudioShared;
use crate::engine::engine;
use crate::error::MediaError;
use crate::frame::{chroma, AudioFrame, VideoFormat, VideoFrame};
use crate::handle::Handle;
use crate::proto::{
    self, ffi_event::Message as Ev, ffi_request::Message as Req, ffi_response::Message as Res,
};

#[derive(Debug, Clone, Copy, Default)]
pub struct VideoSourceOptions {
    /// Screen content: keep resolution under congestion, crisp text, zero-hertz when static.
    pub is_screencast: bool,
}

#[derive(Debug)]
pub struct VideoSource {
    handle: Handle,
    width: u32,
    height: u32,
}

impl VideoSource {
    /// `width` x `height` is the initial resolution; frames of other sizes are accepted.
    pub fn new(width: u32, height: u32, options: VideoSourceOptions) -> Result<Self, MediaError> {
        if width == 0 || height == 0 {
            return Err(MediaError::InvalidArgument(format!(
                "video source of {width}x{height}"
            )));
        }
        let response = engine()?.request(Req::NewVideoSource(proto::NewVideoSourceRequest {
            r#type: proto::VideoSourceType::VideoSourceNative as i32,
            resolution: proto::VideoSourceResolution { width, height },
            is_screencast: Some(options.is_screencast),
        }))?;
        let Res::NewVideoSource(created) = response else {
            return Err(MediaError::Protocol("NewVideoSource"));
        };
        Ok(Self {
            handle: Handle::owned(&created.source.handle),
            width,
            height,
        })
    }

    pub fn width(&self) -> u32 {
        self.width
    }

    pub fn height(&self) -> u32 {
        self.height
    }

    pub(crate) fn handle_id(&self) -> u64 {
        self.handle.id()
    }

    /// Pushes one frame. The library copies (and for RGBA converts) it during the call.
    pub fn capture_frame(&self, frame: &VideoFrame) -> Result<(), MediaError> {
        let expected = frame.format.frame_len(frame.width, frame.height);
        if frame.width == 0 || frame.height == 0 || frame.data.len() < expected {
            return Err(MediaError::InvalidArgument(format!(
                "{:?} frame {}x{} needs {expected} bytes, has {}",
                frame.format,
                frame.width,
                frame.height,
                frame.data.len()
            )));
        }
        let base = frame.data.as_ptr() as u64;
        let (w, h) = (frame.width as usize, frame.height as usize);
        let (stride, components) = match frame.format {
            VideoFormat::Rgba => (Some(frame.width * 4), Vec::new()),
            VideoFormat::I420 => {
                let (cw, ch) = (chroma(w), chroma(h));
                let plane = |offset: usize, stride: usize, size: usize| {
                    proto::video_buffer_info::ComponentInfo {
                        data_ptr: base + offset as u64,
                        stride: stride as u32,
                        size: size as u32,
                    }
                };
                (
                    Some(frame.width),
                    vec![
                        plane(0, w, w * h),
                        plane(w * h, cw, cw * ch),
                        plane(w * h + cw * ch, cw, cw * ch),
                    ],
                )
            }
        };
        let response =
            engine()?.request(Req::CaptureVideoFrame(proto::CaptureVideoFrameRequest {
                source_handle: self.handle.id(),
                buffer: proto::VideoBufferInfo {
                    r#type: frame.format.to_proto() as i32,
                    width: frame.width,
                    height: frame.height,
                    data_ptr: base,
                    stride,
                    components,
                },
                timestamp_us: frame.timestamp_us,
                rotation: proto::VideoRotation::VideoRotation0 as i32,
                metadata: None,
            }))?;
        match response {
            Res::CaptureVideoFrame(_) => Ok(()),
            _ => Err(MediaError::Protocol("CaptureVideoFrame")),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AudioSourceKind {
    /// We push PCM frames with `capture_frame`.
    Pushed,
    /// The platform microphone feeds it directly (see `PlatformAudio::microphone`).
    Microphone,
}

#[derive(Debug)]
pub struct AudioSource {
    handle: Handle,
    sample_rate: u32,
    channels: u32,
    kind: AudioSourceKind,
    /// The library's buffered source takes one capture at a time (InvalidState otherwise).
    capture: tokio::sync::Mutex<()>,
    // Declared after `handle` so the source is released before the device module.
    _platform: Option<Arc<PlatformAudioShared>>,
}

impl AudioSource {
    /// A source we push PCM into. `queue_size_ms` > 0 buffers that much audio and paces
    /// captures at real time once full; 0 passes frames straight through.
    pub fn new(sample_rate: u32, channels: u32, queue_size_ms: u32) -> Result<Self, MediaError> {
        if sample_rate == 0 || channels == 0 {
            return Err(MediaError::InvalidArgument(format!(
                "audio source at {sample_rate} Hz with {channels} channels"
            )));
        }
        let response = engine()?.request(Req::NewAudioSource(proto::NewAudioSourceRequest {
            r#type: proto::AudioSourceType::AudioSourceNative as i32,
            options: None,
            sample_rate: Some(sample_rate),
            num_channels: Some(channels),
            queue_size_ms: Some(queue_size_ms),
            platform_audio_handle: None,
        }))?;
        Self::from_response(
            response,
            sample_rate,
            channels,
            AudioSourceKind::Pushed,
            None,
        )
    }

    pub(crate) fn from_response(
        response: Res,
        sample_rate: u32,
        channels: u32,
        kind: AudioSourceKind,
        platform: Option<Arc<PlatformAudioShared>>,
    ) -> Result<Self, MediaError> {
        let Res::NewAudioSource(created) = response else {
            return Err(MediaError::Protocol("NewAudioSource"));
        };
        if created.source.handle.id == 0 {
            return Err(MediaError::AudioDevice(
                "the library returned no audio source".into(),
            ));
        }
        Ok(Self {
            handle: Handle::owned(&created.source.handle),
            sample_rate,
            channels,
            kind,
            capture: tokio::sync::Mutex::new(()),
            _platform: platform,
        })
    }

    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    pub fn channels(&self) -> u32 {
        self.channels
    }

    pub fn kind(&self) -> AudioSourceKind {
        self.kind
    }

    pub(crate) fn handle_id(&self) -> u64 {
        self.handle.id()
    }

    /// Pushes one frame and waits until the library has taken it. With a queue this paces
    /// the caller at real time, which is what a generator loop wants.
    pub async fn capture_frame(&self, frame: &AudioFrame) -> Result<(), MediaError> {
        if self.kind == AudioSourceKind::Microphone {
            return Err(MediaError::InvalidState(
                "a microphone source is fed by the audio device, not by capture_frame".into(),
            ));
        }
        if frame.sample_rate != self.sample_rate || frame.channels != self.channels {
            return Err(MediaError::InvalidArgument(format!(
                "frame {} Hz x{} into a source of {} Hz x{}",
                frame.sample_rate, frame.channels, self.sample_rate, self.channels
            )));
        }
        if frame.data.len() < (frame.samples_per_channel * frame.channels) as usize {
            return Err(MediaError::InvalidArgument(
                "audio frame shorter than its header".into(),
            ));
        }
        let _one_in_flight = self.capture.lock().await;
        let engine = engine()?;
        // The library copies the samples before answering, so borrowing is enough.
        let event = engine
            .request_async("audio capture", Duration::from_secs(10), |async_id| {
                Req::CaptureAudioFrame(proto::CaptureAudioFrameRequest {
                    source_handle: self.handle.id(),
                    buffer: proto::AudioFrameBufferInfo {
                        data_ptr: frame.data.as_ptr() as u64,
                        num_channels: frame.channels,
                        sample_rate: frame.sample_rate,
                        samples_per_channel: frame.samples_per_channel,
                    },
                    request_async_id: Some(async_id),
                })
            })
            .await?;
        match event {
            Ev::CaptureAudioFrame(cb) => match cb.error {
                Some(e) if !e.is_empty() => Err(MediaError::Capture(e)),
                _ => Ok(()),
            },
            _ => Err(MediaError::Protocol("CaptureAudioFrame")),
        }
    }

    /// Discards audio queued but not yet sent (e.g. on mute).
    pub fn clear_queue(&self) -> Result<(), MediaError> {
        engine()?.request(Req::ClearAudioBuffer(proto::ClearAudioBufferRequest {
            source_handle: self.handle.id(),
        }))?;
        Ok(())
    }
}
