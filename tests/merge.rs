//! `merge` end to end through the binary: the shards of a batch merge into the same result set as one machine's
//! run, a partial merge names what is missing and how to train it, a later merge completes it, and shard sets that
//! do not belong together are refused (exit 2) before anything is copied.

use std::fs;
use std::path::{Path, PathBuf};

mod support;
use support::{knowhow_in, result_set, text};

/// Two variants × three seeds of very short CartPole runs: six runs, two per shard of three.
const SPEC: &str = r#"(
    name: "sharded",
    envs: [(id: "CartPole-v1", steps: 1000, eval_every: 500, eval_episodes: 2, final_evals: 1)],
    agent: (hidden: [16], batch_size: 16, buffer_size: 1000, learning_starts: 200, train_every: 4),
    variants: [(name: "vanilla"), (name: "double", agent: (double: true))],
    reference: "vanilla",
    seeds: Count(3),
)"#;

/// Runs shard `index` of 3 of `spec` (a file in `dir`) into `shards/<index>`, a path relative to `dir` (where
/// every command of these tests runs).
fn run_shard(dir: &Path, spec: &str, index: usize) -> PathBuf {
    let out = PathBuf::from(format!("shards/{index}"));
    let output = knowhow_in(
        dir,
        &[
            "run",
            spec,
            "--out",
            out.to_str().unwrap(),
            "--shard",
            &format!("{index}/3"),
        ],
    );
    assert!(output.status.success(), "{}", text(&output));
    out
}

fn merge(dir: &Path, out: &str, shards: &[&Path]) -> std::process::Output {
    let mut args = vec!["merge".to_string(), out.to_string()];
    args.extend(shards.iter().map(|shard| shard.to_str().unwrap().to_string()));
    knowhow_in(dir, &args)
}

/// The runs' files and the summary of a results folder, timings aside.
fn runs_and_summary(root: &Path) -> Vec<(String, String)> {
    result_set(root)
        .into_iter()
        .filter(|(name, _)| name.starts_with("runs") || name == "summary.csv")
        .collect()
}

#[test]
fn shards_merge_into_one_machines_results_and_a_partial_merge_says_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    fs::write(dir.join("spec.ron"), SPEC).unwrap();
    let whole = knowhow_in(dir, &["run", "spec.ron", "--out", "whole"]);
    assert!(whole.status.success(), "{}", text(&whole));
    let shards: Vec<PathBuf> = (1..=3).map(|index| run_shard(dir, "spec.ron", index)).collect();
    let before: Vec<_> = shards.iter().map(|shard| result_set(&dir.join(shard))).collect();

    // Two of three shards: the merge copies their runs, writes the report, and names the third shard's runs with
    // the command that trains them; it exits 1.
    let partial = merge(dir, "merged", &[&shards[0], &shards[1]]);
    let said = text(&partial);
    assert_eq!(partial.status.code(), Some(1), "{said}");
    assert!(said.contains("4 run(s) copied, 0 already there"), "{said}");
    assert!(said.contains("2 planned run(s) are in no shard"), "{said}");
    assert!(
        said.contains("knowhow run merged/spec.ron --shard 3/3 --out SHARD_3_FOLDER"),
        "{said}"
    );
    // Runs are dealt round-robin in plan order (vanilla seeds 0–2, then double's): shard 3 has the third and sixth.
    assert!(
        said.contains("trains: CartPole-v1/vanilla/seed-2, CartPole-v1/double/seed-2"),
        "{said}"
    );
    let page = fs::read_to_string(dir.join("merged/index.html")).unwrap();
    assert!(
        page.contains("2 planned runs have no results here: CartPole-v1&#x2f;vanilla&#x2f;seed-2; CartPole-v1&#x2f;double&#x2f;seed-2"),
        "the report names the missing runs"
    );

    // With the third shard, the merge completes: the earlier runs are there already, the set is one machine's.
    let complete = merge(dir, "merged", &[&shards[0], &shards[1], &shards[2]]);
    let said = text(&complete);
    assert_eq!(complete.status.code(), Some(0), "{said}");
    assert!(said.contains("2 run(s) copied, 4 already there"), "{said}");
    assert_eq!(
        runs_and_summary(&dir.join("merged")),
        runs_and_summary(&dir.join("whole"))
    );
    assert!(!fs::read_to_string(dir.join("merged/index.html"))
        .unwrap()
        .contains("have no results here"));
    // The shards are as they were.
    let after: Vec<_> = shards.iter().map(|shard| result_set(&dir.join(shard))).collect();
    assert_eq!(before, after);
}

