//! The agent configuration: one serde struct, a doc line per field, every default in one place.
//!
//! This is what a spec's `agent: (...)` block deserialises into and what is saved, resolved, next to every run.

use serde::{Deserialize, Serialize};

/// The loss on the temporal-difference error of the taken action's Q-value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Loss {
    /// Huber (smooth L1) with δ = 1: quadratic inside |δ| ≤ 1, linear outside.
    Huber,
    /// Mean squared error.
    Mse,
}

/// Everything that defines how a DQN agent learns. Fields left out of a spec take the defaults below.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AgentConfig {
    /// Widths of the Q-network's hidden layers (ReLU after each); the input and output sizes come from the env.
    pub hidden: Vec<usize>,
    /// Adam's learning rate.
    pub learning_rate: f64,
    /// Adam's ε (added to the root of the second moment).
    pub adam_epsilon: f64,
    /// Discount factor γ.
    pub gamma: f64,
    /// Transitions per gradient step.
    pub batch_size: usize,
    /// Capacity of the replay buffer (a ring: the oldest transition is overwritten).
    pub buffer_size: usize,
    /// Env steps taken with random actions before the first gradient step.
    pub learning_starts: usize,
    /// Env steps between two training calls.
    pub train_every: usize,
    /// Gradient steps per training call.
    pub gradient_steps: usize,
    /// Env steps between two hard copies of the online network into the target network.
    pub target_update_every: usize,
    /// ε at the first step.
    pub epsilon_start: f64,
    /// ε after the decay, kept until the end.
    pub epsilon_end: f64,
    /// Fraction of the run's step budget over which ε decays linearly from start to end.
    pub exploration_fraction: f64,
    /// The loss on the TD error.
    pub loss: Loss,
}

impl Default for AgentConfig {
    fn default() -> Self {
        // CleanRL's dqn.py defaults, except the network width, which the spec usually sets.
        AgentConfig {
            hidden: vec![120, 84],
            learning_rate: 2.5e-4,
            adam_epsilon: 1e-8,
            gamma: 0.99,
            batch_size: 128,
            buffer_size: 10_000,
            learning_starts: 10_000,
            train_every: 10,
            gradient_steps: 1,
            target_update_every: 500,
            epsilon_start: 1.0,
            epsilon_end: 0.05,
            exploration_fraction: 0.5,
            loss: Loss::Mse,
        }
    }
}

impl AgentConfig {
    /// ε at env step `step` of a run of `total_steps`: linear from `epsilon_start` to `epsilon_end` over
    /// `exploration_fraction * total_steps` steps, then flat.
    pub fn epsilon_at(&self, step: usize, total_steps: usize) -> f64 {
        let decay_steps = self.exploration_fraction * total_steps as f64;
        if decay_steps <= 0.0 {
            return self.epsilon_end;
        }
        let progress = (step as f64 / decay_steps).min(1.0);
        self.epsilon_start + progress * (self.epsilon_end - self.epsilon_start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epsilon_decays_linearly_then_stays() {
        let config = AgentConfig {
            epsilon_start: 1.0,
            epsilon_end: 0.1,
            exploration_fraction: 0.5,
            ..AgentConfig::default()
        };
        assert_eq!(config.epsilon_at(0, 1000), 1.0);
        assert!((config.epsilon_at(250, 1000) - 0.55).abs() < 1e-12);
        assert!((config.epsilon_at(500, 1000) - 0.1).abs() < 1e-12);
        assert!((config.epsilon_at(900, 1000) - 0.1).abs() < 1e-12);
    }
}
