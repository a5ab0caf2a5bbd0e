//! Synthetic media the bot publishes: a coloured pattern with an embedded frame counter and
//! a sine tone. Each runs in its own task until the returned guard is dropped.

use std::time::Duration;

use viva_media::synthetic::{FrameStamp, SineTone, VideoPattern};
use viva_media::{
    AudioSource, LocalTrack, MediaError, PublishOptions, Room, VideoFormat, VideoSource,
    VideoSourceOptions,
};

use super::Args;

/// Stops the publishing tasks when dropped.
pub struct Publishers(Vec<tokio::task::JoinHandle<()>>);

impl Drop for Publishers {
    fn drop(&mut self) {
        for t in &self.0 {
            t.abort();
        }
    }
}

pub async fn start(room: &Room, args: &Args) -> Result<Publishers, MediaError> {
    let mut tasks = Vec::new();
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
    Ok(Publishers(tasks))
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
