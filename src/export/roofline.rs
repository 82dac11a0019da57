//! The report's reading against the machine's limit: the model and the probe's figures, every
//! variant's throughput against the limit (a roofline-style chart), and the lane ladder (the same
//! kernel at 1, 2, 4 and 8 lanes, then on every core), each step with a sentence on what it
//! removed. Rendered from `results.json` alone.

use std::fmt::Write;

use super::Group;
use super::html::{esc, strip_xml_decl};
use crate::charts::{self, LimitBar};
use crate::limit::{self, Limit};
use crate::results::{Results, VariantResult};

/// "The machine's limit": the model, the probe's table and the chart of every variant.
pub fn limit_section(results: &Results, groups: &[Group]) -> Result<String, String> {
    let mut h = String::from("<section id=\"limit\">\n<h2>Against the machine's limit</h2>\n");
    let _ = writeln!(h, "<p>{}</p>", esc(limit::MODEL));
    let Some(lim) = &results.machine.limit else {
        h.push_str(
            "<p class=\"empty\">These results carry no limit measurement (they were written \
             before the lab probed it); re-run the measurement to read them against it.</p>\n\
             </section>\n",
        );
        return Ok(h);
    };
    h.push_str(&probe_table(lim, &results.machine.cpu_detail));
    let bars: Vec<LimitBar> = groups
        .iter()
        .flat_map(|g| &g.rows)
        .filter_map(|r| {
            Some(LimitBar {
                label: r.label(),
                throughput: r.throughput?,
                cores: r.cores?,
            })
        })
        .collect();
    let per_core = lim.per_core().unwrap_or(0.0);
    if let Some(svg) = charts::limit_chart(&bars, per_core, results.machine.logical_cores)? {
        let _ = writeln!(h, "<div class=\"chart\">{}</div>", strip_xml_decl(&svg));
    }
    h.push_str("</section>\n");
    Ok(h)
}

fn probe_table(lim: &Limit, cpu_detail: &str) -> String {
    let mut h = String::from(
        "<table class=\"results\"><thead><tr><th>SIMD path</th><th>f64 lanes</th>\
         <th>G lane-iterations/s, one core</th><th>per clock cycle</th></tr></thead><tbody>\n",
    );
    for w in &lim.widths {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{:.2}</td><td>{}</td></tr>",
            esc(&w.isa),
            w.lanes,
            w.g_iterations_per_s,
            w.per_cycle.map_or("-".into(), |c| format!("{c:.2}"))
        );
    }
    let _ = writeln!(
        h,
        "</tbody></table>\n<p class=\"note\">Start-up probe on {}: {}. The limit is the best width's \
         rate{}.</p>",
        if cpu_detail.is_empty() {
            "this CPU"
        } else {
            cpu_detail
        },
        esc(&lim.summary()),
        lim.best().map_or(String::new(), |b| format!(
            ", {:.2} G/s per core ({})",
            b.g_iterations_per_s, b.isa
        ))
    );
    h
}

/// One rung of the ladder.
struct Rung<'a> {
    result: &'a VariantResult,
    lanes: usize,
    cores: usize,
}

