//! The lane-refill kernel of `simd-lanes` with both shortcuts: the bulb test and a first pass
//! (`compact.rs`) before a pixel takes a lane, and bit-exact cycle detection in the lanes. A lane
//! takes a kept pixel with the state the first pass left it in (`z` as its three products, and its
//! count, [`Schedule::head`]) and continues it with the same operations, so its count is the
//! reference's. `simd-shortcut` and `simd-shortcut-rayon` run it; the design and its measurements
//! are in `simd_shortcut.rs`.
//!
//! It is a function of its own, not a switch in `simd/refill.rs`, for two reasons. The plain
//! kernel must compile to exactly what it did (its speed is the SIMD family's figure), and the
//! machine-code views tell kernels apart by the source file of their multiplies: this file has
//! its own `step`, so the views find this kernel's loops here ([`SOURCE`]) and never mistake
//! them for `simd-lanes`'s. The refill's parts that do no arithmetic (`Feed`, `Counts`,
//! `each_vector!`) are shared.

use crate::simd::lanes::{Lanes, MAX_LANES, all_bits};
use crate::simd::refill::{Counts, Feed, Retired, each_vector, lowest_lanes};
use crate::simd::{Isa, WithLanes, with_isa};
use crate::{Decided, Work};

use super::compact::{Compacted, Kept};

/// This file, where the kernel's loops are ([`crate::HotCode::Paths`]).
pub const SOURCE: &str = file!();

/// When the lanes compare their state with the saved one (see `simd_shortcut.rs` for the
/// measurements that chose it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// Every `every`-th block is a check block: each of its iterations is compared with the
    /// saved state, and so is the state it starts from.
    pub every: u32,
    /// A lane's first save waits until it has run this many iterations (0: at its first check
    /// block); later saves come when its count has grown by [`Schedule::growth`].
    pub first_save: u32,
    /// The next save is due when the count `n` of the last has grown by `n >> growth`: 0 doubles
    /// it (Brent's schedule), 2 adds a quarter. The gap between saves still grows without bound,
    /// so every period is eventually caught; a smaller step catches an orbit sooner once it has
    /// settled on its cycle (see `simd_shortcut.rs` for the figures).
    pub growth: u32,
    /// Iterations per block between refills (`simd-lanes` runs
    /// [`REFILL_PERIOD`](crate::simd::refill::REFILL_PERIOD)).
    pub period: u32,
    /// Iterations of the first pass (`compact.rs`): a pixel still running after them takes a
    /// lane, with its state.
    pub head: u32,
}

/// The schedule the variants run.
pub const SCHEDULE: Schedule = Schedule {
    every: 8,
    first_save: 0,
    growth: 2,
    period: 24,
    head: 16,
};

/// Runs the kernel on the path `isa` over the kept pixels `feed` hands out (indices into
/// `points`), writing each count at its grid index. Where `TALLY`, it also counts into `work`
/// what it executed for each pixel and what decided it: an instrumented run, never timed (the
/// timed one, `TALLY` false, has no trace of the counting).
pub fn run<const TALLY: bool>(
    isa: Isa,
    points: &Compacted,
    (maxiter, schedule): (u32, Schedule),
    feed: &mut Feed<'_>,
    out: Counts,
    work: &mut Work,
) {
    struct Job<'a, 'b, const TALLY: bool> {
        kept: Kept<'a>,
        limits: (u32, Schedule),
        feed: &'a mut Feed<'b>,
        out: Counts,
        work: &'a mut Work,
    }
    impl<const TALLY: bool> WithLanes for Job<'_, '_, TALLY> {
        type Output = ();
        #[inline(always)]
        fn call<S: Lanes>(self, s: S) {
            let Job {
                kept,
                limits,
                feed,
                out,
                work,
            } = self;
            // Four vectors in flight with 32 registers, as `simd-lanes` (on AVX-512, Zen 4,
            // two and three were slower); two with 16, where `simd-lanes` has three: the saved
            // triples take registers too (see `simd_shortcut.rs` for the figures).
            if S::LANES >= 8 {
                lanes::<S, 4, TALLY>(s, kept, limits, feed, out, work);
            } else {
                lanes::<S, 2, TALLY>(s, kept, limits, feed, out, work);
            }
        }
    }
    let job = Job::<TALLY> {
        kept: points.kept(),
        limits: (maxiter, schedule),
        feed,
        out,
        work,
    };
    if TALLY {
        tally_paths::with_isa(isa, job);
    } else {
        with_isa(isa, job);
    }
}

