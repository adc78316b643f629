//! The `TimeLimit` wrapper: cuts an episode after a fixed number of steps by setting `truncated`, like gymnasium's.

use super::{Env, EnvInfo, StepOutcome};

/// Wraps an environment and truncates each episode after `max_steps` steps.
///
/// The count starts at zero on every `reset`; the step that brings it to `max_steps` reports `truncated = true`
/// (possibly together with `terminated`, exactly as gymnasium's `TimeLimit` does).
#[derive(Debug, Clone)]
pub struct TimeLimit<E> {
    inner: E,
    max_steps: usize,
    elapsed_steps: usize,
}

impl<E: Env> TimeLimit<E> {
    /// Wraps `inner` with a limit of `max_steps` steps per episode.
    pub fn new(inner: E, max_steps: usize) -> Self {
        assert!(max_steps > 0, "a time limit needs at least one step");
        Self {
            inner,
            max_steps,
            elapsed_steps: 0,
        }
    }

    /// The wrapped environment.
    pub fn inner(&self) -> &E {
        &self.inner
    }

    /// The wrapped environment, mutably (e.g. to set its state in a test).
    pub fn inner_mut(&mut self) -> &mut E {
        &mut self.inner
    }

    /// The most steps an episode may take.
    pub fn max_steps(&self) -> usize {
        self.max_steps
    }

    /// Steps taken since the last reset (or restart of the count).
    pub fn elapsed_steps(&self) -> usize {
        self.elapsed_steps
    }

    /// Sets the step count back to zero without touching the wrapped environment, as `reset` does. Useful after
    /// setting the inner state by hand to start an episode from it.
    pub fn restart_step_count(&mut self) {
        self.elapsed_steps = 0;
    }
}

impl<E: Env> Env for TimeLimit<E> {
    fn info(&self) -> EnvInfo {
        self.inner.info()
    }

    fn reset(&mut self, seed: Option<u64>, observation: &mut [f32]) {
        self.elapsed_steps = 0;
        self.inner.reset(seed, observation);
    }

    fn step(&mut self, action: usize, observation: &mut [f32]) -> StepOutcome {
        let mut outcome = self.inner.step(action, observation);
        self.elapsed_steps += 1;
        if self.elapsed_steps >= self.max_steps {
            outcome.truncated = true;
        }
        outcome
    }

    fn legal_actions(&self, mask: &mut [bool]) {
        self.inner.legal_actions(mask);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Never terminates; counts its steps.
    struct Endless;

    impl Env for Endless {
        fn info(&self) -> EnvInfo {
            EnvInfo::vector(1, 1)
        }
        fn legal_actions(&self, mask: &mut [bool]) {
            mask.fill(true);
        }
        fn reset(&mut self, _seed: Option<u64>, observation: &mut [f32]) {
            observation[0] = 0.0;
        }
        fn step(&mut self, _action: usize, observation: &mut [f32]) -> StepOutcome {
            observation[0] += 1.0;
            StepOutcome {
                reward: 1.0,
                terminated: false,
                truncated: false,
            }
        }
    }

    #[test]
    fn truncates_at_exactly_the_limit_and_restarts_on_reset() {
        let mut env = TimeLimit::new(Endless, 3);
        let mut observation = [0.0f32];
        for _episode in 0..2 {
            env.reset(None, &mut observation);
            assert_eq!(env.elapsed_steps(), 0);
            let truncations: Vec<bool> = (0..3).map(|_| env.step(0, &mut observation).truncated).collect();
            assert_eq!(truncations, [false, false, true]);
        }
    }

    #[test]
    fn restart_step_count_starts_a_fresh_episode() {
        let mut env = TimeLimit::new(Endless, 2);
        let mut observation = [0.0f32];
        env.reset(None, &mut observation);
        assert!(!env.step(0, &mut observation).truncated);
        env.restart_step_count();
        assert!(!env.step(0, &mut observation).truncated);
        assert!(env.step(0, &mut observation).truncated);
    }
}
