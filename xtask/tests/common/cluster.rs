//! A simulated cluster for the MPI tests: N network namespaces on this machine, each a host with
//! its own host name (its own UTS namespace, set by the launcher), its own address on a private
//! bridge that routes nowhere else, loopback up; a hostfile of their addresses and the launcher
//! mpirun calls like ssh (`agent HOST COMMAND...`: `ip netns exec` into the host's namespace).
//!
//! Everything is named `mlt<pid>c<k>...` (this test process's pid, a counter), made on a subnet
//! of 10.213.0.0/16 that no route or address of the machine overlaps, and removed with every
//! process inside it when the cluster is dropped, also on a panic. A reaper process started with
//! the cluster removes it too when this process dies any other way (Ctrl-C, SIGTERM, SIGKILL),
//! and each new cluster first removes the leftovers of a test process that no longer exists.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Set by `.ci/run`: the cluster must be made there, so a skip is a failure.
pub const REQUIRE: &str = "MANDEL_LAB_REQUIRE_CLUSTER";

static CLUSTERS: AtomicUsize = AtomicUsize::new(0);

/// One simulated host.
#[derive(Debug, Clone)]
pub struct Host {
    /// Its host name (what `gethostname` says inside it).
    pub name: String,
    pub netns: String,
    pub address: String,
    /// The bridge's end of its cable, in this machine's namespace.
    pub veth: String,
}

/// A running simulated cluster; dropping it removes it.
pub struct Cluster {
    pub subnet: String,
    pub hosts: Vec<Host>,
    pub hostfile: PathBuf,
    pub agent: PathBuf,
    bridge: String,
    cleanup: String,
    _dir: tempfile::TempDir,
    reaper: Option<(Child, ChildStdin)>,
}

/// What the tests compare before and after: this machine's namespaces, links and routes.
pub fn machine_state() -> String {
    [
        "ip netns list",
        "ip -o link show",
        "ip route show",
        "ip -6 route show",
    ]
    .iter()
    .map(|c| sh(c).unwrap_or_default())
    .collect::<Vec<_>>()
    .join("\n")
}

/// Why no cluster can be made here, if so (not root, `ip`, `unshare` or `hostname` missing).
fn missing() -> Option<String> {
    let root = std::fs::read_to_string("/proc/self/status").is_ok_and(|s| {
        s.lines()
            .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"))
    });
    if !root {
        return Some("network namespaces need root (run the tests as root, as CI does)".into());
    }
    for (tool, package) in [
        ("ip", "iproute2"),
        ("unshare", "util-linux"),
        ("hostname", "hostname"),
    ] {
        if sh(&format!("command -v {tool}")).is_err() {
            return Some(format!(
                "{tool} not found (Debian: apt-get install {package})"
            ));
        }
    }
    None
}

impl Cluster {
    /// Makes `n` hosts of `slots` slots each; `None` (after saying `skip:` and why) where the
    /// machine cannot, unless [`REQUIRE`] is set.
    pub fn up(n: usize, slots: usize) -> Option<Cluster> {
        assert!((1..=9).contains(&n));
        let made = match missing() {
            Some(why) => Err(why),
            None => Cluster::make(n, slots),
        };
        match made {
            Ok(cluster) => Some(cluster),
            Err(why) => {
                assert!(
                    std::env::var_os(REQUIRE).is_none(),
                    "{REQUIRE} is set but: {why}"
                );
                eprintln!("skip: simulated cluster ({why})");
                None
            }
        }
    }

