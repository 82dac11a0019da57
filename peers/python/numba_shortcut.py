"""The shortcuts in numba: `numba_expanded.py`'s loop with the lab's `shortcut` variant's two
proofs that a pixel never escapes, so that its answer (0) is known without running to maxiter:
the main cardioid and period-2 bulb test (with the same margin: a point is accepted only where
the attracting cycle's multiplier is at most 1 - 1/1024, so rounding cannot carry the orbit out),
and exact cycle detection (Brent's schedule: z saved at iterations 1, 2, 4, 8, ...; a new z equal
to the saved one means the orbit repeats forever). The comparison is float equality, which
differs from bit equality only for signed zeros and NaN: NaN cannot occur before an escape, and
a zero's sign never changes a later |z| (only squares and sums with c follow), so the answers are
the reference's. The compilation is the warm-up run, outside the timed region."""

import math

import numba
import numpy as np
from numba import njit

import _peer
from numba_expanded import setup

MARGIN = 1.0 / 1024.0


@njit
def in_bulb(x, y):
    limit = 1.0 - MARGIN
    dx = x + 1.0
    if dx * dx + y * y < (limit / 4.0) * (limit / 4.0):
        return True
    if x < -0.8 or x > 0.3 or abs(y) > 0.7:
        return False
    wr = 1.0 - 4.0 * x
    wi = -4.0 * y
    modulus = math.sqrt(wr * wr + wi * wi)
    sr = math.sqrt((modulus + wr) * 0.5)
    si = math.copysign(math.sqrt((modulus - wr) * 0.5), wi)
    mr = 1.0 - sr
    mi = -si
    return mr * mr + mi * mi < limit * limit


@njit
def calculate_z(qxs, qys, maxiter):
    output = np.zeros(qxs.shape[0], np.int32)
    for i in range(qxs.shape[0]):
        qx = qxs[i]
        qy = qys[i]
        if in_bulb(qx, qy):
            continue
        zx = 0.0
        zy = 0.0
        saved_x = 0.0
        saved_y = 0.0
        save_at = 1
        for iteration in range(maxiter):
            zx, zy = (zx * zx - zy * zy) + qx, (zx * zy + zy * zx) + qy
            if zx * zx + zy * zy > 4.0:
                output[i] = iteration
                break
            if zx == saved_x and zy == saved_y:
                break
            if iteration == save_at:
                saved_x = zx
                saved_y = zy
                save_at *= 2
    return output


def kernel(inputs, maxiter):
    return calculate_z(inputs[0], inputs[1], maxiter)


if __name__ == "__main__":
    _peer.run(setup, kernel, {"numba": numba.__version__, "numpy": np.__version__})
