//! Pure formatting of quantities: seconds, sizes and the time of day as every stage writes them.
//!
//! A leaf: nothing here imports from the crate, so any module may use it without a cycle.

/// Seconds with a unit that keeps four significant digits: `1.234 s`, `193.4 ms`, `71.20 µs`.
pub fn format_seconds(s: f64) -> String {
    let (v, unit) = match s {
        0.0 => return "0".into(),
        s if s >= 1.0 => (s, "s"),
        s if s >= 1e-3 => (s * 1e3, "ms"),
        s if s >= 1e-6 => (s * 1e6, "µs"),
        s => (s * 1e9, "ns"),
    };
    let decimals = match v {
        v if v >= 100.0 => 1,
        v if v >= 10.0 => 2,
        _ => 3,
    };
    format!("{v:.decimals$} {unit}")
}

/// `32 KiB`, `2 MiB`.
pub fn human_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 => format!("{} KiB", b >> 10),
        b => format!("{b} B"),
    }
}

/// The current time as RFC 3339 UTC, to the second.
pub fn now_rfc3339() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

#[cfg(test)]
mod tests {
    use super::{format_seconds, human_size};

    #[test]
    fn seconds_keep_four_significant_digits() {
        assert_eq!(format_seconds(1.2345), "1.234 s");
        assert_eq!(format_seconds(0.19341), "193.4 ms");
        assert_eq!(format_seconds(7.12e-5), "71.20 µs");
        assert_eq!(format_seconds(5e-9), "5.000 ns");
        assert_eq!(format_seconds(0.0), "0");
    }

    #[test]
    fn sizes_in_binary_units() {
        assert_eq!(human_size(2 << 20), "2 MiB");
        assert_eq!(human_size(48 << 10), "48 KiB");
    }
}
