//! Synthetic media that a receiver can check: a sine tone, and a solid-colour video with a
//! moving marker and a block code carrying a frame counter and a send timestamp (for
//! latency). Used by tests and by the app's "test your connection" path, which has no
//! camera or microphone to rely on.
//!
//! The code is a grid of black/white blocks near the top-left corner, sized in proportion
//! to the frame so it survives simulcast downscaling and the encoder's smoothing: 8 columns
//! by 10 rows carry the counter (32 bits), the timestamp (32 bits) and a 16-bit check.
//! Together with the marker it covers about 2% of the pixels, so the frame's mean colour
//! stays within a few units of the chosen colour.

use std::f64::consts::TAU;

use crate::frame::{AudioFrame, VideoFormat, VideoFrame};

const COLUMNS: u32 = 8;
const ROWS: u32 = 10;
/// Blocks of the code plus the marker's (2x2 blocks) share of the frame.
const CODE_SHARE: f64 = 0.02;
const MARKER_BLOCKS: f64 = 2.0;

/// A 10 ms, 16-bit mono tone generator with continuous phase across frames.
#[derive(Debug, Clone)]
pub struct SineTone {
    frequency: f64,
    sample_rate: u32,
    amplitude: f64,
    phase: f64,
}

impl SineTone {
    /// `amplitude` is a fraction of full scale (0.0-1.0).
    pub fn new(frequency: f64, sample_rate: u32, amplitude: f64) -> Self {
        Self {
            frequency,
            sample_rate,
            amplitude: amplitude.clamp(0.0, 1.0),
            phase: 0.0,
        }
    }

    /// The next 10 ms.
    pub fn next_frame(&mut self) -> AudioFrame {
        let samples = self.sample_rate / 100;
        let step = TAU * self.frequency / self.sample_rate as f64;
        let data = (0..samples)
            .map(|_| {
                let value = (self.phase.sin() * self.amplitude * i16::MAX as f64) as i16;
                self.phase = (self.phase + step) % TAU;
                value
            })
            .collect();
        AudioFrame {
            sample_rate: self.sample_rate,
            channels: 1,
            samples_per_channel: samples,
            data,
        }
    }
}

/// Root mean square of the samples as a fraction of full scale.
pub fn rms(samples: &[i16]) -> f64 {
    if samples.is_empty() {
        return 0.0;
    }
    let sum: f64 = samples
        .iter()
        .map(|&s| (s as f64 / i16::MAX as f64).powi(2))
        .sum();
    (sum / samples.len() as f64).sqrt()
}

/// Estimates the frequency of a pure tone from its zero crossings. Mono samples.
pub fn zero_crossing_frequency(samples: &[i16], sample_rate: u32) -> f64 {
    if samples.len() < 2 {
        return 0.0;
    }
    let crossings = samples
        .windows(2)
        .filter(|w| (w[0] < 0 && w[1] >= 0) || (w[0] >= 0 && w[1] < 0))
        .count();
    crossings as f64 * sample_rate as f64 / (2.0 * samples.len() as f64)
}

/// Power of one frequency in the samples (Goertzel), normalised by length.
pub fn goertzel_power(samples: &[i16], sample_rate: u32, frequency: f64) -> f64 {
    let coeff = 2.0 * (TAU * frequency / sample_rate as f64).cos();
    let (mut s1, mut s2) = (0.0, 0.0);
    for &x in samples {
        let s0 = x as f64 / i16::MAX as f64 + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    (s1 * s1 + s2 * s2 - coeff * s1 * s2) / (samples.len().max(1) as f64).powi(2)
}

/// What the block code carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameStamp {
    pub counter: u32,
    /// Milliseconds since the Unix epoch, truncated to 32 bits (wraps every ~49 days;
    /// differences stay correct across the wrap with `wrapping_sub`).
    pub timestamp_ms: u32,
}

impl FrameStamp {
    /// A stamp for now.
    pub fn now(counter: u32) -> Self {
        Self {
            counter,
            timestamp_ms: now_ms(),
        }
    }

    /// Milliseconds between this stamp and now (the one-way latency on one machine).
    pub fn age_ms(&self) -> u32 {
        now_ms().wrapping_sub(self.timestamp_ms)
    }

    fn check(&self) -> u16 {
        // Any mix in which one flipped bit changes the result; an FNV-style fold does.
        let mut h: u32 = 0x811c_9dc5;
        for byte in self
            .counter
            .to_le_bytes()
            .into_iter()
            .chain(self.timestamp_ms.to_le_bytes())
        {
            h = (h ^ byte as u32).wrapping_mul(0x0100_0193);
        }
        (h ^ (h >> 16)) as u16
    }

