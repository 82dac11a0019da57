//! Interrupting `cargo xtask report`, the sweeps, `profile` and `flags` at a random moment: Ctrl-C
//! as a terminal sends it (SIGINT to the whole process group), SIGINT to xtask alone (as `kill`
//! sends it), and SIGINT followed at once by SIGKILL of xtask. Each must leave the previous
//! report, its JSON and the profiles byte for byte as they were (each folder is one transaction:
//! a run that does not finish changes nothing), no temporary file in `reports/`,
//! `flamegraphs/` or the temporary folder, and no process of its own (the lab, valgrind, cargo)
//! still running.
//!
//! Runs in a scratch work folder (`MANDEL_LAB_WORK_DIR`) on a 20 x 20 grid (`flags`, whose cells
//! measure the tutorial's problem, on one cell of the default build). Each interrupted run asks
//! for another maxiter than the runs before it, so that a profile cut short could be seen mixing
//! two problems: every view `profile.json` lists must be there and be of its problem.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::{snapshot, work_dir, xtask};

const SMALL: &[&str] = &["--width", "20", "--height", "20", "--maxiter", "50"];

/// The commands interrupted, each complete and small.
fn commands() -> Vec<Vec<&'static str>> {
    let with = |head: &[&'static str], tail: &[&'static str]| -> Vec<&'static str> {
        head.iter().chain(SMALL).chain(tail).copied().collect()
    };
    vec![
        with(
            &["report", "--quick", "--variants", "naive,expanded"],
            &["--samples", "10"],
        ),
        with(&["profile", "--quick", "--variants", "naive"], &[]),
        with(&["sweep-chunks", "--quick", "--sizes", "10,100"], &[]),
        with(
            &["sweep-threads", "--quick", "--no-mpi", "--threads", "1,2"],
            &[],
        ),
        vec![
            "sweep",
            "maxiter",
            "--quick",
            "--values",
            "20,50",
            "--width",
            "20",
            "--height",
            "20",
            "--variants",
            "expanded",
        ],
        // The default build only (the first run builds it into target/flags, about a minute from
        // nothing; later runs find it built), one cell on the tutorial's problem, then the
        // report's re-render: a few seconds.
        vec![
            "flags",
            "--quick",
            "--builds",
            "release",
            "--variants",
            "expanded",
        ],
    ]
}

/// How the run is interrupted.
#[derive(Debug, Clone, Copy)]
enum Interruption {
    /// SIGINT to the process group, as a terminal's Ctrl-C.
    TerminalCtrlC,
    /// SIGINT to xtask alone.
    KillInt,
    /// SIGINT to xtask, then SIGKILL 50 ms later.
    KillIntThenKill,
}

/// Interrupts `pid` the way `how` says.
fn interrupt(pid: u32, how: Interruption) {
    match how {
        Interruption::TerminalCtrlC => signal(pid, true, libc::SIGINT),
        Interruption::KillInt => signal(pid, false, libc::SIGINT),
        Interruption::KillIntThenKill => {
            signal(pid, false, libc::SIGINT);
            std::thread::sleep(Duration::from_millis(50));
            signal(pid, false, libc::SIGKILL);
        }
    }
}

fn signal(pid: u32, group: bool, sig: libc::c_int) {
    let pid = pid as libc::pid_t;
    // SAFETY: kill(2) has no memory-safety preconditions.
    unsafe {
        libc::kill(if group { -pid } else { pid }, sig);
    }
}

/// A process that still runs (not a zombie), from /proc.
struct Proc {
    pid: u32,
    name: String,
    pgrp: Option<u32>,
    /// `/proc/PID/cwd`, where it may be read.
    cwd: Option<PathBuf>,
}

