//! One sweep engine over any axis, as criterion makes every benchmark one `BenchmarkGroup` over
//! inputs. An [`Axis`] ([`axis`]; one file under `axes/`, one line in [`AXES`]) says what its
//! values are and how one value becomes a run's problem and tuning; the engine ([`engine::run`])
//! validates and measures every chosen variant at every value with
//! [`crate::measure::once::validate_and_measure`], and the result is one [`Sweep`] ([`schema`]),
//! saved as `reports/sweeps/<axis>.json` with a CSV beside it ([`files`]). One chart function
//! ([`crate::render::report::charts::sweep_figure`]) and one report section renderer draw every
//! axis.

pub mod axes;
pub mod axis;
pub mod engine;
pub mod files;
pub mod fit;
pub mod legacy;
pub mod schema;
pub mod table;

pub use axes::{AXES, axis_names, find_axis};
pub use axis::{Axis, Baseline, Chart, Corner, Detail, Y, and_list, parse_values};
pub use engine::run;
pub use files::{Legacy, load, load_all, load_as};
pub use fit::Fit;
pub use schema::{Best, DIR, Point, SCHEMA_VERSION, Sweep, X, file, json_path};
