"""Expanded math in pure Python: the real and imaginary parts as separate floats and the squared
modulus compared with 4, the form that made Cython and ShedSkin fast; here under CPython and PyPy,
whose JIT turns it into machine floats."""

import _peer


def setup(xs, ys, args):
    qx = [x for y in ys for x in xs]
    qy = [y for y in ys for x in xs]
    return qx, qy


def calculate_z(inputs, maxiter):
    qxs, qys = inputs
    output = [0] * len(qxs)
    for i in range(len(qxs)):
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


if __name__ == "__main__":
    _peer.run(setup, calculate_z)
