//! trick: n-step returns — turns the stream of one-step transitions into n-step ones before they reach the replay
//! buffer: (s_t, a_t, r_t + γ r_{t+1} + … + γ^{k−1} r_{t+k−1}, s_{t+k}) with bootstrap discount γ^k, k = n.
//!
//! At the end of an episode the pending transitions are flushed with shorter sums (k < n) that stop at the last
//! state: a termination inside the window means no bootstrap at all, a time-limit truncation means bootstrapping
//! from the state where the episode was cut, discounted by γ^k.

use std::collections::VecDeque;

use crate::agent::frames::FrameId;
use crate::agent::replay::{ReplayBuffer, Transition};

/// One env step as the agent sees it: observations as values (from the env), or as the ids of frames already in
/// the replay buffer (what the n-step window keeps).
#[derive(Debug, Clone, Copy)]
pub struct EnvStep<'a, Observation = &'a [f32]> {
    pub observation: Observation,
    pub action: usize,
    pub reward: f64,
    pub next_observation: Observation,
    pub terminated: bool,
    pub truncated: bool,
    /// The legal actions of `next_observation`'s state.
    pub next_legal: &'a [bool],
}

/// A one-step transition waiting for its later rewards.
#[derive(Debug, Clone, Copy)]
struct Pending {
    observation: FrameId,
    action: usize,
    reward: f64,
}

/// The last n − 1 (or fewer) steps of the current episode.
#[derive(Debug, Clone)]
pub struct NStepReturns {
    n: usize,
    gamma: f64,
    pending: VecDeque<Pending>,
}

impl NStepReturns {
    pub fn new(n: usize, gamma: f64) -> Self {
        assert!(n >= 1, "n-step returns need n ≥ 1");
        NStepReturns {
            n,
            gamma,
            pending: VecDeque::with_capacity(n.min(1024)),
        }
    }

    /// Records one env step and pushes every transition it completes into `replay`: the oldest pending one once n
    /// rewards are in, or all of them when the episode ends (`terminated` or `truncated`).
    pub fn push(&mut self, step: &EnvStep<'_, FrameId>, replay: &mut ReplayBuffer) {
        self.pending.push_back(Pending {
            observation: step.observation,
            action: step.action,
            reward: step.reward,
        });

        if step.terminated || step.truncated {
            while !self.pending.is_empty() {
                self.emit(step, replay);
            }
        } else if self.pending.len() == self.n {
            self.emit(step, replay);
        }
    }

    /// Pushes the oldest pending transition with the sum of every pending reward, bootstrapping from the state
    /// `step` reached (as it ended: terminated, truncated, or neither when the window is simply full).
    fn emit(&mut self, step: &EnvStep<'_, FrameId>, replay: &mut ReplayBuffer) {
        let (reward, discount) = self.pending.iter().fold((0.0, 1.0), |(sum, discount), pending| {
            (sum + discount * pending.reward, discount * self.gamma)
        });
        let oldest = self.pending.pop_front().expect("emit is called with a pending step");
        replay.push(Transition {
            observation: oldest.observation,
            action: oldest.action,
            reward,
            next_observation: step.next_observation,
            terminated: step.terminated,
            discount,
            next_legal: step.next_legal,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::frames::Encoding;
    use crate::agent::replay::{Batch, BufferShape};
    use rand::SeedableRng;

    /// A buffer of 8 one-value observations with float frames.
    fn shape(action_count: usize) -> BufferShape {
        BufferShape {
            capacity: 8,
            observation_size: 1,
            action_count,
            encoding: Encoding::Float,
            window: 3,
            planes: 1,
        }
    }

    /// A stored transition: (observation, reward, next observation, terminated, discount).
    type Row = (f32, f32, f32, f32, f32);

    /// Every transition of a small buffer, in slot order: (observation, reward, next, terminated, discount). 256
    /// uniform draws from at most 8 slots miss one with probability below 1e-14; rows are deduplicated by slot.
    fn stored(replay: &ReplayBuffer) -> Vec<Row> {
        let mut rng = rand_pcg::Pcg64::seed_from_u64(0);
        let mut batch = Batch::default();
        replay.sample(256, 0.0, &mut rng, &mut batch);
        let mut rows: Vec<(usize, Row)> = (0..batch.slots.len())
            .map(|row| {
                let values = (
                    batch.observations[row],
                    batch.rewards[row],
                    batch.next_observations[row],
                    batch.terminated[row],
                    batch.discounts[row],
                );
                (batch.slots[row], values)
            })
            .collect();
        rows.sort_by_key(|(slot, _)| *slot);
        rows.dedup_by_key(|(slot, _)| *slot);
        assert_eq!(rows.len(), replay.len());
        rows.into_iter().map(|(_, values)| values).collect()
    }

    /// Plays an episode of observations 0, 1, 2, … with rewards 1, 2, 3, … through 3-step returns with γ = 0.5.
    fn episode(steps: usize, terminated: bool) -> ReplayBuffer {
        let mut replay = ReplayBuffer::uniform(shape(1)).unwrap();
        let mut returns = NStepReturns::new(3, 0.5);
        let mut observation = replay.push_frame(&[0.0]);
        for step in 0..steps {
            let last = step + 1 == steps;
            let next = replay.push_frame(&[(step + 1) as f32]);
            let step = EnvStep {
                observation,
                action: 0,
                reward: (step + 1) as f64,
                next_observation: next,
                terminated: last && terminated,
                truncated: last && !terminated,
                next_legal: &[true],
            };
            returns.push(&step, &mut replay);
            observation = next;
        }
        replay
    }

    #[test]
    fn full_windows_sum_three_rewards_and_bootstrap_with_gamma_cubed() {
        // 5 steps ending in a termination: s0 → 1 + 0.5·2 + 0.25·3 = 2.75 then s3 (γ³ = 0.125); s1 → 2 + 1.5 + 1 =
        // 4.5 then s4; s2 → 3 + 2 + 1.25 = 6.25 then s5, the terminal state; s3 → 4 + 2.5 = 6.5; s4 → 5.
        let rows = stored(&episode(5, true));
        assert_eq!(
            rows,
            vec![
                (0.0, 2.75, 3.0, 0.0, 0.125),
                (1.0, 4.5, 4.0, 0.0, 0.125),
                (2.0, 6.25, 5.0, 1.0, 0.125),
                (3.0, 6.5, 5.0, 1.0, 0.25),
                (4.0, 5.0, 5.0, 1.0, 0.5),
            ]
        );
    }

    #[test]
    fn a_truncation_inside_the_window_bootstraps_from_the_cut_state() {
        // 2 steps cut by a time limit: s0 → 1 + 0.5·2 = 2 then s2 with γ² = 0.25, not terminal; s1 → 2 then s2 with γ.
        let rows = stored(&episode(2, false));
        assert_eq!(rows, vec![(0.0, 2.0, 2.0, 0.0, 0.25), (1.0, 2.0, 2.0, 0.0, 0.5)]);
    }

    #[test]
    fn one_step_returns_are_plain_transitions() {
        let mut replay = ReplayBuffer::uniform(shape(2)).unwrap();
        let mut returns = NStepReturns::new(1, 0.9);
        let step = EnvStep {
            observation: replay.push_frame(&[0.0]),
            action: 1,
            reward: 2.0,
            next_observation: replay.push_frame(&[1.0]),
            terminated: false,
            truncated: false,
            next_legal: &[true, true],
        };
        returns.push(&step, &mut replay);
        let rows = stored(&replay);
        assert_eq!(rows, vec![(0.0, 2.0, 1.0, 0.0, 0.9)]);
    }
}
