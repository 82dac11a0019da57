//! Wall time, A/B: two builds of the lab (a revision and the working tree) run each variant
//! alternately, A B A B ..., on the same problem, so that drifts of a shared machine fall on both
//! sides alike. Each variant gets the ratio of medians (B over A) with a bootstrap confidence
//! interval; a change is flagged only when the interval excludes 1 *and* the ratio is beyond the
//! threshold, so noise alone does not raise an alarm.

use std::path::Path;

use crate::measure::stats::median;
use std::process::Command;

use crate::{GridSpec, LabError};

/// Bootstrap resamples per interval.
pub const RESAMPLES: usize = 4000;

/// B's median over A's, with its 95% bootstrap interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ratio {
    pub ratio: f64,
    pub low: f64,
    pub high: f64,
}

/// What the comparison says about one variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    /// B is slower: the interval is above 1 and the ratio beyond the threshold.
    Slower,
    /// B is faster, by the same rule.
    Faster,
    /// The interval excludes 1, but the change is within the threshold.
    SmallChange,
    /// The interval includes 1.
    NoChange,
}

impl Call {
    pub fn label(self) -> &'static str {
        match self {
            Call::Slower => "SLOWER",
            Call::Faster => "faster",
            Call::SmallChange => "within threshold",
            Call::NoChange => "no significant change",
        }
    }
}

/// The ratio of medians `median(b) / median(a)` and its 95% percentile-bootstrap interval:
/// both samples resampled with replacement, independently, [`RESAMPLES`] times, from a fixed
/// seed (the same samples give the same interval).
pub fn ratio_of_medians(a: &[f64], b: &[f64]) -> Ratio {
    let mut rng = SplitMix(0x005e_edab_2011);
    let mut ratios: Vec<f64> = (0..RESAMPLES)
        .map(|_| {
            let ra: Vec<f64> = a.iter().map(|_| a[rng.below(a.len())]).collect();
            let rb: Vec<f64> = b.iter().map(|_| b[rng.below(b.len())]).collect();
            median(&rb) / median(&ra)
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    let at = |q: f64| ratios[((q * (RESAMPLES - 1) as f64).round() as usize).min(RESAMPLES - 1)];
    Ratio {
        ratio: median(b) / median(a),
        low: at(0.025),
        high: at(0.975),
    }
}

/// The call for `r` with a threshold of `threshold_pct` percent.
pub fn call(r: &Ratio, threshold_pct: f64) -> Call {
    let beyond = (r.ratio - 1.0).abs() * 100.0 > threshold_pct;
    match (r.low > 1.0, r.high < 1.0) {
        (true, _) if beyond => Call::Slower,
        (_, true) if beyond => Call::Faster,
        (true, _) | (_, true) => Call::SmallChange,
        _ => Call::NoChange,
    }
}

/// One timed run of `binary run --variant <variant>` on `spec` with `extra` options: the
/// kernel's seconds, from its JSON. A run that fails or does not validate is an error.
pub fn time_once(
    binary: &Path,
    variant: &str,
    spec: &GridSpec,
    extra: &[String],
) -> Result<f64, LabError> {
    let out = Command::new(binary)
        .args(["run", "--variant", variant, "--format", "json"])
        .args(mandel_lab_options::ToArgv::to_argv(
            &mandel_lab_options::ProblemArgs::from(spec),
        ))
        .args(extra)
        .output()
        .map_err(|source| LabError::Read {
            path: binary.to_path_buf(),
            source,
        })?;
    let fail = |why: String| {
        LabError::bad_input(format!(
            "{} run --variant {variant}: {why}",
            binary.display()
        ))
    };
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(fail(stderr.lines().last().unwrap_or("failed").to_string()));
    }
    let json: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| fail(e.to_string()))?;
    if json.get("status").and_then(|s| s.as_str()) == Some("FAIL") {
        return Err(fail("validation FAIL".into()));
    }
    json.get("seconds")
        .and_then(|s| s.as_f64())
        .ok_or_else(|| fail("no seconds in its JSON".into()))
}

/// A small, seedable generator (SplitMix64), enough for resampling indices.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clear_slowdown_is_flagged_and_noise_is_not() {
        let a: Vec<f64> = (0..15).map(|i| 1.0 + 0.01 * f64::from(i % 5)).collect();
        let slower: Vec<f64> = a.iter().map(|x| x * 1.10).collect();
        let r = ratio_of_medians(&a, &slower);
        assert!((r.ratio - 1.10).abs() < 1e-9);
        assert!(r.low > 1.0 && r.low <= r.ratio && r.ratio <= r.high);
        assert_eq!(call(&r, 3.0), Call::Slower);
        assert_eq!(call(&r, 20.0), Call::SmallChange);
        let same: Vec<f64> = a.iter().rev().copied().collect();
        let r = ratio_of_medians(&a, &same);
        assert!(r.low <= 1.0 && r.high >= 1.0);
        assert_eq!(call(&r, 3.0), Call::NoChange);
        assert_eq!(ratio_of_medians(&a, &slower), ratio_of_medians(&a, &slower));
    }
}
