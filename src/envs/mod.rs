//! The gym-style `Env` trait every environment implements, the time-limit wrapper, and the registry of env names.
//!
//! An environment owns its dynamics and its own seeded RNG (for initial states); it knows nothing about agents or
//! files. Observations are written into a caller-owned `f32` slice so the training loop allocates nothing per step.

/// What one `step` returns besides the observation (written into the caller's buffer).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepOutcome {
    /// The reward of this transition.
    pub reward: f64,
    /// The episode ended inside the MDP (pole fell, goal reached): do not bootstrap past it.
    pub terminated: bool,
    /// The episode was cut by a time limit: the next state still has value, bootstrap past it.
    pub truncated: bool,
}

/// A gym-style environment with discrete actions.
pub trait Env: Send {
    /// Number of `f32` values in one observation.
    fn observation_size(&self) -> usize;
    /// Number of discrete actions, `0..action_count()`.
    fn action_count(&self) -> usize;
    /// Starts a new episode. `Some(seed)` reseeds the env's RNG (like gymnasium's `reset(seed=...)`); `None`
    /// continues the current RNG stream. Writes the initial observation.
    fn reset(&mut self, seed: Option<u64>, observation: &mut [f32]);
    /// Applies `action` and writes the next observation.
    fn step(&mut self, action: usize, observation: &mut [f32]) -> StepOutcome;
    /// `Some((height, width, channels))` when the observation is an image stored row by row with the channel
    /// fastest (`(y * width + x) * channels + c`), which convolutional networks need; `None` for flat vectors.
    fn image_shape(&self) -> Option<(usize, usize, usize)> {
        None
    }
    /// Whether every observation value is 0 or 1 (a replay buffer then stores them as bits); false unless an env says
    /// so.
    fn binary_observations(&self) -> bool {
        false
    }
    /// Writes which actions are legal in the current state (`mask[a]` for action `a`, `action_count()` entries);
    /// agents never pick an illegal one. Every action is legal unless an env says otherwise (a board game's full
    /// column).
    fn legal_actions(&self, mask: &mut [bool]) {
        mask.fill(true);
    }
    /// Whether an episode is a game that ends won (return > 0), drawn (0) or lost (< 0); evaluations then also record
    /// win, draw and loss rates. False unless an env says so.
    fn is_game(&self) -> bool {
        false
    }
}

mod acrobot;
mod cartpole;
pub mod connect_four;
mod history;
pub mod minatar_breakout;
mod mountain_car;
mod time_limit;

pub use acrobot::Acrobot;
pub use cartpole::CartPole;
pub use connect_four::{ConnectFour, Opponent};
pub use history::History;
pub use minatar_breakout::MinAtarBreakout;
pub use mountain_car::MountainCar;
pub use time_limit::TimeLimit;

/// Builds a registered environment, time limit included.
pub type Constructor = fn() -> Box<dyn Env>;

/// Every built-in environment: its id and constructor. Adding an env to knowhow is one line here.
const REGISTRY: &[(&str, Constructor)] = &[
    (cartpole::ID, || Box::new(CartPole::time_limited())),
    (acrobot::ID, || Box::new(Acrobot::time_limited())),
    (mountain_car::ID, || Box::new(MountainCar::time_limited())),
    (connect_four::ID, || Box::new(ConnectFour::new(Opponent::Random))),
    (connect_four::LOOKAHEAD_ID, || {
        Box::new(ConnectFour::new(Opponent::OneStepLookahead))
    }),
    // MinAtar has no time limit; a policy that keeps the ball alive without scoring could run forever, so a
    // truncation at 10,000 steps guards evaluations (real play rarely reaches it).
    (minatar_breakout::ID, || {
        Box::new(TimeLimit::new(MinAtarBreakout::new(), 10_000))
    }),
    (minatar_breakout::MINIMAL_ID, || {
        Box::new(TimeLimit::new(MinAtarBreakout::minimal(), 10_000))
    }),
];

