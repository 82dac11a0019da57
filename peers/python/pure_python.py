"""pure_python.py: the tutorial's first program. A list of complex numbers indexed in the inner
loop, the modulus with its square root, under CPython (or PyPy: the same file)."""

import _peer


def setup(xs, ys, args):
    return [complex(x, y) for y in ys for x in xs]


def calculate_z(q, maxiter):
    zs = [0j] * len(q)
    output = [0] * len(q)
    for i in range(len(q)):
        for iteration in range(maxiter):
            zs[i] = zs[i] * zs[i] + q[i]
            if abs(zs[i]) > 2.0:
                output[i] = iteration
                break
    return output


if __name__ == "__main__":
    _peer.run(setup, calculate_z)
