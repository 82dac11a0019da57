// The GPU kernels of mandel-lab, compiled at run time by NVRTC with `real` defined as float or
// double and fused multiply-add contraction off (--fmad=false), so that the double build does the
// reference's operations in its order and gives identical counts.
//
// The reference's step: zx' = (zx*zx - zy*zy) + qx, zy' = (zx*zy + zy*zx) + qy, escape (0-based
// iteration) when zx*zx + zy*zy > 4, 0 for a pixel that never escapes.

// ---- ElementwiseKernel and SourceModule: the whole loop in the kernel -------------------------

__device__ unsigned int escape_time(real qx, real qy, unsigned int maxiter)
{
    real zx = 0, zy = 0, zx2 = 0, zy2 = 0;
    for (unsigned int iteration = 0; iteration < maxiter; ++iteration) {
        real zx_new = (zx2 - zy2) + qx;
        real zy_new = (zx * zy + zy * zx) + qy;
        zx = zx_new;
        zy = zy_new;
        zx2 = zx * zx;
        zy2 = zy * zy;
        if (zx2 + zy2 > (real)4) {
            return iteration;
        }
    }
    return 0;
}

// pyCUDA's ElementwiseKernel: one thread per pixel, `i` handed to the body.
extern "C" __global__ void elementwise(const real *qx, const real *qy, unsigned int *out,
                                       unsigned int n, unsigned int maxiter)
{
    unsigned int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        out[i] = escape_time(qx[i], qy[i], maxiter);
    }
}

// pyCUDA's SourceModule with hand-written indexing: a grid-stride loop, so any launch shape
// covers any grid (the tutorial launched grid (400,1), block 512).
extern "C" __global__ void gridstride(const real *qx, const real *qy, unsigned int *out,
                                      unsigned int n, unsigned int maxiter)
{
    for (unsigned int i = blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += blockDim.x * gridDim.x) {
        out[i] = escape_time(qx[i], qy[i], maxiter);
    }
}

// ---- gpuarray: one launch per whole-array operation per iteration -----------------------------

// t = z * z (complex), one array operation.
extern "C" __global__ void complex_square(const real *zx, const real *zy, real *tx, real *ty,
                                          unsigned int n)
{
    unsigned int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        real x = zx[i], y = zy[i];
        tx[i] = x * x - y * y;
        ty[i] = x * y + y * x;
    }
}

// z = t + q (complex), the next array operation.
extern "C" __global__ void complex_add(const real *tx, const real *ty, const real *qx,
                                       const real *qy, real *zx, real *zy, unsigned int n)
{
    unsigned int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        zx[i] = tx[i] + qx[i];
        zy[i] = ty[i] + qy[i];
    }
}

// m = |z|^2: the modulus, squared so that no square root rounds it.
extern "C" __global__ void modulus2(const real *zx, const real *zy, real *m, unsigned int n)
{
    unsigned int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        m[i] = zx[i] * zx[i] + zy[i] * zy[i];
    }
}

// done = m > 4: the comparison.
extern "C" __global__ void greater(const real *m, unsigned char *done, unsigned int n)
{
    unsigned int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        done[i] = m[i] > (real)4;
    }
}

// a[done] = 0 for a complex array: the conditional updates of q and of z.
extern "C" __global__ void zero_where(real *re, real *im, const unsigned char *done,
                                      unsigned int n)
{
    unsigned int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n && done[i]) {
        re[i] = 0;
        im[i] = 0;
    }
}

// output[done] = iteration: the conditional update of the counter.
extern "C" __global__ void set_where(unsigned int *out, unsigned int iteration,
                                     const unsigned char *done, unsigned int n)
{
    unsigned int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n && done[i]) {
        out[i] = iteration;
    }
}
