//! The benchmark suite (numbers to report, never timed tests): envs alone, acting forward passes, gradient updates
//! per network × batch × costly trick with their roofline against the machine's gemm, the Rainbow study's network
//! shapes, the core's peak f32 FLOP rate, whole runs at CleanRL's CartPole settings, two-job scaling, and replay
//! memory. Every figure is a median over repetitions with min and max.

use std::time::{Duration, Instant};

use serde::Serialize;

use crate::agent::config::{AgentConfig, Distributional, Exploration, Loss, Network, Replay, Target};
use crate::agent::dqn::{Dqn, ObservationSpace};
use crate::agent::n_step::EnvStep;
use crate::agent::network::Noise;
use crate::agent::products::{multiply, Operand};
use crate::envs::{make_env, with_history, Env};
use crate::spec::EnvSpec;
use crate::train::train_run;

/// CleanRL `dqn.py`'s CartPole-v1 defaults: lr 2.5e-4, buffer 10,000, batch 128, target every 500, train every 10,
/// learning starts 10,000, network 120-84, MSE, ε 1 → 0.05 over half the run, γ 0.99, 100,000 steps.
pub fn cleanrl_cartpole() -> (EnvSpec, AgentConfig) {
    let env = EnvSpec {
        // CleanRL evaluates only after training; one eval every 50,000 steps keeps ours a small share of the time.
        eval_every: 50_000,
        eval_episodes: 10,
        final_evals: 1,
        ..EnvSpec::new("CartPole-v1", 100_000)
    };
    let agent = AgentConfig {
        hidden: vec![120, 84],
        learning_rate: 2.5e-4,
        gamma: 0.99,
        batch_size: 128,
        buffer_size: 10_000,
        learning_starts: 10_000,
        train_every: 10,
        gradient_steps: 1,
        target: Target::Hard(500),
        epsilon_start: 1.0,
        epsilon_end: 0.05,
        exploration_fraction: 0.5,
        loss: Loss::Mse,
        ..AgentConfig::default()
    };
    (env, agent)
}

/// One benchmark's repeated measurements.
#[derive(Debug, Clone)]
pub struct Measurement {
    /// Which part of the suite: `env`, `act`, `update`, `roofline`, `whole run`, `scaling`, `memory`, and `machine`
    /// (what else ran meanwhile).
    pub group: &'static str,
    pub name: String,
    pub unit: &'static str,
    pub samples: Vec<f64>,
    /// What the figure means beside its value (the extra time over vanilla, the roofline's inputs).
    pub note: String,
}

impl Measurement {
    fn new(group: &'static str, name: String, unit: &'static str, samples: Vec<f64>) -> Self {
        Measurement {
            group,
            name,
            unit,
            samples,
            note: String::new(),
        }
    }

    pub fn median(&self) -> f64 {
        let mut sorted = self.samples.clone();
        sorted.sort_by(f64::total_cmp);
        let middle = sorted.len() / 2;
        if sorted.len().is_multiple_of(2) {
            (sorted[middle - 1] + sorted[middle]) / 2.0
        } else {
            sorted[middle]
        }
    }

    pub fn min(&self) -> f64 {
        self.samples.iter().copied().fold(f64::INFINITY, f64::min)
    }

    pub fn max(&self) -> f64 {
        self.samples.iter().copied().fold(f64::NEG_INFINITY, f64::max)
    }

    /// Its row of the suite's CSV.
    pub fn row(&self) -> BenchRow {
        BenchRow {
            group: self.group.to_string(),
            name: self.name.clone(),
            unit: self.unit.to_string(),
            median: self.median(),
            min: self.min(),
            max: self.max(),
            repetitions: self.samples.len(),
            note: self.note.clone(),
        }
    }
}

/// A row of `bench.csv`.
#[derive(Debug, Clone, Serialize)]
pub struct BenchRow {
    pub group: String,
    pub name: String,
    pub unit: String,
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub repetitions: usize,
    pub note: String,
}

/// What else the machine did between two snapshots (`machine_load`): other processes' CPU use in cores and the
/// fraction of CPU time the host stole, as two rows of the `machine` group (none where `/proc` is not there).
pub fn machine_load_between(
    before: Option<&crate::machine_load::Snapshot>,
    after: Option<&crate::machine_load::Snapshot>,
) -> Vec<Measurement> {
    let Some(load) = before
        .zip(after)
        .and_then(|(before, after)| crate::machine_load::load_between(before, after))
    else {
        return Vec::new();
    };
    vec![
        Measurement::new(
            "machine",
            "other processes' CPU use meanwhile".to_string(),
            "cores",
            vec![load.other_cores],
        ),
        Measurement::new(
            "machine",
            "CPU time stolen by the host meanwhile".to_string(),
            "fraction",
            vec![load.stolen_fraction],
        ),
    ]
}

/// A one-thread rayon pool: dfdx's matrix products then run on the calling thread alone, as in a batch's run.
fn single_thread() -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a one-thread pool")
}

