//! The GPU variants' kernels executed on the CPU ("device emulation", as nvcc's `-deviceemu` once
//! offered), so that a machine without a GPU can still check them.
//!
//! `build.rs` compiles the very text of `mandel.cu` with g++ (`emu/mandel_emu.cpp`, in float and
//! in double), with a small header (`emu/cuda_emu.h`) that defines CUDA's qualifiers and built-in
//! indices and runs every launch as loops over blocks and threads, without fused multiply-add.
//! [`emulate`] drives those kernels with each variant's own host-side sequence (the `Sequence`
//! its `prepare` binds to the device), the vector variant's seven launches per iteration
//! included. Every emulator buffer has a guard of canaries after its end, checked after each
//! launch, so a kernel that writes past its `n` elements fails the run instead of passing.
//!
//! What it proves is the source: the kernels' indexing, their bounds, the grid-stride loop, the
//! order of the floating-point operations, and the host's sequence of copies and launches. It
//! proves nothing about a device (NVRTC's code, the scheduling, the memory, the speed), and it is
//! never timed: it is not a variant and is never registered as one.

mod ffi;

use std::marker::PhantomData;

use ffi::Emulated;

use super::launch::{Backend, Call, CallOf, Element, Len, Sequence, Shape, check_shape};
use super::{cuda_elementwise, cuda_gridstride, cuda_vector};
use crate::{Problem, Tuning, Variant, VariantError};

/// The flags the emulator's C++ was compiled with (no `-ffp-contract=fast`, no fast math).
pub const FLAGS: &str = env!("MANDEL_EMU_FLAGS");

/// Runs `variant`'s host-side sequence on the CPU emulator for `problem` with `tuning` (launch
/// shapes included) and returns the counts, one per pixel in row-major order. `variant` must be
/// one of the six `cuda-*` variants; it need not be available here.
pub fn emulate(
    variant: &Variant,
    problem: &Problem<'_>,
    tuning: &Tuning,
) -> Result<Vec<u32>, VariantError> {
    let name = variant.name;
    let mut out = vec![0; problem.pixels()];
    match name {
        _ if name == cuda_vector::F32.name => {
            run::<f32, _>(name, cuda_vector::sequence(name, problem)?, &mut out)
        }
        _ if name == cuda_vector::F64.name => {
            run::<f64, _>(name, cuda_vector::sequence(name, problem)?, &mut out)
        }
        _ if name == cuda_elementwise::F32.name => {
            run::<f32, _>(name, cuda_elementwise::sequence(name, problem)?, &mut out)
        }
        _ if name == cuda_elementwise::F64.name => {
            run::<f64, _>(name, cuda_elementwise::sequence(name, problem)?, &mut out)
        }
        _ if name == cuda_gridstride::F32.name => run::<f32, _>(
            name,
            cuda_gridstride::sequence(name, problem, tuning)?,
            &mut out,
        ),
        _ if name == cuda_gridstride::F64.name => run::<f64, _>(
            name,
            cuda_gridstride::sequence(name, problem, tuning)?,
            &mut out,
        ),
        _ => Err(VariantError::Unavailable {
            variant: name,
            why: "the GPU emulator runs the cuda-* variants only".into(),
        }),
    }?;
    Ok(out)
}

fn run<T: Emulated, S: Sequence>(
    variant: &'static str,
    sequence: S,
    out: &mut [u32],
) -> Result<(), VariantError> {
    sequence.run(
        &Emulator::<T> {
            variant,
            real: PhantomData,
        },
        out,
    )
}

/// The CPU as a device: buffers are vectors in host memory, launches run `mandel.cu`'s kernels
/// compiled for the CPU, one thread after another, and everything is finished when it returns.
struct Emulator<T> {
    variant: &'static str,
    real: PhantomData<T>,
}

/// Elements of [`Element::CANARY`] after the end of every emulator buffer: as many as a block's
/// most threads, so that a kernel launched one thread per element (shapes that cover `n` with
/// whole blocks) and missing its bounds check writes into the guard, where the emulator sees it,
/// and never past the allocation. (A grid-stride loop without its bound would never end.)
const GUARD: usize = 1024;

/// An emulator buffer: `len` elements followed by [`GUARD`] canaries.
struct Guarded<E> {
    data: Vec<E>,
    len: usize,
}

impl<E: Element> Guarded<E> {
    fn new(host: &[E]) -> Guarded<E> {
        let mut data = Vec::with_capacity(host.len() + GUARD);
        data.extend_from_slice(host);
        data.resize(host.len() + GUARD, E::CANARY);
        Guarded {
            data,
            len: host.len(),
        }
    }

