//! The report page, `reports/index.html`: self-contained, charts inline as SVG, the picture and
//! criterion's report beside it as files.

use std::fmt::Write;

use super::{
    Group, HEADER, Row, cells_noting_skips, format_seconds, format_timing, noise_warnings,
    skip_reasons,
};
use crate::bench::Timing;
use crate::charts;
use crate::machine::human_size;
use crate::profile::ProfileSummary;
use crate::results::{Results, VariantResult};
use crate::sweep::{self, Sweep};
use crate::sweep_sizes::{self, SizeSweep};
use crate::sweep_threads::{self, ThreadSweep};
use crate::tutorial;
use mandel_variants::parallel::mpi_jobs;

/// What other stages produced, shown where the report has them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Extras<'a> {
    pub profiles: Option<Profiles<'a>>,
    /// The problem of the profiles found beside the report when it is not the report's own: they
    /// are not linked, and the page says so.
    pub other_profiles: Option<crate::GridSpec>,
    pub sweep: Option<&'a Sweep>,
    pub threads: Option<&'a ThreadSweep>,
    pub sizes: Option<&'a SizeSweep>,
    /// The tutorial's Python measured on this machine (`reports/peers.json`).
    pub peers: Option<&'a crate::peers::PeerResults>,
    /// The compiler-flag lab's builds (`reports/flags.json`).
    pub flags: Option<&'a crate::flags::FlagResults>,
}

/// The profiling stage's summary and the path from the report to its folder.
#[derive(Debug, Clone, Copy)]
pub struct Profiles<'a> {
    pub summary: &'a ProfileSummary,
    /// Relative link from the report's folder to the flamegraphs folder, e.g. `../flamegraphs`.
    pub base: &'a str,
}

/// What the tutorial's story says each group is about.
fn group_intro(family: &str) -> &'static str {
    match family {
        "scalar" => {
            "One core, one pixel at a time: from CPython's indexed complex lists to the \
                     expanded math that made Cython 80× faster. In Rust the first two steps are \
                     cheap; the square root and the memory traffic are what is left to remove."
        }
        "vector" => {
            "numpy's whole-array operations: no early exit, so far more arithmetic, but each \
                     operation one fast pass over memory; then slices sized to stay in cache; then \
                     numexpr's fused expression over all cores."
        }
        "parallel" => {
            "The work split into chunks over every core (multiprocessing) and over \
                       machines (ParallelPython; here MPI)."
        }
        "simd" => {
            "Beyond the tutorial, which wished for versions \"which go as fast as possible\": \
             the exact loop across every f64 lane of the core's vector unit (eight with \
             AVX-512), several vectors in flight, finished lanes refilled with new pixels; then \
             on every core. The path is chosen at run time; narrower ones are measured too, for \
             the lane ladder."
        }
        "gpu" => {
            "pyCUDA's three levels of effort: whole-array gpuarray operations, an \
                  ElementwiseKernel with the loop in C, and a hand-indexed SourceModule."
        }
        _ => "",
    }
}

