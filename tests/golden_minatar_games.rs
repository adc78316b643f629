//! Golden test for MinAtar's five games: knowhow's games, seeded as the traces were, play MinAtar 1.0.15's recorded
//! games step for step from the requested actions alone.
//!
//! The traces are `minatar_{asterix,breakout,freeway,seaquest,space_invaders}_*.csv` in `../shared/golden` (or the
//! folder named by `GOLDEN_DIR`, else the copies in `tests/golden`); `README.md` and `README-minatar-games.md` there
//! describe them. Each
//! was recorded as `Environment(game, sticky_action_prob=p)`, `seed(k)`, `reset()`, then `act(action)` with a reset
//! after every terminal step. knowhow's env is built with the same probability, reset with seed `k` once and then
//! without a seed, and given each row's requested `action`: the sticky coin, the game's draws and so the effective
//! action all come from knowhow's own numpy-compatible stream. Every row compares the effective action, the reward,
//! the terminal flag, the number of 32-bit words drawn (Breakout's traces do not record it), every internal variable
//! (as the trace writes it) and the observation, exactly. Run with `--nocapture` for a summary per file.

use std::fmt::Write;
use std::path::Path;

use knowhow::envs::minatar::{Asterix, Breakout, Freeway, Game, MinAtar, MinAtarConfig, Seaquest, SpaceInvaders};
use knowhow::envs::{make_env, Env, ObservationValues};

mod support;
use support::{golden_dir, golden_files, Row, Trace};

/// Mismatches reported per file before the rest of that file is skipped (after a divergence every row differs).
const MISMATCHES_PER_FILE: usize = 5;

/// 0/1 as the traces write booleans.
fn bit(flag: bool) -> u8 {
    u8::from(flag)
}

/// `[[a,b,…],…]`: a list of integer tuples in the traces' compact JSON.
fn json_rows<const N: usize>(rows: impl IntoIterator<Item = [i32; N]>) -> String {
    let rows: Vec<String> = rows
        .into_iter()
        .map(|row| format!("[{}]", row.map(|value| value.to_string()).join(",")))
        .collect();
    format!("[{}]", rows.join(","))
}

/// A 10×10 map as the traces' 100 digits, row by row.
fn digits(map: &[[bool; 10]; 10]) -> String {
    map.iter().flatten().map(|&cell| if cell { '1' } else { '0' }).collect()
}

