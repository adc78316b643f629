//! Statistics: pure functions from raw run records to scores and aggregates. No files, no plotting.

pub mod run_scores;