    /// Whether the guard still holds its canaries.
    fn intact(&self) -> bool {
        self.data[self.len..].iter().all(|&e| e == E::CANARY)
    }

    fn ptr(&self) -> *const E {
        self.data.as_ptr()
    }

    fn mut_ptr(&mut self) -> *mut E {
        self.data.as_mut_ptr()
    }
}

impl<E> Len for Guarded<E> {
    fn len(&self) -> usize {
        self.len
    }
}

impl<T: Emulated> Backend<T> for Emulator<T> {
    type Buffer<E: Element> = Guarded<E>;

    fn upload<E: Element>(&self, host: &[E]) -> Result<Guarded<E>, VariantError> {
        Ok(Guarded::new(host))
    }

    fn zeros<E: Element>(&self, len: usize) -> Result<Guarded<E>, VariantError> {
        // `Element`s are the kernels' numbers, whose default is zero.
        Ok(Guarded::new(&vec![E::default(); len]))
    }

    fn download<E: Element>(
        &self,
        device: &Guarded<E>,
        host: &mut [E],
    ) -> Result<(), VariantError> {
        if host.len() != device.len {
            return Err(VariantError::Runtime {
                variant: self.variant,
                message: format!(
                    "copy from the device: {} elements into {}",
                    device.len,
                    host.len()
                ),
            });
        }
        host.copy_from_slice(&device.data[..device.len]);
        Ok(())
    }

    fn launch(&self, shape: Shape, call: CallOf<'_, T, Self>) -> Result<(), VariantError> {
        check_shape(self.variant, shape)?;
        call.check(self.variant)?;
        let name = call.name();
        let k = &T::KERNELS;
        let (g, b) = (shape.blocks, shape.threads);
        // SAFETY: each entry point is declared below with the C types of its definition in
        // emu/mandel_emu.cpp, which passes them on unchanged to the kernel of the same name in
        // mandel.cu (the C++ compiler refuses any disagreement). The pointers come from live
        // buffers, the mutable ones from exclusive borrows, so no buffer a kernel writes is
        // reached through another argument. `call.check` has made sure every buffer holds the
        // `n` elements the kernels index, and each allocation has GUARD more after them.
        let intact = unsafe {
            match call {
                Call::Elementwise {
                    qx,
                    qy,
                    out,
                    n,
                    maxiter,
                } => {
                    (k.elementwise)(g, b, qx.ptr(), qy.ptr(), out.mut_ptr(), n, maxiter);
                    out.intact()
                }
                Call::Gridstride {
                    qx,
                    qy,
                    out,
                    n,
                    maxiter,
                } => {
                    (k.gridstride)(g, b, qx.ptr(), qy.ptr(), out.mut_ptr(), n, maxiter);
                    out.intact()
                }
                Call::ComplexSquare { zx, zy, tx, ty, n } => {
                    (k.complex_square)(g, b, zx.ptr(), zy.ptr(), tx.mut_ptr(), ty.mut_ptr(), n);
                    tx.intact() && ty.intact()
                }
                Call::ComplexAdd {
                    tx,
                    ty,
                    qx,
                    qy,
                    zx,
                    zy,
                    n,
                } => {
                    (k.complex_add)(
                        g,
                        b,
                        tx.ptr(),
                        ty.ptr(),
                        qx.ptr(),
                        qy.ptr(),
                        zx.mut_ptr(),
                        zy.mut_ptr(),
                        n,
                    );
                    zx.intact() && zy.intact()
                }
                Call::Modulus2 { zx, zy, m, n } => {
                    (k.modulus2)(g, b, zx.ptr(), zy.ptr(), m.mut_ptr(), n);
                    m.intact()
                }
                Call::Greater { m, done, n } => {
                    (k.greater)(g, b, m.ptr(), done.mut_ptr(), n);
                    done.intact()
                }
                Call::ZeroWhere { re, im, done, n } => {
                    (k.zero_where)(g, b, re.mut_ptr(), im.mut_ptr(), done.ptr(), n);
                    re.intact() && im.intact()
                }
                Call::SetWhere {
                    out,
                    iteration,
                    done,
                    n,
                } => {
                    (k.set_where)(g, b, out.mut_ptr(), iteration, done.ptr(), n);
                    out.intact()
                }
            }
        };
        if !intact {
            return Err(VariantError::Runtime {
                variant: self.variant,
                message: format!(
                    "kernel {name} wrote past the end of a buffer ({} blocks of {} threads)",
                    shape.blocks, shape.threads
                ),
            });
        }
        Ok(())
    }

    fn synchronize(&self) -> Result<(), VariantError> {
        Ok(())
    }
}
