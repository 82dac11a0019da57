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
pub mod gpu;
pub mod line_counts;
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
/// What makes `profile.json`, said where one is refused.
pub const HOW_TO_MAKE: &str = "cargo xtask profile";

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
    /// Whether to make the line profile and the machine code (callgrind, the debug info, objdump):
    /// a fraction of a second a variant once counted; `profile --quick` stops making them when its
    /// budget is spent.
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
    /// The GPU variants' machine code (made without a GPU, where the tools are installed).
    #[serde(default)]
    pub gpu: Vec<gpu::GpuProfile>,
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
            fsutil::read_versioned::<ProfileSummary>(&path, SCHEMA_VERSION, &remake)?
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

    /// Refuses figures no profile gives (see [`crate::results::Check`]); `path` is the file they
    /// were read from.
    pub fn validate(&self, path: &Path) -> Result<(), LabError> {
        let remedy = format!("re-run {HOW_TO_MAKE}");
        let check = crate::results::Check::new(path, &remedy);
        check.spec("spec", &self.spec)?;
        check.spec("callgrind_spec", &self.callgrind_spec)?;
        check.number("seconds", self.seconds, crate::results::SPREAD, " s")?;
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
        let order = |name: &str| {
            mandel_variants::VARIANTS
                .iter()
                .position(|v| v.name == name)
        };
        this.variants.sort_by_key(|v| order(&v.variant));
        this.gpu.sort_by_key(|g| order(&g.variant));
        fsutil::write_json(&dir.join(SUMMARY_FILE), &this)?;
        Ok(this)
    }

    /// The profile of `variant`.
    pub fn variant(&self, name: &str) -> Option<&VariantProfile> {
        self.variants.iter().find(|v| v.variant == name)
    }
}

/// The environment variable naming the checkout whose files the lab reads (the peers' Python
/// programs, the kernels' sources for the line profiles): `cargo xtask` sets it to the checkout
/// it was run in.
pub const WORKSPACE_ENV: &str = "MANDEL_LAB_WORKSPACE";

/// The folder the lab was compiled in. The debug info names sources under it.
const BUILT_IN: &str = env!("CARGO_MANIFEST_DIR");

/// The checkout whose files the lab reads: `$MANDEL_LAB_WORKSPACE` where set, else the one the lab
/// was built from, while it still exists. With a shared target folder or a copied checkout, one
/// binary serves several checkouts, so xtask names the one it drives: the lab never reads another
/// checkout's files behind its back.
pub fn workspace() -> Option<PathBuf> {
    match std::env::var_os(WORKSPACE_ENV) {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => Path::new(BUILT_IN)
            .is_dir()
            .then(|| PathBuf::from(BUILT_IN)),
    }
}

/// `file`, a source path from the debug info, moved from the folder the lab was built in to
/// `workspace`, where the line profile reads it.
pub fn relocate(file: &str, workspace: &Path) -> String {
    match Path::new(file).strip_prefix(BUILT_IN) {
        Ok(rest) if workspace != Path::new(BUILT_IN) => workspace.join(rest).display().to_string(),
        _ => file.to_string(),
    }
}

/// Where a run writes its views: `<out>/.run-<pid>/`, moved into the flamegraphs folder with
/// `profile.json` only when every variant is profiled. An interrupted run removes the folder
/// (it is registered with [`crate::interrupt`]) and so leaves the views and the summary of the
/// previous run as they were, each view of the problem `profile.json` names.
#[derive(Debug)]
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    _registered: crate::interrupt::Registered,
}

/// The prefix of a run's scratch folder inside the flamegraphs folder.
const STAGING_PREFIX: &str = ".run-";

