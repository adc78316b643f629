//! LunarLander-v3 (discrete): land a lander on the pad between the flags, matching gymnasium 1.4's `LunarLander`
//! bit for bit (its physics on Box2D 2.3 through the `box2d` crate; the golden traces check every body value).
//!
//! The env reads like gymnasium's: every number is an `f64` computed in gymnasium's order from `f32` values read
//! from Box2D, and rounded to `f32` where it goes into Box2D. Random draws come from the env's own generator, in
//! gymnasium's order (terrain, initial force, wind phases, then two dispersion draws every step);
//! [`LunarLander::reset_with`] and [`LunarLander::step_with`] take them from the caller instead, which is how the
//! golden test replays gymnasium's.

use box2d::{BodyId, BodyKind, BodyState, ContactEvent, Material, RevoluteJoint, World};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;
use serde::{Deserialize, Serialize};

use super::{Env, EnvInfo, StepOutcome};

/// The gymnasium id of this environment.
pub const ID: &str = "LunarLander-v3";
/// Gymnasium's time limit for LunarLander-v3.
pub const MAX_EPISODE_STEPS: usize = 1000;

const FPS: f64 = 50.0;
/// Pixels per metre: gymnasium's shapes are written in pixels.
const SCALE: f64 = 30.0;
const MAIN_ENGINE_POWER: f64 = 13.0;
const SIDE_ENGINE_POWER: f64 = 0.6;
const INITIAL_RANDOM: f64 = 1000.0;
const LANDER_POLY: [(f64, f64); 6] = [
    (-14.0, 17.0),
    (-17.0, 0.0),
    (-17.0, -10.0),
    (17.0, -10.0),
    (17.0, 0.0),
    (14.0, 17.0),
];
const LEG_AWAY: f64 = 20.0;
const LEG_DOWN: f64 = 18.0;
const LEG_W: f64 = 2.0;
const LEG_H: f64 = 8.0;
const LEG_SPRING_TORQUE: f64 = 40.0;
const SIDE_ENGINE_HEIGHT: f64 = 14.0;
const SIDE_ENGINE_AWAY: f64 = 12.0;
const MAIN_ENGINE_Y_LOCATION: f64 = 4.0;
const VIEWPORT_W: f64 = 600.0;
const VIEWPORT_H: f64 = 400.0;
/// Terrain points (the surface is `CHUNKS − 1` edges).
const CHUNKS: usize = 11;
const W: f64 = VIEWPORT_W / SCALE;
const H: f64 = VIEWPORT_H / SCALE;

/// Body tags in contact events.
const MOON: u32 = 0;
const LANDER: u32 = 1;
const LEG_TAGS: [u32; 2] = [2, 3];

/// What a spec may change: gymnasium's constructor arguments (discrete actions only).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LanderSettings {
    /// In (−12, 0).
    pub gravity: f64,
    pub enable_wind: bool,
    pub wind_power: f64,
    pub turbulence_power: f64,
}

impl Default for LanderSettings {
    fn default() -> Self {
        LanderSettings {
            gravity: -10.0,
            enable_wind: false,
            wind_power: 15.0,
            turbulence_power: 1.5,
        }
    }
}

/// The random draws of one reset, in gymnasium's order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ResetDraws {
    /// `uniform(0, H/2)` × 12: the terrain before the helipad is flattened.
    pub heights: [f64; CHUNKS + 1],
    /// `uniform(−1000, 1000)` × 2: the force on the lander at the start.
    pub force: (f64, f64),
    /// `integers(−9999, 9999)` × 2, drawn only with wind: where the wind and turbulence start.
    pub wind_phases: Option<(i64, i64)>,
    /// `uniform(−1, 1)` × 2 of the step that reset makes.
    pub dispersion: [f64; 2],
}

/// The ground of an episode, in metres: what a picture of a landing draws.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Terrain {
    /// The surface's points (x, y), left to right.
    pub surface: [(f64, f64); CHUNKS],
    /// Where the helipad starts and ends (x), and its height.
    pub helipad: (f64, f64),
    pub helipad_y: f64,
}

