//! `knowhow check` end to end on synthetic result sets (written through the store, with chosen final scores): the
//! verdicts, the exit codes, and the files a CI reads.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use knowhow::plan::plan;
use knowhow::spec::parse_spec;
use knowhow::store::ResultsDir;
use knowhow::train::{EvalRecord, RunRecords};

fn spec_source(steps: usize, seeds: usize) -> String {
    format!(
        "(name: \"synthetic\", envs: [(id: \"CartPole-v1\", steps: {steps}, eval_every: {steps}, final_evals: 1)], \
         seeds: Count({seeds}))"
    )
}

/// A results folder whose runs (seeds 0..n) have these final scores and run at `steps_per_run / wall` steps/s.
fn synthetic(dir: &Path, steps: usize, scores: &[f64]) {
    let source = spec_source(steps, scores.len());
    let spec = parse_spec(&source, Path::new("synthetic.ron")).unwrap();
    let results = ResultsDir::new(dir);
    results.write_spec(&source).unwrap();
    for (run, score) in plan(&spec).iter().zip(scores) {
        let eval = |step: usize, mean_return: f64| EvalRecord {
            step,
            mean_return,
            returns: mean_return.to_string(),
            q_estimate: 0.0,
            discounted_return: 0.0,
            win_rate: None,
            draw_rate: None,
            loss_rate: None,
        };
        let records = RunRecords {
            evals: vec![eval(0, 20.0), eval(steps, *score)],
            steps,
            wall_secs: 1.0,
            ..RunRecords::default()
        };
        results.write_run(run, &records).unwrap();
    }
}

fn check(new: &Path, baseline: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_knowhow"))
        .args(["check", new.to_str().unwrap(), "--baseline", baseline.to_str().unwrap()])
        .output()
        .unwrap()
}

const GOOD: [f64; 8] = [480.0, 500.0, 470.0, 495.0, 500.0, 460.0, 490.0, 500.0];

#[test]
fn equal_scores_pass_and_a_drop_fails_with_the_files_a_ci_reads() {
    let dir = tempfile::tempdir().unwrap();
    let (baseline, same, worse) = (
        dir.path().join("baseline"),
        dir.path().join("same"),
        dir.path().join("worse"),
    );
    synthetic(&baseline, 1000, &GOOD);
    synthetic(&same, 1000, &GOOD);
    synthetic(&worse, 1000, &GOOD.map(|score| score - 200.0));

    let passed = check(&same, &baseline);
    assert_eq!(
        passed.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&passed.stderr)
    );
    assert!(String::from_utf8_lossy(&passed.stdout).contains("no change"));

    let failed = check(&worse, &baseline);
    assert_eq!(failed.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&failed.stdout);
    assert!(stdout.contains("regressed") && stdout.contains("REGRESSED"), "{stdout}");
    let json: serde_json::Value = serde_json::from_str(&fs::read_to_string(worse.join("check.json")).unwrap()).unwrap();
    assert_eq!(json["scores"][0]["verdict"], "regressed");
    // 200 return points on CartPole's scale (22 → 500) is 200 / 478 of a normalised unit.
    let difference = json["scores"][0]["difference"]["estimate"].as_f64().unwrap();
    assert!((difference + 200.0 / 478.0).abs() < 1e-9, "{difference}");
    let markdown = fs::read_to_string(worse.join("check.md")).unwrap();
    assert!(markdown.starts_with("**knowhow check: 1 regressed**"), "{markdown}");

    // The report rendered with the baseline shows the verdict.
    let report = Command::new(env!("CARGO_BIN_EXE_knowhow"))
        .args([
            "report",
            worse.to_str().unwrap(),
            "--baseline",
            baseline.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(report.status.success(), "{}", String::from_utf8_lossy(&report.stderr));
    let page = fs::read_to_string(worse.join("index.html")).unwrap();
    assert!(page.contains("Against the baseline") && page.contains("Something regressed."));
}

#[test]
fn result_sets_that_cannot_be_compared_are_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let (baseline, longer) = (dir.path().join("baseline"), dir.path().join("longer"));
    synthetic(&baseline, 1000, &GOOD);
    synthetic(&longer, 2000, &GOOD);
    let output = check(&longer, &baseline);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("CartPole-v1: different budgets: the new set trains 2000 steps"),
        "{stderr}"
    );

    let missing = Command::new(env!("CARGO_BIN_EXE_knowhow"))
        .args(["check", baseline.to_str().unwrap(), "--baseline", "no-such-baseline"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("saved baselines live in reports/baselines/"));
}