/// Repeats `measure` until `minimum` time has passed (at least once) and returns the rate in calls per second.
fn rate_over(minimum: Duration, mut measure: impl FnMut()) -> f64 {
    let started = Instant::now();
    let mut calls = 0usize;
    while calls == 0 || started.elapsed() < minimum {
        measure();
        calls += 1;
    }
    calls as f64 / started.elapsed().as_secs_f64()
}

/// Env steps/s of every registered env alone, one thread, uniformly random legal actions, `steps` steps per
/// repetition (resetting at episode ends).
pub fn env_throughputs(steps: usize, repetitions: usize) -> Vec<Measurement> {
    crate::envs::env_ids()
        .into_iter()
        .map(|id| {
            let samples = (0..repetitions as u64)
                .map(|seed| {
                    let mut env = make_env(id).expect("a registered env");
                    let mut player = RandomPlayer::new(env.as_mut(), seed);
                    let started = Instant::now();
                    for _ in 0..steps {
                        let (_, outcome) = player.step(env.as_mut());
                        player.advance(env.as_mut(), outcome);
                    }
                    steps as f64 / started.elapsed().as_secs_f64()
                })
                .collect();
            Measurement::new("env", format!("{id}, random actions"), "env steps/s", samples)
        })
        .collect()
}

/// Agent steps/s of `AtariPreprocessing(ALE/Breakout-v5)` (sticky actions, frame skip 4: four emulated frames, two
/// grayscale reads, a max-pool and an 84×84 resize per step) with random actions, resetting at episode ends: the
/// unit ale-py's speed is quoted in. None (the reason printed) when Breakout's ROM is not found.
#[cfg(feature = "atari")]
pub fn atari_throughputs(steps: usize, repetitions: usize) -> Vec<Measurement> {
    use crate::envs::atari::arcade::{PreprocessedArcade, Preprocessing, V5_REPEAT_ACTION_PROBABILITY};
    let mut samples = Vec::new();
    for seed in 0..repetitions as u64 {
        let made = crate::envs::atari::roms::rom_path("breakout")
            .map_err(|error| error.to_string())
            .and_then(|rom| {
                PreprocessedArcade::new(&rom, Preprocessing::default(), V5_REPEAT_ACTION_PROBABILITY)
                    .map_err(|error| error.to_string())
            });
        let mut env = match made {
            Ok(env) => env,
            Err(error) => {
                eprintln!("Atari bench skipped: {error}");
                return Vec::new();
            }
        };
        let mut rng = <rand_pcg::Pcg64 as rand::SeedableRng>::seed_from_u64(seed);
        let mut observation = vec![0u8; env.observation_size()];
        env.reset(Some(seed), &mut observation).expect("Breakout resets");
        let started = Instant::now();
        for _ in 0..steps {
            let action = rand::Rng::gen_range(&mut rng, 0..env.arcade().action_count());
            let outcome = env.step(action, &mut observation);
            if outcome.terminated || outcome.truncated {
                env.reset(None, &mut observation).expect("Breakout resets");
            }
        }
        samples.push(steps as f64 / started.elapsed().as_secs_f64());
    }
    vec![Measurement::new(
        "env",
        "ALE/Breakout-v5 + AtariPreprocessing, random actions".to_string(),
        "agent steps/s",
        samples,
    )]
}

/// Plays uniformly random legal actions, resetting at episode ends; keeps the last observation and step.
struct RandomPlayer {
    rng: rand_pcg::Pcg64,
    observation: Vec<f32>,
    next_observation: Vec<f32>,
    legal: Vec<bool>,
    choices: Vec<usize>,
}

impl RandomPlayer {
    fn new(env: &mut dyn Env, seed: u64) -> Self {
        let mut observation = vec![0.0; env.observation_size()];
        env.reset(Some(seed), &mut observation);
        let mut legal = vec![true; env.action_count()];
        env.legal_actions(&mut legal);
        RandomPlayer {
            rng: <rand_pcg::Pcg64 as rand::SeedableRng>::seed_from_u64(seed),
            next_observation: observation.clone(),
            observation,
            legal,
            choices: Vec::new(),
        }
    }

    /// One random step; returns the transition it made (observations through `self`).
    fn step(&mut self, env: &mut dyn Env) -> (usize, crate::envs::StepOutcome) {
        self.choices.clear();
        self.choices
            .extend((0..self.legal.len()).filter(|action| self.legal[*action]));
        let action = self.choices[rand::Rng::gen_range(&mut self.rng, 0..self.choices.len())];
        let outcome = env.step(action, &mut self.next_observation);
        (action, outcome)
    }

    /// Moves to the next state after `step`: the next observation, or a fresh episode.
    fn advance(&mut self, env: &mut dyn Env, outcome: crate::envs::StepOutcome) {
        if outcome.terminated || outcome.truncated {
            env.reset(None, &mut self.observation);
        } else {
            std::mem::swap(&mut self.observation, &mut self.next_observation);
        }
        env.legal_actions(&mut self.legal);
    }
}

