//! `Corridor-v0`, a small environment of your own: the agent starts in the middle of a corridor of 9 cells and
//! walks left or right; reaching the right end gives +1 and ends the episode, the left end gives −1 and ends it,
//! every other step costs 0.01. Episodes are cut after 50 steps (a time limit: truncated, not terminated).
//! The start cell is drawn from the env's own seeded random stream, as every knowhow env does.

use knowhow::envs::{Env, EnvInfo, Registration, StepOutcome, TimeLimit};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

/// The id a spec uses.
pub const ID: &str = "Corridor-v0";

const CELLS: usize = 9;

/// A one-hot position among the cells; left or right.
const INFO: EnvInfo = EnvInfo::vector(CELLS, 2);

/// The corridor, without its time limit.
pub struct Corridor {
    position: usize,
    rng: Pcg64,
}

impl Corridor {
    /// The registered form: with a time limit of 50 steps.
    pub fn time_limited() -> TimeLimit<Corridor> {
        TimeLimit::new(
            Corridor {
                position: CELLS / 2,
                rng: Pcg64::seed_from_u64(0),
            },
            50,
        )
    }

    /// One-hot position.
    fn observe(&self, observation: &mut [f32]) {
        observation.fill(0.0);
        observation[self.position] = 1.0;
    }
}

impl Env for Corridor {
    fn info(&self) -> EnvInfo {
        INFO
    }

    /// Both moves are always allowed.
    fn legal_actions(&self, mask: &mut [bool]) {
        mask.fill(true);
    }

    fn reset(&mut self, seed: Option<u64>, observation: &mut [f32]) {
        if let Some(seed) = seed {
            self.rng = Pcg64::seed_from_u64(seed);
        }
        // Somewhere in the middle third.
        self.position = self.rng.gen_range(3..6);
        self.observe(observation);
    }

    fn step(&mut self, action: usize, observation: &mut [f32]) -> StepOutcome {
        match action {
            0 => self.position -= 1,
            1 => self.position += 1,
            _ => panic!("Corridor has actions 0 (left) and 1 (right), got {action}"),
        }
        self.observe(observation);
        let (reward, terminated) = match self.position {
            0 => (-1.0, true),
            position if position == CELLS - 1 => (1.0, true),
            _ => (-0.01, false),
        };
        StepOutcome {
            reward,
            terminated,
            truncated: false,
        }
    }
}

/// Makes `Corridor-v0` known to specs in this process: how to build it (it takes no options), what it is, and the
/// scores that anchor its normalised scale (none here: a spec may declare them as `random_score` and
/// `reference_score`).
pub fn register() {
    knowhow::envs::register(Registration {
        id: ID,
        make: |options| {
            options.only(&[])?;
            Ok(Box::new(Corridor::time_limited()))
        },
        info: INFO,
        score_anchors: None,
    })
    .expect("Corridor-v0 is registered once");
}
