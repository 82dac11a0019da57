//! The tutorial's GPU table: pyCUDA's three levels of effort, each in float32 (what the old cards
//! could do) and float64, on cudarc with the kernels compiled at run time by NVRTC.
//!
//! - `cuda_vector`: gpuarray, whole-array operations, one launch per operation per iteration.
//! - `cuda_elementwise`: ElementwiseKernel, one thread per pixel with the whole loop inside.
//! - `cuda_gridstride`: SourceModule, a grid-stride loop with an explicit launch shape.
//!
//! The kernels (`mandel.cu`) are compiled with fused multiply-add contraction off, so the float64
//! builds do the reference's operations in its order and must match it exactly; the float32
//! builds round differently and the lab reports how many pixels differ.
//!
//! cudarc loads the CUDA driver and NVRTC dynamically, so the lab builds and runs everywhere:
//! where the libraries or a device are missing, [`probe`] says which, and the variants are
//! unavailable. Each run is timed whole by the lab, including the conversion to float32 and the
//! transfers (as the tutorial timed pyCUDA), and the kernels alone are timed with device events
//! ([`crate::Kernel::kernel_seconds`]).

pub mod code;
pub mod cuda_elementwise;
pub mod cuda_gridstride;
pub mod cuda_vector;
pub mod ptxas;
pub mod tools;
// The launch interface and its two backends: the device through cudarc, and the kernels'
// source executed on the CPU.
pub(crate) mod cuda;
pub mod emu;
pub(crate) mod launch;

use std::sync::{Arc, OnceLock};

use cudarc::driver::{
    CudaContext, CudaEvent, CudaFunction, CudaStream, DeviceRepr, ValidAsZeroBits,
};
use cudarc::nvrtc::{CompileError, CompileOptions, Ptx, compile_ptx_with_opts};

use crate::{Availability, Problem, VariantError};

/// What is proved of the GPU variants on a machine without a GPU, said by `list` and the report
/// wherever the variants cannot run.
pub const PROVED_WITHOUT_A_GPU: &str = "Without a GPU, the kernels' source is proved on the CPU \
     by an emulator that runs mandel.cu's very text under each variant's own host sequence \
     (tests/gpu_emulator.rs: float64 identical to the reference on every known answer). It proves \
     the source, not the device, and is never timed. NVRTC and ptxas compile the kernels for \
     sm_80 and sm_90 (tests/gpu_compile.rs), and `cargo xtask profile` shows their machine code, \
     where `cargo xtask gpu-tools --install` has put the tools.";

/// The kernels' source; `real` is defined before it as `float` or `double`.
const SOURCE: &str = include_str!("mandel.cu");

/// How to install the driver, which nothing but a machine's administrator can.
const INSTALL_DRIVER: &str = "install the NVIDIA driver (Debian non-free: nvidia-driver)";

/// How to install what is missing: NVRTC alone comes from `cargo xtask gpu-tools --install`.
const INSTALL: &str = "install the NVIDIA driver (Debian non-free: nvidia-driver) and NVRTC (cargo xtask gpu-tools --install, or the CUDA toolkit)";

/// A floating-point type the kernels can be built for.
pub trait Real:
    DeviceRepr + ValidAsZeroBits + Copy + Default + Unpin + Send + Sync + 'static
{
    /// The C name of the type.
    const C_NAME: &'static str;
    /// The variant name's suffix.
    const SUFFIX: &'static str;
    /// Converts a grid coordinate (rounding for `f32`).
    fn from_f64(x: f64) -> Self;
}

impl Real for f32 {
    const C_NAME: &'static str = "float";
    const SUFFIX: &'static str = "f32";
    fn from_f64(x: f64) -> f32 {
        x as f32
    }
}

impl Real for f64 {
    const C_NAME: &'static str = "double";
    const SUFFIX: &'static str = "f64";
    fn from_f64(x: f64) -> f64 {
        x
    }
}

/// Why a float32 variant is not exact.
pub const F32_INEXACT: &str = "float32 arithmetic, as on the tutorial's older cards";

/// The device every GPU variant runs on: device 0, its context and its default stream.
pub struct Device {
    pub ctx: Arc<CudaContext>,
    pub stream: Arc<CudaStream>,
    /// The device's name, e.g. "NVIDIA H100 80GB HBM3".
    pub name: String,
}

/// Device 0, found once; the error says what is missing.
pub fn device() -> Result<&'static Device, String> {
    static DEVICE: OnceLock<Result<Device, String>> = OnceLock::new();
    DEVICE
        .get_or_init(find_device)
        .as_ref()
        .map_err(Clone::clone)
}

fn find_device() -> Result<Device, String> {
    // SAFETY: only looks for the library on the loader's path; it loads nothing else.
    if !unsafe { cudarc::driver::sys::is_culib_present() } {
        // NVRTC alone compiles the kernels (the compile test does) but cannot run them.
        return Err(match tools::nvrtc_library().and(tools::tools_dir()) {
            Some(dir) => format!(
                "no GPU driver here (libcuda.so not found); NVRTC is in {}, so the kernels \
                 compile, but running them needs the driver and a device: {INSTALL_DRIVER}",
                dir.display()
            ),
            None => format!("no GPU driver here (libcuda.so not found): {INSTALL}"),
        });
    }
    tools::load_nvrtc().map_err(|why| format!("the CUDA driver is here but {why}"))?;
    let ctx = CudaContext::new(0).map_err(|e| format!("no CUDA device could be opened: {e}"))?;
    let name = ctx.name().unwrap_or_else(|_| "CUDA device 0".into());
    let stream = ctx.default_stream();
    Ok(Device { ctx, stream, name })
}

/// The probe of every GPU variant.
pub fn probe() -> Availability {
    match device() {
        Ok(_) => Availability::Available,
        Err(why) => Availability::Unavailable(why),
    }
}