/// The whole page.
pub fn render(results: &Results, groups: &[Group], extras: Extras<'_>) -> Result<String, String> {
    let profiles = extras.profiles;
    let mut h = String::new();
    let p = &results.problem;
    let m = &results.machine;
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>mandel-lab report: {}x{}, maxiter {}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        p.columns, p.rows, p.maxiter
    );
    h.push_str("<h1>mandel-lab: High Performance Python, then and now</h1>\n");
    let _ = writeln!(
        h,
        "<p class=\"lede\">Ian Ozsvald's EuroPython 2011 tutorial solved one Mandelbrot problem a dozen \
         ways and proved each right with a validation sum. Every technique here is a Rust variant, \
         validated pixel for pixel against the reference and timed under criterion on this machine; \
         the tutorial's own 2011 timings stand beside ours. Generated {}.</p>",
        esc(&results.generated_at)
    );
    h.push_str("<div class=\"top\">\n<div>\n<h2>The problem</h2>\n<table class=\"kv\">\n");
    let known = p
        .known_sum
        .map_or("none published".to_string(), |k| k.to_string());
    let problem_rows = [
        (
            "region",
            format!(
                "x {} to {}, y {} to {}",
                p.region.x1, p.region.x2, p.region.y1, p.region.y2
            ),
        ),
        ("asked", format!("{} × {} pixels", p.width, p.height)),
        (
            "grid (real size)",
            format!("{} × {} = {} pixels", p.columns, p.rows, p.pixels),
        ),
        ("maxiter", p.maxiter.to_string()),
        ("reference validation sum", p.reference_sum.to_string()),
        ("tutorial's validation sum", known),
        ("inner-loop iterations", p.inner_iterations.to_string()),
        ("pixels that never escape", p.never_escape.to_string()),
    ];
    for (k, v) in problem_rows {
        let _ = writeln!(h, "<tr><th>{k}</th><td>{}</td></tr>", esc(&v));
    }
    h.push_str("</table>\n<h2>The machine</h2>\n<table class=\"kv\">\n");
    let caches: Vec<String> = m
        .caches
        .iter()
        .map(|c| {
            format!(
                "{} {} (shared by {})",
                c.name,
                human_size(c.bytes),
                c.shared_by
            )
        })
        .collect();
    let settings =
        results
            .settings
            .as_ref()
            .map_or("one run per variant, no criterion".into(), |s| {
                format!(
                    "criterion, {} samples, {} s warm-up, {} s measurement, {}% confidence",
                    s.samples,
                    s.warm_up_secs,
                    s.measurement_secs,
                    s.confidence_level * 100.0
                )
            });
    let machine_rows = [
        (
            "CPU",
            if m.cpu_detail.is_empty() {
                m.cpu_model.clone()
            } else {
                format!("{} ({})", m.cpu_model, m.cpu_detail)
            },
        ),
        ("logical cores", m.logical_cores.to_string()),
        ("caches (per core)", caches.join(", ")),
        ("OS", m.os.clone()),
        ("compiler", m.rustc.clone()),
        (
            "build",
            format!(
                "profile {}, opt-level {}, target {}",
                m.profile, m.opt_level, m.target
            ),
        ),
        (
            "RUSTFLAGS",
            if m.rustflags.is_empty() {
                "(none)".into()
            } else {
                m.rustflags.clone()
            },
        ),
        ("target features", m.target_features.clone()),
        ("git revision", m.git_revision.clone()),
        ("date", m.date.clone()),
        ("timing", settings),
    ];
    for (k, v) in machine_rows {
        let _ = writeln!(h, "<tr><th>{k}</th><td>{}</td></tr>", esc(&v));
    }
    h.push_str("</table>\n</div>\n");
    if let Some(img) = &results.image {
        let _ = writeln!(
            h,
            "<figure><img src=\"{}\" alt=\"The Mandelbrot set computed by the reference\" \
             width=\"{}\"><figcaption>The reference's counts, {} × {}, maxiter {}.</figcaption></figure>",
            esc(img),
            p.columns.min(500),
            p.columns,
            p.rows,
            p.maxiter
        );
    }
    h.push_str("</div>\n");
    h.push_str(
        "<p class=\"note\">Times are criterion's median with the median absolute deviation as spread; \
         speed-ups are ratios of medians from this one run. A spread above 5% of the median is \
         flagged as noisy.</p>\n",
    );
    if !super::is_tutorial_problem(results) {
        h.push_str(
            "<p class=\"note\">The tutorial's 2011 timings are for 500 × 500, maxiter 1000 on its \
             region; this run measured another problem, so the charts leave them out (they are \
             listed at the end).</p>\n",
        );
    }
    let warnings = noise_warnings(results);
    if !warnings.is_empty() {
        h.push_str("<div class=\"warn\"><strong>Noise:</strong><ul>\n");
        for w in &warnings {
            let _ = writeln!(h, "<li>{}</li>", esc(w));
        }
        h.push_str("</ul></div>\n");
    }
    for g in groups {
        let _ = writeln!(
            h,
            "<section id=\"{}\">\n<h2>{}</h2>",
            g.family,
            esc(g.title)
        );
        let _ = writeln!(h, "<p>{}</p>", group_intro(g.family));
        if g.rows.is_empty() {
            h.push_str("<p class=\"empty\">No variants in this group yet.</p>\n</section>\n");
            continue;
        }
        h.push_str(&table(&g.rows, profiles));
        let gpu_note = if g.family == "gpu" {
            gpu_section(results)
        } else {
            String::new()
        };
        // The GPU note says why when no GPU was found; otherwise each reason is said once here.
        if !gpu_note.contains("No GPU was found here") {
            for (why, names) in skip_reasons(&g.rows) {
                let _ = writeln!(
                    h,
                    "<p class=\"note\">Skipped {}: {}.</p>",
                    esc(&names.join(", ")),
                    esc(why)
                );
            }
        }
        match charts::then_and_now(g.title, &charts::group_bars(g))? {
            Some(svg) => {
                let _ = writeln!(h, "<div class=\"chart\">{}</div>", strip_xml_decl(&svg));
            }
            None => h.push_str(
                "<p class=\"empty\">No chart: nothing ran in this group here, and the \
                 tutorial's figures are for its own problem.</p>\n",
            ),
        }
        if let (Some(sw), "vector") = (extras.sweep, g.family) {
            h.push_str(&sweep_section(sw)?);
        }
        if let (Some(ts), "parallel") = (extras.threads, g.family) {
            h.push_str(&threads_section(ts)?);
        }
        if g.family == "simd" {
            h.push_str(&super::roofline::ladder_section(results));
        }
        h.push_str(&gpu_note);
        if let (Some(ss), "gpu") = (extras.sizes, g.family) {
            h.push_str(&sizes_section(ss)?);
        }
        h.push_str("</section>\n");
    }
    h.push_str(&super::peers::section(results, extras.peers));
    h.push_str(&super::flags::section(extras.flags)?);
    h.push_str(&super::roofline::limit_section(results, groups)?);
    if let Some(p) = profiles {
        h.push_str(&profile_section(p, results));
    } else if let Some(other) = &extras.other_profiles {
        let _ = writeln!(
            h,
            "<section id=\"profiles\">\n<h2>Profiles</h2>\n<p class=\"note\">The profiles \
             beside this report were made for another problem ({} × {}, maxiter {}, region {}), \
             so they are not linked here. Run <code>cargo xtask profile</code> with this \
             report's problem, or <code>cargo xtask report</code>, to profile it.</p>\n</section>",
            other.width,
            other.height,
            other.maxiter,
            esc(&other.region.to_string())
        );
    }
    h.push_str(&tutorial_table());
    h.push_str(
        "<h2>Data</h2>\n<ul>\n<li><a href=\"results.json\">results.json</a> (everything \
                above, schema-versioned)</li>\n<li><a href=\"results.csv\">results.csv</a>, \
                <a href=\"results.md\">results.md</a></li>\n",
    );
    if results.variants.iter().any(|v| {
        v.timing
            .as_ref()
            .is_some_and(|t| t.criterion_report.is_some())
    }) {
        h.push_str(
            "<li><a href=\"criterion/report/index.html\">criterion's own report</a> \
                    (per-variant violin plots, sample distributions, regressions)</li>\n",
        );
    }
    h.push_str("</ul>\n</body>\n</html>\n");
    Ok(h)
}

