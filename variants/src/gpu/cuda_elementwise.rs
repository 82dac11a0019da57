//! `cuda-elementwise-f32` and `cuda-elementwise-f64` mirror the tutorial's pyCUDA
//! `ElementwiseKernel`: the whole escape-time loop in C, one GPU thread per pixel. The tutorial
//! found it 500× faster than CPython on a GTX 480 in float64: every pixel is independent, so tens
//! of thousands of threads run the loop at once, and only the points go in and the counts come out.
//!
//! The launch is one thread per pixel in blocks of 256. A run converts the points (to float32 for
//! the `f32` variant), copies them to the device, launches, and copies the counts back; the lab
//! times all of that, and device events time the kernel alone.

use std::marker::PhantomData;

use cudarc::driver::{CudaFunction, LaunchConfig, PushKernelArg};

use super::{Device, F32_INEXACT, Real, Timer, failed, kernels, pixel_count, points};
use crate::{Exactness, Family, Kernel, Problem, Tuning, Variant, VariantError};

/// Threads per block.
const BLOCK: u32 = 256;

/// Registry entry, float32.
pub const F32: Variant = Variant {
    name: "cuda-elementwise-f32",
    family: Family::Gpu,
    analogue: "pyCUDA ElementwiseKernel (float32)",
    summary: "one GPU thread per pixel with the whole loop in the kernel, float32",
    exactness: Exactness::Inexact(F32_INEXACT),
    knobs: &[],
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
    probe: super::probe,
    prepare: prepare::<f64>,
};

/// Runs one per-pixel kernel (`elementwise` or `gridstride`) over the grid with `config`.
pub(crate) struct PerPixel<T> {
    pub(crate) variant: &'static str,
    pub(crate) device: &'static Device,
    pub(crate) function: CudaFunction,
    pub(crate) config: LaunchConfig,
    pub(crate) qx: Vec<f64>,
    pub(crate) qy: Vec<f64>,
    pub(crate) n: u32,
    pub(crate) maxiter: u32,
    pub(crate) timer: Timer,
    pub(crate) kernel_seconds: Option<f64>,
    pub(crate) real: PhantomData<T>,
}

impl<T: Real> PerPixel<T> {
    /// Compiles `kernel` for `T` and prepares it for `problem`.
    pub(crate) fn new(
        variant: &'static str,
        kernel: &str,
        problem: &Problem<'_>,
        config: impl FnOnce(u32) -> LaunchConfig,
    ) -> Result<PerPixel<T>, VariantError> {
        let n = pixel_count(variant, problem)?;
        let (device, [function]) = kernels::<T, 1>(variant, [kernel])?;
        let (qx, qy) = problem.points().unzip();
        Ok(PerPixel {
            variant,
            device,
            function,
            config: config(n),
            qx,
            qy,
            n,
            maxiter: problem.maxiter,
            timer: Timer::new(variant, device)?,
            kernel_seconds: None,
            real: PhantomData,
        })
    }
}

impl<T: Real> Kernel for PerPixel<T> {
    fn run(&mut self, out: &mut [u32]) -> Result<(), VariantError> {
        let v = self.variant;
        let stream = &self.device.stream;
        let (qx, qy) = points::<T>(&self.qx, &self.qy);
        let qx = stream
            .clone_htod(&qx)
            .map_err(|e| failed(v, "copy to the device", e))?;
        let qy = stream
            .clone_htod(&qy)
            .map_err(|e| failed(v, "copy to the device", e))?;
        let mut counts = stream
            .alloc_zeros::<u32>(self.qx.len())
            .map_err(|e| failed(v, "device allocation", e))?;
        self.timer.start(v, stream)?;
        let mut launch = stream.launch_builder(&self.function);
        launch
            .arg(&qx)
            .arg(&qy)
            .arg(&mut counts)
            .arg(&self.n)
            .arg(&self.maxiter);
        // SAFETY: the kernel's parameters are (const real*, const real*, unsigned int*,
        // unsigned int, unsigned int), matching the arguments; both point arrays and the counts
        // hold n elements, and the kernel touches only indices below n.
        unsafe { launch.launch(self.config) }.map_err(|e| failed(v, "kernel launch", e))?;
        self.timer.end(v, stream)?;
        stream
            .memcpy_dtoh(&counts, out)
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

fn prepare<T: Real>(problem: &Problem<'_>, _: &Tuning) -> Result<Box<dyn Kernel>, VariantError> {
    let name = if T::SUFFIX == "f32" {
        F32.name
    } else {
        F64.name
    };
    let kernel = PerPixel::<T>::new(name, "elementwise", problem, |n| LaunchConfig {
        grid_dim: (n.div_ceil(BLOCK).max(1), 1, 1),
        block_dim: (BLOCK, 1, 1),
        shared_mem_bytes: 0,
    })?;
    Ok(Box::new(kernel))
}
