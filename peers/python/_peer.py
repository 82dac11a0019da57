"""What every peer program shares: the lab's protocol, the tutorial's grid, the timing.

A peer is called by `mandel-lab peers` as

    python PROGRAM --width W --height H --maxiter M --region X1,X2,Y1,Y2 \
        --repeat N --counts FILE [--warmup] [--build-dir DIR]

It builds the tutorial's grid, runs its kernel N times (after one untimed warm-up run with
--warmup, for the JIT compilers), times only the kernel call inside the process (as the
tutorial printed "Main took"), writes the per-pixel counts of the last run to FILE as raw
little-endian u32, and prints one JSON line on standard output, its last line:

    {"validation_sum": ..., "seconds": [...], "warmup_excluded": ..., "interpreter": ...,
     "libraries": {...}, "pixels": ..., "columns": ..., "rows": ...}

Everything else (compiler output, warnings) goes to standard error. This file is ours; the
tutorial's text gives the techniques.
"""

import argparse
import array
import json
import os
import platform
import sys
import time


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--width", type=int, default=500)
    p.add_argument("--height", type=int, default=500)
    p.add_argument("--maxiter", type=int, default=1000)
    p.add_argument("--region", default="-2.13,0.77,-1.3,1.3")
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--counts", required=True)
    p.add_argument("--warmup", action="store_true")
    p.add_argument("--build-dir", default=None)
    args = p.parse_args(argv)
    args.x1, args.x2, args.y1, args.y2 = (float(v) for v in args.region.split(","))
    return args


def axes(args):
    """The tutorial's grid: steps accumulated from x1 rightwards and from y2 downwards, with
    strict comparisons, so an axis can come out one point longer than asked."""
    x_step = (args.x2 - args.x1) / args.width
    y_step = (args.y1 - args.y2) / args.height
    xs = []
    x = args.x1
    while x < args.x2:
        xs.append(x)
        x += x_step
    ys = []
    y = args.y2
    while y > args.y1:
        ys.append(y)
        y += y_step
    return xs, ys


def interpreter():
    impl = platform.python_implementation()
    version = platform.python_version()
    if impl == "PyPy":
        v = sys.pypy_version_info
        version = "%d.%d.%d (Python %s)" % (v.major, v.minor, v.micro, version)
    return "%s %s" % (impl, version)


def c_compiler():
    """The C compiler a Cython build uses (reported with the peer's versions)."""
    import sysconfig

    return (sysconfig.get_config_var("CC") or "cc").split()[0]


def write_counts(path, counts):
    """Raw little-endian u32, one per pixel, row-major."""
    try:
        import numpy

        if isinstance(counts, numpy.ndarray):
            numpy.ascontiguousarray(counts.ravel(), dtype="<u4").tofile(path)
            return
    except ImportError:
        pass
    a = array.array("I", counts)
    if a.itemsize != 4:
        a = array.array("L", counts)
    if sys.byteorder != "little":
        a.byteswap()
    with open(path, "wb") as f:
        f.write(a.tobytes())


def run(setup, kernel, libraries=None):
    """Parses the arguments, builds the inputs with `setup(xs, ys, args)` (untimed), times
    `kernel(inputs, maxiter)` `--repeat` times, writes the counts and prints the result line."""
    args = parse_args()
    xs, ys = axes(args)
    inputs = setup(xs, ys, args)
    if args.warmup:
        kernel(inputs, args.maxiter)
    seconds = []
    counts = None
    for _ in range(max(1, args.repeat)):
        start = time.perf_counter()
        counts = kernel(inputs, args.maxiter)
        seconds.append(time.perf_counter() - start)
    write_counts(args.counts, counts)
    total = int(sum(int(c) for c in counts))
    result = {
        "validation_sum": total,
        "seconds": seconds,
        "warmup_excluded": bool(args.warmup),
        "interpreter": interpreter(),
        "libraries": libraries or {},
        "pixels": len(xs) * len(ys),
        "columns": len(xs),
        "rows": len(ys),
    }
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()


def stdout_to_stderr():
    """Sends file descriptor 1 to standard error until the returned function is called: a
    compiler's chatter must not reach the lab's result line."""
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)

    def restore():
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)

    return restore