fn table(rows: &[Row], profiles: Option<Profiles<'_>>) -> String {
    let mut t = String::from("<table class=\"results\">\n<thead><tr>");
    for col in HEADER {
        let _ = write!(t, "<th>{col}</th>");
    }
    if profiles.is_some() {
        t.push_str("<th>profile</th>");
    }
    t.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        let class = match row.status.as_str() {
            "OK" if row.noisy => "ok noisy",
            "OK" => "ok",
            "FAIL" => "fail",
            "SKIP" => "skip",
            _ => "approx",
        };
        let _ = write!(
            t,
            "<tr class=\"{class}\" data-variant=\"{}\">",
            esc(&row.variant)
        );
        for cell in cells_noting_skips(row) {
            let _ = write!(t, "<td>{}</td>", esc(&cell));
        }
        if let Some(p) = profiles {
            let _ = write!(t, "<td>{}</td>", profile_links(p, &row.variant));
        }
        t.push_str("</tr>\n");
    }
    t.push_str("</tbody>\n</table>\n");
    t
}

/// Links to a variant's flamegraph, line profile and disassembly, where they exist.
fn profile_links(p: Profiles<'_>, variant: &str) -> String {
    let Some(v) = p.summary.variant(variant) else {
        return "-".into();
    };
    let mut links = vec![format!(
        "<a href=\"{}/{}\">flamegraph</a>",
        p.base,
        esc(&v.flamegraph)
    )];
    if let Some(page) = &v.line_profile_page {
        links.push(format!("<a href=\"{}/{}\">lines</a>", p.base, esc(page)));
    }
    if let Some(page) = &v.hot_loop_page {
        links.push(format!(
            "<a href=\"{}/{}\">machine code</a>",
            p.base,
            esc(page)
        ));
    }
    links.join(" · ")
}

