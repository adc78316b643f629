//! Golden traces of Atari Breakout recorded with ale-py 0.12.1 (`../shared/golden/atari`, README there): the
//! vendored ALE driven through the `ale` crate must give every row's reward, flags, lives, frame counters, RAM and
//! screens (grayscale and RGB, by sha256) bit for bit. Needs the `atari` feature and Breakout's ROM (found as
//! knowhow finds ROMs: `KNOWHOW_ATARI_ROMS` or an installed ale-py).

#[cfg(not(feature = "atari"))]
#[test]
fn atari_traces_are_skipped_without_the_atari_feature() {
    eprintln!(
        "skipped: the Atari golden traces need the emulator, which is built only with the `atari` feature \
         (GPL-2.0): cargo test --release --features atari --test golden_atari"
    );
}

#[cfg(feature = "atari")]
mod support;

#[cfg(feature = "atari")]
mod with_the_emulator {
    use crate::support;
    use ale::{Ale, Settings};
    use knowhow::envs::atari::arcade::{PreprocessedArcade, Preprocessing, V5_REPEAT_ACTION_PROBABILITY};
    use knowhow::envs::atari::numpy_generator::v5_seeds;
    use knowhow::envs::atari::roms::rom_path;
    use serde_json::Value;
    use sha2::{Digest, Sha256};
    use std::path::PathBuf;

    fn atari_dir() -> PathBuf {
        support::golden_dir().join("atari")
    }

    fn rows(name: &str) -> Vec<Value> {
        let path = atari_dir().join(name);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        text.lines()
            .map(|line| serde_json::from_str(line).expect("a JSON row"))
            .collect()
    }