/// The lane ladder, for the SIMD group: `expanded`, `simd-lanes` at every path measured from
/// the narrowest to the widest, then `simd-rayon`.
pub fn ladder_section(results: &Results) -> String {
    let cores_of = |v: &VariantResult| {
        limit::cores_used(
            &v.info.name,
            v.tuning.threads,
            results.machine.logical_cores,
        )
        .unwrap_or(1)
    };
    let timed = |v: &&VariantResult| v.timing.is_some() || v.first_run_seconds.is_some();
    let mut rungs: Vec<Rung<'_>> = Vec::new();
    if let Some(e) = results.variant("expanded").filter(timed) {
        rungs.push(Rung {
            result: e,
            lanes: 1,
            cores: 1,
        });
    }
    let mut lanes: Vec<Rung<'_>> = results
        .variants
        .iter()
        .filter(|v| v.info.name == "simd-lanes" && v.isa.as_deref() != Some("portable"))
        .filter(timed)
        .filter_map(|v| {
            let isa = mandel_variants::simd::Isa::parse(v.isa.as_deref()?)?;
            Some(Rung {
                result: v,
                lanes: isa.lanes(),
                cores: 1,
            })
        })
        .collect();
    lanes.sort_by_key(|r| r.lanes);
    rungs.extend(lanes);
    if let Some(r) = results.variant("simd-rayon").filter(timed) {
        let lanes = r
            .isa
            .as_deref()
            .and_then(mandel_variants::simd::Isa::parse)
            .map_or(1, |i| i.lanes());
        rungs.push(Rung {
            result: r,
            lanes,
            cores: cores_of(r),
        });
    }
    if rungs.len() < 2 {
        return "<p class=\"empty\">No lane ladder: expanded and simd-lanes were not both \
                measured in this run.</p>\n"
            .into();
    }
    let mut h = String::from(
        "<h3 id=\"ladder\">The lane ladder</h3>\n<p>The same exact loop at 1, 2, 4 and 8 f64 lanes on \
         one core, then on every core; each step's gain is the ratio of medians from this run.</p>\n\
         <table class=\"results\"><thead><tr><th>step</th><th>lanes × cores</th><th>median</th>\
         <th>G iterations/s</th><th>% of the limit</th><th>gain over the step before</th>\
         <th>what the step removed</th></tr></thead><tbody>\n",
    );
    let wide_split = results.machine.cpu_detail.contains("two 256-bit halves");
    let per_core = results.machine.limit.as_ref().and_then(Limit::per_core);
    for (i, rung) in rungs.iter().enumerate() {
        let Some(seconds) = rung.result.seconds() else {
            continue;
        };
        let gain = (i > 0)
            .then(|| rungs[i - 1].result.seconds().map(|prev| prev / seconds))
            .flatten();
        let throughput = limit::throughput(results.problem.inner_iterations, seconds);
        let share = throughput
            .zip(per_core)
            .map(|(t, l)| format!("{:.0}%", 100.0 * t / (l * rung.cores as f64)));
        let label = match (&rung.result.isa, rung.result.info.name.as_str()) {
            (Some(isa), name) => format!("{name} ({isa})"),
            (None, name) => name.to_string(),
        };
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{} × {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&label),
            rung.lanes,
            rung.cores,
            super::format_timing(rung.result.timing.as_ref()),
            throughput.map_or("-".into(), |t| format!("{t:.2}")),
            share.unwrap_or_else(|| "-".into()),
            gain.map_or("-".into(), |g| format!("{g:.2}×")),
            esc(&why(rung, i == 0, wide_split))
        );
    }
    h.push_str("</tbody></table>\n");
    if let Some(p) = results
        .variants
        .iter()
        .find(|v| v.info.name == "simd-lanes" && v.isa.as_deref() == Some("portable"))
        .and_then(VariantResult::seconds)
    {
        let _ = writeln!(
            h,
            "<p class=\"note\">The portable path (the same kernel over plain arrays of four f64, \
             what LLVM makes of it for the baseline x86-64 target) ran in {}: the explicit \
             intrinsics are what turns lanes into speed.</p>",
            super::format_seconds(p)
        );
    }
    h
}

/// The sentence on what a rung removed.
fn why(rung: &Rung<'_>, first: bool, wide_split: bool) -> String {
    if first {
        return "One pixel at a time: each iteration waits for the last one's multiply, subtract \
                and add, so the loop runs at the FPU's latency with most of its units idle."
            .into();
    }
    if rung.cores > 1 {
        return format!(
            "The same lanes on {} cores, pixels handed out from one shared counter in small \
             grabs so the cores finish together.",
            rung.cores
        );
    }
    match rung.lanes {
        2 => "Two pixels per instruction and three vectors in flight: one vector's latency is \
              covered by the others' work, and a lane whose pixel finished takes the next one \
              instead of idling."
            .into(),
        4 => "Twice the lanes per instruction (256-bit AVX2), the same refill. With 16 \
              registers three vectors' state does not fit, and the spills to memory keep the gain \
              under twofold."
            .into(),
        8 if wide_split => "Eight lanes (AVX-512). This core runs each 512-bit operation as two \
                            256-bit halves, so the gain is not from wider pipes but from fewer \
                            instructions per pixel: compares into mask registers, masked counts \
                            in half-width counters, refills by expand, and 32 registers that hold \
                            four vectors' whole state, where AVX2 held three and spilled."
            .into(),
        8 => "Eight lanes (AVX-512) on full-width 512-bit pipes, with mask registers for the \
              escape test and 32 registers for four vectors in flight."
            .into(),
        n => format!("{n} lanes per instruction."),
    }
}