/// The pstats-like view: per variant, where the samples went, the hottest lines and the loop.
fn profile_section(p: Profiles<'_>, results: &Results) -> String {
    let s = p.summary;
    let c = &s.callgrind_spec;
    let mut h = format!(
        "<section id=\"profiles\">\n<h2>Profiles</h2>\n<p>Sampling: pprof at {} Hz for {} s per \
         variant on {} × {}, maxiter {}, drawn with inferno. Lines and machine code: valgrind's \
         callgrind on {} × {}, maxiter {}: instructions executed, attributed to source lines through \
         the inline chains. Generated {}.</p>\n",
        s.frequency,
        s.seconds,
        s.spec.width,
        s.spec.height,
        s.spec.maxiter,
        c.width,
        c.height,
        c.maxiter,
        esc(&s.generated_at)
    );
    for v in &s.variants {
        if results.variant(&v.variant).is_none() {
            continue;
        }
        let _ = writeln!(
            h,
            "<h3>{}</h3>\n<p>{} samples, {:.0}% in the variant's own code. {}</p>",
            esc(&v.variant),
            v.samples,
            100.0 * v.kernel_share,
            profile_links(p, &v.variant)
        );
        h.push_str(
            "<div class=\"cols\"><table class=\"results\"><thead><tr><th>function</th>\
                    <th>self</th><th>total</th></tr></thead><tbody>\n",
        );
        for f in v.top_functions.iter().take(6) {
            let _ = writeln!(
                h,
                "<tr><td><code>{}</code></td><td>{:.1}%</td><td>{:.1}%</td></tr>",
                esc(&f.name),
                100.0 * f.self_share,
                100.0 * f.total_share
            );
        }
        h.push_str("</tbody></table>\n");
        if let Some(lp) = &v.line_profile {
            let mut top: Vec<_> = lp.lines.iter().collect();
            top.sort_by(|a, b| b.share.total_cmp(&a.share));
            h.push_str(
                "<table class=\"results\"><thead><tr><th>hottest lines</th><th>share</th>\
                        </tr></thead><tbody>\n",
            );
            for l in top.iter().take(5) {
                let file = l.file.rsplit('/').next().unwrap_or(&l.file);
                let _ = writeln!(
                    h,
                    "<tr><td><code>{}:{}</code></td><td>{:.1}%</td></tr>",
                    esc(file),
                    l.line,
                    100.0 * l.share
                );
            }
            h.push_str("</tbody></table>\n");
        }
        h.push_str("</div>\n");
        if let Some(hot) = &v.hot_loop {
            let _ = writeln!(
                h,
                "<p>Hot loop: {} instructions, vector width {}, fused multiply-add: {}.</p>",
                hot.instructions.len(),
                esc(&hot.vector_width),
                if hot.fma.is_empty() {
                    "none".into()
                } else {
                    esc(&hot.fma.join(", "))
                }
            );
        }
        if !v.paths.is_empty() {
            let _ = writeln!(
                h,
                "<p>Every SIMD path's inner loop (from the binary): {}.</p>",
                esc(&crate::profile::paths::summary(&v.paths))
            );
        }
        for note in &v.notes {
            let _ = writeln!(h, "<p class=\"note\">{}</p>", esc(note));
        }
    }
    h.push_str("</section>\n");
    h
}

/// The chunk-size sweep: its figure and a reading of it.
fn sweep_section(sw: &Sweep) -> Result<String, String> {
    let mut h = String::from("<h3 id=\"sweep\">Chunk size and the caches</h3>\n");
    let _ = writeln!(
        h,
        "<p><code>{}</code> measured at {} chunk sizes on {} × {}, maxiter {} (criterion, {} \
         samples each). A chunk of N elements touches {} bytes per element (z and q as four f64, \
         the escape mask, the output), so the vertical lines mark the sizes whose working set \
         fills each cache. Both curves are normalised to their own best.</p>",
        esc(&sw.variant),
        sw.points.len(),
        sw.spec.width,
        sw.spec.height,
        sw.spec.maxiter,
        sw.settings.samples,
        sw.bytes_per_element
    );
    if let Some(reading) = sw.reading() {
        let _ = writeln!(h, "<p><strong>Reading:</strong> {}.</p>", esc(&reading));
    }
    if let Some(svg) = charts::sweep_chart(sw)? {
        let _ = writeln!(h, "<div class=\"chart\">{}</div>", strip_xml_decl(&svg));
    }
    let _ = writeln!(
        h,
        "<p>Data: <a href=\"{}\">{0}</a>, <a href=\"{}\">{1}</a>.</p>",
        sweep::JSON_FILE,
        sweep::CSV_FILE
    );
    Ok(h)
}