/// The tally's own per-path functions, as `with_isa`'s (`crate::simd::with_isa`) but under
/// other names: the machine-code views find a kernel's loops in the functions named by
/// `Isa::symbol`, and there the tally's copy of the loops would be a second candidate for this
/// kernel's, with its bookkeeping in the check blocks.
pub(super) mod tally_paths {
    use crate::simd::lanes::{Lanes, Portable};
    use crate::simd::{Isa, WithLanes};

    /// Runs `w` on the path `isa`, compiled for that instruction set.
    ///
    /// # Panics
    /// If this CPU lacks `isa` (the variants resolve it at prepare).
    pub(in crate::shortcuts) fn with_isa<W: WithLanes>(isa: Isa, w: W) -> W::Output {
        let missing = || -> ! { panic!("the {isa} path was chosen on a CPU without it") };
        match isa {
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => {
                let s = crate::simd::lanes::Avx512::detect().unwrap_or_else(|| missing());
                // SAFETY: the token proves the CPU has AVX-512F and AVX-512VL.
                unsafe { x86::avx512(s, w) }
            }
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => {
                let s = crate::simd::lanes::Avx2::detect().unwrap_or_else(|| missing());
                // SAFETY: the token proves the CPU has AVX2.
                unsafe { x86::avx2(s, w) }
            }
            #[cfg(target_arch = "x86_64")]
            Isa::Sse2 => w.call(crate::simd::lanes::Sse2::detect().unwrap_or_else(|| missing())),
            #[cfg(target_arch = "aarch64")]
            Isa::Neon => {
                let s = crate::simd::lanes::Neon::detect().unwrap_or_else(|| missing());
                // SAFETY: the token proves the CPU has NEON.
                unsafe { arm::neon(s, w) }
            }
            Isa::Portable => w.call(Portable::detect().unwrap_or_else(|| missing())),
            #[allow(unreachable_patterns)]
            _ => missing(),
        }
    }

    #[cfg(target_arch = "x86_64")]
    mod x86 {
        use crate::simd::WithLanes;
        use crate::simd::lanes::{Avx2, Avx512};

        /// # Safety
        /// The CPU must have AVX-512F and AVX-512VL (the token says so).
        #[target_feature(enable = "avx512f,avx512vl")]
        pub(super) unsafe fn avx512<W: WithLanes>(s: Avx512, w: W) -> W::Output {
            w.call(s)
        }

        /// # Safety
        /// The CPU must have AVX2 (the token says so).
        #[target_feature(enable = "avx2")]
        pub(super) unsafe fn avx2<W: WithLanes>(s: Avx2, w: W) -> W::Output {
            w.call(s)
        }
    }

    #[cfg(target_arch = "aarch64")]
    mod arm {
        use crate::simd::WithLanes;
        use crate::simd::lanes::Neon;

        /// # Safety
        /// The CPU must have NEON (the token says so).
        #[target_feature(enable = "neon")]
        pub(super) unsafe fn neon<W: WithLanes>(s: Neon, w: W) -> W::Output {
            w.call(s)
        }
    }
}

