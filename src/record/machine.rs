//! The machine a record was made on, as the schema keeps it: CPU, caches, compiler, build and
//! revision ([`Machine`]), and the start-up probe's limit ([`Limit`]). Detecting them is
//! `crate::measure::machine` and `crate::measure::limit`'s work, which fill these types.

use mandel_variants::simd::Isa;
use serde::{Deserialize, Serialize};

use crate::record::build_id::BuildId;
use crate::record::units::human_size;

/// One level of the CPU's data cache, as sysfs describes cpu0's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cache {
    /// `L1d`, `L2` or `L3`.
    pub name: String,
    /// Size in bytes seen by one core (shared caches report their whole size).
    pub bytes: u64,
    /// How many logical CPUs share it.
    pub shared_by: usize,
}

/// Everything recorded about where and how results were produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Machine {
    pub cpu_model: String,
    /// Vendor, family and model numbers, with the core generation where the lab knows it
    /// (`AMD family 25 model 17: Zen 4`): "AMD EPYC" alone does not say which.
    #[serde(default)]
    pub cpu_detail: String,
    pub logical_cores: usize,
    pub caches: Vec<Cache>,
    pub os: String,
    pub rustc: String,
    /// Cargo profile and optimisation level of the lab binary.
    pub profile: String,
    pub opt_level: String,
    pub target: String,
    pub rustflags: String,
    pub target_features: String,
    /// The revision of the checkout the binary was compiled in (see [`BuildId::checkout`]),
    /// `-dirty` when its tracked files had uncommitted changes.
    pub git_revision: String,
    /// The build that ran: the binary's own fingerprint and its checkout. `None` in records from
    /// a lab that did not record it.
    #[serde(default)]
    pub build: Option<BuildId>,
    /// RFC 3339 UTC date of the measurement.
    pub date: String,
    /// The start-up probe: the clock and the inner iteration's rate at each SIMD width.
    #[serde(default)]
    pub limit: Option<Limit>,
}

impl Machine {
    /// The cache called `name` (`L1d`, `L2`, `L3`), if sysfs listed it.
    pub fn cache(&self, name: &str) -> Option<&Cache> {
        self.caches.iter().find(|c| c.name == name)
    }

    /// A one-line summary: CPU, cores and caches.
    pub fn summary(&self) -> String {
        let caches: Vec<String> = self
            .caches
            .iter()
            .map(|c| format!("{} {}", c.name, human_size(c.bytes)))
            .collect();
        let detail = if self.cpu_detail.is_empty() {
            String::new()
        } else {
            format!(" ({})", self.cpu_detail)
        };
        format!(
            "{}{detail}, {} logical cores, {}",
            self.cpu_model,
            self.logical_cores,
            caches.join(", ")
        )
    }
}

/// The probe's rate at one SIMD width.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Width {
    /// The path (`avx512`, `avx2`, ...).
    pub isa: Isa,
    /// f64 lanes per vector.
    pub lanes: usize,
    /// G lane-iterations per second on one core.
    pub g_iterations_per_s: f64,
    /// Lane-iterations per clock cycle, when the clock was measured.
    pub per_cycle: Option<f64>,
    /// How far the probe's repeats fell below the best one: (best - slowest) / best over the
    /// repeats of the kept loop. `None` in records from before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spread: Option<f64>,
}

/// A probe spread above this share of its best repeat is flagged: the limit itself moved while it
/// was measured, and every "% of limit" read against it inherits that.
pub const LARGE_SPREAD: f64 = 0.10;

/// The measured limit of one core.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Limit {
    /// The core's clock while it ran the probe, from a chain of dependent adds.
    pub clock_ghz: Option<f64>,
    /// Every width this CPU has, widest first.
    pub widths: Vec<Width>,
}

impl Limit {
    /// The fastest width: the per-core limit.
    pub fn best(&self) -> Option<&Width> {
        self.widths
            .iter()
            .max_by(|a, b| a.g_iterations_per_s.total_cmp(&b.g_iterations_per_s))
    }

    /// One core's limit, G inner iterations per second.
    pub fn per_core(&self) -> Option<f64> {
        self.best().map(|w| w.g_iterations_per_s)
    }

    /// The share of the limit (0..1, can exceed 1 on noise) of `throughput` G iterations per
    /// second on `cores` cores.
    pub fn share(&self, throughput: f64, cores: usize) -> Option<f64> {
        self.per_core()
            .filter(|l| *l > 0.0)
            .map(|l| throughput / (l * cores.max(1) as f64))
    }

    /// The best width's spread over its repeats, where it was recorded.
    pub fn spread(&self) -> Option<f64> {
        self.best().and_then(|w| w.spread)
    }

    /// The warning for a limit whose repeats spread by more than [`LARGE_SPREAD`].
    pub fn spread_warning(&self) -> Option<String> {
        let spread = self.spread().filter(|s| *s > LARGE_SPREAD)?;
        Some(format!(
            "the limit probe's repeats spread by {:.0}% (over {:.0}%): the limit moved while it \
             was measured, so every share of it is uncertain by as much",
            spread * 100.0,
            LARGE_SPREAD * 100.0
        ))
    }

    /// `AVX-512 (8 lanes): 5.12 G/s, 1.38 per cycle; ...` for summaries.
    pub fn summary(&self) -> String {
        let widths: Vec<String> = self
            .widths
            .iter()
            .map(|w| {
                let per_cycle = w
                    .per_cycle
                    .map_or(String::new(), |c| format!(", {c:.2} per cycle"));
                format!(
                    "{} ({} lanes) {:.2} G/s{per_cycle}",
                    w.isa, w.lanes, w.g_iterations_per_s
                )
            })
            .collect();
        let clock = self
            .clock_ghz
            .map_or("clock not measured".into(), |c| format!("clock {c:.2} GHz"));
        format!("{clock}; {}", widths.join("; "))
    }
}
