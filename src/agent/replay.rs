//! The replay buffer: a ring of transitions in flat arrays, sampled uniformly or by priority. Observations live in a
//! `FrameStore` (each frame once, bits for 0/1 observations); a transition holds the ids of its two frames.
//!
//! Only `terminated` is stored: it stops bootstrapping (the pole fell). A time-limit truncation still has a valued
//! next state, so the target bootstraps through it; it only ends the n-step window early (`n_step`). Each transition
//! carries the
//! discount of its bootstrap term, γ^k for a k-step return (see `n_step`), so the update needs no other knowledge of
//! how the return was formed.
//!
//! trick: prioritized replay (Schaul et al. 2016, proportional variant) — P(i) = p_i^α / Σ_k p_k^α with
//! p = |δ| + ε, kept in a sum-tree; a new transition gets the largest priority seen so far; a batch is drawn
//! stratified (one sample from each of `batch_size` equal segments of the total); importance weights
//! w_i = (N·P(i))^−β are divided by the batch's largest.

use rand::Rng;

use crate::agent::allocation::{filled, AllocationError};
use crate::agent::frames::{Encoding, FrameId, FrameStore};
use crate::agent::sum_tree::SumTree;

/// A sampled batch, laid out row-major for the network (`batch × observation_size`).
#[derive(Debug, Clone, Default)]
pub struct Batch {
    pub observations: Vec<f32>,
    pub actions: Vec<usize>,
    /// The (possibly n-step, discounted) reward sum.
    pub rewards: Vec<f32>,
    pub next_observations: Vec<f32>,
    /// 1.0 where the transition ended the episode inside the MDP, else 0.0.
    pub terminated: Vec<f32>,
    /// The discount of the bootstrap term, γ^k.
    pub discounts: Vec<f32>,
    /// The buffer slot of each row (for priority updates).
    pub slots: Vec<usize>,
    /// Importance-sampling weight of each row (1 under uniform sampling).
    pub weights: Vec<f32>,
    /// Which actions are legal in each row's next state (`action_count` per row).
    pub next_legal: Vec<bool>,
}

/// One transition to store; its observations were stored with `push_frame`.
#[derive(Debug, Clone, Copy)]
pub struct Transition<'a> {
    pub observation: FrameId,
    pub action: usize,
    pub reward: f64,
    pub next_observation: FrameId,
    pub terminated: bool,
    /// γ^k for a k-step reward sum.
    pub discount: f64,
    /// Which actions are legal in the next state (what the bootstrap's max may choose from).
    pub next_legal: &'a [bool],
}

/// Priority bookkeeping of prioritized replay.
#[derive(Debug, Clone)]
struct Priorities {
    /// Leaf i holds p_i^α.
    tree: SumTree,
    alpha: f64,
    epsilon: f64,
    /// The largest p (before the exponent) given so far; new transitions get it.
    max_priority: f64,
}

/// The dimensions of a buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BufferShape {
    /// Transitions held.
    pub capacity: usize,
    pub observation_size: usize,
    pub action_count: usize,
    pub encoding: Encoding,
    /// Env steps a frame may wait before its transition is stored (the n-step window).
    pub window: usize,
    /// Planes an observation stacks (the history's length; 1 without one): each is stored once.
    pub planes: usize,
}

impl BufferShape {
    /// Planes (and frames) the frame rings start with room for. An env step stores one plane, and one more when it
    /// starts an episode; a transition is stored at most `window` steps after its first frame, and a stack reaches
    /// back `planes − 1` planes before its own. So the capacity, the window and the stack, plus a margin for episode
    /// starts (episodes of 32 steps or more on average need no more); shorter episodes make the rings grow.
    fn frame_slots(&self) -> usize {
        self.capacity
            .saturating_add(self.capacity / 32)
            .saturating_add(self.window)
            .saturating_add(self.planes)
            .saturating_add(16)
    }
}