/// One step's result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Transition {
    pub observation: [f32; 8],
    pub reward: f64,
    pub terminated: bool,
}

/// The world of one episode.
struct Episode {
    world: World,
    lander: BodyId,
    legs: [BodyId; 2],
    leg_contact: [bool; 2],
    game_over: bool,
    prev_shaping: Option<f64>,
    wind_phases: (i64, i64),
    /// The surface's points (x, y): the picture of a landing draws them.
    surface: [(f64, f64); CHUNKS],
}

/// The LunarLander environment without a time limit.
pub struct LunarLander {
    settings: LanderSettings,
    episode: Option<Episode>,
    rng: Pcg64,
}

impl LunarLander {
    pub const OBSERVATION_SIZE: usize = 8;
    /// 0 noop, 1 left orientation engine, 2 main engine, 3 right orientation engine.
    pub const ACTION_COUNT: usize = 4;

    /// A lander with these settings and its generator seeded with 0; call `reset` to start an episode.
    pub fn new(settings: LanderSettings) -> Self {
        LunarLander {
            settings,
            episode: None,
            rng: Pcg64::seed_from_u64(0),
        }
    }

    /// Builds the episode's world from `draws` (gymnasium's `reset`), makes its first step and returns the
    /// observation.
    pub fn reset_with(&mut self, draws: &ResetDraws) -> [f32; 8] {
        let mut world = World::new((0.0, self.settings.gravity as f32));

        // Terrain: 11 points, the helipad flat at H/4 between the middle chunks.
        let mut height = draws.heights;
        let chunk_x: [f64; CHUNKS] = std::array::from_fn(|i| W / (CHUNKS - 1) as f64 * i as f64);
        let helipad_y = H / 4.0;
        for value in &mut height[CHUNKS / 2 - 2..=CHUNKS / 2 + 2] {
            *value = helipad_y;
        }
        // Python's height[i − 1] at i = 0 is the last element.
        let smooth_y: [f64; CHUNKS] = std::array::from_fn(|i| {
            let before = height[(i + CHUNKS) % (CHUNKS + 1)];
            0.33 * (before + height[i] + height[i + 1])
        });
        let moon = world.create_body(BodyKind::Static, (0.0, 0.0), 0.0, MOON);
        let ground = Material::default();
        world
            .add_edge(moon, (0.0, 0.0), (W as f32, 0.0), ground)
            .expect("finite");
        let surface_material = Material {
            friction: 0.1,
            ..Material::default()
        };
        for i in 0..CHUNKS - 1 {
            let from = (chunk_x[i] as f32, smooth_y[i] as f32);
            let to = (chunk_x[i + 1] as f32, smooth_y[i + 1] as f32);
            world
                .add_edge(moon, from, to, surface_material)
                .expect("finite terrain");
        }

        // The lander, pushed by a random force.
        let initial_y = VIEWPORT_H / SCALE;
        let lander = world.create_body(
            BodyKind::Dynamic,
            ((VIEWPORT_W / SCALE / 2.0) as f32, initial_y as f32),
            0.0,
            LANDER,
        );
        let polygon: Vec<(f32, f32)> = LANDER_POLY
            .iter()
            .map(|&(x, y)| ((x / SCALE) as f32, (y / SCALE) as f32))
            .collect();
        let lander_material = Material {
            density: 5.0,
            friction: 0.1,
            restitution: 0.0,
            category: 0x0010,
            mask: 0x0001,
        };
        world
            .add_polygon(lander, &polygon, lander_material)
            .expect("a valid polygon");
        world.apply_force_to_center(lander, (draws.force.0 as f32, draws.force.1 as f32), true);

        // The legs, each on a motorised revolute joint with limits; the i = −1 leg first.
        let leg_material = Material {
            density: 1.0,
            restitution: 0.0,
            category: 0x0020,
            mask: 0x0001,
            ..Material::default()
        };
        let legs: [BodyId; 2] = std::array::from_fn(|index| {
            let i = if index == 0 { -1.0 } else { 1.0 };
            let angle = (i * 0.05) as f32;
            let position = (
                (VIEWPORT_W / SCALE / 2.0 - i * LEG_AWAY / SCALE) as f32,
                initial_y as f32,
            );
            let leg = world.create_body(BodyKind::Dynamic, position, angle, LEG_TAGS[index]);
            world
                .add_box(leg, (LEG_W / SCALE) as f32, (LEG_H / SCALE) as f32, leg_material)
                .expect("a valid box");
            let limit = if index == 0 {
                (0.9 - 0.5, 0.9)
            } else {
                (-0.9, -0.9 + 0.5)
            };
            world.create_revolute_joint(
                lander,
                leg,
                RevoluteJoint {
                    local_anchor_a: (0.0, 0.0),
                    local_anchor_b: ((i * LEG_AWAY / SCALE) as f32, (LEG_DOWN / SCALE) as f32),
                    // pybox2d's joint definition sets the reference angle from the bodies' angles (not 0, as C++
                    // would): the leg's angle minus the lander's, in f32.
                    reference_angle: angle - 0.0f32,
                    motor: Some(((0.3 * i) as f32, LEG_SPRING_TORQUE as f32)),
                    limit: Some((limit.0 as f32, limit.1 as f32)),
                },
            );
            leg
        });

        self.episode = Some(Episode {
            world,
            lander,
            legs,
            leg_contact: [false; 2],
            game_over: false,
            prev_shaping: None,
            wind_phases: draws.wind_phases.unwrap_or((0, 0)),
            surface: std::array::from_fn(|i| (chunk_x[i], smooth_y[i])),
        });
        self.step_with(0, draws.dispersion).observation
    }

