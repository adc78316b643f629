//! Acrobot-v1: swing up a two-link pendulum actuated at the middle joint, matching gymnasium 1.4's `AcrobotEnv`
//! step for step.
//!
//! Sutton and Barto's "book" dynamics, integrated over one 0.2 s step with gymnasium's single-interval RK4 in `f64`;
//! angles are wrapped to `[-pi, pi]` and velocities bounded after each step. Torque noise is 0 (gymnasium's
//! default). Reward -1 per step and 0 on the step that reaches the target height.

use std::f64::consts::PI;

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

use super::{Env, EnvInfo, StepOutcome, TimeLimit};

/// The gymnasium id of this environment.
pub const ID: &str = "Acrobot-v1";
/// Gymnasium's default time limit for Acrobot-v1.
pub const MAX_EPISODE_STEPS: usize = 500;

/// Seconds integrated per step.
const DT_SECS: f64 = 0.2;
/// Link lengths (m), masses (kg), centre-of-mass positions (m) and moments of inertia.
const L1: f64 = 1.0;
const M1: f64 = 1.0;
const M2: f64 = 1.0;
const LC1: f64 = 0.5;
const LC2: f64 = 0.5;
const I1: f64 = 1.0;
const I2: f64 = 1.0;
const GRAVITY: f64 = 9.8;
const MAX_VELOCITY_1: f64 = 4.0 * PI;
const MAX_VELOCITY_2: f64 = 9.0 * PI;
/// The torque each action applies to the middle joint.
const TORQUES: [f64; 3] = [-1.0, 0.0, 1.0];
/// Initial state values are drawn uniformly from `[-RESET_BOUND, RESET_BOUND)` (then rounded to `f32`).
const RESET_BOUND: f64 = 0.1;

/// The acrobot without a time limit; `Acrobot::time_limited()` gives the registered one.
#[derive(Debug, Clone)]
pub struct Acrobot {
    /// `[theta1, theta2, theta1_dot, theta2_dot]`, as gymnasium's `env.unwrapped.state`.
    state: [f64; 4],
    rng: Pcg64,
}

impl Default for Acrobot {
    fn default() -> Self {
        Self::new()
    }
}

impl Acrobot {
    /// Number of values in the observation: cos and sin of both angles, then both angular velocities.
    pub const OBSERVATION_SIZE: usize = 6;
    /// 0, 1, 2 apply torque -1, 0, +1.
    pub const ACTION_COUNT: usize = 3;

    /// An acrobot with its RNG seeded with 0 and a zero state; call `reset` to start an episode.
    pub fn new() -> Self {
        Self {
            state: [0.0; 4],
            rng: Pcg64::seed_from_u64(0),
        }
    }

    /// An acrobot wrapped in gymnasium's default time limit (500 steps).
    pub fn time_limited() -> TimeLimit<Self> {
        TimeLimit::new(Self::new(), MAX_EPISODE_STEPS)
    }

    /// The internal state `[theta1, theta2, theta1_dot, theta2_dot]`.
    pub fn state(&self) -> [f64; 4] {
        self.state
    }

    /// Replaces the internal state (then `write_observation` gives the matching observation).
    pub fn set_state(&mut self, state: [f64; 4]) {
        self.state = state;
    }

    /// Writes the observation of the current state: cos and sin computed in `f64`, then everything cast to `f32`.
    pub fn write_observation(&self, observation: &mut [f32]) {
        let [theta1, theta2, theta1_dot, theta2_dot] = self.state;
        let values = [
            theta1.cos(),
            theta1.sin(),
            theta2.cos(),
            theta2.sin(),
            theta1_dot,
            theta2_dot,
        ];
        for (slot, value) in observation[..Self::OBSERVATION_SIZE].iter_mut().zip(values) {
            *slot = value as f32;
        }
    }

    /// True when the free end is above the target height.
    fn reached_target(&self) -> bool {
        let [theta1, theta2, ..] = self.state;
        -theta1.cos() - (theta2 + theta1).cos() > 1.0
    }
}

/// Time derivative of `[theta1, theta2, theta1_dot, theta2_dot]` under `torque` ("book" dynamics). Grouping follows
/// gymnasium's `_dsdt` left to right so the `f64` results agree to the last bit.
fn derivatives(state: [f64; 4], torque: f64) -> [f64; 4] {
    let [theta1, theta2, theta1_dot, theta2_dot] = state;
    let cos2 = theta2.cos();
    let sin2 = theta2.sin();
    let d1 = M1 * (LC1 * LC1) + M2 * (L1 * L1 + LC2 * LC2 + 2.0 * L1 * LC2 * cos2) + I1 + I2;
    let d2 = M2 * (LC2 * LC2 + L1 * LC2 * cos2) + I2;
    let phi2 = M2 * LC2 * GRAVITY * (theta1 + theta2 - PI / 2.0).cos();
    let phi1 = -M2 * L1 * LC2 * (theta2_dot * theta2_dot) * sin2 - 2.0 * M2 * L1 * LC2 * theta2_dot * theta1_dot * sin2
        + (M1 * LC1 + M2 * L1) * GRAVITY * (theta1 - PI / 2.0).cos()
        + phi2;
    let theta2_acceleration = (torque + d2 / d1 * phi1 - M2 * L1 * LC2 * (theta1_dot * theta1_dot) * sin2 - phi2)
        / (M2 * (LC2 * LC2) + I2 - (d2 * d2) / d1);
    let theta1_acceleration = -(d2 * theta2_acceleration + phi1) / d1;
    [theta1_dot, theta2_dot, theta1_acceleration, theta2_acceleration]
}

