//! `knowhow import` end to end through the binary: other frameworks' logs (CleanRL's printed lines, SB3's monitor
//! files, a plain CSV) become variants that `report` and `check` treat like knowhow's own, scored on training
//! episodes; bad input is refused before anything is written (issue 19).

use std::fs;
use std::path::Path;
use std::process::Command;

mod support;
use support::{knowhow_in, text};

/// 1,000 steps: the final training score is the mean return of the episodes ending at step ≥ 900.
const SPEC: &str = r#"(
    name: "peer",
    envs: [(id: "CartPole-v1", steps: 1000, eval_every: 500, eval_episodes: 1, final_evals: 1)],
    agent: (hidden: [8], batch_size: 16, buffer_size: 500, learning_starts: 100, train_every: 4, target: Hard(100)),
    variants: [(name: "dqn")],
    reference: "dqn",
    seeds: List([0, 1, 2, 3]),
)"#;

/// A folder with the spec trained into `results/`.
fn trained() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("peer.ron"), SPEC).unwrap();
    let output = knowhow_in(dir.path(), &["run", "peer.ron", "--out", "results"]);
    assert!(output.status.success(), "{}", text(&output));
    dir
}

/// CleanRL's printed lines for episodes ending at steps 100, 600, 850, 900, 950 and 1000 (`global_step` is one less),
/// the last three returning `tail` each: a final training score of `tail`.
fn cleanrl_log(tail: f64) -> String {
    let mut log = String::from("SPS: 812\n");
    for (step, episode_return) in [
        (100, 9.0),
        (600, 77.0),
        (850, 333.0),
        (900, tail),
        (950, tail),
        (1000, tail),
    ] {
        log.push_str(&format!(
            "global_step={}, episodic_return=[{episode_return}]\n",
            step - 1
        ));
    }
    log
}

/// SB3's monitor file: lengths 500, 400, 50, 50 end at steps 500, 900, 950, 1000; returns 5, then `a`, `b`, `c`.
fn sb3_monitor(a: f64, b: f64, c: f64) -> String {
    format!(
        "#{{\"t_start\": 1700000000.0, \"env_id\": \"CartPole-v1\"}}\nr,l,t\n5.0,500,1.0\n{a},400,2.0\n{b},50,2.1\n\
         {c},50,2.2\n"
    )
}

fn write(dir: &Path, name: &str, contents: &str) -> String {
    let path = dir.join(name);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, contents).unwrap();
    name.to_string()
}

/// The rows of a CSV as maps from column to field.
fn rows(path: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|record| {
            header
                .iter()
                .map(str::to_string)
                .zip(record.unwrap().iter().map(str::to_string))
                .collect()
        })
        .collect()
}

fn aggregate_of(results: &Path, variant: &str) -> (usize, f64, f64) {
    let row = rows(&results.join("aggregate.csv"))
        .into_iter()
        .find(|row| row["variant"] == variant)
        .unwrap_or_else(|| panic!("no aggregate row for {variant}"));
    (
        row["n"].parse().unwrap(),
        row["iqm"].parse().unwrap(),
        row["mean"].parse().unwrap(),
    )
}

/// IQM of four values as rliable computes it (25% trimmed from each end): the mean of the middle two.
fn iqm_of_four(mut values: [f64; 4]) -> f64 {
    values.sort_by(f64::total_cmp);
    (values[1] + values[2]) / 2.0
}

