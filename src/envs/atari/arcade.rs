//! gymnasium's `ALE/<Game>-v5` over the `ale` crate (its seeding, minimal action set, frame skip and sticky
//! actions), and gymnasium's `AtariPreprocessing` over it (no-op starts, max-pooled frame skip, grayscale, 84×84
//! area resize): the same frames, rewards and flags as ale-py 0.12.1 with gymnasium 1.4.0, bit for bit.

use std::path::Path;

use ale::{Ale, AleError, Settings};

use crate::envs::atari::area_resize::AreaResize;
use crate::envs::atari::numpy_generator::{v5_seeds, NumpyGenerator};
use crate::envs::atari::roms::RomNotFound;

/// v5's defaults: sticky actions with probability 0.25, episodes cut at 108,000 frames (30 minutes of play).
pub const V5_REPEAT_ACTION_PROBABILITY: f32 = 0.25;
pub const V5_MAX_FRAMES_PER_EPISODE: i32 = 108_000;

/// Why an Atari env could not be made.
#[derive(Debug, thiserror::Error)]
pub enum AtariError {
    #[error(transparent)]
    RomNotFound(#[from] RomNotFound),
    #[error(transparent)]
    Emulator(#[from] AleError),
}

/// One `ALE/<Game>-v5` env: an emulator, the numpy generator gymnasium seeds beside it, and the game's minimal
/// action set (agent action `a` is ALE action `minimal_actions[a]`).
#[derive(Debug)]
pub struct ArcadeV5 {
    ale: Ale,
    settings: Settings,
    numpy: NumpyGenerator,
    minimal_actions: Vec<i32>,
    frame_skip: usize,
}

/// What one v5 step returns besides the screen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ArcadeStep {
    pub reward: f64,
    pub terminated: bool,
    pub truncated: bool,
}

impl ArcadeV5 {
    /// `ALE/<Game>-v5` for the game's ROM file (`roms::rom_path` finds it), with `frame_skip` emulated frames per
    /// step (v5: 4; 1 under `AtariPreprocessing`) and sticky actions with `repeat_action_probability`. Like
    /// gymnasium's constructor it loads the ROM; the first `reset(Some(seed))` seeds and loads it again.
    pub fn new(rom: &Path, frame_skip: usize, repeat_action_probability: f32) -> Result<Self, AtariError> {
        let (numpy_seed, random_seed) = v5_seeds(0);
        let settings = Settings {
            random_seed,
            repeat_action_probability,
            frame_skip: 1,
            max_frames_per_episode: V5_MAX_FRAMES_PER_EPISODE,
        };
        let ale = Ale::new(rom, &settings)?;
        let minimal_actions = ale.minimal_action_set();
        Ok(ArcadeV5 {
            ale,
            settings,
            numpy: NumpyGenerator::from_seed(u128::from(numpy_seed)),
            minimal_actions,
            frame_skip,
        })
    }

    /// The number of agent actions (the minimal set's size).
    pub fn action_count(&self) -> usize {
        self.minimal_actions.len()
    }

    /// gymnasium's `reset(seed)`: with a seed, `SeedSequence(seed)` gives the numpy generator's seed and ALE's
    /// `random_seed`, and the ROM is loaded again; then `reset_game`.
    pub fn reset(&mut self, seed: Option<u64>) -> Result<(), AtariError> {
        if let Some(seed) = seed {
            let (numpy_seed, random_seed) = v5_seeds(seed);
            self.numpy = NumpyGenerator::from_seed(u128::from(numpy_seed));
            self.settings.random_seed = random_seed;
            self.ale.load(&self.settings)?;
        }
        self.ale.reset_game();
        Ok(())
    }

    /// One v5 step: `frame_skip` × ALE's `act` with the action's ALE number, rewards summed, then v5's flags
    /// (`terminated` is the game over, `truncated` the frame limit).
    pub fn step(&mut self, action: usize) -> ArcadeStep {
        let ale_action = self.minimal_actions[action];
        let reward: i32 = (0..self.frame_skip).map(|_| self.ale.act(ale_action, 1.0)).sum();
        ArcadeStep {
            reward: f64::from(reward),
            terminated: self.ale.game_over(false),
            truncated: self.ale.game_truncated(),
        }
    }

    /// The generator gymnasium's env draws from (`env.unwrapped.np_random`).
    pub fn numpy(&mut self) -> &mut NumpyGenerator {
        &mut self.numpy
    }

