//! The build matrix of `cargo xtask flags`: each build's recipe (the default build, RUSTFLAGS and
//! cargo `--config` values, PGO, gcc flags through `MANDEL_LAB_CFLAGS`), what it changes, and
//! which builds a command line selects.

use mandel_lab_options::codegen::{Build as BuildRecord, BuildStatus, Lang};

/// How a build differs from the default one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recipe {
    /// The workspace's own release build (`target/release`).
    Default,
    /// Extra RUSTFLAGS and cargo `--config` values.
    Rust {
        rustflags: &'static str,
        config: &'static [&'static str],
    },
    /// Profile-guided optimisation: an instrumented build, training runs, the profile merged
    /// by `llvm-profdata`, and a build that uses it.
    Pgo,
    /// gcc's flags for the C kernel, instead of its own.
    C { cflags: &'static str },
}

/// One build of the matrix.
#[derive(Debug, Clone, Copy)]
pub struct Build {
    pub name: &'static str,
    pub recipe: Recipe,
    /// Part of `--quick`'s subset.
    pub quick: bool,
}

/// The matrix, in report order; the first is the default build every speed-up is read against.
pub const BUILDS: &[Build] = &[
    Build {
        name: "release",
        recipe: Recipe::Default,
        quick: true,
    },
    Build {
        name: "native",
        recipe: Recipe::Rust {
            rustflags: "-C target-cpu=native",
            config: &[],
        },
        quick: true,
    },
    Build {
        name: "lto-fat",
        recipe: Recipe::Rust {
            rustflags: "",
            config: &[
                "profile.release.lto=\"fat\"",
                "profile.release.codegen-units=1",
            ],
        },
        quick: false,
    },
    Build {
        name: "opt2",
        recipe: Recipe::Rust {
            rustflags: "",
            config: &["profile.release.opt-level=2"],
        },
        quick: false,
    },
    Build {
        name: "panic-abort",
        recipe: Recipe::Rust {
            rustflags: "",
            config: &["profile.release.panic=\"abort\""],
        },
        quick: false,
    },
    Build {
        name: "pgo",
        recipe: Recipe::Pgo,
        quick: false,
    },
    Build {
        name: "gcc-O2",
        recipe: Recipe::C { cflags: "-O2" },
        quick: false,
    },
    Build {
        name: "gcc-O3",
        recipe: Recipe::C { cflags: "-O3" },
        quick: false,
    },
    Build {
        name: "gcc-O3-native",
        recipe: Recipe::C {
            cflags: "-O3 -march=native",
        },
        quick: true,
    },
    Build {
        name: "gcc-O3-native-nocontract",
        recipe: Recipe::C {
            cflags: "-O3 -march=native -ffp-contract=off",
        },
        quick: true,
    },
    Build {
        name: "gcc-O3-fastmath",
        recipe: Recipe::C {
            cflags: "-O3 -ffast-math",
        },
        quick: true,
    },
];

impl Build {
    /// Which compiler this build changes.
    pub fn lang(&self) -> Lang {
        match self.recipe {
            Recipe::C { .. } => Lang::C,
            _ => Lang::Rust,
        }
    }

    /// What differs from the default build, as the report shows it.
    pub fn flags(&self) -> String {
        match self.recipe {
            Recipe::Default => {
                "cargo build --release (opt-level 3, gcc -O3 -ffp-contract=off for the C kernel)"
                    .into()
            }
            Recipe::Rust { rustflags, config } => {
                let mut parts: Vec<String> = Vec::new();
                if !rustflags.is_empty() {
                    parts.push(format!("RUSTFLAGS={rustflags}"));
                }
                parts.extend(config.iter().map(|c| format!("--config {c}")));
                parts.join(" ")
            }
            Recipe::Pgo => "-Cprofile-generate, training runs, -Cprofile-use".into(),
            Recipe::C { cflags } => format!("gcc {cflags}"),
        }
    }