/// The env `id` as an agent of `config` sees it: with its history's stack.
fn bench_env(id: &str, config: &AgentConfig) -> Box<dyn Env> {
    with_history(make_env(id).expect("a registered env"), config.history)
}

/// A network to benchmark: the env whose observations it reads and the agent fields that shape it.
#[derive(Debug, Clone)]
pub struct BenchNetwork {
    pub name: &'static str,
    pub env: &'static str,
    pub config: AgentConfig,
}

/// The networks of the suite: the 4-128-128-2 MLP on CartPole (the roofline shape), CleanRL's 120-84, and
/// MinAtar's DQN network (a 3×3 convolution with 16 filters, then 128 units) on Breakout.
pub fn bench_networks() -> Vec<BenchNetwork> {
    vec![
        BenchNetwork {
            name: "MLP 4-128-128-2",
            env: "CartPole-v1",
            config: AgentConfig {
                hidden: vec![128, 128],
                ..AgentConfig::default()
            },
        },
        BenchNetwork {
            name: "MLP 4-120-84-2",
            env: "CartPole-v1",
            config: AgentConfig {
                hidden: vec![120, 84],
                ..AgentConfig::default()
            },
        },
        BenchNetwork {
            name: "MinAtar conv16-128-6",
            env: "MinAtar/Breakout-v0",
            config: AgentConfig {
                network: Network::MinAtarConv { filters: 16 },
                hidden: vec![128],
                ..AgentConfig::default()
            },
        },
    ]
}

/// Actions/s at batch 1 (what acting costs per env step) over observations of random play, one thread: greedy
/// forward passes, or with noisy nets a fresh noise draw and a forward pass through the noisy weights, as training
/// acts. Each case's network and trick name the measurement (the batch size plays no part).
pub fn acting_throughputs(cases: &[UpdateCase], repetitions: usize) -> Vec<Measurement> {
    let pool = single_thread();
    cases
        .iter()
        .map(|case| {
            let mut env = bench_env(case.network.env, &case.config);
            let mut agent = Dqn::new(&case.config, &ObservationSpace::of(env.as_ref()), env.action_count(), 0)
                .expect("a benchmark agent fits in memory");
            let mut player = RandomPlayer::new(env.as_mut(), 0);
            let mut observations = Vec::new();
            for _ in 0..256 {
                let (_, outcome) = player.step(env.as_mut());
                observations.push(player.next_observation.clone());
                player.advance(env.as_mut(), outcome);
            }
            let legal = vec![true; env.action_count()];
            let samples = (0..repetitions)
                .map(|_| {
                    pool.install(|| {
                        let mut next = 0;
                        rate_over(Duration::from_millis(200), || {
                            let observation = &observations[next % observations.len()];
                            // ε = 0: the greedy action, through the noisy weights where the agent has them.
                            std::hint::black_box(agent.act(observation, 0.0, &legal));
                            next += 1;
                        })
                    })
                })
                .collect();
            let name = format!("{}, {}, batch 1", case.network.name, case.trick);
            let mut measurement = Measurement::new("act", name, "actions/s", samples);
            // trick: noisy nets — acting keeps the noise factorised, reading the scales beside the means.
            let noise = match case.config.exploration {
                Exploration::Noisy(_) => Noise::Sampled,
                Exploration::EpsilonGreedy => Noise::Off,
            };
            let bytes = agent.network().parameter_bytes_per_pass(noise) as f64;
            measurement.note = format!(
                "{:.2} MB of parameters read per action: {:.1} GB/s",
                bytes / 1e6,
                bytes * measurement.median() / 1e9
            );
            measurement
        })
        .collect()
}

/// Each network's own configuration, greedy: the acting cases of the suite's networks.
pub fn acting_cases(networks: &[BenchNetwork]) -> Vec<UpdateCase> {
    networks
        .iter()
        .map(|network| UpdateCase {
            network: network.clone(),
            trick: "greedy",
            config: network.config.clone(),
        })
        .collect()
}

/// The costly tricks of the update benchmark, each switched on alone over `base`.
pub fn costly_tricks(base: &AgentConfig) -> Vec<(&'static str, AgentConfig)> {
    let with = |change: fn(&mut AgentConfig)| {
        let mut config = base.clone();
        change(&mut config);
        config
    };
    vec![
        ("vanilla", base.clone()),
        ("prioritized", with(|config| config.replay = Replay::prioritized())),
        ("noisy", with(|config| config.exploration = Exploration::Noisy(0.5))),
        ("dueling", with(|config| config.dueling = true)),
        ("n-step 3", with(|config| config.n_step = 3)),
        (
            "c51 (51 atoms)",
            with(|config| {
                config.distributional = Distributional::C51 {
                    atoms: 51,
                    v_min: -200.0,
                    v_max: 200.0,
                }
            }),
        ),
    ]
}

