//! MinAtar Breakout: the 10×10 brick-breaking game of MinAtar 1.0.15 (Young & Tian 2019), rule for rule, with its
//! sticky actions.
//!
//! A paddle on the bottom row bounces a ball that moves one cell diagonally per step; each brick the ball breaks
//! gives reward 1; three fresh rows of bricks appear once all are gone; the episode terminates when the ball reaches
//! the bottom row without being caught. The observation is MinAtar's 10×10×4 boolean grid as `f32` 0/1. MinAtar has
//! no time limit of its own, and neither does this environment.
//!
//! With probability `sticky_action_probability` a step repeats the previously applied action instead of the
//! requested one (as MinAtar's `Environment.act`); the previous action survives an unseeded `reset`, as in MinAtar.
//! One seeded RNG draws both the ball's start side and the sticky-action coin, like MinAtar's single `RandomState`.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

use super::{Env, EnvInfo, StepOutcome};

/// MinAtar's gymnasium id for Breakout with the full six-action set.
pub const ID: &str = "MinAtar/Breakout-v0";
/// MinAtar's gymnasium id for Breakout with the minimal action set (noop, left, right).
pub const MINIMAL_ID: &str = "MinAtar/Breakout-v1";
/// MinAtar's default probability that a step repeats the previous action.
pub const DEFAULT_STICKY_ACTION_PROBABILITY: f64 = 0.1;

/// Cells per side of the square playing field.
pub const GRID_SIZE: usize = 10;
/// Observation channels, in MinAtar's order.
pub const CHANNEL_COUNT: usize = 4;
/// Observation channel of the paddle.
pub const PADDLE_CHANNEL: usize = 0;
/// Observation channel of the ball.
pub const BALL_CHANNEL: usize = 1;
/// Observation channel of the ball's previous position (its trail, which shows the direction).
pub const TRAIL_CHANNEL: usize = 2;
/// Observation channel of the bricks.
pub const BRICK_CHANNEL: usize = 3;

/// The row the paddle lives on; a ball reaching it uncaught ends the episode.
const BOTTOM_ROW: usize = GRID_SIZE - 1;
/// The rows filled with bricks at the start and whenever the field has been cleared.
const BRICK_ROWS: std::ops::RangeInclusive<usize> = 1..=3;
/// The row the ball starts on.
const START_ROW: usize = 3;
/// The paddle's starting column.
const START_PADDLE_X: usize = 4;

/// MinAtar's six game actions, by index: every MinAtar game accepts all of them.
pub const NOOP: usize = 0;
pub const LEFT: usize = 1;
pub const UP: usize = 2;
pub const RIGHT: usize = 3;
pub const DOWN: usize = 4;
pub const FIRE: usize = 5;
/// Number of MinAtar game actions.
pub const FULL_ACTION_COUNT: usize = 6;
/// The game actions that matter in Breakout, in MinAtar's `minimal_action_set` order.
pub const MINIMAL_ACTIONS: [usize; 3] = [NOOP, LEFT, RIGHT];

/// Which actions the agent chooses from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ActionSet {
    /// All six MinAtar actions (`MinAtar/Breakout-v0`, and the setting of the MinAtar paper).
    #[default]
    Full,
    /// Noop, left, right (`MinAtar/Breakout-v1`): agent actions 0, 1, 2 are game actions 0, 1, 3.
    Minimal,
}

/// How the ball moves: one cell diagonally per step. The discriminants are MinAtar's `ball_dir` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BallDirection {
    UpLeft = 0,
    UpRight = 1,
    DownRight = 2,
    DownLeft = 3,
}

impl BallDirection {
    /// The direction with MinAtar's `ball_dir` value `index`, or `None` outside `0..4`.
    pub fn from_index(index: usize) -> Option<Self> {
        match index {
            0 => Some(Self::UpLeft),
            1 => Some(Self::UpRight),
            2 => Some(Self::DownRight),
            3 => Some(Self::DownLeft),
            _ => None,
        }
    }

