//! The launch interface on a real device, through cudarc: device buffers are `CudaSlice`s on
//! device 0's default stream, kernels come from `mandel.cu` compiled by NVRTC for `T`, and the
//! kernels of each run are timed with CUDA events ([`crate::Kernel::kernel_seconds`]).
//!
//! [`OnDevice`] is what every `cuda-*` variant's `prepare` returns: its host-side sequence
//! ([`Sequence`]) bound to this backend. The same sequence runs on the emulator ([`super::emu`]),
//! which is how the lab checks it where there is no GPU.

use std::marker::PhantomData;

use cudarc::driver::{CudaFunction, CudaSlice, LaunchArgs, LaunchConfig, PushKernelArg};

use super::launch::{Backend, Call, CallOf, DeviceReal, Element, Len, Sequence, Shape};
use super::{Device, Timer, failed, kernels};
use crate::{Kernel, VariantError};

/// A prepared `cuda-*` variant: its sequence on device 0.
pub(crate) struct OnDevice<T, S> {
    backend: Cuda<T>,
    sequence: S,
    kernel_seconds: Option<f64>,
}

impl<T: DeviceReal, S: Sequence> OnDevice<T, S> {
    /// Compiles and loads the kernels `names` for `T` and binds `sequence` to them.
    pub(crate) fn new<const N: usize>(
        variant: &'static str,
        names: [&'static str; N],
        sequence: S,
    ) -> Result<OnDevice<T, S>, VariantError> {
        let (device, functions) = kernels::<T, N>(variant, names)?;
        Ok(OnDevice {
            backend: Cuda {
                variant,
                device,
                functions: names.into_iter().zip(functions).collect(),
                timer: Timer::new(variant, device)?,
                real: PhantomData,
            },
            sequence,
            kernel_seconds: None,
        })
    }
}

impl<T: DeviceReal, S: Sequence> Kernel for OnDevice<T, S> {
    fn run(&mut self, out: &mut [u32]) -> Result<(), VariantError> {
        self.sequence.run(&self.backend, out)?;
        self.kernel_seconds = Some(self.backend.timer.seconds(self.backend.variant)?);
        Ok(())
    }

    fn kernel_seconds(&self) -> Option<f64> {
        self.kernel_seconds
    }
}

/// Device 0 with the kernels of one variant loaded, for reals `T`.
pub(crate) struct Cuda<T> {
    variant: &'static str,
    device: &'static Device,
    functions: Vec<(&'static str, CudaFunction)>,
    timer: Timer,
    real: PhantomData<T>,
}

impl<E> Len for CudaSlice<E> {
    fn len(&self) -> usize {
        CudaSlice::len(self)
    }
}

impl<T: DeviceReal> Backend<T> for Cuda<T> {
    type Buffer<E: Element> = CudaSlice<E>;

    fn upload<E: Element>(&self, host: &[E]) -> Result<CudaSlice<E>, VariantError> {
        self.device
            .stream
            .clone_htod(host)
            .map_err(|e| failed(self.variant, "copy to the device", e))
    }

    fn zeros<E: Element>(&self, len: usize) -> Result<CudaSlice<E>, VariantError> {
        self.device
            .stream
            .alloc_zeros::<E>(len)
            .map_err(|e| failed(self.variant, "device allocation", e))
    }

    fn download<E: Element>(
        &self,
        device: &CudaSlice<E>,
        host: &mut [E],
    ) -> Result<(), VariantError> {
        if host.len() != device.len() {
            return Err(failed(
                self.variant,
                "copy from the device",
                format!("{} elements into {}", device.len(), host.len()),
            ));
        }
        self.device
            .stream
            .memcpy_dtoh(device, host)
            .map_err(|e| failed(self.variant, "copy from the device", e))
    }

    fn launch(&self, shape: Shape, call: CallOf<'_, T, Self>) -> Result<(), VariantError> {
        let v = self.variant;
        call.check(v)?;
        let name = call.name();
        let function = self
            .functions
            .iter()
            .find(|(loaded, _)| *loaded == name)
            .map(|(_, f)| f)
            .ok_or_else(|| failed(v, "kernel launch", format!("kernel {name} was not loaded")))?;
        let config = LaunchConfig {
            grid_dim: (shape.blocks, 1, 1),
            block_dim: (shape.threads, 1, 1),
            shared_mem_bytes: 0,
        };
        let go = |args: &mut LaunchArgs<'_>| {
            // SAFETY: `function` is the kernel `call` names, from mandel.cu compiled with `real`
            // as `T`; each arm below passes exactly the parameters that kernel declares, in its
            // order and of its types (the fields of `call`, which mirror the declaration), and
            // `call.check` has made sure every buffer holds the `n` elements the kernel indexes.
            unsafe { args.launch(config) }
                .map(drop)
                .map_err(|e| failed(v, "kernel launch", e))
        };
        let stream = &self.device.stream;
        let builder = || stream.launch_builder(function);
        match call {
            Call::Elementwise {
                qx,
                qy,
                out,
                n,
                maxiter,
            }
            | Call::Gridstride {
                qx,
                qy,
                out,
                n,
                maxiter,
            } => go(builder().arg(qx).arg(qy).arg(out).arg(&n).arg(&maxiter)),
            Call::ComplexSquare { zx, zy, tx, ty, n } => {
                go(builder().arg(zx).arg(zy).arg(tx).arg(ty).arg(&n))
            }
            Call::ComplexAdd {
                tx,
                ty,
                qx,
                qy,
                zx,
                zy,
                n,
            } => go(builder()
                .arg(tx)
                .arg(ty)
                .arg(qx)
                .arg(qy)
                .arg(zx)
                .arg(zy)
                .arg(&n)),
            Call::Modulus2 { zx, zy, m, n } => go(builder().arg(zx).arg(zy).arg(m).arg(&n)),
            Call::Greater { m, done, n } => go(builder().arg(m).arg(done).arg(&n)),
            Call::ZeroWhere { re, im, done, n } => go(builder().arg(re).arg(im).arg(done).arg(&n)),
            Call::SetWhere {
                out,
                iteration,
                done,
                n,
            } => go(builder().arg(out).arg(&iteration).arg(done).arg(&n)),
        }
    }

    fn synchronize(&self) -> Result<(), VariantError> {
        self.device
            .stream
            .synchronize()
            .map_err(|e| failed(self.variant, "synchronize", e))
    }

    fn kernels_begin(&self) -> Result<(), VariantError> {
        self.timer.start(self.variant, &self.device.stream)
    }

    fn kernels_end(&self) -> Result<(), VariantError> {
        self.timer.end(self.variant, &self.device.stream)
    }
}