#[test]
fn shards_that_do_not_belong_together_are_refused_before_anything_is_copied() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    fs::write(dir.join("spec.ron"), SPEC).unwrap();
    fs::write(dir.join("longer.ron"), SPEC.replace("steps: 1000", "steps: 1500")).unwrap();
    let first = run_shard(dir, "spec.ron", 1);
    let second = run_shard(dir, "spec.ron", 2);
    let refused = |output: std::process::Output, expected: &str| {
        let said = text(&output);
        assert_eq!(output.status.code(), Some(2), "{said}");
        assert!(said.contains(expected), "expected {expected:?} in: {said}");
        assert!(!dir.join("refused").exists(), "nothing is written on a refusal");
    };

    // Another spec.
    let other = PathBuf::from("other");
    let output = knowhow_in(dir, &["run", "longer.ron", "--out", "other", "--shard", "3/3"]);
    assert!(output.status.success(), "{}", text(&output));
    refused(
        merge(dir, "refused", &[&first, &second, &other]),
        "other: its spec.ron differs from shards/1's: these shards ran different specs",
    );

    // One run in two shards (shard 1's first run copied into shard 2).
    let twice = PathBuf::from("twice");
    let copy = |from: &Path, to: &Path| {
        fs::create_dir_all(to).unwrap();
        for entry in fs::read_dir(from).unwrap() {
            let path = entry.unwrap().path();
            fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
        }
    };
    let run = "runs/CartPole-v1/vanilla/seed-0";
    let copy_folder = |from: &Path, to: &Path| {
        let status = std::process::Command::new("cp")
            .arg("-r")
            .arg(from)
            .arg(to)
            .current_dir(dir)
            .status();
        assert!(status.unwrap().success());
    };
    copy_folder(&second, &twice);
    copy(&dir.join(&first).join(run), &dir.join(&twice).join(run));
    refused(
        merge(dir, "refused", &[&first, &twice]),
        "run CartPole-v1/vanilla/seed-0 is in two shards, shards/1 and twice",
    );

    // A run trained with another config (its manifest's hash changed by hand).
    let stale = PathBuf::from("stale");
    copy_folder(&second, &stale);
    let manifest_path = dir.join(&stale).join("runs/CartPole-v1/vanilla/seed-1/manifest.json");
    let manifest = fs::read_to_string(&manifest_path).unwrap();
    let hash_start = manifest.find("\"config_hash\": \"").unwrap() + "\"config_hash\": \"".len();
    let stale_manifest = format!("{}0000{}", &manifest[..hash_start], &manifest[hash_start + 4..]);
    fs::write(&manifest_path, stale_manifest).unwrap();
    refused(
        merge(dir, "refused", &[&first, &stale]),
        "run CartPole-v1/vanilla/seed-1 was trained with config hash 0000",
    );

    // The output folder must not be a shard.
    refused(
        merge(dir, "shards/1", &[&first, &second]),
        "the output folder is one of the shards",
    );
}

#[test]
fn a_shard_killed_mid_way_is_named_with_its_own_folder_and_an_altered_merge_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    fs::write(dir.join("spec.ron"), SPEC).unwrap();
    let shards: Vec<PathBuf> = (1..=3).map(|index| run_shard(dir, "spec.ron", index)).collect();
    // Shard 3 as a killed array task leaves it: one run done, the other not, and no summary yet.
    let killed = dir.join(&shards[2]);
    fs::remove_file(killed.join("summary.shard-3-of-3.csv")).unwrap();
    fs::remove_dir_all(killed.join("runs/CartPole-v1/double/seed-2")).unwrap();
    let output = merge(dir, "merged", &[&shards[0], &shards[1], &shards[2]]);
    let said = text(&output);
    assert_eq!(output.status.code(), Some(1), "{said}");
    assert!(
        said.contains("knowhow run merged/spec.ron --shard 3/3 --out shards/3\n    trains: CartPole-v1/double/seed-2"),
        "{said}"
    );

    // A merged run that no longer matches its shard's is not overwritten.
    let merged_manifest = dir.join("merged/runs/CartPole-v1/vanilla/seed-0/manifest.json");
    let edited = fs::read_to_string(&merged_manifest)
        .unwrap()
        .replace("\"seed\": 0", "\"seed\": 0 ");
    fs::write(&merged_manifest, &edited).unwrap();
    let output = merge(dir, "merged", &[&shards[0], &shards[1], &shards[2]]);
    let said = text(&output);
    assert_eq!(output.status.code(), Some(2), "{said}");
    assert!(
        said.contains("run CartPole-v1/vanilla/seed-0 is already there and differs from the one in shards/1"),
        "{said}"
    );
    assert_eq!(fs::read_to_string(&merged_manifest).unwrap(), edited);
}
