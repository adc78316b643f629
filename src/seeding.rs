//! Derives the independent random streams of one run from its seed, so that a run is a pure function of
//! (resolved config, seed) and changing how one part draws numbers leaves the others' draws untouched; and the
//! streams of the statistics computed after training (the report's and the check's bootstraps), apart from every
//! run's.

use rand::SeedableRng;
use rand_pcg::Pcg64;

/// The parts of a run that draw random numbers, each from its own stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Initial states of the training env.
    Env = 1,
    /// Initial states of the evaluation env.
    EvalEnv = 2,
    /// ε-greedy coin flips and random actions.
    Exploration = 3,
    /// Which transitions the replay buffer samples.
    Replay = 4,
    /// Initial network weights.
    NetworkInit = 5,
    /// The noise of noisy layers.
    Noise = 6,
    /// The evaluations' ε-greedy coin flips and random actions.
    EvalExploration = 7,
}

/// The statistics that draw random numbers after training, each from its own streams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnalysisStream {
    /// The report's bootstraps (aggregates, comparisons, curves, profiles).
    Report = 101,
    /// The regression check's bootstraps.
    Check = 102,
}

/// The seed of `stream` in the run with seed `run_seed`: SplitMix64's finaliser over the pair, so nearby run seeds
/// and streams give unrelated seeds.
pub fn stream_seed(run_seed: u64, stream: Stream) -> u64 {
    mix(run_seed, stream as u64)
}

/// A random generator for one bootstrap of the analysis: `key` names what it estimates (an env × variant ×
/// purpose), so the numbers are a pure function of the results and never share a run's stream.
pub fn analysis_rng(key: u64, stream: AnalysisStream) -> Pcg64 {
    Pcg64::seed_from_u64(mix(key, stream as u64))
}

fn mix(seed: u64, stream: u64) -> u64 {
    let mut mixed = seed
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(stream.wrapping_mul(0xD1B5_4A32_D192_ED03));
    mixed = (mixed ^ (mixed >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    mixed = (mixed ^ (mixed >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    mixed ^ (mixed >> 31)
}

/// A random generator for `stream` of the run with seed `run_seed`.
pub fn stream_rng(run_seed: u64, stream: Stream) -> Pcg64 {
    Pcg64::seed_from_u64(stream_seed(run_seed, stream))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_differ_within_a_run_and_across_runs() {
        let streams = [
            Stream::Env,
            Stream::EvalEnv,
            Stream::Exploration,
            Stream::Replay,
            Stream::NetworkInit,
            Stream::Noise,
        ];
        let mut seen = std::collections::HashSet::new();
        for run_seed in 0..10 {
            for stream in streams {
                assert!(
                    seen.insert(stream_seed(run_seed, stream)),
                    "collision at {run_seed} {stream:?}"
                );
            }
        }
    }

    #[test]
    fn seeds_are_splitmix64_of_the_pair() {
        // Values from an independent Python implementation of the same mix (64-bit wrapping arithmetic):
        // m = seed·0x9E3779B97F4A7C15 + stream·0xD1B54A32D192ED03, then SplitMix64's finaliser.
        assert_eq!(stream_seed(0, Stream::Env), 0x8209_b480_faed_1b10);
        assert_eq!(stream_seed(7, Stream::Replay), 0x986b_8f4b_bb8c_694e);
        assert_eq!(mix(3, AnalysisStream::Report as u64), 0xefa2_3cd8_835f_3f81);
    }
}