    /// MinAtar's `ball_dir` value of this direction.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The change of column and row in one step (rows grow downwards).
    fn offsets(self) -> (isize, isize) {
        match self {
            Self::UpLeft => (-1, -1),
            Self::UpRight => (1, -1),
            Self::DownRight => (1, 1),
            Self::DownLeft => (-1, 1),
        }
    }

    /// Reflected off a side wall: the horizontal part flips.
    fn mirrored_horizontally(self) -> Self {
        match self {
            Self::UpLeft => Self::UpRight,
            Self::UpRight => Self::UpLeft,
            Self::DownRight => Self::DownLeft,
            Self::DownLeft => Self::DownRight,
        }
    }

    /// Reflected off the ceiling, a brick or the paddle straight below: the vertical part flips.
    fn mirrored_vertically(self) -> Self {
        match self {
            Self::UpLeft => Self::DownLeft,
            Self::UpRight => Self::DownRight,
            Self::DownRight => Self::UpRight,
            Self::DownLeft => Self::UpLeft,
        }
    }

    /// Sent back the way it came (the ball met the paddle with a corner).
    fn reversed(self) -> Self {
        match self {
            Self::UpLeft => Self::DownRight,
            Self::UpRight => Self::DownLeft,
            Self::DownRight => Self::UpLeft,
            Self::DownLeft => Self::UpRight,
        }
    }
}

/// The game's internal variables; each field names MinAtar's variable it mirrors. Columns `x` grow rightwards, rows
/// `y` downwards, both in `0..GRID_SIZE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreakoutState {
    /// The ball's column (`ball_x`).
    pub ball_x: usize,
    /// The ball's row (`ball_y`).
    pub ball_y: usize,
    /// Where the ball moves next (`ball_dir`).
    pub ball_direction: BallDirection,
    /// The paddle's column on the bottom row (`pos`).
    pub paddle_x: usize,
    /// The ball's column before the last step (`last_x`).
    pub last_ball_x: usize,
    /// The ball's row before the last step (`last_y`).
    pub last_ball_y: usize,
    /// The last step met a brick (`strike`): while set, the ball passes through bricks without breaking them.
    pub strike: bool,
    /// `bricks[y][x]` holds a brick (`brick_map`).
    pub bricks: [[bool; GRID_SIZE]; GRID_SIZE],
    /// The ball has reached the bottom row uncaught (`terminal`); further steps change nothing.
    pub terminal: bool,
}

impl BreakoutState {
    /// MinAtar's start state with the ball on the left (`start_on_right == false`: column 0, moving down-right) or on
    /// the right (column 9, moving down-left), in row 3 among the bricks.
    pub fn start(start_on_right: bool) -> Self {
        let (ball_x, ball_direction) = if start_on_right {
            (GRID_SIZE - 1, BallDirection::DownLeft)
        } else {
            (0, BallDirection::DownRight)
        };
        let mut state = Self {
            ball_x,
            ball_y: START_ROW,
            ball_direction,
            paddle_x: START_PADDLE_X,
            last_ball_x: ball_x,
            last_ball_y: START_ROW,
            strike: false,
            bricks: [[false; GRID_SIZE]; GRID_SIZE],
            terminal: false,
        };
        state.refill_bricks();
        state
    }

    /// Fills the brick rows 1 to 3 completely.
    pub fn refill_bricks(&mut self) {
        for row in BRICK_ROWS {
            self.bricks[row] = [true; GRID_SIZE];
        }
    }

    /// Number of bricks left.
    pub fn brick_count(&self) -> usize {
        self.bricks.iter().flatten().filter(|&&brick| brick).count()
    }
}

/// How a `MinAtarBreakout` is set up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BreakoutConfig {
    /// Probability that a step applies the previous action instead of the requested one (MinAtar: 0.1).
    pub sticky_action_probability: f64,
    /// Which actions the agent chooses from.
    pub action_set: ActionSet,
}

