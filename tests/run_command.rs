//! End-to-end runs of the `knowhow run` binary on tiny budgets: the results layout, determinism, and resuming.

use std::fs;
use std::path::Path;
use std::process::Command;

const TINY_SPEC: &str = r#"(
    name: "tiny",
    envs: [(id: "CartPole-v1", steps: 3000, eval_every: 1000, eval_episodes: 2, final_evals: 2)],
    agent: (hidden: [16], learning_rate: 0.001, batch_size: 32, buffer_size: 2000, learning_starts: 500,
            train_every: 2, target: Hard(200), exploration_fraction: 0.3),
    seeds: List([0, 1]),
)"#;

fn knowhow(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_knowhow"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn run_into(spec: &Path, out: &Path) -> std::process::Output {
    let output = knowhow(&[
        "run",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--jobs",
        "2",
    ]);
    assert!(
        output.status.success(),
        "run failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// A CSV's text with the named column removed (for the wall-time columns that differ between identical runs).
fn without_column(text: &str, column: &str) -> String {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    let drop = header.iter().position(|name| *name == column);
    std::iter::once(header)
        .chain(lines.map(|line| line.split(',').collect()))
        .map(|fields| {
            fields
                .iter()
                .enumerate()
                .filter(|(index, _)| Some(*index) != drop)
                .map(|(_, field)| *field)
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn same_spec_and_seed_give_identical_csvs_and_the_results_layout() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("tiny.ron");
    fs::write(&spec, TINY_SPEC).unwrap();
    let (first, second) = (dir.path().join("first"), dir.path().join("second"));
    let output = run_into(&spec, &first);
    run_into(&spec, &second);

    assert_eq!(fs::read_to_string(first.join("spec.ron")).unwrap(), TINY_SPEC);
    let summary = fs::read_to_string(first.join("summary.csv")).unwrap();
    assert!(summary.starts_with("env,variant,seed,final_score,auc,steps,wall_secs,steps_per_sec,status"));
    assert_eq!(summary.lines().count(), 3, "a header and one row per run:\n{summary}");
    // Its stderr is a pipe, not a terminal: instead of bars, one plain line per finished run, with the stored score.
    let stderr = String::from_utf8_lossy(&output.stderr);
    for row in summary.lines().skip(1) {
        let fields: Vec<&str> = row.split(',').collect();
        let score: f64 = fields[3].parse().unwrap();
        let line = format!(
            "{}/{}/seed-{}: final eval score {score:.1}, ",
            fields[0], fields[1], fields[2]
        );
        assert_eq!(stderr.matches(&line).count(), 1, "{line:?} in:\n{stderr}");
    }
    assert!(stderr.contains("[1/2] ") && stderr.contains("[2/2] "), "{stderr}");

    for seed in [0, 1] {
        let run = format!("runs/CartPole-v1/base/seed-{seed}");
        for file in ["episodes.csv", "evals.csv"] {
            let (a, b) = (first.join(&run).join(file), second.join(&run).join(file));
            assert_eq!(
                fs::read(&a).unwrap(),
                fs::read(&b).unwrap(),
                "{file} of seed {seed} differs"
            );
        }
        let train = |root: &Path| fs::read_to_string(root.join(&run).join("train.csv")).unwrap();
        assert_eq!(
            without_column(&train(&first), "steps_per_sec"),
            without_column(&train(&second), "steps_per_sec")
        );
        // Evaluations at step 0, every 1000 steps, and the end.
        let evals = fs::read_to_string(first.join(&run).join("evals.csv")).unwrap();
        let steps: Vec<&str> = evals
            .lines()
            .skip(1)
            .map(|line| line.split(',').next().unwrap())
            .collect();
        assert_eq!(steps, ["0", "1000", "2000", "3000"]);
        let manifest = fs::read_to_string(first.join(&run).join("manifest.json")).unwrap();
        assert!(manifest.contains("\"status\": \"complete\""), "{manifest}");
    }
    // Different seeds train differently.
    let evals = |seed: u64| fs::read(first.join(format!("runs/CartPole-v1/base/seed-{seed}/episodes.csv"))).unwrap();
    assert_ne!(evals(0), evals(1));
}

#[test]
fn a_rerun_reuses_complete_runs_and_retrains_changed_ones() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("tiny.ron");
    let out = dir.path().join("out");
    fs::write(&spec, TINY_SPEC).unwrap();
    run_into(&spec, &out);
    let evals = out.join("runs/CartPole-v1/base/seed-0/evals.csv");
    let before = fs::read(&evals).unwrap();

    let again = run_into(&spec, &out);
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(stdout.contains("0 trained, 2 reused"), "{stdout}");
    assert_eq!(fs::read(&evals).unwrap(), before);

    // A changed config changes the hash: the folder holds the old experiment, so it is refused unless --fresh,
    // and then both runs train again.
    fs::write(&spec, TINY_SPEC.replace("learning_rate: 0.001", "learning_rate: 0.002")).unwrap();
    let refused = knowhow(&["run", spec.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2));
    let changed = knowhow(&["run", spec.to_str().unwrap(), "--out", out.to_str().unwrap(), "--fresh"]);
    assert!(String::from_utf8_lossy(&changed.stdout).contains("2 trained, 0 reused"));
}
