//! One greedy episode of an image env after training, kept as a few frames: what the report draws for MinAtar's
//! games (MinAtar's own display colours each cell by the last of its channels that is set).

use serde::{Deserialize, Serialize};

use crate::envs::{Env, ObservationValues};

/// Frames kept of an episode: the first, the last, and evenly spaced ones between.
pub const FRAMES_KEPT: usize = 8;

/// A recorded greedy episode of an env with binary image observations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpisodeFrames {
    /// (height, width, channels) of each frame, the observation's layout (channel fastest).
    pub shape: (usize, usize, usize),
    /// The channels' names, where the env gives them (else empty).
    pub channel_names: Vec<String>,
    pub frames: Vec<Frame>,
    pub episode_return: f64,
    /// Steps the episode took.
    pub steps: usize,
    /// Ended inside the game (true) or cut by a time limit (false).
    pub terminated: bool,
}

/// One observation of the episode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Frame {
    /// Steps taken before it (0: the reset).
    pub step: usize,
    /// The observation's values as `'0'`/`'1'`, in the observation's order.
    pub cells: String,
}

impl Frame {
    /// The last channel set at row `y`, column `x` (what MinAtar's display shows there), or `None` for an empty cell.
    pub fn top_channel(&self, shape: (usize, usize, usize), y: usize, x: usize) -> Option<usize> {
        let channels = shape.2;
        let start = (y * shape.1 + x) * channels;
        self.cells.as_bytes()[start..start + channels]
            .iter()
            .rposition(|&digit| digit == b'1')
    }
}

/// Plays one episode of `env` from `seed` with `greedy` (observation, legal actions → action) and keeps
/// `FRAMES_KEPT` of its observations; `None` when the env's observations are not single binary images.
pub fn record(env: &mut dyn Env, seed: u64, mut greedy: impl FnMut(&[f32], &[bool]) -> usize) -> Option<EpisodeFrames> {
    let info = env.info();
    let shape = info
        .image_shape
        .filter(|_| info.values == ObservationValues::Binary && info.stacked == 1)?;
    let to_cells = |observation: &[f32]| -> String {
        observation
            .iter()
            .map(|&value| if value == 1.0 { '1' } else { '0' })
            .collect()
    };
    let mut observation = vec![0.0; info.observation_size];
    let mut legal = vec![true; info.action_count];
    env.reset(Some(seed), &mut observation);
    let mut all = vec![to_cells(&observation)];
    let mut episode_return = 0.0;
    let terminated = loop {
        env.legal_actions(&mut legal);
        let outcome = env.step(greedy(&observation, &legal), &mut observation);
        episode_return += outcome.reward;
        all.push(to_cells(&observation));
        if outcome.terminated || outcome.truncated {
            break outcome.terminated;
        }
    };
    let steps = all.len() - 1;
    let kept = evenly_spaced(steps, FRAMES_KEPT);
    let frames = kept
        .into_iter()
        .map(|step| Frame {
            step,
            cells: std::mem::take(&mut all[step]),
        })
        .collect();
    Some(EpisodeFrames {
        shape,
        channel_names: info.channel_names.iter().map(|name| name.to_string()).collect(),
        frames,
        episode_return,
        steps,
        terminated,
    })
}

/// Up to `count` distinct steps of `0..=last`, evenly spaced, the first and the last among them.
fn evenly_spaced(last: usize, count: usize) -> Vec<usize> {
    if last < count {
        return (0..=last).collect();
    }
    (0..count).map(|index| index * last / (count - 1)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envs::{make_env, make_env_with, EnvOptions, OptionValue};

    #[test]
    fn spacing_keeps_the_first_and_the_last_step() {
        assert_eq!(evenly_spaced(3, 8), [0, 1, 2, 3]);
        assert_eq!(evenly_spaced(7, 8), [0, 1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(evenly_spaced(70, 8), [0, 10, 20, 30, 40, 50, 60, 70]);
        assert_eq!(evenly_spaced(9, 4), [0, 3, 6, 9]);
    }

    #[test]
    fn an_episode_is_kept_as_frames_of_the_observation() {
        // Breakout without sticky actions, always noop: the ball falls past the paddle in a few steps.
        let options = EnvOptions::from_pairs([("sticky_actions", OptionValue::Number(0.0))]);
        let mut env = make_env_with("MinAtar/Breakout-v0", &options).unwrap();
        let episode = record(env.as_mut(), 3, |_, _| 0).expect("Breakout's frames are binary images");
        assert_eq!(episode.shape, (10, 10, 4));
        assert_eq!(episode.channel_names, ["paddle", "ball", "trail", "brick"]);
        assert!(episode.terminated);
        assert_eq!(episode.frames.first().unwrap().step, 0);
        assert_eq!(episode.frames.last().unwrap().step, episode.steps);
        // The reset frame: the paddle at (9, 4), and bricks in rows 1 to 3 (the ball and its trail lie on one).
        let first = &episode.frames[0];
        assert_eq!(first.top_channel(episode.shape, 9, 4), Some(0));
        assert_eq!(first.top_channel(episode.shape, 2, 5), Some(3));
        assert_eq!(first.top_channel(episode.shape, 6, 5), None);
        // The same seed and policy give the same episode.
        assert_eq!(record(env.as_mut(), 3, |_, _| 0), Some(episode));
        // Vector observations have no frames.
        assert_eq!(record(make_env("CartPole-v1").unwrap().as_mut(), 0, |_, _| 0), None);
    }
}
