//! Media from remote tracks. Video keeps only the latest frame (a renderer that falls
//! behind skips frames instead of piling them up); audio is a short bounded queue that
//! drops the newest frames when the reader stalls.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{mpsc, watch};

use crate::engine::{engine, EventSink};
use crate::error::MediaError;
use crate::frame::{chroma, AudioFrame, VideoFormat, VideoFrame};
use crate::handle::Handle;
use crate::proto::{
    self, ffi_event::Message as Ev, ffi_request::Message as Req, ffi_response::Message as Res,
};
use crate::track::{RemoteTrack, TrackKind};

/// 10 ms frames: half a second of audio before we start dropping.
const AUDIO_QUEUE_FRAMES: usize = 50;

pub struct VideoStream {
    handle: Handle,
    frames: watch::Receiver<Option<Arc<VideoFrame>>>,
    /// Frames the library delivered (decoded) on this stream, read or not.
    received: Arc<AtomicU64>,
    // Keeps the track alive as long as we read from it.
    _track: RemoteTrack,
}

impl VideoStream {
    /// Frames from `track`, converted by the library to `format`.
    pub fn new(track: &RemoteTrack, format: VideoFormat) -> Result<Self, MediaError> {
        if track.kind() != TrackKind::Video {
            return Err(MediaError::InvalidArgument(format!(
                "track {} is not video",
                track.sid()
            )));
        }
        let engine = engine()?;
        let response = engine.request(Req::NewVideoStream(proto::NewVideoStreamRequest {
            track_handle: track.handle.id(),
            r#type: proto::VideoStreamType::VideoStreamNative as i32,
            format: Some(format.to_proto() as i32),
            normalize_stride: Some(true),
            queue_size_frames: None,
        }))?;
        let Res::NewVideoStream(created) = response else {
            return Err(MediaError::Protocol("NewVideoStream"));
        };
        let handle = Handle::owned(&created.stream.handle);
        let (tx, rx) = watch::channel(None);
        let received = Arc::new(AtomicU64::new(0));
        // Frames that arrive before this registration are released by the dispatcher.
        engine.register_sink(
            handle.id(),
            Arc::new(VideoSink {
                tx: Mutex::new(Some(tx)),
                format,
                received: received.clone(),
            }),
        );
        Ok(Self {
            handle,
            frames: rx,
            received,
            _track: track.clone(),
        })
    }

    /// Waits for a frame newer than the last one returned; None when the track ended.
    pub async fn next(&mut self) -> Option<Arc<VideoFrame>> {
        self.frames.changed().await.ok()?;
        self.frames.borrow_and_update().clone()
    }

    /// Frames the engine decoded on this stream so far, including those a slow reader skipped.
    pub fn received(&self) -> u64 {
        self.received.load(Ordering::Relaxed)
    }

    /// The most recent frame, without waiting.
    pub fn latest(&self) -> Option<Arc<VideoFrame>> {
        self.frames.borrow().clone()
    }
}

impl Drop for VideoStream {
    fn drop(&mut self) {
        if let Ok(engine) = engine() {
            engine.unregister_sink(self.handle.id());
        }
    }
}

struct VideoSink {
    tx: Mutex<Option<watch::Sender<Option<Arc<VideoFrame>>>>>,
    format: VideoFormat,
    received: Arc<AtomicU64>,
}

impl EventSink for VideoSink {
    fn deliver(&self, event: Ev) -> Option<Ev> {
        let Ev::VideoStreamEvent(stream_event) = event else {
            return Some(event);
        };
        let mut tx = self.tx.lock().unwrap_or_else(|e| e.into_inner());
        match stream_event.message {
            Some(proto::video_stream_event::Message::FrameReceived(received)) => {
                let buffer = Handle::owned(&received.buffer.handle);
                let frame = copy_video(&received.buffer.info, self.format, received.timestamp_us);
                drop(buffer);
                if let (Some(frame), Some(tx)) = (frame, tx.as_ref()) {
                    self.received.fetch_add(1, Ordering::Relaxed);
                    tx.send_replace(Some(Arc::new(frame)));
                }
            }
            // Dropping the sender wakes the reader with "ended".
            Some(proto::video_stream_event::Message::Eos(_)) => *tx = None,
            None => {}
        }
        None
    }
}