/// The kernel: `simd/refill.rs`'s `escape_counts`, with the cycle check. Lanes carry `z` as its
/// three products, which alone determine the next step: a lane whose triple repeats, bit for
/// bit, a saved one is periodic and never escapes; it retires with 0, as a spent lane does.
#[inline(always)]
fn lanes<S: Lanes, const U: usize, const TALLY: bool>(
    s: S,
    kept: Kept<'_>,
    (maxiter, schedule): (u32, Schedule),
    feed: &mut Feed<'_>,
    out: Counts,
    work: &mut Work,
) {
    let maxiter = i64::from(maxiter);
    let full = all_bits(S::LANES);
    let (zero, four) = (s.splat(0.0), s.splat(4.0));
    // What a lane has saved before its first save: a NaN, which no live lane's triple holds (a
    // NaN square fails the escape test), so it never matches.
    let never = s.splat(f64::from_bits(u64::MAX));
    let first_save = s.load_counts(&[i64::from(schedule.first_save); MAX_LANES]);
    let head = s.load_counts(&[i64::from(kept.head); MAX_LANES]);
    let mut zx2 = [zero; U];
    let mut zy2 = [zero; U];
    let mut zxy = [zero; U];
    let mut cx = [zero; U];
    let mut cy = [zero; U];
    let mut n = [s.zeros(); U];
    let mut pixel = [s.zeros(); U];
    let mut alive = [s.mask(0); U];
    let mut idle = [full; U];
    // The cycle check's state: the saved triple, the count at which the next save is due, and
    // the lanes found periodic in this block (and, for the tally, the count at which each was).
    let (mut sx2, mut sy2, mut sxy) = ([never; U], [never; U], [never; U]);
    let mut save_at = [first_save; U];
    let mut found = [s.mask(0); U];
    let mut found_at = [[0_i64; MAX_LANES]; U];
    let mut most = maxiter;
    let mut blocks = 0_u32;
    let mut retired = Retired::new();
    loop {
        let mut busy = false;
        each_vector!(U, S::REGISTERS, |v| {
            let alive_bits = s.bits(alive[v]);
            let escaped = !alive_bits & full & !idle[v];
            let spent = if most == maxiter {
                s.count_is(n[v], maxiter) & alive_bits
            } else {
                0
            };
            // Found lanes are alive: a periodic orbit does not escape.
            let cycled = s.bits(found[v]);
            let done = escaped | spent | cycled;
            if done != 0 {
                if TALLY {
                    let finished = (escaped & !cycled, spent & !cycled, cycled);
                    tally(s, n[v], &found_at[v], finished, maxiter, work);
                }
                retired.push(s, n[v], pixel[v], (escaped, spent | cycled), out, |p| {
                    kept.index[p as usize] as usize
                });
            }
            let empty = done | idle[v];
            if empty != 0 {
                let orbit = (
                    (&mut cx[v], &mut cy[v]),
                    (&mut zx2[v], &mut zy2[v], &mut zxy[v]),
                );
                let want = take(s, (kept, &mut *feed), empty, orbit, &mut pixel[v]);
                // A kept pixel continues from the first pass's state, with its count.
                n[v] = s.select_counts(s.mask(empty & !want), head, s.clear_counts(n[v], want));
                let fresh = s.mask(empty);
                sx2[v] = s.select(fresh, never, sx2[v]);
                sy2[v] = s.select(fresh, never, sy2[v]);
                sxy[v] = s.select(fresh, never, sxy[v]);
                save_at[v] = s.select_counts(fresh, first_save, save_at[v]);
                found[v] = s.mask(0);
                idle[v] = want;
                alive[v] = s.mask((alive_bits | empty) & !want);
            }
            busy |= idle[v] != full;
        });
        if !busy {
            retired.write(out, |p| kept.index[p as usize] as usize);
            return;
        }
        if most == maxiter {
            most = (0..U).map(|v| s.max_count(n[v])).max().unwrap_or(0);
        }
        // Refilled lanes start at the first pass's count: the bound must cover them.
        most = most.max(kept.head.into());
        let block = (maxiter - most).min(i64::from(schedule.period.max(1)));
        most += block;
        blocks = blocks.wrapping_add(1);
        let z = (&mut zx2, &mut zy2, &mut zxy);
        let orbits = (z, (&cx, &cy), (&mut n, &mut alive));
        if !blocks.is_multiple_of(schedule.every.max(1)) {
            plain_block(s, (block, four), orbits);
            continue;
        }
        let saved = (&mut sx2, &mut sy2, &mut sxy, &mut save_at);
        let check = (saved, (&mut found, &mut found_at));
        check_block::<S, U, TALLY>(s, (block, schedule.growth, four), orbits, check);
    }
}

/// One vector's orbits, as a refill hands them out: `c` and the triple.
type Orbit<'a, S> = (
    (&'a mut <S as Lanes>::F, &'a mut <S as Lanes>::F),
    (
        &'a mut <S as Lanes>::F,
        &'a mut <S as Lanes>::F,
        &'a mut <S as Lanes>::F,
    ),
);

