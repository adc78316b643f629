//! MinAtar Space Invaders: a cannon on the bottom row shoots at a block of aliens that marches sideways and down,
//! and shoots back from the alien nearest the cannon; each alien hit gives 1. A cleared wave is replaced by a new
//! one that moves faster. The game draws no random numbers.

use super::numpy_random::NumpyRandom;
use super::{Cells, Game, FIRE, LEFT, RIGHT};

const SIZE: usize = 10;
const BOTTOM_ROW: usize = SIZE - 1;
const SHOT_COOL_DOWN: i32 = 5;
const ENEMY_SHOT_INTERVAL: i32 = 10;
const START_MOVE_INTERVAL: i32 = 12;
/// The fastest the aliens get through ramping (steps between moves).
const FASTEST_MOVE_INTERVAL: i32 = 6;
const START_POSITION: i32 = 5;

/// Observation channels.
const CANNON: usize = 0;
const ALIEN: usize = 1;
const ALIEN_LEFT: usize = 2;
const ALIEN_RIGHT: usize = 3;
const FRIENDLY_BULLET: usize = 4;
const ENEMY_BULLET: usize = 5;

/// `map[y][x]`: row `y` from the top.
pub type Map = [[bool; SIZE]; SIZE];

/// A fresh wave: rows 0–3, columns 2–7.
fn new_wave() -> Map {
    let mut aliens = [[false; SIZE]; SIZE];
    for row in aliens.iter_mut().take(4) {
        row[2..8].fill(true);
    }
    aliens
}

fn count(map: &Map) -> usize {
    map.iter().flatten().filter(|&&cell| cell).count()
}

fn column_occupied(map: &Map, column: usize) -> bool {
    map.iter().any(|row| row[column])
}

/// Space Invaders' variables, each named after MinAtar's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpaceInvaders {
    /// The cannon's column (`pos`).
    pub position: i32,
    /// −1: the block moves left; +1: right.
    pub alien_direction: i32,
    pub enemy_move_interval: i32,
    pub alien_move_timer: i32,
    pub alien_shot_timer: i32,
    pub ramp_index: i32,
    pub shot_timer: i32,
    pub aliens: Map,
    pub friendly_bullets: Map,
    pub enemy_bullets: Map,
    pub terminal: bool,
    difficulty_ramping: bool,
}

impl SpaceInvaders {
    fn cannon_column(&self) -> usize {
        self.position as usize
    }

    /// The block moves one column, or, at the edge it is heading for, turns and moves one row down (reaching
    /// past the bottom row ends the game; MinAtar's roll would carry that row to the top).
    fn move_aliens(&mut self) {
        self.alien_move_timer = (count(&self.aliens) as i32).min(self.enemy_move_interval);
        let at_edge = (self.alien_direction < 0 && column_occupied(&self.aliens, 0))
            || (self.alien_direction > 0 && column_occupied(&self.aliens, SIZE - 1));
        if at_edge {
            self.alien_direction = -self.alien_direction;
            if self.aliens[BOTTOM_ROW].iter().any(|&alien| alien) {
                self.terminal = true;
            }
            self.aliens.rotate_right(1);
        } else {
            for row in &mut self.aliens {
                if self.alien_direction > 0 {
                    row.rotate_right(1);
                } else {
                    row.rotate_left(1);
                }
            }
        }
        if self.aliens[BOTTOM_ROW][self.cannon_column()] {
            self.terminal = true;
        }
    }

    /// The alien that shoots: the lowest one in the occupied column nearest the cannon (the left one on a tie).
    fn shooter(&self) -> Option<(usize, usize)> {
        let mut columns: Vec<usize> = (0..SIZE).collect();
        columns.sort_by_key(|&column| (column as i32 - self.position).abs());
        columns.into_iter().find_map(|column| {
            (0..SIZE)
                .rev()
                .find(|&row| self.aliens[row][column])
                .map(|row| (row, column))
        })
    }
}

