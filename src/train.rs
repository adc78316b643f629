//! One training run: the env ↔ agent loop, periodic greedy evaluations on a separate env, and the run's records.
//!
//! A run is a pure function of (env spec, agent config, seed): every random draw comes from a stream derived from the
//! seed (see `seeding`). Nothing here touches files; `store` writes what this returns.

use std::time::Instant;

use rand_pcg::Pcg64;
use serde::{Deserialize, Serialize};

use crate::agent::config::AgentConfig;
use crate::agent::dqn::{Dqn, ObservationSpace, UpdateStats};
use crate::agent::n_step::EnvStep;
use crate::envs::lunar_lander::{self, Flight, LunarLander};
use crate::envs::{lunar_lander_settings, make_env_with, with_history, Env, EnvError};
use crate::episode_frames::{self, EpisodeFrames};
use crate::seeding::{stream_rng, stream_seed, Stream};
use crate::spec::EnvSpec;

/// Env steps between two rows of `train.csv`.
pub const TRAIN_LOG_EVERY_STEPS: usize = 1_000;

/// One finished training episode (a row of `episodes.csv`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpisodeRecord {
    /// Env step (1-based count of steps taken so far) at which the episode ended.
    pub step: usize,
    pub episode: usize,
    #[serde(rename = "return")]
    pub episode_return: f64,
    pub length: usize,
}

/// One evaluation (a row of `evals.csv`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalRecord {
    /// Training env steps taken before this evaluation.
    pub step: usize,
    /// Mean undiscounted return over the evaluation episodes.
    pub mean_return: f64,
    /// Every episode's return, separated by `;`.
    pub returns: String,
    /// Mean over the episodes' start states of max_a Q(s0, a) from the online network.
    pub q_estimate: f64,
    /// Mean over the episodes of the realised discounted return from the start state (γ as in training).
    pub discounted_return: f64,
    /// For games (`Env::is_game`), the fractions of episodes won, drawn and lost; empty for other envs.
    #[serde(default)]
    pub win_rate: Option<f64>,
    #[serde(default)]
    pub draw_rate: Option<f64>,
    #[serde(default)]
    pub loss_rate: Option<f64>,
}

/// Training statistics over a window of env steps (a row of `train.csv`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainRecord {
    pub step: usize,
    /// Mean loss over the window's gradient steps.
    pub loss: f64,
    /// Mean |TD error| over the window's gradient steps.
    pub mean_abs_td_error: f64,
    /// ε at the end of the window.
    pub epsilon: f64,
    /// Env steps per second over the window (wall time: the one column that differs between identical runs).
    pub steps_per_sec: f64,
    /// Noisy nets: per noisy layer, in network order, Σ|σ| / Σ|μ| over its weights at the end of the window,
    /// separated by `;` (2σ0 at the start; empty without noisy layers). Shows whether the noise grows to swamp the
    /// weights or fades away.
    #[serde(default)]
    pub noise_to_signal: String,
}

/// Everything one run produced.
#[derive(Debug, Clone, Default)]
pub struct RunRecords {
    pub episodes: Vec<EpisodeRecord>,
    pub evals: Vec<EvalRecord>,
    pub train_log: Vec<TrainRecord>,
    /// Env steps taken.
    pub steps: usize,
    pub wall_secs: f64,
    /// LunarLander only: one greedy flight after training, for the report's picture of a landing.
    pub landing: Option<Flight>,
    /// Envs with binary image observations (MinAtar): a few frames of one greedy episode after training.
    pub episode_frames: Option<EpisodeFrames>,
}

/// Why a run stopped before its budget.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    #[error("{0}")]
    Env(#[from] crate::envs::EnvError),
    #[error("{0} has no image observations for a convolutional network")]
    NotAnImage(String),
    #[error("loss became {loss} at env step {step}")]
    NonFiniteLoss { step: usize, loss: f32 },
    #[error("{0}")]
    OutOfMemory(#[from] crate::agent::allocation::AllocationError),
}

/// Progress of a run, reported to the caller after each evaluation.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    pub steps: usize,
    pub total_steps: usize,
    pub latest_eval_return: f64,
}

