//! What the lab's and xtask's command lines do alike: negative numbers as option values, and
//! clap's errors in the one-line form.
//!
//! clap renders an error over several lines: the message, sometimes an indented list of what it
//! is about (the missing `--variant <NAME>`, the valid values) or a `tip:`, then a usage block and
//! a pointer to `--help`. Taking the first line alone lost the substance ("the following required
//! arguments were not provided:" and nothing after it), so the message and its details are joined
//! into one line and only the usage block and the pointer are dropped.

/// `command` with every option of its subcommands (and of theirs) taking a negative number as its
/// value, and every list option a value that begins with a hyphen. Without that, clap reads
/// `--maxiter -1` as the option without a value followed by an unknown flag `-1`, and its error
/// ("unexpected argument '-1' found") loses the option's name; with it, the value reaches the
/// option's parser, whose error names both.
pub fn accept_negative_numbers(command: clap::Command) -> clap::Command {
    command.mut_subcommands(|sub| {
        accept_negative_numbers(sub.mut_args(|arg| {
            let takes_value = arg.get_action().takes_values();
            // A list of numbers (`--values -1,2`) is no number to clap: its first value may
            // begin with a hyphen too.
            let list = arg
                .get_value_names()
                .is_some_and(|names| names.iter().any(|n| n.contains(',')));
            let hyphen = arg.is_allow_hyphen_values_set() || (takes_value && list);
            arg.allow_negative_numbers(takes_value)
                .allow_hyphen_values(hyphen)
        }))
    })
}

/// `rendered` (clap's error, rendered without colour) as one line, ending with a pointer to
/// `help`, e.g. `error: the following required arguments were not provided: --variant <NAME> (see
/// mandel-lab run --help)`.
pub fn one_line(rendered: &str, help: &str) -> String {
    let mut line = String::new();
    for part in rendered
        .lines()
        .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        if !line.is_empty() {
            // A message ending in a colon introduces its details; anything else is a new clause.
            line.push_str(if line.ends_with(':') { " " } else { "; " });
        }
        line.push_str(part);
    }
    if line.is_empty() {
        line.push_str("error: bad arguments");
    }
    format!("{line} (see {help})")
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn a_missing_argument_keeps_its_name() {
        let rendered = "error: the following required arguments were not provided:\n  \
                        --variant <NAME>\n\nUsage: mandel-lab run --variant <NAME>\n\nFor more \
                        information, try '--help'.\n";
        assert_eq!(
            one_line(rendered, "mandel-lab run --help"),
            "error: the following required arguments were not provided: --variant <NAME> (see \
             mandel-lab run --help)"
        );
    }

    #[test]
    fn tips_and_several_details_stay_on_the_line() {
        let rendered = "error: unexpected argument '--widht' found\n\n  tip: a similar argument \
                        exists: '--width'\n\nUsage: mandel-lab run [OPTIONS]\n\nFor more \
                        information, try '--help'.\n";
        assert_eq!(
            one_line(rendered, "mandel-lab --help"),
            "error: unexpected argument '--widht' found; tip: a similar argument exists: \
             '--width' (see mandel-lab --help)"
        );
        let rendered = "error: the following required arguments were not provided:\n  --a\n  \
                        --b\n";
        assert_eq!(
            one_line(rendered, "x"),
            "error: the following required arguments were not provided: --a; --b (see x)"
        );
    }

    #[test]
    fn an_empty_rendering_still_says_something() {
        assert_eq!(one_line("\n\n", "x"), "error: bad arguments (see x)");
    }
}
