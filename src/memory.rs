//! How much memory a run needs (replay, networks, batches, records) and how much this machine has: so that a spec
//! that cannot fit is refused before any training, and a batch trains only as many runs at once as fit.
//!
//! The estimate counts the allocations that grow with the spec's numbers, each from the layout that allocates it
//! (the replay ring of `agent::replay`, the parameters with their target copy, gradients and Adam's moments, the
//! batch's activations, the stored evaluation returns); it leaves out the fixed few megabytes of code and envs. It
//! is meant to tell 2 GB from 2 TB, not 2.0 from 2.1 GB.

use crate::agent::config::{AgentConfig, Exploration, Replay};
use crate::agent::convolution::convolutions_of;
use crate::envs::registration;
use crate::envs::ObservationValues;
use crate::spec::EnvSpec;

/// The memory one run needs, by part, in bytes (f64: the numbers in a spec can overflow any integer product).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MemoryEstimate {
    /// The replay buffer: its frames, per-transition columns and priorities, and the n-step window.
    pub replay: f64,
    /// Online and target parameters, gradients and Adam's two moments.
    pub networks: f64,
    /// A sampled batch and the activations of its forward and backward passes.
    pub batches: f64,
    /// The evaluation returns and training records kept until the run is written.
    pub records: f64,
}

impl MemoryEstimate {
    pub fn total(&self) -> f64 {
        self.replay + self.networks + self.batches + self.records
    }

    /// `replay 1.2 GB, networks 3 MB, ...`: the parts, for a message.
    pub fn parts(&self) -> String {
        format!(
            "replay {}, networks {}, batches {}, records {}",
            format_bytes(self.replay),
            format_bytes(self.networks),
            format_bytes(self.batches),
            format_bytes(self.records)
        )
    }
}

/// Bytes per f32.
const FLOAT: f64 = 4.0;

/// The memory a run of `agent` on `env` needs; `None` when the env id is not registered.
pub fn estimate_run(env: &EnvSpec, agent: &AgentConfig) -> Option<MemoryEstimate> {
    let info = registration(&env.id)?.info;
    let plane = info.observation_size as f64;
    let stacked = agent.history as f64;
    let observation = plane * stacked;
    let actions = info.action_count as f64;

    // Replay: rings of planes (an observation once per env step, a history's stack once per plane) sized as
    // `BufferShape::frame_slots` starts them, in bits, bytes or floats as the values allow, and a history's plane
    // ids per frame; per transition two frame ids, action, reward, discount, the terminal flag and the next state's
    // legal actions; a sum-tree of twice the next power of two leaves under prioritized replay; the n-step window's
    // pending steps.
    let capacity = agent.buffer_size as f64;
    let window = agent.n_step as f64;
    let plane_bytes = match info.values {
        ObservationValues::Binary => (plane / 64.0).ceil() * 8.0,
        ObservationValues::Bytes => plane,
        ObservationValues::Real => plane * FLOAT,
    };
    let slots = capacity + (capacity / 32.0).floor() + window + stacked + 16.0;
    let plane_ids = if agent.history > 1 { stacked * 8.0 } else { 0.0 };
    let frames = slots * (plane_bytes + plane_ids);
    let per_transition = 8.0 + 8.0 + 4.0 + 4.0 + 4.0 + 1.0 + actions;
    let priorities = match agent.replay {
        Replay::Prioritized { .. } => 2.0 * capacity.log2().ceil().exp2().max(1.0) * 8.0,
        Replay::Uniform => 0.0,
    };
    let pending = window * (2.0 * observation * FLOAT + actions + 32.0);
    let replay = frames + capacity * per_transition + priorities + pending;

    // Networks: layer widths from the input through `hidden` to the actions (dueling adds a one-output value head).
    // Each convolution adds its weights, and per sample its unfolded patches and outputs; the first hidden layer
    // then reads the last one's every position.
    let convolutions = match info.image_shape {
        Some(image) => convolutions_of(agent.network, image, agent.history),
        None => Vec::new(),
    };
    let input = convolutions
        .last()
        .map_or(observation, |last| last.output_values() as f64);
    let convolution_parameters: f64 = convolutions
        .iter()
        .map(|layer| (layer.patch_size() as f64 + 1.0) * layer.filters as f64)
        .sum();
    let convolution_activations: f64 = convolutions
        .iter()
        .map(|layer| layer.positions() as f64 * (layer.patch_size() + layer.filters) as f64)
        .sum();
    let mut widths = vec![input];
    widths.extend(agent.hidden.iter().map(|width| *width as f64));
    let value_outputs = if agent.dueling { 1.0 } else { 0.0 };
    let mut parameters = 0.0;
    for pair in widths.windows(2) {
        parameters += (pair[0] + 1.0) * pair[1];
    }
    let last = widths.last().copied().unwrap_or(input);
    parameters += (last + 1.0) * (actions + value_outputs);
    parameters += convolution_parameters;
    let noisy = match agent.exploration {
        Exploration::Noisy(_) => 3.0,
        Exploration::EpsilonGreedy => 1.0,
    };
    // Online (noisy: mean, scale, effective), target, gradient, two moments.
    let networks = parameters * noisy * 5.0 * FLOAT;

    // Batches: the sampled observations and next observations, and every layer's activations for the online
    // forward and backward passes and two target-side forwards (double DQN), at f32.
    let batch = agent.batch_size as f64;
    let activations: f64 = widths.iter().sum::<f64>() + convolution_activations + actions + value_outputs;
    let batches = batch * (2.0 * observation * FLOAT + 4.0 * activations * FLOAT + actions);

    // Records: every evaluation's returns (as text and as numbers) until the run is written.
    let evaluations = env.steps as f64 / env.eval_every as f64 + 2.0;
    let records = evaluations * (env.eval_episodes as f64 * 32.0 + 96.0);

    Some(MemoryEstimate {
        replay,
        networks,
        batches,
        records,
    })
}

