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

/// How the target network follows the online network.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Target {
    /// Copy the online network into the target network every this many env steps (Mnih et al. 2015).
    Hard(usize),
    /// Polyak averaging after every gradient step: target ← τ·online + (1 − τ)·target, τ in (0, 1].
    Soft(f64),
    /// No target network: the online network bootstraps from itself (the "why two networks?" ablation).
    None,
}

/// How the agent explores while training (evaluation is always greedy, noise off).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Exploration {
    /// ε-greedy with the linear schedule of `epsilon_start`, `epsilon_end` and `exploration_fraction`.
    EpsilonGreedy,
    /// Factorised Gaussian noisy layers with initial noise scale σ0 (Fortunato et al. 2018: 0.5); ε is 0.
    Noisy(f64),
}

/// Which transitions a gradient step learns from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Replay {
    /// Uniformly with replacement.
    Uniform,
    /// Proportional prioritized replay (Schaul et al. 2016): P(i) = p_i^α / Σ p^α with p = |δ| + ε, corrected by
    /// importance weights (N·P(i))^−β normalised by the batch's largest, β annealed linearly to 1 over the run.
    Prioritized {
        /// How strongly priorities skew sampling: 0 is uniform.
        #[serde(default = "default_priority_exponent")]
        alpha: f64,
        /// Importance-sampling exponent at the first step.
        #[serde(default = "default_importance_exponent_start")]
        beta_start: f64,
        /// Added to |δ| so that no transition has zero probability.
        #[serde(default = "default_priority_epsilon")]
        epsilon: f64,
    },
}

fn default_priority_exponent() -> f64 {
    0.6
}

fn default_importance_exponent_start() -> f64 {
    0.4
}

fn default_priority_epsilon() -> f64 {
    1e-6
}

impl Replay {
    /// Prioritized replay with the paper's settings (α 0.6, β from 0.4, ε 1e-6).
    pub fn prioritized() -> Self {
        Replay::Prioritized {
            alpha: default_priority_exponent(),
            beta_start: default_importance_exponent_start(),
            epsilon: default_priority_epsilon(),
        }
    }
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
    /// trick: target network — `Hard(every)`, `Soft(tau)` or `None`.
    pub target: Target,
    /// ε at the first step.
    pub epsilon_start: f64,
    /// ε after the decay, kept until the end.
    pub epsilon_end: f64,
    /// Fraction of the run's step budget over which ε decays linearly from start to end.
    pub exploration_fraction: f64,
    /// trick: exploration — `EpsilonGreedy` or `Noisy(sigma0)`.
    pub exploration: Exploration,
    /// trick: the loss on the TD error — `Huber` (δ = 1) or `Mse`.
    pub loss: Loss,
    /// trick: double DQN — the online network picks argmax a' at s', the target network evaluates it.
    pub double: bool,
    /// trick: dueling heads — Q = V + A − mean(A).
    pub dueling: bool,
    /// trick: replay sampling — `Uniform` or `Prioritized(alpha: 0.6, beta_start: 0.4, epsilon: 1e-6)`.
    pub replay: Replay,
    /// trick: n-step returns — rewards summed over this many steps before bootstrapping (1 is plain DQN).
    pub n_step: usize,
    /// trick: gradient clipping — the global gradient norm is scaled down to this when larger; none when absent.
    pub max_grad_norm: Option<f64>,
    /// trick: history — the network sees the last this many observations stacked (1 is the current one alone).
    pub history: usize,
}

impl Default for AgentConfig {
    fn default() -> Self {
        // CleanRL's dqn.py defaults (vanilla DQN: every trick but the target network and replay off).
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
            target: Target::Hard(500),
            epsilon_start: 1.0,
            epsilon_end: 0.05,
            exploration_fraction: 0.5,
            exploration: Exploration::EpsilonGreedy,
            loss: Loss::Mse,
            double: false,
            dueling: false,
            replay: Replay::Uniform,
            n_step: 1,
            max_grad_norm: None,
            history: 1,
        }
    }
}

impl AgentConfig {
    /// ε at env step `step` of a run of `total_steps`: linear from `epsilon_start` to `epsilon_end` over
    /// `exploration_fraction * total_steps` steps, then flat.
    /// Always 0 with noisy exploration.
    pub fn epsilon_at(&self, step: usize, total_steps: usize) -> f64 {
        if let Exploration::Noisy(_) = self.exploration {
            return 0.0;
        }
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
        let noisy = AgentConfig {
            exploration: Exploration::Noisy(0.5),
            ..config
        };
        assert_eq!(noisy.epsilon_at(0, 1000), 0.0);
    }

    #[test]
    fn tricks_parse_from_ron_with_paper_defaults() {
        let config: AgentConfig = ron::from_str(
            "(target: Soft(0.005), exploration: Noisy(0.5), replay: Prioritized(alpha: 0.7), double: true, \
             n_step: 3, max_grad_norm: Some(10.0))",
        )
        .unwrap();
        assert_eq!(config.target, Target::Soft(0.005));
        assert_eq!(config.exploration, Exploration::Noisy(0.5));
        assert_eq!(
            config.replay,
            Replay::Prioritized {
                alpha: 0.7,
                beta_start: 0.4,
                epsilon: 1e-6
            }
        );
        assert!(config.double && !config.dueling);
        assert_eq!(
            (config.n_step, config.max_grad_norm, config.history),
            (3, Some(10.0), 1)
        );
        let no_target: AgentConfig = ron::from_str("(target: None, replay: Prioritized())").unwrap();
        assert_eq!(no_target.target, Target::None);
        assert_eq!(no_target.replay, Replay::prioritized());
    }
}