/// A game whose traces this test replays: the file prefix and its internal variables as the trace's columns.
trait Recorded: Game {
    const PREFIX: &'static str;
    fn columns(&self) -> Vec<(&'static str, String)>;
}

impl Recorded for Asterix {
    const PREFIX: &'static str = "minatar_asterix_";
    fn columns(&self) -> Vec<(&'static str, String)> {
        let entities: Vec<String> = self
            .entities
            .iter()
            .map(|slot| match slot {
                None => "null".to_string(),
                Some(entity) => format!(
                    "[{},{},{},{}]",
                    entity.x,
                    entity.y,
                    bit(entity.moves_right),
                    bit(entity.gold)
                ),
            })
            .collect();
        vec![
            ("player_x", self.player_x.to_string()),
            ("player_y", self.player_y.to_string()),
            ("spawn_speed", self.spawn_speed.to_string()),
            ("spawn_timer", self.spawn_timer.to_string()),
            ("move_speed", self.move_speed.to_string()),
            ("move_timer", self.move_timer.to_string()),
            ("ramp_timer", self.ramp_timer.to_string()),
            ("ramp_index", self.ramp_index.to_string()),
            // MinAtar sets a `shot_timer` to 0 and never uses it; knowhow's Asterix has none.
            ("shot_timer", "0".to_string()),
            ("entities", format!("[{}]", entities.join(","))),
        ]
    }
}

impl Recorded for Breakout {
    const PREFIX: &'static str = "minatar_breakout_";
    fn columns(&self) -> Vec<(&'static str, String)> {
        vec![
            ("ball_x", self.ball_x.to_string()),
            ("ball_y", self.ball_y.to_string()),
            ("ball_dir", self.ball_direction.index().to_string()),
            ("pos", self.paddle_x.to_string()),
            ("last_x", self.last_ball_x.to_string()),
            ("last_y", self.last_ball_y.to_string()),
            ("strike", bit(self.strike).to_string()),
        ]
    }
}

impl Recorded for Freeway {
    const PREFIX: &'static str = "minatar_freeway_";
    fn columns(&self) -> Vec<(&'static str, String)> {
        vec![
            ("pos", self.position.to_string()),
            ("move_timer", self.move_timer.to_string()),
            ("terminate_timer", self.terminate_timer.to_string()),
            (
                "cars",
                json_rows(self.cars.iter().map(|car| [car.x, car.y, car.timer, car.speed])),
            ),
        ]
    }
}

impl Recorded for Seaquest {
    const PREFIX: &'static str = "minatar_seaquest_";
    fn columns(&self) -> Vec<(&'static str, String)> {
        let bullets = |bullets: &[knowhow::envs::minatar::seaquest::Bullet]| {
            json_rows(bullets.iter().map(|b| [b.x, b.y, i32::from(b.moves_right)]))
        };
        let swimmers = |swimmers: &[knowhow::envs::minatar::seaquest::Swimmer]| {
            json_rows(
                swimmers
                    .iter()
                    .map(|s| [s.x, s.y, i32::from(s.moves_right), s.move_timer]),
            )
        };
        vec![
            ("sub_x", self.sub_x.to_string()),
            ("sub_y", self.sub_y.to_string()),
            ("sub_or", bit(self.facing_right).to_string()),
            ("oxygen", self.oxygen.to_string()),
            ("diver_count", self.diver_count.to_string()),
            ("shot_timer", self.shot_timer.to_string()),
            ("surface", bit(self.surface).to_string()),
            ("e_spawn_speed", self.enemy_spawn_speed.to_string()),
            ("e_spawn_timer", self.enemy_spawn_timer.to_string()),
            ("d_spawn_timer", self.diver_spawn_timer.to_string()),
            ("move_speed", self.move_speed.to_string()),
            ("ramp_index", self.ramp_index.to_string()),
            ("f_bullets", bullets(&self.friendly_bullets)),
            ("e_bullets", bullets(&self.enemy_bullets)),
            ("e_fish", swimmers(&self.enemy_fish)),
            (
                "e_subs",
                json_rows(
                    self.enemy_subs
                        .iter()
                        .map(|s| [s.x, s.y, i32::from(s.moves_right), s.move_timer, s.shot_timer]),
                ),
            ),
            ("divers", swimmers(&self.divers)),
        ]
    }
}

impl Recorded for SpaceInvaders {
    const PREFIX: &'static str = "minatar_space_invaders_";
    fn columns(&self) -> Vec<(&'static str, String)> {
        vec![
            ("pos", self.position.to_string()),
            ("alien_dir", self.alien_direction.to_string()),
            ("enemy_move_interval", self.enemy_move_interval.to_string()),
            ("alien_move_timer", self.alien_move_timer.to_string()),
            ("alien_shot_timer", self.alien_shot_timer.to_string()),
            ("ramp_index", self.ramp_index.to_string()),
            ("shot_timer", self.shot_timer.to_string()),
            ("alien_map", digits(&self.aliens)),
            ("f_bullet_map", digits(&self.friendly_bullets)),
            ("e_bullet_map", digits(&self.enemy_bullets)),
        ]
    }
}

/// `(sticky probability, seed)` from a name like `minatar_asterix_sticky0.1_seed0_lookahead.csv`.
fn settings(file: &str, prefix: &str) -> (f64, u64) {
    let rest = file
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix("sticky"))
        .unwrap_or_else(|| panic!("{file}: name does not start with {prefix}sticky"));
    let (probability, rest) = rest
        .split_once("_seed")
        .unwrap_or_else(|| panic!("{file}: no `_seed` in the name"));
    let seed: String = rest.chars().take_while(char::is_ascii_digit).collect();
    (
        probability
            .parse()
            .unwrap_or_else(|_| panic!("{file}: sticky probability")),
        seed.parse().unwrap_or_else(|_| panic!("{file}: seed")),
    )
}

/// What one file's replay saw.
#[derive(Debug, Default)]
struct Tally {
    reset_rows: usize,
    step_rows: usize,
    sticky_repeats: usize,
    reward: f64,
    terminals: usize,
    mismatches: Vec<String>,
}

/// The differences between knowhow's env after a row and the row.
fn differences<G: Recorded>(row: &Row, env: &MinAtar<G>, words: u64, observation: &[f32]) -> Vec<String> {
    let mut problems = Vec::new();
    if row.columns.contains_key("u32_used") {
        let recorded_words: u64 = row.parse("u32_used");
        if words != recorded_words {
            problems.push(format!("32-bit words drawn: MinAtar {recorded_words}, knowhow {words}"));
        }
    }
    for (column, value) in env.game().columns() {
        if row.field(column) != value {
            problems.push(format!("{column}: MinAtar {}, knowhow {value}", row.field(column)));
        }
    }
    let channels = G::CHANNEL_NAMES.len();
    let recorded = row.field("state").as_bytes();
    assert_eq!(recorded.len(), observation.len(), "{}: state length", row.place());
    let mut cells = String::new();
    for (index, (&digit, &value)) in recorded.iter().zip(observation).enumerate() {
        if (digit == b'1') != (value == 1.0) {
            let cell = index / channels;
            let _ = write!(
                cells,
                " (x {}, y {}, {}: MinAtar {}, knowhow {value})",
                cell % 10,
                cell / 10,
                G::CHANNEL_NAMES[index % channels],
                digit as char
            );
        }
    }
    if !cells.is_empty() {
        problems.push(format!("observation:{cells}"));
    }
    problems
}