impl Default for BreakoutConfig {
    fn default() -> Self {
        Self {
            sticky_action_probability: DEFAULT_STICKY_ACTION_PROBABILITY,
            action_set: ActionSet::Full,
        }
    }
}

/// MinAtar Breakout with sticky actions and no time limit.
#[derive(Debug, Clone)]
pub struct MinAtarBreakout {
    config: BreakoutConfig,
    state: BreakoutState,
    /// The game action applied on the previous step (MinAtar's `last_action`), what a sticky step repeats.
    last_action: usize,
    rng: Pcg64,
}

impl Default for MinAtarBreakout {
    fn default() -> Self {
        Self::new()
    }
}

impl MinAtarBreakout {
    /// Number of values in the observation: 10 × 10 × 4.
    pub const OBSERVATION_SIZE: usize = GRID_SIZE * GRID_SIZE * CHANNEL_COUNT;

    /// MinAtar's defaults: sticky-action probability 0.1, all six actions. RNG seeded with 0, ball starting on the
    /// left; call `reset` to start an episode.
    pub fn new() -> Self {
        Self::with_config(BreakoutConfig::default())
    }

    /// MinAtar's defaults but only the three actions that matter (`MinAtar/Breakout-v1`).
    pub fn minimal() -> Self {
        Self::with_config(BreakoutConfig {
            action_set: ActionSet::Minimal,
            ..BreakoutConfig::default()
        })
    }

    /// MinAtar's 10×10 grid with 4 channels of 0 or 1, channel fastest (the layout of `write_observation`), with the
    /// full action set or the minimal one.
    pub const fn info_of(minimal: bool) -> EnvInfo {
        let action_count = if minimal {
            MINIMAL_ACTIONS.len()
        } else {
            FULL_ACTION_COUNT
        };
        EnvInfo {
            image_shape: Some((GRID_SIZE, GRID_SIZE, CHANNEL_COUNT)),
            binary_observations: true,
            channel_names: &["paddle", "ball", "trail", "brick"],
            ..EnvInfo::vector(Self::OBSERVATION_SIZE, action_count)
        }
    }

    /// An environment with `config`; RNG seeded with 0, ball starting on the left.
    pub fn with_config(config: BreakoutConfig) -> Self {
        assert!(
            (0.0..=1.0).contains(&config.sticky_action_probability),
            "sticky-action probability {} is not in [0, 1]",
            config.sticky_action_probability
        );
        Self {
            config,
            state: BreakoutState::start(false),
            last_action: NOOP,
            rng: Pcg64::seed_from_u64(0),
        }
    }

    /// The configuration this environment was built with.
    pub fn config(&self) -> BreakoutConfig {
        self.config
    }

    /// The game's internal variables.
    pub fn state(&self) -> &BreakoutState {
        &self.state
    }

    /// Replaces the game's internal variables (then `write_observation` gives the matching observation).
    pub fn set_state(&mut self, state: BreakoutState) {
        assert!(
            [
                state.ball_x,
                state.ball_y,
                state.paddle_x,
                state.last_ball_x,
                state.last_ball_y
            ]
            .iter()
            .all(|&coordinate| coordinate < GRID_SIZE),
            "a position lies outside the {GRID_SIZE}×{GRID_SIZE} field: {state:?}"
        );
        self.state = state;
    }

    /// The game action (`0..FULL_ACTION_COUNT`) applied on the previous step, the one a sticky step repeats.
    pub fn last_action(&self) -> usize {
        self.last_action
    }

