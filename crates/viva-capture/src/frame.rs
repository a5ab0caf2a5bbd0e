//! A captured frame in our own memory.

/// Packed I420: a Y plane (`width` stride) followed by U and V planes
/// (`(width + 1) / 2` stride, `(height + 1) / 2` rows).
#[derive(Clone, PartialEq, Eq)]
pub struct Frame {
    pub width: u32,
    pub height: u32,
    pub data: Vec<u8>,
    /// The pipeline's running time of this frame, in microseconds.
    pub timestamp_us: i64,
}

impl std::fmt::Debug for Frame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Frame")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("timestamp_us", &self.timestamp_us)
            .finish_non_exhaustive()
    }
}

impl Frame {
    pub fn len_for(width: u32, height: u32) -> usize {
        let (w, h) = (width as usize, height as usize);
        w * h + 2 * w.div_ceil(2) * h.div_ceil(2)
    }

    /// Mean Y, U and V over the frame (for tests and diagnostics).
    pub fn mean_yuv(&self) -> [f64; 3] {
        let y_len = (self.width * self.height) as usize;
        let c_len = (self.data.len() - y_len) / 2;
        let mean = |s: &[u8]| s.iter().map(|&v| v as f64).sum::<f64>() / s.len().max(1) as f64;
        [
            mean(&self.data[..y_len]),
            mean(&self.data[y_len..y_len + c_len]),
            mean(&self.data[y_len + c_len..]),
        ]
    }
}
