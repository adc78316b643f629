//! Benchmarks (numbers to report, never timed tests): whole-run env steps/s at CleanRL's CartPole DQN settings, and
//! gradient updates/s with each trick switched on alone.

use std::time::Instant;

use crate::agent::config::{AgentConfig, Exploration, Loss, Replay, Target};
use crate::agent::dqn::{Dqn, ObservationSpace};
use crate::agent::n_step::EnvStep;
use crate::envs::make_env;
use crate::spec::EnvSpec;
use crate::train::train_run;

/// CleanRL `dqn.py`'s CartPole-v1 defaults: lr 2.5e-4, buffer 10,000, batch 128, target every 500, train every 10,
/// learning starts 10,000, network 120-84, MSE, ε 1 → 0.05 over half the run, γ 0.99, 100,000 steps.
pub fn cleanrl_cartpole() -> (EnvSpec, AgentConfig) {
    let env = EnvSpec {
        id: "CartPole-v1".to_string(),
        steps: 100_000,
        // CleanRL evaluates only after training; one eval every 50,000 steps keeps ours a small share of the time.
        eval_every: 50_000,
        eval_episodes: 10,
        final_evals: 1,
        agent: Default::default(),
        random_score: None,
        reference_score: None,
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
    pub name: String,
    pub unit: String,
    pub samples: Vec<f64>,
}

impl Measurement {
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
}

/// Whole-run env steps/s at CleanRL's CartPole settings on one thread, `repetitions` runs with seeds 0, 1, ….
pub fn whole_run_cleanrl_cartpole(repetitions: usize) -> Measurement {
    let (env, agent) = cleanrl_cartpole();
    let single_thread = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a one-thread pool");
    let samples = (0..repetitions as u64)
        .map(|seed| {
            let started = Instant::now();
            let records = single_thread
                .install(|| train_run(&env, &agent, seed, |_| {}))
                .expect("the benchmark run trains");
            records.steps as f64 / started.elapsed().as_secs_f64()
        })
        .collect();
    Measurement {
        name: "whole run, CleanRL CartPole-v1 settings, 1 thread".to_string(),
        unit: "env steps/s".to_string(),
        samples,
    }
}

/// The tricks whose update cost `update_throughput` measures, each switched on alone over `base`.
pub fn trick_variants(base: &AgentConfig) -> Vec<(&'static str, AgentConfig)> {
    let with = |change: fn(&mut AgentConfig)| {
        let mut config = base.clone();
        change(&mut config);
        config
    };
    vec![
        ("vanilla", base.clone()),
        ("double", with(|config| config.double = true)),
        ("prioritized", with(|config| config.replay = Replay::prioritized())),
        ("noisy", with(|config| config.exploration = Exploration::Noisy(0.5))),
        ("dueling", with(|config| config.dueling = true)),
        ("n-step 3", with(|config| config.n_step = 3)),
        ("soft target", with(|config| config.target = Target::Soft(0.005))),
        ("huber", with(|config| config.loss = Loss::Huber)),
        ("grad clipping", with(|config| config.max_grad_norm = Some(10.0))),
    ]
}

/// Gradient updates/s of each config on CartPole-v1 observations, one thread: the replay is filled with 10,000
/// transitions of alternating actions, then `updates` updates are timed. Repetitions go round-robin over the
/// configs after one untimed warm-up pass, so that a slow spell of the machine does not land on one config alone.
pub fn update_throughputs(configs: &[(&str, AgentConfig)], updates: usize, repetitions: usize) -> Vec<Measurement> {
    let single_thread = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a one-thread pool");
    let mut samples = vec![Vec::with_capacity(repetitions); configs.len()];
    for repetition in 0..=repetitions {
        for (index, (_, config)) in configs.iter().enumerate() {
            let rate = single_thread.install(|| timed_updates(config, updates, repetition as u64));
            if repetition > 0 {
                samples[index].push(rate);
            }
        }
    }
    configs
        .iter()
        .zip(samples)
        .map(|((name, config), samples)| update_measurement(name, config, samples))
        .collect()
}

/// Updates/s of one agent of `config` (seed `seed`) over `updates` updates on a filled replay.
fn timed_updates(config: &AgentConfig, updates: usize, seed: u64) -> f64 {
    let mut env = make_env("CartPole-v1").expect("a registered env");
    let mut agent = Dqn::new(config, &ObservationSpace::of(env.as_ref()), env.action_count(), seed);
    let mut observation = vec![0.0; env.observation_size()];
    let mut next_observation = observation.clone();
    env.reset(Some(seed), &mut observation);
    for step in 0..10_000 {
        let action = step % env.action_count();
        let outcome = env.step(action, &mut next_observation);
        agent.observe(&EnvStep {
            observation: &observation,
            action,
            reward: outcome.reward,
            next_observation: &next_observation,
            terminated: outcome.terminated,
            truncated: outcome.truncated,
            next_legal: &[true, true],
        });
        if outcome.terminated || outcome.truncated {
            env.reset(None, &mut observation);
        } else {
            std::mem::swap(&mut observation, &mut next_observation);
        }
    }
    let started = Instant::now();
    for _ in 0..updates {
        agent.update(0.4);
    }
    updates as f64 / started.elapsed().as_secs_f64()
}

fn update_measurement(name: &str, config: &AgentConfig, samples: Vec<f64>) -> Measurement {
    let network: Vec<String> = config.hidden.iter().map(usize::to_string).collect();
    Measurement {
        name: format!(
            "updates, batch {}, 4-{}-2, {name}",
            config.batch_size,
            network.join("-")
        ),
        unit: "updates/s".to_string(),
        samples,
    }
}

/// Bytes per transition of a `capacity`-transition replay buffer of the default agent on each env kind: CartPole's
/// floats and MinAtar Breakout's 0/1 image (stored as bits).
pub fn replay_memory(capacity: usize) -> Vec<(&'static str, f64)> {
    ["CartPole-v1", "MinAtar/Breakout-v0"]
        .into_iter()
        .map(|id| {
            let env = make_env(id).expect("a registered env");
            let config = AgentConfig {
                buffer_size: capacity,
                batch_size: 32,
                ..AgentConfig::default()
            };
            let agent = Dqn::new(&config, &ObservationSpace::of(env.as_ref()), env.action_count(), 0);
            (id, agent.replay_bytes_per_transition())
        })
        .collect()
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
                    let mut rng = <rand_pcg::Pcg64 as rand::SeedableRng>::seed_from_u64(seed);
                    let mut observation = vec![0.0; env.observation_size()];
                    let mut legal = vec![true; env.action_count()];
                    env.reset(Some(seed), &mut observation);
                    let started = Instant::now();
                    for _ in 0..steps {
                        env.legal_actions(&mut legal);
                        let choices: Vec<usize> = (0..legal.len()).filter(|action| legal[*action]).collect();
                        let action = choices[rand::Rng::gen_range(&mut rng, 0..choices.len())];
                        let outcome = env.step(action, &mut observation);
                        if outcome.terminated || outcome.truncated {
                            env.reset(None, &mut observation);
                        }
                    }
                    steps as f64 / started.elapsed().as_secs_f64()
                })
                .collect();
            Measurement {
                name: format!("env alone, {id}, random actions"),
                unit: "env steps/s".to_string(),
                samples,
            }
        })
        .collect()
}
