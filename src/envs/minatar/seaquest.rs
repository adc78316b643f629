//! MinAtar Seaquest: a submarine shoots enemy fish and submarines (1 each), rescues divers and must surface before
//! its oxygen runs out; surfacing with six divers gives a bonus for the oxygen left, surfacing with none ends the
//! game. Enemies spawn faster and move faster each time the submarine surfaces.
//!
//! Lists keep MinAtar's order (the order things were added), and each update walks its list from the last element
//! to the first, as MinAtar does: which fish a bullet hits first depends on it.

use super::numpy_random::NumpyRandom;
use super::{on_grid, Cells, Game, DOWN, FIRE, LEFT, RIGHT, UP};

const MAX_OXYGEN: i32 = 200;
const START_ENEMY_SPAWN_SPEED: i32 = 20;
const START_MOVE_SPEED: i32 = 5;
const DIVER_SPAWN_SPEED: i32 = 30;
const DIVER_MOVE_INTERVAL: i32 = 5;
const SHOT_COOL_DOWN: i32 = 5;
const ENEMY_SHOT_INTERVAL: i32 = 10;
/// Divers the submarine can carry; surfacing with this many gives the oxygen bonus.
const FULL_CREW: i32 = 6;
/// The submarine's start cell and its lowest row (row 0 is the surface).
const START_X: i32 = 5;
const BOTTOM_ROW: i32 = 8;

/// Observation channels.
const SUB_FRONT: usize = 0;
const SUB_BACK: usize = 1;
const FRIENDLY_BULLET: usize = 2;
const TRAIL: usize = 3;
const ENEMY_BULLET: usize = 4;
const ENEMY_FISH: usize = 5;
const ENEMY_SUB: usize = 6;
const OXYGEN_GAUGE: usize = 7;
const DIVER_GAUGE: usize = 8;
const DIVER: usize = 9;

/// A bullet, fired by the player or by an enemy submarine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bullet {
    pub x: i32,
    pub y: i32,
    pub moves_right: bool,
}

/// An enemy fish or a diver: it moves one column when its timer reaches 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Swimmer {
    pub x: i32,
    pub y: i32,
    pub moves_right: bool,
    pub move_timer: i32,
}

/// An enemy submarine: a swimmer that also fires every `ENEMY_SHOT_INTERVAL + 1` steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnemySub {
    pub x: i32,
    pub y: i32,
    pub moves_right: bool,
    pub move_timer: i32,
    pub shot_timer: i32,
}

/// Seaquest's variables, each named after MinAtar's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seaquest {
    pub sub_x: i32,
    pub sub_y: i32,
    /// Facing right (`sub_or`).
    pub facing_right: bool,
    /// Can reach −1: the submarine dies the step after it reaches 0.
    pub oxygen: i32,
    /// Divers on board; MinAtar decrements it after every surfacing, so it goes negative after a full crew.
    pub diver_count: i32,
    pub shot_timer: i32,
    /// The submarine has been handled at the surface and has not dived since.
    pub surface: bool,
    pub enemy_spawn_speed: i32,
    pub enemy_spawn_timer: i32,
    pub diver_spawn_timer: i32,
    pub move_speed: i32,
    pub ramp_index: i32,
    pub friendly_bullets: Vec<Bullet>,
    pub enemy_bullets: Vec<Bullet>,
    pub enemy_fish: Vec<Swimmer>,
    pub enemy_subs: Vec<EnemySub>,
    pub divers: Vec<Swimmer>,
    pub terminal: bool,
    difficulty_ramping: bool,
}

/// One column in a direction.
fn step_x(x: &mut i32, moves_right: bool) {
    *x += if moves_right { 1 } else { -1 };
}

impl Seaquest {
    fn at_sub(&self, x: i32, y: i32) -> bool {
        x == self.sub_x && y == self.sub_y
    }

    /// The first player bullet on (x, y), removed; whether there was one.
    fn take_friendly_bullet_at(&mut self, x: i32, y: i32) -> bool {
        match self
            .friendly_bullets
            .iter()
            .position(|bullet| bullet.x == x && bullet.y == y)
        {
            Some(index) => {
                self.friendly_bullets.remove(index);
                true
            }
            None => false,
        }
    }

