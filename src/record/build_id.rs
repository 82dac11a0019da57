//! Which build of the lab is running: the binary's own fingerprint and the checkout it was
//! compiled in, recorded with every measurement beside the git revision.
//!
//! The fingerprint is the GNU build ID the linker writes into the executable (`readelf -n`,
//! `file` and debuggers show the same one): a hash of the linked output, so two binaries share it
//! only if they are the same build, it changes with any change to the code, and reading it costs a
//! few small reads, not a pass over a 50 MB file. Where a linker wrote none, the fingerprint is an
//! FNV-1a hash of the whole executable, which identifies the build as well, at that cost. Either is
//! read from `/proc/self/exe`, the file this very process runs, once per process. A value made at
//! build time (a timestamp, a counter from a build script) would not do: cargo reruns a build
//! script only when its inputs change, not when the code does.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// The checkout this binary was compiled in, as `.cargo/config.toml` names it to every cargo
/// command run there; reading it also keys the lab's build to its checkout (see that file).
const CHECKOUT: Option<&str> = option_env!("MANDEL_LAB_CHECKOUT");

/// The folder cargo compiled the lab in: the checkout, where the variable above is missing (a
/// build from a checkout without that setting).
const MANIFEST_DIR: &str = env!("CARGO_MANIFEST_DIR");

/// The build that produced a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildId {
    /// `build-id:<hex>`, the executable's GNU build ID, or `fnv1a64:<hex>` of its bytes.
    pub fingerprint: String,
    /// The checkout the binary was compiled in.
    pub checkout: String,
}

impl BuildId {
    /// This process's build, read once.
    pub fn this() -> BuildId {
        static THIS: OnceLock<BuildId> = OnceLock::new();
        THIS.get_or_init(|| BuildId {
            fingerprint: fingerprint(Path::new("/proc/self/exe"))
                .unwrap_or_else(|e| format!("unknown ({e})")),
            checkout: checkout(),
        })
        .clone()
    }
}

/// The checkout this binary was compiled in, without a trailing separator.
pub fn checkout() -> String {
    let dir = CHECKOUT.unwrap_or(MANIFEST_DIR);
    let trimmed = dir.trim_end_matches('/');
    if trimmed.is_empty() { dir } else { trimmed }.to_string()
}

/// The fingerprint of the executable at `path`: its GNU build ID, else an FNV-1a hash of it.
pub fn fingerprint(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    if let Some(id) = gnu_build_id(&mut file)? {
        return Ok(format!("build-id:{}", hex(&id)));
    }
    file.seek(SeekFrom::Start(0))?;
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut block = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut block)?;
        if n == 0 {
            break;
        }
        for &b in &block[..n] {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    Ok(format!("fnv1a64:{hash:016x}"))
}

/// The note `NT_GNU_BUILD_ID` of a 64-bit little-endian ELF file, from its `PT_NOTE` segments;
/// `None` for another kind of file or one without the note.
fn gnu_build_id(file: &mut std::fs::File) -> std::io::Result<Option<Vec<u8>>> {
    const PT_NOTE: u32 = 4;
    const NT_GNU_BUILD_ID: u32 = 3;
    let mut header = [0u8; 64];
    if file.read_exact(&mut header).is_err() || &header[..4] != b"\x7fELF" {
        return Ok(None);
    }
    // ELFCLASS64, little-endian: the layout read below.
    if header[4] != 2 || header[5] != 1 {
        return Ok(None);
    }
    let phoff = u64_at(&header, 0x20);
    let phentsize = u64::from(u16::from_le_bytes([header[0x36], header[0x37]]));
    let phnum = u64::from(u16::from_le_bytes([header[0x38], header[0x39]]));
    for i in 0..phnum {
        let mut ph = [0u8; 56];
        file.seek(SeekFrom::Start(phoff + i * phentsize))?;
        file.read_exact(&mut ph)?;
        if u32_at(&ph, 0) != PT_NOTE {
            continue;
        }
        // A note segment is small (tens of bytes); anything larger is not one to trust.
        let size = u64_at(&ph, 32).min(1 << 16) as usize;
        let mut notes = vec![0u8; size];
        file.seek(SeekFrom::Start(u64_at(&ph, 8)))?;
        file.read_exact(&mut notes)?;
        let mut at = 0;
        while at + 12 <= notes.len() {
            let (name_size, desc_size) =
                (u32_at(&notes, at) as usize, u32_at(&notes, at + 4) as usize);
            let kind = u32_at(&notes, at + 8);
            let name_at = at + 12;
            let desc_at = name_at + name_size.div_ceil(4) * 4;
            let end = desc_at + desc_size.div_ceil(4) * 4;
            if desc_at + desc_size > notes.len() {
                break;
            }
            if kind == NT_GNU_BUILD_ID && notes[name_at..name_at + name_size] == *b"GNU\0" {
                return Ok(Some(notes[desc_at..desc_at + desc_size].to_vec()));
            }
            at = end;
        }
    }
    Ok(None)
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().expect("four bytes"))
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().expect("eight bytes"))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_running_test_binary_has_the_build_id_readelf_shows() {
        let exe = std::env::current_exe().unwrap();
        let ours = fingerprint(&exe).unwrap();
        let Ok(out) = std::process::Command::new("readelf")
            .arg("-n")
            .arg(&exe)
            .output()
        else {
            println!("skip: readelf not found (Debian: apt-get install binutils)");
            return;
        };
        let text = String::from_utf8_lossy(&out.stdout);
        match text
            .lines()
            .find_map(|l| l.trim().strip_prefix("Build ID: "))
        {
            Some(id) => assert_eq!(ours, format!("build-id:{id}")),
            None => assert!(ours.starts_with("fnv1a64:"), "{ours}"),
        }
    }

    #[test]
    fn a_file_without_a_build_id_is_hashed_whole_and_a_change_changes_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("not-elf");
        std::fs::write(&path, b"a").unwrap();
        // FNV-1a 64 of "a", the published test vector.
        assert_eq!(fingerprint(&path).unwrap(), "fnv1a64:af63dc4c8601ec8c");
        std::fs::write(&path, b"b").unwrap();
        assert_ne!(fingerprint(&path).unwrap(), "fnv1a64:af63dc4c8601ec8c");
    }
}