/// The memory this machine can give without swapping (`MemAvailable` of `/proc/meminfo`), or `None` where that
/// cannot be read (then nothing is refused for memory).
pub fn available_bytes() -> Option<f64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = meminfo.lines().find(|line| line.starts_with("MemAvailable:"))?;
    let kilobytes: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kilobytes * 1024.0)
}

/// How many runs of `run_bytes` each may train at once: `jobs`, or as many as fit in `available` bytes (at least one:
/// a run that fits alone was admitted by validation). Unknown memory limits nothing.
pub fn runs_that_fit(jobs: usize, run_bytes: f64, available: Option<f64>) -> usize {
    match available {
        Some(available) => jobs.min(((available / run_bytes.max(1.0)).floor() as usize).max(1)),
        None => jobs,
    }
}

/// `1.5 GB`, `320 MB`, `12 kB`, `7 B`: decimal units, three significant figures at most.
pub fn format_bytes(bytes: f64) -> String {
    const UNITS: [(&str, f64); 6] = [
        ("PB", 1e15),
        ("TB", 1e12),
        ("GB", 1e9),
        ("MB", 1e6),
        ("kB", 1e3),
        ("B", 1.0),
    ];
    if !bytes.is_finite() {
        return "more bytes than a number holds".to_string();
    }
    if bytes >= 1e18 {
        return format!("{bytes:.1e} B");
    }
    let (unit, scale) = UNITS
        .iter()
        .copied()
        .find(|(_, scale)| bytes >= *scale)
        .unwrap_or(("B", 1.0));
    let value = bytes / scale;
    if value >= 100.0 || scale == 1.0 {
        format!("{value:.0} {unit}")
    } else {
        format!("{value:.1} {unit}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::config::Network;
    use crate::agent::dqn::{Dqn, ObservationSpace};
    use crate::envs::make_env;

    fn env(id: &str) -> EnvSpec {
        EnvSpec {
            eval_every: 1_000,
            ..EnvSpec::new(id, 10_000)
        }
    }

    #[test]
    fn the_replay_estimate_agrees_with_the_buffer_it_describes() {
        // The buffer's own count of its bytes per transition (frames and columns) against the estimate's, for a
        // float env and a bit-packed one, at a capacity where the fixed parts vanish.
        for id in ["CartPole-v1", "MinAtar/Breakout-v0"] {
            let made = make_env(id).unwrap();
            let config = AgentConfig {
                buffer_size: 100_000,
                batch_size: 32,
                ..AgentConfig::default()
            };
            let agent = Dqn::new(&config, &ObservationSpace::of(made.as_ref()), made.action_count(), 0).unwrap();
            let measured = agent.replay_bytes_per_transition();
            let estimated = estimate_run(&env(id), &config).unwrap().replay / 100_000.0;
            assert!(
                (estimated - measured).abs() / measured < 0.1,
                "{id}: estimated {estimated} bytes per transition, the buffer holds {measured}"
            );
        }
    }

    #[test]
    fn parameters_are_counted_layer_by_layer() {
        // CartPole: 4 → 8 → 2, vanilla: (4+1)·8 + (8+1)·2 = 58 parameters, times five copies of 4 bytes.
        let config = AgentConfig {
            hidden: vec![8],
            ..AgentConfig::default()
        };
        let estimate = estimate_run(&env("CartPole-v1"), &config).unwrap();
        assert_eq!(estimate.networks, 58.0 * 5.0 * 4.0);
        // Dueling adds a value head of one output: (8+1)·1 more, 67.
        let dueling = AgentConfig {
            dueling: true,
            ..config
        };
        assert_eq!(
            estimate_run(&env("CartPole-v1"), &dueling).unwrap().networks,
            67.0 * 20.0
        );
    }

    #[test]
    fn the_parameter_count_is_the_networks_own() {
        // Against the network the agent builds, for every head and a MinAtar convolution.
        for (id, config) in [
            ("CartPole-v1", AgentConfig::default()),
            (
                "CartPole-v1",
                AgentConfig {
                    dueling: true,
                    ..AgentConfig::default()
                },
            ),
            (
                "MinAtar/Breakout-v0",
                AgentConfig {
                    network: Network::MinAtarConv { filters: 16 },
                    hidden: vec![128],
                    dueling: true,
                    ..AgentConfig::default()
                },
            ),
        ] {
            let made = make_env(id).unwrap();
            let agent = Dqn::new(&config, &ObservationSpace::of(made.as_ref()), made.action_count(), 0).unwrap();
            let counted: usize = agent.network().parameter_values().iter().map(Vec::len).sum();
            let estimated = estimate_run(&env(id), &config).unwrap().networks / 20.0;
            assert_eq!(estimated, counted as f64, "{id} {config:?}");
        }
    }

    #[cfg(feature = "atari")]
    #[test]
    fn an_atari_run_keeps_each_screen_once_and_counts_natures_parameters() {
        use crate::envs::ObservationValues;
        let config = AgentConfig {
            network: Network::NatureConv,
            hidden: vec![512],
            history: 4,
            batch_size: 32,
            buffer_size: 1_000_000,
            ..AgentConfig::default()
        };
        let estimate = estimate_run(&env("ALE/Breakout-v5"), &config).unwrap();
        // About 1,031,000 screens of 7,056 bytes and 4 plane ids each, plus 1,000,000 transitions of 33 bytes.
        assert!((7.3e9..7.6e9).contains(&estimate.replay), "{}", estimate.parts());
        // Nature's network: 8,224 + 32,832 + 36,928 conv parameters, 1,606,144 + 2,052 dense ones.
        let observations = ObservationSpace {
            size: 4 * 84 * 84,
            image_shape: Some((84, 84, 1)),
            values: ObservationValues::Bytes,
            stacked: 4,
        };
        let agent = Dqn::new(
            &AgentConfig {
                buffer_size: 100,
                ..config.clone()
            },
            &observations,
            4,
            0,
        )
        .unwrap();
        let counted: usize = agent.network().parameter_values().iter().map(Vec::len).sum();
        assert_eq!(counted, 8_224 + 32_832 + 36_928 + 1_606_144 + 2_052);
        assert_eq!(estimate.networks / 20.0, counted as f64);
    }

    #[test]
    fn absurd_numbers_give_absurd_but_finite_estimates() {
        let config = AgentConfig {
            buffer_size: 1_000_000_000_000,
            batch_size: 32,
            ..AgentConfig::default()
        };
        let estimate = estimate_run(&env("CartPole-v1"), &config).unwrap();
        assert!(
            estimate.total().is_finite() && estimate.total() > 1e13,
            "{}",
            estimate.total()
        );
        let wide = AgentConfig {
            hidden: vec![100_000_000],
            ..AgentConfig::default()
        };
        assert!(estimate_run(&env("CartPole-v1"), &wide).unwrap().networks > 1e10);
    }

    #[test]
    fn only_as_many_runs_train_at_once_as_fit_side_by_side() {
        assert_eq!(runs_that_fit(8, 3e9, Some(10e9)), 3);
        assert_eq!(runs_that_fit(2, 3e9, Some(10e9)), 2);
        assert_eq!(runs_that_fit(4, 12e9, Some(10e9)), 1, "one at a time, never none");
        assert_eq!(runs_that_fit(4, 12e9, None), 4);
    }

    #[test]
    fn bytes_read_as_people_write_them() {
        assert_eq!(format_bytes(7.0), "7 B");
        assert_eq!(format_bytes(12_345.0), "12.3 kB");
        assert_eq!(format_bytes(23.9e9), "23.9 GB");
        assert_eq!(format_bytes(480e9), "480 GB");
        assert_eq!(format_bytes(8e12), "8.0 TB");
    }
}