/// Trains one DQN agent on one env for `env_spec.steps` env steps, evaluating every `env_spec.eval_every` steps (and
/// at step 0 and at the end).
pub fn train_run(
    env_spec: &EnvSpec,
    config: &AgentConfig,
    seed: u64,
    mut on_progress: impl FnMut(Progress),
) -> Result<RunRecords, TrainError> {
    let started = Instant::now();
    let make = || -> Result<Box<dyn Env>, TrainError> {
        let env = make_env_with(&env_spec.id, &env_spec.options)?;
        // trick: history — the network sees the last `history` observations stacked.
        Ok(with_history(env, config.history))
    };
    let mut env = make()?;
    let mut eval_env = make()?;
    let observation_size = env.observation_size();
    if config.network.is_convolutional() && env.image_shape().is_none() {
        return Err(TrainError::NotAnImage(env_spec.id.clone()));
    }
    let mut agent = Dqn::new(config, &ObservationSpace::of(env.as_ref()), env.action_count(), seed)?;
    let total_steps = env_spec.steps;

    let mut records = RunRecords::default();
    let mut evaluator = Evaluator::new(
        stream_seed(seed, Stream::EvalEnv),
        env_spec.eval_episodes,
        config.gamma,
        config.eval_epsilon,
        stream_rng(seed, Stream::EvalExploration),
    );
    records.evals.push(evaluator.evaluate(&agent, eval_env.as_mut(), 0));

    let mut observation = vec![0.0; observation_size];
    let mut next_observation = vec![0.0; observation_size];
    let (mut legal, mut next_legal) = (vec![true; env.action_count()], vec![true; env.action_count()]);
    env.reset(Some(stream_seed(seed, Stream::Env)), &mut observation);
    env.legal_actions(&mut legal);
    let (mut episode, mut episode_return, mut episode_length) = (0, 0.0, 0);
    let mut window = TrainWindow::new(Instant::now());

    for step in 0..total_steps {
        // Act: ε-greedy with a linearly decaying ε (0 with noisy nets, which explore through their noise).
        // Illegal actions (a board game's full column) are never chosen, nor bootstrapped from.
        let epsilon = config.epsilon_at(step, total_steps);
        let action = agent.act(&observation, epsilon, &legal);
        let outcome = env.step(action, &mut next_observation);
        env.legal_actions(&mut next_legal);

        // Store the transition; a time-limit truncation is not a terminal state.
        agent.observe(&EnvStep {
            observation: &observation,
            action,
            reward: outcome.reward,
            next_observation: &next_observation,
            terminated: outcome.terminated,
            truncated: outcome.truncated,
            next_legal: &next_legal,
        });
        episode_return += outcome.reward;
        episode_length += 1;
        if outcome.terminated || outcome.truncated {
            records.episodes.push(EpisodeRecord {
                step: step + 1,
                episode,
                episode_return,
                length: episode_length,
            });
            (episode, episode_return, episode_length) = (episode + 1, 0.0, 0);
            env.reset(None, &mut observation);
            env.legal_actions(&mut legal);
        } else {
            // The next state is the current one now: its observation and its legal actions.
            std::mem::swap(&mut observation, &mut next_observation);
            std::mem::swap(&mut legal, &mut next_legal);
        }

        // Learn: past `learning_starts`, `gradient_steps` updates every `train_every` steps.
        if config.updates_at(step) {
            // trick: prioritized replay — β anneals linearly from `beta_start` to `beta_end` over the run.
            let beta = config.replay.beta_at(step, total_steps);
            for _ in 0..config.gradient_steps {
                let stats = agent.update(beta);
                if !stats.loss.is_finite() {
                    return Err(TrainError::NonFiniteLoss {
                        step: step + 1,
                        loss: stats.loss,
                    });
                }
                window.add(stats);
            }
        }
        // trick: target network — a hard copy every `every` env steps (`Soft` blends inside each update).
        if config.copies_target_at(step) {
            agent.sync_target();
        }

        let steps_done = step + 1;
        if steps_done.is_multiple_of(TRAIN_LOG_EVERY_STEPS) || steps_done == total_steps {
            if let Some(record) = window.finish(steps_done, epsilon, &agent.network().noise_to_signal()) {
                records.train_log.push(record);
            }
        }
        if steps_done.is_multiple_of(env_spec.eval_every) || steps_done == total_steps {
            let eval = evaluator.evaluate(&agent, eval_env.as_mut(), steps_done);
            on_progress(Progress {
                steps: steps_done,
                total_steps,
                latest_eval_return: eval.mean_return,
            });
            records.evals.push(eval);
        }
    }
    // A picture of a landing: one more greedy flight, recorded (the network must see the env's own observation).
    if env_spec.id == lunar_lander::ID && config.history == 1 {
        let (settings, max_steps) = lunar_lander_settings(&env_spec.options).map_err(|error| {
            TrainError::Env(EnvError::Option {
                id: env_spec.id.clone(),
                error,
            })
        })?;
        let all_legal = [true; LunarLander::ACTION_COUNT];
        let seed = stream_seed(seed, Stream::EvalEnv).wrapping_add(1);
        records.landing = Some(lunar_lander::fly(settings, seed, max_steps, |observation| {
            agent.greedy_action(observation, &all_legal)
        }));
    }
    // A picture of the greedy policy playing an image env (with history the network's input is no longer the image).
    if config.history == 1 {
        let seed = stream_seed(seed, Stream::EvalEnv).wrapping_add(1);
        records.episode_frames = episode_frames::record(eval_env.as_mut(), seed, |observation, legal| {
            agent.greedy_action(observation, legal)
        });
    }
    records.steps = total_steps;
    records.wall_secs = started.elapsed().as_secs_f64();
    Ok(records)
}

