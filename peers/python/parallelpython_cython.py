"""parallelpython_cython_pure_python.py: the tutorial's "Cython over ParallelPython, 2 cores"
(1.4 s in 2011). calculate_z.pyx (Cython, static types, expanded math) is compiled on the fly
into --build-dir as cython_expanded.py builds it (-O3 -ffp-contract=off), before the job
server starts, so its workers find the module on the path ppft hands them. Then, as in
parallelpython_pure_python.py, one local ppft worker per core and one contiguous chunk of
pixels per worker, each a job that imports the compiled module and runs it on its chunk
(array.array buffers, pickled there and back inside the timed region)."""

import array
import os

import _peer
from cython_expanded import HERE, build
from parallelpython_pure_python import chunks, collect, start_server


def cython_chunk(qx, qy, maxiter):
    """One job, run in a ppft worker (which gets this function's source): the compiled kernel
    on one chunk."""
    import array

    import calculate_z

    output = array.array("i", bytes(4 * len(qx)))
    calculate_z.calculate_z(maxiter, qx, qy, output)
    return output


def setup(xs, ys, args):
    # Built first: ppft passes the parent's sys.path, build folder included, to its workers.
    build(args.build_dir or os.path.join(HERE, "build"))
    server = start_server()
    n = server.get_ncpus()
    qx = chunks(array.array("d", [x for y in ys for x in xs]), n)
    qy = chunks(array.array("d", [y for y in ys for x in xs]), n)
    return server, list(zip(qx, qy))


def run_jobs(inputs, maxiter):
    server, parts = inputs
    # "array" named as a module the job imports: otherwise ppft takes the array.array arguments
    # for a user's class and looks for its Python source, which a C type does not have.
    jobs = [
        server.submit(cython_chunk, (qx, qy, maxiter), (), ("array",))
        for qx, qy in parts
    ]
    output = array.array("i")
    for job in jobs:
        output.extend(collect(job))
    return output


if __name__ == "__main__":
    import Cython
    import ppft

    cc = _peer.c_compiler()
    _peer.run(
        setup,
        run_jobs,
        {
            "cython": Cython.__version__,
            "ppft": ppft.__version__,
            "processes": str(os.cpu_count() or 1),
            "cc": cc,
        },
    )
