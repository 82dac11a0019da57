//! The one small interface the GPU variants' host side is written against, so that the same
//! sequence of allocations, copies and launches runs on a device (through cudarc, [`super::cuda`])
//! or on the CPU (the emulator, [`super::emu`]).
//!
//! Each variant writes its sequence once, generic over a [`Backend`]: what it uploads, which
//! kernels it launches in which order with which shapes, what it copies back. On a device that
//! sequence is the variant; on the emulator the same sequence runs `mandel.cu`'s source compiled
//! for the CPU, which is how the lab checks the kernels and the host side where there is no GPU.
//!
//! A launch is a [`Call`]: one enum variant per kernel of `mandel.cu`, with that kernel's
//! parameters as typed fields, so that both backends pass exactly the parameters the kernel
//! declares, and [`Call::check`] can refuse a buffer shorter than the kernel will index before
//! anything unsafe happens.

use cudarc::driver::{DeviceRepr, ValidAsZeroBits};

use super::Real;
use crate::VariantError;

/// A type device buffers can hold: the kernels' `real` (`float`, `double`), `unsigned int` and
/// `unsigned char`.
pub(crate) trait Element:
    DeviceRepr + ValidAsZeroBits + Copy + Default + PartialEq + Send + 'static
{
    /// A value no kernel writes, which the emulator puts after the end of each buffer to catch a
    /// kernel writing past it. Not NaN, so that it compares equal to itself.
    const CANARY: Self;
}

impl Element for f32 {
    const CANARY: f32 = -3.0e38;
}

impl Element for f64 {
    const CANARY: f64 = -1.0e308;
}

impl Element for u32 {
    const CANARY: u32 = 0xDEAD_BEEF;
}

impl Element for u8 {
    const CANARY: u8 = 0xA5;
}

/// A [`Real`] the launch interface can hold in buffers: `f32` and `f64`.
pub(crate) trait DeviceReal: Real + Element {}

impl<T: Real + Element> DeviceReal for T {}

/// A device buffer's length in elements, for [`Call::check`].
pub(crate) trait Len {
    fn len(&self) -> usize;
}

/// A one-dimensional launch shape: `blocks` blocks of `threads` threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shape {
    pub(crate) blocks: u32,
    pub(crate) threads: u32,
}

impl Shape {
    /// One thread per element in blocks of `threads`, at least one block.
    pub(crate) fn covering(n: u32, threads: u32) -> Shape {
        Shape {
            blocks: n.div_ceil(threads).max(1),
            threads,
        }
    }
}

/// Where a GPU variant's host-side sequence runs, for reals `T`.
pub(crate) trait Backend<T: DeviceReal> {
    /// A device buffer of `E`.
    type Buffer<E: Element>: Len;

    /// A device buffer holding a copy of `host`.
    fn upload<E: Element>(&self, host: &[E]) -> Result<Self::Buffer<E>, VariantError>;

    /// A device buffer of `len` zeros.
    fn zeros<E: Element>(&self, len: usize) -> Result<Self::Buffer<E>, VariantError>;

    /// Copies `device` into `host`, which must be exactly as long.
    fn download<E: Element>(
        &self,
        device: &Self::Buffer<E>,
        host: &mut [E],
    ) -> Result<(), VariantError>;