    fn actions() -> Vec<usize> {
        let path = atari_dir().join("actions.txt");
        std::fs::read_to_string(&path)
            .unwrap_or_else(|error| panic!("{}: {error}", path.display()))
            .lines()
            .map(|line| line.trim().parse().expect("an action index"))
            .collect()
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|byte| format!("{byte:02x}")).collect()
    }

    /// The fields a row records, read from the emulator now, as the recorder writes them.
    fn observed(ale: &mut Ale, reward: i32, terminated: bool, truncated: bool) -> Vec<(&'static str, Value)> {
        let (height, width) = ale.screen_size();
        let mut gray = vec![0u8; height * width];
        ale.screen_grayscale(&mut gray);
        let mut rgb = vec![0u8; height * width * 3];
        ale.screen_rgb(&mut rgb);
        vec![
            ("reward", Value::from(reward as f64)),
            ("terminated", Value::from(terminated)),
            ("truncated", Value::from(truncated)),
            ("lives", Value::from(ale.lives())),
            ("episode_frame_number", Value::from(ale.episode_frame_number())),
            ("frame_number", Value::from(ale.frame_number())),
            ("ram", Value::from(hex(&ale.ram()))),
            ("gray_sha256", Value::from(hex(&Sha256::digest(&gray)))),
            ("rgb_sha256", Value::from(hex(&Sha256::digest(&rgb)))),
        ]
    }

    /// Compares the emulator's state now, and `observation` when given, with the next row of `expected`.
    fn compare_row<'a>(
        name: &str,
        expected: &mut impl Iterator<Item = &'a Value>,
        ale: &mut Ale,
        step: (i32, bool, bool),
        observation: Option<&[u8]>,
        at: &str,
    ) {
        let row = expected
            .next()
            .unwrap_or_else(|| panic!("{name}: the trace ends before {at}"));
        for (field, value) in observed(ale, step.0, step.1, step.2) {
            assert_eq!(row[field], value, "{name}, {at}: field {field}");
        }
        if let Some(observation) = observation {
            assert_eq!(
                row["obs_sha256"],
                Value::from(hex(&Sha256::digest(observation))),
                "{name}, {at}: the observation"
            );
        }
    }

    /// Replays the recorder's loop (4 × `act` per step, `reset_game` after an episode ends) on a fresh emulator
    /// with `settings`, comparing every row of the trace `name`; returns the rows compared.
    fn replay(name: &str, settings: &Settings) -> usize {
        let trace = rows(name);
        let rom = rom_path("breakout").unwrap_or_else(|error| panic!("{error}"));
        let mut ale = Ale::new(&rom, settings).expect("Breakout loads");
        let minimal = ale.minimal_action_set();
        assert_eq!(minimal, [0, 1, 3, 4], "Breakout's minimal action set (meta.json)");
        ale.reset_game();
        let mut expected = trace.iter();
        compare_row(
            name,
            &mut expected,
            &mut ale,
            (0, false, false),
            None,
            "the first reset",
        );
        for (step, action) in actions().into_iter().enumerate() {
            let reward: i32 = (0..4).map(|_| ale.act(minimal[action], 1.0)).sum();
            let terminated = ale.game_over(false);
            let truncated = ale.game_truncated();
            compare_row(
                name,
                &mut expected,
                &mut ale,
                (reward, terminated, truncated),
                None,
                &format!("step {step}"),
            );
            if terminated || truncated {
                ale.reset_game();
                let at = format!("the reset after step {step}");
                compare_row(name, &mut expected, &mut ale, (0, false, false), None, &at);
            }
        }
        assert!(expected.next().is_none(), "{name}: rows left over");
        trace.len()
    }

    #[test]
    fn the_emulator_without_sticky_actions_matches_ale_py() {
        let settings = Settings {
            random_seed: 0,
            repeat_action_probability: 0.0,
            frame_skip: 1,
            max_frames_per_episode: 108_000,
        };
        assert_eq!(replay("ale_direct_seed0_p0.jsonl", &settings), 2012);
    }

    #[test]
    fn sticky_actions_from_the_v5_seed_match_gymnasium() {
        // gymnasium's `ALE/Breakout-v5` with `reset(seed=0)`: ALE's random_seed is the second word of
        // SeedSequence(0).generate_state(2), wrapped to int32; knowhow's derivation must give meta.json's.
        let meta: Value =
            serde_json::from_str(&std::fs::read_to_string(atari_dir().join("meta.json")).expect("meta.json"))
                .expect("meta.json is JSON");
        let (numpy_seed, random_seed) = v5_seeds(0);
        assert_eq!(
            i64::from(random_seed),
            meta["v5_ale_random_seed"].as_i64().expect("a seed")
        );
        assert_eq!(u64::from(numpy_seed), meta["v5_np_seed"].as_u64().expect("a seed"));
        let settings = Settings {
            random_seed,
            repeat_action_probability: 0.25,
            frame_skip: 1,
            max_frames_per_episode: 108_000,
        };
        assert_eq!(replay("gym_v5_seed0.jsonl", &settings), 2011);
    }

    #[test]
    fn atari_preprocessing_matches_gymnasium() {
        // AtariPreprocessing(ALE/Breakout-v5 with frameskip 1, noop_max 30, frame skip 4, 84×84, no life-loss
        // termination), reset(seed=0), the same 2,000 actions, reset() after each episode: every row's emulator
        // state and the 84×84 observation's sha256. The no-op counts come from knowhow's numpy generator.
        let name = "gym_v5_atari_preproc_seed0.jsonl";
        let trace = rows(name);
        let rom = rom_path("breakout").unwrap_or_else(|error| panic!("{error}"));
        let mut env = PreprocessedArcade::new(&rom, Preprocessing::default(), V5_REPEAT_ACTION_PROBABILITY)
            .unwrap_or_else(|error| panic!("{error}"));
        let mut observation = vec![0u8; 84 * 84];
        let mut expected = trace.iter();
        env.reset(Some(0), &mut observation).expect("reset");
        let ale = env.arcade().ale();
        compare_row(
            name,
            &mut expected,
            ale,
            (0, false, false),
            Some(&observation),
            "the first reset",
        );
        for (step, action) in actions().into_iter().enumerate() {
            let outcome = env.step(action, &mut observation);
            let flags = (outcome.reward as i32, outcome.terminated, outcome.truncated);
            let at = format!("step {step}");
            compare_row(name, &mut expected, env.arcade().ale(), flags, Some(&observation), &at);
            if outcome.terminated || outcome.truncated {
                env.reset(None, &mut observation).expect("reset");
                let at = format!("the reset after step {step}");
                compare_row(
                    name,
                    &mut expected,
                    env.arcade().ale(),
                    (0, false, false),
                    Some(&observation),
                    &at,
                );
            }
        }
        assert!(expected.next().is_none(), "{name}: rows left over");
        assert_eq!(trace.len(), 2010);
    }
}
