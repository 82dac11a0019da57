"""numpy_vector.py: whole-array operations. Every pixel is iterated `maxiter` times (no early exit);
escaped pixels are zeroed with `where` so they stay put. Many more operations than the loops, but
each is one pass of compiled code over memory."""

import numpy as np

import _peer


def setup(xs, ys, args):
    x = np.array(xs, dtype=np.float64)
    y = np.array(ys, dtype=np.float64)
    return (x[np.newaxis, :] + 1j * y[:, np.newaxis]).ravel()


def calculate_z(q, maxiter):
    z = np.zeros(q.shape, np.complex128)
    output = np.zeros(q.shape, np.int32)
    for iteration in range(maxiter):
        z = z * z + q
        done = np.greater(np.abs(z), 2.0)
        q = np.where(done, 0 + 0j, q)
        z = np.where(done, 0 + 0j, z)
        output = np.where(done, iteration, output)
    return output


if __name__ == "__main__":
    _peer.run(setup, calculate_z, {"numpy": np.__version__})
