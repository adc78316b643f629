//! Statistics: pure functions from raw run records to scores and aggregates. No files, no plotting.

pub mod aggregate;
pub mod bootstrap;
pub mod comparison;
pub mod detectable;
pub mod estimate;
pub mod multiplicity;
pub mod profile;
pub mod run_scores;
pub mod verdict;
