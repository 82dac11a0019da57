//! The cluster options of an MPI launch, checked before anything starts: the hostfile (every
//! line's host an address or a name that resolves, its `slots=` counts), the daemons' launcher
//! (`--rsh-agent`, a program that exists) and the ranks' network (`--tcp-include`, a CIDR block).
//! Each refusal is one line, which the caller turns into exit code 2.

use std::net::{Ipv4Addr, ToSocketAddrs};
use std::path::Path;

/// The largest hostfile read: far beyond any cluster's list of hosts.
const MAX_HOSTFILE_BYTES: u64 = 1 << 20;

/// The most slots one hostfile line may give (OpenMPI's own limit is far higher; no machine
/// has more cores than this).
const MAX_SLOTS: usize = 1 << 16;

/// What a hostfile lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hostfile {
    /// Each line's host, in order.
    pub hosts: Vec<String>,
    /// The slots of every line added up, where every line gives `slots=`.
    pub slots: Option<usize>,
}

/// Reads and checks the hostfile at `path` (OpenMPI's format: `HOST [slots=N] [max_slots=N]`,
/// `#` comments).
pub fn read_hostfile(path: &Path) -> Result<Hostfile, String> {
    let name = path.display();
    let meta = std::fs::metadata(path).map_err(|e| format!("--hostfile {name}: {e}"))?;
    if !meta.is_file() {
        return Err(format!("--hostfile {name}: not a regular file"));
    }
    if meta.len() > MAX_HOSTFILE_BYTES {
        return Err(format!(
            "--hostfile {name}: {} bytes, more than a list of hosts could be (at most {MAX_HOSTFILE_BYTES})",
            meta.len()
        ));
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("--hostfile {name}: {e}"))?;
    parse_hostfile(&text).map_err(|e| format!("--hostfile {name}: {e}"))
}

/// Parses a hostfile's text; each error names its line.
pub fn parse_hostfile(text: &str) -> Result<Hostfile, String> {
    let mut hosts = Vec::new();
    let mut slots = Some(0usize);
    for (i, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        let mut words = line.split_whitespace();
        let Some(host) = words.next() else { continue };
        let at = |what: String| format!("line {}: {what}", i + 1);
        check_host(host).map_err(at)?;
        let mut line_slots = None;
        for word in words {
            let (key, value) = word.split_once('=').unwrap_or((word, ""));
            if !matches!(key, "slots" | "max_slots" | "max-slots") {
                return Err(at(format!(
                    "'{word}' is not slots=N or max_slots=N (OpenMPI's hostfile format: HOST \
                     [slots=N] [max_slots=N])"
                )));
            }
            let n = match value.parse::<usize>() {
                Ok(n) if (1..=MAX_SLOTS).contains(&n) => n,
                _ => {
                    return Err(at(format!(
                        "'{word}': {key} must be a whole number from 1 to {MAX_SLOTS}"
                    )));
                }
            };
            if key == "slots" {
                line_slots = Some(n);
            }
        }
        slots = slots.zip(line_slots).map(|(a, b)| a + b);
        hosts.push(host.to_string());
    }
    if hosts.is_empty() {
        return Err("lists no host (one line per host: HOST [slots=N])".into());
    }
    Ok(Hostfile { hosts, slots })
}

/// An IP address, or a host name that resolves here (mpirun must reach it by that name).
fn check_host(host: &str) -> Result<(), String> {
    if host.parse::<std::net::IpAddr>().is_ok() {
        return Ok(());
    }
    let valid = host.len() <= 253
        && host.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
        });
    if !valid {
        return Err(format!("'{host}' is not a host name or an IP address"));
    }
    match (host, 0).to_socket_addrs().map(|mut addrs| addrs.next()) {
        Ok(Some(_)) => Ok(()),
        _ => Err(format!(
            "unknown host '{host}': it is not an address and does not resolve here"
        )),
    }
}