    fn make(n: usize, slots: usize) -> Result<Cluster, String> {
        remove_stale();
        let pid = std::process::id();
        let k = CLUSTERS.fetch_add(1, Ordering::SeqCst) % 10;
        let prefix = format!("mlt{pid}c{k}");
        let third = free_subnet(pid as usize + k)?;
        let subnet = format!("10.213.{third}.0/24");
        let bridge = format!("{prefix}br");
        let hosts: Vec<Host> = (0..n)
            .map(|i| Host {
                name: format!("node{i}"),
                netns: format!("{prefix}-h{i}"),
                address: format!("10.213.{third}.{}", 10 + i),
                veth: format!("{prefix}v{i}"),
            })
            .collect();
        let mut cleanup = String::new();
        for h in &hosts {
            cleanup += &format!(
                "for p in $(ip netns pids {ns} 2>/dev/null); do kill -9 $p; done\n",
                ns = h.netns
            );
        }
        cleanup += "sleep 0.2\n";
        for h in &hosts {
            cleanup += &format!("ip netns del {} 2>/dev/null\n", h.netns);
            cleanup += &format!("ip link del {} 2>/dev/null\n", h.veth);
        }
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        // The hostfile and agent go too when the reaper cleans up after a killed test.
        cleanup += &format!(
            "ip link del {bridge} 2>/dev/null\nrm -rf '{}'\ntrue\n",
            dir.path().display()
        );
        let mut cluster = Cluster {
            subnet,
            hostfile: dir.path().join("hostfile"),
            agent: dir.path().join("agent"),
            hosts,
            bridge,
            cleanup,
            _dir: dir,
            reaper: None,
        };
        cluster.reaper = Some(reaper(&cluster.cleanup)?);
        cluster.build(third, slots)?;
        Ok(cluster)
    }

    /// The bridge with its address, then each host: namespace, cable, address, loopback.
    fn build(&self, third: usize, slots: usize) -> Result<(), String> {
        let br = &self.bridge;
        let mut script = format!(
            "set -e\nip link add {br} type bridge\nip addr add 10.213.{third}.1/24 dev {br}\n\
             ip link set {br} up\n"
        );
        let mut hostfile = String::new();
        let mut cases = String::new();
        for h in &self.hosts {
            let (ns, v, a) = (&h.netns, &h.veth, &h.address);
            script += &format!(
                "ip netns add {ns}\nip link add {v} type veth peer name {v}p\n\
                 ip link set {v} master {br}\nip link set {v} up\nip link set {v}p netns {ns}\n\
                 ip -n {ns} link set {v}p name eth0\nip -n {ns} addr add {a}/24 dev eth0\n\
                 ip -n {ns} link set eth0 up\nip -n {ns} link set lo up\n"
            );
            hostfile += &format!("{a} slots={slots}\n");
            cases += &format!("  {a}) ns={ns}; name={} ;;\n", h.name);
        }
        std::fs::write(&self.hostfile, hostfile).map_err(|e| e.to_string())?;
        let agent = format!(
            "#!/bin/sh\n# mpirun calls this like ssh: agent HOST COMMAND...\nhost=$1; shift\n\
             case \"$host\" in\n{cases}  *) echo \"agent: no host $host in this cluster\" >&2; \
             exit 255 ;;\nesac\nexec ip netns exec \"$ns\" unshare --uts sh -c \
             'hostname \"$1\"; shift; exec sh -c \"$*\"' agent \"$name\" \"$@\"\n"
        );
        std::fs::write(&self.agent, agent).map_err(|e| e.to_string())?;
        sh(&format!("chmod +x '{}'", self.agent.display()))?;
        sh(&script).map(|_| ())
    }

    /// The processes still running inside the hosts (zombies, already dead, left out).
    pub fn processes(&self) -> Vec<String> {
        let mut found = Vec::new();
        for h in &self.hosts {
            for pid in sh(&format!("ip netns pids {}", h.netns))
                .unwrap_or_default()
                .split_whitespace()
            {
                let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
                let state = stat.rsplit(") ").next().and_then(|s| s.chars().next());
                if !matches!(state, None | Some('Z')) {
                    found.push(format!("{} in {}: {}", pid, h.name, stat.trim()));
                }
            }
        }
        found
    }

