//! `cuda-elementwise-f32` and `cuda-elementwise-f64` mirror the tutorial's pyCUDA
//! `ElementwiseKernel`: the whole escape-time loop in C, one GPU thread per pixel. The tutorial
//! found it 500× faster than CPython on a GTX 480 in float64: every pixel is independent, so tens
//! of thousands of threads run the loop at once, and only the points go in and the counts come out.
//!
//! The launch is one thread per pixel in blocks of 256. A run converts the points (to float32 for
//! the `f32` variant), copies them to the device, launches, and copies the counts back; the lab
//! times all of that, and device events time the kernel alone.
//!
//! That host side (`PerPixel`, shared with `cuda-gridstride`) is written once over the launch
//! interface (`launch.rs`), so the emulator (`emu.rs`) runs exactly the sequence a device runs.

use super::code::Launch;
use super::cuda::OnDevice;
use super::launch::{Backend, Call, DeviceReal, Sequence, Shape};
use super::{F32_INEXACT, pixel_count, points};
use crate::{Cores, HotCode, SweepAxis, SweepRole};
use crate::{Exactness, Family, Kernel, Problem, Tuning, Variant, VariantError};

/// Threads per block.
pub(crate) const BLOCK: u32 = 256;

/// Registry entry, float32.
pub const F32: Variant = Variant {
    name: "cuda-elementwise-f32",
    family: Family::Gpu,
    analogue: "pyCUDA ElementwiseKernel (float32)",
    summary: "one GPU thread per pixel with the whole loop in the kernel, float32",
    exactness: Exactness::Inexact(F32_INEXACT),
    knobs: &[],
    cores: Cores::Device,
    tutorial: Some(&crate::tutorial::ELEMENTWISE),
    hot_code: Some(HotCode::Gpu(Launch {
        kernels: super::code::ELEMENTWISE,
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
    name: "cuda-elementwise-f64",
    family: Family::Gpu,
    analogue: "pyCUDA ElementwiseKernel (float64)",
    summary: "one GPU thread per pixel with the whole loop in the kernel, float64, no FMA",
    exactness: Exactness::Exact,
    knobs: &[],
    cores: Cores::Device,
    tutorial: Some(&crate::tutorial::ELEMENTWISE_F64),
    hot_code: Some(HotCode::Gpu(Launch {
        kernels: super::code::ELEMENTWISE,
        threads_per_block: BLOCK,
        double: true,
    })),
    rung: None,
    sweeps: &[(SweepAxis::Sizes, SweepRole::Member)],
    probe: super::probe,
    prepare: prepare::<f64>,
};

/// The host side of `cuda-elementwise`: one thread per pixel in blocks of [`BLOCK`].
pub(crate) fn sequence(
    variant: &'static str,
    problem: &Problem<'_>,
) -> Result<PerPixel, VariantError> {
    PerPixel::new(variant, PerPixelKernel::Elementwise, problem, |n| {
        Shape::covering(n, BLOCK)
    })
}

/// Which per-pixel kernel of `mandel.cu` a [`PerPixel`] launches.
#[derive(Debug, Clone, Copy)]
pub(crate) enum PerPixelKernel {
    Elementwise,
    Gridstride,
}

impl PerPixelKernel {
    /// The kernel's name in `mandel.cu`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            PerPixelKernel::Elementwise => "elementwise",
            PerPixelKernel::Gridstride => "gridstride",
        }
    }
}

/// The host side of a per-pixel variant (`cuda-elementwise`, `cuda-gridstride`): convert and
/// upload the points, one launch of `kernel` with `shape`, copy the counts back.
pub(crate) struct PerPixel {
    kernel: PerPixelKernel,
    shape: Shape,
    qx: Vec<f64>,
    qy: Vec<f64>,
    n: u32,
    maxiter: u32,
}

impl PerPixel {
    /// Lays out `problem` for `kernel`, launched with the shape `shape` gives for `n` pixels.
    pub(crate) fn new(
        variant: &'static str,
        kernel: PerPixelKernel,
        problem: &Problem<'_>,
        shape: impl FnOnce(u32) -> Shape,
    ) -> Result<PerPixel, VariantError> {
        let n = pixel_count(variant, problem)?;
        let (qx, qy) = problem.points().unzip();
        Ok(PerPixel {
            kernel,
            shape: shape(n),
            qx,
            qy,
            n,
            maxiter: problem.maxiter,
        })
    }

    /// Compiles the kernel for `T` and binds this sequence to the device.
    pub(crate) fn on_device<T: DeviceReal>(
        self,
        variant: &'static str,
    ) -> Result<Box<dyn Kernel>, VariantError> {
        Ok(Box::new(OnDevice::<T, _>::new(
            variant,
            [self.kernel.name()],
            self,
        )?))
    }
}

impl Sequence for PerPixel {
    fn run<T: DeviceReal, B: Backend<T>>(
        &self,
        backend: &B,
        out: &mut [u32],
    ) -> Result<(), VariantError> {
        let (qx, qy) = points::<T>(&self.qx, &self.qy);
        let qx = backend.upload(&qx)?;
        let qy = backend.upload(&qy)?;
        let mut counts = backend.zeros::<u32>(self.qx.len())?;
        let (n, maxiter) = (self.n, self.maxiter);
        let call = match self.kernel {
            PerPixelKernel::Elementwise => Call::Elementwise {
                qx: &qx,
                qy: &qy,
                out: &mut counts,
                n,
                maxiter,
            },
            PerPixelKernel::Gridstride => Call::Gridstride {
                qx: &qx,
                qy: &qy,
                out: &mut counts,
                n,
                maxiter,
            },
        };
        backend.kernels_begin()?;
        backend.launch(self.shape, call)?;
        backend.kernels_end()?;
        backend.download(&counts, out)?;
        backend.synchronize()
    }
}

fn prepare<T: DeviceReal>(
    problem: &Problem<'_>,
    _: &Tuning,
) -> Result<Box<dyn Kernel>, VariantError> {
    let name = if T::SUFFIX == "f32" {
        F32.name
    } else {
        F64.name
    };
    sequence(name, problem)?.on_device::<T>(name)
}