/// The cheaper tricks, measured on one network and batch only.
pub fn other_tricks(base: &AgentConfig) -> Vec<(&'static str, AgentConfig)> {
    let with = |change: fn(&mut AgentConfig)| {
        let mut config = base.clone();
        change(&mut config);
        config
    };
    vec![
        ("double", with(|config| config.double = true)),
        ("soft target", with(|config| config.target = Target::Soft(0.005))),
        ("huber", with(|config| config.loss = Loss::Huber)),
        ("grad clipping", with(|config| config.max_grad_norm = Some(10.0))),
    ]
}

/// Rainbow's six components at once (Exploration::Noisy with σ0 0.5, as the bench's `noisy` case), over `base`.
pub fn rainbow(base: &AgentConfig, support: (f64, f64)) -> AgentConfig {
    AgentConfig {
        double: true,
        dueling: true,
        n_step: 3,
        replay: Replay::prioritized(),
        exploration: Exploration::Noisy(0.5),
        distributional: Distributional::C51 {
            atoms: 51,
            v_min: support.0,
            v_max: support.1,
        },
        ..base.clone()
    }
}

/// The networks of the Rainbow study (Obando-Ceron & Castro 2021): two hidden layers of 512 on CartPole's and
/// LunarLander's inputs, and MinAtar's two networks (the paper's convolution straight to the head, and the 128-unit
/// one of MinAtar's own DQN).
pub fn study_networks() -> Vec<BenchNetwork> {
    let mlp = AgentConfig {
        hidden: vec![512, 512],
        ..AgentConfig::default()
    };
    let convolution = |hidden: Vec<usize>| AgentConfig {
        network: Network::MinAtarConv { filters: 16 },
        hidden,
        ..AgentConfig::default()
    };
    vec![
        BenchNetwork {
            name: "MLP 4-512-512-2",
            env: "CartPole-v1",
            config: mlp.clone(),
        },
        BenchNetwork {
            name: "MLP 8-512-512-4",
            env: "LunarLander-v3",
            config: mlp,
        },
        BenchNetwork {
            name: "MinAtar conv16-6 (paper)",
            env: "MinAtar/Breakout-v0",
            config: convolution(Vec::new()),
        },
        BenchNetwork {
            name: "MinAtar conv16-128-6",
            env: "MinAtar/Breakout-v0",
            config: convolution(vec![128]),
        },
    ]
}

/// The Nature DQN network on Breakout's 4 stacked 84×84 screens (`experiments/atari-breakout.ron`'s agent), at batch
/// 32: vanilla (for the roofline) and greedy acting. Needs the `atari` feature and Breakout's ROM.
pub fn atari_cases() -> Vec<UpdateCase> {
    let network = BenchNetwork {
        name: "Nature 4×84×84-512-4",
        env: "ALE/Breakout-v5",
        config: AgentConfig {
            network: Network::NatureConv,
            hidden: vec![512],
            history: 4,
            batch_size: 32,
            loss: Loss::Huber,
            ..AgentConfig::default()
        },
    };
    vec![UpdateCase {
        config: network.config.clone(),
        network,
        trick: "vanilla",
    }]
}

/// The study's update cases: each MLP at batch 128 with every costly trick alone and all of Rainbow's at once; each
/// MinAtar network at batch 32, vanilla, C51 and Rainbow.
pub fn study_cases(networks: &[BenchNetwork]) -> Vec<UpdateCase> {
    let mut cases = Vec::new();
    for network in networks {
        let convolution = matches!(network.config.network, Network::MinAtarConv { .. });
        let base = AgentConfig {
            batch_size: if convolution { 32 } else { 128 },
            ..network.config.clone()
        };
        let mut tricks = costly_tricks(&base);
        if convolution {
            tricks.retain(|(trick, _)| matches!(*trick, "vanilla" | "c51 (51 atoms)"));
        }
        tricks.push(("rainbow (all six)", rainbow(&base, (-200.0, 200.0))));
        cases.extend(tricks.into_iter().map(|(trick, config)| UpdateCase {
            network: network.clone(),
            trick,
            config,
        }));
    }
    cases
}

/// The core's peak f32 rate in FLOP/s, measured: independent chains of fused multiply-adds on full vector
/// registers (AVX-512 where the CPU has it, else AVX2 with FMA), one thread, for `repetitions` timings of 0.2 s.
/// Empty where the CPU has neither (the roofline then says nothing about the peak).
pub fn peak_flops(repetitions: usize) -> Vec<Measurement> {
    #[cfg(target_arch = "x86_64")]
    {
        let (name, loop_flops): (&str, fn(usize) -> f64) = if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU has AVX-512F (checked just above).
            ("AVX-512 FMA", |iterations| unsafe { fma_chains_avx512(iterations) })
        } else if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
            // SAFETY: the CPU has AVX2 and FMA (checked just above).
            ("AVX2 FMA", |iterations| unsafe { fma_chains_avx2(iterations) })
        } else {
            return Vec::new();
        };
        let samples = (0..repetitions)
            .map(|_| {
                let iterations = 1_000_000;
                let mut work = 0.0;
                let started = Instant::now();
                while work == 0.0 || started.elapsed() < Duration::from_millis(200) {
                    work += std::hint::black_box(loop_flops(iterations));
                }
                work / started.elapsed().as_secs_f64()
            })
            .collect();
        vec![Measurement::new(
            "peak",
            format!("f32 {name}, 1 thread"),
            "FLOP/s",
            samples,
        )]
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = repetitions;
        Vec::new()
    }
}

