//! The registry of env ids: for each, how to build it from a spec's options, what it is (its `EnvInfo`, so that
//! validation need not build one), and the scores that anchor its normalised scale. Built-in envs are listed here;
//! a program that uses knowhow as a library adds its own with [`register`].

use super::lunar_lander::LanderSettings;
use super::minatar::{
    Asterix, Breakout, Freeway, Game, MinAtar, MinAtarConfig, Seaquest, SpaceInvaders,
    DEFAULT_STICKY_ACTION_PROBABILITY,
};
use super::{
    acrobot, cartpole, connect_four, lunar_lander, mountain_car, Acrobot, CartPole, ConnectFour, Env, EnvInfo,
    EnvOptions, LunarLander, MountainCar, Opponent, OptionError, TimeLimit,
};

/// Builds an env from its options (refusing options it does not take).
pub type Constructor = fn(&EnvOptions) -> Result<Box<dyn Env>, OptionError>;

/// One registered env.
#[derive(Debug, Clone, Copy)]
pub struct Registration {
    /// The id a spec names, e.g. `"CartPole-v1"`.
    pub id: &'static str,
    /// Builds it from a spec's options.
    pub make: Constructor,
    /// What every env built by `make` is (a test checks that they agree).
    pub info: EnvInfo,
    /// (random policy, reference) scores: a report maps the first to 0 and the second to 1. `None` when the env has
    /// none (a spec can declare its own, `random_score` and `reference_score`).
    pub score_anchors: Option<(f64, f64)>,
}

/// Why an env could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EnvError {
    #[error("unknown env {0:?}")]
    Unknown(String),
    #[error("{id}: {error}")]
    Option { id: String, error: OptionError },
}

/// `options` may only set `max_steps`: the time limit, `default` steps unless given.
fn time_limit(options: &EnvOptions, default: usize) -> Result<usize, OptionError> {
    options.only(&["max_steps"])?;
    options.count("max_steps", default)
}

/// MinAtar's games have no time limit; a policy that stays alive without scoring could play forever, so a
/// truncation at this many steps guards evaluations (real play rarely reaches it; Freeway ends at 2,501 by itself).
const MINATAR_MAX_STEPS: usize = 10_000;

/// A MinAtar game (`MINIMAL`: its minimal action set, the `-v1` id) with the options `sticky_actions`
/// (probability, MinAtar's 0.1), `difficulty_ramping` (MinAtar's, on; Freeway has none and ignores it) and
/// `max_steps` (`MINATAR_MAX_STEPS`). Breakout and Freeway have no ramp and ignore `difficulty_ramping`.
fn minatar_game<G: Game, const MINIMAL: bool>(options: &EnvOptions) -> Result<Box<dyn Env>, OptionError> {
    options.only(&["sticky_actions", "difficulty_ramping", "max_steps"])?;
    let config = MinAtarConfig {
        sticky_action_probability: options.number("sticky_actions", DEFAULT_STICKY_ACTION_PROBABILITY, (0.0, 1.0))?,
        difficulty_ramping: options.flag("difficulty_ramping", true)?,
        minimal_actions: MINIMAL,
    };
    let max_steps = options.count("max_steps", MINATAR_MAX_STEPS)?;
    Ok(Box::new(TimeLimit::new(MinAtar::<G>::new(config), max_steps)))
}

/// The registration of a MinAtar game with its full (`-v0`) or minimal (`-v1`) action set.
const fn minatar<G: Game, const MINIMAL: bool>(score_anchors: (f64, f64)) -> Registration {
    Registration {
        id: if MINIMAL { G::MINIMAL_ID } else { G::ID },
        make: minatar_game::<G, MINIMAL>,
        info: MinAtar::<G>::info_of(MINIMAL),
        score_anchors: Some(score_anchors),
    }
}

