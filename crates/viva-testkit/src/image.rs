//! Looking at screenshots: decode a PNG and tell whether it shows something.

use std::path::Path;

pub struct Rgb {
    pub width: usize,
    pub height: usize,
    /// Packed RGB, row-major.
    pub pixels: Vec<u8>,
}

pub fn read_png(path: &Path) -> Rgb {
    let decoder = png::Decoder::new(std::fs::File::open(path).expect("open screenshot"));
    let mut reader = decoder.read_info().expect("png header");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("png frame");
    let channels = info.color_type.samples();
    let pixels = buf[..info.buffer_size()]
        .chunks(channels)
        .flat_map(|p| {
            if channels >= 3 {
                [p[0], p[1], p[2]]
            } else {
                [p[0]; 3]
            }
        })
        .collect();
    Rgb {
        width: info.width as usize,
        height: info.height as usize,
        pixels,
    }
}

impl Rgb {
    /// The fraction of pixels exactly `colour`.
    pub fn share_of(&self, colour: [u8; 3]) -> f64 {
        let n = self.pixels.chunks(3).filter(|p| p == &colour).count();
        n as f64 / (self.width * self.height).max(1) as f64
    }

    /// The fraction of pixels within `tolerance` of `colour` in every channel (video comes
    /// through YUV and back, so it is never exact).
    pub fn share_near(&self, colour: [u8; 3], tolerance: u8) -> f64 {
        let near = |p: &[u8]| (0..3).all(|c| p[c].abs_diff(colour[c]) <= tolerance);
        let n = self.pixels.chunks(3).filter(|p| near(p)).count();
        n as f64 / (self.width * self.height).max(1) as f64
    }

    pub fn distinct_colours(&self) -> usize {
        let mut seen = std::collections::HashSet::new();
        for p in self.pixels.chunks(3) {
            seen.insert([p[0], p[1], p[2]]);
        }
        seen.len()
    }

    /// The share of the most common colour.
    pub fn dominant_share(&self) -> f64 {
        let mut counts = std::collections::HashMap::new();
        for p in self.pixels.chunks(3) {
            *counts.entry([p[0], p[1], p[2]]).or_insert(0usize) += 1;
        }
        counts.values().copied().max().unwrap_or(0) as f64
            / (self.width * self.height).max(1) as f64
    }
}

/// Panics unless the PNG at `path` shows real content: text and shapes, not one colour.
/// A sparse screen (a logo and a line of text on a dark background) passes; an empty or
/// unstyled webview (one colour, or a handful) does not.
pub fn assert_not_blank(path: &Path) {
    if let Some(why) = blank(path) {
        panic!("{why}");
    }
}

/// Why the PNG at `path` looks blank, or None when it shows content.
pub fn blank(path: &Path) -> Option<String> {
    let img = read_png(path);
    let colours = img.distinct_colours();
    let dominant = img.dominant_share();
    (colours <= 30 || dominant >= 0.998).then(|| {
        format!(
            "{} looks blank: {colours} colours, the commonest covers {:.1}%",
            path.display(),
            dominant * 100.0
        )
    })
}
