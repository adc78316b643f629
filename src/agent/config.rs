//! The agent configuration: one serde struct, a doc line per field, every default in one place, and each field's
//! rule beside it (`AgentConfig::check`; the spec's validation says where a broken one is written).
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
    /// The Nature DQN network (Mnih et al. 2015) for 84×84 Atari screens: convolutions of 32 8×8 filters with
    /// stride 4, 64 4×4 with stride 2 and 64 3×3 with stride 1, ReLU after each, then the `hidden` layers (one of
    /// 512 there). Needs an env with image observations; a history's stack is read as input channels.
    NatureConv,
}

impl Network {
    /// Whether it starts with convolutions (and so needs image observations).
    pub fn is_convolutional(&self) -> bool {
        *self != Network::Mlp
    }
}

/// How the agent explores while training (evaluation is always greedy, noise off).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Exploration {
    /// ε-greedy with the linear schedule of `epsilon_start`, `epsilon_end` and `exploration_fraction`.
    EpsilonGreedy,
    /// Factorised Gaussian noisy layers with initial noise scale σ0 (Fortunato et al. 2018: 0.5); ε is 0.
    Noisy(f64),
}

/// What a prioritized transition's priority is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Priority {
    /// Its |TD error| (Schaul et al. 2016); with C51, which has none, its cross-entropy.
    TdError,
    /// Its per-sample loss: the Huber or squared error, or C51's cross-entropy (Dopamine: priority = √loss, i.e.
    /// `alpha: 0.5`).
    Loss,
}

impl Priority {
    fn is_td_error(&self) -> bool {
        *self == Priority::TdError
    }
}

/// Which layers are noisy with `exploration: Noisy(sigma0)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NoisyLayers {
    /// The last hidden layer and the head (Fortunato et al.'s DQN noise on the fully connected part near the output).
    LastHiddenAndHead,
    /// Every fully connected layer (Dopamine, and the Revisiting Rainbow study).
    All,
}

impl NoisyLayers {
    fn is_last_hidden_and_head(&self) -> bool {
        *self == NoisyLayers::LastHiddenAndHead
    }
}

/// When noisy layers draw their noise, with `exploration: Noisy(sigma0)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NoiseDraws {
    /// Fresh noise at every acting step and for every update (Fortunato et al.).
    EveryStep,
    /// Noise drawn once, when the network is made, and kept for every pass, the greedy ones too: the Revisiting
    /// Rainbow code's `NoisyNetwork` samples from a fixed key. Each weight is then a deterministic μ + σ·ε with both
    /// μ and σ learnt, and exploration comes from ε alone (`noisy_epsilon`).
    Once,
}

impl NoiseDraws {
    fn is_every_step(&self) -> bool {
        *self == NoiseDraws::EveryStep
    }
}

/// How a network's weights are first drawn (noisy layers keep their own: means U(±1/√fan_in), scales σ0/√fan_in).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Initialization {
    /// Weights and biases from U(±1/√fan_in) (PyTorch's `nn.Linear`, as CleanRL's networks start).
    PyTorchDefault,
    /// Weights from Glorot (Xavier) uniform, U(±√(6 / (fan_in + fan_out))), biases 0 (Flax's `Dense` with
    /// `xavier_uniform`, as the Revisiting Rainbow networks start).
    GlorotUniform,
}

impl Initialization {
    fn is_pytorch_default(&self) -> bool {
        *self == Initialization::PyTorchDefault
    }
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
        /// Importance-sampling exponent at the last step (β anneals linearly from `beta_start`); Dopamine keeps β
        /// fixed at 0.5: `beta_start: 0.5, beta_end: 0.5`.
        #[serde(default = "default_importance_exponent_end", skip_serializing_if = "is_one")]
        beta_end: f64,
        /// `TdError` (p = |δ| + ε) or `Loss` (p = per-sample loss + ε).
        #[serde(default = "default_priority", skip_serializing_if = "Priority::is_td_error")]
        priority: Priority,
    },
}

fn default_importance_exponent_end() -> f64 {
    1.0
}

fn is_one(value: &f64) -> bool {
    *value == 1.0
}

