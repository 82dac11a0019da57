//! The profiling stage: for every variant, the three views the tutorial used.
//!
//! - [`sampling`]: pprof samples (cProfile / RunSnake), drawn as an inferno flamegraph, with a
//!   top-functions table.
//! - [`lines`]: callgrind's deterministic instruction counts per source line (line_profiler,
//!   `cython -a`).
//! - [`disasm`]: the hot loop's machine code (`dis`); for a variant that dispatches to SIMD
//!   paths, [`paths`]: every path's inner loop, read from the binary.
//!
//! Outputs go to `flamegraphs/`: `<variant>.folded`, `<variant>.svg`, `<variant>.lines.html`,
//! `<variant>.asm.html`, and `profile.json`, which the report reads to link and summarise them.

pub mod callgrind;
pub mod disasm;
pub mod lines;
pub mod paths;
pub mod sampling;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use mandel_variants::{Tuning, Variant};
use serde::{Deserialize, Serialize};

use crate::{GridSpec, LabError, fsutil};
use disasm::HotLoop;
use lines::LineProfile;
use sampling::FunctionShare;

/// Version of `profile.json`.
pub const SCHEMA_VERSION: u32 = 1;
/// File name of the summary inside the flamegraphs folder.
pub const SUMMARY_FILE: &str = "profile.json";

/// The problem callgrind runs: small, because valgrind is about fifty times slower.
pub const CALLGRIND_PROBLEM: GridSpec = GridSpec {
    width: 200,
    height: 200,
    maxiter: 300,
    ..GridSpec::TUTORIAL
};

/// The problem callgrind runs under `--quick`: a quarter of [`CALLGRIND_PROBLEM`]'s pixels. The
/// line profile's shares hardly move with the grid's size; its cost does.
pub const QUICK_CALLGRIND_PROBLEM: GridSpec = GridSpec {
    width: 100,
    height: 100,
    ..CALLGRIND_PROBLEM
};

/// How to profile.
#[derive(Debug, Clone)]
pub struct ProfileOptions {
    /// The problem sampled by pprof.
    pub spec: GridSpec,
    pub seconds: f64,
    pub frequency: i32,
    pub out_dir: PathBuf,
    /// The problem callgrind runs for the line profile.
    pub callgrind: GridSpec,
    /// Whether to make the line profile and the machine code (callgrind, addr2line, objdump):
    /// seconds a variant; `profile --quick` stops making them when its budget is spent.
    pub line_level: bool,
}

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
    pub paths: Vec<paths::PathLoop>,
    /// What could not be done here, and how to fix it.
    pub notes: Vec<String>,
}

impl ProfileSummary {
    /// Reads `profile.json` from `dir`, if the profiling stage has run.
    pub fn load(dir: &Path) -> Result<Option<ProfileSummary>, LabError> {
        fsutil::read_json_if_exists(&dir.join(SUMMARY_FILE))
    }

    /// Merges `self` into the summary saved in its folder (so profiling some variants keeps the
    /// others' views) and writes it atomically. Views of another problem are dropped, not merged:
    /// `spec` is the problem of every view the summary lists.
    pub fn save_merged(mut self, dir: &Path) -> Result<ProfileSummary, LabError> {
        if let Ok(Some(old)) = ProfileSummary::load(dir) {
            let same_problem = old.spec == self.spec && old.callgrind_spec == self.callgrind_spec;
            for v in old.variants.into_iter().filter(|_| same_problem) {
                if !self.variants.iter().any(|n| n.variant == v.variant) {
                    self.variants.push(v);
                }
            }
        }
        let order = |name: &str| {
            mandel_variants::VARIANTS
                .iter()
                .position(|v| v.name == name)
        };
        self.variants.sort_by_key(|v| order(&v.variant));
        fsutil::write_json(&dir.join(SUMMARY_FILE), &self)?;
        Ok(self)
    }

    /// The profile of `variant`.
    pub fn variant(&self, name: &str) -> Option<&VariantProfile> {
        self.variants.iter().find(|v| v.variant == name)
    }
}

/// Whether a source path belongs to the variants crate (the kernels' own code).
pub fn is_variant_source(file: &str) -> bool {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/variants/");
    file.starts_with(root) || file.contains("/variants/src/") || file.contains("/variants/c/")
}

