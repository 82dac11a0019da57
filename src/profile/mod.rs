//! The profiling stage: for every variant, the three views the tutorial used.
//!
//! - [`sampling`]: pprof samples (cProfile / RunSnake), drawn as an inferno flamegraph, with a
//!   top-functions table.
//! - [`lines`]: callgrind's deterministic instruction counts per source line (line_profiler,
//!   `cython -a`).
//! - [`disasm`]: the hot loop's machine code (`dis`); for a variant that dispatches to SIMD
//!   paths, [`paths`]: every path's inner loop, read from the binary.
//!
//! Outputs go to `flamegraphs/`: `<variant>.folded`, `<variant>.svg`, `<variant>.lines.html`,
//! `<variant>.asm.html`, and `profile.json`, which the report reads to link and summarise them.

pub mod callgrind;
pub mod disasm;
pub mod gpu;
pub mod lines;
pub mod objdump;
pub mod paths;
pub mod pipeline;
pub mod sampling;
pub mod staging;
pub mod summary;
pub mod views;

pub use pipeline::{
    CALLGRIND_PROBLEM, ProfileOptions, QUICK_CALLGRIND_PROBLEM, WORKSPACE_ENV, is_variant_source,
    profile_variant, relocate, workspace,
};
pub use staging::Staging;
pub use summary::{
    HOW_TO_MAKE, NO_LINE_LEVEL, ProfileSummary, SCHEMA_VERSION, SUMMARY_FILE, VariantProfile,
};

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::pipeline::BUILT_IN;
    use super::staging::STAGING_PREFIX;
    use super::*;
    use crate::GridSpec;

    fn summary(maxiter: u32, variants: &[&str]) -> ProfileSummary {
        ProfileSummary {
            schema_version: SCHEMA_VERSION,
            generated_at: "now".into(),
            spec: GridSpec {
                maxiter,
                ..CALLGRIND_PROBLEM
            },
            callgrind_spec: QUICK_CALLGRIND_PROBLEM,
            seconds: 1.0,
            frequency: 997,
            gpu: Vec::new(),
            variants: variants
                .iter()
                .map(|v| VariantProfile {
                    variant: v.to_string(),
                    samples: 1,
                    kernel_share: 1.0,
                    top_functions: Vec::new(),
                    flamegraph: format!("{v}.svg"),
                    folded: format!("{v}.folded"),
                    line_profile: None,
                    line_profile_page: None,
                    hot_loop: None,
                    hot_loop_page: None,
                    paths: Vec::new(),
                    notes: Vec::new(),
                    spec: None,
                    callgrind_spec: None,
                })
                .collect(),
        }
    }

    fn read(path: &Path) -> String {
        std::fs::read_to_string(path).unwrap()
    }

    /// The previous run's views and summary: `naive` on maxiter 100.
    fn previous_run() -> tempfile::TempDir {
        let out = tempfile::tempdir().unwrap();
        std::fs::write(out.path().join("naive.svg"), "old").unwrap();
        summary(100, &["naive"]).save_merged(out.path()).unwrap();
        out
    }

    fn scratch_folders(out: &Path) -> Vec<String> {
        std::fs::read_dir(out)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(STAGING_PREFIX))
            .collect()
    }

    #[test]
    fn a_run_cut_short_leaves_the_previous_views_and_summary_and_no_scratch() {
        let out = previous_run();
        {
            let staging = Staging::create(out.path()).unwrap();
            assert!(staging.dir().starts_with(out.path()));
            std::fs::write(staging.dir().join("naive.svg"), "new").unwrap();
            std::fs::write(staging.dir().join("expanded.svg"), "new").unwrap();
            // Not committed: the run failed (an interruption removes the folder the same way).
        }
        assert_eq!(read(&out.path().join("naive.svg")), "old");
        assert!(!out.path().join("expanded.svg").exists());
        let kept = ProfileSummary::load(out.path()).unwrap().unwrap();
        assert_eq!(kept.spec.maxiter, 100);
        assert!(scratch_folders(out.path()).is_empty());
    }

    #[test]
    fn a_finished_run_moves_its_views_in_then_writes_the_summary() {
        let out = previous_run();
        let staging = Staging::create(out.path()).unwrap();
        std::fs::write(staging.dir().join("naive.svg"), "new").unwrap();
        std::fs::write(staging.dir().join("naive.folded"), "new").unwrap();
        // Until the commit, the folder holds the previous run alone.
        assert_eq!(read(&out.path().join("naive.svg")), "old");
        let saved = staging.commit(summary(200, &["naive"])).unwrap();
        assert_eq!(saved.spec.maxiter, 200);
        assert_eq!(read(&out.path().join("naive.svg")), "new");
        assert_eq!(read(&out.path().join("naive.folded")), "new");
        let on_disk = ProfileSummary::load(out.path()).unwrap().unwrap();
        assert_eq!(on_disk, saved);
        for v in &on_disk.variants {
            assert!(out.path().join(&v.flamegraph).is_file());
        }
        assert!(scratch_folders(out.path()).is_empty());
    }

    #[test]
    fn profiling_one_variant_updates_its_entry_and_keeps_the_others_with_their_problems() {
        // Written by the old code: no problem per variant, the summary's is theirs.
        let out = tempfile::tempdir().unwrap();
        let mut old = serde_json::to_value(summary(100, &["naive", "expanded"])).unwrap();
        for v in old["variants"].as_array_mut().unwrap() {
            v.as_object_mut().unwrap().remove("spec");
        }
        std::fs::write(out.path().join(SUMMARY_FILE), old.to_string()).unwrap();
        let read = ProfileSummary::load(out.path()).unwrap().unwrap();
        assert!(read.variants.iter().all(|v| v.spec.unwrap().maxiter == 100));

        let saved = summary(200, &["naive"]).save_merged(out.path()).unwrap();
        assert_eq!(ProfileSummary::load(out.path()).unwrap().unwrap(), saved);
        let problem = |name: &str| saved.variant(name).unwrap().problem(&saved).maxiter;
        assert_eq!((problem("naive"), problem("expanded")), (200, 100));
        assert_eq!(
            saved.spec.maxiter, 200,
            "the summary's own is the latest run's"
        );
    }

    #[test]
    fn the_scratch_folder_of_a_killed_run_is_removed_by_the_next() {
        let out = previous_run();
        // A pid above Linux's largest (4194304) is never a running process.
        let abandoned = out.path().join(format!("{STAGING_PREFIX}4194305"));
        std::fs::create_dir(&abandoned).unwrap();
        std::fs::write(abandoned.join("naive.svg"), "killed").unwrap();
        let staging = Staging::create(out.path()).unwrap();
        assert!(!abandoned.exists());
        assert_eq!(
            scratch_folders(out.path()),
            [format!("{STAGING_PREFIX}{}", std::process::id())]
        );
        drop(staging);
    }

    #[test]
    fn sources_are_read_from_the_workspace_the_lab_runs_for() {
        let built = format!("{BUILT_IN}/variants/src/scalar/naive.rs");
        assert_eq!(
            relocate(&built, Path::new("/b")),
            "/b/variants/src/scalar/naive.rs"
        );
        assert_eq!(relocate(&built, Path::new(BUILT_IN)), built);
        assert_eq!(
            relocate("/rustc/x/lib.rs", Path::new("/b")),
            "/rustc/x/lib.rs"
        );
    }
}