fn default_priority() -> Priority {
    Priority::TdError
}

/// What the network predicts of each action's return.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Distributional {
    /// Its expected value: one output per action, learnt by regression on the TD target (DQN).
    None,
    /// Its distribution over `atoms` evenly spaced returns from `v_min` to `v_max` (C51, Bellemare, Dabney & Munos
    /// 2017): `atoms` outputs per action, softmax over them, Q = Σ z·p; learnt by the cross-entropy with the target
    /// distribution r + γ^k z projected onto the same atoms.
    C51 {
        /// Returns in the support (51 in the paper, hence the name).
        #[serde(default = "default_atoms")]
        atoms: usize,
        /// The smallest return the support holds; targets below it count as it.
        v_min: f64,
        /// The largest return the support holds; targets above it count as it.
        v_max: f64,
    },
}

fn default_atoms() -> usize {
    51
}

impl Distributional {
    /// Whether it is `None` (DQN's expected values).
    pub fn is_none(&self) -> bool {
        *self == Distributional::None
    }

    /// Outputs per action: the atoms of C51, 1 for an expected value.
    pub fn atoms(&self) -> usize {
        match self {
            Distributional::None => 1,
            Distributional::C51 { atoms, .. } => *atoms,
        }
    }
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
    /// Prioritized replay with the paper's settings (α 0.6, β from 0.4 to 1, ε 1e-6, priorities from |δ|).
    pub fn prioritized() -> Self {
        Replay::Prioritized {
            alpha: default_priority_exponent(),
            beta_start: default_importance_exponent_start(),
            epsilon: default_priority_epsilon(),
            beta_end: default_importance_exponent_end(),
            priority: default_priority(),
        }
    }

    /// Prioritized replay's importance-sampling exponent β at env step `step` of `total_steps` (linear from
    /// `beta_start` to `beta_end`); 1 under uniform replay, where the weights are all 1 anyway.
    pub fn beta_at(&self, step: usize, total_steps: usize) -> f64 {
        match *self {
            Replay::Prioritized {
                beta_start, beta_end, ..
            } => beta_start + (beta_end - beta_start) * step as f64 / total_steps.max(1) as f64,
            Replay::Uniform => 1.0,
        }
    }
}

