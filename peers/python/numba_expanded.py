"""The peer a user would pick today: the expanded loop in plain Python, compiled by numba's
`@njit` to machine code on first call. The compilation is the warm-up run, outside the timed
region. fastmath is off (numba's default), so LLVM may not fuse multiplies and adds."""

import numba
import numpy as np
from numba import njit

import _peer


@njit
def calculate_z(qxs, qys, maxiter):
    output = np.zeros(qxs.shape[0], np.int32)
    for i in range(qxs.shape[0]):
        qx = qxs[i]
        qy = qys[i]
        zx = 0.0
        zy = 0.0
        for iteration in range(maxiter):
            zx, zy = (zx * zx - zy * zy) + qx, (zx * zy + zy * zx) + qy
            if zx * zx + zy * zy > 4.0:
                output[i] = iteration
                break
    return output


def setup(xs, ys, args):
    x = np.array(xs, dtype=np.float64)
    y = np.array(ys, dtype=np.float64)
    return np.tile(x, len(ys)), np.repeat(y, len(xs))


def kernel(inputs, maxiter):
    return calculate_z(inputs[0], inputs[1], maxiter)


if __name__ == "__main__":
    _peer.run(setup, kernel, {"numba": numba.__version__, "numpy": np.__version__})
