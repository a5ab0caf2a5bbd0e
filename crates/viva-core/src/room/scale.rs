//! Fitting a decoded picture to the tile that shows it, before it crosses into the webview.
//!
//! A 1280x720 frame shown in a 620-pixel tile is drawn at a quarter of its pixels anyway;
//! sending it whole costs four times the copy, the IPC transfer, the texture upload and the
//! GPU's downsampling. `fit_i420` box-filters it by a power of two (2, 4 or 8) while the
//! result still covers the tile, so nothing is upscaled later and the picture stays sharp.
//! It writes into the caller's buffer: the shell copies each frame once anyway, and this
//! replaces that copy with a smaller one (BENCHMARKS.md, "Fitting frames to their tiles").

/// The largest power-of-two reduction (at most 8) after which `w` x `h` still covers the
/// tile `tile_w` x `tile_h`; 1 when the picture is no larger than the tile.
pub fn reduction(w: u32, h: u32, tile_w: u32, tile_h: u32) -> u32 {
    let mut k = 1;
    while k < 8 && w / (k * 2) >= tile_w.max(1) && h / (k * 2) >= tile_h.max(1) {
        k *= 2;
    }
    k
}

/// Chroma planes are ceil(n / 2), as the engine packs odd sizes.
fn chroma(n: usize) -> usize {
    n.div_ceil(2)
}

/// Appends the packed I420 picture `data` (`w` x `h`) reduced by `k` to `out`; returns the
/// new size. `k` = 1 appends the planes as they are.
pub fn fit_i420(data: &[u8], w: u32, h: u32, k: u32, out: &mut Vec<u8>) -> (u32, u32) {
    let (w, h, k) = (w as usize, h as usize, k.max(1) as usize);
    let (cw, ch) = (chroma(w), chroma(h));
    let expected = w * h + 2 * cw * ch;
    if k == 1 || data.len() < expected || w / k == 0 || h / k == 0 {
        out.extend_from_slice(data);
        return (w as u32, h as u32);
    }
    let (nw, nh) = (w / k, h / k);
    let (ncw, nch) = (chroma(nw), chroma(nh));
    out.reserve(nw * nh + 2 * ncw * nch);
    box_plane(&data[..w * h], w, h, nw, nh, k, out);
    let u = &data[w * h..w * h + cw * ch];
    let v = &data[w * h + cw * ch..expected];
    box_plane(u, cw, ch, ncw, nch, k, out);
    box_plane(v, cw, ch, ncw, nch, k, out);
    (nw as u32, nh as u32)
}

/// Averages `k` x `k` blocks of a `w` x `h` plane into `nw` x `nh` samples (blocks at the
/// right and bottom edges are clamped to the plane).
fn box_plane(src: &[u8], w: usize, h: usize, nw: usize, nh: usize, k: usize, out: &mut Vec<u8>) {
    for y in 0..nh {
        let y0 = (y * k).min(h - 1);
        let y1 = ((y + 1) * k).min(h).max(y0 + 1);
        for x in 0..nw {
            let x0 = (x * k).min(w - 1);
            let x1 = ((x + 1) * k).min(w).max(x0 + 1);
            let mut sum = 0u32;
            for row in src[y0 * w..y1 * w].chunks_exact(w) {
                sum += row[x0..x1].iter().map(|&p| p as u32).sum::<u32>();
            }
            let n = ((y1 - y0) * (x1 - x0)) as u32;
            out.push(((sum + n / 2) / n) as u8);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reduces_only_while_the_picture_still_covers_the_tile() {
        assert_eq!(reduction(1280, 720, 620, 349), 2);
        assert_eq!(reduction(1280, 720, 300, 170), 4);
        assert_eq!(reduction(1280, 720, 640, 360), 2);
        assert_eq!(reduction(1280, 720, 641, 360), 1, "640 would not cover 641");
        assert_eq!(reduction(640, 360, 1280, 720), 1, "never enlarges");
        assert_eq!(reduction(3840, 2160, 10, 10), 8, "at most 8");
        assert_eq!(reduction(1280, 720, 0, 0), 8);
    }

    #[test]
    fn a_reduced_picture_keeps_its_colours_and_layout() {
        // 4x4 Y with a bright left half, 2x2 U and V.
        let mut data = vec![
            200, 200, 10, 10, //
            200, 200, 10, 10, //
            200, 200, 10, 10, //
            200, 200, 10, 10,
        ];
        data.extend([90, 90, 90, 90]);
        data.extend([240, 240, 240, 240]);
        let mut out = vec![7];
        let size = fit_i420(&data, 4, 4, 2, &mut out);
        assert_eq!(size, (2, 2));
        assert_eq!(
            out,
            vec![7, 200, 10, 200, 10, 90, 240],
            "appended after what was there"
        );
    }

    #[test]
    fn odd_sizes_and_short_buffers_are_handled() {
        // 5x3: chroma 3x2; reduced by 2: 2x1, chroma 1x1.
        let data: Vec<u8> = (0..(15 + 2 * 6)).map(|i| i as u8).collect();
        let mut out = Vec::new();
        assert_eq!(fit_i420(&data, 5, 3, 2, &mut out), (2, 1));
        assert_eq!(out.len(), 2 + 1 + 1);
        let mut whole = Vec::new();
        assert_eq!(
            fit_i420(&data[..10], 5, 3, 2, &mut whole),
            (5, 3),
            "left as it is"
        );
        assert_eq!(whole, data[..10]);
    }
}
