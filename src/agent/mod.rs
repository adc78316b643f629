//! The DQN agent and its parts: configuration, Q-network (its convolutions and matrix products), C51's categorical
//! returns (and the exponential its softmaxes use), replay buffer (its frames, sum-tree and n-step window), the
//! update, and the hot loops' AVX2 build.

pub mod allocation;
pub mod categorical;
pub mod config;
pub mod convolution;
pub mod dqn;
pub mod dueling;
pub mod exponential;
pub mod frames;
pub mod n_step;
pub mod network;
pub mod products;
pub mod replay;
pub mod sum_tree;
pub mod taken;
pub mod wide_vectors;
