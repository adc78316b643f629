//! The uniform replay buffer: a ring of transitions in flat arrays, sampled with replacement.
//!
//! Terminated and truncated are stored apart: only `terminated` stops bootstrapping (the pole fell); a time-limit
//! truncation still has a valued next state, so the target bootstraps through it.

use rand::Rng;

/// A sampled batch, laid out row-major for the network (`batch × observation_size`).
#[derive(Debug, Clone, Default)]
pub struct Batch {
    pub observations: Vec<f32>,
    pub actions: Vec<usize>,
    pub rewards: Vec<f32>,
    pub next_observations: Vec<f32>,
    /// 1.0 where the transition ended the episode inside the MDP, else 0.0.
    pub terminated: Vec<f32>,
}

/// A fixed-capacity ring buffer of transitions.
#[derive(Debug, Clone)]
pub struct ReplayBuffer {
    capacity: usize,
    observation_size: usize,
    /// Next slot to write.
    position: usize,
    len: usize,
    observations: Vec<f32>,
    next_observations: Vec<f32>,
    actions: Vec<u32>,
    rewards: Vec<f32>,
    terminated: Vec<bool>,
    truncated: Vec<bool>,
}

impl ReplayBuffer {
    pub fn new(capacity: usize, observation_size: usize) -> Self {
        ReplayBuffer {
            capacity,
            observation_size,
            position: 0,
            len: 0,
            observations: vec![0.0; capacity * observation_size],
            next_observations: vec![0.0; capacity * observation_size],
            actions: vec![0; capacity],
            rewards: vec![0.0; capacity],
            terminated: vec![false; capacity],
            truncated: vec![false; capacity],
        }
    }

    /// Number of transitions held (at most the capacity).
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Stores one transition, overwriting the oldest when full.
    pub fn push(
        &mut self,
        observation: &[f32],
        action: usize,
        reward: f64,
        next_observation: &[f32],
        terminated: bool,
        truncated: bool,
    ) {
        let slot = self.position;
        let range = slot * self.observation_size..(slot + 1) * self.observation_size;
        self.observations[range.clone()].copy_from_slice(observation);
        self.next_observations[range].copy_from_slice(next_observation);
        self.actions[slot] = action as u32;
        self.rewards[slot] = reward as f32;
        self.terminated[slot] = terminated;
        self.truncated[slot] = truncated;
        self.position = (self.position + 1) % self.capacity;
        self.len = (self.len + 1).min(self.capacity);
    }

    /// Whether the transition in `slot` was cut by a time limit (kept for tricks that look across transitions).
    pub fn truncated(&self, slot: usize) -> bool {
        self.truncated[slot]
    }

    /// Fills `batch` with `batch_size` transitions drawn uniformly with replacement.
    pub fn sample(&self, batch_size: usize, rng: &mut impl Rng, batch: &mut Batch) {
        assert!(!self.is_empty(), "sampling from an empty replay buffer");
        batch.observations.clear();
        batch.next_observations.clear();
        batch.actions.clear();
        batch.rewards.clear();
        batch.terminated.clear();
        for _ in 0..batch_size {
            let slot = rng.gen_range(0..self.len);
            let range = slot * self.observation_size..(slot + 1) * self.observation_size;
            batch.observations.extend_from_slice(&self.observations[range.clone()]);
            batch.next_observations.extend_from_slice(&self.next_observations[range]);
            batch.actions.push(self.actions[slot] as usize);
            batch.rewards.push(self.rewards[slot]);
            batch.terminated.push(if self.terminated[slot] { 1.0 } else { 0.0 });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn ring_overwrites_the_oldest_and_keeps_flags_apart() {
        let mut buffer = ReplayBuffer::new(3, 1);
        for index in 0..5 {
            let value = index as f32;
            buffer.push(&[value], index, index as f64, &[value + 0.5], index == 3, index == 4);
        }
        assert_eq!(buffer.len(), 3);
        // Slots now hold transitions 3, 4, 2 (5 writes into 3 slots).
        assert_eq!(buffer.observations, vec![3.0, 4.0, 2.0]);
        assert_eq!(buffer.terminated, vec![true, false, false]);
        assert_eq!(buffer.truncated, vec![false, true, false]);
        let mut rng = rand_pcg::Pcg64::seed_from_u64(0);
        let mut batch = Batch::default();
        buffer.sample(64, &mut rng, &mut batch);
        for row in 0..64 {
            let observation = batch.observations[row];
            assert!([2.0, 3.0, 4.0].contains(&observation));
            assert_eq!(batch.next_observations[row], observation + 0.5);
            assert_eq!(batch.rewards[row], observation);
            assert_eq!(batch.terminated[row], if observation == 3.0 { 1.0 } else { 0.0 });
        }
    }
}
