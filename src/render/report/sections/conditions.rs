//! "How far the figures can be trusted" (`conditions.html`): the machine's state at the run's
//! start and end, other processes' share of it, the CPUs the lab ran on, and each variant's
//! kernel account (context switches, migrations, page faults, cycles where a PMU counts them),
//! flagged where its samples were disturbed. Every sentence is made from the record.

use askama::Template;

use super::{Context, Section, template_err};
use crate::record::account::{MIGRATIONS_PER_SECOND, SWITCHES_PER_SECOND};
use crate::record::conditions::{LOADED_SHARE, NOT_READABLE, Snapshot};
use crate::render::export::Row;
use crate::render::markup::filters;

/// The run's conditions.
pub struct Conditions;

/// `conditions.html`.
#[derive(Template)]
#[template(path = "report/conditions.html")]
struct ConditionsSection {
    summary: Option<String>,
    loaded: bool,
    /// `(what, at start, at end)`.
    machine: Vec<(&'static str, String, String)>,
    refused: Option<String>,
    hardware: &'static str,
    loaded_share: String,
    switches: String,
    migrations: String,
    rows: Vec<AccountRow>,
}

/// One variant's kernel account as the table shows it.
struct AccountRow {
    label: String,
    seconds: String,
    others: String,
    switches: String,
    migrations: String,
    faults: String,
    cycles: String,
    instructions: String,
    disturbed: Option<String>,
}

impl Section for Conditions {
    fn name(&self) -> &'static str {
        "conditions"
    }

    fn render(&self, page: &Context<'_>) -> Result<Option<String>, String> {
        let results = page.results;
        let c = results.conditions.as_ref();
        let snapshot_rows = |s: &Snapshot, e: &Snapshot| {
            let load = |s: &Snapshot| {
                s.load_average.map_or(NOT_READABLE.into(), |[a, b, c]| {
                    format!("{a:.2}, {b:.2}, {c:.2}")
                })
            };
            vec![
                ("load average (1, 5, 15 min)", load(s), load(e)),
                ("frequency governor", s.governor.clone(), e.governor.clone()),
                ("SMT", s.smt.clone(), e.smt.clone()),
            ]
        };
        let ctx = crate::render::export::Context::of(results);
        let count = |n: Option<u64>| n.map_or("-".to_string(), |n| n.to_string());
        let hardware = c.is_some_and(|c| c.hardware_counters);
        let rows = results
            .variants
            .iter()
            .filter_map(|v| {
                let a = v.account?;
                let row = Row::new(v, ctx);
                Some(AccountRow {
                    label: row.label(),
                    seconds: format!("{:.1}", a.seconds),
                    others: a
                        .others_cpu_share
                        .map_or("-".into(), |s| format!("{:.0}%", s * 100.0)),
                    switches: count(a.context_switches),
                    migrations: count(a.cpu_migrations),
                    faults: count(a.page_faults),
                    cycles: count(a.cycles),
                    instructions: count(a.instructions),
                    disturbed: a.disturbed(row.cores.unwrap_or(1)),
                })
            })
            .collect();
        ConditionsSection {
            summary: c.map(|c| format!("{}.", capitalised(&c.describe()))),
            loaded: results.under_load(),
            machine: c.map_or(Vec::new(), |c| snapshot_rows(&c.start, &c.end)),
            refused: c.and_then(|c| c.counters_refused.clone()),
            hardware: if hardware {
                "Cycles and instructions come from the CPU's own counters."
            } else {
                "No hardware counters here (no PMU is exposed to this machine): cycles and \
                 instructions are not counted."
            },
            loaded_share: format!("{:.0}%", LOADED_SHARE * 100.0),
            switches: format!("{SWITCHES_PER_SECOND:.0}"),
            migrations: format!("{MIGRATIONS_PER_SECOND:.0}"),
            rows,
        }
        .render()
        .map(Some)
        .map_err(template_err)
    }
}

/// `text` with its first letter in upper case.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or(String::new(), |f| f.to_uppercase().chain(chars).collect())
}
