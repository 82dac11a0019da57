"""calculate_z.pyx (Cython, static types, expanded math), compiled on the fly into --build-dir
with setuptools and the system's C compiler (-O3 -ffp-contract=off, no -march=native, no
-ffast-math), then timed on array.array buffers: no numpy needed."""

import array
import importlib
import os
import shutil
import sys

import _peer

HERE = os.path.dirname(os.path.abspath(__file__))


def build(build_dir):
    """calculate_z.pyx built into `build_dir`: its kernel and Cython's version."""
    import Cython

    module = compile_pyx("calculate_z", build_dir)
    return module.calculate_z, Cython.__version__


def compile_pyx(name, build_dir, include_dirs=(), define_macros=()):
    """Builds `name`.pyx from this folder into `build_dir` with setuptools (the compiler's chatter
    sent to standard error), puts `build_dir` on sys.path and imports the module. -ffp-contract=off
    comes last, so no flag before it can let the C compiler fuse a multiply and an add."""
    from Cython.Build import cythonize
    from setuptools import Extension
    from setuptools.dist import Distribution

    os.makedirs(build_dir, exist_ok=True)
    pyx = os.path.join(build_dir, name + ".pyx")
    shutil.copyfile(os.path.join(HERE, name + ".pyx"), pyx)
    restore = _peer.stdout_to_stderr()
    try:
        ext = Extension(
            name,
            [pyx],
            include_dirs=list(include_dirs),
            define_macros=list(define_macros),
            extra_compile_args=["-O3", "-ffp-contract=off"],
        )
        dist = Distribution({"ext_modules": cythonize([ext], quiet=True)})
        cmd = dist.get_command_obj("build_ext")
        cmd.build_lib = build_dir
        cmd.build_temp = os.path.join(build_dir, "tmp")
        dist.run_command("build_ext")
    finally:
        restore()
    if build_dir not in sys.path:
        sys.path.insert(0, build_dir)
    return importlib.import_module(name)


def setup(xs, ys, args):
    build_dir = args.build_dir or os.path.join(HERE, "build")
    kernel, _ = build(build_dir)
    qx = array.array("d", [x for y in ys for x in xs])
    qy = array.array("d", [y for y in ys for x in xs])
    return kernel, qx, qy


def calculate_z(inputs, maxiter):
    kernel, qx, qy = inputs
    output = array.array("i", bytes(4 * len(qx)))
    kernel(maxiter, qx, qy, output)
    return output


if __name__ == "__main__":
    import Cython
    cc = _peer.c_compiler()
    _peer.run(setup, calculate_z, {"cython": Cython.__version__, "cc": cc})