/// Copies a library video buffer into a packed frame, honouring the strides it reports.
fn copy_video(
    info: &proto::VideoBufferInfo,
    format: VideoFormat,
    timestamp_us: i64,
) -> Option<VideoFrame> {
    let (w, h) = (info.width as usize, info.height as usize);
    if info.data_ptr == 0 || w == 0 || h == 0 || info.r#type != format.to_proto() as i32 {
        return None;
    }
    let mut data = Vec::with_capacity(format.frame_len(info.width, info.height));
    // SAFETY (both arms): the library owns `stride * rows` readable bytes at each plane
    // pointer until the buffer handle is dropped, which our caller does after this.
    match format {
        VideoFormat::Rgba => {
            let stride = info
                .stride
                .map(|s| s as usize)
                .filter(|&s| s >= w * 4)
                .unwrap_or(w * 4);
            let base = info.data_ptr as *const u8;
            for row in 0..h {
                let line = unsafe { std::slice::from_raw_parts(base.add(row * stride), w * 4) };
                data.extend_from_slice(line);
            }
        }
        VideoFormat::I420 => {
            let planes = [(w, h), (chroma(w), chroma(h)), (chroma(w), chroma(h))];
            if info.components.len() < 3 {
                return None;
            }
            for (component, (pw, ph)) in info.components.iter().zip(planes) {
                let stride = (component.stride as usize).max(pw);
                if component.data_ptr == 0 || (component.size as usize) < stride * (ph - 1) + pw {
                    return None;
                }
                let base = component.data_ptr as *const u8;
                for row in 0..ph {
                    let line = unsafe { std::slice::from_raw_parts(base.add(row * stride), pw) };
                    data.extend_from_slice(line);
                }
            }
        }
    }
    Some(VideoFrame {
        width: info.width,
        height: info.height,
        format,
        data,
        timestamp_us,
    })
}

pub struct AudioStream {
    handle: Handle,
    frames: mpsc::Receiver<AudioFrame>,
    dropped: Arc<AtomicU64>,
    _track: RemoteTrack,
}

impl AudioStream {
    /// PCM from `track`, resampled and remixed by the library to the rate and channels asked.
    pub fn new(track: &RemoteTrack, sample_rate: u32, channels: u32) -> Result<Self, MediaError> {
        if track.kind() != TrackKind::Audio {
            return Err(MediaError::InvalidArgument(format!(
                "track {} is not audio",
                track.sid()
            )));
        }
        let engine = engine()?;
        let response = engine.request(Req::NewAudioStream(proto::NewAudioStreamRequest {
            track_handle: track.handle.id(),
            r#type: proto::AudioStreamType::AudioStreamNative as i32,
            sample_rate: Some(sample_rate),
            num_channels: Some(channels),
            audio_filter_module_id: None,
            audio_filter_options: None,
            frame_size_ms: Some(10),
            queue_size_frames: None,
        }))?;
        let Res::NewAudioStream(created) = response else {
            return Err(MediaError::Protocol("NewAudioStream"));
        };
        let handle = Handle::owned(&created.stream.handle);
        let (tx, rx) = mpsc::channel(AUDIO_QUEUE_FRAMES);
        let dropped = Arc::new(AtomicU64::new(0));
        engine.register_sink(
            handle.id(),
            Arc::new(AudioSink {
                tx: Mutex::new(Some(tx)),
                dropped: dropped.clone(),
            }),
        );
        Ok(Self {
            handle,
            frames: rx,
            dropped,
            _track: track.clone(),
        })
    }

    /// The next frame; None when the track ended.
    pub async fn next(&mut self) -> Option<AudioFrame> {
        self.frames.recv().await
    }

    /// Frames discarded because the reader fell behind.
    pub fn dropped_frames(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

impl Drop for AudioStream {
    fn drop(&mut self) {
        if let Ok(engine) = engine() {
            engine.unregister_sink(self.handle.id());
        }
    }
}

struct AudioSink {
    tx: Mutex<Option<mpsc::Sender<AudioFrame>>>,
    dropped: Arc<AtomicU64>,
}

impl EventSink for AudioSink {
    fn deliver(&self, event: Ev) -> Option<Ev> {
        let Ev::AudioStreamEvent(stream_event) = event else {
            return Some(event);
        };
        let mut tx = self.tx.lock().unwrap_or_else(|e| e.into_inner());
        match stream_event.message {
            Some(proto::audio_stream_event::Message::FrameReceived(received)) => {
                let buffer = Handle::owned(&received.frame.handle);
                let info = &received.frame.info;
                let len = (info.samples_per_channel * info.num_channels) as usize;
                let data = if info.data_ptr == 0 {
                    Vec::new()
                } else {
                    // SAFETY: `len` samples stay valid until the buffer handle is dropped.
                    unsafe { std::slice::from_raw_parts(info.data_ptr as *const i16, len) }.to_vec()
                };
                drop(buffer);
                let frame = AudioFrame {
                    sample_rate: info.sample_rate,
                    channels: info.num_channels,
                    samples_per_channel: info.samples_per_channel,
                    data,
                };
                if let Some(sender) = tx.as_ref() {
                    if sender.try_send(frame).is_err() {
                        self.dropped.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
            Some(proto::audio_stream_event::Message::Eos(_)) => *tx = None,
            None => {}
        }
        None
    }
}