    /// Launches one kernel with `shape`.
    fn launch(&self, shape: Shape, call: CallOf<'_, T, Self>) -> Result<(), VariantError>;

    /// Waits until everything launched and copied so far has finished.
    fn synchronize(&self) -> Result<(), VariantError>;

    /// Marks where the kernels of a run begin; a device records a timing event here.
    fn kernels_begin(&self) -> Result<(), VariantError> {
        Ok(())
    }

    /// Marks where the kernels of a run end.
    fn kernels_end(&self) -> Result<(), VariantError> {
        Ok(())
    }
}

/// A GPU variant's host side: everything between the grid's points and the counts, written once
/// for any [`Backend`].
pub(crate) trait Sequence: Send {
    /// Converts and uploads the points, launches the kernels (between
    /// [`Backend::kernels_begin`] and [`Backend::kernels_end`]), copies the counts into `out` and
    /// waits for the copy.
    fn run<T: DeviceReal, B: Backend<T>>(
        &self,
        backend: &B,
        out: &mut [u32],
    ) -> Result<(), VariantError>;
}

/// A [`Call`] on the buffers of backend `B`.
pub(crate) type CallOf<'a, T, B> = Call<
    'a,
    <B as Backend<T>>::Buffer<T>,
    <B as Backend<T>>::Buffer<u32>,
    <B as Backend<T>>::Buffer<u8>,
>;

/// One launch of one kernel of `mandel.cu`, its parameters in the kernel's order: buffers of
/// reals `R`, of counts `C` (`unsigned int`) and of flags `D` (`unsigned char`), then scalars.
pub(crate) enum Call<'a, R, C, D> {
    Elementwise {
        qx: &'a R,
        qy: &'a R,
        out: &'a mut C,
        n: u32,
        maxiter: u32,
    },
    Gridstride {
        qx: &'a R,
        qy: &'a R,
        out: &'a mut C,
        n: u32,
        maxiter: u32,
    },
    ComplexSquare {
        zx: &'a R,
        zy: &'a R,
        tx: &'a mut R,
        ty: &'a mut R,
        n: u32,
    },
    ComplexAdd {
        tx: &'a R,
        ty: &'a R,
        qx: &'a R,
        qy: &'a R,
        zx: &'a mut R,
        zy: &'a mut R,
        n: u32,
    },
    Modulus2 {
        zx: &'a R,
        zy: &'a R,
        m: &'a mut R,
        n: u32,
    },
    Greater {
        m: &'a R,
        done: &'a mut D,
        n: u32,
    },
    ZeroWhere {
        re: &'a mut R,
        im: &'a mut R,
        done: &'a D,
        n: u32,
    },
    SetWhere {
        out: &'a mut C,
        iteration: u32,
        done: &'a D,
        n: u32,
    },
}

impl<R: Len, C: Len, D: Len> Call<'_, R, C, D> {
    /// The kernel's name in `mandel.cu`.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Call::Elementwise { .. } => "elementwise",
            Call::Gridstride { .. } => "gridstride",
            Call::ComplexSquare { .. } => "complex_square",
            Call::ComplexAdd { .. } => "complex_add",
            Call::Modulus2 { .. } => "modulus2",
            Call::Greater { .. } => "greater",
            Call::ZeroWhere { .. } => "zero_where",
            Call::SetWhere { .. } => "set_where",
        }
    }

    /// Refuses a launch whose kernel would index past a buffer: every kernel of `mandel.cu`
    /// touches indices below `n` only, so every buffer must hold at least `n` elements. Both
    /// backends check this before they launch.
    pub(crate) fn check(&self, variant: &'static str) -> Result<(), VariantError> {
        let (n, lens): (u32, Vec<usize>) = match self {
            Call::Elementwise { qx, qy, out, n, .. } | Call::Gridstride { qx, qy, out, n, .. } => {
                (*n, vec![qx.len(), qy.len(), out.len()])
            }
            Call::ComplexSquare { zx, zy, tx, ty, n } => {
                (*n, vec![zx.len(), zy.len(), tx.len(), ty.len()])
            }
            Call::ComplexAdd {
                tx,
                ty,
                qx,
                qy,
                zx,
                zy,
                n,
            } => (
                *n,
                vec![tx.len(), ty.len(), qx.len(), qy.len(), zx.len(), zy.len()],
            ),
            Call::Modulus2 { zx, zy, m, n } => (*n, vec![zx.len(), zy.len(), m.len()]),
            Call::Greater { m, done, n } => (*n, vec![m.len(), done.len()]),
            Call::ZeroWhere { re, im, done, n } => (*n, vec![re.len(), im.len(), done.len()]),
            Call::SetWhere { out, done, n, .. } => (*n, vec![out.len(), done.len()]),
        };
        match lens.iter().find(|&&len| len < n as usize) {
            None => Ok(()),
            Some(len) => Err(VariantError::Runtime {
                variant,
                message: format!(
                    "kernel {} over {n} elements given a buffer of {len}",
                    self.name()
                ),
            }),
        }
    }
}

/// Refuses a launch shape that CUDA refuses: no blocks, no threads, or more than 1024 threads
/// per block. The emulator checks it so as to fail where a device would.
pub(crate) fn check_shape(variant: &'static str, shape: Shape) -> Result<(), VariantError> {
    if shape.blocks == 0 || !(1..=1024).contains(&shape.threads) {
        return Err(VariantError::Runtime {
            variant,
            message: format!(
                "invalid launch shape: {} blocks of {} threads (1 to 1024 threads, at least one block)",
                shape.blocks, shape.threads
            ),
        });
    }
    Ok(())
}