/// A fixed-capacity ring buffer of transitions.
#[derive(Debug, Clone)]
pub struct ReplayBuffer {
    capacity: usize,
    /// Next slot to write.
    position: usize,
    len: usize,
    frames: FrameStore,
    observations: Vec<FrameId>,
    next_observations: Vec<FrameId>,
    actions: Vec<u32>,
    rewards: Vec<f32>,
    discounts: Vec<f32>,
    terminated: Vec<bool>,
    /// `action_count` flags per slot: the legal actions of the next state.
    next_legal: Vec<bool>,
    action_count: usize,
    priorities: Option<Priorities>,
}

impl ReplayBuffer {
    /// A buffer sampled uniformly with replacement.
    pub fn uniform(shape: BufferShape) -> Result<Self, AllocationError> {
        let BufferShape {
            capacity,
            observation_size,
            action_count,
            encoding,
            ..
        } = shape;
        Ok(ReplayBuffer {
            capacity,
            position: 0,
            len: 0,
            frames: FrameStore::new(observation_size, shape.planes, shape.frame_slots(), encoding)?,
            observations: filled("frame ids", 0, capacity)?,
            next_observations: filled("frame ids", 0, capacity)?,
            actions: filled("actions", 0, capacity)?,
            rewards: filled("rewards", 0.0, capacity)?,
            discounts: filled("discounts", 0.0, capacity)?,
            terminated: filled("flags", false, capacity)?,
            next_legal: filled("legal actions", true, capacity.saturating_mul(action_count))?,
            action_count,
            priorities: None,
        })
    }

    /// A buffer sampled in proportion to p^`alpha`, with p = |δ| + `epsilon`.
    pub fn prioritized(shape: BufferShape, alpha: f64, epsilon: f64) -> Result<Self, AllocationError> {
        let priorities = Priorities {
            tree: SumTree::new(shape.capacity)?,
            alpha,
            epsilon,
            max_priority: 1.0,
        };
        Ok(ReplayBuffer {
            priorities: Some(priorities),
            ..ReplayBuffer::uniform(shape)?
        })
    }

    /// Stores an observation and returns the id transitions refer to it by.
    pub fn push_frame(&mut self, observation: &[f32]) -> FrameId {
        self.frames.push(observation)
    }

    /// Whether every held transition's frames are still in the frame ring (the ring's sizing rule at work).
    #[cfg(test)]
    pub fn frames_intact(&self) -> bool {
        (0..self.len)
            .all(|slot| self.frames.holds(self.observations[slot]) && self.frames.holds(self.next_observations[slot]))
    }

    /// Bytes held per transition of capacity: frames, ids, actions, rewards, flags, masks and priorities.
    pub fn bytes_per_transition(&self) -> f64 {
        let per_slot = 2 * std::mem::size_of::<FrameId>()
            + std::mem::size_of::<u32>()
            + 2 * std::mem::size_of::<f32>()
            + 1
            + self.action_count;
        let priorities = if self.priorities.is_some() {
            2 * std::mem::size_of::<f64>()
        } else {
            0
        };
        (self.frames.bytes() as f64 + ((per_slot + priorities) * self.capacity) as f64) / self.capacity as f64
    }

    /// Number of transitions held (at most the capacity).
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Stores one transition, overwriting the oldest when full.
    pub fn push(&mut self, transition: Transition<'_>) {
        let slot = self.position;
        self.observations[slot] = transition.observation;
        self.next_observations[slot] = transition.next_observation;
        self.actions[slot] = transition.action as u32;
        self.rewards[slot] = transition.reward as f32;
        self.discounts[slot] = transition.discount as f32;
        self.terminated[slot] = transition.terminated;
        self.next_legal[slot * self.action_count..(slot + 1) * self.action_count]
            .copy_from_slice(transition.next_legal);
        if let Some(priorities) = &mut self.priorities {
            // trick: prioritized replay — a new transition gets the largest priority so far, so it is seen soon.
            priorities
                .tree
                .set(slot, priorities.max_priority.powf(priorities.alpha));
        }
        self.position = (self.position + 1) % self.capacity;
        self.len = (self.len + 1).min(self.capacity);
        if self.len == self.capacity {
            // The oldest transition, overwritten next, starts from the oldest frame any transition reads.
            self.frames.release_before(self.observations[self.position]);
        }
    }

