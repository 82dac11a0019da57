// Device emulation: just enough of CUDA C++ for g++ to compile `mandel.cu` unchanged and run each
// kernel launch on the CPU, as nvcc's `-deviceemu` once did.
//
// A launch runs as loops: every block of the grid in turn, and within a block every thread in
// turn, each thread calling the kernel once with `blockIdx` and `threadIdx` set. Running threads
// one after another is a faithful schedule only for kernels whose threads never wait for or
// share with one another: no `__syncthreads`, no `__shared__` memory, no warp intrinsics, no
// atomics. `mandel.cu` uses none of them (each thread reads its own inputs and writes its own
// outputs), and this header makes sure it stays so: `__syncthreads` and `__shared__` are defined
// to stop the compilation with a message, and anything else CUDA offers is simply not declared
// here, so a kernel that used it would not compile.
//
// The built-in index variables are thread-local, so that launches on different host threads (the
// test harness runs tests in parallel) never see one another's indices, and `static` (the header
// serves one translation unit), so that the compiler may keep their address out of the loops.
//
// What this proves is the kernels' source: indexing, bounds, the grid-stride loop, the order of
// the floating-point operations (compiled without fused multiply-add, as NVRTC's --fmad=false).
// It proves nothing about a device: not its compiler, its scheduling, its memory, or its speed.

#ifndef MANDEL_LAB_CUDA_EMU_H
#define MANDEL_LAB_CUDA_EMU_H

#if defined(__CUDACC__) || defined(__CUDA_ARCH__)
#error "cuda_emu.h is for compiling CUDA source on the CPU with a host compiler, not with nvcc"
#endif

// CUDA's index types: `uint3` for the indices, `dim3` for the sizes (1 where not given).
struct uint3 {
    unsigned int x, y, z;
};

struct dim3 {
    unsigned int x = 1, y = 1, z = 1;
};

// The built-in variables each kernel reads.
static thread_local uint3 blockIdx;
static thread_local uint3 threadIdx;
static thread_local dim3 blockDim;
static thread_local dim3 gridDim;

// Function qualifiers: a kernel is an ordinary function here, a device function a file-local one.
#define __global__
#define __device__ static
#define __host__
#define __forceinline__ inline

// What a sequential schedule cannot run faithfully stops the build.
#define __syncthreads(...)                                                                    \
    static_assert(false, "cuda_emu.h: __syncthreads() needs threads that run concurrently; "  \
                         "the emulator runs them one after another")
#define __shared__                                                                            \
    static_assert(false, "cuda_emu.h: __shared__ memory is shared by a block's concurrent "   \
                         "threads; the emulator runs them one after another");

namespace cuda_emu {

// Runs `kernel(args...)` once per thread of a grid of `grid` blocks of `block` threads, block by
// block and, within a block, thread by thread (x fastest): one of the orders a device may choose.
// The arguments must have the kernel's parameter types exactly (one pack deduced from both), so
// an entry point that disagrees with the kernel's signature does not compile.
template <typename... Params>
void launch(dim3 grid, dim3 block, void (*kernel)(Params...), Params... args)
{
    gridDim = grid;
    blockDim = block;
    for (unsigned int bz = 0; bz < grid.z; ++bz)
        for (unsigned int by = 0; by < grid.y; ++by)
            for (unsigned int bx = 0; bx < grid.x; ++bx) {
                blockIdx = uint3{bx, by, bz};
                for (unsigned int tz = 0; tz < block.z; ++tz)
                    for (unsigned int ty = 0; ty < block.y; ++ty)
                        for (unsigned int tx = 0; tx < block.x; ++tx) {
                            threadIdx = uint3{tx, ty, tz};
                            kernel(args...);
                        }
            }
}

} // namespace cuda_emu

#endif
