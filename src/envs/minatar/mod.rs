//! MinAtar's five games (MinAtar 1.0.15: Asterix, Breakout, Freeway, Seaquest, Space Invaders), and the wrapper
//! that does what MinAtar's `Environment` does around any of them: sticky actions, the full or minimal action set,
//! one random stream shared by wrapper and game, and the 10×10×C boolean observation.
//!
//! The random stream is numpy's legacy `RandomState` (`numpy_random`), seeded as MinAtar's `seed()` seeds it, so the
//! same seed gives the same game as MinAtar, draw for draw. MinAtar has no time limit of its own, and neither do
//! these envs (the registry adds a truncation far beyond real play).

pub mod asterix;
pub mod breakout;
pub mod freeway;
pub mod numpy_random;
pub mod seaquest;
pub mod space_invaders;

use super::{Env, EnvInfo, ObservationValues, StepOutcome};
pub use asterix::Asterix;
pub use breakout::Breakout;
pub use freeway::Freeway;
use numpy_random::NumpyRandom;
pub use seaquest::Seaquest;
pub use space_invaders::SpaceInvaders;

/// Cells per side of MinAtar's square field.
pub const GRID_SIZE: usize = 10;
/// MinAtar's default probability that a step repeats the previous action.
pub const DEFAULT_STICKY_ACTION_PROBABILITY: f64 = 0.1;

/// MinAtar's six game actions, by index (`n l u r d f`): every MinAtar game accepts all of them.
pub const NOOP: usize = 0;
pub const LEFT: usize = 1;
pub const UP: usize = 2;
pub const RIGHT: usize = 3;
pub const DOWN: usize = 4;
pub const FIRE: usize = 5;
/// Number of MinAtar game actions.
pub const FULL_ACTION_COUNT: usize = 6;

/// The rules of one MinAtar game: its state, what `reset` and `act` do to it, and how it is drawn.
pub trait Game: Clone + std::fmt::Debug + Send + 'static {
    /// The gymnasium id with all six actions, e.g. `MinAtar/Asterix-v0`.
    const ID: &'static str;
    /// The gymnasium id with the game's minimal action set, e.g. `MinAtar/Asterix-v1`.
    const MINIMAL_ID: &'static str;
    /// The observation's channels, in MinAtar's order.
    const CHANNEL_NAMES: &'static [&'static str];
    /// The game actions that matter, in MinAtar's `minimal_action_set` order.
    const MINIMAL_ACTIONS: &'static [usize];

    /// The game before its first reset; `difficulty_ramping` is MinAtar's `ramping` argument.
    fn new(difficulty_ramping: bool) -> Self;
    /// MinAtar's `reset()`: a new episode, drawing from `random` where the game does (Freeway's cars).
    fn reset(&mut self, random: &mut NumpyRandom);
    /// MinAtar's `act(a)` with game action `action` (`NOOP` … `FIRE`), stickiness already resolved: the reward and
    /// whether the game is over. Once over, every call returns (0, true) and changes nothing.
    fn act(&mut self, action: usize, random: &mut NumpyRandom) -> (f64, bool);
    /// Marks the occupied cells of MinAtar's `state()`.
    fn draw(&self, cells: &mut Cells);
}

/// The observation being drawn: a 10×10 grid of channels, `(y * 10 + x) * channels + channel`.
pub struct Cells<'a> {
    observation: &'a mut [f32],
    channels: usize,
}

impl Cells<'_> {
    /// Marks channel `channel` at row `y`, column `x` (both in `0..10`).
    pub fn set(&mut self, y: usize, x: usize, channel: usize) {
        debug_assert!(y < GRID_SIZE && x < GRID_SIZE && channel < self.channels);
        self.observation[(y * GRID_SIZE + x) * self.channels + channel] = 1.0;
    }
}

/// A column that may have left the grid: `Some` while it is in `0..10`.
pub(crate) fn on_grid(x: i32) -> Option<usize> {
    usize::try_from(x).ok().filter(|&x| x < GRID_SIZE)
}

/// How a MinAtar game is set up: MinAtar's `Environment` arguments and gymnasium's action-set choice.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MinAtarConfig {
    /// Probability that a step applies the previous action instead of the requested one (MinAtar: 0.1).
    pub sticky_action_probability: f64,
    /// Whether the game gets harder as it goes (MinAtar's `difficulty_ramping`, on by default; Breakout and Freeway
    /// have no ramp).
    pub difficulty_ramping: bool,
    /// Only the game's minimal action set (the `-v1` ids) instead of all six actions.
    pub minimal_actions: bool,
}

impl Default for MinAtarConfig {
    fn default() -> Self {
        Self {
            sticky_action_probability: DEFAULT_STICKY_ACTION_PROBABILITY,
            difficulty_ramping: true,
            minimal_actions: false,
        }
    }
}

/// A MinAtar game as a gym-style env, with MinAtar's sticky actions and no time limit.
#[derive(Debug, Clone)]
pub struct MinAtar<G: Game> {
    config: MinAtarConfig,
    game: G,
    /// The game action applied on the previous step (MinAtar's `last_action`), what a sticky step repeats.
    last_action: usize,
    random: NumpyRandom,
}

impl<G: Game> MinAtar<G> {
    /// Number of values in the observation: 10 × 10 × channels.
    pub const OBSERVATION_SIZE: usize = GRID_SIZE * GRID_SIZE * G::CHANNEL_NAMES.len();