/// (random policy, reference) for MinAtar's games. Breakout: MinAtar's uniformly random policy scores 0.52 (5,000
/// episodes, sticky 0.1); 25 is the top of the range MinAtar's paper reports for its DQN after 5M frames.
const BREAKOUT_ANCHORS: (f64, f64) = (0.52, 25.0);
/// The other four: Random: the mean return of 5,000 episodes of a uniformly random
/// policy over the six actions with sticky actions 0.1, measured with knowhow's games (`cargo run --release
/// --example random_policy -- ID 5000`). Reference: the MinAtar paper's DQN (Young & Tian 2019) after 5M frames, a
/// training return averaged over 100 episodes, read off the README's current learning-curve figure (no table of
/// numbers is published), so good to about ±0.3 (±2 on Space Invaders).
const ASTERIX_ANCHORS: (f64, f64) = (0.51, 17.0);
const FREEWAY_ANCHORS: (f64, f64) = (0.13, 50.0);
const SEAQUEST_ANCHORS: (f64, f64) = (0.105, 20.0);
const SPACE_INVADERS_ANCHORS: (f64, f64) = (2.91, 43.5);

/// LunarLander-v3's settings and time limit from gymnasium's options: `gravity` in (−12, 0), `enable_wind`,
/// `wind_power`, `turbulence_power`, and `max_steps` (1,000). `continuous: true` is refused: knowhow's agents choose
/// among discrete actions.
pub fn lunar_lander_settings(options: &EnvOptions) -> Result<(LanderSettings, usize), OptionError> {
    options.only(&[
        "gravity",
        "enable_wind",
        "wind_power",
        "turbulence_power",
        "continuous",
        "max_steps",
    ])?;
    if options.flag("continuous", false)? {
        return Err(OptionError {
            option: "continuous".to_string(),
            problem: "got true: knowhow's agents choose among discrete actions".to_string(),
            expected: "false (the discrete lander: noop, left engine, main engine, right engine)".to_string(),
        });
    }
    let defaults = LanderSettings::default();
    let any = (f64::MIN, f64::MAX);
    let settings = LanderSettings {
        gravity: options.number_between("gravity", defaults.gravity, (-12.0, 0.0))?,
        enable_wind: options.flag("enable_wind", defaults.enable_wind)?,
        // gymnasium only warns outside [0, 20] and [0, 2]; so does nothing here, but a number it must be.
        wind_power: options.number("wind_power", defaults.wind_power, any)?,
        turbulence_power: options.number("turbulence_power", defaults.turbulence_power, any)?,
    };
    Ok((settings, options.count("max_steps", lunar_lander::MAX_EPISODE_STEPS)?))
}

fn lunar_lander(options: &EnvOptions) -> Result<Box<dyn Env>, OptionError> {
    let (settings, max_steps) = lunar_lander_settings(options)?;
    Ok(Box::new(TimeLimit::new(LunarLander::new(settings), max_steps)))
}

/// LunarLander-v3's uniformly random policy: the mean return of 10,000 episodes (−182.65, standard error 1.1).
const RANDOM_LANDER: f64 = -182.65;