    /// One step with the dispersion draws `uniform(−1, 1)` × 2 given (gymnasium draws them every step, before
    /// acting, whatever the action).
    ///
    /// # Panics
    /// Before the first reset, or on an action outside 0..4.
    pub fn step_with(&mut self, action: usize, dispersion_draws: [f64; 2]) -> Transition {
        assert!(action < Self::ACTION_COUNT, "LunarLander has 4 actions, got {action}");
        let settings = self.settings;
        let episode = self.episode.as_mut().expect("reset before step");
        let world = &mut episode.world;
        let lander = episode.lander;

        // Wind and turbulence, while neither leg touches the ground.
        if settings.enable_wind && !(episode.leg_contact[0] || episode.leg_contact[1]) {
            let gust = |phase: i64| {
                let phase = phase as f64;
                ((0.02 * phase).sin() + (std::f64::consts::PI * 0.01 * phase).sin()).tanh()
            };
            let wind = gust(episode.wind_phases.0) * settings.wind_power;
            episode.wind_phases.0 += 1;
            world.apply_force_to_center(lander, (wind as f32, 0.0), true);
            let torque = gust(episode.wind_phases.1) * settings.turbulence_power;
            episode.wind_phases.1 += 1;
            world.apply_torque(lander, torque as f32, true);
        }

        // Engines.
        let body = world.body_state(lander);
        let angle = f64::from(body.angle);
        let tip = (angle.sin(), angle.cos());
        let side = (-tip.1, tip.0);
        let dispersion = [dispersion_draws[0] / SCALE, dispersion_draws[1] / SCALE];
        let (x, y) = (f64::from(body.x), f64::from(body.y));

        let mut m_power = 0.0;
        if action == 2 {
            m_power = 1.0;
            let ox = tip.0 * (MAIN_ENGINE_Y_LOCATION / SCALE + 2.0 * dispersion[0]) + side.0 * dispersion[1];
            let oy = -tip.1 * (MAIN_ENGINE_Y_LOCATION / SCALE + 2.0 * dispersion[0]) - side.1 * dispersion[1];
            let impulse = (-ox * MAIN_ENGINE_POWER * m_power, -oy * MAIN_ENGINE_POWER * m_power);
            world.apply_linear_impulse(
                lander,
                (impulse.0 as f32, impulse.1 as f32),
                ((x + ox) as f32, (y + oy) as f32),
                true,
            );
        }
        let mut s_power = 0.0;
        if action == 1 || action == 3 {
            let direction = action as f64 - 2.0;
            s_power = 1.0;
            let offset = 3.0 * dispersion[1] + direction * SIDE_ENGINE_AWAY / SCALE;
            let ox = tip.0 * dispersion[0] + side.0 * offset;
            let oy = -tip.1 * dispersion[0] - side.1 * offset;
            let point = (
                x + ox - tip.0 * 17.0 / SCALE,
                y + oy + tip.1 * SIDE_ENGINE_HEIGHT / SCALE,
            );
            let impulse = (-ox * SIDE_ENGINE_POWER * s_power, -oy * SIDE_ENGINE_POWER * s_power);
            world.apply_linear_impulse(
                lander,
                (impulse.0 as f32, impulse.1 as f32),
                (point.0 as f32, point.1 as f32),
                true,
            );
        }

        world.step((1.0 / FPS) as f32, 6 * 30, 2 * 30);
        let events = world.take_contact_events();
        for event in events {
            episode.record_contact(event);
        }

        let body = episode.world.body_state(lander);
        let (vx, vy) = (f64::from(body.vx), f64::from(body.vy));
        let state = [
            (f64::from(body.x) - VIEWPORT_W / SCALE / 2.0) / (VIEWPORT_W / SCALE / 2.0),
            (f64::from(body.y) - (H / 4.0 + LEG_DOWN / SCALE)) / (VIEWPORT_H / SCALE / 2.0),
            vx * (VIEWPORT_W / SCALE / 2.0) / FPS,
            vy * (VIEWPORT_H / SCALE / 2.0) / FPS,
            f64::from(body.angle),
            20.0 * f64::from(body.omega) / FPS,
            if episode.leg_contact[0] { 1.0 } else { 0.0 },
            if episode.leg_contact[1] { 1.0 } else { 0.0 },
        ];
        // Closer, slower, level, and on its legs is better.
        let shaping = -100.0 * (state[0] * state[0] + state[1] * state[1]).sqrt()
            - 100.0 * (state[2] * state[2] + state[3] * state[3]).sqrt()
            - 100.0 * state[4].abs()
            + 10.0 * state[6]
            + 10.0 * state[7];
        let mut reward = match episode.prev_shaping {
            Some(previous) => shaping - previous,
            None => 0.0,
        };
        episode.prev_shaping = Some(shaping);
        // Fuel.
        reward -= m_power * 0.30;
        reward -= s_power * 0.03;

        let mut terminated = false;
        if episode.game_over || state[0].abs() >= 1.0 {
            terminated = true;
            reward = -100.0;
        }
        if !body.awake {
            terminated = true;
            reward = 100.0;
        }
        Transition {
            observation: state.map(|value| value as f32),
            reward,
            terminated,
        }
    }