    /// MinAtar's 10×10 grid of 0/1 channels, channel fastest, with the full or the minimal action set.
    pub const fn info_of(minimal_actions: bool) -> EnvInfo {
        let action_count = if minimal_actions {
            G::MINIMAL_ACTIONS.len()
        } else {
            FULL_ACTION_COUNT
        };
        EnvInfo {
            image_shape: Some((GRID_SIZE, GRID_SIZE, G::CHANNEL_NAMES.len())),
            values: ObservationValues::Binary,
            channel_names: G::CHANNEL_NAMES,
            ..EnvInfo::vector(Self::OBSERVATION_SIZE, action_count)
        }
    }

    /// The game with `config`, seeded with 0 and reset once; call `reset` to start an episode.
    pub fn new(config: MinAtarConfig) -> Self {
        assert!(
            (0.0..=1.0).contains(&config.sticky_action_probability),
            "sticky-action probability {} is not in [0, 1]",
            config.sticky_action_probability
        );
        let mut random = NumpyRandom::new(0);
        let mut game = G::new(config.difficulty_ramping);
        game.reset(&mut random);
        Self {
            config,
            game,
            last_action: NOOP,
            random,
        }
    }

    /// The game's state.
    pub fn game(&self) -> &G {
        &self.game
    }

    /// The game action (`0..6`) applied on the previous step, the one a sticky step repeats.
    pub fn last_action(&self) -> usize {
        self.last_action
    }

    /// The 32-bit words drawn from the random stream since it was last seeded (wrapper and game together).
    pub fn words_used(&self) -> u64 {
        self.random.words_used()
    }

    /// The game action that agent action `action` stands for in this env's action set.
    pub fn game_action(&self, action: usize) -> usize {
        if self.config.minimal_actions {
            *G::MINIMAL_ACTIONS.get(action).unwrap_or_else(|| {
                panic!(
                    "{}: action {action} is not in 0..{}",
                    G::MINIMAL_ID,
                    G::MINIMAL_ACTIONS.len()
                )
            })
        } else {
            assert!(action < FULL_ACTION_COUNT, "{}: action {action} is not in 0..6", G::ID);
            action
        }
    }

    /// Writes MinAtar's `state()` of the current game.
    pub fn write_observation(&self, observation: &mut [f32]) {
        let observation = &mut observation[..Self::OBSERVATION_SIZE];
        observation.fill(0.0);
        self.game.draw(&mut Cells {
            observation,
            channels: G::CHANNEL_NAMES.len(),
        });
    }
}

impl<G: Game> Env for MinAtar<G> {
    fn info(&self) -> EnvInfo {
        Self::info_of(self.config.minimal_actions)
    }

    /// `Some(seed)` is MinAtar's `seed(seed)` on a new `Environment` (a fresh stream, no previous action); `None`
    /// is MinAtar's `reset()`, which continues the stream and keeps the previous action.
    fn reset(&mut self, seed: Option<u64>, observation: &mut [f32]) {
        if let Some(seed) = seed {
            self.random = NumpyRandom::new(seed);
            self.last_action = NOOP;
        }
        self.game.reset(&mut self.random);
        self.write_observation(observation);
    }

    fn step(&mut self, action: usize, observation: &mut [f32]) -> StepOutcome {
        let requested = self.game_action(action);
        // MinAtar draws the sticky coin on every step, even with probability 0 and after the game is over.
        let sticky = self.random.uniform() < self.config.sticky_action_probability;
        let applied = if sticky { self.last_action } else { requested };
        self.last_action = applied;
        let (reward, terminated) = self.game.act(applied, &mut self.random);
        self.write_observation(observation);
        StepOutcome {
            reward,
            terminated,
            truncated: false,
        }
    }

    fn legal_actions(&self, mask: &mut [bool]) {
        mask.fill(true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_action_sets_map_to_minatars_game_actions() {
        let minimal = MinAtarConfig {
            minimal_actions: true,
            ..MinAtarConfig::default()
        };
        let actions = |env: &dyn Fn(usize) -> usize, count: usize| (0..count).map(env).collect::<Vec<_>>();
        let freeway = MinAtar::<Freeway>::new(minimal);
        assert_eq!(actions(&|a| freeway.game_action(a), 3), [0, 2, 4]);
        let invaders = MinAtar::<SpaceInvaders>::new(minimal);
        assert_eq!(actions(&|a| invaders.game_action(a), 4), [0, 1, 3, 5]);
        let asterix = MinAtar::<Asterix>::new(MinAtarConfig::default());
        assert_eq!(actions(&|a| asterix.game_action(a), 6), [0, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn a_seeded_reset_starts_the_same_stream_and_forgets_the_last_action() {
        let mut env = MinAtar::<Seaquest>::new(MinAtarConfig::default());
        let mut observation = vec![0.0; MinAtar::<Seaquest>::OBSERVATION_SIZE];
        let mut play = |env: &mut MinAtar<Seaquest>| {
            env.reset(Some(7), &mut observation);
            assert_eq!(env.last_action(), NOOP);
            (0..300)
                .map(|step| {
                    let outcome = env.step((step * 7) % 6, &mut observation);
                    if outcome.terminated {
                        env.reset(None, &mut observation);
                    }
                    (outcome.reward, env.last_action(), env.words_used())
                })
                .collect::<Vec<_>>()
        };
        let first = play(&mut env);
        assert_eq!(play(&mut env), first);
    }
}