impl Staging {
    /// Creates the scratch folder of this run inside `out`, first removing any that a killed run
    /// left (one whose process is gone).
    pub fn create(out: &Path) -> Result<Staging, LabError> {
        let write_err = |path: &Path| {
            let path = path.to_path_buf();
            move |source| LabError::Write { path, source }
        };
        std::fs::create_dir_all(out).map_err(write_err(out))?;
        remove_abandoned(out);
        let dir = out.join(format!("{STAGING_PREFIX}{}", std::process::id()));
        // Registered first: an interruption from here on removes it.
        let registered =
            crate::interrupt::Registered::folder(dir.clone()).map_err(write_err(&dir))?;
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir).map_err(write_err(&dir))?;
        Ok(Staging {
            out: out.to_path_buf(),
            dir,
            _registered: registered,
        })
    }

    /// The folder the run writes its views to.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Moves the run's views into the flamegraphs folder, then merges `summary` into its
    /// `profile.json` (see [`ProfileSummary::save_merged`]): the summary last, so that it never
    /// names a view that is not there. An interruption waits for this to end.
    pub fn commit(self, summary: ProfileSummary) -> Result<ProfileSummary, LabError> {
        crate::interrupt::uninterrupted(|| {
            let read_err = |source| LabError::Read {
                path: self.dir.clone(),
                source,
            };
            let mut names: Vec<_> = std::fs::read_dir(&self.dir)
                .map_err(read_err)?
                .map(|e| e.map(|e| e.file_name()))
                .collect::<Result<_, _>>()
                .map_err(read_err)?;
            names.sort();
            // Hidden names are temporary files, which a finished run has none of.
            for name in names
                .iter()
                .filter(|n| !n.to_string_lossy().starts_with('.'))
            {
                let to = self.out.join(name);
                let from = self.dir.join(name);
                // A view's path may be a link to elsewhere (see `fsutil`): the link's target is
                // replaced, through a copy where the rename cannot cross file systems.
                let moved = fsutil::resolve_output(&to)
                    .is_ok_and(|target| std::fs::rename(&from, target).is_ok());
                if !moved {
                    fsutil::atomic_write(&to, &fsutil::read(&from)?)?;
                }
            }
            summary.save_merged(&self.out)
        })
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        // Whatever the run did not move in (all of it, after a failure) is thrown away.
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Removes the scratch folders of runs that were killed (SIGKILL cannot be caught): those whose
/// process no longer runs.
fn remove_abandoned(out: &Path) {
    for entry in std::fs::read_dir(out).into_iter().flatten().flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(STAGING_PREFIX))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if !Path::new("/proc").join(pid.to_string()).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
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
    variant: &'static Variant,
    opts: &ProfileOptions,
    counted: Option<callgrind::Profile>,
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
        spec: Some(opts.spec),
        callgrind_spec: Some(opts.callgrind),
    };
    match callgrind::available() {
        Ok(()) if !opts.line_level => profile.notes.push(NO_LINE_LEVEL.into()),
        Ok(()) => line_and_machine_code(variant, opts, counted, &mut profile)?,
        Err(why) => profile
            .notes
            .push(format!("no line profile or disassembly: {why}")),
    }
    Ok(profile)
}