    fn bits(&self) -> impl Iterator<Item = bool> + '_ {
        let words = [
            (self.counter as u64, 32),
            (self.timestamp_ms as u64, 32),
            (self.check() as u64, 16),
        ];
        words
            .into_iter()
            .flat_map(|(word, len)| (0..len).rev().map(move |i| (word >> i) & 1 == 1))
    }
}

fn now_ms() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u32)
        .unwrap_or(0)
}

/// Geometry of the code in a frame of a given size, in fractional pixels so that it
/// scales exactly with the frame.
#[derive(Debug, Clone, Copy)]
struct Layout {
    block: f64,
}

impl Layout {
    fn for_frame(width: u32, height: u32) -> Self {
        let blocks = (COLUMNS * ROWS) as f64 + MARKER_BLOCKS * MARKER_BLOCKS;
        Self {
            block: (CODE_SHARE * width as f64 * height as f64 / blocks).sqrt(),
        }
    }

    /// Pixel bounds of block (col, row); the code starts one block in from the corner.
    fn cell(&self, col: u32, row: u32) -> (u32, u32, u32, u32) {
        let x0 = (self.block * (col + 1) as f64).round() as u32;
        let y0 = (self.block * (row + 1) as f64).round() as u32;
        let x1 = (self.block * (col + 2) as f64).round() as u32;
        let y1 = (self.block * (row + 2) as f64).round() as u32;
        (x0, y0, x1, y1)
    }
}

/// A solid colour with a moving marker and a block code.
#[derive(Debug, Clone)]
pub struct VideoPattern {
    pub width: u32,
    pub height: u32,
    pub color: [u8; 3],
    pub format: VideoFormat,
}

impl VideoPattern {
    pub fn new(width: u32, height: u32, color: [u8; 3], format: VideoFormat) -> Self {
        Self {
            width,
            height,
            color,
            format,
        }
    }

    /// Renders the frame carrying `stamp`; the marker position follows the counter.
    pub fn render(&self, stamp: FrameStamp) -> VideoFrame {
        let mut frame = VideoFrame::solid(self.width, self.height, self.format, self.color);
        let layout = Layout::for_frame(self.width, self.height);
        // An even-aligned marker keeps its I420 chroma from bleeding into the background.
        let even = |v: u32| v & !1;
        let marker = (layout.block * MARKER_BLOCKS).round().max(2.0) as u32;
        let travel = self.width.saturating_sub(marker).max(1);
        let x = even(stamp.counter.wrapping_mul(4) % travel);
        let y = even(
            self.height
                .saturating_sub(marker + layout.block.round() as u32),
        );
        frame.fill_rect(
            x,
            y,
            even(marker).max(2),
            even(marker).max(2),
            [255, 255, 255],
        );
        // Code blocks keep their exact bounds: the decoder reads luma, which I420 stores
        // per pixel, so a chroma sample shared across a block edge does not matter.
        for (i, bit) in stamp.bits().enumerate() {
            let (col, row) = (i as u32 % COLUMNS, i as u32 / COLUMNS);
            let (x0, y0, x1, y1) = layout.cell(col, row);
            let colour = if bit { [255, 255, 255] } else { [0, 0, 0] };
            frame.fill_rect(x0, y0, x1 - x0, y1 - y0, colour);
        }
        frame.timestamp_us = stamp.timestamp_ms as i64 * 1000;
        frame
    }
}

