"""numpy_vector_numexpr.py: the whole-array loop with each expression compiled by numexpr into one
pass over cache-sized blocks, on every core."""

import numexpr as ne
import numpy as np

import _peer
from numpy_vector import setup


def calculate_z(q, maxiter):
    z = np.zeros(q.shape, np.complex128)
    output = np.zeros(q.shape, np.int32)
    zero = np.complex128(0)
    for iteration in range(maxiter):
        z = ne.evaluate("z * z + q")
        done = ne.evaluate("abs(z).real > 2.0")
        q = ne.evaluate("where(done, zero, q)")
        z = ne.evaluate("where(done, zero, z)")
        output = ne.evaluate("where(done, iteration, output)")
    return output


if __name__ == "__main__":
    _peer.run(
        setup,
        calculate_z,
        {"numpy": np.__version__, "numexpr": ne.__version__, "threads": str(ne.nthreads)},
    )
