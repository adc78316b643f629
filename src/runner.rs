//! Executes a planned batch: runs in parallel (one thread each, `jobs` at a time, longest first), skips runs already
//! complete with the same config hash, records failures without stopping the others, and shows progress: bars on a
//! terminal, plain lines otherwise (a log file, a cluster job), so a long batch is never silent until its end.

use std::io::IsTerminal;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::plan::{PlannedRun, Shard};
use crate::store::{Manifest, ResultsDir, RunStatus, StoreError};
use crate::train::train_run;

/// How to execute a batch.
#[derive(Debug, Clone)]
pub struct RunnerOptions {
    /// Runs trained at once.
    pub jobs: usize,
    /// Retrain runs even when complete results with the same config hash exist.
    pub fresh: bool,
    /// The part of the plan these runs are, if a shard: its summary gets a file of its own.
    pub shard: Option<Shard>,
    /// Counts the runs stored so far (reused ones included), for whoever reports an interruption.
    pub finished: Option<Arc<AtomicUsize>>,
}

/// Why a batch stopped before its end: a run could not be stored (a full disk, a folder that went away). Training
/// the remaining runs would only lose their results too, so none is started after the first such failure.
#[derive(Debug, thiserror::Error)]
#[error(
    "a run could not be stored, so the batch stopped: {error}; {stored} runs are stored, {not_started} were not \
     started; fix the cause and run the same command again to resume"
)]
pub struct BatchStopped {
    pub error: Box<StoreError>,
    pub stored: usize,
    pub not_started: usize,
}

/// What a batch did.
#[derive(Debug, Clone)]
pub struct BatchOutcome {
    /// Every run's manifest, in plan order.
    pub manifests: Vec<Manifest>,
    /// Runs reused from an earlier batch.
    pub skipped: usize,
}

impl BatchOutcome {
    pub fn failed(&self) -> usize {
        self.manifests
            .iter()
            .filter(|manifest| manifest.status != RunStatus::Complete)
            .count()
    }
}

/// Trains every run of `runs` that is not already complete in `results`, then writes `summary.csv`.
pub fn execute(
    runs: &[PlannedRun],
    results: &ResultsDir,
    options: &RunnerOptions,
) -> Result<BatchOutcome, BatchStopped> {
    let mut slots: Vec<Option<Manifest>> = runs
        .iter()
        .map(|run| if options.fresh { None } else { results.completed(run) })
        .collect();
    let skipped = slots.iter().filter(|slot| slot.is_some()).count();
    let count_finished = |count: usize| {
        if let Some(finished) = &options.finished {
            finished.fetch_add(count, Ordering::SeqCst);
        }
    };
    count_finished(skipped);
    let mut pending: Vec<usize> = (0..runs.len()).filter(|index| slots[*index].is_none()).collect();
    // Longest first, so a long run does not start last and leave the other cores idle.
    pending.sort_by_key(|index| std::cmp::Reverse(runs[*index].cost_steps()));

    let plain = !std::io::stderr().is_terminal();
    let bars = MultiProgress::with_draw_target(if plain {
        ProgressDrawTarget::hidden()
    } else {
        ProgressDrawTarget::stderr()
    });
    let overall = bars.add(ProgressBar::new(pending.len() as u64));
    overall.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} runs  {elapsed} elapsed, ETA {eta}  {msg}")
            .expect("a valid progress template"),
    );
    if skipped > 0 {
        let message = format!("skipping {skipped} runs already complete with the same config");
        if plain {
            eprintln!("{message}");
        } else {
            overall.println(message);
        }
    }
    let done = AtomicUsize::new(0);

    // A fixed set of worker threads pulls runs from a shared queue. (Not a rayon pool: a rayon worker waiting on the
    // run's single-thread pool would steal and start further runs, oversubscribing the cores.)
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let finished = Mutex::new(Vec::with_capacity(pending.len()));
    std::thread::scope(|scope| {
        for _ in 0..options.jobs.clamp(1, pending.len().max(1)) {
            scope.spawn(|| {
                let single_thread = rayon::ThreadPoolBuilder::new()
                    .num_threads(1)
                    .build()
                    .expect("a one-thread pool");
                while let Some(index) = pending
                    .get(next.fetch_add(1, Ordering::Relaxed))
                    .filter(|_| !stop.load(Ordering::SeqCst))
                {
                    let run = &runs[*index];
                    let line = bars.insert_before(&overall, ProgressBar::new(run.env.steps as u64));
                    line.set_style(
                        ProgressStyle::with_template("  {prefix} {pos}/{len} steps  {per_sec}  {msg}")
                            .expect("a valid progress template"),
                    );
                    line.set_prefix(run.id());
                    let progress_lines = plain.then_some(PROGRESS_LINE_EVERY);
                    let manifest = single_thread.install(|| train_and_store(run, results, &line, progress_lines));
                    line.finish_and_clear();
                    overall.inc(1);
                    if plain {
                        let done = done.fetch_add(1, Ordering::SeqCst) + 1;
                        eprintln!("{}", finished_line(run, &manifest, done, pending.len()));
                    }
                    match &manifest {
                        Ok(_) => count_finished(1),
                        Err(_) => stop.store(true, Ordering::SeqCst),
                    }
                    finished
                        .lock()
                        .expect("no worker panics while holding the lock")
                        .push((*index, manifest));
                }
            });
        }
    });
    overall.finish_and_clear();
    let (mut first_error, mut unstored) = (None, 0);
    for (index, manifest) in finished.into_inner().expect("workers are done") {
        match manifest {
            Ok(manifest) => slots[index] = Some(manifest),
            Err(error) => {
                first_error = first_error.or(Some(error));
                unstored += 1;
            }
        }
    }
    let stored = slots.iter().filter(|slot| slot.is_some()).count();
    let stopped = |error| BatchStopped {
        error: Box::new(error),
        stored,
        not_started: runs.len() - stored - unstored,
    };
    if let Some(error) = first_error {
        return Err(stopped(error));
    }
    let manifests: Vec<Manifest> = slots
        .into_iter()
        .map(|slot| slot.expect("every run has a manifest"))
        .collect();
    results.write_summary(&manifests, options.shard).map_err(stopped)?;
    Ok(BatchOutcome { manifests, skipped })
}