/// The lanes' orbits, as a block runs them: the triple, `c`, the counts and the live lanes.
type Orbits<'a, S, const U: usize> = (
    (
        &'a mut [<S as Lanes>::F; U],
        &'a mut [<S as Lanes>::F; U],
        &'a mut [<S as Lanes>::F; U],
    ),
    (&'a [<S as Lanes>::F; U], &'a [<S as Lanes>::F; U]),
    (&'a mut [<S as Lanes>::I; U], &'a mut [<S as Lanes>::M; U]),
);

/// The cycle check's state: the saved triple and the count at which the next save is due, the
/// lanes found periodic and, for the tally, the count at which each was.
type Check<'a, S, const U: usize> = (
    (
        &'a mut [<S as Lanes>::F; U],
        &'a mut [<S as Lanes>::F; U],
        &'a mut [<S as Lanes>::F; U],
        &'a mut [<S as Lanes>::I; U],
    ),
    (&'a mut [<S as Lanes>::M; U], &'a mut [[i64; MAX_LANES]; U]),
);

/// A block between check blocks: `block` iterations of every lane, without comparisons.
#[inline(always)]
fn plain_block<S: Lanes, const U: usize>(
    s: S,
    (block, four): (i64, S::F),
    ((zx2, zy2, zxy), (cx, cy), (n, alive)): Orbits<'_, S, U>,
) {
    for _ in 0..block {
        for v in 0..U {
            let z = (&mut zx2[v], &mut zy2[v], &mut zxy[v]);
            step(s, z, (cx[v], cy[v]), (&mut n[v], &mut alive[v]), four);
        }
    }
}

/// A check block: first the state it starts from (the last of the previous block, which went
/// unchecked if that was not a check block), then the saves that are due, then every iteration;
/// the comparisons come after each iteration's escape test, and only live lanes can match.
#[inline(always)]
fn check_block<S: Lanes, const U: usize, const TALLY: bool>(
    s: S,
    (block, growth, four): (i64, u32, S::F),
    (z, (cx, cy), (n, alive)): Orbits<'_, S, U>,
    check: Check<'_, S, U>,
) {
    let (zx2, zy2, zxy) = z;
    let ((sx2, sy2, sxy, save_at), (found, found_at)) = check;
    for v in 0..U {
        let (z, saved) = ((zx2[v], zy2[v], zxy[v]), (sx2[v], sy2[v], sxy[v]));
        let seen = (&mut found[v], &mut found_at[v]);
        compare::<S, TALLY>(s, (alive[v], n[v]), z, saved, seen);
        let due = s.count_ge(n[v], save_at[v]);
        sx2[v] = s.select(due, zx2[v], sx2[v]);
        sy2[v] = s.select(due, zy2[v], sy2[v]);
        sxy[v] = s.select(due, zxy[v], sxy[v]);
        let next = s.add_counts(n[v], s.shr_counts(n[v], growth));
        save_at[v] = s.select_counts(due, next, save_at[v]);
    }
    for _ in 0..block {
        for v in 0..U {
            let z = (&mut zx2[v], &mut zy2[v], &mut zxy[v]);
            step(s, z, (cx[v], cy[v]), (&mut n[v], &mut alive[v]), four);
            let (z, saved) = ((zx2[v], zy2[v], zxy[v]), (sx2[v], sy2[v], sxy[v]));
            let seen = (&mut found[v], &mut found_at[v]);
            compare::<S, TALLY>(s, (alive[v], n[v]), z, saved, seen);
        }
    }
}

