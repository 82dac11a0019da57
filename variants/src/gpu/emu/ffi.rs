//! The emulator's entry points, as `emu/mandel_emu.cpp` defines them (its `MANDEL_EMU_ENTRIES`):
//! one C function per kernel of `mandel.cu` and per precision, each running one whole launch of
//! `grid` blocks of `block` threads on the calling thread. The C++ compiler checks that each entry
//! passes its parameters on unchanged to its kernel; the declarations here must match the entries.

use crate::gpu::launch::DeviceReal;

/// A per-pixel kernel's entry point: grid, block, `qx`, `qy`, `out`, `n`, `maxiter`.
pub(super) type PerPixelFn<T> =
    unsafe extern "C" fn(u32, u32, *const T, *const T, *mut u32, u32, u32);

/// The emulator's entry points for one precision, one per kernel of `mandel.cu`; each runs one
/// whole launch of `grid` blocks of `block` threads.
pub(super) struct Kernels<T> {
    pub(super) elementwise: PerPixelFn<T>,
    pub(super) gridstride: PerPixelFn<T>,
    pub(super) complex_square:
        unsafe extern "C" fn(u32, u32, *const T, *const T, *mut T, *mut T, u32),
    pub(super) complex_add:
        unsafe extern "C" fn(u32, u32, *const T, *const T, *const T, *const T, *mut T, *mut T, u32),
    pub(super) modulus2: unsafe extern "C" fn(u32, u32, *const T, *const T, *mut T, u32),
    pub(super) greater: unsafe extern "C" fn(u32, u32, *const T, *mut u8, u32),
    pub(super) zero_where: unsafe extern "C" fn(u32, u32, *mut T, *mut T, *const u8, u32),
    pub(super) set_where: unsafe extern "C" fn(u32, u32, *mut u32, u32, *const u8, u32),
}

/// A precision the emulator was built for.
pub(super) trait Emulated: DeviceReal {
    const KERNELS: Kernels<Self>;
}

/// Declares one precision's entry points (emu/mandel_emu.cpp's `MANDEL_EMU_ENTRIES`) and gives
/// them to [`Emulated`].
macro_rules! emulated {
    ($real:ty: $elementwise:ident, $gridstride:ident, $complex_square:ident, $complex_add:ident,
     $modulus2:ident, $greater:ident, $zero_where:ident, $set_where:ident) => {
        unsafe extern "C" {
            fn $elementwise(
                grid: u32,
                block: u32,
                qx: *const $real,
                qy: *const $real,
                out: *mut u32,
                n: u32,
                maxiter: u32,
            );
            fn $gridstride(
                grid: u32,
                block: u32,
                qx: *const $real,
                qy: *const $real,
                out: *mut u32,
                n: u32,
                maxiter: u32,
            );
            fn $complex_square(
                grid: u32,
                block: u32,
                zx: *const $real,
                zy: *const $real,
                tx: *mut $real,
                ty: *mut $real,
                n: u32,
            );
            fn $complex_add(
                grid: u32,
                block: u32,
                tx: *const $real,
                ty: *const $real,
                qx: *const $real,
                qy: *const $real,
                zx: *mut $real,
                zy: *mut $real,
                n: u32,
            );
            fn $modulus2(
                grid: u32,
                block: u32,
                zx: *const $real,
                zy: *const $real,
                m: *mut $real,
                n: u32,
            );
            fn $greater(grid: u32, block: u32, m: *const $real, done: *mut u8, n: u32);
            fn $zero_where(
                grid: u32,
                block: u32,
                re: *mut $real,
                im: *mut $real,
                done: *const u8,
                n: u32,
            );
            fn $set_where(
                grid: u32,
                block: u32,
                out: *mut u32,
                iteration: u32,
                done: *const u8,
                n: u32,
            );
        }

        impl Emulated for $real {
            const KERNELS: Kernels<$real> = Kernels {
                elementwise: $elementwise,
                gridstride: $gridstride,
                complex_square: $complex_square,
                complex_add: $complex_add,
                modulus2: $modulus2,
                greater: $greater,
                zero_where: $zero_where,
                set_where: $set_where,
            };
        }
    };
}

emulated!(f32: emu_elementwise_f32, emu_gridstride_f32, emu_complex_square_f32,
    emu_complex_add_f32, emu_modulus2_f32, emu_greater_f32, emu_zero_where_f32, emu_set_where_f32);
emulated!(f64: emu_elementwise_f64, emu_gridstride_f64, emu_complex_square_f64,
    emu_complex_add_f64, emu_modulus2_f64, emu_greater_f64, emu_zero_where_f64, emu_set_where_f64);

#[cfg(test)]
mod tests {
    use std::process::Command;

    /// The emulator's archive, as build.rs leaves it.
    const ARCHIVE: &str = concat!(env!("OUT_DIR"), "/libmandel_gpu_emu.a");

    #[test]
    fn the_emulator_has_no_fused_multiply_add() {
        let dump = match Command::new("objdump").args(["-d", ARCHIVE]).output() {
            Ok(dump) if dump.status.success() => dump,
            _ => {
                println!("skip: objdump could not disassemble {ARCHIVE} (install binutils)");
                return;
            }
        };
        let text = String::from_utf8_lossy(&dump.stdout);
        assert!(text.contains("emu_elementwise_f64"), "{ARCHIVE}");
        // x86-64's vfmadd/vfmsub/vfnmadd..., AArch64's fmadd/fmsub/fnmadd/fnmsub and fmla.
        let fused: Vec<&str> = text
            .lines()
            .filter(|line| {
                let line = line.to_ascii_lowercase();
                [
                    "vfmadd", "vfmsub", "vfnmadd", "vfnmsub", "fmadd", "fmsub", "fnmadd", "fnmsub",
                    "fmla", "fmls",
                ]
                .iter()
                .any(|op| line.contains(op))
            })
            .collect();
        assert!(
            fused.is_empty(),
            "fused multiply-add in {ARCHIVE}: {fused:?}"
        );
        assert!(super::super::FLAGS.contains("-ffp-contract=off"));
    }
}
