//! Measuring: a variant run once with only its kernel call timed ([`once`]), timed under
//! criterion ([`criterion`]), the whole measurement stage ([`stage`]) and `--quick`'s time
//! budget ([`budget`]); the machine it ran on ([`machine`]), the machine's limit
//! every figure is read against ([`limit`]), where a staged kernel's time goes ([`breakdown`])
//! and the order statistics the lab computes itself ([`stats`]).

pub mod affinity;
pub mod breakdown;
pub mod budget;
pub mod conditions;
pub mod counters;
pub mod criterion;
pub mod limit;
pub mod machine;
pub mod once;
pub mod stage;
pub mod stats;