/// Accumulates update statistics between two `train.csv` rows.
struct TrainWindow {
    started: Instant,
    started_step: usize,
    updates: usize,
    loss_sum: f64,
    td_error_sum: f64,
}

impl TrainWindow {
    fn new(started: Instant) -> Self {
        TrainWindow {
            started,
            started_step: 0,
            updates: 0,
            loss_sum: 0.0,
            td_error_sum: 0.0,
        }
    }

    fn add(&mut self, stats: UpdateStats) {
        self.updates += 1;
        self.loss_sum += stats.loss as f64;
        self.td_error_sum += stats.mean_abs_td_error as f64;
    }

    /// The window's row (none if it had no update), and a fresh window from `step`.
    fn finish(&mut self, step: usize, epsilon: f64, noise_to_signal: &[f64]) -> Option<TrainRecord> {
        let now = Instant::now();
        let elapsed_secs = now.duration_since(self.started).as_secs_f64().max(1e-9);
        let record = (self.updates > 0).then(|| TrainRecord {
            step,
            loss: self.loss_sum / self.updates as f64,
            mean_abs_td_error: self.td_error_sum / self.updates as f64,
            epsilon,
            steps_per_sec: (step - self.started_step) as f64 / elapsed_secs,
            noise_to_signal: noise_to_signal
                .iter()
                .map(|ratio| format!("{ratio:.4}"))
                .collect::<Vec<_>>()
                .join(";"),
        });
        *self = TrainWindow {
            started_step: step,
            ..TrainWindow::new(now)
        };
        record
    }
}

/// Runs greedy evaluation episodes on the eval env, whose initial states come from their own seed stream.
struct Evaluator {
    seed: Option<u64>,
    episodes: usize,
    gamma: f64,
    /// ε of its ε-greedy choice, and the stream its coins come from.
    epsilon: f64,
    rng: Pcg64,
}

impl Evaluator {
    fn new(seed: u64, episodes: usize, gamma: f64, epsilon: f64, rng: Pcg64) -> Self {
        Evaluator {
            seed: Some(seed),
            episodes,
            gamma,
            epsilon,
            rng,
        }
    }