    /// The lander's body and its two legs' (`legs[0]` is the one that starts on the +x side), after the last step.
    pub fn bodies(&self) -> Option<[BodyState; 3]> {
        let episode = self.episode.as_ref()?;
        let world = &episode.world;
        Some([
            world.body_state(episode.lander),
            world.body_state(episode.legs[0]),
            world.body_state(episode.legs[1]),
        ])
    }

    /// Whether the lander's body has touched the ground (the episode then ends with −100).
    pub fn game_over(&self) -> bool {
        self.episode.as_ref().is_some_and(|episode| episode.game_over)
    }

    /// The terrain of the current episode, in metres.
    pub fn terrain(&self) -> Option<Terrain> {
        let episode = self.episode.as_ref()?;
        Some(Terrain {
            surface: episode.surface,
            helipad: (episode.surface[CHUNKS / 2 - 1].0, episode.surface[CHUNKS / 2 + 1].0),
            helipad_y: H / 4.0,
        })
    }

    /// The draws of a reset from the env's generator, in gymnasium's order.
    fn draw_reset(&mut self) -> ResetDraws {
        let heights = std::array::from_fn(|_| self.rng.gen_range(0.0..H / 2.0));
        let force = (
            self.rng.gen_range(-INITIAL_RANDOM..INITIAL_RANDOM),
            self.rng.gen_range(-INITIAL_RANDOM..INITIAL_RANDOM),
        );
        let wind_phases = self
            .settings
            .enable_wind
            .then(|| (self.rng.gen_range(-9999..9999), self.rng.gen_range(-9999..9999)));
        ResetDraws {
            heights,
            force,
            wind_phases,
            dispersion: self.draw_dispersion(),
        }
    }

