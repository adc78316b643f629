//! The experiment spec: the RON schema, its defaults, and validation that refuses a bad spec before any training
//! with the file, line, column and what was expected.

use serde::{Deserialize, Serialize};

use crate::agent::config::AgentConfig;

/// One experiment as the user writes it in RON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// Experiment name; results go to `reports/<name>/` unless `--out` says otherwise.
    pub name: String,
    /// The environments to train on, each with its budget and evaluation settings.
    pub envs: Vec<EnvSpec>,
    /// The agent configuration (fields left out take `AgentConfig::default()`).
    #[serde(default)]
    pub agent: AgentConfig,
    /// Which seeds to run: `Count(5)` means seeds 0..5; `List([3, 7])` exactly those.
    pub seeds: Seeds,
}

/// One environment of a spec.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvSpec {
    /// Registered env id, e.g. `"CartPole-v1"`.
    pub id: String,
    /// Env steps of training per run.
    pub steps: usize,
    /// Env steps between two evaluations.
    #[serde(default = "default_eval_every")]
    pub eval_every: usize,
    /// Greedy episodes per evaluation.
    #[serde(default = "default_eval_episodes")]
    pub eval_episodes: usize,
    /// A run's final score is the mean of its last `final_evals` evaluations.
    #[serde(default = "default_final_evals")]
    pub final_evals: usize,
}

fn default_eval_every() -> usize {
    5_000
}
fn default_eval_episodes() -> usize {
    10
}
fn default_final_evals() -> usize {
    3
}

/// The seeds of an experiment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Seeds {
    /// Seeds `0..n`.
    Count(u64),
    /// Exactly these seeds.
    List(Vec<u64>),
}

impl Seeds {
    /// The seeds to run, in order.
    pub fn to_vec(&self) -> Vec<u64> {
        match self {
            Seeds::Count(count) => (0..*count).collect(),
            Seeds::List(list) => list.clone(),
        }
    }
}
