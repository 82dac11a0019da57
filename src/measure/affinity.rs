//! The CPUs the lab runs on: `--cpus` pins the process (and every thread it starts afterwards,
//! rayon's and criterion's included) to a chosen set with `sched_setaffinity(2)`, and the set is
//! recorded with the results ([`crate::record::conditions::Conditions::cpus`]).

use crate::LabError;
use crate::record::conditions::cpu_list;

/// Parses `--cpus`: CPU numbers and ranges, `0,1` or `0-3,8`. Every CPU must be one the lab may
/// run on now; bad input is one line.
pub fn parse(list: &str) -> Result<Vec<usize>, LabError> {
    let bad = |why: String| LabError::bad_input(format!("--cpus {list}: {why}"));
    let mut cpus = Vec::new();
    for part in list.split(',') {
        let number = |s: &str| {
            s.trim()
                .parse::<usize>()
                .map_err(|_| bad(format!("'{s}' is not a CPU number")))
        };
        let (a, b) = match part.split_once('-') {
            Some((a, b)) => (number(a)?, number(b)?),
            None => (number(part)?, number(part)?),
        };
        if a > b {
            return Err(bad(format!("the range {a}-{b} runs backwards")));
        }
        if b >= libc::CPU_SETSIZE as usize {
            return Err(bad(format!("CPU {b} is beyond any machine's CPU set")));
        }
        cpus.extend(a..=b);
    }
    cpus.sort_unstable();
    cpus.dedup();
    let allowed = current().unwrap_or_default();
    if let Some(cpu) = cpus.iter().find(|c| !allowed.contains(c)) {
        return Err(bad(format!(
            "CPU {cpu} is not one this process may run on ({})",
            cpu_list(&allowed)
        )));
    }
    Ok(cpus)
}

/// The CPUs this process may run on now, sorted; `None` where the kernel does not say.
pub fn current() -> Option<Vec<usize>> {
    // SAFETY: a zeroed cpu_set_t is a valid, empty set.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    // SAFETY: `set` is a cpu_set_t of the size passed, owned by this frame; pid 0 is this thread.
    let rc = unsafe { libc::sched_getaffinity(0, size_of::<libc::cpu_set_t>(), &mut set) };
    if rc != 0 {
        return None;
    }
    let cpus = (0..libc::CPU_SETSIZE as usize)
        // SAFETY: `cpu` is below CPU_SETSIZE, the set's capacity.
        .filter(|&cpu| unsafe { libc::CPU_ISSET(cpu, &set) })
        .collect();
    Some(cpus)
}

/// Pins this process's calling thread, and so every thread it starts from now on, to `cpus`
/// (from [`parse`]). Called before any pool is built, so that the whole measurement runs there.
pub fn pin(cpus: &[usize]) -> Result<(), LabError> {
    // SAFETY: a zeroed cpu_set_t is a valid, empty set.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    for &cpu in cpus {
        // SAFETY: `parse` keeps every CPU below CPU_SETSIZE, the set's capacity.
        unsafe { libc::CPU_SET(cpu, &mut set) };
    }
    // SAFETY: `set` is a cpu_set_t of the size passed; pid 0 is the calling thread.
    let rc = unsafe { libc::sched_setaffinity(0, size_of::<libc::cpu_set_t>(), &set) };
    if rc != 0 {
        return Err(LabError::bad_input(format!(
            "--cpus {}: the kernel refused: {}",
            cpu_list(cpus),
            std::io::Error::last_os_error()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_lists_parse_and_bad_ones_are_refused_in_one_line() {
        let allowed = current().unwrap();
        let first = allowed[0];
        assert_eq!(parse(&first.to_string()).unwrap(), vec![first]);
        assert_eq!(
            parse(&format!("{first}-{first},{first}")).unwrap(),
            vec![first]
        );
        for bad in ["", "x", "1-0", "-1", "100000", "0,,1"] {
            let e = parse(bad).unwrap_err().to_string();
            assert!(e.starts_with("--cpus"), "{bad}: {e}");
            assert!(!e.contains('\n'), "{e}");
        }
    }
}