    /// Whether this build runs `variant`: a gcc build changes the C kernel only, which is
    /// `c_variant`'s (as the lab's `flags --check` names it).
    pub fn runs(&self, variant: &str, c_variant: &str) -> bool {
        self.lang() == Lang::Rust || variant == c_variant
    }

    /// The build log's record of this build (the lab's `flags --collect` reads it).
    pub fn record(&self, status: BuildStatus, seconds: f64, reason: &str) -> BuildRecord {
        BuildRecord {
            name: self.name.into(),
            lang: self.lang(),
            flags: self.flags(),
            status,
            reason: (!reason.is_empty()).then(|| reason.to_string()),
            build_seconds: Some(seconds),
        }
    }
}

/// The builds `names` selects (comma-separated), or the whole matrix (`--quick`: its quick
/// subset); the default build is always first, since every speed-up is read against it.
pub fn select(names: Option<&str>, quick: bool) -> Result<Vec<Build>, String> {
    let Some(names) = names.filter(|n| !n.trim().is_empty()) else {
        return Ok(BUILDS
            .iter()
            .filter(|b| b.quick || !quick)
            .copied()
            .collect());
    };
    let mut out = vec![BUILDS[0]];
    for name in names.split(',').map(str::trim) {
        let Some(b) = BUILDS.iter().find(|b| b.name == name) else {
            let known: Vec<&str> = BUILDS.iter().map(|b| b.name).collect();
            return Err(format!(
                "unknown build '{name}'; builds: {}",
                known.join(", ")
            ));
        };
        if !out.iter().any(|o| o.name == b.name) {
            out.push(*b);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_matrix_has_unique_names_the_default_first_and_every_issue_build() {
        let names: Vec<&str> = BUILDS.iter().map(|b| b.name).collect();
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), names.len());
        assert_eq!(BUILDS[0].recipe, Recipe::Default);
        assert_eq!(BUILDS.iter().filter(|b| b.lang() == Lang::C).count(), 5);
        assert!(BUILDS.iter().any(|b| b.recipe == Recipe::Pgo));
        for b in BUILDS {
            assert!(!b.flags().is_empty(), "{}", b.name);
        }
    }

    #[test]
    fn flags_are_assembled_as_cargo_and_gcc_take_them() {
        let find = |n: &str| BUILDS.iter().find(|b| b.name == n).unwrap();
        assert_eq!(find("native").flags(), "RUSTFLAGS=-C target-cpu=native");
        assert_eq!(
            find("lto-fat").flags(),
            "--config profile.release.lto=\"fat\" --config profile.release.codegen-units=1"
        );
        assert_eq!(find("gcc-O3-native").flags(), "gcc -O3 -march=native");
        // A gcc build changes the C kernel only.
        let c = "the-c-one";
        assert!(find("gcc-O2").runs(c, c) && !find("gcc-O2").runs("expanded", c));
        assert!(find("native").runs(c, c) && find("native").runs("expanded", c));
        let record = find("gcc-O2").record(BuildStatus::Failed, 1.25, "error: a");
        assert_eq!(record.lang, Lang::C);
        assert_eq!(record.flags, "gcc -O2");
        assert_eq!(record.reason.as_deref(), Some("error: a"));
        assert_eq!(find("native").record(BuildStatus::Ok, 1.0, "").reason, None);
    }

    #[test]
    fn builds_are_selected_by_name_with_the_default_always_first() {
        let names = |b: Vec<Build>| b.iter().map(|b| b.name).collect::<Vec<_>>();
        assert_eq!(
            names(select(Some("gcc-O2,native,gcc-O2"), false).unwrap()),
            ["release", "gcc-O2", "native"]
        );
        let quick = names(select(None, true).unwrap());
        assert_eq!(quick[0], "release");
        assert!(quick.contains(&"gcc-O3-native") && quick.len() < BUILDS.len());
        assert_eq!(select(None, false).unwrap().len(), BUILDS.len());
        let err = select(Some("turbo"), false).unwrap_err();
        assert!(err.starts_with("unknown build 'turbo'; builds: release, native"));
    }
}
