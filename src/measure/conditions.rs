//! Reading the machine's state while a measurement runs (`/proc`, `/sys/devices/system/cpu`) into
//! the record's [`Conditions`](crate::record::conditions::Conditions): a snapshot at start and end,
//! and the CPU time other processes took, read as a [`Meter`] over the run.
//!
//! A file that cannot be read (another kernel, a container) is recorded as "not readable here",
//! never guessed.

use crate::record::conditions::{Conditions, NOT_READABLE, Snapshot};

impl Snapshot {
    /// The machine now.
    pub fn take() -> Snapshot {
        let read = |path: &str| {
            std::fs::read_to_string(path)
                .ok()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        };
        Snapshot {
            load_average: read("/proc/loadavg").and_then(|s| parse_loadavg(&s)),
            governor: read("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor")
                .unwrap_or_else(|| NOT_READABLE.into()),
            smt: read("/sys/devices/system/cpu/smt/control").unwrap_or_else(|| NOT_READABLE.into()),
        }
    }
}

/// CPU time counters, in clock ticks, at one moment: the machine's busy and total time, and this
/// process's own (with its waited-for children's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CpuTimes {
    busy: u64,
    total: u64,
    own: u64,
}

impl CpuTimes {
    /// The counters now, `None` where `/proc/stat` or `/proc/self/stat` cannot be read.
    pub fn now() -> Option<CpuTimes> {
        let stat = std::fs::read_to_string("/proc/stat").ok()?;
        let own = std::fs::read_to_string("/proc/self/stat").ok()?;
        let (busy, total) = parse_machine(&stat)?;
        Some(CpuTimes {
            busy,
            total,
            own: parse_own(&own)?,
        })
    }

    /// Other processes' share of the machine's time from `self` to `later`: busy time that was
    /// not this process's, over all the time that passed on every CPU. `None` over no time.
    pub fn others_share(&self, later: &CpuTimes) -> Option<f64> {
        let total = later.total.checked_sub(self.total).filter(|t| *t > 0)?;
        let busy = later.busy.saturating_sub(self.busy);
        let own = later.own.saturating_sub(self.own);
        Some((busy.saturating_sub(own) as f64 / total as f64).clamp(0.0, 1.0))
    }
}

/// A run's conditions as it goes: [`Meter::start`] at its start, [`Meter::finish`] at its end.
#[derive(Debug, Clone)]
pub struct Meter {
    start: Snapshot,
    times: Option<CpuTimes>,
}

impl Meter {
    /// Reads the machine's state at the start of a run.
    pub fn start() -> Meter {
        Meter {
            start: Snapshot::take(),
            times: CpuTimes::now(),
        }
    }

    /// The run's conditions, with the CPUs the lab may use, whether `--cpus` chose them, and what
    /// the kernel's counters gave: why they were refused, whether cycles were counted.
    pub fn finish(self, pinned: bool, refused: Option<String>, hardware: bool) -> Conditions {
        let others = self
            .times
            .zip(CpuTimes::now())
            .and_then(|(a, b)| a.others_share(&b));
        Conditions {
            start: self.start,
            end: Snapshot::take(),
            others_cpu_share: others,
            cpus: crate::measure::affinity::current().unwrap_or_default(),
            pinned,
            counters_refused: refused,
            hardware_counters: hardware,
        }
    }
}

/// The three load averages of a `/proc/loadavg` line.
fn parse_loadavg(line: &str) -> Option<[f64; 3]> {
    let mut fields = line.split_whitespace().map(|f| f.parse::<f64>().ok());
    Some([fields.next()??, fields.next()??, fields.next()??])
        .filter(|l| l.iter().all(|v| v.is_finite()))
}

/// Busy and total ticks of `/proc/stat`'s `cpu` line: user, nice, system, idle, iowait, irq,
/// softirq, steal (guest time is already inside user and nice).
fn parse_machine(stat: &str) -> Option<(u64, u64)> {
    let line = stat.lines().find(|l| l.starts_with("cpu "))?;
    let v: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .take(8)
        .map(|f| f.parse().ok())
        .collect::<Option<_>>()?;
    let idle = v.get(3)? + v.get(4)?;
    let busy = v[..3].iter().sum::<u64>() + v.get(5..8)?.iter().sum::<u64>();
    Some((busy, busy + idle))
}

/// This process's utime, stime, cutime and cstime from `/proc/self/stat` (fields 14 to 17, after
/// the command name in parentheses, which may itself hold spaces).
fn parse_own(stat: &str) -> Option<u64> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // `rest` starts at field 3 (the state).
    (11..15).map(|i| fields.get(i)?.parse::<u64>().ok()).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_processes_share_is_busy_time_that_was_not_ours() {
        let stat =
            |user, system, idle| format!("cpu  {user} 0 {system} {idle} 0 0 0 0 0 0\ncpu0 1\n");
        let own = |ticks| format!("42 (mandel lab) R 1 1 1 0 -1 0 0 0 0 0 {ticks} 0 0 0 20 0");
        let at = |user, system, idle, ours| {
            let (busy, total) = parse_machine(&stat(user, system, idle)).unwrap();
            let own = parse_own(&own(ours)).unwrap();
            CpuTimes { busy, total, own }
        };
        // 200 ticks passed on two CPUs; 100 of them busy, 50 of those ours: 25% was others'.
        let share = at(1000, 0, 1000, 10).others_share(&at(1080, 20, 1100, 60));
        assert_eq!(share, Some(0.25));
        // Alone: all busy time ours.
        let share = at(1000, 0, 1000, 10).others_share(&at(1100, 0, 1100, 110));
        assert_eq!(share, Some(0.0));
        // No time passed: no share.
        assert_eq!(at(1, 0, 1, 0).others_share(&at(1, 0, 1, 0)), None);
    }

    #[test]
    fn load_average_and_cpu_lists_read_as_the_kernel_writes_them() {
        assert_eq!(
            parse_loadavg("2.51 1.85 1.72 3/250 9999"),
            Some([2.51, 1.85, 1.72])
        );
        assert_eq!(parse_loadavg("garbage"), None);
    }

    #[test]
    fn a_run_is_under_load_from_a_tenth_of_the_machine() {
        let quiet = Snapshot {
            load_average: Some([0.1, 0.1, 0.1]),
            governor: NOT_READABLE.into(),
            smt: "off".into(),
        };
        let mut c = Conditions {
            start: quiet.clone(),
            end: quiet,
            others_cpu_share: Some(0.02),
            cpus: vec![0, 1],
            pinned: false,
            counters_refused: None,
            hardware_counters: false,
        };
        assert!(!c.under_load());
        assert!(
            c.describe().starts_with("a quiet machine: "),
            "{}",
            c.describe()
        );
        c.others_cpu_share = Some(0.4);
        assert!(c.under_load());
        assert!(c.describe().contains("measured under load"));
        assert!(c.describe().contains("40%"));
        c.others_cpu_share = None;
        assert!(!c.under_load());
        assert!(c.describe().contains(NOT_READABLE));
    }
}
