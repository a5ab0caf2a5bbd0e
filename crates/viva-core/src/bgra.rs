//! I420 to 32-bit BGRA for a native video surface (cairo's ARGB32 on little-endian machines:
//! bytes B, G, R, A). The matrix is BT.601 limited range, the one libwebrtc and the UI's
//! WebGL renderer use, in 8-bit fixed point so a 640x360 picture converts in about a
//! millisecond of one core.

/// Appends the BGRA form of the packed I420 picture `data` (`w` x `h`) to `out`; false
/// (nothing appended) when `data` is shorter than such a picture.
pub fn i420_to_bgra(data: &[u8], w: u32, h: u32, out: &mut Vec<u8>) -> bool {
    let (w, h) = (w as usize, h as usize);
    let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
    if w == 0 || h == 0 || data.len() < w * h + 2 * cw * ch {
        return false;
    }
    let (y_plane, rest) = data.split_at(w * h);
    let (u_plane, v_plane) = rest.split_at(cw * ch);
    out.reserve(w * h * 4);
    for row in 0..h {
        let ys = &y_plane[row * w..(row + 1) * w];
        let us = &u_plane[(row / 2) * cw..(row / 2 + 1) * cw];
        let vs = &v_plane[(row / 2) * cw..(row / 2 + 1) * cw];
        for (x, &y) in ys.iter().enumerate() {
            let c = 298 * (y as i32 - 16);
            let d = us[x / 2] as i32 - 128;
            let e = vs[x / 2] as i32 - 128;
            let clamp = |v: i32| ((v + 128) >> 8).clamp(0, 255) as u8;
            out.extend_from_slice(&[
                clamp(c + 516 * d),
                clamp(c - 100 * d - 208 * e),
                clamp(c + 409 * e),
                255,
            ]);
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use viva_media::{VideoFormat, VideoFrame};

    fn bgra_of(rgb: [u8; 3]) -> [u8; 4] {
        let frame = VideoFrame::solid(6, 4, VideoFormat::I420, rgb);
        let mut out = Vec::new();
        assert!(i420_to_bgra(&frame.data, 6, 4, &mut out));
        assert_eq!(out.len(), 6 * 4 * 4);
        out[..4].try_into().unwrap()
    }

    #[test]
    fn primary_colours_come_back_as_themselves() {
        for rgb in [
            [255, 0, 0],
            [0, 255, 0],
            [0, 0, 255],
            [128, 0, 128],
            [255, 255, 255],
        ] {
            let [b, g, r, a] = bgra_of(rgb);
            let near = |x: u8, y: u8| (x as i32 - y as i32).abs() <= 4;
            assert!(
                near(r, rgb[0]) && near(g, rgb[1]) && near(b, rgb[2]) && a == 255,
                "{rgb:?} became {:?}",
                [r, g, b, a]
            );
        }
    }

    #[test]
    fn odd_sizes_convert_and_short_pictures_are_refused() {
        let frame = VideoFrame::solid(5, 3, VideoFormat::I420, [0, 0, 255]);
        let mut out = vec![1, 2];
        assert!(i420_to_bgra(&frame.data, 5, 3, &mut out));
        assert_eq!(out.len(), 2 + 5 * 3 * 4, "appended after what was there");
        let mut none = Vec::new();
        assert!(!i420_to_bgra(&frame.data[..10], 5, 3, &mut none));
        assert!(none.is_empty());
    }
}