/// Whether a GPU was found, and the GPU variants' kernel-only times beside their whole runs.
fn gpu_section(results: &Results) -> String {
    let gpu: Vec<&VariantResult> = results
        .variants
        .iter()
        .filter(|v| v.info.family == "gpu")
        .collect();
    if !gpu.is_empty() && gpu.iter().all(|v| !v.info.available) {
        let why = gpu[0].info.unavailable_reason.as_deref().unwrap_or("");
        return format!(
            "<p class=\"note\"><strong>No GPU was found here</strong>: {}. The GPU variants \
             are listed but were not run; <code>docs/gpu.md</code> says where and how they are \
             measured on a GPU machine.</p>\n",
            esc(why)
        );
    }
    let timed: Vec<(&VariantResult, &Timing, &Timing)> = gpu
        .iter()
        .filter_map(|v| Some((*v, v.timing.as_ref()?, v.kernel_timing.as_ref()?)))
        .collect();
    if timed.is_empty() {
        return String::new();
    }
    let mut h = String::from(
        "<h3 id=\"kernel-only\">Kernels alone</h3>\n<p>The table above times each GPU run \
         whole, with the conversions and transfers, as the tutorial timed pyCUDA; device events \
         time the kernels alone (criterion, after its warm-up).</p>\n<table class=\"results\">\
         <thead><tr><th>variant</th><th>whole run</th><th>kernels alone</th><th>kernel share</th>\
         </tr></thead><tbody>\n",
    );
    for (v, whole, kernels) in timed {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.0}%</td></tr>",
            esc(&v.info.name),
            format_timing(Some(whole)),
            format_timing(Some(kernels)),
            100.0 * kernels.median / whole.median
        );
    }
    h.push_str("</tbody></table>\n");
    h
}

/// The grid-size sweep: each variant's speed-up over the CPU baseline as the grid grows.
fn sizes_section(ss: &SizeSweep) -> Result<String, String> {
    let mut h = format!(
        "<h3 id=\"sizes\">Speed-up against grid size</h3>\n<p>Each variant against \
         <code>{}</code> (every core of this CPU) measured at the same size in the same run, \
         maxiter {} (criterion, {} samples each). A GPU pays a fixed price per run, launches and \
         transfers, that larger grids amortise.</p>\n",
        esc(&ss.baseline),
        ss.maxiter,
        ss.settings.samples
    );
    match charts::size_chart(ss)? {
        Some(svg) => {
            let _ = writeln!(h, "<div class=\"chart\">{}</div>", strip_xml_decl(&svg));
        }
        None => h.push_str(
            "<p class=\"empty\">Only the baseline was measured (no GPU here): no speed-up to \
             draw.</p>\n",
        ),
    }
    h.push_str(
        "<table class=\"results\"><thead><tr><th>variant</th><th>grid</th><th>median ± \
         spread</th><th>kernels alone</th><th>speed-up</th><th>validation sum</th></tr></thead>\
         <tbody>\n",
    );
    for p in &ss.points {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{1} × {1}</td><td>{2}</td><td>{3}</td><td>{4}</td>\
             <td>{5} {6}</td></tr>",
            esc(&p.variant),
            p.size,
            format_timing(p.timing.as_ref()),
            format_timing(p.kernel_timing.as_ref()),
            p.speedup.map_or("-".into(), |s| format!("{s:.2}x")),
            p.status.label(),
            p.validation_sum
        );
    }
    let _ = writeln!(
        h,
        "</tbody></table>\n<p>Data: <a href=\"{0}\">{0}</a>.</p>",
        sweep_sizes::JSON_FILE
    );
    Ok(h)
}