/// The read bandwidth of one thread in GB/s: sums over a buffer of 4 MiB (the size of a 2×512 Rainbow network's
/// weights and noise scales, held by the shared L3 cache once read) and of 256 MiB (main memory), each for
/// `repetitions` timings of 0.2 s. The other side of the roofline: acting with noisy nets reads every weight and
/// scale for one row, and Adam streams every parameter and its moments, so neither is bound by the FMA peak. It is
/// also what drifts on a shared machine while the peak stays: other tenants share the cache and the memory.
pub fn read_bandwidths(repetitions: usize) -> Vec<Measurement> {
    [(4usize << 20, "4 MiB (cache)"), (256 << 20, "256 MiB (memory)")]
        .into_iter()
        .map(|(bytes, size)| {
            let values: Vec<f32> = (0..bytes / 4).map(|index| (index % 7) as f32).collect();
            let samples = (0..repetitions)
                .map(|_| {
                    let mut read = 0.0;
                    let started = Instant::now();
                    while read == 0.0 || started.elapsed() < Duration::from_millis(200) {
                        std::hint::black_box(streamed_sum(std::hint::black_box(&values)));
                        read += bytes as f64;
                    }
                    read / started.elapsed().as_secs_f64() / 1e9
                })
                .collect();
            Measurement::new("peak", format!("read f32, {size}, 1 thread"), "GB/s", samples)
        })
        .collect()
}

/// The sum of `values` in 32 running sums: enough independent additions in flight that the loads, not one chain
/// of additions, set the pace.
fn streamed_sum(values: &[f32]) -> f32 {
    let mut lanes = [0.0f32; 32];
    let chunks = values.chunks_exact(lanes.len());
    let rest = chunks.remainder();
    for chunk in chunks {
        for (lane, value) in lanes.iter_mut().zip(chunk) {
            *lane += value;
        }
    }
    lanes.iter().sum::<f32>() + rest.iter().sum::<f32>()
}

/// Independent chains of fused multiply-adds the peak loop keeps in flight, so that the FMA units never wait on a
/// result (two units × four cycles of latency need eight; twelve leave a margin and still fit in the registers).
const CHAINS: usize = 12;

/// `iterations` rounds of `a ← a·b + c` on each of the chains, 8 lanes wide; returns the FLOPs done.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn fma_chains_avx2(iterations: usize) -> f64 {
    use std::arch::x86_64::{_mm256_fmadd_ps, _mm256_set1_ps, _mm256_storeu_ps};
    let (factor, addend) = (_mm256_set1_ps(0.999_999), _mm256_set1_ps(1e-7));
    let mut chains = [_mm256_set1_ps(1.0); CHAINS];
    for _ in 0..iterations {
        for chain in &mut chains {
            *chain = _mm256_fmadd_ps(*chain, factor, addend);
        }
    }
    let mut lanes = [0.0f32; 8];
    for chain in chains {
        _mm256_storeu_ps(lanes.as_mut_ptr(), chain);
        std::hint::black_box(lanes);
    }
    (iterations * CHAINS * 8 * 2) as f64
}

/// As [`fma_chains_avx2`], 16 lanes wide.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn fma_chains_avx512(iterations: usize) -> f64 {
    use std::arch::x86_64::{_mm512_fmadd_ps, _mm512_set1_ps, _mm512_storeu_ps};
    let (factor, addend) = (_mm512_set1_ps(0.999_999), _mm512_set1_ps(1e-7));
    let mut chains = [_mm512_set1_ps(1.0); CHAINS];
    for _ in 0..iterations {
        for chain in &mut chains {
            *chain = _mm512_fmadd_ps(*chain, factor, addend);
        }
    }
    let mut lanes = [0.0f32; 16];
    for chain in chains {
        _mm512_storeu_ps(lanes.as_mut_ptr(), chain);
        std::hint::black_box(lanes);
    }
    (iterations * CHAINS * 16 * 2) as f64
}

/// One update benchmark: a network, a batch size and a trick.
#[derive(Debug, Clone)]
pub struct UpdateCase {
    pub network: BenchNetwork,
    pub trick: &'static str,
    pub config: AgentConfig,
}

impl UpdateCase {
    pub fn name(&self) -> String {
        format!(
            "{}, batch {}, {}",
            self.network.name, self.config.batch_size, self.trick
        )
    }
}

