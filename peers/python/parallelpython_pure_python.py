"""parallelpython_pure_python.py: pure_python.py's loop run by ParallelPython's job server, today
its maintained fork ppft (`import ppft as pp`). One local worker process per core
(`pp.Server(ncpus=N, ppservers=())`, started before the clock), the pixels cut into one
contiguous chunk per worker, each chunk submitted as a job: ppft ships the function's source and
the pickled chunk to a worker and the counts back, inside the timed region, as the tutorial timed
it. This is the tutorial's "ParallelPython, 2 cores" (18 s in 2011); its "Cython over
ParallelPython" is parallelpython_cython.py."""

import os

import _peer
import pure_python


def start_server():
    """The job server with one local worker per core, and no remote servers."""
    import ppft as pp

    return pp.Server(ncpus=os.cpu_count() or 1, ppservers=())


def chunks(seq, n):
    """`seq` cut into at most `n` contiguous chunks, in order."""
    size = (len(seq) + n - 1) // n
    return [seq[i : i + size] for i in range(0, len(seq), size)]


def setup(xs, ys, args):
    server = start_server()
    q = pure_python.setup(xs, ys, args)
    return server, chunks(q, server.get_ncpus())


def calculate_z(inputs, maxiter):
    server, parts = inputs
    jobs = [server.submit(pure_python.calculate_z, (part, maxiter)) for part in parts]
    return [c for job in jobs for c in collect(job)]


def collect(job):
    """A job's result; a worker's failure (ppft returns None and logs it) is an error."""
    result = job()
    if result is None:
        raise RuntimeError("a ppft job failed in its worker (its traceback is above)")
    return result


def libraries():
    import ppft

    return {"ppft": ppft.__version__, "processes": str(os.cpu_count() or 1)}


if __name__ == "__main__":
    _peer.run(setup, calculate_z, libraries())