    fn evaluate(&mut self, agent: &Dqn, env: &mut dyn Env, step: usize) -> EvalRecord {
        let mut observation = vec![0.0; env.observation_size()];
        let mut legal = vec![true; env.action_count()];
        let mut returns = Vec::with_capacity(self.episodes);
        let (mut q_sum, mut discounted_sum) = (0.0, 0.0);
        for _ in 0..self.episodes {
            // The first reset seeds the eval env; later ones continue its stream, so each evaluation sees new starts.
            env.reset(self.seed.take(), &mut observation);
            let q_values = agent.q_values(&observation);
            q_sum += q_values.iter().copied().fold(f32::NEG_INFINITY, f32::max) as f64;
            let (mut episode_return, mut discounted, mut discount) = (0.0, 0.0, 1.0);
            loop {
                env.legal_actions(&mut legal);
                let action = agent.evaluation_action(&observation, self.epsilon, &legal, &mut self.rng);
                let outcome = env.step(action, &mut observation);
                episode_return += outcome.reward;
                discounted += discount * outcome.reward;
                discount *= self.gamma;
                if outcome.terminated || outcome.truncated {
                    break;
                }
            }
            returns.push(episode_return);
            discounted_sum += discounted;
        }
        let count = self.episodes as f64;
        let rate_of = |outcome: std::cmp::Ordering| {
            env.is_game().then(|| {
                returns
                    .iter()
                    .filter(|value| value.partial_cmp(&&0.0) == Some(outcome))
                    .count() as f64
                    / count
            })
        };
        EvalRecord {
            step,
            mean_return: returns.iter().sum::<f64>() / count,
            returns: returns
                .iter()
                .map(|value| value.to_string())
                .collect::<Vec<_>>()
                .join(";"),
            q_estimate: q_sum / count,
            discounted_return: discounted_sum / count,
            win_rate: rate_of(std::cmp::Ordering::Greater),
            draw_rate: rate_of(std::cmp::Ordering::Equal),
            loss_rate: rate_of(std::cmp::Ordering::Less),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envs::{EnvInfo, StepOutcome};

    /// A one-step episode whose reward cycles through the `rewards` list, whatever the action.
    struct Scripted {
        rewards: Vec<f64>,
        episode: usize,
        game: bool,
    }

    impl Env for Scripted {
        fn info(&self) -> EnvInfo {
            EnvInfo {
                is_game: self.game,
                ..EnvInfo::vector(2, 2)
            }
        }
        fn legal_actions(&self, mask: &mut [bool]) {
            mask.fill(true);
        }
        fn reset(&mut self, _seed: Option<u64>, observation: &mut [f32]) {
            observation.fill(0.0);
        }
        fn step(&mut self, _action: usize, _observation: &mut [f32]) -> StepOutcome {
            let reward = self.rewards[self.episode % self.rewards.len()];
            self.episode += 1;
            StepOutcome {
                reward,
                terminated: true,
                truncated: false,
            }
        }
    }

    fn evaluate(game: bool) -> EvalRecord {
        let mut env = Scripted {
            rewards: vec![1.0, 0.0, -1.0, 1.0, 1.0],
            episode: 0,
            game,
        };
        let config = AgentConfig::default();
        let agent = Dqn::new(&config, &ObservationSpace::of(&env), 2, 0).unwrap();
        Evaluator::new(0, 10, 0.99, 0.0, stream_rng(0, Stream::EvalExploration)).evaluate(&agent, &mut env, 0)
    }

    #[test]
    fn evaluations_of_games_count_wins_draws_and_losses() {
        // Ten episodes over the script +1, 0, −1, +1, +1: six wins, two draws, two losses.
        let eval = evaluate(true);
        assert_eq!(eval.returns, "1;0;-1;1;1;1;0;-1;1;1");
        assert_eq!(
            (eval.win_rate, eval.draw_rate, eval.loss_rate),
            (Some(0.6), Some(0.2), Some(0.2))
        );
        assert!((eval.mean_return - 0.4).abs() < 1e-12);
    }

    #[test]
    fn evaluations_of_other_envs_leave_the_rates_empty() {
        let eval = evaluate(false);
        assert_eq!((eval.win_rate, eval.draw_rate, eval.loss_rate), (None, None, None));
    }

    #[test]
    fn a_replay_buffer_the_system_will_not_give_is_an_error_of_the_run_not_an_abort() {
        // Regression (issue 12): `buffer_size: 1e12` aborted the whole process (exit 134) on allocation.
        let env = EnvSpec {
            eval_every: 10,
            eval_episodes: 1,
            final_evals: 1,
            ..EnvSpec::new("CartPole-v1", 10)
        };
        let config = AgentConfig {
            buffer_size: usize::MAX / 64,
            ..AgentConfig::default()
        };
        let error = train_run(&env, &config, 0, |_| {}).unwrap_err();
        assert!(
            matches!(&error, TrainError::OutOfMemory(_)) && error.to_string().starts_with("cannot allocate frames"),
            "{error}"
        );
    }
}