/// Hands the lanes `empty` of one vector the next kept pixels of `feed`, each with the state the
/// first pass left it in (`orbit`: its `c` and its triple, in [`Kept`]'s order), and clears the
/// lanes the feed had no pixel for; returns those, which stay idle.
#[inline(always)]
fn take<S: Lanes>(
    s: S,
    (kept, feed): (Kept<'_>, &mut Feed<'_>),
    empty: u32,
    ((cx, cy), (zx2, zy2, zxy)): Orbit<'_, S>,
    pixel: &mut S::I,
) -> u32 {
    let mut want = empty;
    while want != 0 {
        let Some((first, count)) = feed.take(want.count_ones() as usize) else {
            break;
        };
        let take = lowest_lanes(want, count);
        let kept_range = first..first + count;
        *cx = s.expand(*cx, take, &kept.qx[kept_range.clone()]);
        *cy = s.expand(*cy, take, &kept.qy[kept_range.clone()]);
        *zx2 = s.expand(*zx2, take, &kept.zx2[kept_range.clone()]);
        *zy2 = s.expand(*zy2, take, &kept.zy2[kept_range.clone()]);
        *zxy = s.expand(*zxy, take, &kept.zxy[kept_range]);
        *pixel = s.expand_index(*pixel, take, first as i64);
        want &= !take;
    }
    *cx = s.clear(*cx, want);
    *cy = s.clear(*cy, want);
    *zx2 = s.clear(*zx2, want);
    *zy2 = s.clear(*zy2, want);
    *zxy = s.clear(*zxy, want);
    want
}

/// The cycle check's comparison: the live lanes whose triple `z` is the `saved` one, bit for bit,
/// are added to `found` (and, for the tally, `found_at` keeps the count `n` at which each was).
#[inline(always)]
fn compare<S: Lanes, const TALLY: bool>(
    s: S,
    (alive, n): (S::M, S::I),
    (a, b, c): (S::F, S::F, S::F),
    saved: (S::F, S::F, S::F),
    (found, found_at): (&mut S::M, &mut [i64; MAX_LANES]),
) {
    let eq = s.and_eq(
        s.and_eq(s.and_eq(alive, a, saved.0), b, saved.1),
        c,
        saved.2,
    );
    if TALLY {
        note(s, eq, *found, n, found_at);
    }
    *found = s.or(*found, eq);
}

/// One inner iteration: `simd/refill.rs`'s `iterate`, the reference's operations in its order.
/// Its own copy, so that the machine-code views find this kernel's loops in this file.
#[inline(always)]
pub(super) fn step<S: Lanes>(
    s: S,
    (zx2, zy2, zxy): (&mut S::F, &mut S::F, &mut S::F),
    (cx, cy): (S::F, S::F),
    (n, alive): (&mut S::I, &mut S::M),
    four: S::F,
) {
    let x = s.add(s.sub(*zx2, *zy2), cx);
    let y = s.add(s.add(*zxy, *zxy), cy);
    *zx2 = s.mul(x, x);
    *zy2 = s.mul(y, y);
    *zxy = s.mul(x, y);
    // The regression gate's test builds the lab with the feature `planted-regression` to plant
    // a slower step here too (as in `expanded`'s loop): the new kernel's, of the first pass and
    // the lanes alike, through `black_box` on the same value, so the counts stay exact.
    #[cfg(feature = "planted-regression")]
    {
        *zx2 = std::hint::black_box(*zx2);
    }
    *n = s.count(*n, *alive);
    *alive = s.and_le(*alive, s.add(*zx2, *zy2), four);
}

/// For the tally: the count at which each lane was first found periodic (its executed
/// iterations, as the scalar `orbit` counts them).
#[inline(always)]
fn note<S: Lanes>(s: S, eq: S::M, found: S::M, n: S::I, found_at: &mut [i64; MAX_LANES]) {
    let fresh = s.bits(eq) & !s.bits(found);
    if fresh != 0 {
        let mut counts = [0; MAX_LANES];
        s.store_counts(n, &mut counts);
        for (l, at) in found_at.iter_mut().enumerate() {
            if fresh >> l & 1 == 1 {
                *at = counts[l];
            }
        }
    }
}

/// For the tally: each finished lane's executed iterations and what decided it.
#[inline(always)]
fn tally<S: Lanes>(
    s: S,
    n: S::I,
    found_at: &[i64; MAX_LANES],
    (escaped, spent, cycled): (u32, u32, u32),
    maxiter: i64,
    work: &mut Work,
) {
    let mut counts = [0; MAX_LANES];
    s.store_counts(n, &mut counts);
    for l in 0..S::LANES {
        let (decided, executed) = if cycled >> l & 1 == 1 {
            (Decided::Cycle, found_at[l])
        } else if escaped >> l & 1 == 1 {
            (Decided::Escape, counts[l])
        } else if spent >> l & 1 == 1 {
            (Decided::MaxIter, maxiter)
        } else {
            continue;
        };
        work.add(decided, executed as u64);
    }
}