    /// Fills `batch` with `batch_size` transitions: uniformly with replacement, or by priority with importance
    /// weights for exponent `beta`.
    pub fn sample(&self, batch_size: usize, beta: f64, rng: &mut impl Rng, batch: &mut Batch) {
        assert!(!self.is_empty(), "sampling from an empty replay buffer");
        batch.slots.clear();
        batch.weights.clear();
        match &self.priorities {
            None => {
                for _ in 0..batch_size {
                    batch.slots.push(rng.gen_range(0..self.len));
                    batch.weights.push(1.0);
                }
            }
            Some(priorities) => {
                let total = priorities.tree.total();
                let segment = total / batch_size as f64;
                for index in 0..batch_size {
                    let prefix_sum = segment * (index as f64 + rng.gen::<f64>());
                    batch.slots.push(priorities.tree.find(prefix_sum));
                }
                // w_i = (N·P(i))^−β, divided by the largest in the batch so that weights only ever scale down.
                let count = self.len as f64;
                let weight_of = |slot: &usize| (count * priorities.tree.get(*slot) / total).powf(-beta);
                let largest = batch.slots.iter().map(weight_of).fold(0.0, f64::max);
                batch
                    .weights
                    .extend(batch.slots.iter().map(|slot| (weight_of(slot) / largest) as f32));
            }
        }
        self.gather(batch);
    }

    /// Copies the transitions in `batch.slots` into the batch's rows.
    fn gather(&self, batch: &mut Batch) {
        batch.observations.clear();
        batch.next_observations.clear();
        batch.actions.clear();
        batch.rewards.clear();
        batch.terminated.clear();
        batch.discounts.clear();
        batch.next_legal.clear();
        for &slot in &batch.slots {
            self.frames
                .extend_with(self.observations[slot], &mut batch.observations);
            self.frames
                .extend_with(self.next_observations[slot], &mut batch.next_observations);
            batch.actions.push(self.actions[slot] as usize);
            batch.rewards.push(self.rewards[slot]);
            batch.terminated.push(if self.terminated[slot] { 1.0 } else { 0.0 });
            batch.discounts.push(self.discounts[slot]);
            batch
                .next_legal
                .extend_from_slice(&self.next_legal[slot * self.action_count..(slot + 1) * self.action_count]);
        }
    }

    /// trick: prioritized replay — sets the priorities of `slots` from their new TD errors, p = |δ| + ε. Does
    /// nothing under uniform sampling.
    pub fn update_priorities(&mut self, slots: &[usize], td_errors: &[f32]) {
        if let Some(priorities) = &mut self.priorities {
            for (slot, td_error) in slots.iter().zip(td_errors) {
                let priority = td_error.abs() as f64 + priorities.epsilon;
                priorities.max_priority = priorities.max_priority.max(priority);
                priorities.tree.set(*slot, priority.powf(priorities.alpha));
            }
        }
    }