    fn draw_dispersion(&mut self) -> [f64; 2] {
        [self.rng.gen_range(-1.0..1.0), self.rng.gen_range(-1.0..1.0)]
    }
}

/// One greedy flight, recorded for a picture of a landing: the ground, and the lander at every step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Flight {
    pub terrain: Terrain,
    pub frames: Vec<Frame>,
    pub episode_return: f64,
    /// Ended at rest (+100), not crashed, flown off or cut by the time limit.
    pub landed: bool,
}

/// The lander after a step, and the action that led there (`None` for the reset).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Frame {
    pub x: f32,
    pub y: f32,
    pub angle: f32,
    pub action: Option<usize>,
}

/// The lander's outline (gymnasium's polygon) in metres, in its own frame: a picture turns and moves it.
pub fn outline() -> Vec<(f64, f64)> {
    LANDER_POLY.iter().map(|&(x, y)| (x / SCALE, y / SCALE)).collect()
}

/// Flies one episode with `settings` from `seed`, choosing each action with `policy`, for at most `max_steps`.
pub fn fly(settings: LanderSettings, seed: u64, max_steps: usize, mut policy: impl FnMut(&[f32]) -> usize) -> Flight {
    let mut env = LunarLander::new(settings);
    let mut observation = [0.0f32; 8];
    env.reset(Some(seed), &mut observation);
    let frame = |env: &LunarLander, action| {
        let body = env.bodies().expect("reset")[0];
        Frame {
            x: body.x,
            y: body.y,
            angle: body.angle,
            action,
        }
    };
    let mut frames = vec![frame(&env, None)];
    let (mut episode_return, mut landed) = (0.0, false);
    for _ in 0..max_steps {
        let action = policy(&observation);
        let outcome = env.step(action, &mut observation);
        episode_return += outcome.reward;
        frames.push(frame(&env, Some(action)));
        if outcome.terminated {
            landed = outcome.reward == 100.0 && !env.game_over();
            break;
        }
    }
    Flight {
        terrain: env.terrain().expect("reset"),
        frames,
        episode_return,
        landed,
    }
}

impl Episode {
    /// gymnasium's contact detector: any contact of the lander's body ends the game; a leg touches the ground from
    /// a contact's beginning to its end.
    fn record_contact(&mut self, event: ContactEvent) {
        if event.begin && event.involves(LANDER) {
            self.game_over = true;
        }
        for (contact, tag) in self.leg_contact.iter_mut().zip(LEG_TAGS) {
            if event.involves(tag) {
                *contact = event.begin;
            }
        }
    }
}

impl Env for LunarLander {
    fn info(&self) -> EnvInfo {
        EnvInfo::vector(Self::OBSERVATION_SIZE, Self::ACTION_COUNT)
    }

    fn reset(&mut self, seed: Option<u64>, observation: &mut [f32]) {
        if let Some(seed) = seed {
            self.rng = Pcg64::seed_from_u64(seed);
        }
        let draws = self.draw_reset();
        observation.copy_from_slice(&self.reset_with(&draws));
    }

    fn step(&mut self, action: usize, observation: &mut [f32]) -> StepOutcome {
        let dispersion = self.draw_dispersion();
        let transition = self.step_with(action, dispersion);
        observation.copy_from_slice(&transition.observation);
        StepOutcome {
            reward: transition.reward,
            terminated: transition.terminated,
            truncated: false,
        }
    }

    fn legal_actions(&self, mask: &mut [bool]) {
        mask.fill(true);
    }
}
