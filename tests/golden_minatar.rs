//! Golden test for MinAtar Breakout: replays MinAtar 1.0.15's recorded games through knowhow's `MinAtarBreakout`.
//!
//! The traces are `minatar_breakout_*.csv` in `../shared/golden` (or the folder named by `GOLDEN_DIR`); the README
//! there describes them. MinAtar draws the ball's start side and the sticky-action coin from numpy's RNG, which
//! knowhow does not reproduce, so at each reset row the test checks that knowhow's reset can produce the recorded
//! start (same variables, same observation), sets the game's variables from the row, and then replays each step
//! row's `effective_action` (the action applied after stickiness), comparing all 400 observation values, the reward,
//! the terminal flag and every internal variable, exactly. Run with `--nocapture` for a summary per file.

use std::path::{Path, PathBuf};

use knowhow::envs::minatar_breakout::{
    BallDirection, BreakoutConfig, BreakoutState, MinAtarBreakout, BRICK_CHANNEL, CHANNEL_COUNT, GRID_SIZE,
};
use knowhow::envs::Env;

mod support;
use support::{golden_dir, golden_files, Row, Trace};

/// File name prefix of the Breakout traces.
const TRACE_PREFIX: &str = "minatar_breakout_";
/// Mismatches reported per file before the rest of that file is skipped (after a divergence every row differs).
const MISMATCHES_PER_FILE: usize = 5;
/// Resets tried at most to meet a recorded ball start (each side has probability 1/2).
const RESET_ATTEMPTS: usize = 64;

/// Every Breakout trace in the golden folder, sorted by name.
fn trace_files() -> Vec<PathBuf> {
    golden_files(TRACE_PREFIX)
}

/// The sticky-action probability in a trace's name, `minatar_breakout_sticky<p>_seed<k>.csv`.
fn sticky_probability(file: &str) -> f64 {
    let rest = file
        .strip_prefix(&format!("{TRACE_PREFIX}sticky"))
        .unwrap_or_else(|| panic!("{file}: name does not start with {TRACE_PREFIX}sticky"));
    let end = rest
        .find("_seed")
        .unwrap_or_else(|| panic!("{file}: no `_seed` in the name"));
    rest[..end]
        .parse()
        .unwrap_or_else(|_| panic!("{file}: cannot read the sticky probability"))
}

impl Row<'_> {
    /// The recorded observation: the `state` column's 400 digits as 0.0 / 1.0.
    fn observation(&self) -> Vec<f32> {
        let digits = self.field("state");
        assert_eq!(
            digits.len(),
            MinAtarBreakout::OBSERVATION_SIZE,
            "{}: state has {} digits",
            self.place(),
            digits.len()
        );
        digits
            .bytes()
            .map(|digit| match digit {
                b'0' => 0.0,
                b'1' => 1.0,
                other => panic!("{}: state digit `{}`", self.place(), other as char),
            })
            .collect()
    }

    /// The game's internal variables as recorded; the bricks come from the observation's brick channel.
    fn state(&self) -> BreakoutState {
        let observation = self.observation();
        let mut bricks = [[false; GRID_SIZE]; GRID_SIZE];
        for (y, row) in bricks.iter_mut().enumerate() {
            for (x, brick) in row.iter_mut().enumerate() {
                *brick = observation[(y * GRID_SIZE + x) * CHANNEL_COUNT + BRICK_CHANNEL] == 1.0;
            }
        }
        let direction: usize = self.parse("ball_dir");
        BreakoutState {
            ball_x: self.parse("ball_x"),
            ball_y: self.parse("ball_y"),
            ball_direction: BallDirection::from_index(direction)
                .unwrap_or_else(|| panic!("{}: ball_dir {direction}", self.place())),
            paddle_x: self.parse("pos"),
            last_ball_x: self.parse("last_x"),
            last_ball_y: self.parse("last_y"),
            strike: self.flag("strike"),
            bricks,
            // A step row after a terminal step never occurs; the terminal column is compared separately.
            terminal: self.field("terminal") == "1",
        }
    }
}

/// Differences between knowhow's observation and the recorded one, as readable cells.
fn observation_differences(row: &Row, observation: &[f32]) -> Option<String> {
    let names = ["paddle", "ball", "trail", "brick"];
    let differing: Vec<String> = row
        .observation()
        .iter()
        .zip(observation)
        .enumerate()
        .filter(|(_, (want, got))| want != got)
        .map(|(index, (want, got))| {
            let cell = index / CHANNEL_COUNT;
            format!(
                "(x {}, y {}, {}): MinAtar {want}, knowhow {got}",
                cell % GRID_SIZE,
                cell / GRID_SIZE,
                names[index % CHANNEL_COUNT]
            )
        })
        .collect();
    (!differing.is_empty()).then(|| format!("{}, observation: {}", row.place(), differing.join("; ")))
}

/// What one file's replay saw.
#[derive(Debug, Default)]
struct Tally {
    reset_rows: usize,
    step_rows: usize,
    sticky_repeats: usize,
    bricks_broken: usize,
    terminals: usize,
    mismatches: Vec<String>,
}

