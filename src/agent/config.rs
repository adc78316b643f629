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

/// The Q-network's shape, beyond the widths in `hidden`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Network {
    /// Fully connected layers of the `hidden` widths on the flat observation.
    Mlp,
    /// MinAtar's DQN network (Young & Tian 2019): one 3×3 convolution with `filters` filters (16 there) over the
    /// image, ReLU, then the `hidden` layers (one of 128 there). Needs an env with image observations.
    MinAtarConv { filters: usize },
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
#[serde(deny_unknown_fields)]
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

/// Declares [`AgentConfig`] (every field with its type, default and doc line, in one table) and [`AgentOverrides`]
/// (the same fields, each optional: what a variant or an env changes on top of a base config).
macro_rules! agent_config {
    ($($(#[doc = $doc:literal])* $field:ident: $type:ty = $default:expr,)*) => {
        /// Everything that defines how a DQN agent learns. Fields left out of a spec take the defaults below.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(default, deny_unknown_fields)]
        pub struct AgentConfig {
            $($(#[doc = $doc])* pub $field: $type,)*
        }

        impl Default for AgentConfig {
            fn default() -> Self {
                AgentConfig { $($field: $default,)* }
            }
        }

        /// Changes to an [`AgentConfig`]: each field written replaces the base's, each left out keeps it.
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct AgentOverrides {
            $(
                $(#[doc = $doc])*
                #[serde(default, deserialize_with = "written", skip_serializing_if = "Option::is_none")]
                pub $field: Option<$type>,
            )*
        }

        impl AgentOverrides {
            /// `base` with every written field replaced.
            pub fn apply_to(&self, base: &AgentConfig) -> AgentConfig {
                let mut config = base.clone();
                $(if let Some(value) = &self.$field { config.$field = value.clone(); })*
                config
            }

            /// Whether no field is written.
            pub fn is_empty(&self) -> bool {
                self.written_fields().is_empty()
            }

            /// The names of the fields written, in declaration order.
            pub fn written_fields(&self) -> Vec<&'static str> {
                let mut names = Vec::new();
                $(if self.$field.is_some() { names.push(stringify!($field)); })*
                names
            }
        }
    };
}

/// A field that is written at all is `Some`, even when its own type is an `Option` written `None` (so a variant can
/// switch `max_grad_norm` off).
fn written<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}

// CleanRL's dqn.py defaults (vanilla DQN: a hard-copied target network, uniform replay, every other trick off).
agent_config! {
    /// The network's kind: `Mlp` or `MinAtarConv(filters: 16)` (a convolution before the `hidden` layers).
    network: Network = Network::Mlp,
    /// Widths of the Q-network's hidden layers (ReLU after each); the input and output sizes come from the env.
    hidden: Vec<usize> = vec![120, 84],
    /// Adam's learning rate.
    learning_rate: f64 = 2.5e-4,
    /// Adam's ε (added to the root of the second moment).
    adam_epsilon: f64 = 1e-8,
    /// Discount factor γ.
    gamma: f64 = 0.99,
    /// Transitions per gradient step.
    batch_size: usize = 128,
    /// Capacity of the replay buffer (a ring: the oldest transition is overwritten).
    buffer_size: usize = 10_000,
    /// Env steps taken with random actions before the first gradient step.
    learning_starts: usize = 10_000,
    /// Env steps between two training calls.
    train_every: usize = 10,
    /// Gradient steps per training call.
    gradient_steps: usize = 1,
    /// trick: target network — `Hard(every)`, `Soft(tau)` or `None`.
    target: Target = Target::Hard(500),
    /// ε at the first step.
    epsilon_start: f64 = 1.0,
    /// ε after the decay, kept until the end.
    epsilon_end: f64 = 0.05,
    /// Fraction of the run's step budget over which ε decays linearly from start to end.
    exploration_fraction: f64 = 0.5,
    /// trick: exploration — `EpsilonGreedy` or `Noisy(sigma0)`.
    exploration: Exploration = Exploration::EpsilonGreedy,
    /// trick: the loss on the TD error — `Huber` (δ = 1) or `Mse`.
    loss: Loss = Loss::Mse,
    /// trick: double DQN — the online network picks argmax a' at s', the target network evaluates it.
    double: bool = false,
    /// trick: dueling heads — Q = V + A − mean(A).
    dueling: bool = false,
    /// trick: replay sampling — `Uniform` or `Prioritized(alpha: 0.6, beta_start: 0.4, epsilon: 1e-6)`.
    replay: Replay = Replay::Uniform,
    /// trick: n-step returns — rewards summed over this many steps before bootstrapping (1 is plain DQN).
    n_step: usize = 1,
    /// trick: gradient clipping — the global gradient norm is scaled down to this when larger; none when absent.
    max_grad_norm: Option<f64> = None,
    /// trick: history — the network sees the last this many observations stacked (1 is the current one alone).
    history: usize = 1,
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

    #[test]
    fn overrides_replace_only_the_fields_written() {
        let base = AgentConfig {
            learning_rate: 1e-3,
            max_grad_norm: Some(10.0),
            ..AgentConfig::default()
        };
        let overrides: AgentOverrides = ron::from_str("(double: true, max_grad_norm: None, n_step: 3)").unwrap();
        assert_eq!(overrides.written_fields(), ["double", "n_step", "max_grad_norm"]);
        let config = overrides.apply_to(&base);
        assert_eq!(
            config,
            AgentConfig {
                double: true,
                n_step: 3,
                max_grad_norm: None,
                ..base.clone()
            }
        );
        assert_eq!(AgentOverrides::default().apply_to(&base), base);
        assert!(
            ron::from_str::<AgentOverrides>("(doubel: true)").is_err(),
            "unknown fields are refused"
        );
    }
}