fn line_and_machine_code(
    variant: &'static Variant,
    opts: &ProfileOptions,
    counted: Option<callgrind::Profile>,
    profile: &mut VariantProfile,
) -> Result<(), LabError> {
    let exe = std::env::current_exe().map_err(|source| LabError::Read {
        path: "/proc/self/exe".into(),
        source,
    })?;
    let c = opts.callgrind;
    // Counted with the other variants where the caller ran them together, else alone.
    let measured = match counted {
        Some(counted) => counted,
        None => {
            let mut alone = line_counts::count(&[variant], c)?;
            alone.remove(variant.name).unwrap_or_default()
        }
    };
    let mut addrs: Vec<u64> = measured
        .cost
        .keys()
        .chain(measured.calls.iter().map(|c| &c.site))
        .copied()
        .collect();
    addrs.sort_unstable();
    addrs.dedup();
    let chains = lines::inline_chains(&exe, &addrs)?;
    let mut lp = lines::attribute(&measured, &chains, is_variant_source);
    let page = format!("{}.lines.html", variant.name);
    // The sources are read from the checkout the lab runs for, and named relative to it.
    let root = workspace().unwrap_or_else(|| PathBuf::from(BUILT_IN));
    for line in &mut lp.lines {
        line.file = relocate(&line.file, &root);
    }
    let root = root.as_path();
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
    if let Some(mandel_variants::HotCode::Paths(file)) = variant.hot_code {
        profile.paths = paths::path_loops(&exe, file)?;
    }
    if let Some(hot) = disasm::hot_loop(&exe, &ours)? {
        let page = format!("{}.asm.html", variant.name);
        let title = format!("Hot loop of {}", variant.name);
        let note = paths_note(&profile.paths, &hot);
        if !note.is_empty() {
            profile
                .notes
                .push(note.trim_end_matches(':').to_string() + ".");
        }
        let html = disasm::render_html(&hot, &title, &profile.paths, &note);
        fsutil::atomic_write(&opts.out_dir.join(&page), html.as_bytes())?;
        profile.hot_loop = Some(hot);
        profile.hot_loop_page = Some(page);
    }
    profile.line_profile = Some(lp);
    profile.line_profile_page = Some(page);
    Ok(())
}

