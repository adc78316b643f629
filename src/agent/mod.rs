//! The DQN agent and its parts: configuration, Q-network, replay buffer (with its sum-tree and n-step window), and
//! the update.

pub mod allocation;
pub mod config;
pub mod dqn;
pub mod frames;
pub mod n_step;
pub mod network;
pub mod replay;
pub mod sum_tree;