/// Every built-in environment. Adding an env to knowhow is one entry here.
const REGISTRY: &[Registration] = &[
    Registration {
        id: cartpole::ID,
        make: |options| {
            Ok(Box::new(TimeLimit::new(
                CartPole::new(),
                time_limit(options, cartpole::MAX_EPISODE_STEPS)?,
            )))
        },
        info: EnvInfo::vector(CartPole::OBSERVATION_SIZE, CartPole::ACTION_COUNT),
        // A uniformly random policy's mean return, and the most a policy can get.
        score_anchors: Some((22.0, 500.0)),
    },
    Registration {
        id: acrobot::ID,
        make: |options| {
            Ok(Box::new(TimeLimit::new(
                Acrobot::new(),
                time_limit(options, acrobot::MAX_EPISODE_STEPS)?,
            )))
        },
        info: EnvInfo::vector(Acrobot::OBSERVATION_SIZE, Acrobot::ACTION_COUNT),
        // Random; the usual "solved" level.
        score_anchors: Some((-500.0, -60.0)),
    },
    Registration {
        id: mountain_car::ID,
        make: |options| {
            Ok(Box::new(TimeLimit::new(
                MountainCar::new(),
                time_limit(options, mountain_car::MAX_EPISODE_STEPS)?,
            )))
        },
        info: EnvInfo::vector(MountainCar::OBSERVATION_SIZE, MountainCar::ACTION_COUNT),
        score_anchors: Some((-200.0, -110.0)),
    },
    Registration {
        id: lunar_lander::ID,
        make: lunar_lander,
        info: EnvInfo::vector(LunarLander::OBSERVATION_SIZE, LunarLander::ACTION_COUNT),
        // A uniformly random policy's mean return, and gymnasium's "solved".
        score_anchors: Some((RANDOM_LANDER, 200.0)),
    },
    Registration {
        id: connect_four::ID,
        make: |options| {
            options.only(&[])?;
            Ok(Box::new(ConnectFour::new(Opponent::Random)))
        },
        info: ConnectFour::INFO,
        // A uniformly random legal player's mean return (200,000 games), and always winning.
        score_anchors: Some((0.11, 1.0)),
    },
    Registration {
        id: connect_four::LOOKAHEAD_ID,
        make: |options| {
            options.only(&[])?;
            Ok(Box::new(ConnectFour::new(Opponent::OneStepLookahead)))
        },
        info: ConnectFour::INFO,
        score_anchors: Some((-0.90, 1.0)),
    },
    minatar::<Breakout, false>(BREAKOUT_ANCHORS),
    minatar::<Breakout, true>(BREAKOUT_ANCHORS),
    minatar::<Asterix, false>(ASTERIX_ANCHORS),
    minatar::<Asterix, true>(ASTERIX_ANCHORS),
    minatar::<Freeway, false>(FREEWAY_ANCHORS),
    minatar::<Freeway, true>(FREEWAY_ANCHORS),
    minatar::<Seaquest, false>(SEAQUEST_ANCHORS),
    minatar::<Seaquest, true>(SEAQUEST_ANCHORS),
    minatar::<SpaceInvaders, false>(SPACE_INVADERS_ANCHORS),
    minatar::<SpaceInvaders, true>(SPACE_INVADERS_ANCHORS),
];

/// The Atari ids knowhow has, registered with the `atari` feature only (without it a spec naming one is told so).
pub const ATARI_IDS: &[&str] = &["ALE/Breakout-v5"];

/// Atari games, with the `atari` feature (ALE, GPL-2.0): `ALE/<Game>-v5` under gymnasium's `AtariPreprocessing`.
/// Anchors: a uniformly random policy as knowhow measures it on v5 with the preprocessing (Breakout: 1.36 ± 0.08
/// over 300 episodes, `cargo run --release --features atari --example random_policy -- ALE/Breakout-v5 300`; Mnih
/// et al. 2015 report 1.7 without sticky actions), and Mnih et al.'s human tester (31.8).
#[cfg(feature = "atari")]
const ATARI_GAMES: &[Registration] = &[Registration {
    id: ATARI_IDS[0],
    make: |options| {
        Ok(Box::new(super::atari::game::AtariGame::from_options(
            "breakout", options,
        )?))
    },
    info: super::atari::game::info_of(4),
    score_anchors: Some((1.36, 31.8)),
}];
#[cfg(not(feature = "atari"))]
const ATARI_GAMES: &[Registration] = &[];

/// The built-in registrations, in order.
fn built_in<'a>() -> impl Iterator<Item = &'a Registration> {
    REGISTRY.iter().chain(ATARI_GAMES)
}

/// Environments registered at run time by a program that uses knowhow as a library (`register`).
static REGISTERED: std::sync::Mutex<Vec<Registration>> = std::sync::Mutex::new(Vec::new());

/// Why an env could not be registered.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("an env with id {0:?} is already registered")]
pub struct AlreadyRegistered(pub String);

/// Registers an environment of your own for this process, so that specs can name it: the one call a program using
/// knowhow as a library makes (see `docs/custom-env.md`).
pub fn register(registration: Registration) -> Result<(), AlreadyRegistered> {
    let mut registered = REGISTERED.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if built_in()
        .chain(registered.iter())
        .any(|known| known.id == registration.id)
    {
        return Err(AlreadyRegistered(registration.id.to_string()));
    }
    registered.push(registration);
    Ok(())
}

