//! Statistics of what the bot receives, printed once a second per remote track:
//! `video_stats` (frames so far, size, mean colour) and `audio_stats` (RMS, frequency).

use std::time::Duration;

use viva_media::synthetic::{rms, zero_crossing_frequency};
use viva_media::{AudioStream, RemoteTrack, TrackKind, VideoFormat, VideoStream};

use crate::output::emit;

/// Stops the watcher when dropped.
pub struct Watcher(tokio::task::JoinHandle<()>);

impl Drop for Watcher {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// `source` is what the publisher said the track carries (`camera`, `screen_share`, ...).
pub fn start(track: &RemoteTrack, source: &'static str) -> Option<Watcher> {
    let participant = track.participant_identity().to_owned();
    let sid = track.sid().to_owned();
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
                let mut last = (0u64, tokio::time::Instant::now());
                let mut tick = tokio::time::interval(Duration::from_secs(1));
                tick.tick().await;
                loop {
                    tokio::select! {
                        f = stream.next() => match f {
                            Some(_) => frames += 1,
                            None => return,
                        },
                        _ = tick.tick() => {
                            // Frames per second since the last report, as received.
                            let now = tokio::time::Instant::now();
                            let fps = (frames - last.0) as f64
                                / now.duration_since(last.1).as_secs_f64().max(1e-3);
                            last = (frames, now);
                            if let Some(latest) = stream.latest() {
                                let [r, g, b] = latest.mean_rgb();
                                emit("video_stats", serde_json::json!({
                                    "participant": participant,
                                    "sid": sid,
                                    "source": source,
                                    "frames": frames,
                                    "fps": (fps * 10.0).round() / 10.0,
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
