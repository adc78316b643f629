//! Golden tests: replays gymnasium's recorded classic-control trajectories through knowhow's environments.
//!
//! The traces live in `../shared/golden` (or the folder named by `GOLDEN_DIR`); their format is described in the
//! README there. At each reset row the environment's internal state is set from the `s_*` columns (gymnasium draws
//! initial states from numpy's RNG, which knowhow does not reproduce), then every recorded action is replayed and
//! the observation (f32, within 1 ulp), reward and flags (exact) and internal state (f64, relative error <= 1e-9) are
//! compared. Run with `--nocapture` to see how many rows were compared and the largest differences.

use std::path::{Path, PathBuf};

use knowhow::envs::{Acrobot, CartPole, Env, MountainCar, TimeLimit};

mod support;
use support::{golden_dir, golden_files, Row, Trace};

/// Largest allowed relative error of an internal state value.
const STATE_RELATIVE_TOLERANCE: f64 = 1e-9;
/// Absolute error always accepted, for state values near 0.
const STATE_ABSOLUTE_FLOOR: f64 = 1e-12;
/// Largest allowed distance between observation values, in units in the last place of `f32`.
const OBSERVATION_ULP_TOLERANCE: u64 = 1;
/// Mismatches reported per file before the rest of that file is skipped (after a divergence every row differs).
const MISMATCHES_PER_FILE: usize = 5;

/// What the replay needs from a concrete environment besides `Env`.
trait Recorded: Env + Sized {
    /// File name prefix, the gymnasium id.
    const ID: &'static str;
    const OBSERVATION_COLUMNS: &'static [&'static str];
    const STATE_COLUMNS: &'static [&'static str];
    fn registered() -> TimeLimit<Self>;
    fn state_values(&self) -> Vec<f64>;
    fn set_state_values(&mut self, values: &[f64]);
    fn observe(&self, observation: &mut [f32]);
}

impl Recorded for CartPole {
    const ID: &'static str = "CartPole-v1";
    const OBSERVATION_COLUMNS: &'static [&'static str] = &["x", "x_dot", "theta", "theta_dot"];
    const STATE_COLUMNS: &'static [&'static str] = &["s_x", "s_x_dot", "s_theta", "s_theta_dot"];
    fn registered() -> TimeLimit<Self> {
        CartPole::time_limited()
    }
    fn state_values(&self) -> Vec<f64> {
        self.state().to_vec()
    }
    fn set_state_values(&mut self, values: &[f64]) {
        self.set_state(values.try_into().unwrap());
    }
    fn observe(&self, observation: &mut [f32]) {
        self.write_observation(observation);
    }
}

impl Recorded for Acrobot {
    const ID: &'static str = "Acrobot-v1";
    const OBSERVATION_COLUMNS: &'static [&'static str] = &[
        "cos_theta1",
        "sin_theta1",
        "cos_theta2",
        "sin_theta2",
        "theta1_dot",
        "theta2_dot",
    ];
    const STATE_COLUMNS: &'static [&'static str] = &["s_theta1", "s_theta2", "s_theta1_dot", "s_theta2_dot"];
    fn registered() -> TimeLimit<Self> {
        Acrobot::time_limited()
    }
    fn state_values(&self) -> Vec<f64> {
        self.state().to_vec()
    }
    fn set_state_values(&mut self, values: &[f64]) {
        self.set_state(values.try_into().unwrap());
    }
    fn observe(&self, observation: &mut [f32]) {
        self.write_observation(observation);
    }
}

impl Recorded for MountainCar {
    const ID: &'static str = "MountainCar-v0";
    const OBSERVATION_COLUMNS: &'static [&'static str] = &["position", "velocity"];
    const STATE_COLUMNS: &'static [&'static str] = &["s_position", "s_velocity"];
    fn registered() -> TimeLimit<Self> {
        MountainCar::time_limited()
    }
    fn state_values(&self) -> Vec<f64> {
        self.state().to_vec()
    }
    fn set_state_values(&mut self, values: &[f64]) {
        self.set_state(values.try_into().unwrap());
    }
    fn observe(&self, observation: &mut [f32]) {
        self.write_observation(observation);
    }
}

/// What one env's replay saw, for the summary line.
#[derive(Debug, Default)]
struct Tally {
    files: usize,
    reset_rows: usize,
    step_rows: usize,
    max_observation_ulps: u64,
    observation_values: usize,
    observation_values_exact: usize,
    max_state_relative_error: f64,
    state_values: usize,
    state_values_exact: usize,
    mismatches: Vec<String>,
}

/// The trace files recorded for `id`: `<id>_seed<k>.csv` and `<id>_seed<k>_multi.csv`, sorted by name.
fn trace_files(id: &str) -> Vec<PathBuf> {
    golden_files(&format!("{id}_"))
}

/// Distance between two `f32` values in units in the last place (0 when equal, `u64::MAX` when either is NaN).
fn ulp_distance(a: f32, b: f32) -> u64 {
    if a == b {
        return 0;
    }
    if a.is_nan() || b.is_nan() {
        return u64::MAX;
    }
    // Map the bit patterns onto a line where adjacent floats are adjacent integers.
    let ordered = |x: f32| {
        let bits = x.to_bits() as i32 as i64;
        if bits < 0 {
            i32::MIN as i64 - bits
        } else {
            bits
        }
    };
    ordered(a).abs_diff(ordered(b))
}