    /// The pid of `program` running inside host `i`, if any.
    pub fn pid_of(&self, i: usize, program: &str) -> Option<u32> {
        sh(&format!("ip netns pids {}", self.hosts[i].netns))
            .unwrap_or_default()
            .split_whitespace()
            .find(|pid| {
                std::fs::read_to_string(format!("/proc/{pid}/comm"))
                    .is_ok_and(|c| c.trim() == program)
            })
            .and_then(|pid| pid.parse().ok())
    }

    /// Bytes through host `i`'s cable, both ways.
    pub fn bytes(&self, i: usize) -> u64 {
        ["rx_bytes", "tx_bytes"]
            .iter()
            .map(|f| {
                let path = format!("/sys/class/net/{}/statistics/{f}", self.hosts[i].veth);
                std::fs::read_to_string(path)
                    .ok()
                    .and_then(|s| s.trim().parse::<u64>().ok())
                    .unwrap_or(0)
            })
            .sum()
    }

    /// Unplugs host `i`'s cable from the bridge: it runs, and nothing it sends arrives.
    pub fn unplug(&self, i: usize) {
        sh(&format!("ip link set {} nomaster", self.hosts[i].veth)).expect("unplug");
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = sh(&self.cleanup);
        if let Some((mut child, stdin)) = self.reaper.take() {
            drop(stdin);
            let _ = child.wait();
        }
    }
}

/// A process that runs `cleanup` when its standard input closes: when the cluster is dropped,
/// or when this test process dies without dropping it. It ignores the terminal's Ctrl-C.
fn reaper(cleanup: &str) -> Result<(Child, ChildStdin), String> {
    let script = format!("trap '' INT TERM HUP\ncat >/dev/null\n{cleanup}");
    let mut child = Command::new("setsid")
        .args(["sh", "-c", &script])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start the cluster's reaper: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("no reaper stdin")?;
    stdin.flush().map_err(|e| e.to_string())?;
    Ok((child, stdin))
}

/// A third octet for 10.213.X.0/24 that no route or address here overlaps (the default route
/// aside), starting from `seed`.
fn free_subnet(seed: usize) -> Result<usize, String> {
    let taken = sh("ip -4 route show; ip -4 -o addr show")?;
    let prefixes: Vec<(u32, u32)> = taken
        .split_whitespace()
        .filter_map(|word| {
            let (addr, bits) = word.split_once('/').unwrap_or((word, "32"));
            let addr: std::net::Ipv4Addr = addr.parse().ok()?;
            let bits: u32 = bits.parse().ok().filter(|b| *b <= 32)?;
            Some((u32::from(addr), bits))
        })
        .collect();
    for step in 0..200 {
        let third = 20 + (seed + step * 7) % 200;
        let ours = u32::from(std::net::Ipv4Addr::new(10, 213, third as u8, 0));
        let overlaps = prefixes.iter().any(|&(addr, bits)| {
            let bits = bits.min(24);
            let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
            addr & mask == ours & mask
        });
        if !overlaps {
            return Ok(third);
        }
    }
    Err("every 10.213.X.0/24 overlaps a route or address of this machine".into())
}

/// Removes the namespaces and links of clusters whose test process is gone.
fn remove_stale() {
    let names = sh("ip netns list; ip -o link show").unwrap_or_default();
    let mut dead = std::collections::BTreeSet::new();
    for word in names.split(|c: char| c.is_whitespace() || c == ':' || c == '@') {
        let Some(rest) = word.strip_prefix("mlt") else {
            continue;
        };
        let pid: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if !pid.is_empty() && !std::path::Path::new("/proc").join(&pid).exists() {
            dead.insert(word.to_string());
        }
    }
    for name in dead {
        let _ = sh(&format!(
            "for p in $(ip netns pids {name} 2>/dev/null); do kill -9 $p; done; \
             ip netns del {name} 2>/dev/null || ip link del {name} 2>/dev/null; true"
        ));
    }
}

/// Runs `script` with sh: its standard output, or its standard error as the error.
fn sh(script: &str) -> Result<String, String> {
    let out = Command::new("sh")
        .args(["-c", script])
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}
