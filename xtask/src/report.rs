//! `cargo xtask report`: build in release, profile every variant (unless `--no-profile`), then
//! measure and render with `mandel-lab report`.

use std::process::ExitCode;

use anyhow::Result;

use crate::lab;

/// Options of `report` that `profile` understands too, with whether they take a value.
const SHARED: &[(&str, bool)] = &[
    ("--quick", false),
    ("--variants", true),
    ("--width", true),
    ("--height", true),
    ("--maxiter", true),
];

pub fn run(args: &[String]) -> Result<ExitCode> {
    let no_profile = args.iter().any(|a| a == "--no-profile");
    let report_args: Vec<String> = args
        .iter()
        .filter(|a| *a != "--no-profile")
        .cloned()
        .collect();
    let wants_help = args.iter().any(|a| a == "--help" || a == "-h");
    let render_only = args.iter().any(|a| a == "--render-only");
    let binary = lab::build_release(&[])?;
    if !(no_profile || render_only || wants_help) {
        let code = lab::run(
            &binary,
            &lab::with_command("profile", &lab::options(args, SHARED, true)),
        )?;
        if code != ExitCode::SUCCESS {
            return Ok(code);
        }
    }
    lab::run(&binary, &lab::with_command("report", &report_args))
}

#[cfg(test)]
mod tests {
    use super::SHARED;
    use crate::lab::options;

    #[test]
    fn profile_gets_only_the_options_it_shares_with_report() {
        let args: Vec<String> = [
            "--quick",
            "--samples",
            "20",
            "--variants",
            "naive",
            "--maxiter=300",
            "--render-only",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            options(&args, SHARED, true),
            ["--quick", "--variants", "naive", "--maxiter=300"]
        );
    }
}
