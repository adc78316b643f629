//! What `knowhow run` guarantees about the folders it writes, end to end through the binary: it never removes
//! what it did not create, never mixes two experiments in one folder, refuses before training what would fail, and
//! says what is stored when it stops early. Each test is named after the defect it pins (issue 12).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod support;
use support::{knowhow_in, text};

/// A spec that trains in well under a second per run.
const TINY_SPEC: &str = r#"(
    name: "tiny",
    envs: [(id: "CartPole-v1", steps: 400, eval_every: 200, eval_episodes: 1, final_evals: 1)],
    agent: (hidden: [8], batch_size: 16, buffer_size: 200, learning_starts: 100, train_every: 4, target: Hard(100)),
    seeds: List([0, 1]),
)"#;

/// A spec whose runs take many seconds each (to be interrupted or raced).
const SLOW_SPEC: &str = r#"(
    name: "slow",
    envs: [(id: "CartPole-v1", steps: 3000000, eval_every: 1000000, eval_episodes: 1, final_evals: 1)],
    agent: (hidden: [64], batch_size: 64, buffer_size: 10000, learning_starts: 100, train_every: 1),
    seeds: Count(4),
)"#;

/// A temporary working folder holding `tiny.ron`.
fn workspace() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("tiny.ron");
    fs::write(&spec, TINY_SPEC).unwrap();
    (dir, spec)
}

/// `run SPEC --out OUT` from `dir`, which must succeed; returns those arguments, to run the same command again.
fn run_tiny(dir: &Path, spec: &Path, out: &Path) -> Vec<String> {
    let args = vec![
        "run".to_string(),
        spec.display().to_string(),
        "--out".into(),
        out.display().to_string(),
    ];
    let first = knowhow_in(dir, &args);
    assert!(first.status.success(), "{}", text(&first));
    args
}