    /// MinAtar's `_spawn_enemy`: side, kind and row are always drawn; nothing spawns in a row where an enemy
    /// already moves the other way.
    fn spawn_enemy(&mut self, random: &mut NumpyRandom) {
        let moves_right = random.uniform() < 1.0 / 2.0;
        let is_sub = random.uniform() < 1.0 / 3.0;
        let x = if moves_right { 0 } else { 9 };
        let y = random.integer(1, 9) as i32;
        let crossing = self
            .enemy_subs
            .iter()
            .any(|sub| sub.y == y && sub.moves_right != moves_right)
            || self
                .enemy_fish
                .iter()
                .any(|fish| fish.y == y && fish.moves_right != moves_right);
        if crossing {
            return;
        }
        if is_sub {
            self.enemy_subs.push(EnemySub {
                x,
                y,
                moves_right,
                move_timer: self.move_speed,
                shot_timer: ENEMY_SHOT_INTERVAL,
            });
        } else {
            self.enemy_fish.push(Swimmer {
                x,
                y,
                moves_right,
                move_timer: self.move_speed,
            });
        }
    }

    /// MinAtar's `_spawn_diver`: a side and a row, no check.
    fn spawn_diver(&mut self, random: &mut NumpyRandom) {
        let moves_right = random.uniform() < 1.0 / 2.0;
        let y = random.integer(1, 9) as i32;
        self.divers.push(Swimmer {
            x: if moves_right { 0 } else { 9 },
            y,
            moves_right,
            move_timer: DIVER_MOVE_INTERVAL,
        });
    }

    /// The player's bullets fly; each hits the first fish on its cell, else the first enemy submarine.
    fn move_friendly_bullets(&mut self, reward: &mut f64) {
        for index in (0..self.friendly_bullets.len()).rev() {
            let bullet = &mut self.friendly_bullets[index];
            step_x(&mut bullet.x, bullet.moves_right);
            let bullet = *bullet;
            if on_grid(bullet.x).is_none() {
                self.friendly_bullets.remove(index);
            } else if let Some(fish) = self
                .enemy_fish
                .iter()
                .position(|fish| (fish.x, fish.y) == (bullet.x, bullet.y))
            {
                self.enemy_fish.remove(fish);
                self.friendly_bullets.remove(index);
                *reward += 1.0;
            } else if let Some(sub) = self
                .enemy_subs
                .iter()
                .position(|sub| (sub.x, sub.y) == (bullet.x, bullet.y))
            {
                self.enemy_subs.remove(sub);
                self.friendly_bullets.remove(index);
                *reward += 1.0;
            }
        }
    }

    /// Divers swim; one the submarine meets with room on board is picked up.
    fn move_divers(&mut self) {
        for index in (0..self.divers.len()).rev() {
            let diver = self.divers[index];
            if self.at_sub(diver.x, diver.y) && self.diver_count < FULL_CREW {
                self.divers.remove(index);
                self.diver_count += 1;
            } else if diver.move_timer == 0 {
                let diver = &mut self.divers[index];
                diver.move_timer = DIVER_MOVE_INTERVAL;
                step_x(&mut diver.x, diver.moves_right);
                let diver = *diver;
                if on_grid(diver.x).is_none() {
                    self.divers.remove(index);
                } else if self.at_sub(diver.x, diver.y) && self.diver_count < FULL_CREW {
                    self.divers.remove(index);
                    self.diver_count += 1;
                }
            } else {
                self.divers[index].move_timer -= 1;
            }
        }
    }

    /// An enemy's move: meeting the submarine ends the game, a player bullet on its new cell destroys it (1).
    /// Returns whether it is gone (left the screen or shot).
    fn move_enemy(&mut self, x: &mut i32, y: i32, moves_right: bool, move_timer: &mut i32, reward: &mut f64) -> bool {
        if self.at_sub(*x, y) {
            self.terminal = true;
        }
        if *move_timer != 0 {
            *move_timer -= 1;
            return false;
        }
        *move_timer = self.move_speed;
        step_x(x, moves_right);
        if on_grid(*x).is_none() {
            true
        } else if self.at_sub(*x, y) {
            self.terminal = true;
            false
        } else if self.take_friendly_bullet_at(*x, y) {
            *reward += 1.0;
            true
        } else {
            false
        }
    }

    /// Enemy submarines move and fire; one that has just gone still fires when its timer says so (MinAtar's
    /// quirk: the bullet starts where the submarine was last).
    fn move_enemy_subs(&mut self, reward: &mut f64) {
        for index in (0..self.enemy_subs.len()).rev() {
            let mut sub = self.enemy_subs[index];
            let gone = self.move_enemy(&mut sub.x, sub.y, sub.moves_right, &mut sub.move_timer, reward);
            if sub.shot_timer == 0 {
                sub.shot_timer = ENEMY_SHOT_INTERVAL;
                self.enemy_bullets.push(Bullet {
                    x: sub.x,
                    y: sub.y,
                    moves_right: sub.moves_right,
                });
            } else {
                sub.shot_timer -= 1;
            }
            if gone {
                self.enemy_subs.remove(index);
            } else {
                self.enemy_subs[index] = sub;
            }
        }
    }

