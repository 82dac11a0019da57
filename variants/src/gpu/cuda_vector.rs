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
//!
//! The host side (`Vector`'s `Sequence`) is written once over the launch interface
//! (`launch.rs`): on a device it is the variant, and the emulator (`emu.rs`) runs the very same
//! seven launches per iteration on the kernels' source compiled for the CPU.

use super::code::Launch;
use super::cuda::OnDevice;
use super::launch::{Backend, Call, DeviceReal, Sequence, Shape};
use super::{F32_INEXACT, pixel_count, points};
use crate::{Cores, HotCode, SweepAxis, SweepRole};
use crate::{Exactness, Family, Kernel, Problem, Tuning, Variant, VariantError};

/// Threads per block of every array operation.
pub(crate) const BLOCK: u32 = 256;

/// Registry entry, float32.
pub const F32: Variant = Variant {
    name: "cuda-vector-f32",
    family: Family::Gpu,
    analogue: "pyCUDA gpuarray (float32)",
    summary: "device arrays, one kernel launch per array operation per iteration, float32",
    exactness: Exactness::Inexact(F32_INEXACT),
    knobs: &[],
    cores: Cores::Device,
    tutorial: Some(&crate::tutorial::GPUARRAY),
    hot_code: Some(HotCode::Gpu(Launch {
        kernels: &OPERATIONS,
        threads_per_block: BLOCK,
        double: false,
    })),
    rung: None,
    sweeps: &[(SweepAxis::Sizes, SweepRole::Member)],
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
    cores: Cores::Device,
    tutorial: Some(&crate::tutorial::GPUARRAY_F64),
    hot_code: Some(HotCode::Gpu(Launch {
        kernels: &OPERATIONS,
        threads_per_block: BLOCK,
        double: true,
    })),
    rung: None,
    sweeps: &[(SweepAxis::Sizes, SweepRole::Member)],
    probe: super::probe,
    prepare: prepare::<f64>,
};

/// The array operations, in `mandel.cu`.
pub(crate) const OPERATIONS: [&str; 6] = [
    "complex_square",
    "complex_add",
    "modulus2",
    "greater",
    "zero_where",
    "set_where",
];

/// The host side of `cuda-vector`: the arrays, then seven launches per iteration, each over the
/// whole grid in blocks of [`BLOCK`].
pub(crate) struct Vector {
    shape: Shape,
    qx: Vec<f64>,
    qy: Vec<f64>,
    n: u32,
    maxiter: u32,
}

/// Lays out `problem` for `cuda-vector`.
pub(crate) fn sequence(
    variant: &'static str,
    problem: &Problem<'_>,
) -> Result<Vector, VariantError> {
    let n = pixel_count(variant, problem)?;
    let (qx, qy) = problem.points().unzip();
    Ok(Vector {
        shape: Shape::covering(n, BLOCK),
        qx,
        qy,
        n,
        maxiter: problem.maxiter,
    })
}

fn prepare<T: DeviceReal>(
    problem: &Problem<'_>,
    _: &Tuning,
) -> Result<Box<dyn Kernel>, VariantError> {
    let variant = if T::SUFFIX == "f32" {
        F32.name
    } else {
        F64.name
    };
    let sequence = sequence(variant, problem)?;
    Ok(Box::new(OnDevice::<T, _>::new(
        variant, OPERATIONS, sequence,
    )?))
}

/// The device arrays of one run.
struct Arrays<T: DeviceReal, B: Backend<T>> {
    qx: B::Buffer<T>,
    qy: B::Buffer<T>,
    zx: B::Buffer<T>,
    zy: B::Buffer<T>,
    tx: B::Buffer<T>,
    ty: B::Buffer<T>,
    m: B::Buffer<T>,
    done: B::Buffer<u8>,
    out: B::Buffer<u32>,
}

impl Vector {
    fn upload<T: DeviceReal, B: Backend<T>>(&self, b: &B) -> Result<Arrays<T, B>, VariantError> {
        let len = self.qx.len();
        let (qx, qy) = points::<T>(&self.qx, &self.qy);
        Ok(Arrays {
            qx: b.upload(&qx)?,
            qy: b.upload(&qy)?,
            zx: b.zeros(len)?,
            zy: b.zeros(len)?,
            tx: b.zeros(len)?,
            ty: b.zeros(len)?,
            m: b.zeros(len)?,
            done: b.zeros(len)?,
            out: b.zeros(len)?,
        })
    }

    /// One iteration: the seven array operations, each its own launch.
    fn iterate<T: DeviceReal, B: Backend<T>>(
        &self,
        b: &B,
        a: &mut Arrays<T, B>,
        iteration: u32,
    ) -> Result<(), VariantError> {
        let (shape, n) = (self.shape, self.n);
        // t = z * z
        b.launch(
            shape,
            Call::ComplexSquare {
                zx: &a.zx,
                zy: &a.zy,
                tx: &mut a.tx,
                ty: &mut a.ty,
                n,
            },
        )?;
        // z = t + q
        b.launch(
            shape,
            Call::ComplexAdd {
                tx: &a.tx,
                ty: &a.ty,
                qx: &a.qx,
                qy: &a.qy,
                zx: &mut a.zx,
                zy: &mut a.zy,
                n,
            },
        )?;
        // m = |z|^2
        b.launch(
            shape,
            Call::Modulus2 {
                zx: &a.zx,
                zy: &a.zy,
                m: &mut a.m,
                n,
            },
        )?;
        // done = m > 4
        b.launch(
            shape,
            Call::Greater {
                m: &a.m,
                done: &mut a.done,
                n,
            },
        )?;
        // q[done] = 0
        b.launch(
            shape,
            Call::ZeroWhere {
                re: &mut a.qx,
                im: &mut a.qy,
                done: &a.done,
                n,
            },
        )?;
        // z[done] = 0
        b.launch(
            shape,
            Call::ZeroWhere {
                re: &mut a.zx,
                im: &mut a.zy,
                done: &a.done,
                n,
            },
        )?;
        // output[done] = iteration
        b.launch(
            shape,
            Call::SetWhere {
                out: &mut a.out,
                iteration,
                done: &a.done,
                n,
            },
        )
    }
}

impl Sequence for Vector {
    fn run<T: DeviceReal, B: Backend<T>>(
        &self,
        backend: &B,
        out: &mut [u32],
    ) -> Result<(), VariantError> {
        let mut arrays = self.upload(backend)?;
        backend.kernels_begin()?;
        for iteration in 0..self.maxiter {
            self.iterate(backend, &mut arrays, iteration)?;
        }
        backend.kernels_end()?;
        backend.download(&arrays.out, out)?;
        backend.synchronize()
    }
}
