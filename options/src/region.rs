//! The region of the complex plane (`--region x1,x2,y1,y2`), parsed once: clap's value parser is
//! [`Region`]'s `FromStr`, so xtask and the lab hold the same checked type from the command line
//! on, and a child gets it back as text only through [`Region`]'s `Display`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A rectangle of the complex plane: real part from `x1` to `x2`, imaginary from `y1` to `y2`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Region {
    pub x1: f64,
    pub x2: f64,
    pub y1: f64,
    pub y2: f64,
}

/// Why a region was refused: one sentence saying what to write instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionError(pub String);

impl fmt::Display for RegionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RegionError {}

impl Region {
    /// The tutorial's region: `x1, x2, y1, y2 = -2.13, 0.77, -1.3, 1.3`.
    pub const TUTORIAL: Region = {
        let [x1, x2, y1, y2] = crate::TUTORIAL_REGION;
        Region { x1, x2, y1, y2 }
    };

    /// A region, checked: finite bounds with `x1 < x2` and `y1 < y2`.
    pub fn new(x1: f64, x2: f64, y1: f64, y2: f64) -> Result<Region, RegionError> {
        for (name, v) in [("x1", x1), ("x2", x2), ("y1", y1), ("y2", y2)] {
            if !v.is_finite() {
                return Err(RegionError(format!(
                    "region bound {name} is {v}; every bound must be a finite number"
                )));
            }
        }
        if x1 >= x2 {
            return Err(RegionError(format!(
                "region needs x1 < x2, got x1 = {x1}, x2 = {x2}"
            )));
        }
        if y1 >= y2 {
            return Err(RegionError(format!(
                "region needs y1 < y2, got y1 = {y1}, y2 = {y2}"
            )));
        }
        Ok(Region { x1, x2, y1, y2 })
    }
}

impl FromStr for Region {
    type Err = RegionError;

    /// Parses `x1,x2,y1,y2`, e.g. `-2.13,0.77,-1.3,1.3`.
    fn from_str(s: &str) -> Result<Region, RegionError> {
        let parts: Vec<&str> = s.split(',').map(str::trim).collect();
        if parts.len() != 4 {
            return Err(RegionError(format!(
                "region '{s}' must be four numbers x1,x2,y1,y2 (e.g. -2.13,0.77,-1.3,1.3)"
            )));
        }
        let mut v = [0.0; 4];
        for (slot, part) in v.iter_mut().zip(&parts) {
            *slot = part
                .parse()
                .map_err(|_| RegionError(format!("region '{s}': '{part}' is not a number")))?;
        }
        Region::new(v[0], v[1], v[2], v[3])
    }
}

impl fmt::Display for Region {
    /// `x1,x2,y1,y2`, as `--region` takes it: f64's shortest text that parses back to the bound.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{},{},{},{}", self.x1, self.x2, self.y1, self.y2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tutorial_region_prints_as_the_command_lines_default() {
        assert_eq!(Region::TUTORIAL.to_string(), crate::TUTORIAL_REGION_TEXT);
        assert_eq!(
            crate::TUTORIAL_REGION_TEXT.parse::<Region>(),
            Ok(Region::TUTORIAL)
        );
    }

    #[test]
    fn malformed_inverted_and_infinite_regions_are_refused_with_a_sentence() {
        for (bad, says) in [
            ("1,2,3", "four numbers"),
            ("a,1,2,3", "'a' is not a number"),
            ("1,0,0,1", "x1 < x2"),
            ("0,1,1,1", "y1 < y2"),
            ("nan,1,0,1", "finite"),
            ("0,inf,0,1", "finite"),
        ] {
            let e = bad.parse::<Region>().unwrap_err();
            assert!(e.to_string().contains(says), "{bad}: {e}");
        }
    }
}
