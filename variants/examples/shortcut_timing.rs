//! Times the SIMD shortcut kernel beside `simd-lanes` and the scalar `shortcut` on the tutorial's
//! grid, and the cycle check's schedules against each other (the figures in
//! `src/shortcuts/simd_shortcut.rs`). Not part of the lab: the lab's `run` and `report` time the
//! registered variants; this tries schedules no variant runs.
//!
//! `cargo run -p mandel-variants --release --example shortcut_timing -- [runs] [maxiter...]`
//!
//! Environment: `ISA` (a path), `VARIANTS` (names, comma-separated), `SINGLE` (also time single
//! calls, each on a kernel prepared afresh), and the schedules' lists `HEADS`, `PERIODS`, `SAVES`,
//! `EVERY`, `GROWTHS`.

use std::sync::atomic::AtomicUsize;
use std::time::Instant;

use mandel_variants::shortcuts::compact::Compacted;
use mandel_variants::shortcuts::simd_refill::{self, SCHEDULE, Schedule};
use mandel_variants::simd::Isa;
use mandel_variants::simd::refill::{Counts, Feed};
use mandel_variants::{Problem, Tuning, Work, find};

/// The tutorial's axis: `start`, `start + step`, ... while below `end`.
fn axis(n: usize, start: f64, end: f64) -> Vec<f64> {
    let step = (end - start) / n as f64;
    let mut v = start;
    let mut out = Vec::with_capacity(n);
    while out.len() < n && (if step > 0.0 { v < end } else { v > end }) {
        out.push(v);
        v += step;
    }
    out
}

/// This thread's CPU time in ms: on a machine shared with other programs, the time they take
/// from it is not counted (wall-clock time is, and its spread here reached 3×).
fn cpu_ms() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec to write.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 * 1e3 + ts.tv_nsec as f64 * 1e-6
}

/// The clock: this thread's CPU time, or wall-clock time for runs on several threads.
fn now(wall: bool) -> f64 {
    if wall {
        thread_local!(static START: Instant = Instant::now());
        START.with(|s| s.elapsed().as_secs_f64() * 1e3)
    } else {
        cpu_ms()
    }
}

/// Median, minimum and maximum of `runs` timings of `f`, in ms.
fn time(runs: usize, wall: bool, mut f: impl FnMut()) -> (f64, f64, f64) {
    f();
    let mut t: Vec<f64> = (0..runs)
        .map(|_| {
            let start = now(wall);
            f();
            now(wall) - start
        })
        .collect();
    t.sort_by(f64::total_cmp);
    (t[t.len() / 2], t[0], t[t.len() - 1])
}

