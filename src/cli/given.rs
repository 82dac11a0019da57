//! What `--quick` keeps of a problem given on the command line, and what it chooses for the rest.
//!
//! Every problem option given is kept; every other one is `--quick`'s: the iteration limit its
//! own (300), a width or height given alone sets the other side too (a quick grid is square), and
//! the tutorial's region. Where neither side is given, `report --quick` sizes the grid to the
//! machine (`crate::measure::budget`), on the region and iteration limit kept. The command says, in one line,
//! what it kept and what it chose: a quick run never drops part of what it was told in silence.
//!
//! An option reads as given where its value differs from its default: xtask passes all four on to
//! the lab, so clap's own "given on the command line" would always be true there. The cost is
//! that a value equal to its default reads as not given: `--quick --maxiter 1000` (the
//! tutorial's) runs at 300, and `--quick --width 500` lets `--quick` size the grid (to at most
//! 500), as if neither were given.

use mandel_lab_options::ProblemArgs;

use crate::GridSpec;

/// Which of the problem's options were given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Given {
    pub width: bool,
    pub height: bool,
    pub maxiter: bool,
    pub region: bool,
}

impl Given {
    /// What `args` gives.
    pub fn of(args: &ProblemArgs) -> Given {
        let default = ProblemArgs::default();
        Given {
            width: args.width != default.width,
            height: args.height != default.height,
            maxiter: args.maxiter != default.maxiter,
            region: args.region != default.region,
        }
    }

    /// Whether any option is given.
    pub fn any(self) -> bool {
        self.width || self.height || self.maxiter || self.region
    }

    /// `spec` (as asked for) with `--quick`'s choices for what is not given.
    pub fn quick(self, mut spec: GridSpec, quick_maxiter: u32) -> GridSpec {
        if !self.maxiter {
            spec.maxiter = quick_maxiter;
        }
        match (self.width, self.height) {
            (true, false) => spec.height = spec.width,
            (false, true) => spec.width = spec.height,
            _ => {}
        }
        spec
    }

    /// The line that says what `--quick` kept and chose for `spec` (the problem it settled on;
    /// `sized` where the grid's size is chosen by calibration, said on the next line); `None`
    /// where nothing was given, so everything is `--quick`'s own.
    pub fn quick_note(self, spec: &GridSpec, sized: bool) -> Option<String> {
        if !self.any() {
            return None;
        }
        // Each option as (given, text), in the order of the command line's help.
        let mut options = Vec::new();
        if sized {
            options.push((false, "the grid's size (calibrated, below)".to_string()));
        } else {
            // A side chosen because the other was given is that side: say why.
            let side = |this: bool, other: bool, name: &str, value: usize| match !this && other {
                true => format!("--{name} {value} (a square grid)"),
                false => format!("--{name} {value}"),
            };
            options.push((
                self.width,
                side(self.width, self.height, "width", spec.width),
            ));
            options.push((
                self.height,
                side(self.height, self.width, "height", spec.height),
            ));
        }
        options.push((self.maxiter, format!("--maxiter {}", spec.maxiter)));
        options.push((
            self.region,
            match self.region {
                true => format!("--region={}", spec.region),
                false => "the tutorial's region".into(),
            },
        ));
        let (kept, chose): (Vec<_>, Vec<_>) = options.into_iter().partition(|(given, _)| *given);
        let texts =
            |list: Vec<(bool, String)>| list.into_iter().map(|(_, t)| t).collect::<Vec<_>>();
        Some(format!(
            "--quick kept {} as given and chose {}",
            join(&texts(kept)),
            join(&texts(chose))
        ))
    }
}

/// `a`, `a and b`, `a, b and c`.
fn join(items: &[String]) -> String {
    match items {
        [] => "nothing".into(),
        [one] => one.clone(),
        [first @ .., last] => format!("{} and {last}", first.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> ProblemArgs {
        mandel_lab_options::parse_args(list).unwrap()
    }

    #[test]
    fn a_width_alone_is_kept_and_quick_chooses_the_height_and_maxiter_and_says_so() {
        let given = Given::of(&args(&["--width", "100"]));
        let spec = given.quick(
            GridSpec {
                width: 100,
                ..GridSpec::TUTORIAL
            },
            300,
        );
        assert_eq!((spec.width, spec.height, spec.maxiter), (100, 100, 300));
        assert_eq!(
            given.quick_note(&spec, false).unwrap(),
            "--quick kept --width 100 as given and chose --height 100 (a square grid), \
             --maxiter 300 and the tutorial's region"
        );
    }

    #[test]
    fn a_maxiter_alone_is_kept_and_the_size_is_calibrated() {
        let given = Given::of(&args(&["--maxiter", "50"]));
        let spec = given.quick(
            GridSpec {
                maxiter: 50,
                ..GridSpec::TUTORIAL
            },
            300,
        );
        assert_eq!(spec.maxiter, 50);
        assert_eq!(
            given.quick_note(&spec, true).unwrap(),
            "--quick kept --maxiter 50 as given and chose the grid's size (calibrated, below) \
             and the tutorial's region"
        );
    }

    #[test]
    fn nothing_given_is_all_quicks_own_and_needs_no_line() {
        let given = Given::of(&ProblemArgs::default());
        assert!(!given.any());
        assert_eq!(given.quick_note(&GridSpec::TUTORIAL, true), None);
        assert_eq!(given.quick(GridSpec::TUTORIAL, 300).maxiter, 300);
    }
}
