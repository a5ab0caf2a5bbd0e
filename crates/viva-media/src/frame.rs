//! Raw frames in our own memory: what sources capture and what streams deliver.

/// Pixel layouts we exchange with the library. Both are tightly packed: RGBA rows of
/// `width * 4` bytes; I420 as a Y plane (`width` stride) followed by U and V planes
/// (`(width + 1) / 2` stride, `(height + 1) / 2` rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VideoFormat {
    Rgba,
    I420,
}

impl VideoFormat {
    pub(crate) fn to_proto(self) -> crate::proto::VideoBufferType {
        match self {
            Self::Rgba => crate::proto::VideoBufferType::Rgba,
            Self::I420 => crate::proto::VideoBufferType::I420,
        }
    }

    /// Bytes of a packed frame of this size.
    pub fn frame_len(self, width: u32, height: u32) -> usize {
        let (w, h) = (width as usize, height as usize);
        match self {
            Self::Rgba => w * h * 4,
            Self::I420 => w * h + 2 * chroma(w) * chroma(h),
        }
    }
}

pub(crate) fn chroma(n: usize) -> usize {
    n.div_ceil(2)
}

#[derive(Clone, PartialEq, Eq)]
pub struct VideoFrame {
    pub width: u32,
    pub height: u32,
    pub format: VideoFormat,
    pub data: Vec<u8>,
    /// Capture time in microseconds as the sender stamped it (RTP-derived on receipt).
    pub timestamp_us: i64,
}

impl std::fmt::Debug for VideoFrame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VideoFrame")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("format", &self.format)
            .field("timestamp_us", &self.timestamp_us)
            .finish_non_exhaustive()
    }
}

impl VideoFrame {
    /// A frame filled with one colour.
    pub fn solid(width: u32, height: u32, format: VideoFormat, rgb: [u8; 3]) -> Self {
        let mut frame = Self {
            width,
            height,
            format,
            data: vec![0; format.frame_len(width, height)],
            timestamp_us: 0,
        };
        frame.fill_rect(0, 0, width, height, rgb);
        frame
    }

    /// Paints a rectangle (clipped to the frame). I420 chroma is shared by 2x2 pixels, so
    /// odd edges blend with their neighbours; callers keep rectangles even-aligned.
    pub fn fill_rect(&mut self, x: u32, y: u32, w: u32, h: u32, rgb: [u8; 3]) {
        let x1 = (x + w).min(self.width) as usize;
        let y1 = (y + h).min(self.height) as usize;
        let (x0, y0) = (x as usize, y as usize);
        let width = self.width as usize;
        match self.format {
            VideoFormat::Rgba => {
                for row in y0..y1 {
                    for col in x0..x1 {
                        let i = (row * width + col) * 4;
                        self.data[i..i + 4].copy_from_slice(&[rgb[0], rgb[1], rgb[2], 255]);
                    }
                }
            }
            VideoFormat::I420 => {
                let (yy, u, v) = rgb_to_yuv(rgb);
                let (cw, ch) = (chroma(width), chroma(self.height as usize));
                let y_len = width * self.height as usize;
                for row in y0..y1 {
                    self.data[row * width + x0..row * width + x1].fill(yy);
                }
                for row in y0 / 2..y1.div_ceil(2) {
                    for col in x0 / 2..x1.div_ceil(2) {
                        self.data[y_len + row * cw + col] = u;
                        self.data[y_len + cw * ch + row * cw + col] = v;
                    }
                }
            }
        }
    }

    /// The colour of one pixel.
    pub fn pixel(&self, x: u32, y: u32) -> [u8; 3] {
        let (x, y, width) = (x as usize, y as usize, self.width as usize);
        match self.format {
            VideoFormat::Rgba => {
                let i = (y * width + x) * 4;
                [self.data[i], self.data[i + 1], self.data[i + 2]]
            }
            VideoFormat::I420 => {
                let (cw, ch) = (chroma(width), chroma(self.height as usize));
                let y_len = width * self.height as usize;
                let c = (y / 2) * cw + x / 2;
                yuv_to_rgb(
                    self.data[y * width + x],
                    self.data[y_len + c],
                    self.data[y_len + cw * ch + c],
                )
            }
        }
    }