    /// The emulator, to read lives, counters, RAM and screens.
    pub fn ale(&mut self) -> &mut Ale {
        &mut self.ale
    }
}

/// gymnasium's `AtariPreprocessing` settings (its defaults but for `noop_max`, which DQN's papers set to 30).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Preprocessing {
    /// No-op steps at the start of an episode: a number drawn from 1..=noop_max (0: none).
    pub noop_max: u32,
    /// Base steps per agent step; the observation is the max of the last two frames.
    pub frame_skip: usize,
    /// The square side the frame is resized to.
    pub screen_size: usize,
    /// A lost life ends the episode as a termination (the game goes on at the next reset).
    pub terminal_on_life_loss: bool,
}

impl Default for Preprocessing {
    fn default() -> Self {
        Preprocessing {
            noop_max: 30,
            frame_skip: 4,
            screen_size: 84,
            terminal_on_life_loss: false,
        }
    }
}

/// `AtariPreprocessing(ALE/<Game>-v5 with frameskip 1)`: grayscale frames max-pooled over the last two of each
/// skip and resized with OpenCV's area interpolation; the observation is `screen_size²` bytes.
#[derive(Debug)]
pub struct PreprocessedArcade {
    arcade: ArcadeV5,
    settings: Preprocessing,
    resize: AreaResize,
    /// gymnasium's `obs_buffer`: [0] the last frame (then the pooled frame, in place), [1] the one before.
    frames: [Vec<u8>; 2],
    lives: i32,
}

impl PreprocessedArcade {
    /// The env for a game's ROM file, with v5's sticky actions at `repeat_action_probability`.
    pub fn new(rom: &Path, settings: Preprocessing, repeat_action_probability: f32) -> Result<Self, AtariError> {
        let mut arcade = ArcadeV5::new(rom, 1, repeat_action_probability)?;
        let (height, width) = arcade.ale().screen_size();
        Ok(PreprocessedArcade {
            arcade,
            settings,
            resize: AreaResize::new(height, width, settings.screen_size, settings.screen_size),
            frames: [vec![0; height * width], vec![0; height * width]],
            lives: 0,
        })
    }

    /// The number of agent actions (the game's minimal set).
    pub fn action_count(&self) -> usize {
        self.arcade.action_count()
    }

    /// Bytes in one observation: `screen_size²`.
    pub fn observation_size(&self) -> usize {
        self.settings.screen_size * self.settings.screen_size
    }

    /// The base env.
    pub fn arcade(&mut self) -> &mut ArcadeV5 {
        &mut self.arcade
    }

    /// A new episode: the base env's reset, then 1..=noop_max no-op steps (the count from the env's numpy
    /// generator), resetting again with the same seed should one of them end the episode; writes the observation.
    pub fn reset(&mut self, seed: Option<u64>, observation: &mut [u8]) -> Result<(), AtariError> {
        self.arcade.reset(seed)?;
        let noops = if self.settings.noop_max > 0 {
            self.arcade.numpy().integers(1, i64::from(self.settings.noop_max) + 1)
        } else {
            0
        };
        for _ in 0..noops {
            let step = self.arcade.step(0);
            if step.terminated || step.truncated {
                self.arcade.reset(seed)?;
            }
        }
        self.lives = self.arcade.ale().lives();
        let [last, before] = &mut self.frames;
        self.arcade.ale().screen_grayscale(last);
        before.fill(0);
        self.observe(observation);
        Ok(())
    }

    /// One agent step: up to `frame_skip` base steps with `action`, stopping at once when the episode ends
    /// (the frame buffers then keep what they held: gymnasium's quirk, kept); writes the observation.
    pub fn step(&mut self, action: usize, observation: &mut [u8]) -> ArcadeStep {
        let skip = self.settings.frame_skip;
        let mut total = ArcadeStep {
            reward: 0.0,
            terminated: false,
            truncated: false,
        };
        for frame in 0..skip {
            let step = self.arcade.step(action);
            total.reward += step.reward;
            total.terminated = step.terminated;
            total.truncated = step.truncated;
            if self.settings.terminal_on_life_loss {
                let lives = self.arcade.ale().lives();
                total.terminated |= lives < self.lives;
                self.lives = lives;
            }
            if total.terminated || total.truncated {
                break;
            }
            if frame + 2 == skip {
                self.arcade.ale().screen_grayscale(&mut self.frames[1]);
            } else if frame + 1 == skip {
                self.arcade.ale().screen_grayscale(&mut self.frames[0]);
            }
        }
        self.observe(observation);
        total
    }

    /// gymnasium's `_get_obs`: with a frame skip, the max of the two buffers written into the first (in place),
    /// then resized.
    fn observe(&mut self, observation: &mut [u8]) {
        let [last, before] = &mut self.frames;
        if self.settings.frame_skip > 1 {
            for (pooled, other) in last.iter_mut().zip(before.iter()) {
                *pooled = (*pooled).max(*other);
            }
        }
        self.resize.resize(last, observation);
    }
}