/// The registration of `id`, or `None` for an unknown id.
pub fn registration(id: &str) -> Option<Registration> {
    let registered = REGISTERED.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let found = built_in()
        .chain(registered.iter())
        .find(|known| known.id == id)
        .copied();
    found
}

/// Builds the environment registered as `id` with `options`.
pub fn make_env_with(id: &str, options: &EnvOptions) -> Result<Box<dyn Env>, EnvError> {
    let known = registration(id).ok_or_else(|| EnvError::Unknown(id.to_string()))?;
    (known.make)(options).map_err(|error| EnvError::Option {
        id: id.to_string(),
        error,
    })
}

/// Builds the environment registered as `id` (e.g. `"CartPole-v1"`) with its default options, time limit
/// included, or `None` for an unknown id (`env_ids()` lists the known ones).
pub fn make_env(id: &str) -> Option<Box<dyn Env>> {
    make_env_with(id, &EnvOptions::none()).ok()
}

/// The scores that put an env's returns on a common scale, (random policy, reference), as registered.
pub fn default_score_anchors(id: &str) -> Option<(f64, f64)> {
    registration(id)?.score_anchors
}

/// The ids of every registered environment: the built-in ones in registry order, then those registered at run time.
pub fn env_ids() -> Vec<&'static str> {
    let registered = REGISTERED.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    built_in().chain(registered.iter()).map(|known| known.id).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envs::{OptionValue, StepOutcome};

    #[test]
    fn every_registered_id_builds_a_working_env() {
        assert_eq!(
            env_ids()[..5],
            [
                "CartPole-v1",
                "Acrobot-v1",
                "MountainCar-v0",
                "LunarLander-v3",
                "ConnectFour-v0",
            ]
        );
        for id in env_ids() {
            let Some(mut env) = built_or_without_rom(id) else {
                continue;
            };
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

    /// The env `id` with its defaults; `None` (said on stderr) only for an Atari game whose ROM is not here.
    fn built_or_without_rom(id: &str) -> Option<Box<dyn Env>> {
        match make_env_with(id, &EnvOptions::none()) {
            Ok(env) => Some(env),
            Err(EnvError::Option { error, .. }) if id.starts_with("ALE/") && error.option == "roms" => {
                eprintln!("{id} not built: {error}");
                None
            }
            Err(error) => panic!("{id}: {error}"),
        }
    }

    #[test]
    fn the_atari_ids_are_registered_with_the_feature_only() {
        for id in ATARI_IDS {
            assert_eq!(registration(id).is_some(), cfg!(feature = "atari"), "{id}");
        }
        assert_eq!(
            ATARI_GAMES.len(),
            if cfg!(feature = "atari") { ATARI_IDS.len() } else { 0 }
        );
    }

    fn test_registration(id: &'static str) -> Registration {
        Registration {
            make: |options| {
                Ok(Box::new(TimeLimit::new(
                    CartPole::new(),
                    time_limit(options, cartpole::MAX_EPISODE_STEPS)?,
                )))
            },
            id,
            ..registration("CartPole-v1").unwrap()
        }
    }

    #[test]
    fn envs_registered_at_run_time_are_found_and_ids_stay_unique() {
        register(test_registration("Test-Corridor-v0")).unwrap();
        assert!(env_ids().contains(&"Test-Corridor-v0"));
        assert_eq!(make_env("Test-Corridor-v0").unwrap().action_count(), 2);
        assert_eq!(default_score_anchors("Test-Corridor-v0"), Some((22.0, 500.0)));
        assert_eq!(
            register(test_registration("Test-Corridor-v0")),
            Err(AlreadyRegistered("Test-Corridor-v0".into()))
        );
        assert!(
            register(test_registration("CartPole-v1")).is_err(),
            "built-in ids are taken"
        );
    }

    #[test]
    fn every_registration_says_what_its_env_is() {
        for id in env_ids() {
            let known = registration(id).unwrap();
            if let Some(env) = built_or_without_rom(id) {
                assert_eq!(env.info(), known.info, "{id}");
            }
        }
    }

    #[test]
    fn options_reach_the_env_and_wrong_ones_are_refused() {
        let short = EnvOptions::from_pairs([("max_steps", OptionValue::Number(3.0))]);
        let mut env = make_env_with("CartPole-v1", &short).unwrap();
        let mut observation = vec![0.0; 4];
        env.reset(Some(0), &mut observation);
        let outcomes: Vec<StepOutcome> = (0..3).map(|step| env.step(step % 2, &mut observation)).collect();
        assert!(!outcomes[1].truncated && outcomes[2].truncated, "cut after 3 steps");

        let never_sticky = EnvOptions::from_pairs([("sticky_actions", OptionValue::Number(0.0))]);
        let env = make_env_with("MinAtar/Breakout-v0", &never_sticky).unwrap();
        assert_eq!(env.action_count(), 6);
        let error = make_env_with(
            "MinAtar/Breakout-v0",
            &EnvOptions::from_pairs([("sticky", OptionValue::Number(0.0))]),
        )
        .err()
        .unwrap();
        assert_eq!(
            error.to_string(),
            "MinAtar/Breakout-v0: option \"sticky\": this env has no such option, expected one of \"sticky_actions\", \
             \"difficulty_ramping\", \"max_steps\""
        );
        assert!(
            make_env_with("ConnectFour-v0", &short).is_err(),
            "a game has no time limit to set"
        );
        assert_eq!(
            make_env_with("Pong-v5", &short).err(),
            Some(EnvError::Unknown("Pong-v5".into()))
        );
    }

    #[test]
    fn lunar_lander_takes_gymnasiums_options_and_refuses_the_continuous_version() {
        let option = |name: &str, value: OptionValue| EnvOptions::from_pairs([(name, value)]);
        let refusal = |options: &EnvOptions| make_env_with("LunarLander-v3", options).err().unwrap().to_string();
        // Gravity in (−12, 0) as gymnasium asserts; the ends themselves are refused.
        for gravity in [-12.0, 0.0, 3.0] {
            assert!(
                refusal(&option("gravity", OptionValue::Number(gravity))).contains("expected a number in (-12, 0)"),
                "{gravity}"
            );
        }
        assert!(refusal(&option("continuous", OptionValue::Flag(true))).contains("discrete actions"));
        assert!(refusal(&option("enable_wind", OptionValue::Number(1.0))).contains("expected true or false"));
        let windy = EnvOptions::from_pairs([
            ("gravity", OptionValue::Number(-5.0)),
            ("enable_wind", OptionValue::Flag(true)),
            ("wind_power", OptionValue::Number(20.0)),
            ("continuous", OptionValue::Flag(false)),
        ]);
        // Weaker gravity and wind change the flight: the same seed and actions end elsewhere.
        let flight = |options: &EnvOptions| {
            let mut env = make_env_with("LunarLander-v3", options).unwrap();
            let mut observation = vec![0.0; 8];
            env.reset(Some(3), &mut observation);
            for _ in 0..30 {
                env.step(0, &mut observation);
            }
            observation
        };
        let (calm, stormy) = (flight(&EnvOptions::none()), flight(&windy));
        assert!(
            stormy[1] > calm[1],
            "falls more slowly at gravity −5: {stormy:?} vs {calm:?}"
        );
        assert_ne!(stormy[0], calm[0], "the wind pushes it sideways");
    }

    #[test]
    fn unknown_id_gives_none() {
        assert!(make_env("Pong-v5").is_none());
    }

    #[test]
    fn time_limits_are_gymnasium_defaults() {
        assert_eq!(CartPole::time_limited().max_steps(), 500);
        // The registry's default for MountainCar: pushing left never reaches the goal, so the limit cuts at 200.
        let mut env = make_env("MountainCar-v0").unwrap();
        let mut observation = vec![0.0; env.observation_size()];
        env.reset(Some(0), &mut observation);
        let cut = (1..=1000).find(|_| env.step(0, &mut observation).truncated);
        assert_eq!(cut, Some(200));
        assert_eq!(Acrobot::time_limited().max_steps(), 500);
        assert_eq!(MountainCar::time_limited().max_steps(), 200);
    }
}
