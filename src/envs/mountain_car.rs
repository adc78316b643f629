//! MountainCar-v0: drive an underpowered car up the right hill, matching gymnasium 1.4's `MountainCarEnv` step for
//! step.
//!
//! `f64` dynamics with force 0.001 and gravity 0.0025; velocity and position are clipped, and hitting the left wall
//! zeroes a leftward velocity. Terminates at position >= 0.5 with velocity >= 0. Reward -1 on every step.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

use super::{Env, EnvInfo, StepOutcome, TimeLimit};

/// The gymnasium id of this environment.
pub const ID: &str = "MountainCar-v0";
/// Gymnasium's default time limit for MountainCar-v0.
pub const MAX_EPISODE_STEPS: usize = 200;

const MIN_POSITION: f64 = -1.2;
const MAX_POSITION: f64 = 0.6;
const MAX_SPEED: f64 = 0.07;
const GOAL_POSITION: f64 = 0.5;
const GOAL_VELOCITY: f64 = 0.0;
const FORCE: f64 = 0.001;
const GRAVITY: f64 = 0.0025;
/// The initial position is drawn uniformly from `[RESET_LOW, RESET_HIGH)`; the initial velocity is 0.
const RESET_LOW: f64 = -0.6;
const RESET_HIGH: f64 = -0.4;

/// The mountain car without a time limit; `MountainCar::time_limited()` gives the registered one.
#[derive(Debug, Clone)]
pub struct MountainCar {
    /// `[position, velocity]`, as gymnasium's `env.unwrapped.state`.
    state: [f64; 2],
    rng: Pcg64,
}

impl Default for MountainCar {
    fn default() -> Self {
        Self::new()
    }
}

impl MountainCar {
    /// Number of values in the observation and in the internal state.
    pub const OBSERVATION_SIZE: usize = 2;
    /// 0 accelerates left, 1 does nothing, 2 accelerates right.
    pub const ACTION_COUNT: usize = 3;

    /// A mountain car with its RNG seeded with 0 and a zero state; call `reset` to start an episode.
    pub fn new() -> Self {
        Self {
            state: [0.0; 2],
            rng: Pcg64::seed_from_u64(0),
        }
    }

    /// A mountain car wrapped in gymnasium's default time limit (200 steps).
    pub fn time_limited() -> TimeLimit<Self> {
        TimeLimit::new(Self::new(), MAX_EPISODE_STEPS)
    }

    /// The internal state `[position, velocity]`.
    pub fn state(&self) -> [f64; 2] {
        self.state
    }

    /// Replaces the internal state (then `write_observation` gives the matching observation).
    pub fn set_state(&mut self, state: [f64; 2]) {
        self.state = state;
    }

    /// Writes the observation of the current state: the state cast to `f32`.
    pub fn write_observation(&self, observation: &mut [f32]) {
        observation[0] = self.state[0] as f32;
        observation[1] = self.state[1] as f32;
    }
}

impl Env for MountainCar {
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
        self.state = [self.rng.gen_range(RESET_LOW..RESET_HIGH), 0.0];
        self.write_observation(observation);
    }

    fn step(&mut self, action: usize, observation: &mut [f32]) -> StepOutcome {
        assert!(
            action < Self::ACTION_COUNT,
            "MountainCar action {action} is not 0, 1 or 2"
        );
        let [position, velocity] = self.state;
        // Gymnasium sums the push and the slope term first, then adds them to the velocity.
        let velocity = velocity + ((action as f64 - 1.0) * FORCE + (3.0 * position).cos() * -GRAVITY);
        let velocity = velocity.clamp(-MAX_SPEED, MAX_SPEED);
        let position = (position + velocity).clamp(MIN_POSITION, MAX_POSITION);
        // The left wall is inelastic.
        let velocity = if position == MIN_POSITION && velocity < 0.0 {
            0.0
        } else {
            velocity
        };
        self.state = [position, velocity];

        let terminated = position >= GOAL_POSITION && velocity >= GOAL_VELOCITY;
        self.write_observation(observation);
        StepOutcome {
            reward: -1.0,
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
        let mut first = MountainCar::new();
        let mut second = MountainCar::new();
        let (mut a, mut b) = ([0.0f32; 2], [0.0f32; 2]);
        first.reset(Some(11), &mut a);
        second.reset(Some(11), &mut b);
        assert_eq!(a, b);
        first.reset(None, &mut b);
        assert_ne!(a, b);
    }

    #[test]
    fn initial_states_lie_in_gymnasium_range() {
        let mut env = MountainCar::new();
        let mut observation = [0.0f32; 2];
        for seed in 0..200 {
            env.reset(Some(seed), &mut observation);
            let [position, velocity] = env.state();
            assert!((RESET_LOW..RESET_HIGH).contains(&position), "{position}");
            assert_eq!(velocity, 0.0);
        }
    }

    #[test]
    fn hand_computed_step() {
        let mut env = MountainCar::new();
        env.set_state([-0.5, 0.0]);
        let mut observation = [0.0f32; 2];
        let outcome = env.step(2, &mut observation);
        let velocity = 0.001 + (-1.5f64).cos() * -0.0025;
        assert_eq!(env.state(), [-0.5 + velocity, velocity]);
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
    fn left_wall_stops_the_car() {
        let mut env = MountainCar::new();
        env.set_state([-1.19, -0.05]);
        let mut observation = [0.0f32; 2];
        env.step(0, &mut observation);
        assert_eq!(env.state(), [MIN_POSITION, 0.0]);
    }

    #[test]
    fn reaching_the_flag_moving_right_terminates() {
        let mut env = MountainCar::new();
        env.set_state([0.49, 0.05]);
        let mut observation = [0.0f32; 2];
        assert!(env.step(2, &mut observation).terminated);
    }
}
