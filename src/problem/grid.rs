//! The tutorial's grid, exactly: its region, its float-accumulated axes and their real size.
//!
//! The tutorial built its columns with `x = x1; while x < x2: x += x_step` (and rows likewise from
//! the top). Because `x_step` is rounded and accumulated, the grid can come out one column or row
//! larger than asked; the lab keeps that grid, so its validation sums are the tutorial's, and
//! reports the real size.

use std::fmt;

use mandel_lab_options::ProblemArgs;
use mandel_variants::Problem;
use serde::{Deserialize, Serialize};

use crate::LabError;

/// Memory the lab needs per pixel at most: a variant's complex input and state (32 bytes), its
/// output and the lab's copy of the counts (8 bytes).
pub const BYTES_PER_PIXEL: u64 = 40;

/// The region, parsed once by the command line's value parser (the options crate's, shared with
/// xtask); a refused one is bad input.
pub use mandel_lab_options::Region;

impl From<mandel_lab_options::RegionError> for LabError {
    fn from(e: mandel_lab_options::RegionError) -> LabError {
        LabError::bad_input(e.0)
    }
}

/// What the user asks for: region, pixel width and height, iteration limit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GridSpec {
    pub region: Region,
    pub width: usize,
    pub height: usize,
    pub maxiter: u32,
}

/// The one way a problem goes back to the command line: `ProblemArgs::from(&spec).to_argv()`,
/// for every child the lab starts on a problem (`kernel-once`, `count-once`, `run`, a peer).
impl From<&GridSpec> for ProblemArgs {
    fn from(spec: &GridSpec) -> ProblemArgs {
        ProblemArgs {
            width: spec.width,
            height: spec.height,
            maxiter: spec.maxiter,
            region: spec.region,
        }
    }
}

impl fmt::Display for GridSpec {
    /// `500 × 500, maxiter 1000`: the problem as every page, table and message names it (the
    /// region, where it matters, follows as `, region {}`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} × {}, maxiter {}",
            self.width, self.height, self.maxiter
        )
    }
}

impl GridSpec {
    /// The tutorial's problem: 500 × 500 pixels, 1000 iterations.
    pub const TUTORIAL: GridSpec = GridSpec {
        region: Region::TUTORIAL,
        width: mandel_lab_options::TUTORIAL_WIDTH,
        height: mandel_lab_options::TUTORIAL_HEIGHT,
        maxiter: mandel_lab_options::TUTORIAL_MAXITER,
    };

    /// Builds the grid, refusing sizes of zero, an iteration limit of zero, a grid too large for
    /// this machine's memory, and regions too narrow for f64 to step across.
    pub fn build(&self) -> Result<Grid, LabError> {
        if self.width == 0 || self.height == 0 {
            return Err(LabError::bad_input(format!(
                "grid size {} x {}: width and height must be at least 1",
                self.width, self.height
            )));
        }
        if self.maxiter == 0 {
            return Err(LabError::bad_input("maxiter must be at least 1"));
        }
        check_memory(self.width, self.height)?;
        let Region { x1, x2, y1, y2 } = self.region;
        let x_step = step(x2 - x1, self.width, "x", "x2 - x1")?;
        let y_step = -step(y2 - y1, self.height, "y", "y2 - y1")?;
        let xs = accumulate(x1, x_step, |x| x < x2, self.width, "x")?;
        let ys = accumulate(y2, y_step, |y| y > y1, self.height, "y")?;
        Ok(Grid {
            spec: *self,
            xs,
            ys,
        })
    }
}

/// A built grid: the spec and the real axes.
#[derive(Debug, Clone)]
pub struct Grid {
    pub spec: GridSpec,
    /// Real part of each column.
    pub xs: Vec<f64>,
    /// Imaginary part of each row, top row first.
    pub ys: Vec<f64>,
}

impl Grid {
    /// Real number of columns (can be `width + 1`).
    pub fn columns(&self) -> usize {
        self.xs.len()
    }

    /// Real number of rows (can be `height + 1`).
    pub fn rows(&self) -> usize {
        self.ys.len()
    }

    /// Number of pixels.
    pub fn pixels(&self) -> usize {
        self.xs.len() * self.ys.len()
    }

    /// The view a kernel gets.
    pub fn problem(&self) -> Problem<'_> {
        Problem {
            xs: &self.xs,
            ys: &self.ys,
            maxiter: self.spec.maxiter,
        }
    }
}

/// The step of one axis: its extent over the pixels, refused unless both are finite numbers.
/// Finite bounds can still be too far apart for f64 (`-1e308,1e308` spans 2e308, which is
/// infinite), and an infinite step would make a one-pixel axis.
fn step(extent: f64, pixels: usize, axis: &str, what: &str) -> Result<f64, LabError> {
    let step = extent / pixels as f64;
    if extent.is_finite() && step.is_finite() {
        return Ok(step);
    }
    Err(LabError::bad_input(format!(
        "region too wide on the {axis} axis: {what} = {extent:e} is beyond f64's range, so its \
         step is not a finite number; use a region whose bounds differ by less than 1.7e308"
    )))
}

