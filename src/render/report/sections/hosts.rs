//! The multi-core section's per-host table: where a variant's ranks ran on more than one host
//! (`mpi` with a hostfile), each host's ranks, work units, share of the units and busy seconds,
//! as ParallelPython's job server printed them per node. On one host the table would say nothing
//! the results table does not, so it is left out.

use askama::Template;

use mandel_variants::Family;

use crate::record::ranks::per_host;
use crate::record::results::Results;

/// `hosts.html`: one table per variant whose ranks spanned several hosts.
#[derive(Template)]
#[template(path = "report/hosts.html")]
struct HostsNote {
    /// `(variant, hosts, ranks, rows)`, each row `(host, ranks, units, share, busy seconds)`.
    variants: Vec<(String, usize, usize, Vec<HostRow>)>,
}

struct HostRow {
    host: String,
    ranks: usize,
    units: usize,
    share: String,
    busy: String,
}

/// The per-host tables of `family`'s variants, or `None` where every one ran on a single host.
pub fn hosts_note(results: &Results, family: Family) -> Result<Option<String>, String> {
    let variants: Vec<_> = results
        .variants
        .iter()
        .filter(|v| v.info.family == family)
        .filter_map(|v| {
            let ranks = v.ranks.as_ref()?;
            let hosts = per_host(ranks);
            (hosts.len() > 1).then(|| {
                let rows = hosts
                    .iter()
                    .map(|h| HostRow {
                        host: h.host.clone(),
                        ranks: h.ranks,
                        units: h.units,
                        share: format!("{:.1}%", 100.0 * h.share),
                        busy: crate::record::units::format_seconds(h.busy_seconds),
                    })
                    .collect();
                (v.info.name.clone(), hosts.len(), ranks.len(), rows)
            })
        })
        .collect();
    if variants.is_empty() {
        return Ok(None);
    }
    HostsNote { variants }
        .render()
        .map(Some)
        .map_err(|e| e.to_string())
}
