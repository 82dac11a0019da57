//! What a line profile is made from. Its inline chains, read in-process with the `addr2line` crate,
//! say what binutils' `addr2line -i` says for the same addresses: frame for frame, the same file and
//! line (checked on this test's own binary, at addresses spread over its code: the lab's, std's and
//! the crates'). Its instruction counts come from one callgrind run for every variant, in which each
//! variant counts what it counts alone. Without binutils or valgrind these are skipped with a
//! message, except under CI.

mod common;

use std::collections::HashMap;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use mandel_lab::profile::ProfileSummary;
use mandel_lab::profile::lines::{Frame, inline_chains};
use mandel_lab::profile::views::LineProfile;
use object::{Object as _, ObjectSymbol as _};

/// At most this many addresses are compared: enough to cross many inlined calls, few enough to
/// keep the test fast.
const MOST_ADDRESSES: usize = 600;

#[test]
fn inline_chains_match_binutils_addr2line_frame_for_frame() {
    let exe = std::env::current_exe().unwrap();
    let addrs = kernel_addresses(&exe);
    assert!(
        addrs.len() > 100,
        "too few kernel addresses: {}",
        addrs.len()
    );
    let Some(expected) = binutils_chains(&exe, &addrs) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "addr2line is missing; .ci/run installs binutils"
        );
        println!(
            "skip: the comparison with binutils (addr2line not found: apt-get install binutils)"
        );
        return;
    };
    let ours = inline_chains(&exe, &addrs).unwrap();
    // Frames with no line are left out on both sides: binutils names such a place after its
    // compilation unit (`backtrace.53c6eff7bc2664fd-cgu.15:0`), the crate says `??`, and neither
    // is a line a cost can land on.
    let place = |frames: &[Frame]| -> Vec<(String, u32)> {
        (frames.iter())
            .filter(|f| f.line != 0)
            .map(|f| (f.file.clone(), f.line))
            .collect()
    };
    let mut inlined = 0;
    for addr in &addrs {
        let theirs = place(&expected[addr]);
        assert_eq!(place(&ours[addr]), theirs, "at {addr:#x}");
        inlined += usize::from(theirs.len() > 1);
    }
    assert!(inlined > 10, "only {inlined} addresses had inlined frames");
}

#[test]
fn an_address_outside_any_code_is_one_unknown_frame() {
    let exe = std::env::current_exe().unwrap();
    // Past the end of any code (an address near 0 can fall in the ranges the debug info keeps
    // for functions the linker dropped).
    let far = 0xffff_ffff_0000;
    let chains = inline_chains(&exe, &[far]).unwrap();
    let frame = &chains[&far];
    assert_eq!(frame.len(), 1);
    assert_eq!((frame[0].file.as_str(), frame[0].line), ("??", 0));
    assert_eq!(frame[0].function, "??");
}

#[test]
fn a_file_that_is_not_a_binary_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, "not an ELF file").unwrap();
    let err = inline_chains(&path, &[0x1000]).unwrap_err().to_string();
    assert!(err.contains("notes.txt"), "{err}");
}

#[test]
#[ignore = "full tier: two profiling runs under valgrind (about 15 s)"]
fn a_variant_counted_with_others_has_the_line_profile_it_has_alone() {
    if Command::new("valgrind").arg("--version").output().is_err() {
        assert!(std::env::var_os("CI").is_none(), "valgrind is missing");
        println!("skip: the line profiles (valgrind not found: apt-get install valgrind)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let line_profile = |variants: &str, of: &str| -> LineProfile {
        let out = dir.path().join(variants);
        let args = [
            "profile",
            "--quick",
            "--variants",
            variants,
            "--width",
            "20",
            "--height",
            "20",
        ];
        let run = common::lab(&[&args[..], &["--out", out.to_str().unwrap()]].concat());
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let text = std::fs::read_to_string(out.join("profile.json")).unwrap();
        let summary: ProfileSummary = serde_json::from_str(&text).unwrap();
        let profile = summary.variants.into_iter().find(|p| p.variant == of);
        profile
            .and_then(|p| p.line_profile)
            .expect("a line profile")
    };
    let alone = line_profile("expanded", "expanded");
    let together = line_profile("naive,expanded,locals", "expanded");
    // The same lines, each run as often, and the same instructions of the variant's own. What its
    // calls out cost may differ: the allocator finds the heap where the kernels before left it.
    let lines = |lp: &LineProfile| -> Vec<(String, u32, u64)> {
        lp.lines
            .iter()
            .map(|l| (l.file.clone(), l.line, l.hits))
            .collect()
    };
    assert_eq!(lines(&together), lines(&alone));
    let own = |lp: &LineProfile| lp.kernel_cost - lp.calls_out.iter().map(|c| c.1).sum::<u64>();
    assert_eq!(own(&together), own(&alone));
}

/// Addresses spread over every function in `exe` (ELF addresses, as callgrind gives them).
fn kernel_addresses(exe: &Path) -> Vec<u64> {
    let data = std::fs::read(exe).unwrap();
    let file = object::File::parse(&*data).unwrap();
    let mut addrs: Vec<u64> = file
        .symbols()
        .filter(|s| s.kind() == object::SymbolKind::Text && s.size() > 0)
        .flat_map(|s| (s.address()..s.address() + s.size()).step_by(5))
        .collect();
    addrs.sort_unstable();
    addrs.dedup();
    let step = addrs.len().div_ceil(MOST_ADDRESSES).max(1);
    addrs.into_iter().step_by(step).collect()
}

/// binutils' answer for `addrs`, or `None` where `addr2line` is not installed.
fn binutils_chains(exe: &Path, addrs: &[u64]) -> Option<HashMap<u64, Vec<Frame>>> {
    let mut child = Command::new("addr2line")
        .args(["-a", "-f", "-i", "-C", "-e"])
        .arg(exe)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .ok()?;
    let input: String = addrs.iter().map(|a| format!("{a:#x}\n")).collect();
    let mut stdin = child.stdin.take().unwrap();
    // Written from a thread, so that a full output pipe cannot block the write.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(output.status.success(), "addr2line failed");
    Some(parse(&String::from_utf8_lossy(&output.stdout)))
}

/// `addr2line -a -f -i` output: an address line, then function and `file:line` pairs.
fn parse(text: &str) -> HashMap<u64, Vec<Frame>> {
    let mut out: HashMap<u64, Vec<Frame>> = HashMap::new();
    let (mut current, mut function) = (0, None);
    for line in text.lines() {
        if let Some(hex) = line.strip_prefix("0x") {
            current = u64::from_str_radix(hex.trim(), 16).unwrap();
            out.entry(current).or_default();
            continue;
        }
        match function.take() {
            None => function = Some(line.to_string()),
            Some(function) => {
                let location = line.split(" (discriminator").next().unwrap();
                let (file, line) = location.rsplit_once(':').unwrap();
                out.entry(current).or_default().push(Frame {
                    function,
                    file: file.to_string(),
                    line: line.trim().parse().unwrap_or(0),
                });
            }
        }
    }
    out
}
