/* The plain C Mandelbrot loop of mandel-lab's c-reference variant.
 *
 * Same arithmetic, in the same order, as the tutorial's expanded-math Cython version. It must be
 * compiled with -ffp-contract=off: a fused multiply-add rounds once instead of twice and changes
 * the escape counts. */
#include <stddef.h>
#include <stdint.h>

void mandel_calculate_z(const double *xs, size_t nx, const double *ys, size_t ny,
                        uint32_t maxiter, uint32_t *output) {
    for (size_t j = 0; j < ny; j++) {
        const double qy = ys[j];
        for (size_t i = 0; i < nx; i++) {
            const double qx = xs[i];
            double zx = 0.0, zy = 0.0;
            uint32_t count = 0;
            for (uint32_t iteration = 0; iteration < maxiter; iteration++) {
                const double zx_new = (zx * zx - zy * zy) + qx;
                const double zy_new = (zx * zy + zy * zx) + qy;
                zx = zx_new;
                zy = zy_new;
                if (zx * zx + zy * zy > 4.0) {
                    count = iteration;
                    break;
                }
            }
            output[j * nx + i] = count;
        }
    }
}
