//! The DQN agent: acting (ε-greedy, noisy or greedy) and the update, read top to bottom like CleanRL's `dqn.py`,
//! with each trick an `if`/`match` where it acts, marked `// trick: …`.
//!
//! Two networks: the online network learns; the target network, a copy that follows it slowly (hard copies every N
//! env steps, or Polyak averaging), gives the bootstrap target so that the regression target does not move with
//! every gradient step.

use dfdx::prelude::*;
use rand::Rng;
use rand_pcg::Pcg64;

use crate::agent::allocation::AllocationError;
use crate::agent::categorical::{cross_entropy, Support};
use crate::agent::config::{AgentConfig, Distributional, Exploration, Loss, NoiseDraws, Priority, Replay, Target};
use crate::agent::convolution::convolutions_of;
use crate::agent::frames::{Encoding, FrameId};
use crate::agent::n_step::{EnvStep, NStepReturns};
use crate::agent::network::{contiguous_values, Architecture, Learner, Noise, QNetwork};
use crate::agent::replay::{Batch, BufferShape, ReplayBuffer};
use crate::agent::taken::Taken;
use crate::agent::wide_vectors::wide_vectors;
use crate::envs::{Env, ObservationValues};
use crate::seeding::{stream_rng, Stream};

/// What an env's observations look like, as far as the agent cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObservationSpace {
    /// Values per observation.
    pub size: usize,
    /// (height, width, channels) of an image observation (what a convolutional network needs); of each of the
    /// `stacked` images with a history.
    pub image_shape: Option<(usize, usize, usize)>,
    /// What values it holds (the replay buffer's encoding).
    pub values: ObservationValues,
    /// Observations of the env stacked in one (the history's length).
    pub stacked: usize,
}

impl ObservationSpace {
    /// The observation space of `env`.
    pub fn of(env: &dyn Env) -> Self {
        ObservationSpace {
            size: env.observation_size(),
            image_shape: env.image_shape(),
            values: env.observation_values(),
            stacked: env.info().stacked,
        }
    }
}

/// A uniformly random legal action: the k-th legal one for k uniform over their count.
fn random_legal_action(legal: &[bool], rng: &mut Pcg64) -> usize {
    let count = legal.iter().filter(|legal| **legal).count();
    let pick = rng.gen_range(0..count.max(1));
    legal
        .iter()
        .enumerate()
        .filter(|(_, legal)| **legal)
        .nth(pick)
        .map_or(0, |(action, _)| action)
}

/// What one gradient step measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UpdateStats {
    pub loss: f32,
    pub mean_abs_td_error: f32,
}

/// A DQN agent for one run.
pub struct Dqn {
    config: AgentConfig,
    device: Cpu,
    observation_size: usize,
    action_count: usize,
    /// The online network with the optimiser that alone changes it.
    online: Learner,
    target: QNetwork,
    /// With C51, the returns its distributions are over.
    support: Option<Support>,
    replay: ReplayBuffer,
    /// The frame of the current state, once stored (none at the start of an episode).
    current_frame: Option<FrameId>,
    n_step_returns: NStepReturns,
    batch: Batch,
    exploration_rng: Pcg64,
    replay_rng: Pcg64,
    noise_rng: Pcg64,
}

