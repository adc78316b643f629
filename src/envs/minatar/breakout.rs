//! MinAtar Breakout: a paddle on the bottom row bounces a ball that moves one cell diagonally per step; each brick
//! the ball breaks gives 1; three fresh rows of bricks appear once all are gone; the game ends when the ball reaches
//! the bottom row without being caught.

use super::numpy_random::NumpyRandom;
use super::{Cells, Game, GRID_SIZE, LEFT, RIGHT};

/// The row the paddle lives on; a ball reaching it uncaught ends the game.
const BOTTOM_ROW: usize = GRID_SIZE - 1;
/// The rows filled with bricks at the start and whenever the field has been cleared.
const BRICK_ROWS: std::ops::RangeInclusive<usize> = 1..=3;
/// The row the ball starts on, and the paddle's starting column.
const START_ROW: usize = 3;
const START_PADDLE_X: usize = 4;

/// Observation channels.
pub const PADDLE_CHANNEL: usize = 0;
pub const BALL_CHANNEL: usize = 1;
pub const TRAIL_CHANNEL: usize = 2;
pub const BRICK_CHANNEL: usize = 3;

/// How the ball moves: one cell diagonally per step. The discriminants are MinAtar's `ball_dir` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BallDirection {
    UpLeft = 0,
    UpRight = 1,
    DownRight = 2,
    DownLeft = 3,
}

impl BallDirection {
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

/// Breakout's variables, each named after MinAtar's. Columns `x` grow rightwards, rows `y` downwards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breakout {
    pub ball_x: usize,
    pub ball_y: usize,
    /// Where the ball moves next (`ball_dir`).
    pub ball_direction: BallDirection,
    /// The paddle's column on the bottom row (`pos`).
    pub paddle_x: usize,
    /// The ball's cell before the last step (`last_x`, `last_y`).
    pub last_ball_x: usize,
    pub last_ball_y: usize,
    /// The last step met a brick (`strike`): while set, the ball passes through bricks without breaking them.
    pub strike: bool,
    /// `bricks[y][x]` holds a brick (`brick_map`).
    pub bricks: [[bool; GRID_SIZE]; GRID_SIZE],
    pub terminal: bool,
}

impl Breakout {
    /// MinAtar's start with the ball on the left (column 0, moving down-right) or on the right (column 9, moving
    /// down-left), in row 3 among the bricks.
    pub fn start(start_on_right: bool) -> Self {
        let (ball_x, ball_direction) = if start_on_right {
            (GRID_SIZE - 1, BallDirection::DownLeft)
        } else {
            (0, BallDirection::DownRight)
        };
        let mut game = Self {
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
        game.refill_bricks();
        game
    }

    /// Fills the brick rows 1 to 3 completely.
    fn refill_bricks(&mut self) {
        for row in BRICK_ROWS {
            self.bricks[row] = [true; GRID_SIZE];
        }
    }

    /// Number of bricks left.
    pub fn brick_count(&self) -> usize {
        self.bricks.iter().flatten().filter(|&&brick| brick).count()
    }
}

impl Game for Breakout {
    const ID: &'static str = "MinAtar/Breakout-v0";
    const MINIMAL_ID: &'static str = "MinAtar/Breakout-v1";
    const CHANNEL_NAMES: &'static [&'static str] = &["paddle", "ball", "trail", "brick"];
    const MINIMAL_ACTIONS: &'static [usize] = &[0, 1, 3];

    /// Breakout has no difficulty ramp.
    fn new(_difficulty_ramping: bool) -> Self {
        Self::start(false)
    }

    /// MinAtar draws the ball's start side with `randint(2)`.
    fn reset(&mut self, random: &mut NumpyRandom) {
        *self = Self::start(random.integer(0, 2) == 1);
    }

