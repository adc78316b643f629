//! The gym-style `Env` trait every environment implements, the time-limit wrapper, and the registry of env names.
//!
//! An environment owns its dynamics and its own seeded RNG (for initial states); it knows nothing about agents or
//! files. Observations are written into a caller-owned `f32` slice so the training loop allocates nothing per step.

/// What one `step` returns besides the observation (written into the caller's buffer).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepOutcome {
    /// The reward of this transition.
    pub reward: f64,
    /// The episode ended inside the MDP (pole fell, goal reached): do not bootstrap past it.
    pub terminated: bool,
    /// The episode was cut by a time limit: the next state still has value, bootstrap past it.
    pub truncated: bool,
}

/// The values an env's observations can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObservationValues {
    /// Any real numbers.
    Real,
    /// 0 or 1 (images of cells, board planes): one bit each in the replay buffer.
    Binary,
    /// k / 255 for a byte k, as `f32::from(k) / 255.0` computes it (a screen's grey levels): one byte each.
    Bytes,
}

/// What an agent, the replay buffer and the validation need to know of an env, in one place: a wrapper passes its
/// inner env's on, changing only what it changes, so no property can be forgotten on the way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnvInfo {
    /// Number of `f32` values in one observation.
    pub observation_size: usize,
    /// Number of discrete actions, `0..action_count`.
    pub action_count: usize,
    /// `Some((height, width, channels))` when the observation is an image stored row by row with the channel
    /// fastest (`(y * width + x) * channels + c`), which convolutional networks need; `None` for flat vectors. With
    /// `stacked` > 1 the observation is that many such images one after another.
    pub image_shape: Option<(usize, usize, usize)>,
    /// What values an observation holds (the replay buffer stores them as compactly as that allows).
    pub values: ObservationValues,
    /// How many of the env's own observations one observation stacks, oldest first (the `history` wrapper's
    /// length; 1 without it). The replay buffer then stores each of them once across consecutive stacks.
    pub stacked: usize,
    /// Whether an episode is a game that ends won (return > 0), drawn (0) or lost (< 0); evaluations then also
    /// record win, draw and loss rates.
    pub is_game: bool,
    /// The image's channels by name, in order (the report's pictures name them); empty when unnamed.
    pub channel_names: &'static [&'static str],
}

impl EnvInfo {
    /// A flat observation of `observation_size` real values and `action_count` actions; no image, not a game.
    pub const fn vector(observation_size: usize, action_count: usize) -> Self {
        EnvInfo {
            observation_size,
            action_count,
            image_shape: None,
            values: ObservationValues::Real,
            stacked: 1,
            is_game: false,
            channel_names: &[],
        }
    }
}

/// A gym-style environment with discrete actions.
pub trait Env: Send {
    /// Its observation and action spaces and what kind of task it is.
    fn info(&self) -> EnvInfo;
    /// Starts a new episode. `Some(seed)` reseeds the env's RNG (like gymnasium's `reset(seed=...)`); `None`
    /// continues the current RNG stream. Writes the initial observation.
    fn reset(&mut self, seed: Option<u64>, observation: &mut [f32]);
    /// Applies `action` and writes the next observation.
    fn step(&mut self, action: usize, observation: &mut [f32]) -> StepOutcome;
    /// Writes which actions are legal in the current state (`mask[a]` for action `a`, `action_count` entries);
    /// agents never pick an illegal one. An env whose actions are always legal fills the mask with `true`; a
    /// wrapper asks its inner env (required, so that no wrapper can silently turn masking off).
    fn legal_actions(&self, mask: &mut [bool]);

    /// `info().observation_size`.
    fn observation_size(&self) -> usize {
        self.info().observation_size
    }
    /// `info().action_count`.
    fn action_count(&self) -> usize {
        self.info().action_count
    }
    /// `info().image_shape`.
    fn image_shape(&self) -> Option<(usize, usize, usize)> {
        self.info().image_shape
    }
    /// `info().values`.
    fn observation_values(&self) -> ObservationValues {
        self.info().values
    }
    /// `info().is_game`.
    fn is_game(&self) -> bool {
        self.info().is_game
    }
}

mod acrobot;
pub mod atari;
mod cartpole;
pub mod connect_four;
mod history;
pub mod lunar_lander;
pub mod minatar;
mod mountain_car;
mod options;
mod registry;
mod time_limit;

pub use acrobot::Acrobot;
pub use cartpole::CartPole;
pub use connect_four::{ConnectFour, Opponent};
pub use history::{with_history, History};
pub use lunar_lander::LunarLander;
pub use mountain_car::MountainCar;
pub use options::{EnvOptions, OptionError, OptionValue};
pub use registry::{
    default_score_anchors, env_ids, lunar_lander_settings, make_env, make_env_with, register, registration,
    AlreadyRegistered, EnvError, Registration, ATARI_IDS,
};
pub use time_limit::TimeLimit;
