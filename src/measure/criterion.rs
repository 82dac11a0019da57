//! Measuring a prepared kernel under criterion, used as a library from the lab's own binary.
//!
//! Criterion writes its analysis under the report folder (`reports/criterion/`, with its own HTML
//! report); the lab reads back the `estimates.json` and `sample.json` it wrote (criterion is pinned
//! to one version because those files are private details) and keeps median, mean, spread, extremes
//! and confidence intervals in the lab's own schema.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, PlottingBackend, SamplingMode};
use serde::Deserialize;

use mandel_variants::{Kernel, VariantError};

use crate::record::measured::{BenchSettings, Timing};
use crate::{LabError, record::write};

/// The most samples a user may ask for: criterion keeps every sample, and its linear sampling
/// runs `n (n + 1) / 2` iterations in all, which overflows for an `n` near `usize::MAX`.
pub const MAX_SAMPLES: usize = 100_000;

/// The longest time a user may give for a phase of a measurement or a profile (a day): longer
/// is certainly a typo, and `1e20` s is more than [`Duration`] holds.
pub const MAX_SECONDS: f64 = 86_400.0;

/// Checks a number of seconds given as `option`: finite, positive, at most [`MAX_SECONDS`].
pub fn check_seconds(option: &str, secs: f64) -> Result<f64, LabError> {
    if secs.is_finite() && secs > 0.0 && secs <= MAX_SECONDS {
        Ok(secs)
    } else {
        // 1e306 as written, not as 307 digits.
        let shown = match secs.abs() {
            a if a >= 1e6 => format!("{secs:e}"),
            _ => secs.to_string(),
        };
        Err(LabError::bad_input(format!(
            "{option} {shown}: must be a positive number of seconds, at most {MAX_SECONDS} (a day)"
        )))
    }
}

impl BenchSettings {
    /// These settings with `samples` samples where given, refusing fewer than criterion's 10 and
    /// more than [`MAX_SAMPLES`].
    pub fn with_samples(mut self, samples: Option<usize>) -> Result<BenchSettings, LabError> {
        if let Some(n) = samples {
            if !(10..=MAX_SAMPLES).contains(&n) {
                return Err(LabError::bad_input(format!(
                    "--samples {n}: criterion needs at least 10 samples, and the lab takes at \
                     most {MAX_SAMPLES}"
                )));
            }
            self.samples = n;
        }
        Ok(self)
    }
}

/// What a measurement times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// The whole kernel call on the host's clock (for a GPU variant: conversions, transfers and
    /// kernels, as the tutorial timed pyCUDA).
    Wall,
    /// The device's kernels alone, from the variant's device events
    /// ([`Kernel::kernel_seconds`]).
    Device,
}

/// Times `kernel` under criterion as benchmark `group/id`, with criterion's files under
/// `criterion_dir`. The kernel must already have been validated: this only measures.
pub fn measure(
    kernel: &mut dyn Kernel,
    pixels: usize,
    group: &str,
    id: &str,
    criterion_dir: &Path,
    settings: &BenchSettings,
) -> Result<Timing, LabError> {
    measure_clock(
        kernel,
        pixels,
        group,
        id,
        criterion_dir,
        settings,
        Clock::Wall,
    )
}