    /// The game action (`NOOP` … `FIRE`) that agent action `action` stands for in this environment's action set.
    pub fn game_action(&self, action: usize) -> usize {
        match self.config.action_set {
            ActionSet::Full => {
                assert!(action < FULL_ACTION_COUNT, "Breakout action {action} is not in 0..6");
                action
            }
            ActionSet::Minimal => *MINIMAL_ACTIONS
                .get(action)
                .unwrap_or_else(|| panic!("minimal Breakout action {action} is not in 0..3")),
        }
    }

    /// Writes the observation of the current state: `observation[(y * 10 + x) * 4 + channel]` is 1 where the
    /// paddle, ball, trail or a brick (channels 0 to 3) occupies cell (x, y), else 0.
    pub fn write_observation(&self, observation: &mut [f32]) {
        let observation = &mut observation[..Self::OBSERVATION_SIZE];
        observation.fill(0.0);
        let index = |x: usize, y: usize, channel: usize| (y * GRID_SIZE + x) * CHANNEL_COUNT + channel;
        let state = &self.state;
        observation[index(state.ball_x, state.ball_y, BALL_CHANNEL)] = 1.0;
        observation[index(state.paddle_x, BOTTOM_ROW, PADDLE_CHANNEL)] = 1.0;
        observation[index(state.last_ball_x, state.last_ball_y, TRAIL_CHANNEL)] = 1.0;
        for (y, row) in state.bricks.iter().enumerate() {
            for (x, &brick) in row.iter().enumerate() {
                if brick {
                    observation[index(x, y, BRICK_CHANNEL)] = 1.0;
                }
            }
        }
    }

    /// Plays one step with game action `game_action` (`NOOP` … `FIRE`), stickiness already resolved: the rules of
    /// MinAtar's `breakout.Env.act`. Does not write the observation and draws nothing from the RNG. Once the episode
    /// has terminated, every call returns reward 0 and `terminated` without changing anything.
    pub fn apply_action(&mut self, game_action: usize) -> StepOutcome {
        assert!(
            game_action < FULL_ACTION_COUNT,
            "game action {game_action} is not in 0..6"
        );
        let state = &mut self.state;
        let mut reward = 0.0;
        if state.terminal {
            return StepOutcome {
                reward,
                terminated: true,
                truncated: false,
            };
        }

        // The paddle moves first, and stops at the walls; up, down and fire do nothing.
        match game_action {
            LEFT => state.paddle_x = state.paddle_x.saturating_sub(1),
            RIGHT => state.paddle_x = (state.paddle_x + 1).min(GRID_SIZE - 1),
            _ => {}
        }

        // Then the ball moves one cell diagonally.
        state.last_ball_x = state.ball_x;
        state.last_ball_y = state.ball_y;
        let (step_x, step_y) = state.ball_direction.offsets();
        let mut new_x = state.ball_x as isize + step_x;
        let mut new_y = state.ball_y as isize + step_y;
        let last_column = GRID_SIZE as isize - 1;

        // A side wall keeps the ball in the outer column for this step and flips its horizontal motion.
        if !(0..=last_column).contains(&new_x) {
            new_x = new_x.clamp(0, last_column);
            state.ball_direction = state.ball_direction.mirrored_horizontally();
        }
        let column = new_x as usize;
        let mut met_brick = false;
        if new_y < 0 {
            // The ceiling: the ball stays in row 0 and turns down.
            new_y = 0;
            state.ball_direction = state.ball_direction.mirrored_vertically();
        } else if state.bricks[new_y as usize][column] {
            met_brick = true;
            // Only the first brick in a run of consecutive brick steps breaks; while `strike` is set the ball
            // enters the brick's cell and leaves the brick standing.
            if !state.strike {
                reward += 1.0;
                state.strike = true;
                state.bricks[new_y as usize][column] = false;
                new_y = state.last_ball_y as isize;
                state.ball_direction = state.ball_direction.mirrored_vertically();
            }
        } else if new_y as usize == BOTTOM_ROW {
            // Bricks come back only when the ball comes down to the paddle's row with the field empty.
            if state.brick_count() == 0 {
                state.refill_bricks();
            }
            if state.ball_x == state.paddle_x {
                // The paddle is straight below the ball's old cell: bounce straight back up.
                state.ball_direction = state.ball_direction.mirrored_vertically();
                new_y = state.last_ball_y as isize;
            } else if column == state.paddle_x {
                // The ball meets the paddle with a corner: back the way it came.
                state.ball_direction = state.ball_direction.reversed();
                new_y = state.last_ball_y as isize;
            } else {
                state.terminal = true;
            }
        }
        if !met_brick {
            state.strike = false;
        }
        state.ball_x = column;
        state.ball_y = new_y as usize;
        StepOutcome {
            reward,
            terminated: state.terminal,
            truncated: false,
        }
    }
}

