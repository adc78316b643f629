//! trick: history — the `History` wrapper shows the agent the last k observations stacked, oldest first, so that a
//! network without memory can read velocities (Mnih et al. 2015 stack 4 Atari frames). At reset every slot holds
//! the first observation (gymnasium's `FrameStackObservation` with `padding_type="reset"`).

use super::{Env, EnvInfo, StepOutcome};

/// Wraps an environment; its observation is `length` consecutive observations of the inner env.
pub struct History {
    inner: Box<dyn Env>,
    length: usize,
    /// The stacked observation, oldest frame first.
    frames: Vec<f32>,
}

impl History {
    pub fn new(inner: Box<dyn Env>, length: usize) -> Self {
        assert!(length >= 1, "a history holds at least one observation");
        assert_eq!(inner.info().stacked, 1, "a history of histories");
        let frames = vec![0.0; inner.observation_size() * length];
        History { inner, length, frames }
    }
}

/// `env` as an agent with a history of `length` sees it: wrapped in `History` when `length` > 1, else unchanged.
pub fn with_history(env: Box<dyn Env>, length: usize) -> Box<dyn Env> {
    if length > 1 {
        Box::new(History::new(env, length))
    } else {
        env
    }
}

impl Env for History {
    /// The inner env's, with `length` observations one after another (an image env's observation is then
    /// `length` images: `image_shape` stays the shape of each).
    fn info(&self) -> EnvInfo {
        let inner = self.inner.info();
        EnvInfo {
            observation_size: inner.observation_size * self.length,
            stacked: self.length,
            ..inner
        }
    }

    fn reset(&mut self, seed: Option<u64>, observation: &mut [f32]) {
        let size = self.inner.observation_size();
        self.inner.reset(seed, &mut self.frames[..size]);
        for frame in 1..self.length {
            self.frames.copy_within(..size, frame * size);
        }
        observation.copy_from_slice(&self.frames);
    }

    fn step(&mut self, action: usize, observation: &mut [f32]) -> StepOutcome {
        let size = self.inner.observation_size();
        // Drop the oldest frame, then write the newest into the last slot.
        self.frames.copy_within(size.., 0);
        let newest = self.frames.len() - size;
        let outcome = self.inner.step(action, &mut self.frames[newest..]);
        observation.copy_from_slice(&self.frames);
        outcome
    }

    fn legal_actions(&self, mask: &mut [bool]) {
        self.inner.legal_actions(mask);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An env whose observation is (steps taken since reset, 10 × reset count).
    struct Counter {
        steps: f32,
        resets: f32,
    }

    impl Env for Counter {
        fn info(&self) -> EnvInfo {
            EnvInfo::vector(2, 1)
        }
        fn legal_actions(&self, mask: &mut [bool]) {
            mask.fill(true);
        }
        fn reset(&mut self, _seed: Option<u64>, observation: &mut [f32]) {
            (self.steps, self.resets) = (0.0, self.resets + 10.0);
            observation.copy_from_slice(&[self.steps, self.resets]);
        }
        fn step(&mut self, _action: usize, observation: &mut [f32]) -> StepOutcome {
            self.steps += 1.0;
            observation.copy_from_slice(&[self.steps, self.resets]);
            StepOutcome {
                reward: 1.0,
                terminated: false,
                truncated: false,
            }
        }
    }

    #[test]
    fn stacks_the_last_frames_oldest_first_and_pads_with_the_reset_frame() {
        let mut env = History::new(
            Box::new(Counter {
                steps: 0.0,
                resets: 0.0,
            }),
            3,
        );
        assert_eq!(env.observation_size(), 6);
        let mut observation = vec![0.0; 6];
        env.reset(None, &mut observation);
        assert_eq!(observation, [0.0, 10.0, 0.0, 10.0, 0.0, 10.0]);
        env.step(0, &mut observation);
        assert_eq!(observation, [0.0, 10.0, 0.0, 10.0, 1.0, 10.0]);
        env.step(0, &mut observation);
        env.step(0, &mut observation);
        assert_eq!(observation, [1.0, 10.0, 2.0, 10.0, 3.0, 10.0]);
        // A new episode forgets the old frames.
        env.reset(None, &mut observation);
        assert_eq!(observation, [0.0, 20.0, 0.0, 20.0, 0.0, 20.0]);
    }
}