impl Dqn {
    /// A fresh agent for an env's observations and actions, whose random streams derive from `run_seed`; an error
    /// when the replay buffer cannot be allocated.
    pub fn new(
        config: &AgentConfig,
        observations: &ObservationSpace,
        action_count: usize,
        run_seed: u64,
    ) -> Result<Self, AllocationError> {
        let ObservationSpace {
            size: observation_size,
            image_shape,
            values,
            stacked,
        } = *observations;
        let device = Cpu::default();
        let convolutions = match image_shape {
            Some(image) => convolutions_of(config.network, image, stacked),
            None if config.network.is_convolutional() => panic!("a convolutional network needs image observations"),
            None => Vec::new(),
        };
        let architecture = Architecture {
            convolutions,
            hidden: config.hidden.clone(),
            dueling: config.dueling,
            noisy_sigma0: match config.exploration {
                Exploration::Noisy(sigma0) => Some(sigma0),
                Exploration::EpsilonGreedy => None,
            },
            atoms: config.distributional.atoms(),
            noisy_layers: config.noisy_layers,
            initialization: config.initialization,
            input_bounds: config.input_bounds.clone(),
        };
        let mut init_rng = stream_rng(run_seed, Stream::NetworkInit);
        let mut noise_rng = stream_rng(run_seed, Stream::Noise);
        let mut online = QNetwork::new(observation_size, &architecture, action_count, &mut init_rng);
        online.resample_noise(&mut noise_rng);
        let target = online.clone();
        let online = Learner::new(online, config.learning_rate, config.adam_epsilon);
        // Observations of 0/1 values (images, board planes) are stored as bits, grey levels as bytes.
        let encoding = match values {
            ObservationValues::Real => Encoding::Float,
            ObservationValues::Binary => Encoding::Bits,
            ObservationValues::Bytes => Encoding::Bytes,
        };
        let shape = BufferShape {
            capacity: config.buffer_size,
            observation_size,
            action_count,
            encoding,
            window: config.n_step,
            planes: stacked,
        };
        let replay = match config.replay {
            Replay::Uniform => ReplayBuffer::uniform(shape)?,
            Replay::Prioritized { alpha, epsilon, .. } => ReplayBuffer::prioritized(shape, alpha, epsilon)?,
        };
        Ok(Dqn {
            config: config.clone(),
            device,
            observation_size,
            action_count,
            online,
            target,
            support: match config.distributional {
                Distributional::None => None,
                Distributional::C51 { atoms, v_min, v_max } => Some(Support::new(atoms, v_min, v_max)),
            },
            replay,
            current_frame: None,
            n_step_returns: NStepReturns::new(config.n_step, config.gamma),
            batch: Batch::default(),
            exploration_rng: stream_rng(run_seed, Stream::Exploration),
            replay_rng: stream_rng(run_seed, Stream::Replay),
            noise_rng,
        })
    }

    /// The online network's Q-values for one observation, noise off (what evaluation and the Q estimate use). With
    /// noise drawn once, that noise is part of the network and stays on.
    pub fn q_values(&self, observation: &[f32]) -> Vec<f32> {
        let input = self
            .device
            .tensor_from_vec(observation.to_vec(), (1, self.observation_size));
        let noise = match self.config.noise_draws {
            NoiseDraws::EveryStep => Noise::Off,
            NoiseDraws::Once => Noise::Sampled,
        };
        self.q_values_of(contiguous_values(&self.online.network().forward(input, noise)))
    }

    /// Whether the noisy layers draw fresh noise now (before an action or an update).
    fn draws_noise(&self) -> bool {
        self.config.noise_draws == NoiseDraws::EveryStep
    }

    /// Q-values from a network's outputs: the outputs themselves, or with C51 each action's expected return.
    fn q_values_of(&self, outputs: Vec<f32>) -> Vec<f32> {
        match &self.support {
            None => outputs,
            Some(support) => support.q_values(outputs),
        }
    }

    /// The legal action with the highest Q-value, noise off (the first one on ties, like numpy's argmax).
    pub fn greedy_action(&self, observation: &[f32], legal: &[bool]) -> usize {
        masked_argmax(&self.q_values(observation), legal)
    }

    /// The evaluation's action: with probability `epsilon` (drawn from `rng`) a uniformly random legal one, else
    /// the greedy one.
    pub fn evaluation_action(&self, observation: &[f32], epsilon: f64, legal: &[bool], rng: &mut Pcg64) -> usize {
        if epsilon > 0.0 && rng.gen::<f64>() < epsilon {
            return random_legal_action(legal, rng);
        }
        self.greedy_action(observation, legal)
    }

