//! The `mpi` variant across network hosts: `cargo xtask mpi --hostfile --rsh-agent
//! --tcp-include` on a simulated cluster of network namespaces (`common::cluster`), as a user
//! would run it on real machines. Exact answers with every rank's host in `ranks` and the
//! traffic on the cluster's cables; a rank killed on one host, a host that does not answer and a
//! hostfile naming an unknown host, each one line. After every test the machine's namespaces,
//! links and routes are as before, and nothing of the run is left running in any host.
//!
//! The cluster needs root and `ip`; each test says `skip:` without them, and `.ci/run` (as root)
//! sets `MANDEL_LAB_REQUIRE_CLUSTER=1`, which turns a skip into a failure. Like `tests/mpi.rs`,
//! the MPI tests skip without OpenMPI unless `MANDEL_LAB_REQUIRE_MPI` is set.

mod common;

use std::process::{Command, Output, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use common::cluster::{Cluster, machine_state};
use serde_json::Value;

/// One cluster at a time: the tests share two cores, and each compares the machine's state.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// `cargo xtask mpi` on `cluster` with `args`, run in `work`.
fn mpi(cluster: &Cluster, work: &std::path::Path, ranks: usize, args: &[&str]) -> Command {
    let mut cmd = common::xtask(work);
    cmd.args(["mpi", "--ranks", &ranks.to_string(), "--hostfile"])
        .arg(&cluster.hostfile)
        .arg("--rsh-agent")
        .arg(&cluster.agent)
        .args(["--tcp-include", &cluster.subnet])
        .args(args);
    cmd
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs `test` on a cluster of `hosts` hosts with `slots` each, then checks that nothing is left
/// running in it and, once it is removed, that the machine's namespaces, links and routes are
/// as before.
fn on_cluster(hosts: usize, slots: usize, test: impl FnOnce(&Cluster, &std::path::Path)) {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    if !common::have_mpi() {
        return;
    }
    let before = machine_state();
    {
        let Some(cluster) = Cluster::up(hosts, slots) else {
            return;
        };
        let work = common::work_dir();
        test(&cluster, work.path());
        assert_eq!(cluster.processes(), Vec::<String>::new(), "left running");
        let sessions: Vec<_> = std::fs::read_dir(work.path().join("tmp"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert!(
            sessions.is_empty(),
            "mpirun's session folder is left: {sessions:?}"
        );
    }
    assert_eq!(machine_state(), before, "the machine's network changed");
}

/// Checks an exact run's `ranks`: one per rank, on `hosts` different hosts with `per_host` each.
fn check_exact(out: &Output, cluster: &Cluster, ranks: usize, per_host: usize) -> Value {
    assert!(out.status.success(), "{}", stderr(out));
    let record: Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(record["status"], "OK", "{record}");
    assert_eq!(record["mismatched_pixels"], 0);
    assert_eq!(record["validation_sum"], record["expected_sum"]);
    let list = record["ranks"].as_array().expect("a ranks array");
    assert_eq!(list.len(), ranks, "{record}");
    let mut units = 0;
    for (i, r) in list.iter().enumerate() {
        assert_eq!(r["rank"].as_u64(), Some(i as u64));
        assert!(r["busy_seconds"].as_f64().is_some_and(|s| s >= 0.0), "{r}");
        units += r["units"].as_u64().unwrap();
    }
    assert_eq!(units, record["chunks"].as_u64().unwrap_or(16), "{record}");
    for h in &cluster.hosts {
        let on = list.iter().filter(|r| r["host"] == h.name.as_str()).count();
        assert_eq!(on, per_host, "host {}: {record}", h.name);
    }
    record
}

#[test]
#[ignore = "full tier: a simulated cluster of network namespaces (root), OpenMPI"]
fn three_hosts_one_rank_each_give_the_tutorials_sum_over_tcp() {
    on_cluster(3, 1, |cluster, work| {
        let out = mpi(cluster, work, 3, &["--format", "json"])
            .output()
            .unwrap();
        let record = check_exact(&out, cluster, 3, 1);
        assert_eq!(record["validation_sum"], record["known_sum"], "{record}");
        // Each host's units went over its cable: the work units' points are 16 bytes a pixel.
        for (i, h) in cluster.hosts.iter().enumerate() {
            assert!(
                cluster.bytes(i) > 100_000,
                "{}: {} bytes",
                h.name,
                cluster.bytes(i)
            );
        }
    });
}

#[test]
#[ignore = "full tier: a simulated cluster of network namespaces (root), OpenMPI"]
fn two_hosts_two_ranks_each_match_the_reference_over_tcp() {
    on_cluster(2, 2, |cluster, work| {
        let args = [
            "--width",
            "400",
            "--height",
            "300",
            "--maxiter",
            "300",
            "--chunks",
            "24",
        ];
        let before = cluster.bytes(1);
        let out = mpi(
            cluster,
            work,
            4,
            &[&args[..], &["--format", "json"]].concat(),
        )
        .output()
        .unwrap();
        check_exact(&out, cluster, 4, 2);
        // The second host's two ranks got their units over TCP, through its cable.
        assert!(
            cluster.bytes(1) - before > 20_000,
            "{} bytes",
            cluster.bytes(1)
        );
    });
}

#[test]
#[ignore = "full tier: a simulated cluster of network namespaces (root), OpenMPI"]
fn a_rank_killed_on_one_host_is_named_and_leaves_nothing_behind() {
    on_cluster(3, 1, |cluster, work| {
        let image = work.join("picture.png");
        let args = [
            "--width",
            "3000",
            "--height",
            "3000",
            "--maxiter",
            "3000",
            "--timeout",
            "120",
        ];
        let child = mpi(cluster, work, 3, &args)
            .arg("--image")
            .arg(&image)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The first run builds the lab with MPI: wait for the rank on the last host to start.
        let until = Instant::now() + Duration::from_secs(900);
        let pid = loop {
            if let Some(pid) = cluster.pid_of(2, "mandel-lab") {
                break pid;
            }
            assert!(
                Instant::now() < until,
                "the rank on the last host never started"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        std::thread::sleep(Duration::from_millis(1500));
        let killed = Instant::now();
        // SAFETY: kill(2) has no memory-safety preconditions.
        unsafe {
            libc::kill(pid as libc::pid_t, libc::SIGKILL);
        }
        let out = child.wait_with_output().unwrap();
        assert!(
            killed.elapsed() < Duration::from_secs(60),
            "{:?}",
            killed.elapsed()
        );
        let err = stderr(&out);
        assert!(!out.status.success(), "{err}");
        let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
        assert_eq!(errors.len(), 1, "{err}");
        let host = &cluster.hosts[2].address;
        assert!(
            errors[0].contains("a rank died") && errors[0].contains(&format!("on host {host}")),
            "{err}"
        );
        assert!(
            !image.exists(),
            "a picture of a run that failed was written"
        );
    });
}

#[test]
#[ignore = "full tier: a simulated cluster of network namespaces (root), OpenMPI"]
fn a_host_that_does_not_answer_ends_the_run_in_one_line_within_the_timeout() {
    on_cluster(3, 1, |cluster, work| {
        // Build first, so that the timeout measures the run alone.
        let out = mpi(cluster, work, 3, &["--width", "20", "--height", "20"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        cluster.unplug(2);
        let started = Instant::now();
        let out = mpi(cluster, work, 3, &["--timeout", "8"]).output().unwrap();
        let took = started.elapsed();
        let err = stderr(&out);
        assert!(!out.status.success(), "{err}");
        // mpirun's own --timeout, well before xtask's watchdog (the timeout and 30 s).
        assert!(took < Duration::from_secs(30), "{took:?}: {err}");
        let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
        assert_eq!(errors.len(), 1, "{err}");
        assert!(
            errors[0].contains("did not finish within 8 s") && errors[0].contains("did not answer"),
            "{err}"
        );
    });
}

#[test]
#[ignore = "full tier: a simulated cluster of network namespaces (root), OpenMPI"]
fn the_thread_sweeps_mpi_step_runs_across_the_cluster() {
    on_cluster(2, 1, |cluster, work| {
        let out = common::xtask(work)
            .args([
                "sweep", "threads", "--quick", "--values", "1", "--ranks", "2",
            ])
            .arg("--hostfile")
            .arg(&cluster.hostfile)
            .arg("--rsh-agent")
            .arg(&cluster.agent)
            .args(["--tcp-include", &cluster.subnet])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let file = work.join("reports/sweeps/threads.json");
        let sweep: Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
        let points = sweep["points"].as_array().unwrap();
        let mpi = points
            .iter()
            .find(|p| p["value"] == 2 && p["status"] == "OK" && p["variant"] == "mpi")
            .unwrap_or_else(|| panic!("no exact point on 2 ranks: {sweep}"));
        assert_eq!(mpi["mismatched_pixels"], 0);
        // Its units went to the second host over its cable.
        assert!(cluster.bytes(1) > 20_000, "{} bytes", cluster.bytes(1));
    });
}

/// Set in the child of [`a_cluster_whose_test_process_is_killed_is_removed_all_the_same`].
const CHILD: &str = "MANDEL_LAB_CLUSTER_TEST_CHILD";

#[test]
#[ignore = "full tier: a simulated cluster of network namespaces (root)"]
fn a_cluster_whose_test_process_is_killed_is_removed_all_the_same() {
    if std::env::var_os(CHILD).is_some() {
        // The child: makes a cluster, says so, and waits to be killed.
        let _cluster = Cluster::up(3, 1).expect("a cluster");
        println!("cluster up");
        std::thread::sleep(Duration::from_secs(600));
        return;
    }
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let before = machine_state();
    for signal in [libc::SIGKILL, libc::SIGINT] {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--ignored", "--exact", "--nocapture"])
            .arg("a_cluster_whose_test_process_is_killed_is_removed_all_the_same")
            .env(CHILD, "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines =
            std::io::BufRead::lines(std::io::BufReader::new(child.stdout.take().unwrap()));
        let up = lines.any(|l| l.is_ok_and(|l| l.contains("cluster up")));
        if !up {
            let out = child.wait_with_output().unwrap();
            let err = stderr(&out);
            // Where no cluster can be made here, the child said `skip:` and why.
            assert!(err.contains("skip: simulated cluster"), "{err}");
            return;
        }
        assert_ne!(machine_state(), before, "the child's cluster is not there");
        // SAFETY: kill(2) has no memory-safety preconditions; the child has not been waited for.
        unsafe {
            libc::kill(child.id() as libc::pid_t, signal);
        }
        let _ = child.wait();
        // The reaper removes it as soon as the child's end of its pipe closes.
        let until = Instant::now() + Duration::from_secs(20);
        while machine_state() != before && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(100));
        }
        assert_eq!(
            machine_state(),
            before,
            "signal {signal}: the cluster is left"
        );
    }
}

#[test]
#[ignore = "full tier: resolves a host name that does not exist"]
fn a_hostfile_naming_an_unknown_host_is_refused_before_anything_starts() {
    let work = common::work_dir();
    let hostfile = work.path().join("hosts");
    std::fs::write(
        &hostfile,
        "127.0.0.1 slots=1\nno-such-host.invalid slots=1\n",
    )
    .unwrap();
    let out = common::xtask_fast(work.path())
        .args(["mpi", "--ranks", "2", "--hostfile"])
        .arg(&hostfile)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(
        err.lines().count(),
        1,
        "not one line, or something started: {err}"
    );
    assert!(
        err.contains("line 2: unknown host 'no-such-host.invalid'"),
        "{err}"
    );
}

#[test]
fn bad_cluster_options_are_refused_in_one_line_before_anything_starts() {
    let work = common::work_dir();
    let hostfile = work.path().join("hosts");
    std::fs::write(&hostfile, "127.0.0.1 slots=2\n").unwrap();
    let hosts = hostfile.to_str().unwrap();
    for (args, needle) in [
        (&["--tcp-include", "10.0.0.1/24"][..], "host bits set"),
        (&["--tcp-include", "10.0.0.0"], "CIDR"),
        (&["--tcp-include", "eth0"], "CIDR"),
        (&["--rsh-agent", "/bin/sh"], "needs --hostfile"),
        (
            &["--hostfile", hosts, "--rsh-agent", "/no/such/agent"],
            "not an executable",
        ),
        (&["--hostfile", hosts, "--rsh-agent", ""], "empty"),
        (
            &["--hostfile", hosts, "--ranks", "3"],
            "more than the 2 slots",
        ),
    ] {
        let out = common::xtask_fast(work.path())
            .arg("mpi")
            .args(args)
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}