/// One classical Runge-Kutta step of length `DT_SECS`, as gymnasium's `rk4` over `[0, dt]` (the torque rides along
/// as a constant fifth state value there; here it is an argument).
fn runge_kutta_step(state: [f64; 4], torque: f64) -> [f64; 4] {
    let half_dt = DT_SECS / 2.0;
    let shifted = |k: [f64; 4], scale: f64| std::array::from_fn(|i| state[i] + scale * k[i]);
    let k1 = derivatives(state, torque);
    let k2 = derivatives(shifted(k1, half_dt), torque);
    let k3 = derivatives(shifted(k2, half_dt), torque);
    let k4 = derivatives(shifted(k3, DT_SECS), torque);
    std::array::from_fn(|i| state[i] + DT_SECS / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]))
}

/// Gymnasium's `wrap`: shifts `x` by whole periods `max - min` until `min <= x <= max`.
fn wrap(mut x: f64, min: f64, max: f64) -> f64 {
    let period = max - min;
    while x > max {
        x -= period;
    }
    while x < min {
        x += period;
    }
    x
}

impl Env for Acrobot {
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
        // Gymnasium stores the initial state as float32, so its values are f32-representable.
        for value in &mut self.state {
            *value = self.rng.gen_range(-RESET_BOUND..RESET_BOUND) as f32 as f64;
        }
        self.write_observation(observation);
    }

    fn step(&mut self, action: usize, observation: &mut [f32]) -> StepOutcome {
        assert!(action < Self::ACTION_COUNT, "Acrobot action {action} is not 0, 1 or 2");
        let [theta1, theta2, theta1_dot, theta2_dot] = runge_kutta_step(self.state, TORQUES[action]);
        self.state = [
            wrap(theta1, -PI, PI),
            wrap(theta2, -PI, PI),
            theta1_dot.clamp(-MAX_VELOCITY_1, MAX_VELOCITY_1),
            theta2_dot.clamp(-MAX_VELOCITY_2, MAX_VELOCITY_2),
        ];
        let terminated = self.reached_target();
        self.write_observation(observation);
        StepOutcome {
            reward: if terminated { 0.0 } else { -1.0 },
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
        let mut first = Acrobot::new();
        let mut second = Acrobot::new();
        let (mut a, mut b) = ([0.0f32; 6], [0.0f32; 6]);
        first.reset(Some(3), &mut a);
        second.reset(Some(3), &mut b);
        assert_eq!(a, b);
        first.reset(None, &mut b);
        assert_ne!(a, b);
    }

    #[test]
    fn initial_states_lie_in_gymnasium_range() {
        let mut env = Acrobot::new();
        let mut observation = [0.0f32; 6];
        let bound = RESET_BOUND as f32 as f64;
        for seed in 0..200 {
            env.reset(Some(seed), &mut observation);
            for value in env.state() {
                assert!((-bound..=bound).contains(&value), "{value}");
                assert_eq!(value as f32 as f64, value, "initial state should be f32-representable");
            }
        }
    }

    #[test]
    fn wrap_shifts_by_whole_periods() {
        assert_eq!(wrap(0.5, -PI, PI), 0.5);
        assert_eq!(wrap(PI + 0.5, -PI, PI), PI + 0.5 - 2.0 * PI);
        assert_eq!(wrap(-PI - 0.5, -PI, PI), -PI - 0.5 + 2.0 * PI);
        assert_eq!(wrap(PI, -PI, PI), PI);
    }

    #[test]
    fn hanging_at_rest_without_torque_stays_at_rest() {
        let mut env = Acrobot::new();
        env.set_state([0.0; 4]);
        let mut observation = [0.0f32; 6];
        let outcome = env.step(1, &mut observation);
        // Not exactly zero: cos(-pi/2) is 6e-17 in f64, in gymnasium too.
        assert!(env.state().iter().all(|value| value.abs() < 1e-14), "{:?}", env.state());
        let expected = [1.0, 0.0, 1.0, 0.0, 0.0, 0.0];
        assert!(
            observation
                .iter()
                .zip(expected)
                .all(|(got, want)| (got - want).abs() < 1e-14),
            "{observation:?}"
        );
        assert_eq!(
            outcome,
            StepOutcome {
                reward: -1.0,
                terminated: false,
                truncated: false
            }
        );
    }

    #[test]
    fn upside_down_is_terminal_with_reward_zero() {
        let mut env = Acrobot::new();
        env.set_state([PI, 0.0, 0.0, 0.0]);
        let mut observation = [0.0f32; 6];
        let outcome = env.step(1, &mut observation);
        assert!(outcome.terminated);
        assert_eq!(outcome.reward, 0.0);
    }
}
