//! How cost grows with work: a least-squares line through log time against log work. Its slope
//! is the exponent of the growth (1.0: time follows the work), R² how well one power law holds.

use serde::{Deserialize, Serialize};

/// One variant's fit: `ln t = intercept + slope * ln x`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fit {
    pub variant: String,
    pub slope: f64,
    pub intercept: f64,
    /// Coefficient of determination of the fit in log space.
    pub r2: f64,
    /// Points used.
    pub points: usize,
}

impl Fit {
    /// Fits `points` `(x, seconds)`; `None` with fewer than two distinct positive `x`.
    pub fn log_log(variant: &str, points: &[(f64, f64)]) -> Option<Fit> {
        let logs: Vec<(f64, f64)> = points
            .iter()
            .filter(|(x, t)| *x > 0.0 && *t > 0.0)
            .map(|(x, t)| (x.ln(), t.ln()))
            .collect();
        let n = logs.len() as f64;
        let mean_x = logs.iter().map(|p| p.0).sum::<f64>() / n;
        let mean_y = logs.iter().map(|p| p.1).sum::<f64>() / n;
        let sxx: f64 = logs.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
        let sxy: f64 = logs.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
        let syy: f64 = logs.iter().map(|p| (p.1 - mean_y).powi(2)).sum();
        if logs.len() < 2 || sxx <= 0.0 {
            return None;
        }
        let slope = sxy / sxx;
        let intercept = mean_y - slope * mean_x;
        let residual: f64 = logs
            .iter()
            .map(|p| (p.1 - intercept - slope * p.0).powi(2))
            .sum();
        Some(Fit {
            variant: variant.into(),
            slope,
            intercept,
            r2: if syy > 0.0 { 1.0 - residual / syy } else { 1.0 },
            points: logs.len(),
        })
    }

    /// The fitted seconds at `x`.
    pub fn at(&self, x: f64) -> f64 {
        (self.intercept + self.slope * x.ln()).exp()
    }

    /// "slope 1.02, R² 0.999".
    pub fn summary(&self) -> String {
        format!("slope {:.2}, R² {:.3}", self.slope, self.r2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_power_law_is_fitted_exactly() {
        let pts: Vec<(f64, f64)> = [1e6, 1e7, 1e8]
            .iter()
            .map(|&x: &f64| (x, 3e-9 * x.powf(1.5)))
            .collect();
        let fit = Fit::log_log("v", &pts).unwrap();
        assert!((fit.slope - 1.5).abs() < 1e-9, "{fit:?}");
        assert!((fit.r2 - 1.0).abs() < 1e-9);
        assert!((fit.at(1e7) - 3e-9 * 1e7f64.powf(1.5)).abs() < 1e-6);
    }

    #[test]
    fn noise_lowers_r2_and_too_few_points_give_no_fit() {
        let fit = Fit::log_log("v", &[(1.0, 1.0), (2.0, 3.0), (4.0, 3.5), (8.0, 9.0)]).unwrap();
        assert!(fit.r2 < 1.0 && fit.r2 > 0.8, "{fit:?}");
        assert!(Fit::log_log("v", &[(1.0, 1.0)]).is_none());
        assert!(Fit::log_log("v", &[(2.0, 1.0), (2.0, 3.0)]).is_none());
    }
}