/// Every live process, from /proc.
fn processes() -> Vec<Proc> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // The command name in parentheses, then the fields: state, ppid, pgrp.
        let Some((head, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if fields.first() == Some(&"Z") {
            continue;
        }
        out.push(Proc {
            pid,
            name: head.split_once('(').map_or("?", |(_, n)| n).to_string(),
            pgrp: fields.get(2).and_then(|g| g.parse().ok()),
            cwd: std::fs::read_link(entry.path().join("cwd")).ok(),
        });
    }
    out
}

/// The pids of the processes in process group `pgid` that still run.
fn group_members(pgid: u32) -> Vec<(u32, String)> {
    processes()
        .into_iter()
        .filter(|p| p.pgrp == Some(pgid))
        .map(|p| (p.pid, p.name))
        .collect()
}

/// Starts xtask `args` in its own process group in `work`.
fn start(work: &Path, args: &[&str]) -> Child {
    use std::os::unix::process::CommandExt;
    xtask(work)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .unwrap()
}

fn wait_for(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let until = Instant::now() + limit;
    while Instant::now() < until {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

/// What must hold of the work folder whatever happened: every result file whole, no temporary
/// files. `killed`: xtask was SIGKILLed, so a lab temporary file may be left in the instant
/// between its creation and its rename (hidden, `.NAME.tmpPID`); the next write removes it.
fn assert_whole(work: &Path, killed: bool, context: &str) {
    for dir in ["reports", "reports/sweeps", "flamegraphs"] {
        // The sweeps' folder exists once a sweep has saved.
        let Ok(entries) = std::fs::read_dir(work.join(dir)) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = entry.path();
            if name.starts_with(".run-") {
                // A profile's scratch folder: removed by the lab on an interruption it sees, and
                // by the next profile after a SIGKILL.
                assert!(killed, "{context}: scratch folder {name} left in {dir}/");
                continue;
            }
            if name.contains(".tmp") {
                assert!(
                    killed && name.starts_with('.'),
                    "{context}: temporary file {name} left in {dir}/"
                );
                continue;
            }
            if name.ends_with(".json") {
                let text = std::fs::read(&path).unwrap();
                let value: serde_json::Value = serde_json::from_slice(&text)
                    .unwrap_or_else(|e| panic!("{context}: {dir}/{name} is not whole: {e}"));
                assert!(
                    value.get("schema_version").is_some(),
                    "{context}: {dir}/{name}"
                );
            }
            if name.ends_with(".html") {
                let text = std::fs::read_to_string(&path).unwrap();
                assert!(
                    text.trim_end().ends_with("</html>"),
                    "{context}: {dir}/{name} is cut short"
                );
            }
            if name.ends_with(".svg") {
                let text = std::fs::read_to_string(&path).unwrap();
                assert!(
                    text.trim_end().ends_with("</svg>"),
                    "{context}: {dir}/{name} is cut short"
                );
            }
        }
    }
    if !killed {
        let left: Vec<_> = std::fs::read_dir(work.join("tmp"))
            .unwrap()
            .flatten()
            .collect();
        assert!(
            left.is_empty(),
            "{context}: temporary folders left: {left:?}"
        );
    }
}

/// Every file of `reports/` and `flamegraphs/` with its bytes.
fn folders(work: &Path) -> Vec<BTreeMap<PathBuf, Vec<u8>>> {
    ["reports", "flamegraphs"]
        .map(|d| snapshot(&work.join(d)))
        .into()
}

/// `args` with its `--maxiter` value (if any) replaced by `maxiter`.
fn with_maxiter(args: &[&'static str], maxiter: &'static str) -> Vec<&'static str> {
    let mut out = args.to_vec();
    if let Some(i) = out.iter().position(|a| *a == "--maxiter") {
        out[i + 1] = maxiter;
    }
    out
}

/// What must hold of the profiles whatever happened: every view `flamegraphs/profile.json` lists
/// is there, and each flamegraph is of the problem it names (its subtitle gives the maxiter). A
/// profile cut short must leave the previous views with the previous summary, not a mix.
fn assert_views_match_summary(work: &Path, context: &str) {
    let dir = work.join("flamegraphs");
    let Ok(text) = std::fs::read(dir.join("profile.json")) else {
        return;
    };
    let summary: serde_json::Value = serde_json::from_slice(&text).unwrap();
    let maxiter = &summary["spec"]["maxiter"];
    for v in summary["variants"].as_array().unwrap() {
        for key in ["folded", "flamegraph", "line_profile_page", "hot_loop_page"] {
            if let Some(file) = v[key].as_str() {
                assert!(
                    dir.join(file).is_file(),
                    "{context}: profile.json lists {file}, which is missing"
                );
            }
        }
        // Each variant's entry names the problem it was profiled on (a profile of some variants
        // updates theirs within the set); older entries go by the summary's.
        let maxiter = v["spec"]["maxiter"]
            .as_u64()
            .map_or(maxiter.clone(), Into::into);
        let svg = v["flamegraph"].as_str().unwrap();
        let text = std::fs::read_to_string(dir.join(svg)).unwrap();
        assert!(
            text.contains(&format!("maxiter {maxiter};")),
            "{context}: {svg} is not of its entry's problem in profile.json (maxiter {maxiter})"
        );
    }
}

/// A random-enough moment: the tests need variety across runs, not reproducible pseudo-randomness.
fn random_millis(max: u64) -> u64 {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    u64::from(nanos) % max
}

#[test]
#[ignore = "full tier: every xtask command run and interrupted three ways, about 5 to 9 minutes"]
fn interrupting_any_command_keeps_the_previous_results_whole_and_leaves_nothing_behind() {
    let work = work_dir();
    let commands = commands();
    // The previous results: every command run once to the end.
    for args in &commands {
        let mut child = start(work.path(), args);
        let status = wait_for(&mut child, Duration::from_secs(600)).expect("finishes");
        assert!(status.success(), "{args:?} failed: {status}");
    }
    assert!(work.path().join("reports/results.json").is_file());
    assert!(work.path().join("reports/index.html").is_file());
    assert!(work.path().join("flamegraphs/profile.json").is_file());
    assert_whole(work.path(), false, "after the first runs");
    assert_views_match_summary(work.path(), "after the first runs");

    // A new problem for every interrupted run (maxiter 51, 52, ...), so that no interrupted
    // profile writes views that could pass for the previous run's.
    const MAXITERS: [&str; 18] = [
        "51", "52", "53", "54", "55", "56", "57", "58", "59", "60", "61", "62", "63", "64", "65",
        "66", "67", "68",
    ];
    let mut maxiters = MAXITERS.iter();
    let started = Instant::now();
    for (i, args) in commands.iter().enumerate() {
        for how in [
            Interruption::TerminalCtrlC,
            Interruption::KillInt,
            Interruption::KillIntThenKill,
        ] {
            let args = &with_maxiter(args, maxiters.next().unwrap());
            let before = folders(work.path());
            let mut child = start(work.path(), args);
            let pid = child.id();
            // Past xtask's no-op build (about a second), into the lab's work.
            let at = 800 + random_millis(2500);
            std::thread::sleep(Duration::from_millis(at));
            let context = format!("{args:?} interrupted by {how:?} after {at} ms");
            interrupt(pid, how);
            let status = wait_for(&mut child, Duration::from_secs(20));
            let Some(status) = status else {
                signal(pid, true, libc::SIGKILL);
                panic!("{context}: still running 20 s after SIGINT");
            };
            let killed = matches!(how, Interruption::KillIntThenKill);
            if !killed {
                // Finished first (0) or interrupted (130), never another failure.
                assert!(
                    matches!(status.code(), Some(0 | 130)),
                    "{context}: {status}"
                );
            }
            // The children go with xtask (parent-death signal), within a moment.
            let until = Instant::now() + Duration::from_secs(10);
            let mut left = group_members(pid);
            while !left.is_empty() && Instant::now() < until {
                std::thread::sleep(Duration::from_millis(50));
                left = group_members(pid);
            }
            assert!(left.is_empty(), "{context}: processes left: {left:?}");
            assert_whole(work.path(), killed, &context);
            assert_views_match_summary(work.path(), &context);
            // Each folder is one transaction: a run that did not finish changed nothing at all.
            if !status.success() {
                assert!(
                    folders(work.path()) == before,
                    "{context}: the folders changed, though the run did not finish"
                );
            }
            // The case count stays bounded even on a slow machine.
            assert!(i < commands.len() && started.elapsed() < Duration::from_secs(300));
        }
    }
    // A run to the end afterwards writes whole files and removes any temporary file a SIGKILL
    // left behind.
    for args in &commands {
        let mut child = start(work.path(), args);
        let status = wait_for(&mut child, Duration::from_secs(600)).expect("finishes");
        assert!(
            status.success(),
            "{args:?} after the interruptions: {status}"
        );
    }
    assert_whole(work.path(), false, "after the last runs");
    assert_views_match_summary(work.path(), "after the last runs");
}

/// The processes, anywhere, whose working folder is `work`, by name: mpirun and its ranks run
/// there, whatever process group OpenMPI puts them in.
fn working_in(work: &Path) -> Vec<(u32, String)> {
    let work = work.canonicalize().unwrap();
    processes()
        .into_iter()
        .filter(|p| p.cwd.as_deref() == Some(work.as_path()))
        .map(|p| (p.pid, p.name))
        .collect()
}

#[test]
#[ignore = "full tier: builds the lab with MPI and runs mpirun"]
fn interrupting_an_mpi_run_leaves_no_rank_behind() {
    let has_mpirun = std::process::Command::new("mpirun")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_mpirun {
        assert!(
            std::env::var_os("MANDEL_LAB_REQUIRE_MPI").is_none(),
            "MANDEL_LAB_REQUIRE_MPI is set but mpirun is missing"
        );
        println!(
            "skip: no mpirun (Debian: apt-get install openmpi-bin libopenmpi-dev libclang-dev)"
        );
        return;
    }
    let work = work_dir();
    // Long enough to be interrupted while both ranks compute.
    let args = [
        "mpi",
        "--ranks",
        "2",
        "--width",
        "2000",
        "--height",
        "2000",
        "--maxiter",
        "5000",
    ];
    for how in [
        Interruption::TerminalCtrlC,
        Interruption::KillInt,
        Interruption::KillIntThenKill,
    ] {
        let mut child = start(work.path(), &args);
        let pid = child.id();
        // The first start builds the lab with MPI (minutes); then wait for both ranks.
        let until = Instant::now() + Duration::from_secs(900);
        loop {
            let ranks = working_in(work.path())
                .iter()
                .filter(|(_, name)| name == "mandel-lab")
                .count();
            if ranks >= 2 {
                break;
            }
            if let Some(status) = child.try_wait().unwrap() {
                panic!("{how:?}: cargo xtask mpi ended ({status}) before its ranks were seen");
            }
            if Instant::now() > until {
                signal(pid, true, libc::SIGKILL);
                panic!("{how:?}: no ranks after 15 minutes");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        std::thread::sleep(Duration::from_millis(200 + random_millis(800)));
        interrupt(pid, how);
        let Some(status) = wait_for(&mut child, Duration::from_secs(20)) else {
            signal(pid, true, libc::SIGKILL);
            panic!("{how:?}: cargo xtask mpi still running 20 s after SIGINT");
        };
        if !matches!(how, Interruption::KillIntThenKill) {
            assert_eq!(status.code(), Some(130), "{how:?}: {status}");
        }
        // mpirun and both ranks go with xtask, within a moment.
        let until = Instant::now() + Duration::from_secs(10);
        let mut left = working_in(work.path());
        while !left.is_empty() && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(50));
            left = working_in(work.path());
        }
        assert!(left.is_empty(), "{how:?}: processes left: {left:?}");
    }
}