/// The scaling sweep: speed-up and efficiency against thread count.
fn threads_section(ts: &ThreadSweep) -> Result<String, String> {
    let t = &ts.baseline_timing;
    let mut h = format!(
        "<h3 id=\"scaling\">Scaling with threads and ranks</h3>\n<p>Every parallel variant at each \
         thread count, and <code>mpi</code> at each rank count (one <code>mpirun</code> per count), \
         on {} × {}, maxiter {} (criterion, {} samples each), against <code>{}</code> on one \
         core ({} ± {:.1}%). Efficiency is the speed-up over the threads or ranks used, capped at \
         the {} cores; the last count oversubscribes the cores.{}</p>\n",
        ts.spec.width,
        ts.spec.height,
        ts.spec.maxiter,
        ts.settings.samples,
        esc(&ts.baseline),
        format_seconds(t.median),
        100.0 * t.relative_spread(),
        ts.machine.logical_cores,
        if ts
            .points
            .iter()
            .any(|p| p.variant == mpi_jobs::VARIANT.name)
        {
            ""
        } else {
            " <code>mpi</code> was not measured: <code>cargo xtask sweep-threads</code> adds it \
             where OpenMPI is installed (Debian: <code>openmpi-bin libopenmpi-dev \
             libclang-dev</code>)."
        }
    );
    if let Some(svg) = charts::scaling_chart(ts)? {
        let _ = writeln!(h, "<div class=\"chart\">{}</div>", strip_xml_decl(&svg));
    }
    h.push_str(
        "<table class=\"results\"><thead><tr><th>variant</th><th>threads / ranks</th>\
                <th>median ± spread</th><th>speed-up</th><th>efficiency</th><th>validation sum</th>\
                </tr></thead><tbody>\n",
    );
    for p in &ts.points {
        let time = format_timing(p.timing.as_ref());
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} {}</td></tr>",
            esc(&p.variant),
            sweep_threads::count_label(&p.variant, p.threads),
            time,
            p.speedup.map_or("-".into(), |s| format!("{s:.2}x")),
            p.efficiency
                .map_or("-".into(), |e| format!("{:.0}%", 100.0 * e)),
            p.status.label(),
            p.validation_sum
        );
    }
    let _ = writeln!(
        h,
        "</tbody></table>\n<p>Data: <a href=\"{0}\">{0}</a>.</p>",
        sweep_threads::JSON_FILE
    );
    Ok(h)
}

fn tutorial_table() -> String {
    let mut t = String::from(
        "<section id=\"tutorial\">\n<h2>The tutorial's 2011 timings</h2>\n<p>As published in \
         <em>High Performance Python</em> (EuroPython 2011), for the same 500 × 500, maxiter 1000 \
         problem.</p>\n<table class=\"results\">\n<thead><tr><th>program</th><th>technique</th>\
         <th>seconds</th><th>machine</th></tr></thead>\n<tbody>\n",
    );
    for f in tutorial::FIGURES {
        let _ = writeln!(
            t,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(f.program),
            esc(f.technique),
            f.seconds,
            esc(f.machine)
        );
    }
    t.push_str("</tbody>\n</table>\n</section>\n");
    t
}

/// plotters writes an XML declaration, which is not allowed inside HTML.
pub(super) fn strip_xml_decl(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg,
    }
}

/// Escapes text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const CSS: &str = "
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; max-width: 1100px;
       margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { font-size: 1.8em; margin-bottom: 0.2em; }
h2 { border-bottom: 1px solid #ddd; padding-bottom: 0.2em; margin-top: 1.6em; }
.lede { font-size: 1.05em; color: #444; }
.top { display: flex; gap: 2em; flex-wrap: wrap; align-items: flex-start; }
.top > div { flex: 1 1 480px; }
figure { margin: 1em 0; } figure img { max-width: 100%; border: 1px solid #ccc; }
figcaption { font-size: 0.85em; color: #555; }
table { border-collapse: collapse; margin: 0.6em 0; }
table.kv th { text-align: left; font-weight: 600; padding: 2px 12px 2px 0; vertical-align: top; }
table.kv td { padding: 2px 0; word-break: break-word; }
table.results { width: 100%; font-size: 0.92em; }
table.results th, table.results td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; }
table.results thead { background: #f4f4f4; }
tr.ok td:nth-child(9) { color: #176f2c; font-weight: 600; }
tr.fail td:nth-child(9) { color: #b00020; font-weight: 600; }
tr.skip { color: #777; }
tr.noisy td:nth-child(3) { background: #fff4d6; }
.warn { background: #fff4d6; border: 1px solid #e0c060; padding: 0.5em 1em; }
.note, .empty { color: #555; font-size: 0.92em; }
.chart svg { max-width: 100%; height: auto; }
.cols { display: flex; gap: 1.5em; flex-wrap: wrap; align-items: flex-start; }
.cols table.results { width: auto; }
";
