//! Where the lab finds the CUDA tools that `cargo xtask gpu-tools --install` puts under
//! `target/gpu-tools/` (NVRTC, ptxas, nvdisasm from NVIDIA's wheels), and how NVRTC is loaded
//! from there without the user setting anything.
//!
//! cudarc loads NVRTC with `dlopen` by name (`libnvrtc.so`, `libnvrtc.so.12`, ...), which searches
//! the loader's path only. But glibc's `dlopen` answers a name with a library already loaded
//! under that soname, so [`load_nvrtc`] loads the wheel's `libnvrtc.so.12` by its full path
//! first, and cudarc's own lookup then finds it. An NVRTC on the loader's path wins: the one here
//! is only loaded where cudarc would find none.

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The environment variable that names the tools' folder, overriding every other place.
pub const TOOLS_ENV: &str = "MANDEL_LAB_GPU_TOOLS";

/// The environment variable through which xtask names the workspace it drives.
const WORKSPACE_ENV: &str = "MANDEL_LAB_WORKSPACE";

/// The command that installs the tools, for messages.
pub const INSTALL_TOOLS: &str = "cargo xtask gpu-tools --install";

/// NVRTC inside the tools' folder, as the `nvidia-cuda-nvrtc-cu12` wheel lays it out (xtask's
/// `gpu_tools.rs` holds the same three paths).
const NVRTC: &str = "nvidia/cuda_nvrtc/lib/libnvrtc.so.12";
/// ptxas, from the `nvidia-cuda-nvcc-cu12` wheel.
const PTXAS: &str = "nvidia/cuda_nvcc/bin/ptxas";
/// nvdisasm, from the `nvidia-cuda-nvdisasm` wheel (published from CUDA 13 on only).
const NVDISASM: &str = "nvidia/cu13/bin/nvdisasm";

/// Where the tools are looked for: `$MANDEL_LAB_GPU_TOOLS`, else `$CARGO_TARGET_DIR/gpu-tools`,
/// else `<workspace>/target/gpu-tools`, the workspace being `$MANDEL_LAB_WORKSPACE` (set by
/// xtask), else the checkout this crate was built in. Whether or not the folder exists.
pub fn expected_dir() -> PathBuf {
    let set = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(dir) = set(TOOLS_ENV) {
        return PathBuf::from(dir);
    }
    // The crate is `variants/` of the workspace it was built in.
    let built_in = Path::new(env!("CARGO_MANIFEST_DIR"));
    let workspace = set(WORKSPACE_ENV)
        .map(PathBuf::from)
        .unwrap_or_else(|| built_in.parent().unwrap_or(built_in).to_path_buf());
    match set("CARGO_TARGET_DIR") {
        // A relative target folder is relative to where cargo ran: the workspace, for xtask.
        Some(target) => workspace.join(target).join("gpu-tools"),
        None => workspace.join("target/gpu-tools"),
    }
}

/// The tools' folder, where it exists.
pub fn tools_dir() -> Option<PathBuf> {
    Some(expected_dir()).filter(|dir| dir.is_dir())
}

/// The wheel's `libnvrtc.so.12`, where installed.
pub fn nvrtc_library() -> Option<PathBuf> {
    tool(NVRTC)
}

/// `ptxas`, where installed.
pub fn ptxas() -> Option<PathBuf> {
    tool(PTXAS)
}

/// `nvdisasm`, where installed.
pub fn nvdisasm() -> Option<PathBuf> {
    tool(NVDISASM)
}

/// Makes NVRTC loadable by cudarc: it is already on the loader's path, or the tools' folder has
/// it and it is loaded from there now (once per process). The error says where it was looked
/// for and how to install it.
pub fn load_nvrtc() -> Result<(), String> {
    static LOADED: OnceLock<Result<(), String>> = OnceLock::new();
    LOADED.get_or_init(find_nvrtc).clone()
}

/// NVRTC's version, once [`load_nvrtc`] has succeeded.
pub fn nvrtc_version() -> Option<(i32, i32)> {
    load_nvrtc().ok()?;
    let (mut major, mut minor) = (0, 0);
    // SAFETY: NVRTC is loadable (checked above); the call writes two integers it is handed.
    let result = unsafe { cudarc::nvrtc::sys::nvrtcVersion(&mut major, &mut minor) };
    (result == cudarc::nvrtc::sys::nvrtcResult::NVRTC_SUCCESS).then_some((major, minor))
}

/// `relative` inside the tools' folder, where it is a file.
fn tool(relative: &str) -> Option<PathBuf> {
    Some(expected_dir().join(relative)).filter(|path| path.is_file())
}

fn find_nvrtc() -> Result<(), String> {
    // SAFETY: only tries to load the library by cudarc's names, and unloads what it found.
    if unsafe { cudarc::nvrtc::sys::is_culib_present() } {
        return Ok(());
    }
    let Some(library) = nvrtc_library() else {
        return Err(format!(
            "NVRTC, which compiles the kernels, is neither on the loader's path (libnvrtc.so, \
             libnvrtc.so.12 and older; a CUDA 13 toolkit's libnvrtc.so.13 needs a libnvrtc.so \
             link to it on LD_LIBRARY_PATH) nor in {} (install: {INSTALL_TOOLS})",
            expected_dir().display()
        ));
    };
    dlopen_global(&library)?;
    // SAFETY: as above; the library loaded just now answers to its soname, libnvrtc.so.12.
    if unsafe { cudarc::nvrtc::sys::is_culib_present() } {
        Ok(())
    } else {
        Err(format!(
            "{} loaded, but cudarc still cannot find NVRTC by name (its soname is not \
             libnvrtc.so.12?): reinstall with {INSTALL_TOOLS}",
            library.display()
        ))
    }
}

/// Loads `library` for the rest of the process, its symbols global, its dependencies now.
fn dlopen_global(library: &Path) -> Result<(), String> {
    let path = CString::new(library.as_os_str().as_bytes())
        .map_err(|_| format!("{}: a path with a NUL byte", library.display()))?;
    // SAFETY: `path` is a NUL-terminated string that outlives the call. Loading NVRTC runs only
    // its own initialisers, and the handle is never closed, so its code stays mapped for cudarc.
    let handle = unsafe { libc::dlopen(path.as_ptr(), libc::RTLD_NOW | libc::RTLD_GLOBAL) };
    if !handle.is_null() {
        return Ok(());
    }
    // SAFETY: dlerror returns null or a NUL-terminated message valid until the next dl* call on
    // this thread, copied out at once.
    let why = unsafe {
        let message = libc::dlerror();
        if message.is_null() {
            "unknown error".to_string()
        } else {
            std::ffi::CStr::from_ptr(message)
                .to_string_lossy()
                .into_owned()
        }
    };
    Err(format!(
        "cannot load {}: {why} (reinstall: {INSTALL_TOOLS})",
        library.display()
    ))
}