    /// The training-time action among the `legal` ones: ε-greedy, or greedy under fresh noise with noisy nets
    /// (where ε is 0).
    pub fn act(&mut self, observation: &[f32], epsilon: f64, legal: &[bool]) -> usize {
        if self.exploration_rng.gen::<f64>() < epsilon {
            return random_legal_action(legal, &mut self.exploration_rng);
        }
        match self.config.exploration {
            Exploration::EpsilonGreedy => self.greedy_action(observation, legal),
            // trick: noisy nets — new noise at every step, then greedy with respect to the noisy Q.
            Exploration::Noisy(_) => {
                if self.draws_noise() {
                    self.online.resample_noise(&mut self.noise_rng);
                }
                let input = self
                    .device
                    .tensor_from_vec(observation.to_vec(), (1, self.observation_size));
                let outputs = contiguous_values(&self.online.network().forward(input, Noise::Sampled));
                masked_argmax(&self.q_values_of(outputs), legal)
            }
        }
    }

    /// Hands one env step to the replay buffer (through the n-step window). Each observation is stored once: the
    /// next state's frame of this step is the current state's frame of the next one, unless the episode ended.
    pub fn observe(&mut self, step: &EnvStep<'_>) {
        let observation = match self.current_frame {
            Some(frame) => frame,
            None => self.replay.push_frame(step.observation),
        };
        let next_observation = self.replay.push_frame(step.next_observation);
        self.current_frame = (!step.terminated && !step.truncated).then_some(next_observation);
        // Dopamine's reward clipping: the agent learns from the clipped reward; the run reports the env's.
        let reward = if self.config.clip_rewards {
            step.reward.clamp(-1.0, 1.0)
        } else {
            step.reward
        };
        let framed = EnvStep {
            observation,
            action: step.action,
            reward,
            next_observation,
            terminated: step.terminated,
            truncated: step.truncated,
            next_legal: step.next_legal,
        };
        // trick: n-step returns — the window sums rewards before the transition reaches the buffer.
        self.n_step_returns.push(&framed, &mut self.replay);
    }

    /// Bytes the replay buffer holds per transition of capacity.
    pub fn replay_bytes_per_transition(&self) -> f64 {
        self.replay.bytes_per_transition()
    }

