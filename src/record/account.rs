//! The kernel's account of one variant's measurement as the record keeps it
//! (`VariantResult::account`): context switches, CPU migrations and page faults, cycles and
//! instructions where a PMU exists, and when those say its samples were disturbed.
//! `measure::counters` counts them.

use serde::{Deserialize, Serialize};

use crate::record::conditions::LOADED_SHARE;

/// Context switches per second, per core the variant used, above which its samples count as
/// disturbed: a kernel that has its core loses it a few times a second to the kernel's own
/// threads, not hundreds.
pub const SWITCHES_PER_SECOND: f64 = 100.0;

/// CPU migrations per second, per core used, above which its samples count as disturbed.
pub const MIGRATIONS_PER_SECOND: f64 = 5.0;

/// The kernel's account of one variant's measurement (its validation run, warm-up and samples),
/// kept in its result (`VariantResult::account`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Account {
    /// Wall seconds the account covers.
    pub seconds: f64,
    /// Other processes' share of the machine's CPU time over those seconds.
    #[serde(default)]
    pub others_cpu_share: Option<f64>,
    #[serde(default)]
    pub context_switches: Option<u64>,
    #[serde(default)]
    pub cpu_migrations: Option<u64>,
    #[serde(default)]
    pub page_faults: Option<u64>,
    /// Only where a PMU exists.
    #[serde(default)]
    pub cycles: Option<u64>,
    #[serde(default)]
    pub instructions: Option<u64>,
}

impl Account {
    /// Why this measurement's samples are not the machine's alone, for a variant that used
    /// `cores` cores; `None` where nothing disturbed them (or nothing was counted).
    pub fn disturbed(&self, cores: usize) -> Option<String> {
        let per_second = |n: Option<u64>| {
            n.filter(|_| self.seconds > 0.0)
                .map(|n| n as f64 / self.seconds / cores.max(1) as f64)
        };
        let mut why = Vec::new();
        if let Some(s) = self.others_cpu_share.filter(|s| *s >= LOADED_SHARE) {
            why.push(format!(
                "other processes took {:.0}% of the machine",
                s * 100.0
            ));
        }
        if let Some(r) = per_second(self.context_switches).filter(|r| *r > SWITCHES_PER_SECOND) {
            why.push(format!("{r:.0} context switches per second per core"));
        }
        if let Some(r) = per_second(self.cpu_migrations).filter(|r| *r > MIGRATIONS_PER_SECOND) {
            why.push(format!("{r:.1} CPU migrations per second per core"));
        }
        (!why.is_empty()).then(|| why.join(", "))
    }

    /// `1,204 switches, 3 migrations, 812 page faults over 4.1 s` (and cycles where counted).
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        for (n, what) in [
            (self.context_switches, "context switches"),
            (self.cpu_migrations, "CPU migrations"),
            (self.page_faults, "page faults"),
            (self.cycles, "cycles"),
            (self.instructions, "instructions"),
        ] {
            if let Some(n) = n {
                parts.push(format!("{n} {what}"));
            }
        }
        if parts.is_empty() {
            parts.push("no kernel counts".into());
        }
        format!("{} over {:.1} s", parts.join(", "), self.seconds)
    }
}