/// [`measure`] on the chosen [`Clock`].
pub fn measure_clock(
    kernel: &mut dyn Kernel,
    pixels: usize,
    group: &str,
    id: &str,
    criterion_dir: &Path,
    settings: &BenchSettings,
    clock: Clock,
) -> Result<Timing, LabError> {
    let mut c = Criterion::default()
        .output_directory(criterion_dir)
        .plotting_backend(PlottingBackend::Plotters)
        .sample_size(settings.samples.max(10))
        .warm_up_time(Duration::from_secs_f64(settings.warm_up_secs))
        .measurement_time(Duration::from_secs_f64(settings.measurement_secs))
        .confidence_level(settings.confidence_level)
        .noise_threshold(0.03)
        .nresamples(settings.resamples)
        .with_output_color(false);
    if !settings.plots {
        c = c.without_plots();
    }
    let mut out = vec![0u32; pixels];
    let failure: RefCell<Option<VariantError>> = RefCell::new(None);
    {
        let mut g = c.benchmark_group(group);
        // Every call takes milliseconds to seconds: equal iteration counts per sample.
        g.sampling_mode(SamplingMode::Flat);
        g.bench_function(id, |b| match clock {
            Clock::Wall => b.iter(|| {
                if let Err(e) = kernel.run(std::hint::black_box(&mut out)) {
                    failure.borrow_mut().get_or_insert(e);
                }
            }),
            Clock::Device => b.iter_custom(|iters| {
                let mut total = 0.0;
                for _ in 0..iters {
                    match kernel.run(std::hint::black_box(&mut out)) {
                        Ok(()) => total += kernel.kernel_seconds().unwrap_or(0.0),
                        Err(e) => {
                            failure.borrow_mut().get_or_insert(e);
                        }
                    }
                }
                Duration::from_secs_f64(total)
            }),
        });
        g.finish();
    }
    if let Some(e) = failure.into_inner() {
        return Err(e.into());
    }
    let dir = criterion_dir.join(group).join(id);
    read_timing(&dir, settings.confidence_level).map(|mut t| {
        let report = dir.join("report").join("index.html");
        t.criterion_report = report
            .exists()
            .then(|| format!("criterion/{group}/{id}/report/index.html"));
        t
    })
}

#[derive(Deserialize)]
struct Estimate {
    point_estimate: f64,
    confidence_interval: Interval,
}

#[derive(Deserialize)]
struct Interval {
    lower_bound: f64,
    upper_bound: f64,
}

#[derive(Deserialize)]
struct Estimates {
    mean: Estimate,
    median: Estimate,
    median_abs_dev: Estimate,
    std_dev: Estimate,
}

#[derive(Deserialize)]
struct Sample {
    iters: Vec<f64>,
    times: Vec<f64>,
}

/// Reads criterion's `new/estimates.json` and `new/sample.json` (nanoseconds) into seconds.
fn read_timing(dir: &Path, confidence_level: f64) -> Result<Timing, LabError> {
    let load = |name: &str| -> Result<(PathBuf, Vec<u8>), LabError> {
        let path = dir.join("new").join(name);
        Ok((path.clone(), write::read(&path)?))
    };
    let corrupt = |path: PathBuf, e: serde_json::Error| LabError::Corrupt {
        path,
        message: e.to_string(),
    };
    let (path, bytes) = load("estimates.json")?;
    let est: Estimates = serde_json::from_slice(&bytes).map_err(|e| corrupt(path, e))?;
    let (path, bytes) = load("sample.json")?;
    let sample: Sample = serde_json::from_slice(&bytes).map_err(|e| corrupt(path, e))?;
    let per_call: Vec<f64> = sample
        .times
        .iter()
        .zip(&sample.iters)
        .map(|(t, n)| t / n * 1e-9)
        .collect();
    let ns = |e: &Estimate| e.point_estimate * 1e-9;
    let ci = |e: &Estimate| {
        [
            e.confidence_interval.lower_bound * 1e-9,
            e.confidence_interval.upper_bound * 1e-9,
        ]
    };
    Ok(Timing {
        median: ns(&est.median),
        mean: ns(&est.mean),
        std_dev: ns(&est.std_dev),
        median_abs_dev: ns(&est.median_abs_dev),
        min: per_call.iter().copied().fold(f64::INFINITY, f64::min),
        max: per_call.iter().copied().fold(0.0, f64::max),
        samples: per_call.len(),
        iterations: sample.iters.iter().sum::<f64>() as u64,
        confidence_level,
        median_ci: ci(&est.median),
        mean_ci: ci(&est.mean),
        criterion_report: None,
    })
}

/// Writes criterion's own summary page, `criterion_dir/report/index.html`, over every benchmark
/// found on disk there.
pub fn final_summary(criterion_dir: &Path) {
    Criterion::default()
        .output_directory(criterion_dir)
        .plotting_backend(PlottingBackend::Plotters)
        .final_summary();
}
