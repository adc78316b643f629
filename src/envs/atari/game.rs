//! An Atari game as knowhow's `Env`: `AtariPreprocessing(ALE/<Game>-v5)` with its options from a spec, the 84×84
//! grey screen handed to the agent as k / 255 for each byte k (stored back as bytes by the replay buffer).

use std::path::Path;

use crate::envs::atari::arcade::{
    ArcadeStep, AtariError, PreprocessedArcade, Preprocessing, V5_REPEAT_ACTION_PROBABILITY,
};
use crate::envs::atari::roms::rom_path_in;
use crate::envs::{Env, EnvInfo, EnvOptions, ObservationValues, OptionError, StepOutcome};

/// The side of the square screen the agent sees (the DQN papers' 84).
pub const SCREEN_SIZE: usize = 84;

/// An Atari game with the DQN preprocessing.
pub struct AtariGame {
    env: PreprocessedArcade,
    screen: Vec<u8>,
    action_count: usize,
}

/// What every Atari game's env is, but its number of actions.
pub const fn info_of(action_count: usize) -> EnvInfo {
    EnvInfo {
        image_shape: Some((SCREEN_SIZE, SCREEN_SIZE, 1)),
        values: ObservationValues::Bytes,
        channel_names: &["grey"],
        ..EnvInfo::vector(SCREEN_SIZE * SCREEN_SIZE, action_count)
    }
}

impl AtariGame {
    /// ALE's ROM `game` ("breakout") with `options`: `repeat_action_probability` (v5's 0.25), `noop_max` (30),
    /// `frame_skip` (4), `terminal_on_life_loss` (false) and `roms` (the ROM folder; else `KNOWHOW_ATARI_ROMS` or an
    /// installed ale-py's). A missing ROM is refused here, as an error of the `roms` option that says how to get
    /// one, so a spec naming the game is refused before anything trains.
    pub fn from_options(game: &str, options: &EnvOptions) -> Result<Self, OptionError> {
        options.only(&[
            "repeat_action_probability",
            "noop_max",
            "frame_skip",
            "terminal_on_life_loss",
            "roms",
        ])?;
        let defaults = Preprocessing::default();
        let settings = Preprocessing {
            noop_max: options.whole_number("noop_max", u64::from(defaults.noop_max), (0, 1_000))? as u32,
            frame_skip: options.whole_number("frame_skip", defaults.frame_skip as u64, (1, 100))? as usize,
            screen_size: SCREEN_SIZE,
            terminal_on_life_loss: options.flag("terminal_on_life_loss", defaults.terminal_on_life_loss)?,
        };
        let sticky = options.number(
            "repeat_action_probability",
            f64::from(V5_REPEAT_ACTION_PROBABILITY),
            (0.0, 1.0),
        )? as f32;
        let folder = options.text("roms")?;
        let unavailable = |error: AtariError| OptionError {
            option: "roms".to_string(),
            problem: error.to_string(),
            expected: "a folder holding the game's ROM".to_string(),
        };
        let rom = rom_path_in(game, folder.map(Path::new)).map_err(|error| unavailable(error.into()))?;
        let env = PreprocessedArcade::new(&rom, settings, sticky).map_err(unavailable)?;
        Ok(AtariGame {
            screen: vec![0; env.observation_size()],
            action_count: env.action_count(),
            env,
        })
    }

    fn observe(&self, observation: &mut [f32]) {
        for (value, byte) in observation.iter_mut().zip(&self.screen) {
            *value = f32::from(*byte) / 255.0;
        }
    }
}

impl Env for AtariGame {
    fn info(&self) -> EnvInfo {
        info_of(self.action_count)
    }

    fn reset(&mut self, seed: Option<u64>, observation: &mut [f32]) {
        // The ROM loaded when the env was made; loading it again with a new seed cannot fail short of the file
        // vanishing meanwhile.
        self.env
            .reset(seed, &mut self.screen)
            .unwrap_or_else(|error| panic!("the Atari ROM could not be loaded again: {error}"));
        self.observe(observation);
    }

    fn step(&mut self, action: usize, observation: &mut [f32]) -> StepOutcome {
        let ArcadeStep {
            reward,
            terminated,
            truncated,
        } = self.env.step(action, &mut self.screen);
        self.observe(observation);
        StepOutcome {
            reward,
            terminated,
            truncated,
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
    fn a_breakout_history_in_the_replay_frames_reads_back_as_played() {
        // Breakout as a spec trains it (4 screens stacked, grey levels as bytes), 3,000 random steps through
        // episode ends: the frame store keeps the newest 64 stacks, one plane per step, and every live one reads
        // back exactly as the env wrote it, in the ring it started with.
        use crate::agent::frames::{Encoding, FrameStore};
        use crate::envs::{make_env_with, EnvOptions, History};
        use rand::{Rng, SeedableRng};
        let breakout = match make_env_with("ALE/Breakout-v5", &EnvOptions::none()) {
            Ok(env) => env,
            Err(error) => {
                eprintln!("skipped: {error}");
                return;
            }
        };
        let mut env = History::new(breakout, 4);
        let size = env.observation_size();
        let mut store = FrameStore::new(size, 4, 64 + 4, Encoding::Bytes).unwrap();
        let mut rng = rand_pcg::Pcg64::seed_from_u64(0);
        let mut observation = vec![0.0; size];
        let mut played: std::collections::VecDeque<Vec<f32>> = std::collections::VecDeque::new();
        env.reset(Some(0), &mut observation);
        let mut episodes = 0;
        store.push(&observation);
        played.push_back(observation.clone());
        let initial_bytes = store.bytes();
        for step in 0..3_000 {
            let outcome = env.step(rng.gen_range(0..4), &mut observation);
            if outcome.terminated || outcome.truncated {
                episodes += 1;
                env.reset(None, &mut observation);
            }
            let id = store.push(&observation);
            played.push_back(observation.clone());
            if played.len() > 64 {
                played.pop_front();
                store.release_before(id - 63);
            }
            if step % 97 == 0 {
                for (age, stack) in played.iter().rev().enumerate() {
                    let mut read = Vec::new();
                    store.extend_with(id - age as u64, &mut read);
                    assert!(&read == stack, "frame {} at step {step}", id - age as u64);
                }
            }
        }
        assert!(episodes >= 3, "{episodes} episodes end in 3,000 random steps");
        assert_eq!(store.bytes(), initial_bytes, "the rings did not grow");
    }
}