/// The tutorial's axis loop: `v = start; while keep(v) { push(v); v += step }`.
///
/// Accumulated rounding adds at most one point on any region f64 can resolve at this size; more
/// than that means the step is lost in the rounding of the coordinates, and the loop is refused
/// rather than run forever. Fewer points than asked means the same rounding cut the axis short;
/// it is refused too, so the lab never computes a grid far from the one asked for.
fn accumulate(
    start: f64,
    step: f64,
    keep: impl Fn(f64) -> bool,
    asked: usize,
    axis: &str,
) -> Result<Vec<f64>, LabError> {
    let mut out = Vec::with_capacity(asked.saturating_add(1));
    let mut v = start;
    while keep(v) {
        if out.len() > asked {
            return Err(LabError::bad_input(format!(
                "region too narrow on the {axis} axis for {asked} pixels: the step {step:e} is \
                 lost in f64 rounding; use fewer pixels or a wider region"
            )));
        }
        out.push(v);
        v += step;
    }
    if out.len() < asked {
        return Err(LabError::bad_input(format!(
            "region gives {} points on the {axis} axis for the {asked} pixels asked: the step \
             {step:e} is lost in f64 rounding; use fewer pixels or another region",
            out.len()
        )));
    }
    Ok(out)
}

/// Refuses a grid whose buffers would not fit in the memory available now.
fn check_memory(width: usize, height: usize) -> Result<(), LabError> {
    // The accumulated axes can add one column and one row.
    // Checked all through: `u64::MAX + 1` must not wrap to a grid of 0 bytes.
    let plus_one = |n: usize| (n as u64).checked_add(1);
    let pixels = plus_one(width)
        .zip(plus_one(height))
        .and_then(|(w, h)| w.checked_mul(h));
    let bytes = pixels.and_then(|p| p.checked_mul(BYTES_PER_PIXEL));
    let limit = available_memory().unwrap_or(isize::MAX as u64);
    match bytes {
        Some(b) if b <= limit => Ok(()),
        _ => Err(LabError::bad_input(format!(
            "grid {width} x {height} is too large: it needs about {} of memory and {} is \
             available",
            human_bytes(bytes),
            human_bytes(Some(limit))
        ))),
    }
}

/// `MemAvailable` from `/proc/meminfo`, where there is one.
fn available_memory() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kib.checked_mul(1024)
}

fn human_bytes(bytes: Option<u64>) -> String {
    match bytes {
        None => "more than 16 EiB".into(),
        Some(b) => format!("{:.1} GiB", b as f64 / (1u64 << 30) as f64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mandel_lab_options::ToArgv;

    #[test]
    fn tutorial_grid_is_500_by_500() {
        let g = GridSpec::TUTORIAL.build().unwrap();
        assert_eq!((g.columns(), g.rows()), (500, 500));
        assert_eq!(g.xs[0], -2.13);
        assert_eq!(g.ys[0], 1.3);
    }

    #[test]
    fn the_command_lines_region_default_is_the_tutorials_region() {
        assert_eq!(
            Region::TUTORIAL.to_string(),
            mandel_lab_options::TUTORIAL_REGION_TEXT
        );
    }

    #[test]
    fn a_spec_goes_to_argv_and_back() {
        let spec = GridSpec {
            region: Region::new(-0.753, -0.746, 0.1, 0.107).unwrap(),
            width: 33,
            height: 17,
            maxiter: 7,
        };
        let args = ProblemArgs::from(&spec);
        assert_eq!(
            args.to_argv(),
            [
                "--width=33",
                "--height=17",
                "--maxiter=7",
                "--region=-0.753,-0.746,0.1,0.107"
            ]
        );
        assert_eq!(args.region, spec.region);
    }

    #[test]
    fn region_parses_and_round_trips() {
        let r: Region = "-2.13,0.77,-1.3,1.3".parse().unwrap();
        assert_eq!(r, Region::TUTORIAL);
        assert_eq!(r.to_string().parse::<Region>().unwrap(), r);
    }

    #[test]
    fn bad_regions_are_refused() {
        for bad in [
            "1,2,3",
            "a,1,2,3",
            "1,0,0,1",
            "0,1,1,1",
            "nan,1,0,1",
            "0,inf,0,1",
        ] {
            let e = LabError::from(bad.parse::<Region>().unwrap_err());
            assert!(e.is_bad_input(), "{bad}");
        }
    }

    #[test]
    fn too_narrow_region_is_refused_not_looped() {
        let spec = GridSpec {
            region: Region::new(1.0, 1.0 + 1e-15, 0.0, 1.0).unwrap(),
            width: 100,
            height: 2,
            maxiter: 10,
        };
        assert!(spec.build().unwrap_err().is_bad_input());
    }

    #[test]
    fn regions_beyond_f64_range_are_refused_not_shrunk() {
        for (x1, x2, y1, y2) in [
            (-1e308, 1e308, -1.0, 1.0),
            (-1.0, 1.0, -1.7e308, 1.7e308),
            (-f64::MAX, f64::MAX, -f64::MAX, f64::MAX),
        ] {
            let spec = GridSpec {
                region: Region::new(x1, x2, y1, y2).unwrap(),
                width: 50,
                height: 50,
                maxiter: 10,
            };
            let err = spec.build().unwrap_err();
            assert!(
                err.is_bad_input() && err.to_string().contains("finite"),
                "{err}"
            );
        }
    }

    #[test]
    fn wide_but_finite_regions_keep_the_asked_size() {
        let spec = GridSpec {
            region: Region::new(-8e307, 8e307, -1.0, 1.0).unwrap(),
            width: 50,
            height: 40,
            maxiter: 10,
        };
        let g = spec.build().unwrap();
        assert!((50..=51).contains(&g.columns()) && (40..=41).contains(&g.rows()));
    }

    #[test]
    fn huge_grid_is_refused() {
        let spec = GridSpec {
            width: 1 << 30,
            height: 1 << 30,
            ..GridSpec::TUTORIAL
        };
        let err = spec.build().unwrap_err();
        assert!(err.to_string().contains("too large"), "{err}");
    }
}
