//! The Mandelbrot picture as a PNG: the counts, coloured on a log scale.

use std::path::Path;

use crate::{LabError, fsutil};

/// Colour stops from slow-escaping (dark) to fast-escaping (bright) pixels.
const PALETTE: [[f64; 3]; 5] = [
    [8.0, 16.0, 64.0],
    [32.0, 107.0, 203.0],
    [237.0, 255.0, 255.0],
    [255.0, 170.0, 0.0],
    [80.0, 8.0, 0.0],
];

/// Encodes `counts` (row-major, `columns` wide) as an RGB PNG. Pixels with count 0 (inside the
/// set, or escaping at once) are black; the others are coloured by `ln(1 + count)`.
pub fn encode_png(counts: &[u32], columns: usize, maxiter: u32) -> Vec<u8> {
    let rows = counts.len().checked_div(columns).unwrap_or(0);
    let scale = (1.0 + f64::from(maxiter)).ln();
    let mut rgb = Vec::with_capacity(counts.len() * 3);
    for &c in counts {
        if c == 0 {
            rgb.extend_from_slice(&[0, 0, 0]);
            continue;
        }
        let t = (1.0 + f64::from(c)).ln() / scale * (PALETTE.len() - 1) as f64;
        let i = (t.floor() as usize).min(PALETTE.len() - 2);
        let f = t - i as f64;
        for (lo, hi) in PALETTE[i].iter().zip(&PALETTE[i + 1]) {
            rgb.push((lo + (hi - lo) * f).round().clamp(0.0, 255.0) as u8);
        }
    }
    let mut png = Vec::new();
    let mut encoder = png::Encoder::new(&mut png, columns as u32, rows as u32);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    // Writing into a Vec cannot fail for I/O reasons, and the sizes match by construction.
    let mut writer = encoder.write_header().expect("PNG header");
    writer.write_image_data(&rgb).expect("PNG data");
    writer.finish().expect("PNG end");
    png
}

/// Writes the picture of `counts` to `path` atomically.
pub fn write_png(
    path: &Path,
    counts: &[u32],
    columns: usize,
    maxiter: u32,
) -> Result<(), LabError> {
    fsutil::atomic_write(path, &encode_png(counts, columns, maxiter))
}