    fn act(&mut self, action: usize, _random: &mut NumpyRandom) -> (f64, bool) {
        let mut reward = 0.0;
        if self.terminal {
            return (reward, true);
        }
        // The paddle moves first, and stops at the walls; up, down and fire do nothing.
        match action {
            LEFT => self.paddle_x = self.paddle_x.saturating_sub(1),
            RIGHT => self.paddle_x = (self.paddle_x + 1).min(GRID_SIZE - 1),
            _ => {}
        }
        // Then the ball moves one cell diagonally.
        self.last_ball_x = self.ball_x;
        self.last_ball_y = self.ball_y;
        let (step_x, step_y) = self.ball_direction.offsets();
        let mut new_x = self.ball_x as isize + step_x;
        let mut new_y = self.ball_y as isize + step_y;
        let last_column = GRID_SIZE as isize - 1;
        // A side wall keeps the ball in the outer column for this step and flips its horizontal motion.
        if !(0..=last_column).contains(&new_x) {
            new_x = new_x.clamp(0, last_column);
            self.ball_direction = self.ball_direction.mirrored_horizontally();
        }
        let column = new_x as usize;
        let mut met_brick = false;
        if new_y < 0 {
            // The ceiling: the ball stays in row 0 and turns down.
            new_y = 0;
            self.ball_direction = self.ball_direction.mirrored_vertically();
        } else if self.bricks[new_y as usize][column] {
            met_brick = true;
            // Only the first brick in a run of consecutive brick steps breaks; while `strike` is set the ball
            // enters the brick's cell and leaves the brick standing.
            if !self.strike {
                reward += 1.0;
                self.strike = true;
                self.bricks[new_y as usize][column] = false;
                new_y = self.last_ball_y as isize;
                self.ball_direction = self.ball_direction.mirrored_vertically();
            }
        } else if new_y as usize == BOTTOM_ROW {
            // Bricks come back only when the ball comes down to the paddle's row with the field empty.
            if self.brick_count() == 0 {
                self.refill_bricks();
            }
            if self.ball_x == self.paddle_x {
                // The paddle is straight below the ball's old cell: bounce straight back up.
                self.ball_direction = self.ball_direction.mirrored_vertically();
                new_y = self.last_ball_y as isize;
            } else if column == self.paddle_x {
                // The ball meets the paddle with a corner: back the way it came.
                self.ball_direction = self.ball_direction.reversed();
                new_y = self.last_ball_y as isize;
            } else {
                self.terminal = true;
            }
        }
        if !met_brick {
            self.strike = false;
        }
        self.ball_x = column;
        self.ball_y = new_y as usize;
        (reward, self.terminal)
    }

