//! The PNG pictures: the counts, coloured on a log scale (`mandelbrot.png`), and who decided each
//! pixel, with what it cost (`work.png`).

use std::path::Path;

use mandel_variants::Decided;

use crate::{LabError, record::write};

/// Colour stops from slow-escaping (dark) to fast-escaping (bright) pixels.
const PALETTE: [[f64; 3]; 5] = [
    [8.0, 16.0, 64.0],
    [32.0, 107.0, 203.0],
    [237.0, 255.0, 255.0],
    [255.0, 170.0, 0.0],
    [80.0, 8.0, 0.0],
];

/// `work.png`: a pixel the cardioid and bulb test decided, one flat colour.
pub const WORK_BULB: [u8; 3] = [40, 90, 170];
/// `work.png`: a pixel decided by a repeated orbit value, a second hue.
pub const WORK_CYCLE: [u8; 3] = [40, 160, 90];
/// `work.png`: a pixel run to `maxiter` without either proof, where the time still goes: a
/// colour the heat map never takes.
pub const WORK_MAXITER: [u8; 3] = [255, 0, 220];
/// `work.png`: the heat map of an escaped pixel's executed iterations, on a log scale from one
/// iteration (the first stop) to `maxiter` (the last).
pub const WORK_HEAT: [[u8; 3]; 4] = [[24, 0, 0], [190, 30, 0], [255, 200, 0], [255, 255, 255]];

/// Encodes `counts` (row-major, `columns` wide) as an RGB PNG. Pixels with count 0 (inside the
/// set, or escaping at once) are black; the others are coloured by `ln(1 + count)`.
pub fn encode_png(counts: &[u32], columns: usize, maxiter: u32) -> Vec<u8> {
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
    png(&rgb, columns, counts.len())
}

/// The colour of one pixel of `work.png`: what decided it and, for an escaped one, its
/// `executed` inner iterations out of at most `maxiter`, on a log scale.
pub fn work_colour(decided: Decided, executed: u64, maxiter: u32) -> [u8; 3] {
    match decided {
        Decided::Bulb => WORK_BULB,
        Decided::Cycle => WORK_CYCLE,
        Decided::MaxIter => WORK_MAXITER,
        Decided::Escape => {
            let scale = f64::from(maxiter.max(2)).ln();
            let t = ((executed.max(1) as f64).ln() / scale).clamp(0.0, 1.0);
            let t = t * (WORK_HEAT.len() - 1) as f64;
            let i = (t.floor() as usize).min(WORK_HEAT.len() - 2);
            let f = t - i as f64;
            let mut c = [0; 3];
            for (k, out) in c.iter_mut().enumerate() {
                let (lo, hi) = (f64::from(WORK_HEAT[i][k]), f64::from(WORK_HEAT[i + 1][k]));
                *out = (lo + (hi - lo) * f).round().clamp(0.0, 255.0) as u8;
            }
            c
        }
    }
}

/// Encodes who decided each pixel and its executed iterations (row-major, `columns` wide) as an
/// RGB PNG, each pixel coloured by [`work_colour`].
pub fn encode_work_png(pixels: &[(Decided, u64)], columns: usize, maxiter: u32) -> Vec<u8> {
    let rgb: Vec<u8> = pixels
        .iter()
        .flat_map(|&(decided, executed)| work_colour(decided, executed, maxiter))
        .collect();
    png(&rgb, columns, pixels.len())
}

/// Writes the picture of `counts` to `path` atomically.
pub fn write_png(
    path: &Path,
    counts: &[u32],
    columns: usize,
    maxiter: u32,
) -> Result<(), LabError> {
    write::atomic_write(path, &encode_png(counts, columns, maxiter))
}

/// `pixels` pixels of RGB, `columns` wide, as a PNG.
fn png(rgb: &[u8], columns: usize, pixels: usize) -> Vec<u8> {
    let rows = pixels.checked_div(columns).unwrap_or(0);
    let mut png = Vec::new();
    let mut encoder = png::Encoder::new(&mut png, columns as u32, rows as u32);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    // Writing into a Vec cannot fail for I/O reasons, and the sizes match by construction.
    let mut writer = encoder.write_header().expect("PNG header");
    writer.write_image_data(rgb).expect("PNG data");
    writer.finish().expect("PNG end");
    png
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The RGB pixels of a PNG.
    fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
        let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
            .read_info()
            .unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        buf.truncate(info.buffer_size());
        (info.width, info.height, buf)
    }

    #[test]
    fn the_work_picture_colours_each_pixel_by_who_decided_it_and_its_cost() {
        // A 3 x 2 grid: bulb, cycle, maxiter; escaped after 1, 31 and 1000 of maxiter 1000.
        let pixels = [
            (Decided::Bulb, 0),
            (Decided::Cycle, 57),
            (Decided::MaxIter, 1000),
            (Decided::Escape, 1),
            (Decided::Escape, 31),
            (Decided::Escape, 1000),
        ];
        let (w, h, rgb) = decode(&encode_work_png(&pixels, 3, 1000));
        assert_eq!((w, h), (3, 2));
        let at = |i: usize| [rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]];
        assert_eq!(at(0), WORK_BULB);
        assert_eq!(at(1), WORK_CYCLE);
        assert_eq!(at(2), WORK_MAXITER);
        // The heat map's ends at one iteration and at maxiter, and it grows between them.
        assert_eq!(at(3), WORK_HEAT[0]);
        assert_eq!(at(5), WORK_HEAT[3]);
        let brightness = |c: [u8; 3]| c.iter().map(|&v| u32::from(v)).sum::<u32>();
        assert!(brightness(at(3)) < brightness(at(4)) && brightness(at(4)) < brightness(at(5)));
        // A cycle's cost does not change its colour, and no escaped pixel takes a flat colour.
        assert_eq!(work_colour(Decided::Cycle, 1, 1000), WORK_CYCLE);
        for executed in [0, 1, 2, 10, 100, 999, 1000, u64::MAX] {
            let c = work_colour(Decided::Escape, executed, 1000);
            assert!(
                ![WORK_BULB, WORK_CYCLE, WORK_MAXITER].contains(&c),
                "{executed}: {c:?}"
            );
        }
        // maxiter 1: every escape is both ends of the scale at once, and still a heat colour.
        assert_eq!(work_colour(Decided::Escape, 1, 1), WORK_HEAT[0]);
    }
}
