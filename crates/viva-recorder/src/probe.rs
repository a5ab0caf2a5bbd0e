//! What a recorded file holds, decoded by GStreamer: its length, the colour of its picture
//! and the pitch of its sound (`viva-recorder --probe FILE`, and the recording tests).

use std::path::Path;
use std::sync::{Arc, Mutex};

use gstreamer as gst;
use gstreamer::prelude::*;
use gstreamer_app as gst_app;

use crate::RecorderError;

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct Probe {
    /// The end of the last picture or sound, in seconds.
    pub duration_s: f64,
    pub video_frames: u64,
    /// Mean R, G, B of the pictures after the first second (the opening black frame and a
    /// keyframe's wait are left out).
    pub mean_rgb: Option<[f64; 3]>,
    pub audio_seconds: f64,
    /// Zero-crossing pitch of the sound after the first second.
    pub audio_hz: Option<f64>,
}

#[derive(Default)]
struct Acc {
    end_ns: u64,
    frames: u64,
    rgb: [f64; 3],
    rgb_frames: u64,
    samples: Vec<i16>,
    audio_ns: u64,
}

/// Decodes the whole file (faster than real time).
pub fn probe(path: &Path) -> Result<Probe, RecorderError> {
    let err = |e: String| RecorderError::Pipeline(e);
    let pipeline = gst::parse::launch(
        // The caps after `dec.` pick which decoded stream goes where.
        "filesrc name=src ! decodebin name=dec \
         dec. ! video/x-raw ! queue ! videoconvert ! video/x-raw,format=RGB \
           ! appsink name=video sync=false \
         dec. ! audio/x-raw ! queue ! audioconvert ! audioresample \
           ! audio/x-raw,format=S16LE,channels=1,rate=48000,layout=interleaved \
           ! appsink name=audio sync=false",
    )
    .map_err(|e| err(e.to_string()))?
    .downcast::<gst::Pipeline>()
    .map_err(|_| err("not a pipeline".into()))?;
    pipeline
        .by_name("src")
        .ok_or_else(|| err("no filesrc".into()))?
        .set_property("location", path.to_string_lossy().to_string());
    let acc = Arc::new(Mutex::new(Acc::default()));
    for name in ["video", "audio"] {
        let sink = pipeline
            .by_name(name)
            .and_then(|e| e.downcast::<gst_app::AppSink>().ok())
            .ok_or_else(|| err(format!("no {name} sink")))?;
        let acc = acc.clone();
        let is_video = name == "video";
        sink.set_callbacks(
            gst_app::AppSinkCallbacks::builder()
                .new_sample(move |s| {
                    let sample = s.pull_sample().map_err(|_| gst::FlowError::Eos)?;
                    let buffer = sample.buffer().ok_or(gst::FlowError::Error)?;
                    let pts = buffer.pts().map_or(0, |t| t.nseconds());
                    let dur = buffer.duration().map_or(0, |t| t.nseconds());
                    let map = buffer.map_readable().map_err(|_| gst::FlowError::Error)?;
                    let mut a = acc.lock().unwrap_or_else(|e| e.into_inner());
                    a.end_ns = a.end_ns.max(pts + dur);
                    if is_video {
                        a.frames += 1;
                        if pts >= 1_000_000_000 {
                            let px = map.as_slice();
                            let n = (px.len() / 3).max(1) as f64;
                            let mut sum = [0f64; 3];
                            for c in px.chunks_exact(3) {
                                for (s, &v) in sum.iter_mut().zip(c) {
                                    *s += v as f64;
                                }
                            }
                            for (total, s) in a.rgb.iter_mut().zip(sum) {
                                *total += s / n;
                            }
                            a.rgb_frames += 1;
                        }
                    } else {
                        let samples: Vec<i16> = map
                            .as_slice()
                            .chunks_exact(2)
                            .map(|b| i16::from_le_bytes([b[0], b[1]]))
                            .collect();
                        a.audio_ns += samples.len() as u64 * 1_000_000_000 / 48_000;
                        if pts >= 1_000_000_000 && a.samples.len() < 48_000 * 3 {
                            a.samples.extend(samples);
                        }
                    }
                    Ok(gst::FlowSuccess::Ok)
                })
                .build(),
        );
    }
    pipeline
        .set_state(gst::State::Playing)
        .map_err(|e| err(format!("cannot decode {}: {e}", path.display())))?;
    let bus = pipeline.bus().expect("a pipeline has a bus");
    let msg = bus.timed_pop_filtered(
        gst::ClockTime::from_seconds(120),
        &[gst::MessageType::Eos, gst::MessageType::Error],
    );
    let _ = pipeline.set_state(gst::State::Null);
    if let Some(gst::MessageView::Error(e)) = msg.as_ref().map(|m| m.view()) {
        return Err(err(format!("decoding {}: {}", path.display(), e.error())));
    }
    let a = acc.lock().unwrap_or_else(|e| e.into_inner());
    Ok(Probe {
        duration_s: a.end_ns as f64 / 1e9,
        video_frames: a.frames,
        mean_rgb: (a.rgb_frames > 0).then(|| a.rgb.map(|c| c / a.rgb_frames as f64)),
        audio_seconds: a.audio_ns as f64 / 1e9,
        audio_hz: (a.samples.len() > 4_800).then(|| zero_crossing_hz(&a.samples)),
    })
}

fn zero_crossing_hz(samples: &[i16]) -> f64 {
    let crossings = samples
        .windows(2)
        .filter(|w| (w[0] < 0) != (w[1] < 0))
        .count();
    crossings as f64 / 2.0 / (samples.len() as f64 / 48_000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pure_tone_measures_its_pitch() {
        let tone: Vec<i16> = (0..48_000)
            .map(|i| ((i as f64 * 440.0 * std::f64::consts::TAU / 48_000.0).sin() * 8000.0) as i16)
            .collect();
        assert!((zero_crossing_hz(&tone) - 440.0).abs() < 2.0);
    }
}