    /// One gradient step on a sampled batch. `beta` is prioritized replay's importance-sampling exponent now.
    pub fn update(&mut self, beta: f64) -> UpdateStats {
        let batch_size = self.config.batch_size;
        self.replay
            .sample(batch_size, beta, &mut self.replay_rng, &mut self.batch);
        let shape = (batch_size, self.observation_size);
        let batch = &self.batch;

        // trick: noisy nets — fresh noise in both networks for every update (or the first draw kept in both).
        if self.draws_noise() {
            self.online.resample_noise(&mut self.noise_rng);
            self.target.resample_noise(&mut self.noise_rng);
        }

        // The bootstrap target, without a graph: r + γ^k · Q_target(s', a*) · (1 − terminated).
        // trick: target network — `None` bootstraps from the online network itself.
        let bootstrap_network = if self.config.target == Target::None {
            self.online.network()
        } else {
            &self.target
        };
        let next_observations = self.device.tensor_from_vec(batch.next_observations.clone(), shape);
        let next_outputs = contiguous_values(&bootstrap_network.forward(next_observations.clone(), Noise::Sampled));

        // The online network's outputs at s, with a graph for the gradient. With C51 only the taken actions' atoms
        // (all the loss reads: a single head then multiplies each row by its action's columns alone); a Q-value
        // head is too narrow for that to pay for gathering the rows by action, so its outputs are picked after.
        let observations = self.device.tensor_from_vec(batch.observations.clone(), shape);
        let taken = self.support.as_ref().map(|support| Taken {
            actions: &batch.actions,
            width: support.atoms(),
        });
        let (outputs, pass) = self.online.forward_traced(observations, Noise::Sampled, taken);
        // trick: double DQN — the online network picks a* = argmax_a' Q_online(s', a'), the target evaluates it.
        let online_next_q = self.config.double.then(|| {
            let outputs = contiguous_values(&self.online.forward_again(&pass, next_observations));
            self.q_values_of(outputs)
        });
        let (per_sample, priorities, mean_abs_td_error) = match &self.support {
            None => {
                let targets = td_targets(batch, &next_outputs, online_next_q.as_deref(), self.action_count);
                let actions = self.device.tensor_from_vec(batch.actions.clone(), (batch_size,));
                let q_taken = outputs.select(actions);
                let td_errors: Vec<f32> = contiguous_values(&q_taken)
                    .iter()
                    .zip(&targets)
                    .map(|(q, target)| target - q)
                    .collect();
                let targets = self.device.tensor_from_vec(targets, (batch_size,));
                let per_sample = match self.config.loss {
                    Loss::Huber => q_taken.huber_error(targets, 1.0),
                    Loss::Mse => (q_taken - targets).square(),
                };
                let mean_abs_td_error = mean_abs(&td_errors);
                // trick: prioritized replay — the new priorities are the batch's |TD errors| or its losses.
                let priorities = match self.config.replay {
                    Replay::Prioritized {
                        priority: Priority::Loss,
                        ..
                    } => contiguous_values(&per_sample),
                    _ => td_errors,
                };
                (per_sample, priorities, mean_abs_td_error)
            }
            // trick: distributional (C51) — the target is the bootstrap network's distribution at s' for a*, moved to
            // r + γ^k z and projected back onto the atoms; the loss is its cross-entropy with the taken action's.
            Some(support) => {
                let next_probabilities = support.probabilities(next_outputs);
                let next_q = support.expected_values(&next_probabilities);
                let choosing = online_next_q.as_deref().unwrap_or(&next_q);
                let next_actions = next_actions(batch, choosing, self.action_count);
                let targets = distribution_targets(support, batch, &next_probabilities, &next_actions);
                let (per_sample, predicted) = cross_entropy(outputs, &targets);
                // The TD error in expected values: E[target] − Q(s, a).
                let td_errors: Vec<f32> = support
                    .expected_values(&targets)
                    .iter()
                    .zip(support.expected_values(&predicted))
                    .map(|(target, q)| target - q)
                    .collect();
                // trick: prioritized replay — the new priorities are the per-sample cross-entropies (Rainbow).
                let priorities = contiguous_values(&per_sample);
                (per_sample, priorities, mean_abs(&td_errors))
            }
        };
        // trick: prioritized replay — importance weights correct the skewed sampling (all 1 under uniform).
        let weights = self.device.tensor_from_vec(batch.weights.clone(), (batch_size,));
        let loss = (per_sample * weights).mean();
        let loss_value = loss.array();
        // loss.backward(); optimizer.step().
        // trick: gradient clipping — the global gradient norm is scaled down to `max_grad_norm` before the step.
        self.online.step(pass, loss, self.config.max_grad_norm);

        // trick: prioritized replay — the batch's new priorities.
        self.replay.update_priorities(&self.batch.slots, &priorities);
        // trick: target network — Polyak averaging after every update.
        if let Target::Soft(tau) = self.config.target {
            self.target.blend_from(self.online.network(), tau);
        }
        UpdateStats {
            loss: loss_value,
            mean_abs_td_error,
        }
    }

    /// Hard target update: copy the online network into the target network.
    pub fn sync_target(&mut self) {
        self.target = self.online.network().clone();
    }

    /// The online network.
    pub fn network(&self) -> &QNetwork {
        self.online.network()
    }
}

/// The regression targets r + γ^k · (1 − terminated) · V(s') of a batch, where V(s') = max over the legal a' of
/// Q(s', a') from `next_q` (the bootstrap network's Q at s', rows of `action_count`), or with double DQN
/// (`online_next_q` given) V(s') = Q(s', a*) with a* the legal argmax of Q_online(s', ·).
pub fn td_targets(batch: &Batch, next_q: &[f32], online_next_q: Option<&[f32]>, action_count: usize) -> Vec<f32> {
    let next_actions = next_actions(batch, online_next_q.unwrap_or(next_q), action_count);
    next_actions
        .iter()
        .enumerate()
        .map(|(row, action)| {
            let next_value = next_q[row * action_count + action];
            batch.rewards[row] + batch.discounts[row] * next_value * (1.0 - batch.terminated[row])
        })
        .collect()
}

