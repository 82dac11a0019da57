"""numba's `@njit(parallel=True)` with `prange`: the pixels split over every core by numba's
threading layer, the tutorial's multiprocessing in one decorator. The compilation is the warm-up
run, outside the timed region."""

import numba
import numpy as np
from numba import njit, prange

import _peer
from numba_expanded import setup


@njit(parallel=True)
def calculate_z(qxs, qys, maxiter):
    output = np.zeros(qxs.shape[0], np.int32)
    for i in prange(qxs.shape[0]):
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


def kernel(inputs, maxiter):
    return calculate_z(inputs[0], inputs[1], maxiter)


if __name__ == "__main__":
    _peer.run(
        setup,
        kernel,
        {
            "numba": numba.__version__,
            "numpy": np.__version__,
            "threads": str(numba.get_num_threads()),
        },
    )