/// Declares [`AgentConfig`] (every field with its type, default and doc line, in one table) and [`AgentOverrides`]
/// (the same fields, each optional: what a variant or an env changes on top of a base config). A field's
/// `#[serde(...)]` attributes apply to `AgentConfig` alone: fields added after results were stored are left out of
/// its serialisation while they hold their default (`skip_serializing_if`), so that the config hash of a run that
/// does not use them is the one it had, and stored results stay valid.
macro_rules! agent_config {
    ($($(#[doc = $doc:literal])* $(#[serde($($serde:tt)*)])* $field:ident: $type:ty = $default:expr,)*) => {
        /// Everything that defines how a DQN agent learns. Fields left out of a spec take the defaults below.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(default, deny_unknown_fields)]
        pub struct AgentConfig {
            $($(#[doc = $doc])* $(#[serde($($serde)*)])* pub $field: $type,)*
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

/// Whether a number is 0, its default (a field at its default is left out of the stored config, so that results
/// stored before the field existed keep their identity).
fn is_zero(value: &f64) -> bool {
    *value == 0.0
}

/// A field that is written at all is `Some`, even when its own type is an `Option` written `None` (so a variant can
/// switch `max_grad_norm` off).
fn written<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}

// CleanRL's dqn.py defaults (vanilla DQN: a hard-copied target network, uniform replay, every other trick off).
agent_config! {
    /// The network's kind: `Mlp`, `MinAtarConv(filters: 16)` (a convolution before the `hidden` layers) or
    /// `NatureConv` (Atari's three).
    network: Network = Network::Mlp,
    /// Widths of the Q-network's hidden layers (ReLU after each); the input and output sizes come from the env.
    /// Empty only after convolutions, whose features then feed the head.
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
    /// The first gradient step is at the first multiple of `train_every` past this env step (CleanRL's rule).
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
    /// With `Noisy(sigma0)`: `LastHiddenAndHead` or `All` (every fully connected layer, as Dopamine).
    #[serde(skip_serializing_if = "NoisyLayers::is_last_hidden_and_head")]
    noisy_layers: NoisyLayers = NoisyLayers::LastHiddenAndHead,
    /// With `Noisy(sigma0)`: also act ε-greedily on the ε schedule, as Dopamine's agents do (without it ε is 0 with
    /// noisy nets, as Fortunato et al. describe).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    noisy_epsilon: bool = false,
    /// With `Noisy(sigma0)`: `EveryStep` (fresh noise for each action and update) or `Once` (drawn when the network
    /// is made and kept, as the Revisiting Rainbow code does).
    #[serde(skip_serializing_if = "NoiseDraws::is_every_step")]
    noise_draws: NoiseDraws = NoiseDraws::EveryStep,
    /// The first weights: `PyTorchDefault` (U(±1/√fan_in)) or `GlorotUniform` (biases 0).
    #[serde(skip_serializing_if = "Initialization::is_pytorch_default")]
    initialization: Initialization = Initialization::PyTorchDefault,
    /// Each observation value mapped from [min, max] to [−1, 1] before the network, x ↦ 2(x − min)/(max − min) − 1,
    /// one `(min, max)` per value (the Revisiting Rainbow networks on CartPole, Acrobot, MountainCar); none when
    /// absent. Usually set per env (`envs: [(..., agent: (input_bounds: Some([...])))]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    input_bounds: Option<Vec<(f64, f64)>> = None,
    /// ε of the evaluations' ε-greedy choice: 0 is purely greedy. Atari's evaluations use 0.05 (Mnih et al. 2015),
    /// so that a policy that never serves the ball cannot stall an episode until its time limit.
    #[serde(skip_serializing_if = "is_zero")]
    eval_epsilon: f64 = 0.0,
    /// Rewards clipped to [−1, 1] for learning only (Dopamine's default); returns are reported unclipped.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    clip_rewards: bool = false,
    /// trick: the loss on the TD error — `Huber` (δ = 1) or `Mse` (unused with C51, which learns by cross-entropy).
    loss: Loss = Loss::Mse,
    /// trick: double DQN — the online network picks argmax a' at s', the target network evaluates it.
    double: bool = false,
    /// trick: dueling heads — Q = V + A − mean(A).
    dueling: bool = false,
    /// trick: replay sampling — `Uniform` or `Prioritized(alpha: 0.6, beta_start: 0.4, epsilon: 1e-6, beta_end: 1.0,
    /// priority: TdError)`.
    replay: Replay = Replay::Uniform,
    /// trick: distributional RL — `None` (expected values) or `C51(atoms: 51, v_min: -200.0, v_max: 200.0)`.
    #[serde(skip_serializing_if = "Distributional::is_none")]
    distributional: Distributional = Distributional::None,
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
    /// Always 0 with noisy exploration, unless `noisy_epsilon`.
    pub fn epsilon_at(&self, step: usize, total_steps: usize) -> f64 {
        if let (Exploration::Noisy(_), false) = (self.exploration, self.noisy_epsilon) {
            return 0.0;
        }
        let decay_steps = self.exploration_fraction * total_steps as f64;
        if decay_steps <= 0.0 {
            return self.epsilon_end;
        }
        let progress = (step as f64 / decay_steps).min(1.0);
        self.epsilon_start + progress * (self.epsilon_end - self.epsilon_start)
    }

    /// Whether the agent makes its `gradient_steps` updates at env step `step` (counted from 0, after that step's
    /// transition is stored): every `train_every` steps once `step` is past `learning_starts`. "Past", not "at": as
    /// CleanRL's `global_step > learning_starts`, so with the defaults the first update is at step 10,010.
    pub fn updates_at(&self, step: usize) -> bool {
        step > self.learning_starts && step.is_multiple_of(self.train_every)
    }

    /// Whether a hard target copy is made at env step `step`: every `every` steps once `step` is past
    /// `learning_starts` (CleanRL's rule: with the defaults the first copy is at step 10,500). Never with a soft
    /// target (which blends inside each update) or without a target network.
    pub fn copies_target_at(&self, step: usize) -> bool {
        match self.target {
            Target::Hard(every) => step > self.learning_starts && step.is_multiple_of(every),
            Target::Soft(_) | Target::None => false,
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The rules of each field that its type cannot say; the spec's validation points at where a broken one is written.

/// An agent field that breaks its rule: which field, what was wrong, what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// The field, e.g. `"batch_size"`.
    pub field: &'static str,
    /// Inside it, when the problem is there: a list's element (`hidden[1]`) or a trick's setting (`replay.alpha`).
    pub inner: Option<Inner>,
    pub problem: String,
    pub expected: String,
    /// Point at the value, not at the field's name.
    pub at_value: bool,
    /// Another field the problem is as much about (pointed at when `field` is left to its default).
    pub also: Option<&'static str>,
}

/// A place inside a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inner {
    Element(usize),
    Setting(&'static str),
}

impl FieldProblem {
    fn new(field: &'static str, problem: impl Into<String>, expected: impl Into<String>) -> Self {
        FieldProblem {
            field,
            inner: None,
            problem: problem.into(),
            expected: expected.into(),
            at_value: false,
            also: None,
        }
    }

    fn inside(self, inner: Inner) -> Self {
        FieldProblem {
            inner: Some(inner),
            ..self
        }
    }
}

/// A count that must be at least 1 (`meaning` says what it counts).
pub fn positive_count(field: &'static str, value: usize, meaning: &str) -> Result<(), FieldProblem> {
    if value == 0 {
        return Err(FieldProblem::new(field, "got 0", format!("an integer > 0 ({meaning})")));
    }
    Ok(())
}

fn positive_number(field: &'static str, value: f64) -> Result<(), FieldProblem> {
    if !(value.is_finite() && value > 0.0) {
        return Err(FieldProblem::new(
            field,
            format!("got {value:?}"),
            "a finite number > 0",
        ));
    }
    Ok(())
}

/// A number the f32 update can hold: f32 rounds anything else to 0 or to infinity, which is not the number written
/// (an ε of 1e-300 is 0 there and divides 0 by 0 on the first update).
fn positive_float32(field: &'static str, value: f64) -> Result<(), FieldProblem> {
    positive_number(field, value)?;
    let (smallest, largest) = (f64::from(f32::MIN_POSITIVE), f64::from(f32::MAX));
    if !(smallest..=largest).contains(&value) {
        return Err(FieldProblem::new(
            field,
            format!("got {value:?}"),
            format!("a number in [{smallest:e}, {largest:e}] (the update computes in f32)"),
        ));
    }
    Ok(())
}

fn unit_interval(field: &'static str, value: f64) -> Result<(), FieldProblem> {
    if !(0.0..=1.0).contains(&value) {
        return Err(FieldProblem::new(field, format!("got {value:?}"), "a number in [0, 1]"));
    }
    Ok(())
}

impl AgentConfig {
    /// Checks every field against its rule, in field order, and returns the first one broken.
    pub fn check(&self) -> Result<(), FieldProblem> {
        // A convolution may feed the head directly (the Revisiting Rainbow MinAtar network); an MLP needs a layer.
        if self.hidden.is_empty() && !self.network.is_convolutional() {
            return Err(FieldProblem::new(
                "hidden",
                "no hidden layers",
                "at least one layer width, e.g. [120, 84] (none only after convolutions)",
            ));
        }
        if let Some(index) = self.hidden.iter().position(|&width| width == 0) {
            return Err(FieldProblem {
                at_value: true,
                ..FieldProblem::new("hidden", "got 0", "a layer width > 0").inside(Inner::Element(index))
            });
        }
        positive_float32("learning_rate", self.learning_rate)?;
        positive_float32("adam_epsilon", self.adam_epsilon)?;
        unit_interval("gamma", self.gamma)?;
        positive_count("batch_size", self.batch_size, "transitions per gradient step")?;
        positive_count("buffer_size", self.buffer_size, "replay capacity")?;
        if self.batch_size > self.buffer_size {
            return Err(FieldProblem {
                also: Some("buffer_size"),
                ..FieldProblem::new(
                    "batch_size",
                    format!(
                        "batch_size {} is larger than buffer_size {}",
                        self.batch_size, self.buffer_size
                    ),
                    "batch_size <= buffer_size (a batch is sampled from the buffer)",
                )
            });
        }
        positive_count("train_every", self.train_every, "env steps between two training calls")?;
        positive_count(
            "gradient_steps",
            self.gradient_steps,
            "gradient steps per training call",
        )?;
        match self.target {
            Target::Hard(every) => positive_count("target", every, "env steps between two target-network copies")?,
            Target::Soft(tau) => {
                if !(tau > 0.0 && tau <= 1.0) {
                    return Err(FieldProblem::new(
                        "target",
                        format!("got Soft({tau:?})"),
                        "Soft(tau) with tau in (0, 1]",
                    ));
                }
            }
            Target::None => {}
        }
        unit_interval("epsilon_start", self.epsilon_start)?;
        unit_interval("epsilon_end", self.epsilon_end)?;
        unit_interval("eval_epsilon", self.eval_epsilon)?;
        unit_interval("exploration_fraction", self.exploration_fraction)?;
        if let Exploration::Noisy(sigma0) = self.exploration {
            if !(sigma0.is_finite() && sigma0 > 0.0) {
                return Err(FieldProblem::new(
                    "exploration",
                    format!("got Noisy({sigma0:?})"),
                    "Noisy(sigma0) with a finite sigma0 > 0 (Fortunato et al.: 0.5)",
                ));
            }
        }
        if let Replay::Prioritized {
            alpha,
            beta_start,
            epsilon,
            beta_end,
            ..
        } = self.replay
        {
            let setting = |name: &'static str, rule: Result<(), FieldProblem>| {
                rule.map_err(|broken| {
                    FieldProblem {
                        field: "replay",
                        ..broken
                    }
                    .inside(Inner::Setting(name))
                })
            };
            if !(alpha.is_finite() && alpha >= 0.0) {
                return Err(
                    FieldProblem::new("replay", format!("got {alpha:?}"), "a finite number >= 0")
                        .inside(Inner::Setting("alpha")),
                );
            }
            setting("beta_start", unit_interval("beta_start", beta_start))?;
            setting("epsilon", positive_number("epsilon", epsilon))?;
            setting("beta_end", unit_interval("beta_end", beta_end))?;
        }
        if let Some(bounds) = &self.input_bounds {
            if let Some(index) = bounds
                .iter()
                .position(|(min, max)| !(min.is_finite() && max.is_finite() && min < max))
            {
                let (min, max) = bounds[index];
                return Err(FieldProblem {
                    at_value: true,
                    ..FieldProblem::new(
                        "input_bounds",
                        format!("got ({min:?}, {max:?})"),
                        "(min, max) with finite min < max",
                    )
                    .inside(Inner::Element(index))
                });
            }
        }
        if let Distributional::C51 { atoms, v_min, v_max } = self.distributional {
            let inside = |name: &'static str, problem: String, expected: &str| {
                FieldProblem::new("distributional", problem, expected).inside(Inner::Setting(name))
            };
            if atoms < 2 {
                return Err(inside(
                    "atoms",
                    format!("got {atoms}"),
                    "at least 2 atoms (the support's ends)",
                ));
            }
            for (name, value) in [("v_min", v_min), ("v_max", v_max)] {
                if !value.is_finite() || value.abs() > f64::from(f32::MAX) {
                    return Err(inside(name, format!("got {value:?}"), "a finite number (f32)"));
                }
            }
            if v_min >= v_max {
                return Err(inside(
                    "v_max",
                    format!("v_max {v_max:?} is not above v_min {v_min:?}"),
                    "v_min < v_max",
                ));
            }
        }
        positive_count(
            "n_step",
            self.n_step,
            "rewards summed before bootstrapping; 1 is plain DQN",
        )?;
        if self.learning_starts < self.n_step - 1 {
            return Err(FieldProblem {
                also: Some("n_step"),
                ..FieldProblem::new(
                    "learning_starts",
                    format!(
                        "learning_starts {} with n_step {}: the first update would find the replay buffer empty",
                        self.learning_starts, self.n_step
                    ),
                    "learning_starts >= n_step - 1 (the first n-step transition is stored after n env steps)",
                )
            });
        }
        if let Some(max_norm) = self.max_grad_norm {
            positive_number("max_grad_norm", max_norm)?;
        }
        positive_count(
            "history",
            self.history,
            "observations stacked as the network input; 1 is none",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn updates_and_target_copies_follow_cleanrl_dqn_schedule() {
        // CleanRL's dqn.py at its defaults over 500,000 steps (global_step 0..499,999): it trains when
        // `global_step > 10_000 and global_step % 10 == 0` and copies when `global_step % 500 == 0` under the same
        // first test. Counted by hand: updates at 10,010, 10,020, ..., 499,990: (499,990 − 10,010) / 10 + 1 = 48,999;
        // copies at 10,500, ..., 499,500: (499,500 − 10,500) / 500 + 1 = 979.
        let config = AgentConfig::default();
        let updates: Vec<usize> = (0..500_000).filter(|&step| config.updates_at(step)).collect();
        let copies: Vec<usize> = (0..500_000).filter(|&step| config.copies_target_at(step)).collect();
        assert_eq!(
            (updates.len(), updates[0], *updates.last().unwrap()),
            (48_999, 10_010, 499_990)
        );
        assert_eq!(
            (copies.len(), copies[0], *copies.last().unwrap()),
            (979, 10_500, 499_500)
        );
        let soft = AgentConfig {
            target: Target::Soft(0.005),
            ..AgentConfig::default()
        };
        assert!((0..20_000).all(|step| !soft.copies_target_at(step)));
    }

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
            ..config.clone()
        };
        assert_eq!(noisy.epsilon_at(0, 1000), 0.0);
        // Dopamine's way: noise and the same ε schedule on top.
        let noisy_with_epsilon = AgentConfig {
            noisy_epsilon: true,
            ..noisy
        };
        assert!((noisy_with_epsilon.epsilon_at(250, 1000) - 0.55).abs() < 1e-12);
    }

    #[test]
    fn beta_anneals_from_start_to_end_or_stays_fixed() {
        let annealed = Replay::prioritized();
        assert_eq!(annealed.beta_at(0, 1000), 0.4);
        assert!((annealed.beta_at(500, 1000) - 0.7).abs() < 1e-12);
        assert_eq!(annealed.beta_at(1000, 1000), 1.0);
        // Dopamine's fixed exponent.
        let fixed: AgentConfig = ron::from_str(
            "(replay: Prioritized(alpha: 0.5, beta_start: 0.5, beta_end: 0.5, \
                                                epsilon: 1e-10, priority: Loss))",
        )
        .unwrap();
        assert!((0..=1000)
            .step_by(100)
            .all(|step| fixed.replay.beta_at(step, 1000) == 0.5));
        assert_eq!(Replay::Uniform.beta_at(3, 10), 1.0);
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
                epsilon: 1e-6,
                beta_end: 1.0,
                priority: Priority::TdError,
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
    fn a_field_added_later_leaves_the_config_of_runs_that_do_not_use_it_as_it_was() {
        // The JSON the config hash is taken of, for the defaults: no `distributional` while it is `None` (stored
        // results keep their hash), and there once it is set.
        let json = serde_json::to_string(&AgentConfig::default()).unwrap();
        assert!(!json.contains("distributional"), "{json}");
        assert!(json.contains("\"n_step\":1"), "{json}");
        let c51 = AgentConfig {
            distributional: Distributional::C51 {
                atoms: 51,
                v_min: -10.0,
                v_max: 10.0,
            },
            ..AgentConfig::default()
        };
        let json = serde_json::to_string(&c51).unwrap();
        assert!(json.contains("\"distributional\":{\"C51\""), "{json}");
        assert_eq!(serde_json::from_str::<AgentConfig>(&json).unwrap(), c51);
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