#[test]
fn imported_runs_are_aggregated_on_their_training_episodes_like_knowhows_own() {
    let dir = trained();
    let root = dir.path();
    let cleanrl: Vec<String> = [10.0, 20.0, 30.0, 40.0]
        .iter()
        .enumerate()
        .map(|(seed, tail)| write(root, &format!("cleanrl/seed-{seed}.log"), &cleanrl_log(*tail)))
        .collect();
    let mut args = vec![
        "import",
        "results",
        "--variant",
        "cleanrl-dqn",
        "--format",
        "cleanrl-log",
        "--framework",
        "cleanrl",
        "--framework-version",
        "1.2.0",
    ];
    args.extend(cleanrl.iter().map(String::as_str));
    let output = knowhow_in(root, &args);
    assert!(output.status.success(), "{}", text(&output));
    assert!(
        text(&output).contains("4 imported, 0 already there"),
        "{}",
        text(&output)
    );

    // SB3 monitor files, seeds given in order; the final scores are the means of the last three returns.
    let sb3_returns = [
        (30.0, 60.0, 90.0),
        (100.0, 100.0, 100.0),
        (0.0, 0.0, 300.0),
        (10.0, 20.0, 60.0),
    ];
    let monitors: Vec<String> = sb3_returns
        .iter()
        .enumerate()
        .map(|(index, (a, b, c))| write(root, &format!("sb3/run{index}/monitor.csv"), &sb3_monitor(*a, *b, *c)))
        .collect();
    let mut args = vec![
        "import",
        "results",
        "--variant",
        "sb3-dqn",
        "--format",
        "sb3-monitor",
        "--framework",
        "stable-baselines3",
        "--seeds",
        "7,8,9,10",
    ];
    args.extend(monitors.iter().map(String::as_str));
    let output = knowhow_in(root, &args);
    assert!(output.status.success(), "{}", text(&output));

    // A plain CSV.
    let plain = write(root, "plain/seed_5.csv", "step,return\n450,3\n920,11\n999,13\n");
    let output = knowhow_in(
        root,
        &[
            "import",
            "results",
            "--variant",
            "mine",
            "--format",
            "csv",
            "--framework",
            "hand",
            &plain,
        ],
    );
    assert!(output.status.success(), "{}", text(&output));

    let output = knowhow_in(root, &["report", "results"]);
    assert!(output.status.success(), "{}", text(&output));
    let results = root.join("results");
    assert_eq!(aggregate_of(&results, "cleanrl-dqn").0, 4);
    assert_eq!(
        aggregate_of(&results, "cleanrl-dqn").1,
        iqm_of_four([10.0, 20.0, 30.0, 40.0])
    );
    let sb3_finals = sb3_returns.map(|(a, b, c)| (a + b + c) / 3.0);
    let (n, iqm, mean) = aggregate_of(&results, "sb3-dqn");
    assert_eq!(n, 4);
    assert!((iqm - iqm_of_four(sb3_finals)).abs() < 1e-9, "{iqm}");
    assert!((mean - sb3_finals.iter().sum::<f64>() / 4.0).abs() < 1e-9, "{mean}");
    assert_eq!(aggregate_of(&results, "mine"), (1, 12.0, 12.0));

    // knowhow's own runs are scored on the same measure there: their training episodes ending at step ≥ 900.
    let own_finals: Vec<f64> = (0..4)
        .map(|seed| {
            let episodes = rows(&results.join(format!("runs/CartPole-v1/dqn/seed-{seed}/episodes.csv")));
            let tail: Vec<f64> = episodes
                .iter()
                .filter(|row| row["step"].parse::<usize>().unwrap() >= 900)
                .map(|row| row["return"].parse::<f64>().unwrap())
                .collect();
            assert!(!tail.is_empty(), "seed {seed} has an episode ending in the last tenth");
            tail.iter().sum::<f64>() / tail.len() as f64
        })
        .collect();
    let (n, iqm, _) = aggregate_of(&results, "dqn");
    assert_eq!(n, 4);
    let expected = iqm_of_four([own_finals[0], own_finals[1], own_finals[2], own_finals[3]]);
    assert!((iqm - expected).abs() < 1e-9, "{iqm} vs {expected}");

    // Each imported variant against the spec's reference, and the page says which measure it used.
    let comparisons = rows(&results.join("comparisons.csv"));
    let compared: Vec<&str> = comparisons.iter().map(|row| row["variant"].as_str()).collect();
    assert_eq!(compared, ["cleanrl-dqn", "mine", "sb3-dqn"]);
    assert!(comparisons.iter().all(|row| row["reference"] == "dqn"));
    let page = fs::read_to_string(results.join("index.html")).unwrap();
    assert!(page.contains("runs imported from other frameworks take part"));
    assert!(page.contains("imported: cleanrl 1.2.0, from cleanrl-log"));

    // A saved baseline keeps them, with the episodes they are compared against, and reads back the same.
    let output = knowhow_in(
        root,
        &["run", "peer.ron", "--out", "results", "--save-baseline", "with-peers"],
    );
    assert!(output.status.success(), "{}", text(&output));
    let baseline = root.join("reports/baselines/with-peers");
    assert!(baseline
        .join("imported/CartPole-v1/cleanrl-dqn/seed-3/import.json")
        .is_file());
    let output = knowhow_in(root, &["report", "reports/baselines/with-peers"]);
    assert!(output.status.success(), "{}", text(&output));
    assert_eq!(aggregate_of(&baseline, "dqn").1, iqm);
}

