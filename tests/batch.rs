//! The batch runner end to end through the binary: resuming after SIGKILL gives the same result set as an
//! uninterrupted batch, a failing run does not take the others down, and shards partition the plan into folders
//! that merge by copying.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Two variants × three seeds of short CartPole runs.
mod support;
use support::result_set;

const BATCH_SPEC: &str = r#"(
    name: "batch",
    envs: [(id: "CartPole-v1", steps: 6000, eval_every: 2000, eval_episodes: 2, final_evals: 1)],
    agent: (hidden: [32], learning_rate: 0.001, batch_size: 32, buffer_size: 5000, learning_starts: 500,
            train_every: 1, target: Hard(200)),
    variants: [(name: "vanilla"), (name: "double", agent: (double: true))],
    reference: "vanilla",
    seeds: Count(3),
)"#;

fn knowhow(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_knowhow"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn write_spec(dir: &Path, source: &str) -> PathBuf {
    let spec = dir.join("spec-under-test.ron");
    fs::write(&spec, source).unwrap();
    spec
}

fn manifests_in(root: &Path) -> usize {
    result_set(root)
        .keys()
        .filter(|name| name.ends_with("manifest.json"))
        .count()
}

#[test]
fn a_batch_killed_mid_way_resumes_to_the_same_result_set() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write_spec(dir.path(), BATCH_SPEC);
    let spec = spec.to_str().unwrap();
    let (whole, resumed) = (dir.path().join("whole"), dir.path().join("resumed"));

    let uninterrupted = knowhow(&["run", spec, "--out", whole.to_str().unwrap(), "--jobs", "2"]);
    assert!(
        uninterrupted.status.success(),
        "{}",
        String::from_utf8_lossy(&uninterrupted.stderr)
    );

    // Start the same batch one run at a time and SIGKILL it once the first run is stored.
    let mut child = Command::new(env!("CARGO_BIN_EXE_knowhow"))
        .args(["run", spec, "--out", resumed.to_str().unwrap(), "--jobs", "1"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while (!resumed.exists() || manifests_in(&resumed) == 0) && started.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let stored = manifests_in(&resumed);
    assert!(
        (1..6).contains(&stored),
        "killed after {stored} of 6 runs: the test needs a batch cut mid-way"
    );

    let rerun = knowhow(&["run", spec, "--out", resumed.to_str().unwrap(), "--jobs", "2"]);
    assert!(rerun.status.success(), "{}", String::from_utf8_lossy(&rerun.stderr));
    let stdout = String::from_utf8_lossy(&rerun.stdout);
    assert!(
        stdout.contains(&format!("{} trained, {stored} reused", 6 - stored)),
        "{stdout}"
    );
    assert_eq!(result_set(&resumed), result_set(&whole));
}

/// Regression: manifests read back (a resumed batch, `report`, `check`) must give the very numbers written. serde_json
/// parses floats to the nearest double only with its `float_roundtrip` feature; without it, 244.29999999999998
/// came back as 244.3 and a resumed batch's summary differed from an uninterrupted one in the last digit.
#[test]
fn manifest_numbers_survive_the_round_trip_through_json() {
    for value in [244.29999999999998_f64, 230.33333333333334, 0.1 + 0.2, -84.2, 1e-300] {
        let text = serde_json::to_string(&value).unwrap();
        assert_eq!(
            serde_json::from_str::<f64>(&text).unwrap().to_bits(),
            value.to_bits(),
            "{text}"
        );
    }
}

#[test]
fn a_failing_run_is_recorded_and_the_others_complete() {
    let dir = tempfile::tempdir().unwrap();
    // A learning rate of 1e30 blows the weights up to inf within a few updates: the loss stops being finite.
    let source = BATCH_SPEC
        .replace(
            r#"(name: "double", agent: (double: true))"#,
            r#"(name: "explodes", agent: (learning_rate: 1e30))"#,
        )
        .replace("Count(3)", "Count(1)");
    let spec = write_spec(dir.path(), &source);
    let out = dir.path().join("out");
    let output = knowhow(&[
        "run",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--jobs",
        "2",
    ]);
    assert_eq!(output.status.code(), Some(1), "exit 1 when a run failed");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("CartPole-v1/explodes/seed-0") && stdout.contains("FAILED: loss became"),
        "{stdout}"
    );
    assert!(
        stdout.contains("2 runs: 2 trained, 0 reused from an earlier batch, 1 failed"),
        "{stdout}"
    );
    let summary = fs::read_to_string(out.join("summary.csv")).unwrap();
    let statuses: Vec<&str> = summary
        .lines()
        .skip(1)
        .map(|line| line.split(',').nth(8).unwrap())
        .collect();
    assert_eq!(statuses, ["complete", "failed"], "{summary}");
    let manifest = fs::read_to_string(out.join("runs/CartPole-v1/explodes/seed-0/manifest.json")).unwrap();
    assert!(manifest.contains("loss became"), "{manifest}");
}

#[test]
fn shards_write_disjoint_files_that_merge_into_the_whole_batch() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write_spec(dir.path(), &BATCH_SPEC.replace("steps: 6000", "steps: 1000"));
    let spec = spec.to_str().unwrap();
    let whole = dir.path().join("whole");
    assert!(knowhow(&["run", spec, "--out", whole.to_str().unwrap()])
        .status
        .success());

    let mut merged = BTreeMap::new();
    for index in 1..=4 {
        let out = dir.path().join(format!("shard-{index}"));
        let shard = format!("{index}/4");
        let output = knowhow(&["run", spec, "--out", out.to_str().unwrap(), "--shard", &shard]);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        for (name, content) in result_set(&out) {
            // Only the spec, identical in every shard, may appear twice.
            if let Some(earlier) = merged.insert(name.clone(), content.clone()) {
                assert!(name == "spec.ron" && earlier == content, "{name} written by two shards");
            }
        }
    }
    let whole = result_set(&whole);
    let runs = |files: &BTreeMap<String, String>| -> BTreeMap<String, String> {
        files
            .iter()
            .filter(|(name, _)| name.starts_with("runs"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    };
    assert_eq!(runs(&merged), runs(&whole));
    assert!(merged.contains_key("summary.shard-1-of-4.csv") && merged.contains_key("summary.shard-4-of-4.csv"));
}