/// Every network × batch 32/64/128 × costly trick, then the cheaper tricks on the first network at batch 64.
pub fn update_cases(networks: &[BenchNetwork]) -> Vec<UpdateCase> {
    let mut cases = Vec::new();
    for network in networks {
        for batch_size in [32, 64, 128] {
            let base = AgentConfig {
                batch_size,
                ..network.config.clone()
            };
            for (trick, config) in costly_tricks(&base) {
                cases.push(UpdateCase {
                    network: network.clone(),
                    trick,
                    config,
                });
            }
        }
    }
    if let Some(network) = networks.first() {
        let base = AgentConfig {
            batch_size: 64,
            ..network.config.clone()
        };
        for (trick, config) in other_tricks(&base) {
            cases.push(UpdateCase {
                network: network.clone(),
                trick,
                config,
            });
        }
    }
    cases
}

/// Gradient updates/s of each case, one thread: the replay holds 10,000 transitions of random play, then updates
/// run for at least 0.2 s. Repetitions go round-robin over the cases after one untimed warm-up pass, so that a slow
/// spell of the machine does not land on one case alone. Each measurement's note gives its extra time per update
/// over the vanilla case of the same network and batch.
pub fn update_throughputs(cases: &[UpdateCase], repetitions: usize) -> Vec<Measurement> {
    let pool = single_thread();
    let mut agents: Vec<Dqn> = cases
        .iter()
        .map(|case| filled_agent(case.network.env, &case.config, 0))
        .collect();
    let mut samples = vec![Vec::with_capacity(repetitions); cases.len()];
    for repetition in 0..=repetitions {
        for (agent, case_samples) in agents.iter_mut().zip(&mut samples) {
            let rate = pool.install(|| {
                rate_over(Duration::from_millis(200), || {
                    std::hint::black_box(agent.update(0.4));
                })
            });
            if repetition > 0 {
                case_samples.push(rate);
            }
        }
    }
    let mut measurements: Vec<Measurement> = cases
        .iter()
        .zip(samples)
        .map(|(case, samples)| Measurement::new("update", case.name(), "updates/s", samples))
        .collect();
    for index in 0..cases.len() {
        let vanilla = cases.iter().position(|case| {
            case.trick == "vanilla"
                && case.network.name == cases[index].network.name
                && case.config.batch_size == cases[index].config.batch_size
        });
        if let (Some(vanilla), true) = (vanilla, cases[index].trick != "vanilla") {
            let extra = (measurements[vanilla].median() / measurements[index].median() - 1.0) * 100.0;
            measurements[index].note = format!("{extra:+.1}% time per update vs vanilla");
        }
    }
    measurements
}

/// An agent of `config` on `env_id` whose replay holds 10,000 transitions of random play.
fn filled_agent(env_id: &str, config: &AgentConfig, seed: u64) -> Dqn {
    let mut env = bench_env(env_id, config);
    let mut agent = Dqn::new(config, &ObservationSpace::of(env.as_ref()), env.action_count(), seed)
        .expect("a benchmark agent fits in memory");
    let mut player = RandomPlayer::new(env.as_mut(), seed);
    for _ in 0..10_000 {
        let (action, outcome) = player.step(env.as_mut());
        let mut next_legal = vec![true; env.action_count()];
        env.legal_actions(&mut next_legal);
        agent.observe(&EnvStep {
            observation: &player.observation,
            action,
            reward: outcome.reward,
            next_observation: &player.next_observation,
            terminated: outcome.terminated,
            truncated: outcome.truncated,
            next_legal: &next_legal,
        });
        player.advance(env.as_mut(), outcome);
    }
    agent
}

/// Floating-point operations of the matrix products of one vanilla update: the online forward pass on the batch,
/// its backward pass (two products per layer: the input's and the weight's gradient) and the target network's
/// forward pass on the next observations.
pub fn update_matmuls(shapes: &[(usize, usize, usize)]) -> Vec<(usize, usize, usize)> {
    let mut products = Vec::new();
    for &(rows, inner, columns) in shapes {
        products.push((rows, inner, columns)); // online forward: X · W
        products.push((rows, columns, inner)); // input gradient: dY · Wᵀ
        products.push((inner, rows, columns)); // weight gradient: Xᵀ · dY
        products.push((rows, inner, columns)); // target forward
    }
    products
}

/// 2·m·k·n summed over the products.
pub fn flops(products: &[(usize, usize, usize)]) -> f64 {
    products
        .iter()
        .map(|&(rows, inner, columns)| 2.0 * (rows * inner * columns) as f64)
        .sum()
}

/// Seconds per call of the products `(m, k, n)` done back to back with the network's own product (the gemm crate),
/// one thread, row-major operands: the machine's matrix-multiply speed at exactly these shapes.
pub fn gemm_seconds(products: &[(usize, usize, usize)]) -> f64 {
    let operands: Vec<(Vec<f32>, Vec<f32>, Vec<f32>)> = products
        .iter()
        .map(|&(rows, inner, columns)| {
            (
                vec![0.5; rows * inner],
                vec![0.25; inner * columns],
                vec![0.0; rows * columns],
            )
        })
        .collect();
    let mut operands = operands;
    let rate = rate_over(Duration::from_millis(200), || {
        for (&shape, (left, right, out)) in products.iter().zip(&mut operands) {
            multiply(shape, Operand::plain(left), Operand::plain(right), out, false);
        }
        std::hint::black_box(&operands);
    });
    1.0 / rate
}

