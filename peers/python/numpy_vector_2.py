"""numpy_vector_2.py: the whole-array loop over slices of STEP_SIZE pixels, so each slice's arrays
stay in cache between operations (the tutorial's best size on its laptop: 20000)."""

import numpy as np

import _peer
from numpy_vector import calculate_z as calculate_slice, setup

STEP_SIZE = 20000


def calculate_z(q, maxiter):
    output = np.zeros(q.shape, np.int32)
    for start in range(0, len(q), STEP_SIZE):
        output[start : start + STEP_SIZE] = calculate_slice(q[start : start + STEP_SIZE], maxiter)
    return output


if __name__ == "__main__":
    _peer.run(setup, calculate_z, {"numpy": np.__version__})
