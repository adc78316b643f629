//! MinAtar Freeway: a chicken in the middle column crosses eight lanes of traffic from the bottom row to the top;
//! each crossing gives 1 and new car speeds, a car sends the chicken back to the bottom. Every episode lasts exactly
//! 2,501 steps. Freeway has no difficulty ramp.

use super::numpy_random::NumpyRandom;
use super::{Cells, Game, DOWN, UP};

/// The chicken's column, start row, and steps between its moves.
const CHICKEN_X: i32 = 4;
const START_ROW: i32 = 9;
const PLAYER_SPEED: i32 = 3;
/// Steps until the episode ends (it ends when the countdown goes below 0).
const TIME_LIMIT: i32 = 2500;
const LANES: usize = 8;

/// Observation channels: the chicken, the cars, then a car's trail in channel `1 + |speed|`.
const CHICKEN: usize = 0;
const CAR: usize = 1;

/// One lane's car.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Car {
    pub x: i32,
    pub y: i32,
    /// Countdown to its next move.
    pub timer: i32,
    /// ±1 … ±5: the sign is the direction (+ right); it moves every `|speed| + 1` steps.
    pub speed: i32,
}

/// Freeway's variables, each named after MinAtar's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Freeway {
    /// The chicken's row (`pos`).
    pub position: i32,
    pub move_timer: i32,
    pub terminate_timer: i32,
    pub cars: [Car; LANES],
    pub terminal: bool,
}

impl Freeway {
    /// MinAtar's `_randomize_cars`: eight speeds 1–5, then eight directions. At the start of an episode every car
    /// stands in column 0; after a crossing the cars keep their columns and get new speeds.
    fn randomize_cars(&mut self, initialize: bool, random: &mut NumpyRandom) {
        let magnitudes: [i64; LANES] = std::array::from_fn(|_| random.integer(1, 6));
        for (lane, magnitude) in magnitudes.into_iter().enumerate() {
            // MinAtar takes the sign of u − 0.5; u = 0.5 exactly (probability 2⁻⁵³) would give speed 0 and crash
            // MinAtar, and goes left here.
            let speed = if random.uniform() > 0.5 { magnitude } else { -magnitude } as i32;
            let car = &mut self.cars[lane];
            if initialize {
                *car = Car {
                    x: 0,
                    y: lane as i32 + 1,
                    timer: speed.abs(),
                    speed,
                };
            } else {
                car.timer = speed.abs();
                car.speed = speed;
            }
        }
    }

    fn hits_chicken(&self, car: &Car) -> bool {
        car.x == CHICKEN_X && car.y == self.position
    }
}

impl Game for Freeway {
    const ID: &'static str = "MinAtar/Freeway-v0";
    const MINIMAL_ID: &'static str = "MinAtar/Freeway-v1";
    const CHANNEL_NAMES: &'static [&'static str] =
        &["chicken", "car", "speed1", "speed2", "speed3", "speed4", "speed5"];
    const MINIMAL_ACTIONS: &'static [usize] = &[0, 2, 4];

    /// Freeway ignores `difficulty_ramping`; its cars are drawn by the first `reset`.
    fn new(_difficulty_ramping: bool) -> Self {
        Self {
            position: START_ROW,
            move_timer: PLAYER_SPEED,
            terminate_timer: TIME_LIMIT,
            cars: std::array::from_fn(|lane| Car {
                x: 0,
                y: lane as i32 + 1,
                timer: 0,
                speed: 1,
            }),
            terminal: false,
        }
    }

    fn reset(&mut self, random: &mut NumpyRandom) {
        *self = Self::new(false);
        self.randomize_cars(true, random);
    }

    fn act(&mut self, action: usize, random: &mut NumpyRandom) -> (f64, bool) {
        let mut reward = 0.0;
        if self.terminal {
            return (reward, true);
        }
        if action == UP && self.move_timer == 0 {
            self.move_timer = PLAYER_SPEED;
            self.position = (self.position - 1).max(0);
        } else if action == DOWN && self.move_timer == 0 {
            self.move_timer = PLAYER_SPEED;
            self.position = (self.position + 1).min(9);
        }
        if self.position == 0 {
            reward += 1.0;
            self.randomize_cars(false, random);
            self.position = START_ROW;
        }
        for lane in 0..LANES {
            if self.hits_chicken(&self.cars[lane]) {
                self.position = START_ROW;
            }
            let car = &mut self.cars[lane];
            if car.timer == 0 {
                car.timer = car.speed.abs();
                car.x = (car.x + car.speed.signum()).rem_euclid(10);
                if self.hits_chicken(&self.cars[lane]) {
                    self.position = START_ROW;
                }
            } else {
                car.timer -= 1;
            }
        }
        if self.move_timer > 0 {
            self.move_timer -= 1;
        }
        self.terminate_timer -= 1;
        if self.terminate_timer < 0 {
            self.terminal = true;
        }
        (reward, self.terminal)
    }

    fn draw(&self, cells: &mut Cells) {
        cells.set(self.position as usize, CHICKEN_X as usize, CHICKEN);
        for car in &self.cars {
            cells.set(car.y as usize, car.x as usize, CAR);
            let behind = (car.x - car.speed.signum()).rem_euclid(10);
            cells.set(car.y as usize, behind as usize, CAR + car.speed.unsigned_abs() as usize);
        }
    }
}
