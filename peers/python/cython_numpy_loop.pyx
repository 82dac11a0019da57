# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""cython_numpy_loop.pyx: the tutorial's "Cython + numpy arrays", the expanded-math loop of
calculate_z.pyx over typed numpy buffers (np.ndarray[double] in, np.ndarray[int32] out), so the
element accesses are C pointer arithmetic on numpy's memory rather than Python objects. Built by
cython_numpy.py with -ffp-contract=off, so the C compiler cannot fuse a multiply and an add and
the counts stay exact."""

cimport numpy as cnp

cnp.import_array()


def calculate_z(int maxiter,
                cnp.ndarray[cnp.float64_t, ndim=1, mode="c"] qxs,
                cnp.ndarray[cnp.float64_t, ndim=1, mode="c"] qys,
                cnp.ndarray[cnp.int32_t, ndim=1, mode="c"] output):
    cdef Py_ssize_t i, n = qxs.shape[0]
    cdef int iteration
    cdef double zx, zy, qx, qy, zx_new
    for i in range(n):
        qx = qxs[i]
        qy = qys[i]
        zx = 0.0
        zy = 0.0
        output[i] = 0
        for iteration in range(maxiter):
            zx_new = (zx * zx - zy * zy) + qx
            zy = (zx * zy + zy * zx) + qy
            zx = zx_new
            if zx * zx + zy * zy > 4.0:
                output[i] = iteration
                break
