//! The profiling pipeline: how one variant is profiled ([`profile_variant`]: sampled, then its
//! line profile and machine code where valgrind is installed), on which problems, and which
//! checkout's sources the views read ([`workspace`]).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use mandel_variants::{Tuning, Variant};

use crate::profile::summary::{NO_LINE_LEVEL, VariantProfile};
use crate::profile::{callgrind, disasm, lines, paths, sampling};
use crate::{GridSpec, LabError, record::write};

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

/// The environment variable naming the checkout whose files the lab reads (the peers' Python
/// programs, the kernels' sources for the line profiles): `cargo xtask` sets it to the checkout
/// it was run in.
pub const WORKSPACE_ENV: &str = "MANDEL_LAB_WORKSPACE";

/// The folder the lab was compiled in. The debug info names sources under it.
pub(crate) const BUILT_IN: &str = env!("CARGO_MANIFEST_DIR");

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
    write::atomic_write(
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
    write::atomic_write(&opts.out_dir.join(&svg_name), svg.as_bytes())?;
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
    let mut args: Vec<String> = ["kernel-once", "--variant", variant.name]
        .map(String::from)
        .to_vec();
    args.extend(mandel_lab_options::ToArgv::to_argv(
        &mandel_lab_options::ProblemArgs::from(&c),
    ));
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
    let mut lp = lines::attribute(&measured, &chains, is_variant_source);
    let page = format!("{}.lines.html", variant.name);
    // The sources are read from the checkout the lab runs for, and named relative to it.
    let root = workspace().unwrap_or_else(|| PathBuf::from(BUILT_IN));
    for line in &mut lp.lines {
        line.file = relocate(&line.file, &root);
    }
    let root = root.as_path();
    let title = format!("Line profile of {} ({c})", variant.name);
    write::atomic_write(
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
        let mut note = String::new();
        if !profile.paths.is_empty() {
            // The widest path this CPU runs outside valgrind, as read from the binary.
            let best = mandel_variants::simd::Isa::best();
            let widest = profile
                .paths
                .iter()
                .find(|p| p.isa == best)
                .map_or(&profile.paths[0].vector_width, |p| &p.vector_width);
            note = if *widest != hot.vector_width {
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
            profile
                .notes
                .push(note.trim_end_matches(':').to_string() + ".");
        }
        let html = disasm::render_html(&hot, &title, &profile.paths, &note);
        write::atomic_write(&opts.out_dir.join(&page), html.as_bytes())?;
        profile.hot_loop = Some(hot);
        profile.hot_loop_page = Some(page);
    }
    profile.line_profile = Some(lp);
    profile.line_profile_page = Some(page);
    Ok(())
}