#[test]
fn check_compares_an_imported_variant_with_itself_in_the_baseline() {
    let dir = trained();
    let root = dir.path();
    let import = |folder: &str, tails: [f64; 4]| {
        let files: Vec<String> = tails
            .iter()
            .enumerate()
            .map(|(seed, tail)| write(root, &format!("{folder}-logs/seed-{seed}.log"), &cleanrl_log(*tail)))
            .collect();
        let mut args = vec!["import", folder, "--variant", "cleanrl-dqn", "--format", "cleanrl-log"];
        args.extend(["--framework", "cleanrl"]);
        args.extend(files.iter().map(String::as_str));
        let output = knowhow_in(root, &args);
        assert!(output.status.success(), "{}", text(&output));
    };
    let copy = |to: &str| {
        let status = Command::new("cp")
            .arg("-r")
            .arg(root.join("results"))
            .arg(root.join(to))
            .status();
        assert!(status.unwrap().success());
    };
    copy("same");
    copy("worse");
    import("results", [400.0, 450.0, 480.0, 500.0]);
    import("same", [400.0, 450.0, 480.0, 500.0]);
    import("worse", [20.0, 25.0, 30.0, 22.0]);

    let output = knowhow_in(root, &["check", "same", "--baseline", "results"]);
    assert!(output.status.success(), "{}", text(&output));
    assert!(text(&output).contains("cleanrl-dqn"), "{}", text(&output));
    let output = knowhow_in(root, &["check", "worse", "--baseline", "results"]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    let report = fs::read_to_string(root.join("worse/check.json")).unwrap();
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    let regressed: Vec<&str> = report["scores"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|score| score["verdict"] == "regressed")
        .map(|score| score["variant"].as_str().unwrap())
        .collect();
    assert_eq!(regressed, ["cleanrl-dqn"], "{report}");
}

#[test]
fn bad_imports_are_refused_before_anything_is_written() {
    let dir = trained();
    let root = dir.path();
    let good = write(root, "logs/seed-0.log", &cleanrl_log(50.0));
    let attempt = |variant: &str, files: &[&str], extra: &[&str]| -> String {
        let mut args = vec!["import", "results", "--variant", variant, "--format", "cleanrl-log"];
        args.extend(["--framework", "cleanrl"]);
        args.extend(extra);
        args.extend(files);
        let output = knowhow_in(root, &args);
        assert_eq!(output.status.code(), Some(2), "{}", text(&output));
        assert!(
            !root.join("results/imported").exists(),
            "nothing written: {}",
            text(&output)
        );
        text(&output)
    };
    // The spec's own variant name, and a name that is not a folder name.
    assert!(attempt("dqn", &[&good], &[]).contains("one of the spec's own variants"));
    assert!(attempt("../x", &[&good], &[]).contains("--variant"));
    // A run that stops before the last tenth of the budget, one that runs past it.
    let short = write(root, "logs/seed-1.log", "global_step=499, episodic_return=[20.]\n");
    assert!(attempt("peer", &[&good, &short], &[]).contains("from step 900"));
    let long = write(root, "logs/seed-2.log", "global_step=1999, episodic_return=[20.]\n");
    assert!(attempt("peer", &[&long], &[]).contains("past the 1000 steps"));
    // No seed in the name; two files of one seed; a line that does not parse, named by file and line.
    let nameless = write(root, "logs/run.log", &cleanrl_log(50.0));
    assert!(attempt("peer", &[&nameless], &[]).contains("no seed in its name"));
    assert!(attempt("peer", &[&good, &nameless], &["--seeds", "4,4"]).contains("seed 4 is given to two files"));
    let broken = write(
        root,
        "logs/seed-3.log",
        "global_step=10, episodic_return=[1.]\nglobal_step=x, episodic_return=1\n",
    );
    assert!(attempt("peer", &[&good, &broken], &[]).contains("logs/seed-3.log:line 2"));
    // Not a results folder.
    let output = knowhow_in(
        root,
        &[
            "import",
            "logs",
            "--variant",
            "peer",
            "--format",
            "cleanrl-log",
            "--framework",
            "c",
            &good,
        ],
    );
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
}

#[test]
fn importing_the_same_file_again_changes_nothing_and_another_file_for_a_seed_is_refused() {
    let dir = trained();
    let root = dir.path();
    let first = write(root, "a/seed-0.log", &cleanrl_log(50.0));
    let other = write(root, "b/seed-0.log", &cleanrl_log(60.0));
    let import = |file: &str| {
        knowhow_in(
            root,
            &[
                "import",
                "results",
                "--variant",
                "peer",
                "--format",
                "cleanrl-log",
                "--framework",
                "c",
                file,
            ],
        )
    };
    assert!(import(&first).status.success());
    let manifest = root.join("results/imported/CartPole-v1/peer/seed-0/import.json");
    let before = fs::read(&manifest).unwrap();
    let again = import(&first);
    assert!(again.status.success(), "{}", text(&again));
    assert!(text(&again).contains("0 imported, 1 already there"), "{}", text(&again));
    assert_eq!(fs::read(&manifest).unwrap(), before);
    let clash = import(&other);
    assert_eq!(clash.status.code(), Some(2), "{}", text(&clash));
    assert!(
        text(&clash).contains("already holds another run (from a/seed-0.log)"),
        "{}",
        text(&clash)
    );
    assert_eq!(fs::read(&manifest).unwrap(), before);
}