/// Replays one trace file through knowhow's env.
fn replay_file<G: Recorded>(path: &Path) -> Tally {
    let trace = Trace::read(path);
    let file = &trace.file;
    let (sticky, seed) = settings(file, G::PREFIX);
    let mut env = MinAtar::<G>::new(MinAtarConfig {
        sticky_action_probability: sticky,
        ..MinAtarConfig::default()
    });
    let mut observation = vec![0.0f32; MinAtar::<G>::OBSERVATION_SIZE];
    let mut tally = Tally::default();
    for (index, row) in trace.rows() {
        // Seeding restarts the count of words drawn.
        let words_before = if index == 0 { 0 } else { env.words_used() };
        let mut problems = Vec::new();
        match row.field("kind") {
            "reset" => {
                // The first reset follows `seed(k)`; later ones continue the stream.
                env.reset((index == 0).then_some(seed), &mut observation);
                tally.reset_rows += 1;
            }
            "step" => {
                assert!(tally.reset_rows > 0, "{}: a step before any reset row", row.place());
                let requested: usize = row.parse("action");
                let previous = env.last_action();
                let outcome = env.step(requested, &mut observation);
                let applied: usize = row.parse("effective_action");
                if env.last_action() != applied {
                    problems.push(format!(
                        "effective action: MinAtar {applied}, knowhow {} (requested {requested})",
                        env.last_action()
                    ));
                }
                tally.sticky_repeats += usize::from(applied != requested && applied == previous);
                let reward: f64 = row.parse("reward");
                if outcome.reward != reward {
                    problems.push(format!("reward: MinAtar {reward}, knowhow {}", outcome.reward));
                }
                let terminal = row.flag("terminal");
                if outcome.terminated != terminal || outcome.truncated {
                    problems.push(format!("terminal: MinAtar {terminal}, knowhow {outcome:?}"));
                }
                tally.step_rows += 1;
                tally.reward += reward;
                tally.terminals += usize::from(terminal);
            }
            other => panic!("{}: kind `{other}`", row.place()),
        }
        problems.extend(differences(&row, &env, env.words_used() - words_before, &observation));
        tally.mismatches.extend(
            problems
                .into_iter()
                .map(|problem| format!("{}: {problem}", row.place())),
        );
        if tally.mismatches.len() >= MISMATCHES_PER_FILE {
            tally.mismatches.truncate(MISMATCHES_PER_FILE);
            tally.mismatches.push(format!(
                "{file}: rest of the file skipped after {MISMATCHES_PER_FILE} mismatches"
            ));
            break;
        }
    }
    println!(
        "{file}: {} reset rows, {} step rows ({} sticky repeats, reward {}, {} terminal), {} mismatches",
        tally.reset_rows,
        tally.step_rows,
        tally.sticky_repeats,
        tally.reward,
        tally.terminals,
        tally.mismatches.len()
    );
    tally
}

/// Replays every trace of game `G`; there must be at least one with sticky actions and one without.
fn replay_all<G: Recorded>() {
    let files = golden_files(G::PREFIX);
    let probabilities: Vec<f64> = files
        .iter()
        .map(|path| settings(&path.file_name().unwrap().to_string_lossy(), G::PREFIX).0)
        .collect();
    assert!(
        probabilities.contains(&0.0) && probabilities.iter().any(|&p| p > 0.0),
        "{}: want traces with and without sticky actions in {}, found {files:?}",
        G::PREFIX,
        golden_dir().display()
    );
    let mut mismatches = Vec::new();
    for path in &files {
        let tally = replay_file::<G>(path);
        assert!(tally.step_rows > 0, "{}: no step rows", path.display());
        mismatches.extend(tally.mismatches);
    }
    assert!(
        mismatches.is_empty(),
        "{} differs from MinAtar:\n{}",
        G::ID,
        mismatches.join("\n")
    );
}

#[test]
fn asterix_matches_minatar() {
    replay_all::<Asterix>();
}

#[test]
fn breakout_matches_minatar() {
    replay_all::<Breakout>();
}

#[test]
fn freeway_matches_minatar() {
    replay_all::<Freeway>();
}

#[test]
fn seaquest_matches_minatar() {
    replay_all::<Seaquest>();
}

#[test]
fn space_invaders_matches_minatar() {
    replay_all::<SpaceInvaders>();
}

#[test]
fn registered_ids_build_the_games_with_minatars_action_sets() {
    // (id, channels, actions): the full set is MinAtar's six; the minimal sets are MinAtar's `minimal_action_set`.
    let expected = [
        ("MinAtar/Asterix-v0", 4, 6),
        ("MinAtar/Asterix-v1", 4, 5),
        ("MinAtar/Breakout-v0", 4, 6),
        ("MinAtar/Breakout-v1", 4, 3),
        ("MinAtar/Freeway-v0", 7, 6),
        ("MinAtar/Freeway-v1", 7, 3),
        ("MinAtar/Seaquest-v0", 10, 6),
        ("MinAtar/Seaquest-v1", 10, 6),
        ("MinAtar/SpaceInvaders-v0", 6, 6),
        ("MinAtar/SpaceInvaders-v1", 6, 4),
    ];
    for (id, channels, actions) in expected {
        let env = make_env(id).unwrap_or_else(|| panic!("{id} is not registered"));
        assert_eq!(env.image_shape(), Some((10, 10, channels)), "{id}");
        assert_eq!(env.action_count(), actions, "{id}");
        assert_eq!(env.observation_values(), ObservationValues::Binary, "{id}");
    }
}
