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
    synthetic_with_gaps(dir, steps, scores, &[], &[]);
}

/// As `synthetic`, but the seeds in `failed` are stored as failed runs and those in `missing` not at all.
fn synthetic_with_gaps(dir: &Path, steps: usize, scores: &[f64], failed: &[u64], missing: &[u64]) {
    let source = spec_source(steps, scores.len());
    let spec = parse_spec(&source, Path::new("synthetic.ron")).unwrap();
    let results = ResultsDir::new(dir);
    results.write_spec(&source).unwrap();
    for (run, score) in plan(&spec).iter().zip(scores) {
        if missing.contains(&run.seed) {
            continue;
        }
        if failed.contains(&run.seed) {
            results
                .write_failed_run(run, "non-finite loss NaN at step 700".to_string(), 1.0)
                .unwrap();
            continue;
        }
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

#[test]
fn failed_or_missing_runs_in_the_new_set_are_a_regression() {
    // Regression (issue 12): with 2 of 8 seeds diverged the row showed n 6/8 and "no change", exit 0; with every
    // seed diverged the variant vanished from the table. Each unfinished run is a regression, named with its reason.
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline");
    synthetic(&baseline, 1000, &GOOD);
    for (name, failed, missing) in [
        ("some-failed", vec![1, 4], vec![]),
        ("all-failed", (0..8).collect(), vec![]),
        ("one-missing", vec![], vec![7]),
    ] {
        let new = dir.path().join(name);
        synthetic_with_gaps(&new, 1000, &GOOD, &failed, &missing);
        let output = check(&new, &baseline);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{name}: {stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(stdout.contains("REGRESSED"), "{name}: {stdout}");
        for seed in &failed {
            let line = format!("- CartPole-v1/base/seed-{seed}: failed: non-finite loss NaN at step 700");
            assert!(stdout.contains(&line), "{name}: {stdout}");
        }
        for seed in &missing {
            assert!(stdout.contains(&format!("- CartPole-v1/base/seed-{seed}: missing: never stored")));
        }
        let unfinished = failed.len() + missing.len();
        let markdown = fs::read_to_string(new.join("check.md")).unwrap();
        assert!(
            markdown.contains(&format!("{unfinished} run(s) failed or missing"))
                && markdown.contains(&format!("{unfinished} run(s) of the new set did not finish")),
            "{name}: {markdown}"
        );
        let json: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(new.join("check.json")).unwrap()).unwrap();
        assert_eq!(json["unfinished_new"].as_array().unwrap().len(), unfinished, "{name}");
    }
}

#[test]
fn runs_that_do_not_belong_to_the_spec_are_named_not_aggregated() {
    // Regression (issue 12): a manifest copied into another seed's folder counted as 5/5, and a manifest with
    // config_hash "deadbeef" was accepted.
    let dir = tempfile::tempdir().unwrap();
    let (baseline, copied, edited) = (
        dir.path().join("baseline"),
        dir.path().join("copied"),
        dir.path().join("edited"),
    );
    synthetic(&baseline, 1000, &GOOD);
    synthetic(&copied, 1000, &GOOD);
    synthetic(&edited, 1000, &GOOD);
    let run = |root: &Path, seed: u64| root.join(format!("runs/CartPole-v1/base/seed-{seed}"));
    fs::copy(
        run(&copied, 0).join("manifest.json"),
        run(&copied, 3).join("manifest.json"),
    )
    .unwrap();
    let manifest = run(&edited, 2).join("manifest.json");
    let text = fs::read_to_string(&manifest).unwrap();
    let hash = text
        .split("\"config_hash\": \"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    fs::write(&manifest, text.replace(&hash, "deadbeef")).unwrap();

    for (folder, expected) in [
        (
            &copied,
            "runs/CartPole-v1/base/seed-3/manifest.json is the manifest of CartPole-v1/base/seed-0".to_string(),
        ),
        (
            &edited,
            format!("runs/CartPole-v1/base/seed-2 was trained with config hash deadbeef, the spec's is {hash}"),
        ),
    ] {
        for output in [
            check(folder, &baseline),
            Command::new(env!("CARGO_BIN_EXE_knowhow"))
                .args(["report", folder.to_str().unwrap()])
                .output()
                .unwrap(),
        ] {
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{stderr}");
            assert!(
                stderr.contains(&expected) && stderr.contains("1 stored run(s)"),
                "{stderr}"
            );
        }
    }
}

#[test]
fn a_noise_band_that_turns_the_gate_off_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline");
    synthetic(&baseline, 1000, &GOOD);
    for noise in ["inf", "NaN", "-0.1"] {
        let output = Command::new(env!("CARGO_BIN_EXE_knowhow"))
            .args([
                "check",
                baseline.to_str().unwrap(),
                "--baseline",
                baseline.to_str().unwrap(),
            ])
            .arg(format!("--noise={noise}"))
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "--noise {noise}");
        assert!(String::from_utf8_lossy(&output.stderr).contains("expected finite bands >= 0"));
    }
}

#[test]
fn agents_that_differ_between_the_sets_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let (baseline, new) = (dir.path().join("baseline"), dir.path().join("new"));
    synthetic(&baseline, 1000, &GOOD);
    synthetic(&new, 1000, &GOOD);
    let spec = new.join("spec.ron");
    let text = fs::read_to_string(&spec).unwrap();
    fs::write(
        &spec,
        text.replace("seeds:", "agent: (learning_rate: 0.001, double: true), seeds:"),
    )
    .unwrap();
    // The runs were stored under the old config: store them again under the new spec's hashes.
    let spec_value = parse_spec(&fs::read_to_string(&spec).unwrap(), &spec).unwrap();
    synthetic_rehash(&new, &spec_value);
    let output = check(&new, &baseline);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("note: the two sets ran different agents (baseline → new):")
            && stdout.contains("- CartPole-v1/base: ")
            && stdout.contains("double false → true")
            && stdout.contains("learning_rate 0.00025 → 0.001"),
        "{stdout}"
    );
}

/// Rewrites every stored manifest with the config hash `spec` plans for it (as if trained under `spec`).
fn synthetic_rehash(dir: &Path, spec: &knowhow::spec::Spec) {
    for run in plan(spec) {
        let manifest_path = dir.join("runs").join(run.id()).join("manifest.json");
        let mut manifest: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(&manifest_path).unwrap()).unwrap();
        manifest["config_hash"] = serde_json::Value::String(run.config_hash());
        fs::write(&manifest_path, serde_json::to_string_pretty(&manifest).unwrap()).unwrap();
    }
}
