//! The kernel's own account of a variant's measurement, from `perf_event_open(2)`: context
//! switches, CPU migrations and page faults (software events, which the virtual machines this lab
//! runs on give even without a PMU), and cycles and instructions where a PMU exists. A measurement
//! that other processes crowded, or whose threads were switched out or moved between CPUs often,
//! is flagged as disturbed ([`Account::disturbed`]).
//!
//! Where the kernel refuses the counters (`kernel.perf_event_paranoid`, a container's seccomp
//! filter), [`probe`] says so in one line and the measurement goes on without them.

use std::time::Instant;

use perf_event::events::{Event, Hardware, Software};
use perf_event::{Builder, Counter};

use crate::measure::conditions::CpuTimes;
use crate::record::account::Account;

/// Switching off the counters: `MANDEL_LAB_COUNTERS=off` (where counting is unwanted, and to see
/// the refusal's path without changing the kernel's settings).
pub const SWITCH: &str = "MANDEL_LAB_COUNTERS";

/// What the kernel lets this process count, found once per run by [`probe`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Support {
    /// Why no event can be counted (one line), `None` where the software events work.
    pub refused: Option<String>,
    /// Whether cycles and instructions can be counted (a PMU exists).
    pub hardware: bool,
}

/// Opens one software and one hardware counter on this thread to see what works.
pub fn probe() -> Support {
    if std::env::var(SWITCH).is_ok_and(|v| v == "off") {
        return Support {
            refused: Some(format!(
                "kernel counters switched off ({SWITCH}=off): no context switches, \
                 migrations or page faults recorded"
            )),
            hardware: false,
        };
    }
    match open(Software::CONTEXT_SWITCHES, 0) {
        Err(e) => Support {
            refused: Some(refusal(&e, paranoid())),
            hardware: false,
        },
        Ok(_) => Support {
            refused: None,
            hardware: open(Hardware::CPU_CYCLES, 0).is_ok(),
        },
    }
}

/// The one line said where `perf_event_open` is refused with `err`.
pub fn refusal(err: &std::io::Error, paranoid: Option<i32>) -> String {
    let setting = paranoid.map_or(String::new(), |p| {
        format!("; kernel.perf_event_paranoid is {p}")
    });
    format!(
        "the kernel refused perf_event_open ({err}{setting}): no context switches, migrations or \
         page faults recorded; `sysctl kernel.perf_event_paranoid=-1` as root, or a container \
         allowed perf_event_open, gives them"
    )
}

fn paranoid() -> Option<i32> {
    std::fs::read_to_string("/proc/sys/kernel/perf_event_paranoid")
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Counters running over one variant's measurement: [`Counting::start`], then
/// [`Counting::finish`].
pub struct Counting {
    /// One set per thread of this process at the start (each inherited by the threads it starts
    /// later), as `(event, counter)`.
    counters: Vec<(Kind, Counter)>,
    start: Instant,
    times: Option<CpuTimes>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Switches,
    Migrations,
    Faults,
    Cycles,
    Instructions,
}

impl Counting {
    /// Starts counting on every thread of this process (a rayon pool built earlier included),
    /// what `support` allows.
    pub fn start(support: &Support) -> Counting {
        let mut counters = Vec::new();
        if support.refused.is_none() {
            for tid in threads() {
                let mut add = |kind, counter: std::io::Result<Counter>| {
                    if let Ok(c) = counter {
                        counters.push((kind, c));
                    }
                };
                add(Kind::Switches, open(Software::CONTEXT_SWITCHES, tid));
                add(Kind::Migrations, open(Software::CPU_MIGRATIONS, tid));
                add(Kind::Faults, open(Software::PAGE_FAULTS, tid));
                if support.hardware {
                    add(Kind::Cycles, open(Hardware::CPU_CYCLES, tid));
                    add(Kind::Instructions, open(Hardware::INSTRUCTIONS, tid));
                }
            }
        }
        Counting {
            counters,
            start: Instant::now(),
            times: CpuTimes::now(),
        }
    }

    /// Stops counting: the account of everything since [`Counting::start`].
    pub fn finish(mut self) -> Account {
        let seconds = self.start.elapsed().as_secs_f64();
        let mut sum = |kind: Kind| {
            let mut total = None;
            for (_, c) in self.counters.iter_mut().filter(|(k, _)| *k == kind) {
                if let Ok(n) = c.read() {
                    total = Some(total.unwrap_or(0) + n);
                }
            }
            total
        };
        Account {
            seconds,
            others_cpu_share: self
                .times
                .zip(CpuTimes::now())
                .and_then(|(a, b)| a.others_share(&b)),
            context_switches: sum(Kind::Switches),
            cpu_migrations: sum(Kind::Migrations),
            page_faults: sum(Kind::Faults),
            cycles: sum(Kind::Cycles),
            instructions: sum(Kind::Instructions),
        }
    }
}

/// A counter of `event` on thread `tid` (0: the calling thread) and the threads it starts, user
/// and kernel time alike (a context switch happens in the kernel), counting from now.
fn open(event: impl Event + 'static, tid: i32) -> std::io::Result<Counter> {
    let mut builder = Builder::new(event);
    if tid != 0 {
        builder.observe_pid(tid);
    }
    builder
        .any_cpu()
        .inherit(true)
        .exclude_kernel(false)
        .enabled(true)
        .build()
}

/// This process's threads, from `/proc/self/task`.
fn threads() -> Vec<i32> {
    std::fs::read_dir("/proc/self/task")
        .map(|dir| {
            dir.flatten()
                .filter_map(|e| e.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_is_one_line_naming_the_setting() {
        let e = std::io::Error::from_raw_os_error(libc::EACCES);
        let line = refusal(&e, Some(3));
        assert!(!line.contains('\n'), "{line}");
        assert!(line.contains("perf_event_paranoid is 3"), "{line}");
        assert!(line.contains("no context switches"), "{line}");
    }

    #[test]
    fn samples_are_disturbed_by_load_switches_or_migrations_and_not_otherwise() {
        let quiet = Account {
            seconds: 2.0,
            others_cpu_share: Some(0.01),
            context_switches: Some(20),
            cpu_migrations: Some(1),
            page_faults: Some(300),
            ..Account::default()
        };
        assert_eq!(quiet.disturbed(1), None);
        let loaded = Account {
            others_cpu_share: Some(0.3),
            ..quiet
        };
        assert!(loaded.disturbed(1).unwrap().contains("30%"));
        let switched = Account {
            context_switches: Some(1000),
            ..quiet
        };
        assert!(
            switched
                .disturbed(1)
                .unwrap()
                .contains("500 context switches")
        );
        // The same switches spread over eight cores' threads are not a disturbance.
        assert_eq!(switched.disturbed(8), None);
        let moved = Account {
            cpu_migrations: Some(100),
            ..quiet
        };
        assert!(moved.disturbed(1).unwrap().contains("migrations"));
        assert_eq!(Account::default().disturbed(1), None);
    }

    #[test]
    fn counting_here_gives_software_events_or_says_why_not() {
        let support = probe();
        let counting = Counting::start(&support);
        let v: Vec<u64> = (0..100_000).collect();
        std::hint::black_box(&v);
        let account = counting.finish();
        match &support.refused {
            None => assert!(account.page_faults.is_some(), "{account:?}"),
            Some(why) => {
                println!("skip: kernel counters ({why})");
                assert_eq!(account.context_switches, None);
            }
        }
    }
}
