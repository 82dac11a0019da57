//! The `mandel-lab` command line; everything it does lives in the library's `cli` module.

fn main() -> std::process::ExitCode {
    mandel_lab::cli::main()
}
