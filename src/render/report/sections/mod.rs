//! The report page's sections, one file each, behind one trait and one registry in page order
//! ([`SECTIONS`]), as the sweep axes are behind [`crate::sweep::Axis`] and `AXES`.
//!
//! A section reads the loaded inputs ([`Context`]) and returns its HTML, or `None` where it has
//! nothing to show (the History section without a history). Adding one is its file here, a line
//! in [`SECTIONS`] and, usually, its template under `templates/report/`.

pub mod codegen;
mod conditions;
mod data;
pub mod families;
pub mod history;
mod hosts;
pub mod limit;
mod overview;
pub mod peers;
pub mod profiles;
pub mod sweeps;
mod tutorial;
mod unread;
mod verdict;
pub mod work;

use crate::profile::ProfileSummary;
use crate::record::results::Results;
use crate::render::export::Group;
use crate::sweep::Sweep;

/// One section of `index.html`.
pub trait Section: Sync {
    /// The section's name (its `id` on the page where it has one), for errors and tests.
    fn name(&self) -> &'static str;

    /// The section's HTML, `None` where it has nothing to show, or why a chart cannot be drawn.
    fn render(&self, page: &Context<'_>) -> Result<Option<String>, String>;
}

/// Every section, in the order the page shows them.
pub const SECTIONS: &[&dyn Section] = &[
    &verdict::Verdict,
    &overview::Overview,
    &unread::Unread,
    &families::Families,
    &work::Work,
    &sweeps::OwnSweeps,
    &peers::Peers,
    &codegen::Codegen,
    &limit::MachineLimit,
    &conditions::Conditions,
    &profiles::Profiles,
    &tutorial::Tutorial,
    &history::History,
    &data::Data,
];

/// What every section reads: the results, their rows by family and the other stages' files.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub results: &'a Results,
    /// The results' rows by family, each with its "Python today" figure where there is one.
    pub groups: &'a [Group],
    pub extras: Extras<'a>,
}

/// What other stages produced, shown where the report has them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Extras<'a> {
    pub profiles: Option<ProfileLinks<'a>>,
    /// The sweeps found beside the report, in the registry's order.
    pub sweeps: &'a [Sweep],
    /// The tutorial's Python measured on this machine (`reports/peers.json`).
    pub peers: Option<&'a crate::peers::PeerResults>,
    /// The compiler-flag lab's builds (`reports/flags.json`).
    pub flags: Option<&'a crate::codegen::CodegenResults>,
    /// The runs of `reports/history.jsonl` and the warnings from reading it; without them the
    /// page has no History section.
    pub history: Option<HistoryRuns<'a>>,
    /// The side files that could not be used: the page says which and why.
    pub broken: &'a [crate::render::report::load::Broken],
}

impl Extras<'_> {
    /// Whether the side file named `file` (`peers.json`) could not be used: its section is left
    /// out, rather than saying the stage has not run.
    pub fn is_broken(&self, file: &str) -> bool {
        self.broken
            .iter()
            .any(|b| b.path.file_name().is_some_and(|n| n == file))
    }
}

/// The report's history, as read from `history.jsonl`.
#[derive(Debug, Clone, Copy)]
pub struct HistoryRuns<'a> {
    pub entries: &'a [crate::record::history::Entry],
    /// What reading the file skipped, and why.
    pub warnings: &'a [String],
}

/// The profiling stage's summary and the path from the report to its folder.
#[derive(Debug, Clone, Copy)]
pub struct ProfileLinks<'a> {
    pub summary: &'a ProfileSummary,
    /// Relative link from the report's folder to the flamegraphs folder, e.g. `../flamegraphs`.
    pub base: &'a str,
    /// The report's problem: a variant profiled on another is marked so wherever it is linked.
    pub problem: crate::GridSpec,
}

impl ProfileLinks<'_> {
    /// The problem `variant`'s profile was made for, where it is not the report's.
    pub fn other_problem(&self, variant: &crate::profile::VariantProfile) -> Option<String> {
        let spec = variant.problem(self.summary);
        (spec != self.problem).then(|| format!("{spec}, region {}", spec.region))
    }
}

/// An askama error as the sections report it.
fn template_err(e: askama::Error) -> String {
    e.to_string()
}

#[cfg(test)]
mod tests {
    use super::SECTIONS;

    #[test]
    fn every_section_has_its_own_name() {
        let mut names: Vec<&str> = SECTIONS.iter().map(|s| s.name()).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(names.len(), before, "{names:?}");
    }
}
