//! The profiling stage's schema: `profile.json` ([`ProfileSummary`]), one [`VariantProfile`] per
//! variant with the problem it was made for, read back range-checked and saved merged with the
//! set already there. The views it holds are [`crate::profile::views`]'; making them is the
//! pipeline's ([`crate::profile::pipeline`]).

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::profile::views::{FunctionShare, GpuProfile, HotLoop, LineProfile, PathLoop};
use crate::{GridSpec, LabError, record::write};

/// Version of `profile.json`.
pub const SCHEMA_VERSION: u32 = 1;
/// File name of the summary inside the flamegraphs folder.
pub const SUMMARY_FILE: &str = "profile.json";
/// What makes `profile.json`, said where one is refused.
pub const HOW_TO_MAKE: &str = "cargo xtask profile";

/// The note a variant profiled without its line profile and machine code carries.
pub const NO_LINE_LEVEL: &str = "no line profile or machine code in this --quick profile (its \
     time budget was spent on the variants before it): cargo xtask profile makes them";

/// Everything the profiling stage found, as saved in `profile.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileSummary {
    pub schema_version: u32,
    pub generated_at: String,
    /// The sampled problem and the callgrind problem.
    pub spec: GridSpec,
    pub callgrind_spec: GridSpec,
    pub seconds: f64,
    pub frequency: i32,
    pub variants: Vec<VariantProfile>,
    /// The GPU variants' machine code (made without a GPU, where the tools are installed).
    #[serde(default)]
    pub gpu: Vec<GpuProfile>,
}

/// The three views of one variant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantProfile {
    pub variant: String,
    pub samples: u64,
    /// Share of samples spent in the variant's own code.
    pub kernel_share: f64,
    /// Functions from the variant's code down (what it calls), like `pstats`; shares are of all
    /// samples.
    pub top_functions: Vec<FunctionShare>,
    /// Files beside `profile.json`.
    pub flamegraph: String,
    pub folded: String,
    pub line_profile: Option<LineProfile>,
    pub line_profile_page: Option<String>,
    pub hot_loop: Option<HotLoop>,
    pub hot_loop_page: Option<String>,
    /// For a variant that dispatches to SIMD paths, every path's inner loop.
    #[serde(default)]
    pub paths: Vec<PathLoop>,
    /// What could not be done here, and how to fix it.
    pub notes: Vec<String>,
    /// The problem this variant was sampled on, and the one callgrind ran for it: a set of
    /// profiles is updated a variant at a time, so each carries its own. Absent in files written
    /// before, where the summary's are every variant's ([`ProfileSummary::load`] fills them in).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<GridSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callgrind_spec: Option<GridSpec>,
}

impl VariantProfile {
    /// The problem this variant was sampled on (see [`VariantProfile::spec`]).
    pub fn problem(&self, summary: &ProfileSummary) -> GridSpec {
        self.spec.unwrap_or(summary.spec)
    }

    /// The problem callgrind ran for this variant's lines and machine code.
    pub fn callgrind_problem(&self, summary: &ProfileSummary) -> GridSpec {
        self.callgrind_spec.unwrap_or(summary.callgrind_spec)
    }
}

impl ProfileSummary {
    /// Reads `profile.json` from `dir`, if the profiling stage has run, refusing another schema
    /// version and figures no profile gives.
    pub fn load(dir: &Path) -> Result<Option<ProfileSummary>, LabError> {
        let path = dir.join(SUMMARY_FILE);
        let remake = format!("re-run {HOW_TO_MAKE}");
        let Some(summary) =
            write::read_versioned::<ProfileSummary>(&path, SCHEMA_VERSION, &remake)?
        else {
            return Ok(None);
        };
        summary.validate(&path)?;
        Ok(Some(summary.with_problems()))
    }

    /// Every variant with its own problems written out, from the summary's where the file
    /// left them out.
    fn with_problems(mut self) -> ProfileSummary {
        for v in &mut self.variants {
            v.spec.get_or_insert(self.spec);
            v.callgrind_spec.get_or_insert(self.callgrind_spec);
        }
        self
    }

    /// Refuses figures no profile gives (see [`crate::record::check::Check`]); `path` is the file they
    /// were read from.
    pub fn validate(&self, path: &Path) -> Result<(), LabError> {
        let remedy = format!("re-run {HOW_TO_MAKE}");
        let check = crate::record::check::Check::new(path, &remedy);
        check.spec("spec", &self.spec)?;
        check.spec("callgrind_spec", &self.callgrind_spec)?;
        check.number("seconds", self.seconds, crate::record::check::SPREAD, " s")?;
        check.count(
            "frequency",
            u64::try_from(self.frequency).unwrap_or(0),
            1..=1_000_000,
        )?;
        for (i, g) in self.gpu.iter().enumerate() {
            for (j, k) in g.kernels.iter().enumerate() {
                let field = format!("gpu[{i}] ({}).kernels[{j}].occupancy", g.variant);
                check.number(&field, k.occupancy, 0.0..=1.0, "")?;
            }
        }
        for (i, v) in self.variants.iter().enumerate() {
            let field = |name: &str| format!("variants[{i}] ({}).{name}", v.variant);
            for (name, spec) in [("spec", &v.spec), ("callgrind_spec", &v.callgrind_spec)] {
                if let Some(spec) = spec {
                    check.spec(&field(name), spec)?;
                }
            }
            check.number(&field("kernel_share"), v.kernel_share, 0.0..=1.0, "")?;
            for (j, f) in v.top_functions.iter().enumerate() {
                let share = |name: &str| field(&format!("top_functions[{j}].{name}"));
                check.number(&share("self_share"), f.self_share, 0.0..=1.0, "")?;
                check.number(&share("total_share"), f.total_share, 0.0..=1.0, "")?;
            }
            for (j, l) in v
                .line_profile
                .iter()
                .flat_map(|lp| lp.lines.iter().enumerate())
            {
                let share = field(&format!("line_profile.lines[{j}].share"));
                check.number(&share, l.share, 0.0..=1.0, "")?;
            }
        }
        Ok(())
    }

    /// Merges `self` into the summary saved in its folder and writes it atomically: the variants
    /// profiled now replace their earlier entries, and every other variant's entry (and views)
    /// stays, with the problem it was made for ([`VariantProfile::spec`]), so that profiling one
    /// variant updates the set instead of replacing it. The summary's own `spec` and settings are
    /// the latest run's. A saved summary that cannot be used is replaced.
    pub fn save_merged(self, dir: &Path) -> Result<ProfileSummary, LabError> {
        let mut this = self.with_problems();
        if let Ok(Some(old)) = ProfileSummary::load(dir) {
            for v in old.variants {
                if !this.variants.iter().any(|n| n.variant == v.variant) {
                    this.variants.push(v);
                }
            }
            // The machine code does not depend on the problem.
            for g in old.gpu {
                if !this.gpu.iter().any(|n| n.variant == g.variant) {
                    this.gpu.push(g);
                }
            }
        }
        // Report order; a name this build does not know sorts first, as it always has.
        let order =
            |name: &str| mandel_variants::find(name).map(|_| mandel_variants::report_order(name));
        this.variants.sort_by_key(|v| order(&v.variant));
        this.gpu.sort_by_key(|g| order(&g.variant));
        write::write_json(&dir.join(SUMMARY_FILE), &this)?;
        Ok(this)
    }

    /// The profile of `variant`.
    pub fn variant(&self, name: &str) -> Option<&VariantProfile> {
        self.variants.iter().find(|v| v.variant == name)
    }
}
