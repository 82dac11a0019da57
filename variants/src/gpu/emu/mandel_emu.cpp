// The kernels of `../mandel.cu`, its very text, compiled by the host's C++ compiler for the CPU
// in both precisions, with one C entry point per kernel and precision that runs a whole launch
// (see cuda_emu.h). Built by variants/build.rs without fused multiply-add contraction
// (-ffp-contract=off), the arithmetic NVRTC does with --fmad=false; driven from Rust by
// `mandel_variants::gpu::emu`.
//
// `mandel.cu` is included twice, once per precision, each time in its own namespace with `real`
// defined. Its kernels are `extern "C"`, and C names ignore namespaces, so each kernel's name is
// given a precision suffix by a macro around each inclusion; a kernel added to mandel.cu without
// a line below would be defined twice and stop the build, never pass unnoticed.

#include "cuda_emu.h"

#define elementwise elementwise_f32
#define gridstride gridstride_f32
#define complex_square complex_square_f32
#define complex_add complex_add_f32
#define modulus2 modulus2_f32
#define greater greater_f32
#define zero_where zero_where_f32
#define set_where set_where_f32
namespace emu_f32 {
typedef float real;
#include "../mandel.cu"
} // namespace emu_f32
#undef elementwise
#undef gridstride
#undef complex_square
#undef complex_add
#undef modulus2
#undef greater
#undef zero_where
#undef set_where

#define elementwise elementwise_f64
#define gridstride gridstride_f64
#define complex_square complex_square_f64
#define complex_add complex_add_f64
#define modulus2 modulus2_f64
#define greater greater_f64
#define zero_where zero_where_f64
#define set_where set_where_f64
namespace emu_f64 {
typedef double real;
#include "../mandel.cu"
} // namespace emu_f64
#undef elementwise
#undef gridstride
#undef complex_square
#undef complex_add
#undef modulus2
#undef greater
#undef zero_where
#undef set_where

// The entry points Rust calls: one launch of one kernel, `grid` blocks of `block` threads in x.
// Each passes its parameters on unchanged; cuda_emu::launch refuses to compile if their types
// differ from the kernel's.
#define MANDEL_EMU_ENTRIES(real, suffix)                                                      \
    extern "C" void emu_elementwise_##suffix(unsigned int grid, unsigned int block,           \
                                             const real *qx, const real *qy,                 \
                                             unsigned int *out, unsigned int n,               \
                                             unsigned int maxiter)                            \
    {                                                                                         \
        cuda_emu::launch(dim3{grid}, dim3{block}, emu_##suffix::elementwise_##suffix, qx, qy, out, n,       \
                         maxiter);                                                            \
    }                                                                                         \
    extern "C" void emu_gridstride_##suffix(unsigned int grid, unsigned int block,            \
                                            const real *qx, const real *qy,                  \
                                            unsigned int *out, unsigned int n,                \
                                            unsigned int maxiter)                             \
    {                                                                                         \
        cuda_emu::launch(dim3{grid}, dim3{block}, emu_##suffix::gridstride_##suffix, qx, qy, out, n,        \
                         maxiter);                                                            \
    }                                                                                         \
    extern "C" void emu_complex_square_##suffix(unsigned int grid, unsigned int block,        \
                                                const real *zx, const real *zy, real *tx,     \
                                                real *ty, unsigned int n)                     \
    {                                                                                         \
        cuda_emu::launch(dim3{grid}, dim3{block}, emu_##suffix::complex_square_##suffix, zx, zy, tx, ty, n); \
    }                                                                                         \
    extern "C" void emu_complex_add_##suffix(unsigned int grid, unsigned int block,           \
                                             const real *tx, const real *ty, const real *qx, \
                                             const real *qy, real *zx, real *zy,              \
                                             unsigned int n)                                  \
    {                                                                                         \
        cuda_emu::launch(dim3{grid}, dim3{block}, emu_##suffix::complex_add_##suffix, tx, ty, qx, qy, zx,   \
                         zy, n);                                                              \
    }                                                                                         \
    extern "C" void emu_modulus2_##suffix(unsigned int grid, unsigned int block,              \
                                          const real *zx, const real *zy, real *m,            \
                                          unsigned int n)                                     \
    {                                                                                         \
        cuda_emu::launch(dim3{grid}, dim3{block}, emu_##suffix::modulus2_##suffix, zx, zy, m, n);           \
    }                                                                                         \
    extern "C" void emu_greater_##suffix(unsigned int grid, unsigned int block,               \
                                         const real *m, unsigned char *done, unsigned int n)  \
    {                                                                                         \
        cuda_emu::launch(dim3{grid}, dim3{block}, emu_##suffix::greater_##suffix, m, done, n);              \
    }                                                                                         \
    extern "C" void emu_zero_where_##suffix(unsigned int grid, unsigned int block, real *re,  \
                                            real *im, const unsigned char *done,              \
                                            unsigned int n)                                   \
    {                                                                                         \
        cuda_emu::launch(dim3{grid}, dim3{block}, emu_##suffix::zero_where_##suffix, re, im, done, n);      \
    }                                                                                         \
    extern "C" void emu_set_where_##suffix(unsigned int grid, unsigned int block,             \
                                           unsigned int *out, unsigned int iteration,         \
                                           const unsigned char *done, unsigned int n)         \
    {                                                                                         \
        cuda_emu::launch(dim3{grid}, dim3{block}, emu_##suffix::set_where_##suffix, out, iteration, done,   \
                         n);                                                                  \
    }

MANDEL_EMU_ENTRIES(float, f32)
MANDEL_EMU_ENTRIES(double, f64)
