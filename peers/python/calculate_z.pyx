# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""calculate_z.pyx: Cython with static C types and expanded math, the tutorial's fastest CPU
version. Built by cython_expanded.py without -ffast-math and with -ffp-contract=off, so the C
compiler cannot fuse a multiply and an add and the counts stay exact."""


def calculate_z(int maxiter, double[:] qxs, double[:] qys, int[:] output):
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