/// What the hot loop's page says above every path's inner loop: which path the line profile and
/// the hot loop ran, and why it is not the widest where valgrind hid that one. Empty for a
/// variant with no paths.
fn paths_note(paths: &[paths::PathLoop], hot: &HotLoop) -> String {
    let Some(first) = paths.first() else {
        return String::new();
    };
    // The widest path this CPU runs outside valgrind, as read from the binary.
    let best = mandel_variants::simd::Isa::best().name();
    let widest = paths
        .iter()
        .find(|p| p.isa == best)
        .map_or(&first.vector_width, |p| &p.vector_width);
    if *widest != hot.vector_width {
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
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(maxiter: u32, variants: &[&str]) -> ProfileSummary {
        ProfileSummary {
            schema_version: SCHEMA_VERSION,
            generated_at: "now".into(),
            spec: GridSpec {
                maxiter,
                ..CALLGRIND_PROBLEM
            },
            callgrind_spec: QUICK_CALLGRIND_PROBLEM,
            seconds: 1.0,
            frequency: 997,
            gpu: Vec::new(),
            variants: variants
                .iter()
                .map(|v| VariantProfile {
                    variant: v.to_string(),
                    samples: 1,
                    kernel_share: 1.0,
                    top_functions: Vec::new(),
                    flamegraph: format!("{v}.svg"),
                    folded: format!("{v}.folded"),
                    line_profile: None,
                    line_profile_page: None,
                    hot_loop: None,
                    hot_loop_page: None,
                    paths: Vec::new(),
                    notes: Vec::new(),
                    spec: None,
                    callgrind_spec: None,
                })
                .collect(),
        }
    }

    fn read(path: &Path) -> String {
        std::fs::read_to_string(path).unwrap()
    }

    /// The previous run's views and summary: `naive` on maxiter 100.
    fn previous_run() -> tempfile::TempDir {
        let out = tempfile::tempdir().unwrap();
        std::fs::write(out.path().join("naive.svg"), "old").unwrap();
        summary(100, &["naive"]).save_merged(out.path()).unwrap();
        out
    }

    fn scratch_folders(out: &Path) -> Vec<String> {
        std::fs::read_dir(out)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(STAGING_PREFIX))
            .collect()
    }

    #[test]
    fn a_run_cut_short_leaves_the_previous_views_and_summary_and_no_scratch() {
        let out = previous_run();
        {
            let staging = Staging::create(out.path()).unwrap();
            assert!(staging.dir().starts_with(out.path()));
            std::fs::write(staging.dir().join("naive.svg"), "new").unwrap();
            std::fs::write(staging.dir().join("expanded.svg"), "new").unwrap();
            // Not committed: the run failed (an interruption removes the folder the same way).
        }
        assert_eq!(read(&out.path().join("naive.svg")), "old");
        assert!(!out.path().join("expanded.svg").exists());
        let kept = ProfileSummary::load(out.path()).unwrap().unwrap();
        assert_eq!(kept.spec.maxiter, 100);
        assert!(scratch_folders(out.path()).is_empty());
    }

    #[test]
    fn a_finished_run_moves_its_views_in_then_writes_the_summary() {
        let out = previous_run();
        let staging = Staging::create(out.path()).unwrap();
        std::fs::write(staging.dir().join("naive.svg"), "new").unwrap();
        std::fs::write(staging.dir().join("naive.folded"), "new").unwrap();
        // Until the commit, the folder holds the previous run alone.
        assert_eq!(read(&out.path().join("naive.svg")), "old");
        let saved = staging.commit(summary(200, &["naive"])).unwrap();
        assert_eq!(saved.spec.maxiter, 200);
        assert_eq!(read(&out.path().join("naive.svg")), "new");
        assert_eq!(read(&out.path().join("naive.folded")), "new");
        let on_disk = ProfileSummary::load(out.path()).unwrap().unwrap();
        assert_eq!(on_disk, saved);
        for v in &on_disk.variants {
            assert!(out.path().join(&v.flamegraph).is_file());
        }
        assert!(scratch_folders(out.path()).is_empty());
    }

    #[test]
    fn profiling_one_variant_updates_its_entry_and_keeps_the_others_with_their_problems() {
        // Written by the old code: no problem per variant, the summary's is theirs.
        let out = tempfile::tempdir().unwrap();
        let mut old = serde_json::to_value(summary(100, &["naive", "expanded"])).unwrap();
        for v in old["variants"].as_array_mut().unwrap() {
            v.as_object_mut().unwrap().remove("spec");
        }
        std::fs::write(out.path().join(SUMMARY_FILE), old.to_string()).unwrap();
        let read = ProfileSummary::load(out.path()).unwrap().unwrap();
        assert!(read.variants.iter().all(|v| v.spec.unwrap().maxiter == 100));

        let saved = summary(200, &["naive"]).save_merged(out.path()).unwrap();
        assert_eq!(ProfileSummary::load(out.path()).unwrap().unwrap(), saved);
        let problem = |name: &str| saved.variant(name).unwrap().problem(&saved).maxiter;
        assert_eq!((problem("naive"), problem("expanded")), (200, 100));
        assert_eq!(
            saved.spec.maxiter, 200,
            "the summary's own is the latest run's"
        );
    }

    #[test]
    fn the_scratch_folder_of_a_killed_run_is_removed_by_the_next() {
        let out = previous_run();
        // A pid above Linux's largest (4194304) is never a running process.
        let abandoned = out.path().join(format!("{STAGING_PREFIX}4194305"));
        std::fs::create_dir(&abandoned).unwrap();
        std::fs::write(abandoned.join("naive.svg"), "killed").unwrap();
        let staging = Staging::create(out.path()).unwrap();
        assert!(!abandoned.exists());
        assert_eq!(
            scratch_folders(out.path()),
            [format!("{STAGING_PREFIX}{}", std::process::id())]
        );
        drop(staging);
    }

    #[test]
    fn sources_are_read_from_the_workspace_the_lab_runs_for() {
        let built = format!("{BUILT_IN}/variants/src/scalar/naive.rs");
        assert_eq!(
            relocate(&built, Path::new("/b")),
            "/b/variants/src/scalar/naive.rs"
        );
        assert_eq!(relocate(&built, Path::new(BUILT_IN)), built);
        assert_eq!(
            relocate("/rustc/x/lib.rs", Path::new("/b")),
            "/rustc/x/lib.rs"
        );
    }
}