impl Game for SpaceInvaders {
    const ID: &'static str = "MinAtar/SpaceInvaders-v0";
    const MINIMAL_ID: &'static str = "MinAtar/SpaceInvaders-v1";
    const CHANNEL_NAMES: &'static [&'static str] = &[
        "cannon",
        "alien",
        "alien_left",
        "alien_right",
        "friendly_bullet",
        "enemy_bullet",
    ];
    const MINIMAL_ACTIONS: &'static [usize] = &[0, 1, 3, 5];

    fn new(difficulty_ramping: bool) -> Self {
        Self {
            position: START_POSITION,
            alien_direction: -1,
            enemy_move_interval: START_MOVE_INTERVAL,
            alien_move_timer: START_MOVE_INTERVAL,
            alien_shot_timer: ENEMY_SHOT_INTERVAL,
            ramp_index: 0,
            shot_timer: 0,
            aliens: new_wave(),
            friendly_bullets: [[false; SIZE]; SIZE],
            enemy_bullets: [[false; SIZE]; SIZE],
            terminal: false,
            difficulty_ramping,
        }
    }

    fn reset(&mut self, _random: &mut NumpyRandom) {
        *self = Self::new(self.difficulty_ramping);
    }

    fn act(&mut self, action: usize, _random: &mut NumpyRandom) -> (f64, bool) {
        if self.terminal {
            return (0.0, true);
        }
        match action {
            FIRE if self.shot_timer == 0 => {
                self.friendly_bullets[BOTTOM_ROW][self.cannon_column()] = true;
                self.shot_timer = SHOT_COOL_DOWN;
            }
            LEFT => self.position = (self.position - 1).max(0),
            RIGHT => self.position = (self.position + 1).min(9),
            _ => {}
        }
        // Player bullets rise a row (the top row leaves), enemy bullets fall a row (the bottom row leaves).
        self.friendly_bullets.rotate_left(1);
        self.friendly_bullets[BOTTOM_ROW] = [false; SIZE];
        self.enemy_bullets.rotate_right(1);
        self.enemy_bullets[0] = [false; SIZE];
        let cannon = self.cannon_column();
        if self.enemy_bullets[BOTTOM_ROW][cannon] || self.aliens[BOTTOM_ROW][cannon] {
            self.terminal = true;
        }
        if self.alien_move_timer == 0 {
            self.move_aliens();
        }
        if self.alien_shot_timer == 0 {
            self.alien_shot_timer = ENEMY_SHOT_INTERVAL;
            if let Some((row, column)) = self.shooter() {
                self.enemy_bullets[row][column] = true;
            }
        }
        // An alien and a player bullet on the same cell destroy each other (they can pass each other unharmed).
        let mut reward = 0.0;
        for (aliens, bullets) in self.aliens.iter_mut().zip(&mut self.friendly_bullets) {
            for (alien, bullet) in aliens.iter_mut().zip(bullets.iter_mut()) {
                if *alien && *bullet {
                    *alien = false;
                    *bullet = false;
                    reward += 1.0;
                }
            }
        }
        if self.shot_timer > 0 {
            self.shot_timer -= 1;
        }
        self.alien_move_timer -= 1;
        self.alien_shot_timer -= 1;
        if count(&self.aliens) == 0 {
            if self.enemy_move_interval > FASTEST_MOVE_INTERVAL && self.difficulty_ramping {
                self.enemy_move_interval -= 1;
                self.ramp_index += 1;
            }
            self.aliens = new_wave();
        }
        (reward, self.terminal)
    }

    fn draw(&self, cells: &mut Cells) {
        cells.set(BOTTOM_ROW, self.cannon_column(), CANNON);
        let direction = if self.alien_direction < 0 {
            ALIEN_LEFT
        } else {
            ALIEN_RIGHT
        };
        for y in 0..SIZE {
            for x in 0..SIZE {
                if self.aliens[y][x] {
                    cells.set(y, x, ALIEN);
                    cells.set(y, x, direction);
                }
                if self.friendly_bullets[y][x] {
                    cells.set(y, x, FRIENDLY_BULLET);
                }
                if self.enemy_bullets[y][x] {
                    cells.set(y, x, ENEMY_BULLET);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envs::minatar::NOOP;

    #[test]
    fn a_cleared_wave_comes_back_faster_only_with_ramping() {
        for (ramping, interval) in [(true, START_MOVE_INTERVAL - 1), (false, START_MOVE_INTERVAL)] {
            let mut game = SpaceInvaders::new(ramping);
            // The last alien, one row above a player bullet: they meet this step.
            game.aliens = [[false; SIZE]; SIZE];
            game.aliens[3][5] = true;
            game.friendly_bullets[4][5] = true;
            let (reward, terminal) = game.act(NOOP, &mut NumpyRandom::new(0));
            assert_eq!((reward, terminal), (1.0, false), "ramping {ramping}");
            assert_eq!(game.aliens, new_wave());
            assert_eq!(game.enemy_move_interval, interval);
        }
    }
}
