"""The tutorial's "Cython + numpy arrays" (cython_numpy_loop): cython_numpy_loop.pyx, the
expanded-math loop over typed numpy buffers, compiled on the fly into --build-dir exactly as
cython_expanded.py builds calculate_z.pyx (setuptools, the system's C compiler, -O3
-ffp-contract=off, no -march=native, no -ffast-math), with numpy's headers. The grid's real and
imaginary parts and the output are numpy arrays made before the clock; the kernel fills the
output in place."""

import os

import _peer
from cython_expanded import HERE, compile_pyx


def setup(xs, ys, args):
    import numpy as np

    build_dir = args.build_dir or os.path.join(HERE, "build")
    module = compile_pyx(
        "cython_numpy_loop",
        build_dir,
        include_dirs=[np.get_include()],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
    )
    qx = np.array([x for y in ys for x in xs], dtype=np.float64)
    qy = np.array([y for y in ys for x in xs], dtype=np.float64)
    return module.calculate_z, qx, qy


def calculate_z(inputs, maxiter):
    import numpy as np

    kernel, qx, qy = inputs
    output = np.zeros(len(qx), dtype=np.int32)
    kernel(maxiter, qx, qy, output)
    return output


if __name__ == "__main__":
    import Cython
    import numpy

    cc = _peer.c_compiler()
    _peer.run(
        setup,
        calculate_z,
        {"cython": Cython.__version__, "numpy": numpy.__version__, "cc": cc},
    )
