//! Statistics of what the bot receives, printed once a second per remote track:
//! `video_stats` (frames so far, size, mean colour) and `audio_stats` (RMS, frequency).

use std::time::Duration;

use viva_media::synthetic::{rms, zero_crossing_frequency};
use viva_media::{AudioStream, RemoteTrack, TrackKind, VideoFormat, VideoStream};

use super::output::emit;

/// Stops the watcher when dropped.
pub struct Watcher(tokio::task::JoinHandle<()>);

impl Drop for Watcher {
    fn drop(&mut self) {
        self.0.abort();
    }
}

pub fn start(track: &RemoteTrack) -> Option<Watcher> {
    let participant = track.participant_identity().to_owned();
    match track.kind() {
        TrackKind::Video => {
            let mut stream = match VideoStream::new(track, VideoFormat::Rgba) {
                Ok(s) => s,
                Err(e) => {
                    emit(
                        "error",
                        serde_json::json!({"stage": "subscribe", "message": e.to_string()}),
                    );
                    return None;
                }
            };
            Some(Watcher(tokio::spawn(async move {
                let mut frames = 0u64;
                let mut tick = tokio::time::interval(Duration::from_secs(1));
                tick.tick().await;
                loop {
                    tokio::select! {
                        f = stream.next() => match f {
                            Some(_) => frames += 1,
                            None => return,
                        },
                        _ = tick.tick() => {
                            if let Some(latest) = stream.latest() {
                                let [r, g, b] = latest.mean_rgb();
                                emit("video_stats", serde_json::json!({
                                    "participant": participant,
                                    "frames": frames,
                                    "width": latest.width,
                                    "height": latest.height,
                                    "mean_rgb": [r.round(), g.round(), b.round()],
                                }));
                            }
                        }
                    }
                }
            })))
        }
        TrackKind::Audio => {
            let mut stream = match AudioStream::new(track, 48_000, 1) {
                Ok(s) => s,
                Err(e) => {
                    emit(
                        "error",
                        serde_json::json!({"stage": "subscribe", "message": e.to_string()}),
                    );
                    return None;
                }
            };
            Some(Watcher(tokio::spawn(async move {
                let mut window: Vec<i16> = Vec::with_capacity(48_000);
                let mut tick = tokio::time::interval(Duration::from_secs(1));
                tick.tick().await;
                loop {
                    tokio::select! {
                        f = stream.next() => match f {
                            Some(frame) => window.extend_from_slice(&frame.data),
                            None => return,
                        },
                        _ = tick.tick() => {
                            let level = rms(&window);
                            let hz = zero_crossing_frequency(&window, 48_000);
                            emit("audio_stats", serde_json::json!({
                                "participant": participant,
                                "rms": (level * 1000.0).round() / 1000.0,
                                "hz": hz.round(),
                            }));
                            window.clear();
                        }
                    }
                }
            })))
        }
        TrackKind::Unknown => None,
    }
}
