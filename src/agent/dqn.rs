//! The DQN agent: acting (ε-greedy or greedy) and the update, read top to bottom like CleanRL's `dqn.py`.
//!
//! Two networks: the online network learns; the target network, a periodic copy of it, gives the bootstrap target
//! so that the regression target does not move with every gradient step.

use dfdx::prelude::*;
use rand::Rng;
use rand_pcg::Pcg64;

use crate::agent::config::{AgentConfig, Loss};
use crate::agent::network::{Adam, Mlp};
use crate::agent::replay::{Batch, ReplayBuffer};
use crate::seeding::{stream_rng, Stream};

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
    online: Mlp,
    target: Mlp,
    optimizer: Adam,
    pub replay: ReplayBuffer,
    batch: Batch,
    exploration_rng: Pcg64,
    replay_rng: Pcg64,
}

impl Dqn {
    /// A fresh agent whose random streams derive from `run_seed`.
    pub fn new(config: &AgentConfig, observation_size: usize, action_count: usize, run_seed: u64) -> Self {
        let device = Cpu::default();
        let mut init_rng = stream_rng(run_seed, Stream::NetworkInit);
        let online = Mlp::new(&device, observation_size, &config.hidden, action_count, &mut init_rng);
        let target = online.clone();
        let optimizer = Adam::new(&online, config.learning_rate, config.adam_epsilon);
        Dqn {
            config: config.clone(),
            device,
            observation_size,
            action_count,
            online,
            target,
            optimizer,
            replay: ReplayBuffer::new(config.buffer_size, observation_size),
            batch: Batch::default(),
            exploration_rng: stream_rng(run_seed, Stream::Exploration),
            replay_rng: stream_rng(run_seed, Stream::Replay),
        }
    }

    /// The online network's Q-values for one observation.
    pub fn q_values(&self, observation: &[f32]) -> Vec<f32> {
        let input = self.device.tensor_from_vec(observation.to_vec(), (1, self.observation_size));
        self.online.forward(input).as_vec()
    }

    /// The action with the highest Q-value (the first one on ties, like numpy's argmax).
    pub fn greedy_action(&self, observation: &[f32]) -> usize {
        argmax(&self.q_values(observation))
    }

    /// ε-greedy: a uniformly random action with probability `epsilon`, else the greedy one.
    pub fn act(&mut self, observation: &[f32], epsilon: f64) -> usize {
        if self.exploration_rng.gen::<f64>() < epsilon {
            self.exploration_rng.gen_range(0..self.action_count)
        } else {
            self.greedy_action(observation)
        }
    }

    /// One gradient step on a uniformly sampled batch.
    pub fn update(&mut self) -> UpdateStats {
        let batch_size = self.config.batch_size;
        self.replay.sample(batch_size, &mut self.replay_rng, &mut self.batch);
        let shape = (batch_size, self.observation_size);
        let batch = &self.batch;

        // The bootstrap target, without a graph: r + γ · max_a' Q_target(s', a') · (1 − terminated).
        let next_observations = self.device.tensor_from_vec(batch.next_observations.clone(), shape);
        let next_max = self.target.forward(next_observations).max::<(usize,), Axis<1>>().as_vec();
        let gamma = self.config.gamma as f32;
        let targets: Vec<f32> = (0..batch_size)
            .map(|row| batch.rewards[row] + gamma * next_max[row] * (1.0 - batch.terminated[row]))
            .collect();

        // The online network's Q of the taken actions, with a graph for the gradient.
        let observations = self.device.tensor_from_vec(batch.observations.clone(), shape);
        let actions = self.device.tensor_from_vec(batch.actions.clone(), (batch_size,));
        let q_taken = self.online.forward(observations.leaky_traced()).select(actions);
        let q_taken_values = q_taken.retaped::<NoneTape>().as_vec();
        let mean_abs_td_error = q_taken_values
            .iter()
            .zip(&targets)
            .map(|(q, target)| (target - q).abs())
            .sum::<f32>()
            / batch_size as f32;

        let targets = self.device.tensor_from_vec(targets, (batch_size,));
        let loss = match self.config.loss {
            Loss::Huber => huber_loss(q_taken, targets, 1.0),
            Loss::Mse => mse_loss(q_taken, targets),
        };
        let loss_value = loss.array();
        let gradients = loss.backward();
        self.optimizer.update(&mut self.online, &gradients);
        UpdateStats { loss: loss_value, mean_abs_td_error }
    }

    /// Hard target update: copy the online network into the target network.
    pub fn sync_target(&mut self) {
        self.target.copy_from(&self.online);
    }

    pub fn config(&self) -> &AgentConfig {
        &self.config
    }
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
