//! The report's reading against the machine's limit: the model and the probe's figures, every
//! variant's throughput against the limit (a roofline-style chart), and the lane ladder (the same
//! kernel at 1, 2, 4 and 8 lanes, then on every core), each step with a sentence on what it
//! removed. Rendered from `results.json` alone.

use askama::Template;
use mandel_variants::Rung;
use mandel_variants::simd::Isa;

use super::{Context, Section};
use crate::measure::limit;
use crate::record::machine::Limit;
use crate::record::results::{Results, VariantResult};
use crate::render::export::Group;
use crate::render::markup::{filters, strip_xml_decl};
use crate::render::report::charts::{self, LimitBar};

/// `limit.html`: the model, then the probe's figures and the chart, or why there are none.
#[derive(Template)]
#[template(path = "report/limit.html")]
struct LimitSection {
    model: &'static str,
    probe: Option<Probe>,
}

/// The start-up probe's figures and every variant against them.
struct Probe {
    /// `(SIMD path, lanes, G lane-iterations/s, per clock cycle, spread over repeats)`.
    widths: Vec<(String, usize, String, String, String)>,
    /// Where the best width's repeats spread widely: the warning.
    spread: Option<String>,
    /// Where the run was measured under load: the sentence that says so beside the chart.
    loaded: Option<String>,
    cpu: String,
    summary: String,
    /// The best width's rate and path, e.g. `2.00 G/s per core (avx2)`.
    best: Option<String>,
    chart: Option<String>,
}

/// `ladder.html`: the lane ladder's rungs, or why there is none.
#[derive(Template)]
#[template(path = "report/ladder.html")]
struct Ladder {
    /// Whether at least two rungs were measured.
    climbed: bool,
    rows: Vec<LadderRow>,
    /// The portable path's time, where it ran, read against the AVX2 path's.
    portable: Option<String>,
    /// The names of the ladder's first two rungs (the registry's), for the page without one.
    scalar: &'static str,
    lanes: &'static str,
}

struct LadderRow {
    label: String,
    lanes: usize,
    cores: usize,
    median: String,
    throughput: String,
    share: String,
    gain: String,
    why: String,
}

/// "The machine's limit": the model, the probe's table and the chart of every variant.
pub fn limit_section(results: &Results, groups: &[Group]) -> Result<String, String> {
    let probe = match &results.machine.limit {
        Some(lim) => Some(probe(lim, results, groups)?),
        None => None,
    };
    LimitSection {
        model: limit::MODEL,
        probe,
    }
    .render()
    .map_err(|e| e.to_string())
}

fn probe(lim: &Limit, results: &Results, groups: &[Group]) -> Result<Probe, String> {
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
    let chart = charts::limit_chart(&bars, per_core, results.machine.logical_cores)?
        .map(|svg| strip_xml_decl(&svg).to_string());
    let cpu_detail = &results.machine.cpu_detail;
    Ok(Probe {
        widths: lim
            .widths
            .iter()
            .map(|w| {
                (
                    w.isa.to_string(),
                    w.lanes,
                    format!("{:.2}", w.g_iterations_per_s),
                    w.per_cycle.map_or("-".into(), |c| format!("{c:.2}")),
                    w.spread.map_or("-".into(), |s| format!("{:.0}%", s * 100.0)),
                )
            })
            .collect(),
        spread: lim.spread_warning(),
        loaded: results.conditions.as_ref().filter(|c| c.under_load()).map(|c| {
            format!(
                "Measured under load: other processes took {:.0}% of the machine during the run, \
                 so every share of the limit below is lower than this machine alone would give.",
                c.others_cpu_share.unwrap_or(0.0) * 100.0
            )
        }),
        cpu: if cpu_detail.is_empty() {
            "this CPU".into()
        } else {
            cpu_detail.clone()
        },
        summary: lim.summary(),
        best: lim
            .best()
            .map(|b| format!("{:.2} G/s per core ({})", b.g_iterations_per_s, b.isa)),
        chart,
    })
}

/// One rung of the ladder, as measured.
struct Step<'a> {
    result: &'a VariantResult,
    lanes: usize,
    cores: usize,
}

