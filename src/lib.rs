//! knowhow: measures which deep Q-learning tricks really matter.
//!
//! The pipeline runs one way: `spec` (RON) → `plan` → `train` (env + agent) → `store` → `stats` → `report`/`check`.
//! See `DESIGN.md` in the shared notes and the README for the picture.

pub mod agent;
pub mod analysis;
pub mod bench;
pub mod check;
pub mod cli;
pub mod envs;
pub mod error;
pub mod memory;
pub mod plan;
pub mod report;
pub mod runner;
pub mod seeding;
pub mod spec;
pub mod stats;
pub mod store;
pub mod train;
