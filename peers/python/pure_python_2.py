"""pure_python_2.py: the same loop with the list items dereferenced once into locals (`zi`, `qi`),
which saves CPython an index lookup per operation."""

import _peer


def setup(xs, ys, args):
    return [complex(x, y) for y in ys for x in xs]


def calculate_z(q, maxiter):
    zs = [0j] * len(q)
    output = [0] * len(q)
    for i in range(len(q)):
        zi = zs[i]
        qi = q[i]
        for iteration in range(maxiter):
            zi = zi * zi + qi
            if abs(zi) > 2.0:
                output[i] = iteration
                break
    return output


if __name__ == "__main__":
    _peer.run(setup, calculate_z)