impl Env for MinAtarBreakout {
    fn info(&self) -> EnvInfo {
        Self::info_of(self.config.action_set == ActionSet::Minimal)
    }

    fn legal_actions(&self, mask: &mut [bool]) {
        mask.fill(true);
    }

    /// `Some(seed)` reseeds the RNG and forgets the previous action, so the episode is the same as in a fresh
    /// environment; `None` keeps both, as MinAtar's `reset` does.
    fn reset(&mut self, seed: Option<u64>, observation: &mut [f32]) {
        if let Some(seed) = seed {
            self.rng = Pcg64::seed_from_u64(seed);
            self.last_action = NOOP;
        }
        let start_on_right = self.rng.gen::<bool>();
        self.state = BreakoutState::start(start_on_right);
        self.write_observation(observation);
    }

    fn step(&mut self, action: usize, observation: &mut [f32]) -> StepOutcome {
        let requested = self.game_action(action);
        // MinAtar draws the sticky coin on every step, even after termination.
        let sticky = self.rng.gen::<f64>() < self.config.sticky_action_probability;
        let applied = if sticky { self.last_action } else { requested };
        self.last_action = applied;
        let outcome = self.apply_action(applied);
        self.write_observation(observation);
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A state with the usual bricks, the paddle in column 4 and the ball at (x, y) moving `direction`.
    fn ball_at(x: usize, y: usize, direction: BallDirection) -> BreakoutState {
        BreakoutState {
            ball_x: x,
            ball_y: y,
            ball_direction: direction,
            last_ball_x: x,
            last_ball_y: y,
            ..BreakoutState::start(false)
        }
    }

    fn observed(env: &MinAtarBreakout, x: usize, y: usize, channel: usize) -> bool {
        let mut observation = [0.0f32; MinAtarBreakout::OBSERVATION_SIZE];
        env.write_observation(&mut observation);
        observation[(y * GRID_SIZE + x) * CHANNEL_COUNT + channel] == 1.0
    }

    fn without_sticky(action_set: ActionSet) -> MinAtarBreakout {
        MinAtarBreakout::with_config(BreakoutConfig {
            sticky_action_probability: 0.0,
            action_set,
        })
    }

    #[test]
    fn reset_gives_one_of_minatars_two_starts() {
        let mut env = MinAtarBreakout::new();
        let mut observation = [0.0f32; MinAtarBreakout::OBSERVATION_SIZE];
        let mut starts_seen = [false; 2];
        for seed in 0..50 {
            env.reset(Some(seed), &mut observation);
            let state = env.state().clone();
            let on_right = state.ball_x == 9;
            assert_eq!(state, BreakoutState::start(on_right));
            starts_seen[usize::from(on_right)] = true;
            // Paddle, ball, trail on the ball, and 30 bricks.
            assert_eq!(observation.iter().sum::<f32>(), 33.0);
            assert!(observed(&env, 4, 9, PADDLE_CHANNEL));
            assert!(observed(&env, state.ball_x, 3, BALL_CHANNEL));
            assert!(observed(&env, state.ball_x, 3, TRAIL_CHANNEL));
            assert!(observed(&env, state.ball_x, 3, BRICK_CHANNEL));
        }
        assert_eq!(starts_seen, [true, true]);
        assert_eq!(BreakoutState::start(false).ball_direction, BallDirection::DownRight);
        assert_eq!(BreakoutState::start(true).ball_direction, BallDirection::DownLeft);
    }

    #[test]
    fn observation_is_an_image_row_by_row_with_the_channel_fastest() {
        let mut env = without_sticky(ActionSet::Full);
        assert_eq!(env.image_shape(), Some((10, 10, 4)));
        let mut state = ball_at(2, 5, BallDirection::UpRight);
        state.last_ball_x = 1;
        state.last_ball_y = 6;
        state.paddle_x = 7;
        state.bricks = [[false; GRID_SIZE]; GRID_SIZE];
        state.bricks[1][8] = true;
        env.set_state(state);
        let mut observation = [0.0f32; MinAtarBreakout::OBSERVATION_SIZE];
        env.write_observation(&mut observation);
        let ones: Vec<usize> = (0..observation.len())
            .filter(|&index| observation[index] == 1.0)
            .collect();
        // Brick (8, 1) channel 3, ball (2, 5) channel 1, trail (1, 6) channel 2, paddle (7, 9) channel 0.
        assert_eq!(
            ones,
            [(10 + 8) * 4 + 3, (50 + 2) * 4 + 1, (60 + 1) * 4 + 2, (90 + 7) * 4]
        );
        assert!(observation.iter().all(|&value| value == 0.0 || value == 1.0));
    }

    #[test]
    fn same_seed_same_episode() {
        let play = |seed| {
            let mut env = MinAtarBreakout::new();
            let mut observation = [0.0f32; MinAtarBreakout::OBSERVATION_SIZE];
            env.reset(Some(seed), &mut observation);
            let mut trace = Vec::new();
            for step in 0..200 {
                let outcome = env.step(step % 6, &mut observation);
                trace.push((env.state().clone(), outcome.reward));
                if outcome.terminated {
                    env.reset(None, &mut observation);
                }
            }
            trace
        };
        assert_eq!(play(3), play(3));
        assert_ne!(play(3), play(4));
    }

    #[test]
    fn paddle_stops_at_the_walls() {
        let mut env = without_sticky(ActionSet::Full);
        env.set_state(BreakoutState {
            paddle_x: 0,
            ..ball_at(5, 6, BallDirection::UpRight)
        });
        env.apply_action(LEFT);
        assert_eq!(env.state().paddle_x, 0);
        env.apply_action(RIGHT);
        assert_eq!(env.state().paddle_x, 1);

        env.set_state(BreakoutState {
            paddle_x: 9,
            ..ball_at(5, 6, BallDirection::UpRight)
        });
        env.apply_action(RIGHT);
        assert_eq!(env.state().paddle_x, 9);
        assert!(observed(&env, 9, 9, PADDLE_CHANNEL));
        for action in [NOOP, UP, DOWN, FIRE] {
            env.apply_action(action);
            assert_eq!(env.state().paddle_x, 9, "action {action}");
        }
    }

    #[test]
    fn brick_hit_gives_one_removes_the_brick_and_bounces() {
        let mut env = without_sticky(ActionSet::Full);
        env.set_state(ball_at(2, 4, BallDirection::UpRight));
        let outcome = env.apply_action(NOOP);
        assert_eq!(outcome.reward, 1.0);
        assert!(!outcome.terminated);
        let state = env.state();
        assert!(!state.bricks[3][3]);
        assert_eq!(state.brick_count(), 29);
        // The ball moves on to the brick's column but stays in its row, now heading down.
        assert_eq!((state.ball_x, state.ball_y), (3, 4));
        assert_eq!((state.last_ball_x, state.last_ball_y), (2, 4));
        assert_eq!(state.ball_direction, BallDirection::DownRight);
        assert!(state.strike);
        assert!(!observed(&env, 3, 3, BRICK_CHANNEL));
        assert!(observed(&env, 3, 4, BALL_CHANNEL));
        assert!(observed(&env, 2, 4, TRAIL_CHANNEL));

        // The next step meets no brick, so `strike` clears.
        let outcome = env.apply_action(NOOP);
        assert_eq!(outcome.reward, 0.0);
        assert_eq!((env.state().ball_x, env.state().ball_y), (4, 5));
        assert!(!env.state().strike);
    }

    #[test]
    fn brick_right_after_a_strike_is_passed_through() {
        // MinAtar's quirk: with `strike` set from the previous step, the ball enters a brick without breaking it.
        let mut env = without_sticky(ActionSet::Full);
        env.set_state(BreakoutState {
            strike: true,
            ..ball_at(2, 4, BallDirection::UpRight)
        });
        let outcome = env.apply_action(NOOP);
        assert_eq!(outcome.reward, 0.0);
        let state = env.state();
        assert!(state.bricks[3][3]);
        assert_eq!((state.ball_x, state.ball_y), (3, 3));
        assert_eq!(state.ball_direction, BallDirection::UpRight);
        assert!(state.strike);
    }

    #[test]
    fn walls_and_ceiling_reflect_the_ball() {
        let mut env = without_sticky(ActionSet::Full);
        // Right wall: the ball stays in column 9 for this step and turns left.
        env.set_state(ball_at(9, 6, BallDirection::UpRight));
        env.apply_action(NOOP);
        assert_eq!((env.state().ball_x, env.state().ball_y), (9, 5));
        assert_eq!(env.state().ball_direction, BallDirection::UpLeft);
        // Ceiling in the top-left corner: both parts flip.
        env.set_state(ball_at(0, 0, BallDirection::UpLeft));
        env.apply_action(NOOP);
        assert_eq!((env.state().ball_x, env.state().ball_y), (0, 0));
        assert_eq!(env.state().ball_direction, BallDirection::DownRight);
    }

    #[test]
    fn paddle_bounces_the_ball() {
        let mut env = without_sticky(ActionSet::Full);
        // Paddle straight below the ball's cell: straight back up, one column on.
        env.set_state(ball_at(4, 8, BallDirection::DownRight));
        let outcome = env.apply_action(NOOP);
        assert!(!outcome.terminated);
        assert_eq!((env.state().ball_x, env.state().ball_y), (5, 8));
        assert_eq!(env.state().ball_direction, BallDirection::UpRight);
        // Paddle where the ball lands: back the way it came.
        env.set_state(ball_at(3, 8, BallDirection::DownRight));
        let outcome = env.apply_action(NOOP);
        assert!(!outcome.terminated);
        assert_eq!((env.state().ball_x, env.state().ball_y), (4, 8));
        assert_eq!(env.state().ball_direction, BallDirection::UpLeft);
    }

    #[test]
    fn clearing_all_bricks_refills_them_when_the_ball_comes_down() {
        let mut env = without_sticky(ActionSet::Full);
        let mut state = ball_at(2, 4, BallDirection::UpRight);
        state.bricks = [[false; GRID_SIZE]; GRID_SIZE];
        state.bricks[3][3] = true;
        env.set_state(state);
        assert_eq!(env.apply_action(NOOP).reward, 1.0);
        assert_eq!(env.state().brick_count(), 0);
        // The field stays empty until the ball reaches the paddle's row: (3,4) → (4,5) → … → (7,8) → paddle row.
        for _ in 0..4 {
            env.apply_action(NOOP);
            assert_eq!(env.state().brick_count(), 0);
        }
        assert_eq!((env.state().ball_x, env.state().ball_y), (7, 8));
        env.set_state(BreakoutState {
            paddle_x: 8,
            ..env.state().clone()
        });
        let outcome = env.apply_action(NOOP);
        assert!(!outcome.terminated);
        assert_eq!(outcome.reward, 0.0);
        assert_eq!(env.state().bricks, BreakoutState::start(false).bricks);
        assert_eq!(env.state().brick_count(), 30);
    }

    #[test]
    fn ball_passing_the_paddle_terminates() {
        let mut env = without_sticky(ActionSet::Full);
        env.set_state(BreakoutState {
            paddle_x: 7,
            ..ball_at(2, 8, BallDirection::DownRight)
        });
        let outcome = env.apply_action(NOOP);
        assert!(outcome.terminated);
        assert!(!outcome.truncated);
        assert_eq!(outcome.reward, 0.0);
        assert_eq!((env.state().ball_x, env.state().ball_y), (3, 9));
        assert!(observed(&env, 3, 9, BALL_CHANNEL));
        // Steps after the end change nothing.
        let before = env.state().clone();
        let mut observation = [0.0f32; MinAtarBreakout::OBSERVATION_SIZE];
        let outcome = env.step(LEFT, &mut observation);
        assert!(outcome.terminated);
        assert_eq!(outcome.reward, 0.0);
        assert_eq!(env.state(), &before);
    }

    #[test]
    fn sticky_actions_repeat_the_last_action_with_the_configured_probability() {
        for probability in [0.0, 0.1, 0.25, 1.0] {
            let mut env = MinAtarBreakout::with_config(BreakoutConfig {
                sticky_action_probability: probability,
                action_set: ActionSet::Full,
            });
            let mut observation = [0.0f32; MinAtarBreakout::OBSERVATION_SIZE];
            env.reset(Some(11), &mut observation);
            let steps = 100_000;
            let mut repeats = 0;
            for _ in 0..steps {
                // Always ask for something other than the previous action, so a repeat shows.
                let previous = env.last_action();
                let requested = (previous + 1) % FULL_ACTION_COUNT;
                let outcome = env.step(requested, &mut observation);
                let applied = env.last_action();
                assert!(applied == requested || applied == previous);
                repeats += usize::from(applied == previous);
                if outcome.terminated {
                    env.reset(None, &mut observation);
                }
            }
            let frequency = repeats as f64 / steps as f64;
            // Standard error at p = 0.25 is about 0.0014; 0.01 is over 7 of them.
            assert!(
                (frequency - probability).abs() < 0.01,
                "probability {probability}: repeated {frequency}"
            );
        }
    }

    #[test]
    fn minimal_action_set_maps_to_noop_left_right() {
        let mut env = without_sticky(ActionSet::Minimal);
        assert_eq!(env.action_count(), 3);
        assert_eq!(env.observation_size(), 400);
        assert_eq!([0, 1, 2].map(|action| env.game_action(action)), [NOOP, LEFT, RIGHT]);
        let mut observation = [0.0f32; MinAtarBreakout::OBSERVATION_SIZE];
        env.reset(Some(0), &mut observation);
        env.step(1, &mut observation);
        assert_eq!(env.state().paddle_x, 3);
        assert_eq!(env.last_action(), LEFT);
        env.step(2, &mut observation);
        assert_eq!(env.state().paddle_x, 4);
        assert_eq!(env.last_action(), RIGHT);
        env.step(0, &mut observation);
        assert_eq!(env.state().paddle_x, 4);
        assert_eq!(env.last_action(), NOOP);

        let full = MinAtarBreakout::new();
        assert_eq!(full.action_count(), 6);
        assert_eq!(
            (0..6).map(|action| full.game_action(action)).collect::<Vec<_>>(),
            [0, 1, 2, 3, 4, 5]
        );
        assert_eq!(MinAtarBreakout::minimal().config().action_set, ActionSet::Minimal);
    }

    #[test]
    #[should_panic(expected = "minimal Breakout action 3")]
    fn minimal_action_set_refuses_action_three() {
        without_sticky(ActionSet::Minimal).game_action(3);
    }
}