/// The action a* each transition bootstraps from: the legal argmax at s' of `choosing_q` (rows of `action_count`),
/// the bootstrap network's Q, or the online network's with double DQN.
pub fn next_actions(batch: &Batch, choosing_q: &[f32], action_count: usize) -> Vec<usize> {
    choosing_q
        .chunks(action_count)
        .zip(batch.next_legal.chunks(action_count))
        .map(|(row, legal)| masked_argmax(row, legal))
        .collect()
}

wide_vectors! {
    /// C51's target distributions of a batch (rows of atoms): for each transition, the distribution of
    /// r + γ^k · (1 − terminated) · Z with Z the bootstrap network's return distribution at s' for a*
    /// (`next_probabilities`, rows of actions × atoms), projected onto the support.
    pub fn distribution_targets(
        support: &Support,
        batch: &Batch,
        next_probabilities: &[f32],
        next_actions: &[usize],
    ) -> Vec<f32> = distribution_targets_here;
}

#[inline(always)]
fn distribution_targets_here(
    support: &Support,
    batch: &Batch,
    next_probabilities: &[f32],
    next_actions: &[usize],
) -> Vec<f32> {
    let atoms = support.atoms();
    let action_count = next_probabilities.len() / (atoms * next_actions.len().max(1));
    let mut targets = vec![0.0; next_actions.len() * atoms];
    for ((row, action), target) in next_actions.iter().enumerate().zip(targets.chunks_exact_mut(atoms)) {
        let start = (row * action_count + action) * atoms;
        let discount = batch.discounts[row] * (1.0 - batch.terminated[row]);
        support.project(
            batch.rewards[row],
            discount,
            &next_probabilities[start..start + atoms],
            target,
        );
    }
    targets
}

fn mean_abs(values: &[f32]) -> f32 {
    values.iter().map(|value| value.abs()).sum::<f32>() / values.len() as f32
}

/// Index of the largest value among the legal ones; the first one on ties. With no legal action (a terminal
/// state, whose value is never used), the plain argmax.
pub fn masked_argmax(values: &[f32], legal: &[bool]) -> usize {
    let mut best: Option<usize> = None;
    for (index, value) in values.iter().enumerate() {
        if legal.get(index).copied().unwrap_or(true) && best.is_none_or(|best| *value > values[best]) {
            best = Some(index);
        }
    }
    best.unwrap_or_else(|| argmax(values))
}