    /// Sampling probability of `slot` (1/N under uniform sampling).
    #[cfg(test)]
    pub fn probability(&self, slot: usize) -> f64 {
        match &self.priorities {
            None => 1.0 / self.len as f64,
            Some(priorities) => priorities.tree.get(slot) / priorities.tree.total(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    /// A buffer of `capacity` one-value observations, two actions, float frames, one-step transitions.
    fn shape(capacity: usize) -> BufferShape {
        BufferShape {
            capacity,
            observation_size: 1,
            action_count: 2,
            encoding: Encoding::Float,
            window: 1,
            planes: 1,
        }
    }

    #[test]
    fn pixel_transitions_take_a_few_bytes_each() {
        // MinAtar: 400 0/1 values; every frame once, as bits. A 100,000-transition buffer: about 90 bytes per
        // transition (a 56-byte frame with a margin for episode starts, plus ids, action, reward, flags, mask), 9 MB
        // in all.
        let minatar = BufferShape {
            capacity: 100_000,
            observation_size: 400,
            action_count: 6,
            encoding: Encoding::Bits,
            window: 3,
            planes: 1,
        };
        let bytes = ReplayBuffer::uniform(minatar).unwrap().bytes_per_transition();
        assert!(bytes < 100.0, "{bytes} bytes per transition");
        // Against 2 × 400 × 4 = 3,200 bytes for s and s' as f32.
        let floats = ReplayBuffer::uniform(BufferShape {
            encoding: Encoding::Float,
            ..minatar
        })
        .unwrap()
        .bytes_per_transition();
        assert!(floats > 1_600.0 && bytes * 15.0 < floats, "{bytes} vs {floats}");
    }

    #[test]
    fn an_atari_history_takes_about_one_screen_per_transition() {
        // Four stacked 84×84 grey screens: each screen once as bytes, 7,056 bytes, plus four plane ids per frame and
        // the margin; 1,000,000 transitions in about 7.3 GB (as f32 stacks of s and s': 225 GB).
        let atari = BufferShape {
            capacity: 10_000,
            observation_size: 4 * 84 * 84,
            action_count: 4,
            encoding: Encoding::Bytes,
            window: 1,
            planes: 4,
        };
        let bytes = ReplayBuffer::uniform(atari).unwrap().bytes_per_transition();
        assert!((7_056.0..7_400.0).contains(&bytes), "{bytes} bytes per transition");
    }

    /// Pushes a transition whose observation, action and reward are `value` and whose next observation is
    /// `value + 0.5`.
    fn push_value(buffer: &mut ReplayBuffer, value: f32, terminated: bool) {
        let observation = buffer.push_frame(&[value]);
        let next_observation = buffer.push_frame(&[value + 0.5]);
        buffer.push(Transition {
            observation,
            action: value as usize,
            reward: value as f64,
            next_observation,
            terminated,
            discount: 0.99,
            next_legal: &[true, value != 3.0],
        });
    }

    #[test]
    fn ring_overwrites_the_oldest_and_keeps_its_flags() {
        let mut buffer = ReplayBuffer::uniform(shape(3)).unwrap();
        for index in 0..5 {
            push_value(&mut buffer, index as f32, index == 3);
        }
        assert_eq!(buffer.len(), 3);
        // Slots now hold transitions 3, 4, 2 (5 writes into 3 slots), whose first frames were pushed 7th, 9th, 5th.
        assert_eq!(buffer.observations, vec![6, 8, 4]);
        assert_eq!(buffer.terminated, vec![true, false, false]);
        let mut rng = rand_pcg::Pcg64::seed_from_u64(0);
        let mut batch = Batch::default();
        buffer.sample(64, 0.4, &mut rng, &mut batch);
        for row in 0..64 {
            let observation = batch.observations[row];
            assert!([2.0, 3.0, 4.0].contains(&observation));
            assert_eq!(batch.next_observations[row], observation + 0.5);
            assert_eq!(batch.rewards[row], observation);
            assert_eq!(batch.terminated[row], if observation == 3.0 { 1.0 } else { 0.0 });
            assert_eq!((batch.weights[row], batch.discounts[row]), (1.0, 0.99));
            // Each row's next-state mask travels with it (action 1 is illegal after transition 3 only).
            assert_eq!(&batch.next_legal[2 * row..2 * row + 2], [true, observation != 3.0]);
        }
    }

    /// A prioritized buffer of four transitions with TD errors chosen so that p^α is easy: α = 0.5, ε = 0, and
    /// |δ| = (1, 4, 9, 16) give p^α = (1, 2, 3, 4), P = (0.1, 0.2, 0.3, 0.4).
    fn four_prioritized() -> ReplayBuffer {
        let mut buffer = ReplayBuffer::prioritized(shape(4), 0.5, 0.0).unwrap();
        for index in 0..4 {
            push_value(&mut buffer, index as f32, false);
        }
        buffer.update_priorities(&[0, 1, 2, 3], &[1.0, -4.0, 9.0, 16.0]);
        buffer
    }

    #[test]
    fn prioritized_sampling_frequencies_match_the_priorities() {
        let buffer = four_prioritized();
        let expected = [0.1, 0.2, 0.3, 0.4];
        for (slot, probability) in expected.iter().enumerate() {
            assert!((buffer.probability(slot) - probability).abs() < 1e-12);
        }
        let mut rng = rand_pcg::Pcg64::seed_from_u64(11);
        let mut batch = Batch::default();
        let mut counts = [0usize; 4];
        let draws_per_batch = 32;
        let batches = 2_000;
        for _ in 0..batches {
            buffer.sample(draws_per_batch, 0.4, &mut rng, &mut batch);
            for slot in &batch.slots {
                counts[*slot] += 1;
            }
        }
        // Pearson's chi-square against P with 3 degrees of freedom; 16.27 is its 0.999 quantile. Stratified
        // sampling makes the counts less variable than multinomial ones, so this bound is loose, not tight.
        let draws = (draws_per_batch * batches) as f64;
        let chi_square: f64 = counts
            .iter()
            .zip(expected)
            .map(|(count, probability)| (*count as f64 - draws * probability).powi(2) / (draws * probability))
            .sum();
        assert!(chi_square < 16.27, "chi-square {chi_square}, counts {counts:?}");
    }

    #[test]
    fn importance_weights_match_hand_computation() {
        let buffer = four_prioritized();
        let mut rng = rand_pcg::Pcg64::seed_from_u64(2);
        let mut batch = Batch::default();
        // With 4 strata of a total of 10, stratum k covers [2.5k, 2.5(k+1)): leaf ranges are [0,1) [1,3) [3,6) [6,10),
        // so whatever the draws, the batch holds one of slots 0/1, slot 1/2, slot 2/3 and slot 3.
        buffer.sample(4, 0.5, &mut rng, &mut batch);
        // (N·P)^−β with N = 4, β = 0.5: slot 0 → 0.4^−0.5, 1 → 0.8^−0.5, 2 → 1.2^−0.5, 3 → 1.6^−0.5.
        let raw = |slot: usize| (4.0_f64 * [0.1, 0.2, 0.3, 0.4][slot]).powf(-0.5);
        let largest = batch.slots.iter().map(|slot| raw(*slot)).fold(0.0, f64::max);
        for (slot, weight) in batch.slots.iter().zip(&batch.weights) {
            assert!(
                (*weight as f64 - raw(*slot) / largest).abs() < 1e-6,
                "slot {slot}: {weight}"
            );
        }
        assert_eq!(batch.slots[3], 3);
        assert!(batch.weights.contains(&1.0));
    }

    #[test]
    fn new_transitions_get_the_largest_priority_so_far() {
        let mut buffer = four_prioritized();
        // Replaces slot 0 (the ring is full) at the max p = 16 → p^α = 4; total becomes 2 + 3 + 4 + 4 = 13.
        push_value(&mut buffer, 9.0, false);
        assert!((buffer.probability(0) - 4.0 / 13.0).abs() < 1e-12);
        // A priority update changes the total by exactly the difference of p^α: slot 1 to |δ| 0.25 → 0.5.
        buffer.update_priorities(&[1], &[0.25]);
        assert!((buffer.probability(0) - 4.0 / 11.5).abs() < 1e-12);
    }
}
