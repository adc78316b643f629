//! knowhow: measures which deep Q-learning tricks really matter.
//!
//! The pipeline runs one way: `spec` (RON) → `plan` → `train` (env + agent) → `store` → `stats` → `report`/`check`.
//! See `DESIGN.md` in the shared notes and the README for the picture.

// What a program using knowhow as a library needs: the command line, the env trait and registry, the spec, the
// plan, the batch runner, the results folder, one run's training and records, and the statistics.
pub mod cli;
pub mod envs;
pub mod episode_frames;
pub mod error;
pub mod merge;
pub mod plan;
pub mod runner;
pub mod spec;
pub mod stats;
pub mod store;
pub mod train;

// The agent's configuration is part of the spec; the agent itself stays inside.
mod agent;
pub use agent::config;

mod analysis;
mod bench;
mod check;
mod import;
mod machine_load;
mod memory;
mod report;
mod scores;
mod seeding;