/// Every file under `root` (but the lock, which records who last took it) with its bytes, for "nothing changed"
/// assertions.
fn snapshot(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if !path.ends_with(".knowhow.lock") {
                files.push((path.clone(), fs::read(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn save_baseline_never_removes_anything_outside_its_own_folder() {
    // `--save-baseline ..` deleted everything under reports/, `.` and "" every saved baseline, an absolute path or
    // `quick/../../other` an unrelated folder.
    let (dir, _) = workspace();
    let root = dir.path();
    fs::create_dir_all(root.join("reports/other")).unwrap();
    fs::write(root.join("reports/other/keep.txt"), "mine").unwrap();
    fs::create_dir_all(root.join("reports/baselines/quick")).unwrap();
    fs::write(root.join("reports/baselines/quick/spec.ron"), "kept").unwrap();
    let outside = root.join("outside");
    fs::create_dir_all(&outside).unwrap();
    fs::write(outside.join("keep.txt"), "mine").unwrap();
    let before = snapshot(root);
    for name in ["..", ".", "", outside.to_str().unwrap(), "quick/../../other", "a/b"] {
        let output = knowhow_in(root, &["run", "tiny.ron", "--save-baseline", name]);
        assert_eq!(
            output.status.code(),
            Some(2),
            "--save-baseline {name:?}: {}",
            text(&output)
        );
        assert!(text(&output).contains("baseline name"), "{}", text(&output));
        assert!(snapshot(root) == before, "--save-baseline {name:?} changed the files");
    }
    // A folder there that is not a baseline is not replaced.
    fs::create_dir_all(root.join("reports/baselines/notes")).unwrap();
    fs::write(root.join("reports/baselines/notes/todo.txt"), "mine").unwrap();
    let output = knowhow_in(root, &["run", "tiny.ron", "--save-baseline", "notes"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(text(&output).contains("is not a results folder"));
    assert_eq!(
        fs::read_to_string(root.join("reports/baselines/notes/todo.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn save_baseline_replaces_the_old_one_whole_and_clears_leftovers_of_an_interrupted_save() {
    let (dir, _) = workspace();
    let root = dir.path();
    let first = knowhow_in(root, &["run", "tiny.ron", "--save-baseline", "tiny"]);
    assert!(first.status.success(), "{}", text(&first));
    let baseline = root.join("reports/baselines/tiny");
    assert!(baseline.join("runs/CartPole-v1/base/seed-1/evals.csv").is_file());
    // What a kill during an earlier save would leave: a staging copy and an old copy set aside.
    fs::create_dir_all(root.join("reports/baselines/.tiny.tmp-4242/runs")).unwrap();
    fs::create_dir_all(root.join("reports/baselines/.tiny.old-4243")).unwrap();
    fs::write(
        root.join("reports/baselines/.other.tmp-1"),
        "not a leftover of this name",
    )
    .unwrap();
    fs::write(
        root.join("tiny.ron"),
        TINY_SPEC.replace("List([0, 1])", "List([0, 1, 2])"),
    )
    .unwrap();
    let second = knowhow_in(root, &["run", "tiny.ron", "--save-baseline", "tiny"]);
    assert!(second.status.success(), "{}", text(&second));
    assert!(
        baseline.join("runs/CartPole-v1/base/seed-2/evals.csv").is_file(),
        "the new one is in place"
    );
    let mut names: Vec<String> = fs::read_dir(root.join("reports/baselines"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, [".other.tmp-1", "tiny"]);
    let check = knowhow_in(root, &["check", "reports/tiny", "--baseline", "tiny"]);
    assert!(check.status.success(), "{}", text(&check));
}

#[test]
fn a_different_spec_is_refused_in_a_folder_that_holds_another_experiment() {
    // A different spec run into an existing folder replaced spec.ron and retrained runs over the old ones.
    let (dir, spec) = workspace();
    let out = dir.path().join("out");
    let out_arg = out.to_str().unwrap();
    run_tiny(dir.path(), &spec, &out);
    let before = snapshot(&out);

    let changed = dir.path().join("changed.ron");
    fs::write(&changed, TINY_SPEC.replace("hidden: [8]", "hidden: [9]")).unwrap();
    let refused = knowhow_in(dir.path(), &["run", changed.to_str().unwrap(), "--out", out_arg]);
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    let message = text(&refused);
    assert!(
        message.contains("holds experiment \"tiny\"")
            && message.contains("2 stored run(s) would be trained again with another config")
            && message.contains("--fresh"),
        "{message}"
    );
    let renamed = dir.path().join("renamed.ron");
    fs::write(&renamed, TINY_SPEC.replace("\"tiny\"", "\"other\"")).unwrap();
    let refused = knowhow_in(dir.path(), &["run", renamed.to_str().unwrap(), "--out", out_arg]);
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    assert!(text(&refused)
        .contains("holds experiment \"tiny\" (its spec.ron), and \"other\" differs from it: another name"));
    assert!(snapshot(&out) == before, "a refused run changed the folder");

    // The same experiment with one more seed extends it; --fresh retrains a changed one on purpose.
    let more = dir.path().join("more.ron");
    fs::write(&more, TINY_SPEC.replace("List([0, 1])", "List([0, 1, 2])")).unwrap();
    let extended = knowhow_in(dir.path(), &["run", more.to_str().unwrap(), "--out", out_arg]);
    assert!(text(&extended).contains("1 trained, 2 reused"), "{}", text(&extended));
    let fresh = knowhow_in(
        dir.path(),
        &["run", changed.to_str().unwrap(), "--out", out_arg, "--fresh"],
    );
    assert!(text(&fresh).contains("2 trained, 0 reused"), "{}", text(&fresh));
}

#[test]
fn a_run_whose_evals_are_corrupt_is_trained_again_not_reused_forever() {
    let (dir, spec) = workspace();
    let out = dir.path().join("out");
    let args = run_tiny(dir.path(), &spec, &out);
    let evals = out.join("runs/CartPole-v1/base/seed-0/evals.csv");
    let whole = fs::read(&evals).unwrap();
    fs::write(&evals, &whole[..whole.len() / 2]).unwrap();
    fs::remove_file(out.join("runs/CartPole-v1/base/seed-1/train.csv")).unwrap();
    let again = knowhow_in(dir.path(), &args);
    assert!(again.status.success(), "{}", text(&again));
    assert!(text(&again).contains("2 trained, 0 reused"), "{}", text(&again));
    assert_eq!(fs::read(&evals).unwrap(), whole, "retrained to the same bytes");
}

#[test]
fn a_report_that_cannot_be_written_fails_the_run_and_sets_the_old_page_aside() {
    // `run` exited 0 and left the previous index.html in place when the report could not be written.
    let (dir, spec) = workspace();
    let out = dir.path().join("out");
    let args = run_tiny(dir.path(), &spec, &out);
    fs::remove_file(out.join("aggregate.csv")).unwrap();
    fs::create_dir_all(out.join("aggregate.csv/blocked")).unwrap();
    let failed = knowhow_in(dir.path(), &args);
    assert_eq!(failed.status.code(), Some(1), "{}", text(&failed));
    assert!(text(&failed).contains("the runs are stored but the report could not be written"));
    assert!(!out.join("index.html").exists() && out.join("index.html.stale").is_file());
}

#[test]
fn a_spec_read_from_a_pipe_is_stored_as_it_was_run() {
    // The spec was read twice: `run /dev/stdin` trained, then stored an empty spec.ron.
    let (dir, _) = workspace();
    let out = dir.path().join("out");
    let mut child = Command::new(env!("CARGO_BIN_EXE_knowhow"))
        .current_dir(dir.path())
        .args(["run", "/dev/stdin", "--out", out.to_str().unwrap()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(TINY_SPEC.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", text(&output));
    assert_eq!(fs::read_to_string(out.join("spec.ron")).unwrap(), TINY_SPEC);
    let report = knowhow_in(dir.path(), &["report", out.to_str().unwrap()]);
    assert!(report.status.success(), "{}", text(&report));
}

#[test]
fn a_bad_out_is_bad_input_said_once() {
    let (dir, spec) = workspace();
    fs::write(dir.path().join("a-file"), "").unwrap();
    let output = knowhow_in(dir.path(), &["run", spec.to_str().unwrap(), "--out", "a-file/results"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    let message = text(&output);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert_eq!(
        message.matches("os error").count(),
        1,
        "the io error is said once: {message}"
    );
}

#[test]
fn a_batch_that_cannot_store_its_runs_stops_early_and_says_so() {
    // On a full disk the batch trained every remaining run before failing. Here `runs` is a file, so no run
    // folder can be made: the first failure stops the batch.
    let (dir, _) = workspace();
    let out = dir.path().join("out");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join("runs"), "").unwrap();
    let spec = dir.path().join("four.ron");
    fs::write(&spec, TINY_SPEC.replace("List([0, 1])", "Count(6)")).unwrap();
    let output = knowhow_in(
        dir.path(),
        &[
            "run",
            spec.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--jobs",
            "1",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    let message = text(&output);
    assert!(
        message.contains("a run could not be stored, so the batch stopped")
            && message.contains("0 runs are stored, 5 were not started"),
        "{message}"
    );
}

#[test]
fn temporary_files_an_interrupted_run_left_are_removed_by_the_next() {
    let (dir, spec) = workspace();
    let out = dir.path().join("out");
    let args = run_tiny(dir.path(), &spec, &out);
    let run = out.join("runs/CartPole-v1/base/seed-0");
    fs::write(run.join(".evals.csv.tmp-99999"), "half").unwrap();
    fs::write(out.join(".summary.csv.tmp-12"), "half").unwrap();
    fs::write(run.join("notes.tmp-1"), "the user's").unwrap();
    let again = knowhow_in(dir.path(), &args);
    assert!(text(&again).contains("removed 2 temporary file(s)"), "{}", text(&again));
    assert!(!run.join(".evals.csv.tmp-99999").exists() && !out.join(".summary.csv.tmp-12").exists());
    assert!(run.join("notes.tmp-1").exists(), "not a name knowhow writes");
}

#[test]
fn values_that_cannot_fit_in_memory_are_refused_before_any_work() {
    // These passed validation, then aborted on allocation or filled memory until the kernel killed the process.
    let (dir, _) = workspace();
    for (change, field) in [
        ("buffer_size: 200", "buffer_size: 1000000000000"),
        ("hidden: [8]", "hidden: [1000000000]"),
        ("eval_episodes: 1", "eval_episodes: 1000000000000"),
        ("List([0, 1])", "Count(1000000000000)"),
    ] {
        let spec = dir.path().join("huge.ron");
        fs::write(&spec, TINY_SPEC.replace(change, field)).unwrap();
        for command in ["validate", "run"] {
            let started = Instant::now();
            let output = knowhow_in(dir.path(), &[command, spec.to_str().unwrap()]);
            assert_eq!(output.status.code(), Some(2), "{command} {field}: {}", text(&output));
            let message = text(&output);
            assert_eq!(message.lines().count(), 1, "{message}");
            assert!(message.contains("huge.ron:"), "{message}");
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "{command} {field} took {:?}",
                started.elapsed()
            );
        }
    }
    assert!(!dir.path().join("reports").exists(), "nothing was written");
}

/// Starts `run` on the slow spec into `out` and waits until it has written its spec (it holds the lock then).
fn start_slow_run(dir: &Path, out: &Path) -> std::process::Child {
    let spec = dir.join("slow.ron");
    fs::write(&spec, SLOW_SPEC).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_knowhow"))
        .current_dir(dir)
        .args([
            "run",
            spec.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--jobs",
            "1",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !out.join("spec.ron").is_file() {
        assert!(started.elapsed() < Duration::from_secs(60), "the run never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

#[test]
fn a_second_run_on_a_busy_folder_is_refused_and_a_terminated_one_says_how_to_resume() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let child = start_slow_run(dir.path(), &out);

    let second = knowhow_in(
        dir.path(),
        &["run", "slow.ron", "--out", out.to_str().unwrap(), "--jobs", "1"],
    );
    assert_eq!(second.status.code(), Some(2), "{}", text(&second));
    assert!(
        text(&second).contains("another knowhow run is using this folder (pid "),
        "{}",
        text(&second)
    );

    // SIGTERM: the process says what is stored and how to resume, and exits 130.
    // SAFETY: a plain kill(2) of the child we started.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGTERM) }, 0);
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130), "{}", text(&output));
    let message = text(&output);
    assert!(
        message.contains("interrupted: 0 of 4 runs are stored in") && message.contains("resumes and reuses them"),
        "{message}"
    );
}
