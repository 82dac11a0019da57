//! The work the lab's limit probe times: the inner iteration alone at each SIMD width, and a
//! chain of dependent integer adds for the clock. Pure computations; the lab does the timing.
//!
//! The inner iteration is 3 multiplies, 5 adds or subtracts and a compare per lane (see
//! `refill::iterate`). Run on many independent vectors with nothing else (no loads, no refill, no
//! escapes), its rate is the most this core can do of the problem's work at that width: the
//! "limit" every variant is read against.

use super::lanes::{Lanes, all_bits};
use super::refill::iterate;
use super::{Isa, WithLanes, with_isa};

/// This file: its loops share `iterate` with the refill kernel, and the machine-code views leave
/// them out by it.
pub const SOURCE: &str = file!();

/// Runs `iterations` inner iterations on `IN_FLIGHT` independent vectors of `isa`'s lanes;
/// returns the lane-iterations done and a value that depends on every result (so none can be
/// skipped). The lab tries 4 and 8 vectors and keeps the faster: enough to cover the iteration's
/// latency chain at every width, whatever it costs in registers.
///
/// Every lane iterates `c = -1`, whose orbit is 0, -1, 0, -1, ...: bounded, never denormal, so
/// every operation runs at full speed and no lane escapes.
pub fn inner_iterations<const IN_FLIGHT: usize>(isa: Isa, iterations: u64) -> (u64, f64) {
    struct Probe<const IN_FLIGHT: usize>(u64);
    impl<const IN_FLIGHT: usize> WithLanes for Probe<IN_FLIGHT> {
        type Output = (u64, f64);
        #[inline(always)]
        fn call<S: Lanes>(self, s: S) -> (u64, f64) {
            let (zero, four) = (s.splat(0.0), s.splat(4.0));
            let (cx, cy) = (s.splat(-1.0), zero);
            let mut z = [(zero, zero, zero); IN_FLIGHT];
            let mut n = [s.zeros(); IN_FLIGHT];
            let mut alive = [s.mask(all_bits(S::LANES)); IN_FLIGHT];
            for _ in 0..self.0 {
                for v in 0..IN_FLIGHT {
                    let (zx2, zy2, zxy) = &mut z[v];
                    iterate(
                        s,
                        (zx2, zy2, zxy),
                        (cx, cy),
                        (&mut n[v], &mut alive[v]),
                        four,
                    );
                }
            }
            let mut lanes = [0.0; super::lanes::MAX_LANES];
            let mut check = 0.0;
            for (v, (zx2, zy2, _)) in z.iter().enumerate() {
                s.store(s.add(*zx2, *zy2), &mut lanes);
                check += lanes[0] + f64::from(s.bits(alive[v]));
            }
            (self.0 * (IN_FLIGHT * S::LANES) as u64, check)
        }
    }
    with_isa(isa, Probe::<IN_FLIGHT>(iterations))
}

/// Runs `rounds` x 8 dependent integer adds, one cycle each on every core this lab targets, and
/// returns their result; timing it gives the core's clock. `None` where there is no such chain.
pub fn add_chain(rounds: u64) -> Option<u64> {
    #[cfg(target_arch = "x86_64")]
    {
        let (mut x, mut n) = (0u64, rounds.max(1));
        // SAFETY: plain register arithmetic on the two operands; no memory, no stack.
        unsafe {
            std::arch::asm!(
                "2:",
                "add {x}, 1", "add {x}, 1", "add {x}, 1", "add {x}, 1",
                "add {x}, 1", "add {x}, 1", "add {x}, 1", "add {x}, 1",
                "dec {n}",
                "jnz 2b",
                x = inout(reg) x,
                n = inout(reg) n,
                options(nomem, nostack),
            );
        }
        let _ = n;
        Some(x)
    }
    #[cfg(target_arch = "aarch64")]
    {
        let (mut x, mut n) = (0u64, rounds.max(1));
        // SAFETY: plain register arithmetic on the two operands; no memory, no stack.
        unsafe {
            std::arch::asm!(
                "2:",
                "add {x}, {x}, #1", "add {x}, {x}, #1", "add {x}, {x}, #1", "add {x}, {x}, #1",
                "add {x}, {x}, #1", "add {x}, {x}, #1", "add {x}, {x}, #1", "add {x}, {x}, #1",
                "subs {n}, {n}, #1",
                "b.ne 2b",
                x = inout(reg) x,
                n = inout(reg) n,
                options(nomem, nostack),
            );
        }
        let _ = n;
        Some(x)
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    {
        let _ = rounds;
        None
    }
}

/// Integer adds per round of [`add_chain`].
pub const ADDS_PER_ROUND: u64 = 8;