/// Replays one trace file.
fn replay_file(path: &Path) -> Tally {
    let trace = Trace::read(path);
    let file = &trace.file;
    let sticky = sticky_probability(file);

    // The env under test, and one that draws starts to compare with the recorded ones.
    let mut env = MinAtarBreakout::with_config(BreakoutConfig {
        sticky_action_probability: sticky,
        ..BreakoutConfig::default()
    });
    let mut observation = vec![0.0f32; MinAtarBreakout::OBSERVATION_SIZE];
    let mut starts = MinAtarBreakout::new();
    starts.reset(Some(0), &mut observation);
    let mut tally = Tally::default();
    let mut started = false;
    let mut previous_applied = 0;
    for (_, row) in trace.rows() {
        let mut problems = Vec::new();
        match row.field("kind") {
            "reset" => {
                let recorded = row.state();
                assert!(!recorded.terminal, "{}: a reset row marked terminal", row.place());
                // knowhow's reset must be able to produce this start: draw until the ball starts on the same side.
                let mut start = None;
                for _ in 0..RESET_ATTEMPTS {
                    starts.reset(None, &mut observation);
                    if starts.state().ball_x == recorded.ball_x {
                        start = Some(starts.state().clone());
                        break;
                    }
                }
                match start {
                    Some(start) if start == recorded => {}
                    other => problems.push(format!(
                        "{}, reset: MinAtar {recorded:?}, knowhow's nearest start {other:?}",
                        row.place()
                    )),
                }
                problems.extend(observation_differences(&row, &observation));
                env.set_state(recorded);
                env.write_observation(&mut observation);
                problems.extend(observation_differences(&row, &observation));
                tally.reset_rows += 1;
                started = true;
            }
            "step" => {
                assert!(started, "{}: a step before any reset row", row.place());
                let requested: usize = row.parse("action");
                let applied: usize = row.parse("effective_action");
                // Stickiness only ever replaces the request by the previously applied action (across resets too).
                if applied != requested {
                    assert!(sticky > 0.0, "{}: a sticky repeat without sticky actions", row.place());
                    assert_eq!(applied, previous_applied, "{}: effective action", row.place());
                    tally.sticky_repeats += 1;
                }
                previous_applied = applied;

                let outcome = env.apply_action(applied);
                env.write_observation(&mut observation);
                problems.extend(observation_differences(&row, &observation));
                let reward: f64 = row.parse("reward");
                if outcome.reward != reward {
                    problems.push(format!(
                        "{}, reward: MinAtar {reward}, knowhow {}",
                        row.place(),
                        outcome.reward
                    ));
                }
                let terminal = row.flag("terminal");
                if outcome.terminated != terminal || outcome.truncated {
                    problems.push(format!(
                        "{}, terminal: MinAtar {terminal}, knowhow {outcome:?}",
                        row.place()
                    ));
                }
                let recorded = row.state();
                if env.state() != &recorded {
                    problems.push(format!(
                        "{}, internal variables: MinAtar {recorded:?}, knowhow {:?}",
                        row.place(),
                        env.state()
                    ));
                }
                tally.step_rows += 1;
                tally.bricks_broken += reward as usize;
                tally.terminals += usize::from(terminal);
            }
            other => panic!("{}: kind `{other}`", row.place()),
        }
        tally.mismatches.extend(problems);
        if tally.mismatches.len() >= MISMATCHES_PER_FILE {
            tally.mismatches.truncate(MISMATCHES_PER_FILE);
            tally.mismatches.push(format!(
                "{file}: rest of the file skipped after {MISMATCHES_PER_FILE} mismatches"
            ));
            break;
        }
    }
    println!(
        "{file}: {} reset rows, {} step rows ({} sticky repeats, {} bricks broken, {} terminal), {} mismatches",
        tally.reset_rows,
        tally.step_rows,
        tally.sticky_repeats,
        tally.bricks_broken,
        tally.terminals,
        tally.mismatches.len()
    );
    tally
}

#[test]
fn breakout_matches_minatar() {
    let files = trace_files();
    assert!(
        !files.is_empty(),
        "no {TRACE_PREFIX}*.csv trace in {}",
        golden_dir().display()
    );
    let mut mismatches = Vec::new();
    for path in &files {
        let tally = replay_file(path);
        assert!(tally.step_rows > 0, "{}: no step rows", path.display());
        mismatches.extend(tally.mismatches);
    }
    assert!(
        mismatches.is_empty(),
        "Breakout differs from MinAtar:\n{}",
        mismatches.join("\n")
    );
}

#[test]
fn without_sticky_actions_the_env_trait_replays_the_requested_actions() {
    // In a trace recorded with sticky probability 0, `Env::step(action)` must give the same game as the replay.
    let Some(path) = trace_files()
        .into_iter()
        .find(|path| sticky_probability(&path.file_name().unwrap().to_string_lossy()) == 0.0)
    else {
        panic!("no sticky-0 Breakout trace in {}", golden_dir().display());
    };
    let trace = Trace::read(&path);
    let mut env = MinAtarBreakout::with_config(BreakoutConfig {
        sticky_action_probability: 0.0,
        ..BreakoutConfig::default()
    });
    let mut observation = vec![0.0f32; env.observation_size()];
    for (_, row) in trace.rows() {
        if row.field("kind") == "reset" {
            env.set_state(row.state());
            continue;
        }
        let outcome = env.step(row.parse("action"), &mut observation);
        assert_eq!(observation, row.observation(), "{}", row.place());
        assert_eq!(outcome.reward, row.parse::<f64>("reward"), "{}", row.place());
        assert_eq!(outcome.terminated, row.flag("terminal"), "{}", row.place());
    }
}