/// Why `--tcp-include` text is not an IPv4 network in CIDR form (`10.1.2.0/24`).
pub fn parse_cidr(text: &str) -> Result<String, String> {
    let refuse = || format!("'{text}' is not an IPv4 network in CIDR form, such as 10.1.2.0/24");
    let (address, bits) = text.split_once('/').ok_or_else(refuse)?;
    let address: Ipv4Addr = address.parse().map_err(|_| refuse())?;
    let bits: u32 = match bits.parse() {
        Ok(b) if b <= 32 && !bits.starts_with('+') => b,
        _ => return Err(refuse()),
    };
    let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
    if u32::from(address) & !mask != 0 {
        return Err(format!(
            "'{text}' has host bits set: the network is {}/{bits}",
            Ipv4Addr::from(u32::from(address) & mask)
        ));
    }
    Ok(text.to_string())
}

/// Why `--rsh-agent` is not a program that can be run: its first word must be an executable file
/// (a path, or a name on PATH).
pub fn check_agent(agent: &str) -> Result<(), String> {
    let Some(program) = agent.split_whitespace().next() else {
        return Err(
            "--rsh-agent is empty: give the program that starts a command on a host, \
                    called like ssh (AGENT HOST COMMAND...)"
                .into(),
        );
    };
    let runnable = |p: &Path| {
        use std::os::unix::fs::PermissionsExt;
        p.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    };
    let found = if program.contains('/') {
        runnable(Path::new(program))
    } else {
        std::env::var_os("PATH").is_some_and(|path| {
            std::env::split_paths(&path).any(|dir| runnable(&dir.join(program)))
        })
    };
    if found {
        Ok(())
    } else {
        Err(format!(
            "--rsh-agent {agent}: '{program}' is not an executable file{}",
            if program.contains('/') {
                ""
            } else {
                " on PATH"
            }
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hostfile_of_addresses_and_slots_is_read() {
        let file =
            parse_hostfile("# cluster\n10.0.0.1 slots=2\n\n127.0.0.1 slots=1 # me\n").unwrap();
        assert_eq!(file.hosts, ["10.0.0.1", "127.0.0.1"]);
        assert_eq!(file.slots, Some(3));
        let without = parse_hostfile("127.0.0.1\nlocalhost slots=4\n").unwrap();
        assert_eq!(without.slots, None);
    }

    #[test]
    fn bad_hostfiles_are_refused_naming_the_line() {
        for (text, needle) in [
            ("", "lists no host"),
            ("# only a comment\n", "lists no host"),
            ("127.0.0.1 slots=0\n", "line 1"),
            ("127.0.0.1\n127.0.0.1 slots=x\n", "line 2"),
            ("127.0.0.1 cpus=2\n", "not slots=N"),
            ("bad_name!\n", "not a host name"),
            ("-x\n", "not a host name"),
        ] {
            let e = parse_hostfile(text).unwrap_err();
            assert!(e.contains(needle), "{text:?}: {e}");
        }
    }

    #[test]
    fn cidr_blocks_are_checked() {
        assert!(parse_cidr("10.213.7.0/24").is_ok());
        assert!(parse_cidr("0.0.0.0/0").is_ok());
        for bad in [
            "10.0.0.0",
            "10.0.0/24",
            "10.0.0.0/33",
            "10.0.0.1/24",
            "x/8",
            "10.0.0.0/+8",
        ] {
            assert!(parse_cidr(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_agent_must_be_an_executable_program() {
        assert!(check_agent("sh -c").is_ok());
        assert!(check_agent("/bin/sh").is_ok());
        assert!(check_agent("").is_err());
        assert!(check_agent("/no/such/agent").is_err());
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("not-a-program");
        std::fs::write(&plain, "text").unwrap();
        assert!(check_agent(plain.to_str().unwrap()).is_err());
        assert!(check_agent(dir.path().to_str().unwrap()).is_err());
    }
}
