//! CartPole-v1: the cart-pole balancing task, matching gymnasium 1.4's `CartPoleEnv` step for step.
//!
//! The dynamics run in `f64` with gymnasium's constants, operation order and explicit Euler integrator; the
//! observation is the state cast to `f32`. Reward 1 on every step, including the one that terminates.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

use super::{Env, EnvInfo, StepOutcome, TimeLimit};

/// The gymnasium id of this environment.
pub const ID: &str = "CartPole-v1";
/// Gymnasium's default time limit for CartPole-v1.
pub const MAX_EPISODE_STEPS: usize = 500;

const GRAVITY: f64 = 9.8;
const MASS_CART: f64 = 1.0;
const MASS_POLE: f64 = 0.1;
const TOTAL_MASS: f64 = MASS_POLE + MASS_CART;
/// Half the pole's length.
const LENGTH: f64 = 0.5;
const POLE_MASS_LENGTH: f64 = MASS_POLE * LENGTH;
const FORCE_MAGNITUDE: f64 = 10.0;
/// Seconds between state updates.
const TAU_SECS: f64 = 0.02;
/// Pole angle (radians) beyond which the episode terminates: 12 degrees.
const THETA_THRESHOLD_RADIANS: f64 = 12.0 * 2.0 * std::f64::consts::PI / 360.0;
/// Cart position beyond which the episode terminates.
const X_THRESHOLD: f64 = 2.4;
/// Initial state values are drawn uniformly from `[-RESET_BOUND, RESET_BOUND)`.
const RESET_BOUND: f64 = 0.05;

/// The cart-pole environment without a time limit; `CartPole::time_limited()` gives the registered one.
#[derive(Debug, Clone)]
pub struct CartPole {
    /// `[x, x_dot, theta, theta_dot]`, as gymnasium's `env.unwrapped.state`.
    state: [f64; 4],
    rng: Pcg64,
}

impl Default for CartPole {
    fn default() -> Self {
        Self::new()
    }
}

impl CartPole {
    /// Number of values in the observation and in the internal state.
    pub const OBSERVATION_SIZE: usize = 4;
    /// 0 pushes the cart left, 1 pushes it right.
    pub const ACTION_COUNT: usize = 2;

    /// A cart-pole with its RNG seeded with 0 and a zero state; call `reset` to start an episode.
    pub fn new() -> Self {
        Self {
            state: [0.0; 4],
            rng: Pcg64::seed_from_u64(0),
        }
    }

    /// A cart-pole wrapped in gymnasium's default time limit (500 steps).
    pub fn time_limited() -> TimeLimit<Self> {
        TimeLimit::new(Self::new(), MAX_EPISODE_STEPS)
    }

    /// The internal state `[x, x_dot, theta, theta_dot]`.
    pub fn state(&self) -> [f64; 4] {
        self.state
    }

    /// Replaces the internal state (then `write_observation` gives the matching observation).
    pub fn set_state(&mut self, state: [f64; 4]) {
        self.state = state;
    }

    /// Writes the observation of the current state: the state cast to `f32`.
    pub fn write_observation(&self, observation: &mut [f32]) {
        for (value, state) in observation[..Self::OBSERVATION_SIZE].iter_mut().zip(self.state) {
            *value = state as f32;
        }
    }
}

impl Env for CartPole {
    fn info(&self) -> EnvInfo {
        EnvInfo::vector(Self::OBSERVATION_SIZE, Self::ACTION_COUNT)
    }

    fn legal_actions(&self, mask: &mut [bool]) {
        mask.fill(true);
    }

    fn reset(&mut self, seed: Option<u64>, observation: &mut [f32]) {
        if let Some(seed) = seed {
            self.rng = Pcg64::seed_from_u64(seed);
        }
        for value in &mut self.state {
            *value = self.rng.gen_range(-RESET_BOUND..RESET_BOUND);
        }
        self.write_observation(observation);
    }