/// Index of the largest value; the first one on ties.
pub fn argmax(values: &[f32]) -> usize {
    let mut best = 0;
    for (index, value) in values.iter().enumerate() {
        if *value > values[best] {
            best = index;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Observations of `size` real values (no image, not binary).
    fn flat_observations(size: usize) -> ObservationSpace {
        ObservationSpace {
            size,
            image_shape: None,
            values: ObservationValues::Real,
            stacked: 1,
        }
    }

    /// Two transitions into states s'_0 and s'_1 with 2 actions; the second ends in a termination.
    fn two_state_batch() -> Batch {
        Batch {
            rewards: vec![1.0, 1.0],
            discounts: vec![0.5, 0.5],
            terminated: vec![0.0, 1.0],
            next_legal: vec![true; 4],
            ..Batch::default()
        }
    }

    #[test]
    fn vanilla_target_takes_the_max_of_the_target_network() {
        // Target network at s'_0: (2, 6); at s'_1 (terminal): (10, 10). 1 + 0.5·6 = 4; terminal: 1.
        let targets = td_targets(&two_state_batch(), &[2.0, 6.0, 10.0, 10.0], None, 2);
        assert_eq!(targets, vec![4.0, 1.0]);
    }

    #[test]
    fn double_target_evaluates_the_online_argmax_with_the_target_network() {
        // The online network prefers action 0 at s'_0 (3 > 1), so the target network's Q(s'_0, 0) = 2 is used:
        // 1 + 0.5·2 = 2, where vanilla DQN's max would give 4. The terminal row still gives r = 1.
        let targets = td_targets(
            &two_state_batch(),
            &[2.0, 6.0, 10.0, 10.0],
            Some(&[3.0, 1.0, 0.0, 9.0]),
            2,
        );
        assert_eq!(targets, vec![2.0, 1.0]);
    }

    #[test]
    fn targets_bootstrap_from_legal_actions_only() {
        // At s'_0 action 1 (Q 6) is illegal: vanilla takes Q(s'_0, 0) = 2, so 1 + 0.5·2 = 2.
        let mut batch = two_state_batch();
        batch.next_legal = vec![true, false, true, true];
        assert_eq!(td_targets(&batch, &[2.0, 6.0, 10.0, 10.0], None, 2), vec![2.0, 1.0]);
        // Double DQN: the online net prefers the illegal action 1 (9 > 0); a* is the legal 0 instead.
        assert_eq!(
            td_targets(&batch, &[2.0, 6.0, 10.0, 10.0], Some(&[0.0, 9.0, 0.0, 0.0]), 2),
            vec![2.0, 1.0]
        );
        assert_eq!(masked_argmax(&[5.0, 1.0, 3.0], &[false, true, true]), 2);
        assert_eq!(
            masked_argmax(&[5.0, 1.0], &[false, false]),
            0,
            "no legal action: plain argmax"
        );
    }

    #[test]
    fn distribution_targets_bootstrap_from_the_chosen_legal_action_with_its_discount() {
        // Atoms −2..2; two transitions as in `two_state_batch` (r = 1, γ^k = 0.5; the second terminates), 2 actions.
        // At s'_0 action 0's distribution is all on 2, action 1's all on −2.
        let support = Support::new(5, -2.0, 2.0);
        let next_probabilities = [
            [0.0, 0.0, 0.0, 0.0, 1.0],
            [1.0, 0.0, 0.0, 0.0, 0.0],
            [0.2, 0.2, 0.2, 0.2, 0.2],
            [0.2, 0.2, 0.2, 0.2, 0.2],
        ]
        .concat();
        let batch = two_state_batch();
        // Plain C51 picks a* = 0 by its own Q (2 > −2): 1 + 0.5·2 = 2 → the top atom. The terminal row: all at r = 1.
        let next_q = support.expected_values(&next_probabilities);
        let chosen = next_actions(&batch, &next_q, 2);
        assert_eq!(chosen, [0, 0]);
        let targets = distribution_targets(&support, &batch, &next_probabilities, &chosen);
        assert_eq!(targets, [[0.0, 0.0, 0.0, 0.0, 1.0], [0.0, 0.0, 0.0, 1.0, 0.0]].concat());
        // Double C51: the online network prefers action 1 at s'_0: 1 + 0.5·(−2) = 0 → the middle atom.
        let chosen = next_actions(&batch, &[0.0, 5.0, 0.0, 0.0], 2);
        let targets = distribution_targets(&support, &batch, &next_probabilities, &chosen);
        assert_eq!(&targets[..5], [0.0, 0.0, 1.0, 0.0, 0.0]);
        // Action 1 illegal at s'_0: a* is 0 whatever the online network prefers.
        let masked = Batch {
            next_legal: vec![true, false, true, true],
            ..two_state_batch()
        };
        assert_eq!(next_actions(&masked, &[0.0, 5.0, 0.0, 0.0], 2), [0, 0]);
    }

    #[test]
    fn every_trick_composes_with_c51_and_the_updates_stay_finite() {
        // Rainbow: C51 with double, dueling (per atom), noisy nets, prioritized replay and 3-step returns, on random
        // transitions with a legal-action mask. Each update's loss is a cross-entropy (≥ 0), finite, and the
        // priorities it writes keep the buffer sampleable.
        let config = AgentConfig {
            hidden: vec![16],
            batch_size: 8,
            buffer_size: 64,
            learning_starts: 8,
            double: true,
            dueling: true,
            exploration: Exploration::Noisy(0.5),
            replay: Replay::prioritized(),
            n_step: 3,
            distributional: Distributional::C51 {
                atoms: 11,
                v_min: -5.0,
                v_max: 5.0,
            },
            ..AgentConfig::default()
        };
        let space = flat_observations(2);
        let mut agent = Dqn::new(&config, &space, 3, 4).unwrap();
        let mut rng = stream_rng(5, Stream::Env);
        for step in 0..200 {
            let observation = [rng.gen::<f32>(), rng.gen::<f32>()];
            let next_observation = [rng.gen::<f32>(), rng.gen::<f32>()];
            let legal = [true, rng.gen_bool(0.5), true];
            let action = agent.act(&observation, 0.0, &legal);
            assert!(legal[action], "step {step}: illegal action {action}");
            agent.observe(&EnvStep {
                observation: &observation,
                action,
                reward: rng.gen_range(-1.0..1.0),
                next_observation: &next_observation,
                terminated: rng.gen_bool(0.1),
                truncated: false,
                next_legal: &legal,
            });
            if step >= 10 {
                let stats = agent.update(0.5);
                assert!(stats.loss.is_finite() && stats.loss >= 0.0, "step {step}: {stats:?}");
                assert!(stats.mean_abs_td_error.is_finite());
            }
        }
        let q = agent.q_values(&[0.5, 0.5]);
        assert_eq!(q.len(), 3);
        assert!(q.iter().all(|value| (-5.0..=5.0).contains(value)), "{q:?}");
    }

    #[test]
    fn noise_drawn_once_stays_and_is_part_of_every_pass() {
        // Learning rate 0 keeps the parameters, so only the noise could change the Q-values. Drawn once, it never
        // does: acting and updating leave Q where it was, noisy acting is the greedy choice, and the greedy Q
        // includes the noise (it differs from the mean weights' Q). Drawn every step, acting varies.
        let config = |noise_draws| AgentConfig {
            hidden: vec![16],
            learning_rate: 0.0,
            batch_size: 4,
            exploration: Exploration::Noisy(0.5),
            noisy_layers: crate::agent::config::NoisyLayers::All,
            noise_draws,
            ..AgentConfig::default()
        };
        let space = flat_observations(2);
        let probe = [0.3f32, -0.7];
        let mut changed_actions = [0, 0];
        for (index, draws) in [NoiseDraws::Once, NoiseDraws::EveryStep].into_iter().enumerate() {
            let mut agent = Dqn::new(&config(draws), &space, 3, 11).unwrap();
            let before = agent.q_values(&probe);
            let mut rng = stream_rng(2, Stream::Env);
            for step in 0..64 {
                let observation = [rng.gen_range(-1.0..1.0), rng.gen_range(-1.0..1.0)];
                let action = agent.act(&observation, 0.0, &[true; 3]);
                changed_actions[index] += usize::from(action != agent.greedy_action(&observation, &[true; 3]));
                agent.observe(&EnvStep {
                    observation: &observation,
                    action,
                    reward: 1.0,
                    next_observation: &probe,
                    terminated: false,
                    truncated: false,
                    next_legal: &[true; 3],
                });
                if step >= 8 {
                    agent.update(1.0);
                }
            }
            assert_eq!(agent.q_values(&probe), before, "{draws:?}");
            if draws == NoiseDraws::Once {
                let input = agent.device.tensor_from_vec(probe.to_vec(), (1, 2));
                let mean_q = contiguous_values(&agent.network().forward(input, Noise::Off));
                assert_ne!(mean_q, before);
            }
        }
        assert_eq!(changed_actions[0], 0);
        assert!(changed_actions[1] > 0, "{changed_actions:?}");
    }

    #[test]
    fn the_frame_ring_never_loses_a_held_transitions_frames() {
        // The worst case for the ring: one-step episodes (two frames per transition), mixed with long ones, a small
        // buffer and a 3-step window; every frame must outlive the transitions that refer to it. Each state's
        // observation is its number t (an episode's first state too), so a k-step transition reads t → t + k.
        let config = AgentConfig {
            buffer_size: 5,
            batch_size: 2,
            n_step: 3,
            ..AgentConfig::default()
        };
        let space = flat_observations(1);
        let mut agent = Dqn::new(&config, &space, 2, 0).unwrap();
        let mut rng = stream_rng(9, Stream::Env);
        let mut state = 0.0f32;
        for step in 0..2_000 {
            let ended = rng.gen_bool(0.3);
            agent.observe(&EnvStep {
                observation: &[state],
                action: step % 2,
                reward: 1.0,
                next_observation: &[state + 1.0],
                terminated: ended && rng.gen_bool(0.5),
                truncated: ended,
                next_legal: &[true, true],
            });
            assert!(agent.replay.frames_intact(), "step {step}");
            // A new episode starts from a state of its own.
            state += if ended { 2.0 } else { 1.0 };
        }
        agent.replay.sample(64, 1.0, &mut rng, &mut agent.batch);
        for (observation, next) in agent.batch.observations.iter().zip(&agent.batch.next_observations) {
            assert!((1.0..=3.0).contains(&(next - observation)), "{observation} → {next}");
        }
    }

    #[test]
    fn clipped_rewards_reach_the_replay_buffer_clipped() {
        let config = AgentConfig {
            buffer_size: 8,
            batch_size: 8,
            clip_rewards: true,
            ..AgentConfig::default()
        };
        let space = flat_observations(1);
        let mut agent = Dqn::new(&config, &space, 2, 0).unwrap();
        for (step, reward) in [5.0, -3.0, 0.25, -1.0].into_iter().enumerate() {
            agent.observe(&EnvStep {
                observation: &[step as f32],
                action: 0,
                reward,
                next_observation: &[step as f32 + 1.0],
                terminated: false,
                truncated: false,
                next_legal: &[true, true],
            });
        }
        let mut rng = stream_rng(0, Stream::Replay);
        agent.replay.sample(64, 1.0, &mut rng, &mut agent.batch);
        for (observation, reward) in agent.batch.observations.iter().zip(&agent.batch.rewards) {
            let want = [1.0, -1.0, 0.25, -1.0][*observation as usize];
            assert_eq!(*reward, want, "the step from {observation}");
        }
    }

    #[test]
    fn argmax_takes_the_first_of_ties() {
        assert_eq!(argmax(&[1.0, 3.0, 3.0]), 1);
        assert_eq!(argmax(&[-1.0]), 0);
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn the_wide_projection_gives_the_same_bits_as_the_baseline_one() {
        if !std::arch::is_x86_feature_detected!("avx2") {
            return;
        }
        // 101 atoms (a whole chunk of the projection and a part one), 29 transitions with rewards and discounts that
        // land between atoms, on them and beyond both ends (terminations too), 2 actions.
        let (rows, atoms) = (29, 101);
        let support = Support::new(atoms, -10.0, 10.0);
        let mut rng = <Pcg64 as rand::SeedableRng>::seed_from_u64(8);
        let batch = Batch {
            rewards: (0..rows).map(|_| rng.gen_range(-15.0..15.0)).collect(),
            discounts: (0..rows).map(|row| [0.99, 0.5, 1.0][row % 3]).collect(),
            terminated: (0..rows).map(|row| if row % 7 == 0 { 1.0 } else { 0.0 }).collect(),
            ..Batch::default()
        };
        let mut next_probabilities: Vec<f32> = (0..rows * 2 * atoms).map(|_| rng.gen_range(0.0..1.0)).collect();
        for row in next_probabilities.chunks_exact_mut(atoms) {
            let total: f32 = row.iter().sum();
            row.iter_mut().for_each(|value| *value /= total);
        }
        let chosen: Vec<usize> = (0..rows).map(|row| row % 2).collect();
        let baseline = distribution_targets_here(&support, &batch, &next_probabilities, &chosen);
        let wide = distribution_targets(&support, &batch, &next_probabilities, &chosen);
        assert!(baseline
            .iter()
            .zip(&wide)
            .all(|(baseline, wide)| baseline.to_bits() == wide.to_bits()));
        assert!(baseline
            .chunks_exact(atoms)
            .all(|row| (row.iter().sum::<f32>() - 1.0).abs() < 1e-4));
    }
}