/// The error of a failed CUDA call in `variant`.
pub(crate) fn failed(variant: &'static str, what: &str, e: impl std::fmt::Display) -> VariantError {
    VariantError::Runtime {
        variant,
        message: format!("{what}: {e}"),
    }
}

/// Every kernel of `mandel.cu` that a variant loads, each once: from the GPU variants' registry
/// entries ([`code::Launch`]), which say which variant launches which.
pub fn kernel_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Vec::new();
    for k in code::all().flat_map(|c| c.kernels) {
        if !names.contains(k) {
            names.push(k);
        }
    }
    names
}

/// The NVRTC options of every compile of `mandel.cu`, at run time and in the compile test:
/// fused multiply-add contraction off (so float64 does the reference's operations in its order),
/// for the virtual architecture `arch` (`"compute_90"`), or NVRTC's default where `None`.
///
/// The variants pass `None`: the driver compiles that PTX for whatever device it finds, where a
/// newer device's own architecture might be one this NVRTC does not know.
pub fn compile_options(arch: Option<&'static str>) -> CompileOptions {
    CompileOptions {
        fmad: Some(false),
        arch,
        ..Default::default()
    }
}

/// `mandel.cu` for `T`: `real` defined before it.
pub fn source<T: Real>() -> String {
    format!("typedef {} real;\n{SOURCE}", T::C_NAME)
}

/// Compiles `mandel.cu` for `T` and `arch` with [`compile_options`]: NVRTC alone, no driver or
/// device. NVRTC is found on the loader's path or in `target/gpu-tools/` ([`tools::load_nvrtc`]);
/// the error is one paragraph, with NVRTC's log where the source does not compile.
pub fn compile_ptx<T: Real>(arch: Option<&'static str>) -> Result<Ptx, String> {
    tools::load_nvrtc()?;
    compile_ptx_with_opts(source::<T>(), compile_options(arch)).map_err(|e| match e {
        CompileError::CompileError {
            nvrtc,
            options,
            log,
        } => format!(
            "NVRTC could not compile mandel.cu with real = {} ({nvrtc:?}, options {}):\n{}",
            T::C_NAME,
            options.join(" "),
            log.to_string_lossy().trim_end()
        ),
        other => format!(
            "NVRTC failed on mandel.cu with real = {}: {other:?}",
            T::C_NAME
        ),
    })
}

/// Compiles `mandel.cu` for `T` ([`compile_ptx`]) and loads the named kernels on the device.
pub(crate) fn kernels<T: Real, const N: usize>(
    variant: &'static str,
    names: [&str; N],
) -> Result<(&'static Device, [CudaFunction; N]), VariantError> {
    let device = device().map_err(|why| VariantError::Unavailable { variant, why })?;
    let ptx = compile_ptx::<T>(None).map_err(|why| VariantError::Runtime {
        variant,
        message: why,
    })?;
    let module = device
        .ctx
        .load_module(ptx)
        .map_err(|e| failed(variant, "cannot load the kernels", e))?;
    let mut loaded = Vec::with_capacity(N);
    for name in names {
        loaded.push(
            module
                .load_function(name)
                .map_err(|e| failed(variant, &format!("no kernel {name}"), e))?,
        );
    }
    let loaded: [CudaFunction; N] = loaded
        .try_into()
        .unwrap_or_else(|_| unreachable!("one function per name"));
    Ok((device, loaded))
}

/// The grid's points as `T`, in row-major order: the conversion the tutorial timed.
pub(crate) fn points<T: Real>(qx: &[f64], qy: &[f64]) -> (Vec<T>, Vec<T>) {
    (
        qx.iter().map(|&x| T::from_f64(x)).collect(),
        qy.iter().map(|&y| T::from_f64(y)).collect(),
    )
}

/// The problem's size as the kernels' `unsigned int`, refusing grids too large for it.
pub(crate) fn pixel_count(
    variant: &'static str,
    problem: &Problem<'_>,
) -> Result<u32, VariantError> {
    u32::try_from(problem.pixels()).map_err(|_| VariantError::BadTuning {
        variant,
        message: format!(
            "{} pixels is more than the kernels' 32-bit index can address",
            problem.pixels()
        ),
    })
}

/// Two timing events around the kernels of one run.
pub(crate) struct Timer {
    start: CudaEvent,
    end: CudaEvent,
}

impl Timer {
    pub(crate) fn new(variant: &'static str, device: &Device) -> Result<Timer, VariantError> {
        let event = || {
            device
                .ctx
                .new_event(Some(cudarc::driver::sys::CUevent_flags::CU_EVENT_DEFAULT))
                .map_err(|e| failed(variant, "cannot create a timing event", e))
        };
        Ok(Timer {
            start: event()?,
            end: event()?,
        })
    }

    /// Records the start on `stream`.
    pub(crate) fn start(
        &self,
        variant: &'static str,
        stream: &CudaStream,
    ) -> Result<(), VariantError> {
        self.start
            .record(stream)
            .map_err(|e| failed(variant, "cannot record an event", e))
    }

    /// Records the end on `stream`.
    pub(crate) fn end(
        &self,
        variant: &'static str,
        stream: &CudaStream,
    ) -> Result<(), VariantError> {
        self.end
            .record(stream)
            .map_err(|e| failed(variant, "cannot record an event", e))
    }

    /// Seconds between the two events, once the stream has reached the end.
    pub(crate) fn seconds(&self, variant: &'static str) -> Result<f64, VariantError> {
        let ms = self
            .start
            .elapsed_ms(&self.end)
            .map_err(|e| failed(variant, "cannot read the events", e))?;
        Ok(f64::from(ms) / 1000.0)
    }
}