/// The roofline of each vanilla update case: its matrix products' FLOPs per update times its measured updates/s,
/// against the gemm crate's speed on the same products (`repetitions` timings, the median kept); and with the core's
/// measured `peak` (FLOP/s), gemm's own speed at those shapes as a fraction of it.
pub fn rooflines(
    cases: &[UpdateCase],
    updates: &[Measurement],
    repetitions: usize,
    peak: Option<f64>,
) -> Vec<Measurement> {
    let pool = single_thread();
    let mut measurements = Vec::new();
    for (case, update) in cases.iter().zip(updates).filter(|(case, _)| case.trick == "vanilla") {
        let env = bench_env(case.network.env, &case.config);
        let agent = Dqn::new(&case.config, &ObservationSpace::of(env.as_ref()), env.action_count(), 0)
            .expect("a benchmark agent fits in memory");
        let products = update_matmuls(&agent.network().matmul_shapes(case.config.batch_size));
        let work = flops(&products);
        let gemm_rates: Vec<f64> = (0..repetitions)
            .map(|_| pool.install(|| work / gemm_seconds(&products)))
            .collect();
        let gemm = Measurement::new("roofline", String::new(), "", gemm_rates.clone()).median();
        let achieved = work * update.median();
        let samples = update.samples.iter().map(|rate| work * rate / gemm).collect();
        let mut measurement = Measurement::new("roofline", case.name(), "fraction of gemm", samples);
        measurement.note = format!(
            "{:.2} MFLOP per update; {:.2} GFLOP/s achieved vs gemm {:.2} GFLOP/s at these shapes",
            work / 1e6,
            achieved / 1e9,
            gemm / 1e9
        );
        measurements.push(measurement);
        if let Some(peak) = peak {
            let samples = gemm_rates.iter().map(|rate| rate / peak).collect();
            let mut measurement = Measurement::new(
                "roofline",
                format!("gemm at the shapes of {}", case.name()),
                "fraction of peak",
                samples,
            );
            measurement.note = format!("peak {:.1} GFLOP/s measured by the FMA loop", peak / 1e9);
            measurements.push(measurement);
        }
    }
    measurements
}

/// A short MinAtar Breakout run with MinAtar's DQN network (batch 32, an update every step after 1,000 steps of
/// 6,000): the update-heavy counterpart of the CleanRL run for the scaling measurement.
pub fn minatar_short() -> (EnvSpec, AgentConfig) {
    let env = EnvSpec {
        eval_every: 6_000,
        eval_episodes: 1,
        final_evals: 1,
        ..EnvSpec::new("MinAtar/Breakout-v0", 6_000)
    };
    let agent = AgentConfig {
        network: Network::MinAtarConv { filters: 16 },
        hidden: vec![128],
        learning_rate: 2.5e-4,
        batch_size: 32,
        buffer_size: 10_000,
        learning_starts: 1_000,
        train_every: 1,
        target: Target::Hard(1_000),
        ..AgentConfig::default()
    };
    (env, agent)
}

/// Whole-run env steps/s at CleanRL's CartPole settings on one thread, `repetitions` runs with seeds 0, 1, ….
pub fn whole_run_cleanrl_cartpole(repetitions: usize) -> Measurement {
    let (env, agent) = cleanrl_cartpole();
    let samples = (0..repetitions as u64)
        .map(|seed| run_rate(&env, &agent, seed, &single_thread()))
        .collect();
    Measurement::new(
        "whole run",
        "CleanRL CartPole-v1 settings, 1 thread".to_string(),
        "env steps/s",
        samples,
    )
}

/// Env steps/s of one whole run of `seed` on `pool`.
fn run_rate(env: &EnvSpec, agent: &AgentConfig, seed: u64, pool: &rayon::ThreadPool) -> f64 {
    let started = Instant::now();
    let records = pool
        .install(|| train_run(env, agent, seed, |_| {}))
        .expect("the benchmark run trains");
    records.steps as f64 / started.elapsed().as_secs_f64()
}

/// Two-job scaling: the env steps/s of two runs at once (each on its own thread with its own one-thread pool, as
/// `run --jobs 2` does), summed, over that of one run alone; alternated `repetitions` times. For the CleanRL
/// CartPole run and the short MinAtar one.
pub fn two_job_scaling(repetitions: usize) -> Vec<Measurement> {
    [
        ("CleanRL CartPole", cleanrl_cartpole()),
        ("short MinAtar Breakout", minatar_short()),
    ]
    .into_iter()
    .map(|(name, (env, agent))| {
        let samples = (0..repetitions as u64)
            .map(|repetition| {
                let alone = run_rate(&env, &agent, repetition, &single_thread());
                let together: f64 = std::thread::scope(|scope| {
                    let jobs: Vec<_> = (0..2)
                        .map(|job| {
                            let (env, agent) = (&env, &agent);
                            scope.spawn(move || run_rate(env, agent, repetition + 100 * job, &single_thread()))
                        })
                        .collect();
                    jobs.into_iter().map(|job| job.join().expect("a benchmark run")).sum()
                });
                together / alone
            })
            .collect();
        let mut measurement = Measurement::new(
            "scaling",
            format!("two {name} runs at once vs one"),
            "× one job's throughput",
            samples,
        );
        measurement.note = format!(
            "on {} cores",
            std::thread::available_parallelism().map_or(1, usize::from)
        );
        measurement
    })
    .collect()
}