    /// Luma (0-255) of one pixel, read directly from Y for I420.
    pub fn luma(&self, x: u32, y: u32) -> u8 {
        match self.format {
            VideoFormat::I420 => self.data[y as usize * self.width as usize + x as usize],
            VideoFormat::Rgba => {
                let [r, g, b] = self.pixel(x, y);
                ((77 * r as u32 + 150 * g as u32 + 29 * b as u32) >> 8) as u8
            }
        }
    }

    /// The mean colour of the whole frame.
    pub fn mean_rgb(&self) -> [f64; 3] {
        match self.format {
            VideoFormat::Rgba => {
                let mut sum = [0u64; 3];
                for px in self.data.chunks_exact(4) {
                    for c in 0..3 {
                        sum[c] += px[c] as u64;
                    }
                }
                let n = (self.data.len() / 4).max(1) as f64;
                [sum[0] as f64 / n, sum[1] as f64 / n, sum[2] as f64 / n]
            }
            VideoFormat::I420 => {
                // The YUV->RGB map is affine, so the mean of the planes converts to the
                // mean colour (up to clamping at the gamut edges).
                let y_len = self.width as usize * self.height as usize;
                let c_len = (self.data.len() - y_len) / 2;
                let mean =
                    |s: &[u8]| s.iter().map(|&v| v as f64).sum::<f64>() / s.len().max(1) as f64;
                let y = mean(&self.data[..y_len]);
                let u = mean(&self.data[y_len..y_len + c_len]);
                let v = mean(&self.data[y_len + c_len..]);
                yuv_to_rgb_f(y, u, v)
            }
        }
    }
}

/// BT.601 limited range, the matrix libwebrtc (libyuv) uses for I420<->RGB.
pub(crate) fn rgb_to_yuv([r, g, b]: [u8; 3]) -> (u8, u8, u8) {
    let (r, g, b) = (r as i32, g as i32, b as i32);
    let y = ((66 * r + 129 * g + 25 * b + 128) >> 8) + 16;
    let u = ((-38 * r - 74 * g + 112 * b + 128) >> 8) + 128;
    let v = ((112 * r - 94 * g - 18 * b + 128) >> 8) + 128;
    (
        y.clamp(0, 255) as u8,
        u.clamp(0, 255) as u8,
        v.clamp(0, 255) as u8,
    )
}

fn yuv_to_rgb_f(y: f64, u: f64, v: f64) -> [f64; 3] {
    let (c, d, e) = (y - 16.0, u - 128.0, v - 128.0);
    [
        (1.164 * c + 1.596 * e).clamp(0.0, 255.0),
        (1.164 * c - 0.392 * d - 0.813 * e).clamp(0.0, 255.0),
        (1.164 * c + 2.017 * d).clamp(0.0, 255.0),
    ]
}

pub(crate) fn yuv_to_rgb(y: u8, u: u8, v: u8) -> [u8; 3] {
    let [r, g, b] = yuv_to_rgb_f(y as f64, u as f64, v as f64);
    [r.round() as u8, g.round() as u8, b.round() as u8]
}

/// Interleaved signed 16-bit PCM.
#[derive(Clone, PartialEq, Eq)]
pub struct AudioFrame {
    pub sample_rate: u32,
    pub channels: u32,
    pub samples_per_channel: u32,
    pub data: Vec<i16>,
}

impl std::fmt::Debug for AudioFrame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AudioFrame")
            .field("sample_rate", &self.sample_rate)
            .field("channels", &self.channels)
            .field("samples_per_channel", &self.samples_per_channel)
            .finish_non_exhaustive()
    }
}

impl AudioFrame {
    pub fn duration(&self) -> std::time::Duration {
        std::time::Duration::from_secs_f64(
            self.samples_per_channel as f64 / self.sample_rate.max(1) as f64,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solid_frames_have_the_colour_they_were_painted_in_either_format() {
        let colour = [200, 40, 90];
        for format in [VideoFormat::Rgba, VideoFormat::I420] {
            let frame = VideoFrame::solid(64, 36, format, colour);
            assert_eq!(frame.data.len(), format.frame_len(64, 36));
            let mean = frame.mean_rgb();
            for c in 0..3 {
                assert!(
                    (mean[c] - colour[c] as f64).abs() < 3.0,
                    "{format:?}: mean {mean:?} vs painted {colour:?} (BT.601 round trip)"
                );
            }
        }
    }
}
