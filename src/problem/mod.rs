//! The problem and its answer: the tutorial's grid ([`grid`]), the answers it published
//! ([`known`]), the plain loop every variant is checked against ([`reference`](mod@reference)) and the check
//! itself ([`validate`]). Nothing here measures or renders.

pub mod grid;
pub mod known;
pub mod reference;
pub mod validate;