    fn draw(&self, cells: &mut Cells) {
        cells.set(self.ball_y, self.ball_x, BALL_CHANNEL);
        cells.set(BOTTOM_ROW, self.paddle_x, PADDLE_CHANNEL);
        cells.set(self.last_ball_y, self.last_ball_x, TRAIL_CHANNEL);
        for (y, row) in self.bricks.iter().enumerate() {
            for (x, &brick) in row.iter().enumerate() {
                if brick {
                    cells.set(y, x, BRICK_CHANNEL);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envs::minatar::{MinAtar, MinAtarConfig, NOOP};
    use crate::envs::Env;

    /// The usual bricks, the paddle in column 4 and the ball at (x, y) moving `direction`.
    fn ball_at(x: usize, y: usize, direction: BallDirection) -> Breakout {
        Breakout {
            ball_x: x,
            ball_y: y,
            ball_direction: direction,
            last_ball_x: x,
            last_ball_y: y,
            ..Breakout::start(false)
        }
    }

    fn act(game: &mut Breakout, action: usize) -> (f64, bool) {
        game.act(action, &mut NumpyRandom::new(0))
    }

    #[test]
    fn reset_gives_one_of_minatars_two_starts() {
        let mut env = MinAtar::<Breakout>::new(MinAtarConfig::default());
        let mut observation = [0.0f32; 400];
        let mut starts_seen = [false; 2];
        for seed in 0..50 {
            env.reset(Some(seed), &mut observation);
            let on_right = env.game().ball_x == 9;
            assert_eq!(env.game(), &Breakout::start(on_right));
            starts_seen[usize::from(on_right)] = true;
            // Paddle, ball, trail on the ball, and 30 bricks.
            assert_eq!(observation.iter().sum::<f32>(), 33.0);
        }
        assert_eq!(starts_seen, [true, true]);
    }

    #[test]
    fn observation_is_an_image_row_by_row_with_the_channel_fastest() {
        let mut game = ball_at(2, 5, BallDirection::UpRight);
        game.last_ball_x = 1;
        game.last_ball_y = 6;
        game.paddle_x = 7;
        game.bricks = [[false; GRID_SIZE]; GRID_SIZE];
        game.bricks[1][8] = true;
        let mut observation = [0.0f32; 400];
        game.draw(&mut Cells {
            observation: &mut observation,
            channels: 4,
        });
        let ones: Vec<usize> = (0..observation.len())
            .filter(|&index| observation[index] == 1.0)
            .collect();
        // Brick (8, 1) channel 3, ball (2, 5) channel 1, trail (1, 6) channel 2, paddle (7, 9) channel 0.
        assert_eq!(
            ones,
            [(10 + 8) * 4 + 3, (50 + 2) * 4 + 1, (60 + 1) * 4 + 2, (90 + 7) * 4]
        );
    }

    #[test]
    fn paddle_stops_at_the_walls() {
        let mut game = Breakout {
            paddle_x: 0,
            ..ball_at(5, 6, BallDirection::UpRight)
        };
        act(&mut game, LEFT);
        assert_eq!(game.paddle_x, 0);
        act(&mut game, RIGHT);
        assert_eq!(game.paddle_x, 1);
        game.paddle_x = 9;
        act(&mut game, RIGHT);
        assert_eq!(game.paddle_x, 9);
    }

    #[test]
    fn brick_hit_gives_one_removes_the_brick_and_bounces() {
        let mut game = ball_at(2, 4, BallDirection::UpRight);
        assert_eq!(act(&mut game, NOOP), (1.0, false));
        assert!(!game.bricks[3][3]);
        assert_eq!(game.brick_count(), 29);
        // The ball moves on to the brick's column but stays in its row, now heading down.
        assert_eq!((game.ball_x, game.ball_y), (3, 4));
        assert_eq!((game.last_ball_x, game.last_ball_y), (2, 4));
        assert_eq!(game.ball_direction, BallDirection::DownRight);
        assert!(game.strike);
        // The next step meets no brick, so `strike` clears.
        assert_eq!(act(&mut game, NOOP), (0.0, false));
        assert_eq!((game.ball_x, game.ball_y), (4, 5));
        assert!(!game.strike);
    }

    #[test]
    fn brick_right_after_a_strike_is_passed_through() {
        // MinAtar's quirk: with `strike` set from the previous step, the ball enters a brick without breaking it.
        let mut game = Breakout {
            strike: true,
            ..ball_at(2, 4, BallDirection::UpRight)
        };
        assert_eq!(act(&mut game, NOOP), (0.0, false));
        assert!(game.bricks[3][3]);
        assert_eq!((game.ball_x, game.ball_y), (3, 3));
        assert_eq!(game.ball_direction, BallDirection::UpRight);
        assert!(game.strike);
    }

    #[test]
    fn walls_and_ceiling_reflect_the_ball() {
        // Right wall: the ball stays in column 9 for this step and turns left.
        let mut game = ball_at(9, 6, BallDirection::UpRight);
        act(&mut game, NOOP);
        assert_eq!(
            (game.ball_x, game.ball_y, game.ball_direction),
            (9, 5, BallDirection::UpLeft)
        );
        // Ceiling in the top-left corner: both parts flip.
        let mut game = ball_at(0, 0, BallDirection::UpLeft);
        act(&mut game, NOOP);
        assert_eq!(
            (game.ball_x, game.ball_y, game.ball_direction),
            (0, 0, BallDirection::DownRight)
        );
    }

    #[test]
    fn paddle_bounces_the_ball() {
        // Paddle straight below the ball's cell: straight back up, one column on.
        let mut game = ball_at(4, 8, BallDirection::DownRight);
        assert_eq!(act(&mut game, NOOP), (0.0, false));
        assert_eq!(
            (game.ball_x, game.ball_y, game.ball_direction),
            (5, 8, BallDirection::UpRight)
        );
        // Paddle where the ball lands: back the way it came.
        let mut game = ball_at(3, 8, BallDirection::DownRight);
        assert_eq!(act(&mut game, NOOP), (0.0, false));
        assert_eq!(
            (game.ball_x, game.ball_y, game.ball_direction),
            (4, 8, BallDirection::UpLeft)
        );
    }

    #[test]
    fn clearing_all_bricks_refills_them_when_the_ball_comes_down() {
        let mut game = ball_at(2, 4, BallDirection::UpRight);
        game.bricks = [[false; GRID_SIZE]; GRID_SIZE];
        game.bricks[3][3] = true;
        assert_eq!(act(&mut game, NOOP).0, 1.0);
        // The field stays empty until the ball reaches the paddle's row: (3,4) → (4,5) → … → (7,8) → paddle row.
        for _ in 0..4 {
            act(&mut game, NOOP);
            assert_eq!(game.brick_count(), 0);
        }
        assert_eq!((game.ball_x, game.ball_y), (7, 8));
        game.paddle_x = 8;
        assert_eq!(act(&mut game, NOOP), (0.0, false));
        assert_eq!(game.bricks, Breakout::start(false).bricks);
    }

    #[test]
    fn ball_passing_the_paddle_ends_the_game_and_later_steps_change_nothing() {
        let mut game = Breakout {
            paddle_x: 7,
            ..ball_at(2, 8, BallDirection::DownRight)
        };
        assert_eq!(act(&mut game, NOOP), (0.0, true));
        assert_eq!((game.ball_x, game.ball_y), (3, 9));
        let before = game.clone();
        assert_eq!(act(&mut game, LEFT), (0.0, true));
        assert_eq!(game, before);
    }

    #[test]
    fn sticky_actions_repeat_the_last_action_with_the_configured_probability() {
        for probability in [0.0, 0.1, 0.25, 1.0] {
            let mut env = MinAtar::<Breakout>::new(MinAtarConfig {
                sticky_action_probability: probability,
                ..MinAtarConfig::default()
            });
            let mut observation = [0.0f32; 400];
            env.reset(Some(11), &mut observation);
            let steps = 100_000;
            let mut repeats = 0;
            for _ in 0..steps {
                // Always ask for something other than the previous action, so a repeat shows.
                let previous = env.last_action();
                let requested = (previous + 1) % 6;
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
}