/// Profiles one variant: samples it, then (where valgrind is installed) counts its instructions
/// per line and disassembles its hot loop.
pub fn profile_variant(
    variant: &Variant,
    opts: &ProfileOptions,
) -> Result<VariantProfile, LabError> {
    let grid = opts.spec.build()?;
    let mut kernel = variant.prepare(&grid.problem(), &Tuning::default())?;
    let sampled = sampling::sample(
        kernel.as_mut(),
        grid.pixels(),
        variant.name,
        opts.seconds,
        opts.frequency,
        is_variant_source,
    )?;
    let folded = &sampled.folded;
    drop(kernel);
    let s = &opts.spec;
    let folded_name = format!("{}.folded", variant.name);
    let svg_name = format!("{}.svg", variant.name);
    fsutil::atomic_write(
        &opts.out_dir.join(&folded_name),
        sampling::folded_text(folded).as_bytes(),
    )?;
    let svg = sampling::flamegraph_svg(
        folded,
        &format!("mandel-lab: {} ({})", variant.name, variant.analogue),
        &format!(
            "{} x {} pixels, maxiter {}; pprof at {} Hz for {} s, {} samples",
            grid.columns(),
            grid.rows(),
            s.maxiter,
            opts.frequency,
            opts.seconds,
            sampling::total(folded)
        ),
    )?;
    fsutil::atomic_write(&opts.out_dir.join(&svg_name), svg.as_bytes())?;
    let mut profile = VariantProfile {
        variant: variant.name.into(),
        samples: sampling::total(folded),
        kernel_share: sampled.in_variant as f64 / sampling::total(folded).max(1) as f64,
        top_functions: sampling::top_functions(&sampled.kernel_folded, 12),
        flamegraph: svg_name,
        folded: folded_name,
        line_profile: None,
        line_profile_page: None,
        hot_loop: None,
        hot_loop_page: None,
        paths: Vec::new(),
        notes: Vec::new(),
    };
    match callgrind::available() {
        Ok(()) if !opts.line_level => profile.notes.push(NO_LINE_LEVEL.into()),
        Ok(()) => line_and_machine_code(variant, opts, &mut profile)?,
        Err(why) => profile
            .notes
            .push(format!("no line profile or disassembly: {why}")),
    }
    Ok(profile)
}

fn line_and_machine_code(
    variant: &Variant,
    opts: &ProfileOptions,
    profile: &mut VariantProfile,
) -> Result<(), LabError> {
    let exe = std::env::current_exe().map_err(|source| LabError::Read {
        path: "/proc/self/exe".into(),
        source,
    })?;
    let (scratch, _registered) =
        crate::interrupt::scratch_dir().map_err(|source| LabError::Write {
            path: std::env::temp_dir(),
            source,
        })?;
    let c = opts.callgrind;
    let args: Vec<String> = [
        "kernel-once",
        "--variant",
        variant.name,
        "--width",
        &c.width.to_string(),
        "--height",
        &c.height.to_string(),
        "--maxiter",
        &c.maxiter.to_string(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // callgrind gives addresses relative to each object's load address, which for the lab's own
    // binary are its ELF addresses: addr2line and objdump take them as they are.
    let measured = callgrind::run(&exe, &args, &scratch.path().join("callgrind.out"))?;
    let mut addrs: Vec<u64> = measured
        .cost
        .keys()
        .chain(measured.calls.iter().map(|c| &c.site))
        .copied()
        .collect();
    addrs.sort_unstable();
    addrs.dedup();
    let chains = lines::inline_chains(&exe, &addrs)?;
    let lp = lines::attribute(&measured, &chains, is_variant_source);
    let page = format!("{}.lines.html", variant.name);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let title = format!(
        "Line profile of {} ({} x {}, maxiter {})",
        variant.name, c.width, c.height, c.maxiter
    );
    fsutil::atomic_write(
        &opts.out_dir.join(&page),
        lines::render_html(&lp, &title, root).as_bytes(),
    )?;
    // The variant's own instructions, by ELF address, with their execution counts.
    let ours: HashMap<u64, u64> = measured
        .cost
        .iter()
        .filter_map(|(&a, &n)| {
            chains
                .get(&a)?
                .iter()
                .any(|f| is_variant_source(&f.file))
                .then_some((a, n))
        })
        .collect();
    if let Some(file) = paths::kernel_file(variant.name) {
        profile.paths = paths::path_loops(&exe, file)?;
    }
    if let Some(hot) = disasm::hot_loop(&exe, &ours)? {
        let page = format!("{}.asm.html", variant.name);
        let title = format!("Hot loop of {}", variant.name);
        let mut html = disasm::render_html(&hot, &title);
        if !profile.paths.is_empty() {
            // The widest path this CPU runs outside valgrind, as read from the binary.
            let best = mandel_variants::simd::Isa::best().name();
            let widest = profile
                .paths
                .iter()
                .find(|p| p.isa == best)
                .map_or(&profile.paths[0].vector_width, |p| &p.vector_width);
            let note = if *widest != hot.vector_width {
                format!(
                    "valgrind cannot execute {widest} code and hides it from the program, so \
                     under callgrind the lab chose a narrower path: the line profile and the hot \
                     loop above are of the {} path. Every path's inner loop, from the binary:",
                    hot.vector_width
                )
            } else {
                format!(
                    "This CPU's widest path is {best} ({widest}), the one the line profile and the \
                     hot loop above ran. Every path's inner loop, from the binary:"
                )
            };
            html = html.replace(
                "</body></html>\n",
                &format!(
                    "{}</body></html>\n",
                    paths::render_html(&profile.paths, &note)
                ),
            );
            profile
                .notes
                .push(note.trim_end_matches(':').to_string() + ".");
        }
        fsutil::atomic_write(&opts.out_dir.join(&page), html.as_bytes())?;
        profile.hot_loop = Some(hot);
        profile.hot_loop_page = Some(page);
    }
    profile.line_profile = Some(lp);
    profile.line_profile_page = Some(page);
    Ok(())
}