/// Bytes per transition of a `capacity`-transition replay buffer of the default agent on each env kind: CartPole's
/// floats and MinAtar Breakout's 0/1 image (stored as bits).
pub fn replay_memory(capacity: usize) -> Vec<Measurement> {
    ["CartPole-v1", "MinAtar/Breakout-v0"]
        .into_iter()
        .map(|id| {
            let env = make_env(id).expect("a registered env");
            let config = AgentConfig {
                buffer_size: capacity,
                batch_size: 32,
                ..AgentConfig::default()
            };
            let agent = Dqn::new(&config, &ObservationSpace::of(env.as_ref()), env.action_count(), 0)
                .expect("a benchmark agent fits in memory");
            let bytes = agent.replay_bytes_per_transition();
            let mut measurement = Measurement::new(
                "memory",
                format!("replay, {id}, {capacity} transitions"),
                "bytes per transition",
                vec![bytes],
            );
            measurement.note = format!("{:.0} MB in all", bytes * capacity as f64 / 1e6);
            measurement
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_update_counts_forward_backward_and_target_products() {
        // One 4 → 2 layer at batch 3: forward 3×4·4×2, input gradient 3×2·2×4, weight gradient 4×3·3×2, target
        // forward again: 4 products of 2·24 FLOPs each.
        let products = update_matmuls(&[(3, 4, 2)]);
        assert_eq!(products, vec![(3, 4, 2), (3, 2, 4), (4, 3, 2), (3, 4, 2)]);
        assert_eq!(flops(&products), 4.0 * 48.0);
    }

    #[test]
    fn the_streamed_sum_adds_every_value_including_a_short_tail() {
        // 0 + 1 + … + 95 = 4,560 in three full chunks of 32; 0 + … + 99 = 4,950 with a tail of four.
        let values: Vec<f32> = (0..100).map(|value| value as f32).collect();
        assert_eq!(streamed_sum(&values[..96]), 4_560.0);
        assert_eq!(streamed_sum(&values), 4_950.0);
    }

    #[test]
    fn random_play_goes_on_across_episode_ends_in_every_env() {
        // 500 steps cross several episode ends of every env (a Connect Four game lasts at most 21 moves).
        for measurement in env_throughputs(500, 1) {
            assert!(measurement.median() > 0.0, "{}", measurement.name);
        }
    }

    #[test]
    fn the_study_cases_have_the_papers_shapes_and_batch_sizes() {
        let cases = study_cases(&study_networks());
        let shapes = |name: &str| {
            let case = cases.iter().find(|case| case.name() == name).expect(name);
            let env = make_env(case.network.env).unwrap();
            let agent = Dqn::new(&case.config, &ObservationSpace::of(env.as_ref()), env.action_count(), 0).unwrap();
            agent.network().matmul_shapes(case.config.batch_size)
        };
        // Two hidden layers of 512 at batch 128; LunarLander's 8 inputs and 4 actions.
        assert_eq!(
            shapes("MLP 8-512-512-4, batch 128, vanilla"),
            vec![(128, 8, 512), (128, 512, 512), (128, 512, 4)]
        );
        // The paper's MinAtar network: the 16 filters' 8×8 positions straight to the head, at batch 32; with C51
        // the head has 6 actions × 51 atoms; Rainbow's dueling head adds a value stream of 51.
        assert_eq!(
            shapes("MinAtar conv16-6 (paper), batch 32, c51 (51 atoms)"),
            vec![(32 * 64, 36, 16), (32, 1024, 306)]
        );
        assert_eq!(
            shapes("MinAtar conv16-6 (paper), batch 32, rainbow (all six)"),
            vec![(32 * 64, 36, 16), (32, 1024, 51), (32, 1024, 306)]
        );
        // Every MLP trick alone and Rainbow on each MLP, vanilla, C51 and Rainbow on each MinAtar network.
        assert_eq!(cases.len(), 2 * 7 + 2 * 3);
    }

    #[test]
    fn network_shapes_read_one_row_per_image_position_in_the_convolution() {
        let network = &bench_networks()[2];
        let env = make_env(network.env).unwrap();
        let agent = Dqn::new(
            &network.config,
            &ObservationSpace::of(env.as_ref()),
            env.action_count(),
            0,
        )
        .unwrap();
        // 10×10×4 image, 3×3 kernel: 8×8 = 64 positions of 36 inputs → 16 filters; 1024 → 128 → 6 actions.
        assert_eq!(
            agent.network().matmul_shapes(32),
            vec![(32 * 64, 36, 16), (32, 1024, 128), (32, 128, 6)]
        );
    }
}