    /// Enemy bullets fly; one that meets the submarine before or after its move ends the game.
    fn move_enemy_bullets(&mut self) {
        for index in (0..self.enemy_bullets.len()).rev() {
            let mut bullet = self.enemy_bullets[index];
            if self.at_sub(bullet.x, bullet.y) {
                self.terminal = true;
            }
            step_x(&mut bullet.x, bullet.moves_right);
            if on_grid(bullet.x).is_none() {
                self.enemy_bullets.remove(index);
            } else {
                if self.at_sub(bullet.x, bullet.y) {
                    self.terminal = true;
                }
                self.enemy_bullets[index] = bullet;
            }
        }
    }

    fn move_enemy_fish(&mut self, reward: &mut f64) {
        for index in (0..self.enemy_fish.len()).rev() {
            let mut fish = self.enemy_fish[index];
            if self.move_enemy(&mut fish.x, fish.y, fish.moves_right, &mut fish.move_timer, reward) {
                self.enemy_fish.remove(index);
            } else {
                self.enemy_fish[index] = fish;
            }
        }
    }

    /// MinAtar's `_surface`: refills the oxygen, pays the bonus for a full crew, and ramps the difficulty.
    fn surface(&mut self) -> f64 {
        self.surface = true;
        let reward = if self.diver_count == FULL_CREW {
            self.diver_count = 0;
            f64::from(self.oxygen * 10 / MAX_OXYGEN)
        } else {
            0.0
        };
        self.oxygen = MAX_OXYGEN;
        self.diver_count -= 1;
        if self.difficulty_ramping && (self.enemy_spawn_speed > 1 || self.move_speed > 2) {
            if self.move_speed > 2 && self.ramp_index % 2 == 1 {
                self.move_speed -= 1;
            }
            if self.enemy_spawn_speed > 1 {
                self.enemy_spawn_speed -= 1;
            }
            self.ramp_index += 1;
        }
        reward
    }
}

