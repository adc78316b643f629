//! The DQN agent and its parts: configuration, Q-network, replay buffer, and the update.

pub mod config;
pub mod dqn;
pub mod network;
pub mod replay;