/// Environments registered at run time by a program that uses knowhow as a library (`register`).
static REGISTERED: std::sync::Mutex<Vec<(&'static str, Constructor)>> = std::sync::Mutex::new(Vec::new());

/// Why an env could not be registered.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("an env with id {0:?} is already registered")]
pub struct AlreadyRegistered(pub String);

/// Registers an environment of your own under `id` for this process, so that specs can name it: the one call a
/// program using knowhow as a library makes (see `docs/custom-env.md`).
pub fn register(id: &'static str, constructor: Constructor) -> Result<(), AlreadyRegistered> {
    let mut registered = REGISTERED.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if env_ids_in(&registered).contains(&id) {
        return Err(AlreadyRegistered(id.to_string()));
    }
    registered.push((id, constructor));
    Ok(())
}

fn env_ids_in(registered: &[(&'static str, Constructor)]) -> Vec<&'static str> {
    REGISTRY.iter().chain(registered).map(|(name, _)| *name).collect()
}

/// Builds the environment registered as `id` (e.g. `"CartPole-v1"`) with its default time limit, or `None` for an
/// unknown id (`env_ids()` lists the known ones).
pub fn make_env(id: &str) -> Option<Box<dyn Env>> {
    let registered = REGISTERED.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    REGISTRY
        .iter()
        .chain(registered.iter())
        .find(|(name, _)| *name == id)
        .map(|(_, make)| make())
}

/// The scores that put an env's returns on a common scale, (random policy, reference): a report maps the first to 0
/// and the second to 1. The defaults: a uniformly random policy's mean return, and a return good agents reach
/// (CartPole's maximum, Acrobot's and MountainCar's usual "solved" levels). `None` for envs without defaults; a
/// spec can declare its own per env.
pub fn default_score_anchors(id: &str) -> Option<(f64, f64)> {
    match id {
        "CartPole-v1" => Some((22.0, 500.0)),
        "Acrobot-v1" => Some((-500.0, -60.0)),
        "MountainCar-v0" => Some((-200.0, -110.0)),
        // A uniformly random legal player's mean return (200,000 games), and always winning.
        "ConnectFour-v0" => Some((0.11, 1.0)),
        "ConnectFour-Lookahead-v0" => Some((-0.90, 1.0)),
        // MinAtar's uniformly random policy scores 0.52 (5,000 episodes, sticky 0.1); 25 is the top of the range
        // MinAtar's paper reports for its DQN after 5M frames.
        "MinAtar/Breakout-v0" | "MinAtar/Breakout-v1" => Some((0.52, 25.0)),
        _ => None,
    }
}

/// The ids of every registered environment: the built-in ones in registry order, then those registered at run time.
pub fn env_ids() -> Vec<&'static str> {
    env_ids_in(&REGISTERED.lock().unwrap_or_else(|poisoned| poisoned.into_inner()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_registered_id_builds_a_working_env() {
        assert_eq!(
            env_ids()[..5],
            [
                "CartPole-v1",
                "Acrobot-v1",
                "MountainCar-v0",
                "ConnectFour-v0",
                "ConnectFour-Lookahead-v0"
            ]
        );
        for id in env_ids() {
            let mut env = make_env(id).unwrap();
            let mut observation = vec![0.0f32; env.observation_size()];
            env.reset(Some(0), &mut observation);
            let outcome = env.step(env.action_count() - 1, &mut observation);
            assert!(
                observation.iter().all(|value| value.is_finite()),
                "{id}: {observation:?}"
            );
            assert!(!outcome.truncated, "{id}");
        }
    }

    #[test]
    fn envs_registered_at_run_time_are_found_and_ids_stay_unique() {
        register("Test-Corridor-v0", || Box::new(CartPole::time_limited())).unwrap();
        assert!(env_ids().contains(&"Test-Corridor-v0"));
        assert_eq!(make_env("Test-Corridor-v0").unwrap().action_count(), 2);
        assert_eq!(
            register("Test-Corridor-v0", || Box::new(CartPole::time_limited())),
            Err(AlreadyRegistered("Test-Corridor-v0".into()))
        );
        assert!(
            register("CartPole-v1", || Box::new(CartPole::time_limited())).is_err(),
            "built-in ids are taken"
        );
    }

    #[test]
    fn unknown_id_gives_none() {
        assert!(make_env("Pong-v5").is_none());
    }

    #[test]
    fn time_limits_are_gymnasium_defaults() {
        assert_eq!(CartPole::time_limited().max_steps(), 500);
        assert_eq!(Acrobot::time_limited().max_steps(), 500);
        assert_eq!(MountainCar::time_limited().max_steps(), 200);
    }
}