/// The lane ladder, for the SIMD group: the registry's [`Rung::Scalar`] variant (`expanded`), its
/// [`Rung::Lanes`] variant at every path measured from the narrowest to the widest, then its
/// [`Rung::AllCores`] one.
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
    // Each result's rung (the registry's), and the SIMD path it ran.
    let on = |rung: Rung| {
        move |v: &&VariantResult| {
            mandel_variants::find(&v.info.name).and_then(|r| r.rung) == Some(rung)
        }
    };
    let isa = |v: &VariantResult| v.isa;
    let mut rungs: Vec<Step<'_>> = Vec::new();
    if let Some(e) = results.variants.iter().filter(on(Rung::Scalar)).find(timed) {
        rungs.push(Step {
            result: e,
            lanes: 1,
            cores: 1,
        });
    }
    let mut lanes: Vec<Step<'_>> = results
        .variants
        .iter()
        .filter(on(Rung::Lanes))
        .filter(|v| isa(v) != Some(Isa::Portable))
        .filter(timed)
        .filter_map(|v| {
            Some(Step {
                result: v,
                lanes: isa(v)?.lanes(),
                cores: 1,
            })
        })
        .collect();
    lanes.sort_by_key(|r| r.lanes);
    rungs.extend(lanes);
    if let Some(r) = results
        .variants
        .iter()
        .filter(on(Rung::AllCores))
        .find(timed)
    {
        rungs.push(Step {
            result: r,
            lanes: isa(r).map_or(1, Isa::lanes),
            cores: cores_of(r),
        });
    }
    let mut ladder = Ladder {
        climbed: rungs.len() >= 2,
        rows: Vec::new(),
        portable: None,
        scalar: rung_name(Rung::Scalar),
        lanes: rung_name(Rung::Lanes),
    };
    if ladder.climbed {
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
            ladder.rows.push(LadderRow {
                label,
                lanes: rung.lanes,
                cores: rung.cores,
                median: crate::render::export::format_timing(rung.result.timing.as_ref()),
                throughput: throughput.map_or("-".into(), |t| format!("{t:.2}")),
                share: share.unwrap_or_else(|| "-".into()),
                gain: gain.map_or("-".into(), |g| format!("{g:.2}×")),
                why: why(rung, i == 0, wide_split, gain, results.under_load()),
            });
        }
        // The portable path against the intrinsics path of its own width, each from this run.
        let seconds_on = |path: Isa| {
            results
                .variants
                .iter()
                .filter(on(Rung::Lanes))
                .find(|v| isa(v) == Some(path))
                .and_then(VariantResult::seconds)
        };
        ladder.portable = seconds_on(Isa::Portable).map(|portable| {
            let ran = format!(
                "The portable path (the same kernel over plain arrays of four f64, what LLVM \
                 makes of it for the baseline x86-64 target) ran in {}",
                crate::record::units::format_seconds(portable)
            );
            match seconds_on(Isa::Avx2) {
                Some(avx2) if portable > avx2 * 1.1 => format!(
                    "{ran}, {:.2}× the AVX2 path's time at the same four lanes: the explicit \
                     intrinsics are what turns lanes into speed.",
                    portable / avx2
                ),
                Some(avx2) => format!(
                    "{ran}, within 10% of the AVX2 path's {} at the same four lanes: here the \
                     compiler's own vectors matched the intrinsics.",
                    crate::record::units::format_seconds(avx2)
                ),
                None => format!("{ran}."),
            }
        });
    }
    ladder.render().expect("the ladder template renders")
}

/// The sentence on what a rung removed. What it says of its gain is read from `gain` (this run's
/// ratio of medians over the rung before), never assumed: a rung that gained less than its
/// mechanism promises says so, and, on a run measured under load (`loaded`), why it may have.
fn why(rung: &Step<'_>, first: bool, wide_split: bool, gain: Option<f64>, loaded: bool) -> String {
    if first {
        return "One pixel at a time: each iteration waits for the last one's multiply, subtract \
                and add, so the loop runs at the FPU's latency with most of its units idle."
            .into();
    }
    if rung.cores > 1 {
        let cores = rung.cores as f64;
        let how = format!(
            "The same lanes on {} cores, pixels handed out from one shared counter in small grabs",
            rung.cores
        );
        return match gain {
            Some(g) if g >= SCALING * cores => {
                format!(
                    "{how}: {g:.2}× on {} cores, so the cores finished together.",
                    rung.cores
                )
            }
            Some(g) => format!(
                "{how}; it gained {g:.2}× where {} cores could give {}×: {}",
                rung.cores,
                rung.cores,
                if loaded {
                    "this run was measured under load, so the cores were not the lab's alone."
                } else {
                    "the cores did not finish together (they waited on each other or on the \
                     machine)."
                }
            ),
            None => format!("{how}."),
        };
    }
    match rung.lanes {
        2 => "Two pixels per instruction and three vectors in flight: one vector's latency is \
              covered by the others' work, and a lane whose pixel finished takes the next one \
              instead of idling."
            .into(),
        4 => match gain {
            Some(g) if g < 2.0 => format!(
                "Twice the lanes per instruction (256-bit AVX2), the same refill. With 16 \
                 registers three vectors' state does not fit, and the spills to memory keep the \
                 gain at {g:.2}×, under twofold{}",
                if loaded {
                    " (this run was measured under load, which may take its share too)."
                } else {
                    "."
                }
            ),
            _ => "Twice the lanes per instruction (256-bit AVX2), the same refill.".into(),
        },
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

/// The share of an ideal scaling (a gain equal to the cores) from which the cores are said to
/// have finished together.
const SCALING: f64 = 0.85;

/// "The machine's limit" ([`limit_section`]); the lane ladder is drawn in the SIMD family's
/// section ([`ladder_section`]).
pub struct MachineLimit;

impl Section for MachineLimit {
    fn name(&self) -> &'static str {
        "limit"
    }

    fn render(&self, page: &Context<'_>) -> Result<Option<String>, String> {
        limit_section(page.results, page.groups).map(Some)
    }
}

/// The name of the variant on `rung` of the ladder (the registry holds one per rung).
fn rung_name(rung: Rung) -> &'static str {
    mandel_variants::VARIANTS
        .iter()
        .find(|v| v.rung == Some(rung))
        .map_or("", |v| v.name)
}
