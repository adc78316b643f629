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

/// A gym-style environment with discrete actions.
pub trait Env: Send {
    /// Number of `f32` values in one observation.
    fn observation_size(&self) -> usize;
    /// Number of discrete actions, `0..action_count()`.
    fn action_count(&self) -> usize;
    /// Starts a new episode. `Some(seed)` reseeds the env's RNG (like gymnasium's `reset(seed=...)`); `None`
    /// continues the current RNG stream. Writes the initial observation.
    fn reset(&mut self, seed: Option<u64>, observation: &mut [f32]);
    /// Applies `action` and writes the next observation.
    fn step(&mut self, action: usize, observation: &mut [f32]) -> StepOutcome;
}