    fn step(&mut self, action: usize, observation: &mut [f32]) -> StepOutcome {
        assert!(action < Self::ACTION_COUNT, "CartPole action {action} is not 0 or 1");
        let [x, x_dot, theta, theta_dot] = self.state;
        let force = if action == 1 { FORCE_MAGNITUDE } else { -FORCE_MAGNITUDE };
        let cos_theta = theta.cos();
        let sin_theta = theta.sin();

        // Same grouping as gymnasium (left to right), so the f64 results agree to the last bit.
        let temp = (force + POLE_MASS_LENGTH * (theta_dot * theta_dot) * sin_theta) / TOTAL_MASS;
        let theta_acceleration = (GRAVITY * sin_theta - cos_theta * temp)
            / (LENGTH * (4.0 / 3.0 - MASS_POLE * (cos_theta * cos_theta) / TOTAL_MASS));
        let x_acceleration = temp - POLE_MASS_LENGTH * theta_acceleration * cos_theta / TOTAL_MASS;

        // Explicit Euler: positions advance with the old velocities.
        let x = x + TAU_SECS * x_dot;
        let x_dot = x_dot + TAU_SECS * x_acceleration;
        let theta = theta + TAU_SECS * theta_dot;
        let theta_dot = theta_dot + TAU_SECS * theta_acceleration;
        self.state = [x, x_dot, theta, theta_dot];

        let terminated = !(-X_THRESHOLD..=X_THRESHOLD).contains(&x)
            || !(-THETA_THRESHOLD_RADIANS..=THETA_THRESHOLD_RADIANS).contains(&theta);
        self.write_observation(observation);
        StepOutcome {
            reward: 1.0,
            terminated,
            truncated: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_initial_observation() {
        let mut first = CartPole::new();
        let mut second = CartPole::new();
        let (mut a, mut b) = ([0.0f32; 4], [0.0f32; 4]);
        first.reset(Some(7), &mut a);
        second.reset(Some(7), &mut b);
        assert_eq!(a, b);
        second.reset(Some(8), &mut b);
        assert_ne!(a, b);
        // Reseeding replays the stream; `None` continues it.
        first.reset(None, &mut b);
        assert_ne!(a, b);
        first.reset(Some(7), &mut b);
        assert_eq!(a, b);
    }

    #[test]
    fn initial_states_lie_in_gymnasium_range() {
        let mut env = CartPole::new();
        let mut observation = [0.0f32; 4];
        for seed in 0..200 {
            env.reset(Some(seed), &mut observation);
            assert!(
                env.state().iter().all(|v| (-0.05..0.05).contains(v)),
                "{:?}",
                env.state()
            );
        }
    }

    #[test]
    fn constants_match_gymnasium() {
        assert_eq!(TOTAL_MASS, 1.1);
        assert_eq!(POLE_MASS_LENGTH, 0.05);
        assert_eq!(THETA_THRESHOLD_RADIANS, 0.20943951023931953);
    }

    #[test]
    fn hand_computed_first_step() {
        // From rest, pushing right: temp = 10 / 1.1, thetaacc = -temp / (0.5 * (4/3 - 0.1 / 1.1)).
        let mut env = CartPole::new();
        env.set_state([0.0; 4]);
        let mut observation = [0.0f32; 4];
        let outcome = env.step(1, &mut observation);
        let temp = 10.0 / 1.1;
        let theta_acceleration = -temp / (0.5 * (4.0 / 3.0 - 0.1 / 1.1));
        let x_acceleration = temp - 0.05 * theta_acceleration / 1.1;
        let expected = [0.0, 0.02 * x_acceleration, 0.0, 0.02 * theta_acceleration];
        for (got, want) in env.state().iter().zip(expected) {
            assert!((got - want).abs() < 1e-12, "{got} vs {want}");
        }
        assert_eq!(
            outcome,
            StepOutcome {
                reward: 1.0,
                terminated: false,
                truncated: false
            }
        );
    }

    #[test]
    fn pole_past_twelve_degrees_terminates() {
        let mut env = CartPole::new();
        env.set_state([0.0, 0.0, 0.21, 0.0]);
        let mut observation = [0.0f32; 4];
        assert!(env.step(1, &mut observation).terminated);
    }

    #[test]
    fn time_limited_truncates_at_500() {
        let mut env = CartPole::time_limited();
        let mut observation = [0.0f32; 4];
        env.reset(Some(0), &mut observation);
        for step in 1..=MAX_EPISODE_STEPS {
            // Keep the pole upright by hand so that only the time limit can end the episode.
            env.inner_mut().set_state([0.0; 4]);
            let outcome = env.step(step % 2, &mut observation);
            assert!(!outcome.terminated);
            assert_eq!(outcome.truncated, step == MAX_EPISODE_STEPS, "step {step}");
        }
    }
}
