//! The report's "Python today" section: every peer of `reports/peers.json` with its tool and
//! versions, its time, its validation and exactness, and how much faster the matching Rust
//! variant ran on the same machine.

use askama::Template;

use super::{Context, Section};
use crate::peers::{self, PeerResults};
use crate::record::results::Results;
use crate::record::units::format_seconds;
use crate::render::markup::filters;

/// `peers.html`: the peers measured on the report's problem, or why there are none to compare.
#[derive(Template)]
#[template(path = "report/peers.html")]
struct PeersSection {
    how_to_measure: &'static str,
    /// Peers of another problem: `(their problem, the arguments that measure this one)`.
    other: Option<(String, String)>,
    run: Option<PeersRun>,
}

/// The peers of the report's own problem.
struct PeersRun {
    cpu_model: String,
    generated_at: String,
    rows: Vec<PeerRow>,
    /// `(variant, why)`: the tutorial's rows without a Python today figure.
    missing: Vec<(String, String)>,
}

struct PeerRow {
    class: String,
    name: String,
    stands_for_row: bool,
    technique: String,
    tool: String,
    time: String,
    runs: usize,
    warmup_excluded: bool,
    validation: String,
    status: String,
    exactness: String,
    variant: String,
    speedup: String,
}

/// The section; where no peer was measured, or for another problem, a line saying how to.
pub fn section(results: &Results, peers: Option<&PeerResults>) -> String {
    let mut section = PeersSection {
        how_to_measure: peers::HOW_TO_MEASURE,
        other: None,
        run: None,
    };
    if let Some(peers) = peers {
        let p = &peers.problem;
        let ours = &results.problem;
        if p.spec() != ours.spec() {
            section.other = Some((
                p.spec().to_string(),
                format!(
                    "--width {} --height {} --maxiter {}",
                    ours.width, ours.height, ours.maxiter
                ),
            ));
        } else {
            section.run = Some(PeersRun {
                cpu_model: peers.machine.cpu_model.clone(),
                generated_at: peers.generated_at.clone(),
                rows: peers.peers.iter().map(|r| row(results, r)).collect(),
                missing: rows_without_python(results, peers),
            });
        }
    }
    section.render().expect("the peers template renders")
}

fn row(results: &Results, r: &peers::PeerResult) -> PeerRow {
    let rust = results.variant(&r.variant).and_then(|v| v.seconds());
    let speedup = match (rust, r.median) {
        (Some(rs), Some(py)) if rs > 0.0 => format!("{:.1}x ({})", py / rs, format_seconds(rs)),
        _ => "-".into(),
    };
    let status = match &r.reason {
        Some(why) if r.status != crate::record::measured::Status::Approx => {
            format!("{} ({why})", r.status.label())
        }
        _ => r.status.label().into(),
    };
    PeerRow {
        class: r.status.label().to_lowercase(),
        name: r.name.clone(),
        stands_for_row: r.stands_for_row,
        technique: r.technique.clone(),
        tool: r.tool_cell(),
        time: r.time_cell(),
        runs: r.samples.len(),
        warmup_excluded: r.warmup_excluded,
        validation: r
            .validation
            .as_ref()
            .map_or("-".into(), |v| v.validation_sum.to_string()),
        status,
        exactness: r.exactness.clone(),
        variant: r.variant.clone(),
        speedup,
    }
}

/// The rows of the report that have a 2011 figure but no "Python today" one, each with why: its
/// peer skipped, failed or was not run, or (the GPU rows) it has none.
pub fn rows_without_python(results: &Results, peers: &PeerResults) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for group in crate::render::export::groups_with_peers(results, Some(peers)) {
        let rows = group
            .rows
            .iter()
            .filter(|r| r.tuning.is_none() && r.python_today.is_none());
        for row in rows.filter(|r| crate::tutorial::figure_for(&r.variant).is_some()) {
            let standing = peers::PEERS
                .iter()
                .find(|p| p.stands_for_row && p.variant.name == row.variant);
            let why = match standing {
                Some(p) => match peers.peers.iter().find(|r| r.name == p.name) {
                    Some(r) => format!(
                        "its peer {} is {}{}",
                        p.name,
                        r.status.label(),
                        r.reason
                            .as_deref()
                            .map_or(String::new(), |why| format!(" ({why})"))
                    ),
                    None => format!(
                        "its peer {} was not in this run (cargo xtask peers --peers {})",
                        p.name, p.name
                    ),
                },
                None if group.family == mandel_variants::Family::Gpu => {
                    "no peer: pyCUDA needs an NVIDIA GPU and the \
                                                  CUDA toolkit, and the lab's Python peers \
                                                  are CPU-only"
                        .into()
                }
                None => "no peer for this technique yet".into(),
            };
            out.push((row.variant.clone(), why));
        }
    }
    out
}

/// "Python today" ([`section`]).
pub struct Peers;

impl Section for Peers {
    fn name(&self) -> &'static str {
        "peers"
    }

    fn render(&self, page: &Context<'_>) -> Result<Option<String>, String> {
        if page.extras.is_broken(peers::JSON_FILE) {
            return Ok(None);
        }
        Ok(Some(section(page.results, page.extras.peers)))
    }
}