/// A single call's wall-clock time, as `mandel-lab run` takes it (a kernel prepared afresh, then
/// one call), median (min..max) of `runs` such calls: into a buffer fresh from the allocator,
/// whose pages the call touches first, and into one whose pages were touched before.
fn single(
    runs: usize,
    prepare: &mut dyn FnMut() -> Box<dyn mandel_variants::Kernel>,
    pixels: usize,
) {
    for touched in [false, true] {
        let mut t: Vec<f64> = (0..runs)
            .map(|_| {
                let mut k = prepare();
                let mut out = vec![0u32; pixels];
                if touched {
                    // Values that are not zero, so the allocator's zeroed pages are written.
                    out.fill(u32::MAX);
                    std::hint::black_box(&mut out);
                }
                let start = Instant::now();
                k.run(&mut out).unwrap();
                start.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        t.sort_by(f64::total_cmp);
        let what = if touched { "touched" } else { "fresh" };
        println!(
            "    single call, {what} buffer {:8.2} ({:.2}..{:.2}) wall",
            t[t.len() / 2],
            t[0],
            t[t.len() - 1]
        );
    }
}

/// The figures from one run's medians: each shortcut against its plain twin, the rayon
/// one against one core, and the rate of the iterations it executes against `simd-lanes`' rate.
fn ratios(medians: &[(&str, f64, Option<u64>)], problem: u64) {
    use mandel_variants::shortcuts::{simd_shortcut, simd_shortcut_rayon};
    use mandel_variants::simd::{simd_lanes, simd_rayon};
    let (shortcut, shortcut_rayon) = (
        simd_shortcut::VARIANT.name,
        simd_shortcut_rayon::VARIANT.name,
    );
    let (lanes, rayon) = (simd_lanes::VARIANT.name, simd_rayon::VARIANT.name);
    let find = |name: &str| medians.iter().find(|m| m.0 == name);
    let pairs = [
        (shortcut, lanes),
        (shortcut_rayon, rayon),
        (shortcut_rayon, shortcut),
    ];
    for (fast, slow) in pairs {
        if let (Some(f), Some(s)) = (find(fast), find(slow)) {
            // The rayon variants are timed by the wall clock, the others by this thread's CPU
            // time: a ratio across the two means something only on an idle machine.
            let mixed = (fast == shortcut_rayon || fast == rayon) != (slow == rayon);
            let note = if mixed { " (wall against cpu)" } else { "" };
            println!("  {fast} is {:.2}x {slow}{note}", s.1 / f.1);
        }
    }
    if let (Some(f), Some(s)) = (find(shortcut), find(lanes))
        && let Some(executed) = f.2
    {
        let (rate, lanes) = (executed as f64 / f.1 / 1e6, problem as f64 / s.1 / 1e6);
        println!(
            "  simd-shortcut executes {rate:.2} G iterations/s, {:.0}% of simd-lanes' {lanes:.2} G/s",
            100.0 * rate / lanes
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runs: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(11);
    let maxiters: Vec<u32> = args.iter().skip(1).filter_map(|a| a.parse().ok()).collect();
    let maxiters = if maxiters.is_empty() {
        vec![1000, 10_000]
    } else {
        maxiters
    };
    let xs = axis(500, -2.13, 0.77);
    let ys = axis(500, 1.3, -1.3);
    let isa = std::env::var("ISA")
        .ok()
        .and_then(|i| Isa::parse(&i))
        .unwrap_or_else(Isa::best);
    println!("{isa}, {runs} runs each: median (min..max) ms, this thread's CPU time (cpu) or wall");
    for maxiter in maxiters {
        let problem = Problem {
            xs: &xs,
            ys: &ys,
            maxiter,
        };
        let mut out = vec![0; problem.pixels()];
        let (qx, qy): (Vec<f64>, Vec<f64>) = problem.points().unzip();
        let reference = mandel_variants::shortcuts::work::<false, false>(&qx, &qy, maxiter);
        println!(
            "maxiter {maxiter}: the reference executes {} iterations",
            reference.executed
        );
        let names: Vec<String> = std::env::var("VARIANTS").map_or(
            [
                "simd-lanes",
                "simd-shortcut",
                "shortcut",
                "simd-rayon",
                "simd-shortcut-rayon",
            ]
            .map(String::from)
            .to_vec(),
            |v| v.split(',').map(String::from).collect(),
        );
        // Each variant's median and executed iterations, for the ratios below.
        let mut medians: Vec<(&str, f64, Option<u64>)> = Vec::new();
        for name in names.iter().map(String::as_str) {
            let variant = find(name).expect("registered");
            let tuning = Tuning {
                isa: variant
                    .knobs
                    .contains(&mandel_variants::Knob::Isa)
                    .then_some(isa),
                ..Tuning::default()
            };
            let mut k = variant.prepare(&problem, &tuning).unwrap();
            let wall = variant.cores == mandel_variants::Cores::Threads;
            if std::env::var_os("SINGLE").is_some() {
                single(
                    runs,
                    &mut || variant.prepare(&problem, &tuning).unwrap(),
                    out.len(),
                );
            }
            let (med, lo, hi) = time(runs, wall, || k.run(&mut out).unwrap());
            let work = k.work().map(|w| w.executed);
            medians.push((name, med, work));
            let executed = work.map_or(String::new(), |w| format!(", {w} iterations"));
            let clock = if wall { "wall" } else { "cpu" };
            println!("  {name:20} {med:8.2} ({lo:.2}..{hi:.2}) {clock}{executed}");
        }
        ratios(&medians, reference.executed);
        let list = |name: &str, default: &[u32]| -> Vec<u32> {
            std::env::var(name).map_or(default.to_vec(), |p| {
                p.split(',').filter_map(|x| x.parse().ok()).collect()
            })
        };
        let mut kept = Compacted::new(qx.len());
        let mut scratch = Work::default();
        for head in list("HEADS", &[SCHEDULE.head]) {
            let (med, lo, hi) = time(runs, false, || {
                kept.fill::<false>(isa, (&qx, &qy), &mut out, (maxiter, head), &mut scratch)
            });
            println!(
                "  first pass, head {head:3} {med:8.2} ({lo:.2}..{hi:.2}), {} kept",
                kept.len()
            );
        }
        let mut schedules = Vec::new();
        for head in list("HEADS", &[SCHEDULE.head]) {
            for period in list("PERIODS", &[SCHEDULE.period]) {
                for first_save in list("SAVES", &[SCHEDULE.first_save]) {
                    for every in list("EVERY", &[SCHEDULE.every]) {
                        for growth in list("GROWTHS", &[SCHEDULE.growth]) {
                            schedules.push(Schedule {
                                every,
                                first_save,
                                growth,
                                period,
                                head,
                            });
                        }
                    }
                }
            }
        }
        let mut go = |schedule: Schedule, tally: bool, lanes_ms: &mut f64| {
            let mut work = Work::default();
            let limits = (maxiter, schedule.head);
            if tally {
                kept.fill::<true>(isa, (&qx, &qy), &mut out, limits, &mut work);
            } else {
                kept.fill::<false>(isa, (&qx, &qy), &mut out, limits, &mut work);
            }
            let next = AtomicUsize::new(0);
            let mut feed = Feed::new(&next, kept.len(), kept.len());
            let counts = Counts::new(&mut out);
            let limits = (maxiter, schedule);
            let start = cpu_ms();
            if tally {
                simd_refill::run::<true>(isa, &kept, limits, &mut feed, counts, &mut work);
            } else {
                simd_refill::run::<false>(isa, &kept, limits, &mut feed, counts, &mut work);
            }
            *lanes_ms = cpu_ms() - start;
            work
        };
        // Round robin over the schedules, so that the other programs on a shared machine
        // slow them all alike.
        let mut times = vec![Vec::new(); schedules.len()];
        let mut lanes = vec![Vec::new(); schedules.len()];
        for _ in 0..runs {
            for (k, &schedule) in schedules.iter().enumerate() {
                let mut lanes_ms = 0.0;
                let start = cpu_ms();
                go(schedule, false, &mut lanes_ms);
                times[k].push(cpu_ms() - start);
                lanes[k].push(lanes_ms);
            }
        }
        for (k, &schedule) in schedules.iter().enumerate() {
            let t = &mut times[k];
            t.sort_by(f64::total_cmp);
            lanes[k].sort_by(f64::total_cmp);
            let w = go(schedule, true, &mut 0.0);
            let Schedule {
                every,
                first_save,
                growth,
                period,
                head,
            } = schedule;
            println!(
                "  head {head:3} period {period:2} every {every:2} first save {first_save:3} growth {growth} {:8.2} ({:.2}..{:.2}), lanes {:.2}, {} iterations, {} cycles, {} at maxiter",
                t[t.len() / 2],
                t[0],
                t[t.len() - 1],
                lanes[k][t.len() / 2],
                w.executed,
                w.cycle,
                w.at_maxiter
            );
        }
    }
}
