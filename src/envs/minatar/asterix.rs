//! MinAtar Asterix: the player moves in four directions between rows of enemies and treasure that cross the screen;
//! treasure gives 1, an enemy ends the game. Spawning and movement speed up as the game goes on.

use super::numpy_random::NumpyRandom;
use super::{on_grid, Cells, Game, DOWN, LEFT, RIGHT, UP};

/// Steps between spawns and between moves at the start, and how many steps each difficulty level lasts.
const START_SPAWN_SPEED: i32 = 10;
const START_MOVE_SPEED: i32 = 5;
const RAMP_INTERVAL: i32 = 100;
/// The player's start cell and the rows it may use (the top and bottom rows are out of bounds).
const START_X: i32 = 5;
const START_Y: i32 = 5;
const TOP_ROW: i32 = 1;
const BOTTOM_ROW: i32 = 8;
/// Entity slots: slot `i` lives on row `i + 1`.
const SLOTS: usize = 8;

/// Observation channels.
const PLAYER: usize = 0;
const ENEMY: usize = 1;
const TRAIL: usize = 2;
const GOLD: usize = 3;

/// An enemy or a treasure crossing the screen on its slot's row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entity {
    pub x: i32,
    pub y: i32,
    /// Moves right (+1 a move) rather than left.
    pub moves_right: bool,
    /// Treasure rather than an enemy.
    pub gold: bool,
}

/// Asterix's variables, each named after MinAtar's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asterix {
    pub player_x: i32,
    pub player_y: i32,
    /// Slot `i` is row `i + 1` (`entities`).
    pub entities: [Option<Entity>; SLOTS],
    /// Steps between spawns (`spawn_speed`) and the countdown to the next (`spawn_timer`).
    pub spawn_speed: i32,
    pub spawn_timer: i32,
    /// Steps between moves (`move_speed`) and the countdown to the next (`move_timer`).
    pub move_speed: i32,
    pub move_timer: i32,
    /// Countdown to the next difficulty step (`ramp_timer`) and the steps taken (`ramp_index`).
    pub ramp_timer: i32,
    pub ramp_index: i32,
    pub terminal: bool,
    difficulty_ramping: bool,
}

impl Asterix {
    /// Slot `slot`'s entity meets the player: treasure is collected (reward 1), an enemy ends the game.
    fn collide(&mut self, slot: usize, reward: &mut f64) {
        if let Some(entity) = self.entities[slot] {
            if entity.x == self.player_x && entity.y == self.player_y {
                if entity.gold {
                    self.entities[slot] = None;
                    *reward += 1.0;
                } else {
                    self.terminal = true;
                }
            }
        }
    }

    /// MinAtar's `_spawn_entity`: a side and a kind are drawn always, a free slot only when there is one.
    fn spawn(&mut self, random: &mut NumpyRandom) {
        let moves_right = random.uniform() < 1.0 / 2.0;
        let gold = random.uniform() < 1.0 / 3.0;
        let free: Vec<usize> = (0..SLOTS).filter(|&slot| self.entities[slot].is_none()).collect();
        if free.is_empty() {
            return;
        }
        let slot = free[random.integer(0, free.len() as i64) as usize];
        self.entities[slot] = Some(Entity {
            x: if moves_right { 0 } else { 9 },
            y: slot as i32 + 1,
            moves_right,
            gold,
        });
    }
}

impl Game for Asterix {
    const ID: &'static str = "MinAtar/Asterix-v0";
    const MINIMAL_ID: &'static str = "MinAtar/Asterix-v1";
    const CHANNEL_NAMES: &'static [&'static str] = &["player", "enemy", "trail", "gold"];
    const MINIMAL_ACTIONS: &'static [usize] = &[0, 1, 2, 3, 4];

    fn new(difficulty_ramping: bool) -> Self {
        Self {
            player_x: START_X,
            player_y: START_Y,
            entities: [None; SLOTS],
            spawn_speed: START_SPAWN_SPEED,
            spawn_timer: START_SPAWN_SPEED,
            move_speed: START_MOVE_SPEED,
            move_timer: START_MOVE_SPEED,
            ramp_timer: RAMP_INTERVAL,
            ramp_index: 0,
            terminal: false,
            difficulty_ramping,
        }
    }

    fn reset(&mut self, _random: &mut NumpyRandom) {
        *self = Self::new(self.difficulty_ramping);
    }

    fn act(&mut self, action: usize, random: &mut NumpyRandom) -> (f64, bool) {
        let mut reward = 0.0;
        if self.terminal {
            return (reward, true);
        }
        if self.spawn_timer == 0 {
            self.spawn(random);
            self.spawn_timer = self.spawn_speed;
        }
        match action {
            LEFT => self.player_x = (self.player_x - 1).max(0),
            RIGHT => self.player_x = (self.player_x + 1).min(9),
            UP => self.player_y = (self.player_y - 1).max(TOP_ROW),
            DOWN => self.player_y = (self.player_y + 1).min(BOTTOM_ROW),
            _ => {}
        }
        // The player may have walked into an entity; an enemy ends the game but the step goes on.
        for slot in 0..SLOTS {
            self.collide(slot, &mut reward);
        }
        if self.move_timer == 0 {
            self.move_timer = self.move_speed;
            for slot in 0..SLOTS {
                if let Some(entity) = &mut self.entities[slot] {
                    entity.x += if entity.moves_right { 1 } else { -1 };
                    if on_grid(entity.x).is_none() {
                        self.entities[slot] = None;
                    }
                }
                self.collide(slot, &mut reward);
            }
        }
        self.spawn_timer -= 1;
        self.move_timer -= 1;
        // Every 100 steps spawning speeds up by one step, and moving by one step every second time, down to 1.
        if self.difficulty_ramping && (self.spawn_speed > 1 || self.move_speed > 1) {
            if self.ramp_timer >= 0 {
                self.ramp_timer -= 1;
            } else {
                if self.move_speed > 1 && self.ramp_index % 2 == 1 {
                    self.move_speed -= 1;
                }
                if self.spawn_speed > 1 {
                    self.spawn_speed -= 1;
                }
                self.ramp_index += 1;
                self.ramp_timer = RAMP_INTERVAL;
            }
        }
        (reward, self.terminal)
    }

    fn draw(&self, cells: &mut Cells) {
        cells.set(self.player_y as usize, self.player_x as usize, PLAYER);
        for entity in self.entities.iter().flatten() {
            let (x, y) = (entity.x as usize, entity.y as usize);
            cells.set(y, x, if entity.gold { GOLD } else { ENEMY });
            let behind = if entity.moves_right { entity.x - 1 } else { entity.x + 1 };
            if let Some(behind) = on_grid(behind) {
                cells.set(y, behind, TRAIL);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envs::minatar::NOOP;

    #[test]
    fn difficulty_ramps_only_when_asked() {
        for (ramping, spawn_speed) in [(true, START_SPAWN_SPEED - 1), (false, START_SPAWN_SPEED)] {
            let mut game = Asterix::new(ramping);
            game.ramp_timer = -1;
            game.act(NOOP, &mut NumpyRandom::new(0));
            assert_eq!(game.spawn_speed, spawn_speed, "ramping {ramping}");
            assert_eq!(game.ramp_index, i32::from(ramping));
        }
    }
}
