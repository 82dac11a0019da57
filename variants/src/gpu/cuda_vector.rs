//! `cuda-vector-f32` and `cuda-vector-f64` mirror the tutorial's pyCUDA `gpuarray` version:
//! numpy's whole-array code moved to device arrays, each array operation one kernel launch over
//! the whole grid, every iteration: `t = z*z`, `z = t + q`, the modulus, the comparison, and the
//! three conditional updates (`q[done] = 0`, `z[done] = 0`, `output[done] = iteration`), seven
//! launches per iteration and 7,000 for the tutorial's problem.
//!
//! It was the easy level and the slow one: every launch costs a few microseconds before any pixel
//! is computed, every operation streams whole arrays through device memory, and, like numpy, it
//! never stops early. It keeps all of that, so it shows what a GPU costs when it is driven one
//! array operation at a time. The modulus is kept squared and compared with 4 (no square root),
//! so the float64 build stays exact.

use std::marker::PhantomData;

use cudarc::driver::{CudaFunction, CudaSlice, LaunchConfig, PushKernelArg};

use super::{Device, F32_INEXACT, Real, Timer, failed, kernels, pixel_count, points};
use crate::{Exactness, Family, Kernel, Problem, Tuning, Variant, VariantError};

/// Threads per block of every array operation.
const BLOCK: u32 = 256;

/// Registry entry, float32.
pub const F32: Variant = Variant {
    name: "cuda-vector-f32",
    family: Family::Gpu,
    analogue: "pyCUDA gpuarray (float32)",
    summary: "device arrays, one kernel launch per array operation per iteration, float32",
    exactness: Exactness::Inexact(F32_INEXACT),
    knobs: &[],
    probe: super::probe,
    prepare: prepare::<f32>,
};

/// Registry entry, float64.
pub const F64: Variant = Variant {
    name: "cuda-vector-f64",
    family: Family::Gpu,
    analogue: "pyCUDA gpuarray (float64)",
    summary: "device arrays, one kernel launch per array operation per iteration, float64, no FMA",
    exactness: Exactness::Exact,
    knobs: &[],
    probe: super::probe,
    prepare: prepare::<f64>,
};

/// The array operations, in `mandel.cu`.
const OPERATIONS: [&str; 6] = [
    "complex_square",
    "complex_add",
    "modulus2",
    "greater",
    "zero_where",
    "set_where",
];

struct CudaVector<T> {
    variant: &'static str,
    device: &'static Device,
    ops: [CudaFunction; 6],
    config: LaunchConfig,
    qx: Vec<f64>,
    qy: Vec<f64>,
    n: u32,
    maxiter: u32,
    timer: Timer,
    kernel_seconds: Option<f64>,
    real: PhantomData<T>,
}

fn prepare<T: Real>(problem: &Problem<'_>, _: &Tuning) -> Result<Box<dyn Kernel>, VariantError> {
    let variant = if T::SUFFIX == "f32" {
        F32.name
    } else {
        F64.name
    };
    let n = pixel_count(variant, problem)?;
    let (device, ops) = kernels::<T, 6>(variant, OPERATIONS)?;
    let (qx, qy) = problem.points().unzip();
    Ok(Box::new(CudaVector::<T> {
        variant,
        device,
        ops,
        config: LaunchConfig {
            grid_dim: (n.div_ceil(BLOCK).max(1), 1, 1),
            block_dim: (BLOCK, 1, 1),
            shared_mem_bytes: 0,
        },
        qx,
        qy,
        n,
        maxiter: problem.maxiter,
        timer: Timer::new(variant, device)?,
        kernel_seconds: None,
        real: PhantomData,
    }))
}

/// The device arrays of one run.
struct Arrays<T> {
    qx: CudaSlice<T>,
    qy: CudaSlice<T>,
    zx: CudaSlice<T>,
    zy: CudaSlice<T>,
    tx: CudaSlice<T>,
    ty: CudaSlice<T>,
    m: CudaSlice<T>,
    done: CudaSlice<u8>,
    out: CudaSlice<u32>,
}