/// Compares the written observation with the row's observation columns.
fn check_observation<E: Recorded>(row: &Row, observation: &[f32], tally: &mut Tally, problems: &mut Vec<String>) {
    for (column, &got) in E::OBSERVATION_COLUMNS.iter().zip(observation) {
        let want: f32 = row.parse(column);
        let ulps = ulp_distance(got, want);
        tally.observation_values += 1;
        tally.observation_values_exact += usize::from(ulps == 0);
        tally.max_observation_ulps = tally.max_observation_ulps.max(ulps);
        if ulps > OBSERVATION_ULP_TOLERANCE {
            problems.push(format!(
                "{}, column {column}: gymnasium {want:e}, knowhow {got:e} ({ulps} ulp)",
                row.place()
            ));
        }
    }
}

/// Compares the env's internal state with the row's `s_*` columns.
fn check_state<E: Recorded>(row: &Row, state: &[f64], tally: &mut Tally, problems: &mut Vec<String>) {
    for (column, &got) in E::STATE_COLUMNS.iter().zip(state) {
        let want: f64 = row.parse(column);
        let difference = (got - want).abs();
        let relative = if want == 0.0 {
            difference
        } else {
            difference / want.abs()
        };
        tally.state_values += 1;
        tally.state_values_exact += usize::from(got == want);
        tally.max_state_relative_error = tally.max_state_relative_error.max(relative);
        let within = difference <= STATE_RELATIVE_TOLERANCE * want.abs() || difference <= STATE_ABSOLUTE_FLOOR;
        if !within {
            problems.push(format!(
                "{}, column {column}: gymnasium {want:e}, knowhow {got:e} (relative error {relative:e})",
                row.place()
            ));
        }
    }
}

/// Replays one trace file; mismatches go into `tally.mismatches`.
fn replay_file<E: Recorded>(path: &Path, tally: &mut Tally) {
    let trace = Trace::read(path);
    let file = &trace.file;
    let multi_episode = trace.columns.contains_key("kind");

    let mut env = E::registered();
    let mut observation = vec![0.0f32; env.observation_size()];
    let mut file_problems = Vec::new();
    let mut started = false;
    for (index, row) in trace.rows() {
        let is_reset = if multi_episode {
            row.field("kind") == "reset"
        } else {
            index == 0
        };
        let mut problems = Vec::new();
        if is_reset {
            let state: Vec<f64> = E::STATE_COLUMNS.iter().map(|column| row.parse(column)).collect();
            env.inner_mut().set_state_values(&state);
            env.restart_step_count();
            env.inner().observe(&mut observation);
            check_observation::<E>(&row, &observation, tally, &mut problems);
            tally.reset_rows += 1;
            started = true;
        } else {
            assert!(started, "{}: a step before any reset row", row.place());
            let action: usize = row.parse("action");
            let outcome = env.step(action, &mut observation);
            check_observation::<E>(&row, &observation, tally, &mut problems);
            let reward: f64 = row.parse("reward");
            if outcome.reward != reward {
                problems.push(format!(
                    "{}, column reward: gymnasium {reward}, knowhow {}",
                    row.place(),
                    outcome.reward
                ));
            }
            for (column, got) in [("terminated", outcome.terminated), ("truncated", outcome.truncated)] {
                let want = match row.field(column) {
                    "0" => false,
                    "1" => true,
                    other => panic!("{}: {column} is `{other}`, not 0 or 1", row.place()),
                };
                if got != want {
                    problems.push(format!(
                        "{}, column {column}: gymnasium {want}, knowhow {got}",
                        row.place()
                    ));
                }
            }
            check_state::<E>(&row, &env.inner().state_values(), tally, &mut problems);
            tally.step_rows += 1;
        }
        file_problems.extend(problems);
        if file_problems.len() >= MISMATCHES_PER_FILE {
            file_problems.truncate(MISMATCHES_PER_FILE);
            file_problems.push(format!(
                "{file}: rest of the file skipped after {MISMATCHES_PER_FILE} mismatches"
            ));
            break;
        }
    }
    tally.files += 1;
    tally.mismatches.extend(file_problems);
}

/// Replays every trace of `E` and fails on the first file-level mismatch list, or when there is no trace at all.
fn replay_all<E: Recorded>() {
    let files = trace_files(E::ID);
    assert!(
        !files.is_empty(),
        "no golden trace for {} in {}",
        E::ID,
        golden_dir().display()
    );
    let mut tally = Tally::default();
    for path in &files {
        replay_file::<E>(path, &mut tally);
    }
    println!(
        "{}: {} files, {} reset rows, {} step rows; observations: {}/{} values bit-exact, max {} ulp; \
         internal state: {}/{} values bit-exact, max relative error {:e}",
        E::ID,
        tally.files,
        tally.reset_rows,
        tally.step_rows,
        tally.observation_values_exact,
        tally.observation_values,
        tally.max_observation_ulps,
        tally.state_values_exact,
        tally.state_values,
        tally.max_state_relative_error,
    );
    assert!(
        tally.mismatches.is_empty(),
        "{} differs from gymnasium:\n{}",
        E::ID,
        tally.mismatches.join("\n")
    );
}

#[test]
fn cartpole_matches_gymnasium() {
    replay_all::<CartPole>();
}

#[test]
fn acrobot_matches_gymnasium() {
    replay_all::<Acrobot>();
}

#[test]
fn mountain_car_matches_gymnasium() {
    replay_all::<MountainCar>();
}

#[test]
fn ulp_distance_counts_representable_steps() {
    assert_eq!(ulp_distance(1.0, 1.0), 0);
    assert_eq!(ulp_distance(1.0, f32::from_bits(1.0f32.to_bits() + 1)), 1);
    assert_eq!(ulp_distance(0.0, -0.0), 0);
    assert_eq!(ulp_distance(f32::from_bits(1), -f32::from_bits(1)), 2);
    assert_eq!(ulp_distance(f32::NAN, 1.0), u64::MAX);
}
