//! LunarLander-v3 against gymnasium 1.4's recorded traces (`LunarLander-v3_*.csv`, format in
//! `README-lunar-lander.md` beside them): every episode is rebuilt from its reset row's draws (terrain, force,
//! dispersion), the recorded actions are replayed with the recorded dispersion draws, and every row must match bit
//! for bit: the 18 body values (f32), the f32 observation, the f64 reward, `terminated`, the lander's sleep and the
//! game-over flag. Also checked: the terrain derived from the draws equals the recorded `smooth_y`.

mod support;

use std::path::Path;

use knowhow::envs::lunar_lander::{LunarLander, ResetDraws, Transition};
use support::{golden_files, Row, Trace};

const OBSERVATION: [&str; 8] = [
    "x",
    "y",
    "vx",
    "vy",
    "angle",
    "angular_vel",
    "leg0_contact",
    "leg1_contact",
];
const BODY: [&str; 6] = ["x", "y", "angle", "vx", "vy", "omega"];

fn reset_draws(row: &Row) -> ResetDraws {
    ResetDraws {
        heights: std::array::from_fn(|index| row.parse(&format!("h_{index}"))),
        force: (row.parse("force_x"), row.parse("force_y")),
        wind_phases: None,
        dispersion: [row.parse("u_disp0"), row.parse("u_disp1")],
    }
}

/// The differences between the env after this row and what the row recorded.
fn compare(env: &LunarLander, observation: &[f32; 8], row: &Row, problems: &mut Vec<String>) {
    for (index, column) in OBSERVATION.iter().enumerate() {
        let expected: f32 = row.parse(column);
        if observation[index].to_bits() != expected.to_bits() {
            problems.push(format!(
                "{}: obs {column} {} != {expected}",
                row.place(),
                observation[index]
            ));
        }
    }
    let bodies = env.bodies().expect("reset");
    for (body, prefix) in bodies.iter().zip(["lander", "leg0", "leg1"]) {
        let values = [body.x, body.y, body.angle, body.vx, body.vy, body.omega];
        for (value, name) in values.iter().zip(BODY) {
            let expected = row.parse::<f64>(&format!("{prefix}_{name}")) as f32;
            if value.to_bits() != expected.to_bits() {
                problems.push(format!("{}: {prefix}_{name} {value} != {expected}", row.place()));
            }
        }
    }
    if bodies[0].awake != row.flag("lander_awake") {
        problems.push(format!("{}: lander_awake differs", row.place()));
    }
    if env.game_over() != row.flag("game_over") {
        problems.push(format!("{}: game_over differs", row.place()));
    }
}

/// Replays one file; returns the rows checked and the problems found.
fn replay(path: &Path) -> (usize, Vec<String>) {
    let trace = Trace::read(path);
    let mut env = LunarLander::new(Default::default());
    let mut problems = Vec::new();
    for (index, row) in trace.rows() {
        let is_reset = match trace.columns.get("kind") {
            Some(_) => row.field("kind") == "reset",
            None => index == 0,
        };
        if is_reset {
            let observation = env.reset_with(&reset_draws(&row));
            let terrain = env.terrain().expect("reset");
            for (point, (_, y)) in terrain.surface.iter().enumerate() {
                let expected: f64 = row.parse(&format!("smooth_y_{point}"));
                if y.to_bits() != expected.to_bits() {
                    problems.push(format!("{}: smooth_y_{point} {y} != {expected}", row.place()));
                }
            }
            compare(&env, &observation, &row, &mut problems);
        } else {
            let Transition {
                observation,
                reward,
                terminated,
            } = env.step_with(row.parse("action"), [row.parse("u_disp0"), row.parse("u_disp1")]);
            let expected_reward: f64 = row.parse("reward");
            if reward.to_bits() != expected_reward.to_bits() {
                problems.push(format!("{}: reward {reward} != {expected_reward}", row.place()));
            }
            if terminated != row.flag("terminated") {
                problems.push(format!("{}: terminated {terminated}", row.place()));
            }
            compare(&env, &observation, &row, &mut problems);
        }
        if problems.len() > 20 {
            break;
        }
    }
    (trace.records.len(), problems)
}

#[test]
fn lunar_lander_matches_gymnasium_bit_for_bit() {
    let files = golden_files("LunarLander-v3_");
    assert!(files.len() >= 4, "expected the 4 LunarLander traces, found {files:?}");
    let mut rows = 0;
    for path in &files {
        let (checked, problems) = replay(path);
        assert!(problems.is_empty(), "{}:\n{}", path.display(), problems.join("\n"));
        rows += checked;
    }
    // seed 0 (66 rows), seed 1 (110), the multi-episode file (1,013), the heuristic landing (154); minus headers.
    assert_eq!(rows, 65 + 109 + 1012 + 153);
}

/// Two landers stepped on two threads at once give exactly what each gives alone: Box2D's shared state (statistics
/// counters, lookup tables) cannot race (`run --jobs 2` does this all the time).
#[test]
fn landers_on_two_threads_at_once_match_a_lander_alone() {
    use knowhow::envs::Env;
    fn flight(seed: u64) -> Vec<u32> {
        let mut env = LunarLander::new(Default::default());
        let mut observation = [0.0f32; 8];
        let mut trace = Vec::new();
        for episode in 0..20 {
            env.reset(Some(seed * 100 + episode), &mut observation);
            for step in 0..400 {
                let outcome = env.step((step * 7 + episode as usize) % 4, &mut observation);
                trace.extend(observation.iter().map(|value| value.to_bits()));
                trace.push(outcome.reward.to_bits() as u32);
                if outcome.terminated {
                    break;
                }
            }
        }
        trace
    }
    let alone: Vec<Vec<u32>> = (0..4).map(flight).collect();
    let together: Vec<Vec<u32>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4).map(|seed| scope.spawn(move || flight(seed))).collect();
        handles.into_iter().map(|handle| handle.join().unwrap()).collect()
    });
    assert_eq!(alone, together);
}