impl Game for Seaquest {
    const ID: &'static str = "MinAtar/Seaquest-v0";
    const MINIMAL_ID: &'static str = "MinAtar/Seaquest-v1";
    const CHANNEL_NAMES: &'static [&'static str] = &[
        "sub_front",
        "sub_back",
        "friendly_bullet",
        "trail",
        "enemy_bullet",
        "enemy_fish",
        "enemy_sub",
        "oxygen_gauge",
        "diver_gauge",
        "diver",
    ];
    const MINIMAL_ACTIONS: &'static [usize] = &[0, 1, 2, 3, 4, 5];

    fn new(difficulty_ramping: bool) -> Self {
        Self {
            sub_x: START_X,
            sub_y: 0,
            facing_right: false,
            oxygen: MAX_OXYGEN,
            diver_count: 0,
            shot_timer: 0,
            surface: true,
            enemy_spawn_speed: START_ENEMY_SPAWN_SPEED,
            enemy_spawn_timer: START_ENEMY_SPAWN_SPEED,
            diver_spawn_timer: DIVER_SPAWN_SPEED,
            move_speed: START_MOVE_SPEED,
            ramp_index: 0,
            friendly_bullets: Vec::new(),
            enemy_bullets: Vec::new(),
            enemy_fish: Vec::new(),
            enemy_subs: Vec::new(),
            divers: Vec::new(),
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
        if self.enemy_spawn_timer == 0 {
            self.spawn_enemy(random);
            self.enemy_spawn_timer = self.enemy_spawn_speed;
        }
        if self.diver_spawn_timer == 0 {
            self.spawn_diver(random);
            self.diver_spawn_timer = DIVER_SPAWN_SPEED;
        }
        match action {
            FIRE if self.shot_timer == 0 => {
                self.friendly_bullets.push(Bullet {
                    x: self.sub_x,
                    y: self.sub_y,
                    moves_right: self.facing_right,
                });
                self.shot_timer = SHOT_COOL_DOWN;
            }
            LEFT => {
                self.sub_x = (self.sub_x - 1).max(0);
                self.facing_right = false;
            }
            RIGHT => {
                self.sub_x = (self.sub_x + 1).min(9);
                self.facing_right = true;
            }
            UP => self.sub_y = (self.sub_y - 1).max(0),
            DOWN => self.sub_y = (self.sub_y + 1).min(BOTTOM_ROW),
            _ => {}
        }
        self.move_friendly_bullets(&mut reward);
        self.move_divers();
        self.move_enemy_subs(&mut reward);
        self.move_enemy_bullets();
        self.move_enemy_fish(&mut reward);
        for timer in [
            &mut self.enemy_spawn_timer,
            &mut self.diver_spawn_timer,
            &mut self.shot_timer,
        ] {
            if *timer > 0 {
                *timer -= 1;
            }
        }
        // Oxygen is checked before this step uses it, so the submarine lives one step at 0.
        if self.oxygen <= 0 {
            self.terminal = true;
        }
        if self.sub_y > 0 {
            self.oxygen -= 1;
            self.surface = false;
        } else if !self.surface {
            if self.diver_count == 0 {
                self.terminal = true;
            } else {
                reward += self.surface();
            }
        }
        (reward, self.terminal)
    }

    fn draw(&self, cells: &mut Cells) {
        let (sub_x, sub_y) = (self.sub_x as usize, self.sub_y as usize);
        cells.set(sub_y, sub_x, SUB_FRONT);
        // MinAtar indexes the back with Python's wrap-around (column −1 is column 9); the rules never put the back
        // off the grid, but the wrap keeps that reading exact.
        let back = if self.facing_right {
            self.sub_x - 1
        } else {
            self.sub_x + 1
        };
        cells.set(sub_y, back.rem_euclid(10) as usize, SUB_BACK);
        for column in 0..(self.oxygen.max(0) * 10 / MAX_OXYGEN) as usize {
            cells.set(9, column, OXYGEN_GAUGE);
        }
        for column in (9 - self.diver_count).max(0)..9 {
            cells.set(9, column as usize, DIVER_GAUGE);
        }
        for bullet in &self.friendly_bullets {
            cells.set(bullet.y as usize, bullet.x as usize, FRIENDLY_BULLET);
        }
        for bullet in &self.enemy_bullets {
            cells.set(bullet.y as usize, bullet.x as usize, ENEMY_BULLET);
        }
        let mut swimmer = |x: i32, y: i32, moves_right: bool, channel: usize| {
            cells.set(y as usize, x as usize, channel);
            if let Some(behind) = on_grid(if moves_right { x - 1 } else { x + 1 }) {
                cells.set(y as usize, behind, TRAIL);
            }
        };
        for fish in &self.enemy_fish {
            swimmer(fish.x, fish.y, fish.moves_right, ENEMY_FISH);
        }
        for sub in &self.enemy_subs {
            swimmer(sub.x, sub.y, sub.moves_right, ENEMY_SUB);
        }
        for diver in &self.divers {
            swimmer(diver.x, diver.y, diver.moves_right, DIVER);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envs::minatar::NOOP;

    #[test]
    fn a_submarine_shot_as_its_shot_timer_fires_still_fires() {
        // Not reached by the golden traces; by MinAtar's rules the shot submarine's bullet is appended after it is
        // removed, and flies on. The player's bullet at (5, 4) flies left to (4, 4) before the submarine at (3, 4)
        // moves onto it.
        let mut game = Seaquest::new(true);
        game.sub_y = 7;
        game.friendly_bullets.push(Bullet {
            x: 5,
            y: 4,
            moves_right: false,
        });
        game.enemy_subs.push(EnemySub {
            x: 3,
            y: 4,
            moves_right: true,
            move_timer: 0,
            shot_timer: 0,
        });
        let (reward, terminal) = game.act(NOOP, &mut NumpyRandom::new(0));
        assert_eq!((reward, terminal), (1.0, false));
        assert!(game.enemy_subs.is_empty());
        assert!(game.friendly_bullets.is_empty());
        // Fired at (4, 4) and moved on one column in the same step.
        assert_eq!(
            game.enemy_bullets,
            [Bullet {
                x: 5,
                y: 4,
                moves_right: true
            }]
        );
    }

    #[test]
    fn a_full_crew_pays_the_oxygen_left_and_leaves_the_count_at_minus_one() {
        let mut game = Seaquest::new(true);
        game.sub_y = 1;
        game.surface = false;
        game.diver_count = FULL_CREW;
        game.oxygen = 120;
        let (reward, terminal) = game.act(UP, &mut NumpyRandom::new(0));
        // The bonus is the oxygen left, 120 · 10 / 200; the tank is refilled and the count goes one below zero.
        assert_eq!((reward, terminal), (6.0, false));
        assert_eq!((game.oxygen, game.diver_count, game.ramp_index), (MAX_OXYGEN, -1, 1));
        assert_eq!(game.enemy_spawn_speed, START_ENEMY_SPAWN_SPEED - 1);
    }
}
