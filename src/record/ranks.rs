//! The `mpi` variant's ranks as the record keeps them: for each rank, its host, the work units it
//! computed and its busy seconds, the figures ParallelPython's job server printed per node. `run`
//! prints and writes them, a report keeps them in `results.json` and shows them per host where
//! the ranks ran on more than one. A leaf: nothing here imports the rest of the lab.

use serde::{Deserialize, Serialize};

use mandel_variants::parallel::mpi_jobs::RankStat;

/// One rank's part in a run (`ranks` in `run --format json` and in `results.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankInfo {
    pub rank: usize,
    pub host: String,
    pub units: usize,
    pub busy_seconds: f64,
}

impl From<RankStat> for RankInfo {
    fn from(s: RankStat) -> RankInfo {
        RankInfo {
            rank: s.rank,
            host: s.host,
            units: s.units,
            busy_seconds: s.busy_seconds,
        }
    }
}

/// The ranks of one host, added up.
#[derive(Debug, Clone, PartialEq)]
pub struct HostTotal {
    pub host: String,
    pub ranks: usize,
    pub units: usize,
    pub busy_seconds: f64,
    /// The host's share of all the units, 0 to 1.
    pub share: f64,
}

/// The longest host name kept: a name longer than any DNS name is not one a rank reported.
pub const MAX_HOST: usize = 255;

/// `ranks` per host, in the order the hosts first appear (rank 0's first).
pub fn per_host(ranks: &[RankInfo]) -> Vec<HostTotal> {
    let total: usize = ranks.iter().map(|r| r.units).sum();
    let mut hosts: Vec<HostTotal> = Vec::new();
    for r in ranks {
        let at = match hosts.iter().position(|h| h.host == r.host) {
            Some(at) => at,
            None => {
                hosts.push(HostTotal {
                    host: r.host.clone(),
                    ranks: 0,
                    units: 0,
                    busy_seconds: 0.0,
                    share: 0.0,
                });
                hosts.len() - 1
            }
        };
        let h = &mut hosts[at];
        h.ranks += 1;
        h.units += r.units;
        h.busy_seconds += r.busy_seconds;
    }
    for h in &mut hosts {
        h.share = share(h.units, total);
    }
    hosts
}

/// `units` as a share of `total` (0 where there are none).
pub fn share(units: usize, total: usize) -> f64 {
    if total == 0 {
        0.0
    } else {
        units as f64 / total as f64
    }
}

/// The per-rank table `run` prints, one line per rank after a heading, as ParallelPython's
/// "Job execution statistics" did.
pub fn table(ranks: &[RankInfo]) -> Vec<String> {
    let total: usize = ranks.iter().map(|r| r.units).sum();
    let width = ranks.iter().map(|r| r.host.len()).max().unwrap_or(0).max(4);
    let mut lines = vec![format!(
        "  {:>4}  {:<width$}  {:>5}  {:>6}  {:>10}",
        "rank", "host", "units", "share", "busy s"
    )];
    for r in ranks {
        lines.push(format!(
            "  {:>4}  {:<width$}  {:>5}  {:>5.1}%  {:>10.6}",
            r.rank,
            r.host,
            r.units,
            100.0 * share(r.units, total),
            r.busy_seconds
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rank(rank: usize, host: &str, units: usize, busy_seconds: f64) -> RankInfo {
        RankInfo {
            rank,
            host: host.into(),
            units,
            busy_seconds,
        }
    }

    #[test]
    fn ranks_add_up_per_host_in_the_order_hosts_appear() {
        let ranks = [
            rank(0, "b", 3, 1.0),
            rank(1, "a", 4, 2.0),
            rank(2, "b", 1, 0.5),
        ];
        let hosts = per_host(&ranks);
        assert_eq!(hosts.len(), 2);
        assert_eq!((hosts[0].host.as_str(), hosts[0].ranks), ("b", 2));
        assert_eq!((hosts[0].units, hosts[0].busy_seconds), (4, 1.5));
        assert_eq!((hosts[1].host.as_str(), hosts[1].units), ("a", 4));
        assert!((hosts[0].share - 0.5).abs() < 1e-12);
        assert_eq!(share(0, 0), 0.0);
    }

    #[test]
    fn the_table_has_a_line_per_rank_with_its_share() {
        let lines = table(&[rank(0, "node0", 1, 0.25), rank(1, "node1", 3, 0.75)]);
        assert_eq!(lines.len(), 3);
        assert!(
            lines[1].contains("node0") && lines[1].contains("25.0%"),
            "{lines:?}"
        );
        assert!(
            lines[2].contains("75.0%") && lines[2].contains("0.750000"),
            "{lines:?}"
        );
    }
}
