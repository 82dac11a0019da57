//! The machine's state while a measurement ran: its load average, frequency governor and SMT at
//! start and end, the share of its CPU time that other processes took over the run (and over each
//! variant's own measurement), and the CPUs the lab ran on. A result measured while something else
//! ran is not the machine's: the page and the terminal say "measured under load" where this
//! record says so, and every figure keeps its flag.
//!
//! The schema: `measure::conditions` reads `/proc` and `/sys/devices/system/cpu` into it, and a
//! file it could not read is recorded as [`NOT_READABLE`], never guessed.

use serde::{Deserialize, Serialize};

/// Other processes' share of the machine's CPU time above which a run (or one variant's
/// measurement) counts as measured under load: a tenth of the machine is, on two cores, a fifth
/// of the core a single-threaded kernel runs on.
pub const LOADED_SHARE: f64 = 0.10;

/// What a file that could not be read is recorded as.
pub const NOT_READABLE: &str = "not readable here";

/// The machine at one moment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// `/proc/loadavg`'s 1, 5 and 15 minute load averages.
    #[serde(default)]
    pub load_average: Option<[f64; 3]>,
    /// cpu0's frequency governor (`performance`, `powersave`, ...), or [`NOT_READABLE`].
    pub governor: String,
    /// Simultaneous multithreading (`on`, `off`, `notsupported`, ...), or [`NOT_READABLE`].
    pub smt: String,
}

impl Snapshot {
    /// `load 1.02, 0.87, 0.60; governor performance; SMT off`.
    pub fn describe(&self) -> String {
        let load = self
            .load_average
            .map_or(format!("load {NOT_READABLE}"), |[a, b, c]| {
                format!("load {a:.2}, {b:.2}, {c:.2}")
            });
        format!("{load}; governor {}; SMT {}", self.governor, self.smt)
    }
}

/// The machine's state over one measurement run: `results.json`'s `conditions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conditions {
    pub start: Snapshot,
    pub end: Snapshot,
    /// The share (0..1) of the machine's CPU time, over the run, that went to other processes
    /// (and to the hypervisor's steal); `None` where `/proc/stat` could not be read.
    #[serde(default)]
    pub others_cpu_share: Option<f64>,
    /// The CPUs the lab was allowed to run on (its affinity).
    #[serde(default)]
    pub cpus: Vec<usize>,
    /// Whether those were chosen with `--cpus`.
    #[serde(default)]
    pub pinned: bool,
    /// What the kernel's counters gave: `None` where they counted, else why not (one line).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counters_refused: Option<String>,
    /// Whether cycles and instructions were counted (a PMU exists); `false` on the virtual
    /// machines this lab usually runs on.
    #[serde(default)]
    pub hardware_counters: bool,
}

impl Conditions {
    /// Whether other processes took at least [`LOADED_SHARE`] of the machine over the run.
    pub fn under_load(&self) -> bool {
        self.others_cpu_share.is_some_and(|s| s >= LOADED_SHARE)
    }

    /// The sentence the page and the terminal print about the run's conditions.
    pub fn describe(&self) -> String {
        let others = self.others_cpu_share.map_or(
            format!("other processes' CPU share {NOT_READABLE}"),
            |s| {
                format!(
                    "other processes took {:.0}% of the machine's CPU time",
                    s * 100.0
                )
            },
        );
        let verdict = if self.under_load() {
            "measured under load"
        } else if self.others_cpu_share.is_some() {
            "a quiet machine"
        } else {
            "load unknown"
        };
        let cpus = cpu_list(&self.cpus);
        let pinned = if self.pinned {
            format!("pinned to CPUs {cpus}")
        } else {
            format!("on CPUs {cpus}")
        };
        format!(
            "{verdict}: {others} during the run; {pinned}; at start {}; at end {}",
            self.start.describe(),
            self.end.describe()
        )
    }
}

/// `0-3,8` from a sorted list of CPUs.
pub fn cpu_list(cpus: &[usize]) -> String {
    if cpus.is_empty() {
        return NOT_READABLE.into();
    }
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < cpus.len() {
        let mut j = i;
        while j + 1 < cpus.len() && cpus[j + 1] == cpus[j] + 1 {
            j += 1;
        }
        parts.push(if j > i {
            format!("{}-{}", cpus[i], cpus[j])
        } else {
            cpus[i].to_string()
        });
        i = j + 1;
    }
    parts.join(",")
}