impl<T: Real> CudaVector<T> {
    fn upload(&self) -> Result<Arrays<T>, VariantError> {
        let v = self.variant;
        let stream = &self.device.stream;
        let len = self.qx.len();
        let (qx, qy) = points::<T>(&self.qx, &self.qy);
        let copy = |host: &[T]| {
            stream
                .clone_htod(host)
                .map_err(|e| failed(v, "copy to the device", e))
        };
        let zeros = || {
            stream
                .alloc_zeros::<T>(len)
                .map_err(|e| failed(v, "device allocation", e))
        };
        Ok(Arrays {
            qx: copy(&qx)?,
            qy: copy(&qy)?,
            zx: zeros()?,
            zy: zeros()?,
            tx: zeros()?,
            ty: zeros()?,
            m: zeros()?,
            done: stream
                .alloc_zeros::<u8>(len)
                .map_err(|e| failed(v, "device allocation", e))?,
            out: stream
                .alloc_zeros::<u32>(len)
                .map_err(|e| failed(v, "device allocation", e))?,
        })
    }

    /// One iteration: the seven array operations, each its own launch.
    fn iterate(&self, a: &mut Arrays<T>, iteration: u32) -> Result<(), VariantError> {
        let stream = &self.device.stream;
        let [square, add, modulus, greater, zero_where, set_where] = &self.ops;
        let n = &self.n;
        let launch = |b: &mut cudarc::driver::LaunchArgs<'_>| {
            // SAFETY: each launch below passes exactly the parameters its kernel in mandel.cu
            // declares, in order (device arrays of n elements of the declared types, then
            // scalars); every kernel touches only indices below n.
            unsafe { b.launch(self.config) }
                .map(drop)
                .map_err(|e| failed(self.variant, "kernel launch", e))
        };
        launch(
            stream
                .launch_builder(square)
                .arg(&a.zx)
                .arg(&a.zy)
                .arg(&mut a.tx)
                .arg(&mut a.ty)
                .arg(n),
        )?;
        launch(
            stream
                .launch_builder(add)
                .arg(&a.tx)
                .arg(&a.ty)
                .arg(&a.qx)
                .arg(&a.qy)
                .arg(&mut a.zx)
                .arg(&mut a.zy)
                .arg(n),
        )?;
        launch(
            stream
                .launch_builder(modulus)
                .arg(&a.zx)
                .arg(&a.zy)
                .arg(&mut a.m)
                .arg(n),
        )?;
        launch(
            stream
                .launch_builder(greater)
                .arg(&a.m)
                .arg(&mut a.done)
                .arg(n),
        )?;
        launch(
            stream
                .launch_builder(zero_where)
                .arg(&mut a.qx)
                .arg(&mut a.qy)
                .arg(&a.done)
                .arg(n),
        )?;
        launch(
            stream
                .launch_builder(zero_where)
                .arg(&mut a.zx)
                .arg(&mut a.zy)
                .arg(&a.done)
                .arg(n),
        )?;
        launch(
            stream
                .launch_builder(set_where)
                .arg(&mut a.out)
                .arg(&iteration)
                .arg(&a.done)
                .arg(n),
        )
    }
}

impl<T: Real> Kernel for CudaVector<T> {
    fn run(&mut self, out: &mut [u32]) -> Result<(), VariantError> {
        let v = self.variant;
        let stream = &self.device.stream;
        let mut arrays = self.upload()?;
        self.timer.start(v, stream)?;
        for iteration in 0..self.maxiter {
            self.iterate(&mut arrays, iteration)?;
        }
        self.timer.end(v, stream)?;
        stream
            .memcpy_dtoh(&arrays.out, out)
            .map_err(|e| failed(v, "copy from the device", e))?;
        stream
            .synchronize()
            .map_err(|e| failed(v, "synchronize", e))?;
        self.kernel_seconds = Some(self.timer.seconds(v)?);
        Ok(())
    }

    fn kernel_seconds(&self) -> Option<f64> {
        self.kernel_seconds
    }
}