/// Without a terminal, a run in progress prints a line after an evaluation at most this often.
const PROGRESS_LINE_EVERY: Duration = Duration::from_secs(60);

/// The plain line that says a run of the batch is over: `[done/total] id: outcome`. Its score is the greedy
/// evaluations' (the manifest's), whatever the spec's `measure`, so it says so.
fn finished_line(run: &PlannedRun, manifest: &Result<Manifest, StoreError>, done: usize, total: usize) -> String {
    let outcome = match manifest {
        Ok(manifest) => match (&manifest.status, manifest.final_score) {
            (RunStatus::Complete, Some(score)) => format!("final eval score {score:.1}, {:.0} s", manifest.wall_secs),
            (RunStatus::Complete, None) => format!("complete, {:.0} s", manifest.wall_secs),
            (RunStatus::Failed { reason }, _) => format!("failed: {reason}"),
        },
        Err(error) => format!("not stored: {error}"),
    };
    format!("[{done}/{total}] {}: {outcome}", run.id())
}

/// Trains one run and stores the result; a panic or a non-finite loss becomes a failed manifest. Called inside a
/// one-thread rayon pool, so the matrix multiplies of one small network stay on one core. With `progress_lines`,
/// it also prints a plain line after an evaluation when that long has passed since its last line.
fn train_and_store(
    run: &PlannedRun,
    results: &ResultsDir,
    line: &ProgressBar,
    progress_lines: Option<Duration>,
) -> Result<Manifest, StoreError> {
    let started = Instant::now();
    let mut last_line = started;
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        train_run(&run.env, &run.agent, run.seed, |progress| {
            line.set_position(progress.steps as u64);
            line.set_message(format!("eval {:.1}", progress.latest_eval_return));
            if progress_lines.is_some_and(|every| last_line.elapsed() >= every) && progress.steps < progress.total_steps
            {
                last_line = Instant::now();
                eprintln!(
                    "  {}: {}/{} steps, eval {:.1}",
                    run.id(),
                    progress.steps,
                    progress.total_steps,
                    progress.latest_eval_return
                );
            }
        })
    }));
    match outcome {
        Ok(Ok(records)) => results.write_run(run, &records),
        Ok(Err(error)) => results.write_failed_run(run, error.to_string(), started.elapsed().as_secs_f64()),
        Err(panic) => {
            let reason = panic_message(panic.as_ref());
            results.write_failed_run(run, format!("panicked: {reason}"), started.elapsed().as_secs_f64())
        }
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|text| text.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}

/// The default results folder of an experiment: `reports/<name>`.
pub fn default_out_dir(experiment_name: &str) -> std::path::PathBuf {
    Path::new("reports").join(experiment_name)
}