/// Reads the block code back from a received frame (any size, either format). None when
/// the check fails: a frame too small, too compressed, or not ours.
pub fn decode_stamp(frame: &VideoFrame) -> Option<FrameStamp> {
    let layout = Layout::for_frame(frame.width, frame.height);
    if layout.block < 3.0 {
        return None;
    }
    let mut bits = Vec::with_capacity((COLUMNS * ROWS) as usize);
    for row in 0..ROWS {
        for col in 0..COLUMNS {
            let (x0, y0, x1, y1) = layout.cell(col, row);
            // Sample the middle half of the block: its edges are blurred by the codec.
            let (qx, qy) = ((x1 - x0) / 4, (y1 - y0) / 4);
            let (mut sum, mut n) = (0u32, 0u32);
            for y in (y0 + qy)..(y1 - qy).min(frame.height) {
                for x in (x0 + qx)..(x1 - qx).min(frame.width) {
                    sum += frame.luma(x, y) as u32;
                    n += 1;
                }
            }
            if n == 0 {
                return None;
            }
            bits.push(sum / n >= 128);
        }
    }
    let word = |range: std::ops::Range<usize>| {
        bits[range]
            .iter()
            .fold(0u64, |acc, &b| (acc << 1) | b as u64)
    };
    let stamp = FrameStamp {
        counter: word(0..32) as u32,
        timestamp_ms: word(32..64) as u32,
    };
    (word(64..80) as u16 == stamp.check()).then_some(stamp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_frame_code_round_trips_in_both_formats_and_sizes() {
        for (w, h) in [(640, 360), (1280, 720), (320, 180), (480, 480)] {
            for format in [VideoFormat::Rgba, VideoFormat::I420] {
                let pattern = VideoPattern::new(w, h, [30, 160, 220], format);
                for counter in [0, 1, 0xdead_beef, u32::MAX] {
                    let stamp = FrameStamp {
                        counter,
                        timestamp_ms: counter.rotate_left(7) ^ 0x5555_aaaa,
                    };
                    let frame = pattern.render(stamp);
                    assert_eq!(
                        decode_stamp(&frame),
                        Some(stamp),
                        "{w}x{h} {format:?} counter {counter:#x}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_code_survives_downscaling_to_a_simulcast_layer() {
        let stamp = FrameStamp {
            counter: 123_456,
            timestamp_ms: 987_654_321,
        };
        let big = VideoPattern::new(1280, 720, [200, 50, 50], VideoFormat::Rgba).render(stamp);
        // Box-filter to a quarter of the area, as a simulcast layer would carry it.
        let (w, h) = (640u32, 360u32);
        let mut small = VideoFrame::solid(w, h, VideoFormat::Rgba, [0, 0, 0]);
        for y in 0..h {
            for x in 0..w {
                let mut acc = [0u32; 3];
                for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                    let p = big.pixel(2 * x + dx, 2 * y + dy);
                    for c in 0..3 {
                        acc[c] += p[c] as u32;
                    }
                }
                small.fill_rect(
                    x,
                    y,
                    1,
                    1,
                    [(acc[0] / 4) as u8, (acc[1] / 4) as u8, (acc[2] / 4) as u8],
                );
            }
        }
        assert_eq!(decode_stamp(&small), Some(stamp));
    }

    #[test]
    fn a_plain_frame_or_a_flipped_bit_is_not_a_stamp() {
        let plain = VideoFrame::solid(640, 360, VideoFormat::Rgba, [128, 128, 128]);
        assert_eq!(decode_stamp(&plain), None);
        let stamp = FrameStamp {
            counter: 42,
            timestamp_ms: 4242,
        };
        let mut frame = VideoPattern::new(640, 360, [0, 0, 0], VideoFormat::Rgba).render(stamp);
        let layout = Layout::for_frame(640, 360);
        let (x0, y0, x1, y1) = layout.cell(0, 0);
        let was_white = frame.luma((x0 + x1) / 2, (y0 + y1) / 2) > 128;
        let flipped = if was_white {
            [0, 0, 0]
        } else {
            [255, 255, 255]
        };
        frame.fill_rect(x0, y0, x1 - x0, y1 - y0, flipped);
        assert_eq!(
            decode_stamp(&frame),
            None,
            "the check catches a single wrong bit"
        );
    }

    #[test]
    fn the_code_and_marker_barely_move_the_mean_colour() {
        let colour = [40, 180, 90];
        for (w, h) in [(640, 360), (480, 480), (1280, 720)] {
            let frame = VideoPattern::new(w, h, colour, VideoFormat::Rgba).render(FrameStamp {
                counter: 7,
                timestamp_ms: 0,
            });
            let changed = (0..h)
                .flat_map(|y| (0..w).map(move |x| (x, y)))
                .filter(|&(x, y)| frame.pixel(x, y) != colour)
                .count();
            let share = changed as f64 / (w * h) as f64;
            assert!(
                share < 0.03,
                "{w}x{h}: code and marker cover {:.2}% of the frame",
                share * 100.0
            );
        }
    }

    #[test]
    fn a_tone_is_measured_at_its_frequency() {
        let mut tone = SineTone::new(440.0, 48_000, 0.5);
        let samples: Vec<i16> = (0..50).flat_map(|_| tone.next_frame().data).collect();
        assert!((rms(&samples) - 0.5 / 2f64.sqrt()).abs() < 0.01);
        assert!((zero_crossing_frequency(&samples, 48_000) - 440.0).abs() < 5.0);
        assert!(
            goertzel_power(&samples, 48_000, 440.0)
                > 100.0 * goertzel_power(&samples, 48_000, 880.0)
        );
    }
}
