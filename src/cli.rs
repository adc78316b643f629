//! The command line: clap definitions and the commands they call, each returning the process exit code.
//!
//! Exit codes: 0 success; 1 the work ran but something failed (a run); 2 bad input (a spec, a path) before any work.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use clap::{Parser, Subcommand};

use crate::analysis::AnalysisSettings;
use crate::check::{check, CheckReport, CheckSettings};
use crate::import::{import, Format, ImportRequest};
use crate::memory::{available_bytes, estimate_run, format_bytes, runs_that_fit};
use crate::merge::{merge, MergeError};
use crate::plan::{plan, shard_runs, PlannedRun, Shard};
use crate::report::{write_report, ReportError};
use crate::runner::{default_out_dir, execute, RunnerOptions};
use crate::spec::{load_spec, LoadedSpec};
use crate::store::{baseline_dir, layout, write_atomic, write_json, ResultsDir, RunStatus, StoreError};

/// knowhow: measures which deep Q-learning tricks really matter.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Train every env × variant × seed of a spec and write the results folder.
    Run {
        /// The experiment spec (RON).
        spec: PathBuf,
        /// Results folder [default: reports/<experiment name>].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Runs trained at once [default: number of cores].
        #[arg(long)]
        jobs: Option<usize>,
        /// Retrain every run, even those already complete with the same config; also lets a spec run into a folder
        /// that holds another experiment.
        #[arg(long)]
        fresh: bool,
        /// Run only part i of N of the plan (1-based, e.g. 2/4), for one machine of a cluster; `knowhow merge`
        /// joins the shards' folders.
        #[arg(long)]
        shard: Option<Shard>,
        /// List the runs that would train, and stop.
        #[arg(long)]
        dry_run: bool,
        /// Also keep the results as the named baseline `reports/baselines/NAME/` (for `check --baseline NAME`).
        #[arg(long, value_name = "NAME")]
        save_baseline: Option<String>,
    },
    /// Compare a results folder with a baseline and exit 1 if a score regressed beyond the noise band.
    Check {
        /// The new results folder.
        new: PathBuf,
        /// The baseline: a results folder, or the name of one saved with `run --save-baseline NAME`.
        #[arg(long)]
        baseline: String,
        /// Half-width of the noise band, in normalised score (0 = random policy, 1 = reference score).
        #[arg(long, default_value_t = 0.05)]
        noise: f64,
        /// Confidence of the bootstrap intervals.
        #[arg(long, default_value_t = 0.95)]
        confidence: f64,
        /// Half-width of the band for the relative change of throughput (steps/s).
        #[arg(long, default_value_t = 0.25)]
        speed_noise: f64,
        /// Fail on a throughput regression too (by default it is reported but advisory).
        #[arg(long)]
        strict_speed: bool,
    },
    /// List a spec's runs (env × variant × seed) with their estimated cost, without training.
    Plan {
        /// The experiment spec (RON).
        spec: PathBuf,
        /// Only part i of N of the plan.
        #[arg(long)]
        shard: Option<Shard>,
    },
    /// Merge the folders of a sharded batch (`run --shard i/N`) into one results folder and write its report: the
    /// shards must have run the same spec, and no run may be in two of them or have another config. Names the runs
    /// still missing with the command that trains them; exits 1 while any is missing or failed.
    Merge {
        /// The merged results folder (new, or an earlier merge of the same shards).
        out: PathBuf,
        /// The shards' results folders.
        #[arg(required = true)]
        shards: Vec<PathBuf>,
    },
    /// Re-render a results folder's report (index.html, aggregate.csv, comparisons.csv) from its CSVs, no training.
    Report {
        /// The results folder (as written by `run`; merged shards work too).
        dir: PathBuf,
        /// Also show the regression check against this baseline (a results folder or a saved baseline's name).
        #[arg(long)]
        baseline: Option<String>,
    },
    /// Bring another framework's runs (its logs of training episodes) into a results folder as a variant of their
    /// own; `report` then compares every variant of that env on training-episode returns.
    Import {
        /// The results folder (written by `run`).
        dir: PathBuf,
        /// The name the runs appear under (not one of the spec's variants).
        #[arg(long)]
        variant: String,
        /// What the files are.
        #[arg(long, value_enum)]
        format: Format,
        /// The program that trained them, e.g. cleanrl or stable-baselines3.
        #[arg(long)]
        framework: String,
        /// Its version.
        #[arg(long, default_value = "unknown")]
        framework_version: String,
        /// The env they trained on [default: the spec's only env].
        #[arg(long)]
        env: Option<String>,
        /// The files' seeds, in order, comma-separated [default: read from each file's name, e.g. seed-3.log].
        #[arg(long, value_delimiter = ',')]
        seeds: Option<Vec<u64>>,
        /// One log per run.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Check a spec without running it: exit 0 if it is valid, 2 with the first error if not.
    Validate {
        /// The experiment spec (RON).
        spec: PathBuf,
    },
    /// Measure speed on one thread: envs alone, acting, updates per network × batch × trick with their roofline,
    /// the Rainbow study's shapes, the core's peak, whole runs at CleanRL's CartPole settings, two-job scaling,
    /// replay memory; after each group, other processes' CPU use and the time the host stole meanwhile. Prints a
    /// table, writes a CSV.
    Bench {
        /// Repetitions of each measurement (the median, min and max are reported).
        #[arg(long, default_value_t = 5)]
        repetitions: usize,
        /// Only these groups (default: all).
        #[arg(long, value_enum, num_args = 1..)]
        only: Vec<BenchGroup>,
        /// Only the update and study cases whose name contains this text (e.g. "4-512-512-2, batch 128, vanilla"),
        /// to time or profile one of them.
        #[arg(long)]
        cases: Option<String>,
        /// Where the CSV goes.
        #[arg(long, default_value = "reports/bench/bench.csv")]
        out: PathBuf,
    },
}

/// Exit code for bad input (spec, paths).
pub const EXIT_BAD_INPUT: u8 = 2;
/// Exit code when the work ran but some of it failed.
pub const EXIT_FAILED: u8 = 1;

/// Why a command stopped early: input refused before any work (exit 2), or work that failed (exit 1). `main_with`
/// prints it, once, as one line: the one place where errors become exit codes.
#[derive(Debug)]
enum Failure {
    BadInput(String),
    Failed(String),
}

impl Failure {
    fn bad_input(error: impl std::fmt::Display) -> Self {
        Failure::BadInput(error.to_string())
    }

    fn failed(error: impl std::fmt::Display) -> Self {
        Failure::Failed(error.to_string())
    }
}

/// Runs the parsed command line and returns the exit code; an error is printed as one line on stderr.
pub fn main_with(cli: Cli) -> ExitCode {
    match run(cli) {
        Ok(code) => code,
        Err(Failure::BadInput(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(EXIT_BAD_INPUT)
        }
        Err(Failure::Failed(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(EXIT_FAILED)
        }
    }
}

/// The command's exit code: 0, or 1 when the work ran but some of it failed (a run, a regression), said on stdout.
fn run(cli: Cli) -> Result<ExitCode, Failure> {
    match cli.command {
        Command::Check {
            new,
            baseline,
            noise,
            confidence,
            speed_noise,
            strict_speed,
        } => {
            let settings = CheckSettings {
                noise,
                confidence,
                speed_noise,
                strict_speed,
                ..CheckSettings::default()
            };
            check_command(&new, &baseline, &settings)
        }
        Command::Run {
            spec,
            out,
            jobs,
            fresh,
            shard,
            dry_run,
            save_baseline,
        } => {
            let (loaded, runs) = planned(&spec, shard)?;
            if dry_run {
                print_plan(&runs);
                return Ok(ExitCode::SUCCESS);
            }
            let request = RunRequest {
                spec_path: spec,
                out,
                jobs,
                fresh,
                shard,
                save_baseline,
            };
            run_command(&request, &loaded, &runs)
        }
        Command::Plan { spec, shard } => {
            let (_, runs) = planned(&spec, shard)?;
            print_plan(&runs);
            Ok(ExitCode::SUCCESS)
        }
        Command::Merge { out, shards } => merge_command(&out, &shards),
        Command::Report { dir, baseline } => report_command(&dir, baseline.as_deref()),
        Command::Import {
            dir,
            variant,
            format,
            framework,
            framework_version,
            env,
            seeds,
            files,
        } => import_command(&ImportRequest {
            folder: dir,
            env,
            variant,
            format,
            framework,
            framework_version,
            seeds,
            files,
        }),
        Command::Validate { spec } => {
            let (LoadedSpec { spec: parsed, .. }, runs) = planned(&spec, None)?;
            let variants = parsed.variant_list().len();
            println!(
                "{}: valid; {} runs ({} envs × {variants} variants × {} seeds)",
                spec.display(),
                runs.len(),
                parsed.envs.len(),
                runs.len() / (parsed.envs.len() * variants)
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench {
            repetitions,
            only,
            cases,
            out,
        } => bench_command(repetitions, &only, cases.as_deref(), &out),
    }
}

/// Imports the files (all or none) and says what each became.
fn import_command(request: &ImportRequest) -> Result<ExitCode, Failure> {
    let imported = import(request).map_err(Failure::bad_input)?;
    let written = imported.iter().filter(|run| run.written).count();
    if let Some(first) = imported.first() {
        println!(
            "{} runs of {} ({} {}) in {}/imported/{}/{}: {written} imported, {} already there; `knowhow report {}` \
             compares them",
            imported.len(),
            first.manifest.variant,
            first.manifest.framework,
            first.manifest.framework_version,
            request.folder.display(),
            first.manifest.env,
            first.manifest.variant,
            imported.len() - written,
            request.folder.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The exit code of work that ran: 1 if some of it failed, else 0.
fn exit_code(failed: bool) -> ExitCode {
    if failed {
        ExitCode::from(EXIT_FAILED)
    } else {
        ExitCode::SUCCESS
    }
}

/// The spec at `spec_path` and its runs (only `shard`'s part when given); a bad spec is bad input.
fn planned(spec_path: &Path, shard: Option<Shard>) -> Result<(LoadedSpec, Vec<PlannedRun>), Failure> {
    let spec = load_spec(spec_path).map_err(Failure::bad_input)?;
    let runs = plan(&spec.spec);
    let runs = match shard {
        Some(shard) => shard_runs(&runs, shard),
        None => runs,
    };
    Ok((spec, runs))
}

/// One line per run: its id and its estimated cost, then the total.
fn print_plan(runs: &[PlannedRun]) {
    let width = runs.iter().map(|run| run.id().chars().count()).max().unwrap_or(0);
    for run in runs {
        println!("{:<width$} {:>10} env steps", run.id(), run.cost_steps());
    }
    let total: usize = runs.iter().map(PlannedRun::cost_steps).sum();
    println!("{} runs, {total} env steps in all", runs.len());
}

/// What `run` was asked to do, beside the spec.
struct RunRequest {
    spec_path: PathBuf,
    out: Option<PathBuf>,
    jobs: Option<usize>,
    fresh: bool,
    shard: Option<Shard>,
    save_baseline: Option<String>,
}

fn run_command(request: &RunRequest, loaded: &LoadedSpec, runs: &[PlannedRun]) -> Result<ExitCode, Failure> {
    // Everything that can be refused is refused before any training: the baseline name, the folder (another run
    // using it, another experiment in it, a path that cannot be a folder).
    let baseline_target = request
        .save_baseline
        .as_deref()
        .map(baseline_dir)
        .transpose()
        .map_err(Failure::bad_input)?;
    if let Some(target) = &baseline_target {
        if target.exists() && !target.join(layout::SPEC).is_file() {
            return Err(Failure::bad_input(StoreError::NotABaseline { path: target.clone() }));
        }
    }
    let results = ResultsDir::new(
        request
            .out
            .clone()
            .unwrap_or_else(|| default_out_dir(&loaded.spec.name)),
    );
    let _lock = results.lock().map_err(Failure::bad_input)?;
    if !request.fresh {
        results
            .admits(&loaded.spec, &loaded.source)
            .map_err(Failure::bad_input)?;
    }
    let removed = results.remove_temporaries().map_err(Failure::bad_input)?;
    if removed > 0 {
        println!("removed {removed} temporary file(s) an interrupted run left behind");
    }
    // From here on an interrupt says what is stored and how to resume.
    let mut resume = format!(
        "knowhow run {} --out {}",
        request.spec_path.display(),
        results.root().display()
    );
    if let Some(Shard { index, count }) = request.shard {
        resume.push_str(&format!(" --shard {index}/{count}"));
    }
    let interrupt = interrupt_notice(resume, results.root(), runs.len());
    results.write_spec(&loaded.source).map_err(Failure::bad_input)?;
    let jobs = jobs_that_fit(
        &loaded.spec,
        request
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |count| count.get())),
    );

    let options = RunnerOptions {
        jobs,
        fresh: request.fresh,
        shard: request.shard,
        finished: Some(interrupt),
    };
    let outcome = execute(runs, &results, &options).map_err(Failure::failed)?;
    // The manifests' scores are the greedy evaluations'; a spec's `measure` applies in the report.
    for manifest in &outcome.manifests {
        match &manifest.status {
            RunStatus::Complete => println!(
                "{:<32} final eval {:>8.1}  auc {:>8.1}  {:>6.1}s  {:>7.0} steps/s",
                manifest.id,
                manifest.final_score.unwrap_or(f64::NAN),
                manifest.auc.unwrap_or(f64::NAN),
                manifest.wall_secs,
                manifest.steps_per_sec
            ),
            RunStatus::Failed { reason } => println!("{:<32} FAILED: {reason}", manifest.id),
        }
    }
    // A baseline that could not be saved fails the command, after the summary and the report.
    let mut baseline_saved = Ok(());
    if let (Some(name), Some(target)) = (&request.save_baseline, &baseline_target) {
        match results.save_copy(target) {
            Ok(()) => println!("baseline {name:?} saved in {}", target.display()),
            Err(error) => {
                baseline_saved = Err(Failure::failed(format!("the baseline {name:?} was not saved: {error}")))
            }
        }
    }
    println!(
        "{} runs: {} trained, {} reused from an earlier batch, {} failed; results in {}",
        outcome.manifests.len(),
        outcome.manifests.len() - outcome.skipped,
        outcome.skipped,
        outcome.failed(),
        results.root().display()
    );
    // The report, from everything now in the folder (a shard's part alone would be a partial report).
    if request.shard.is_some() {
        println!("shard done; after merging the shards' folders, `knowhow report DIR` writes the report");
        return baseline_saved.map(|()| exit_code(outcome.failed() > 0));
    }
    match write_report(&results, &AnalysisSettings::default(), None) {
        Ok((_, page)) => println!("report: {}", page.display()),
        Err(error) => {
            set_aside_stale_report(results.root());
            return Err(Failure::failed(format!(
                "the runs are stored but the report could not be written: {error}"
            )));
        }
    }
    baseline_saved.map(|()| exit_code(outcome.failed() > 0))
}

/// `jobs`, or fewer when that many of the spec's largest runs would not fit in the available memory together.
fn jobs_that_fit(spec: &crate::spec::Spec, jobs: usize) -> usize {
    let largest = spec
        .envs
        .iter()
        .flat_map(|env| {
            spec.variant_list()
                .into_iter()
                .filter_map(move |variant| estimate_run(env, &spec.resolve_agent(env, &variant)))
        })
        .map(|estimate| estimate.total())
        .fold(0.0, f64::max);
    let available = available_bytes();
    let fit = runs_that_fit(jobs, largest, available);
    if let (true, Some(available)) = (fit < jobs, available) {
        println!(
            "training {fit} run(s) at once instead of {jobs}: a run needs up to {} and {} is available",
            format_bytes(largest),
            format_bytes(available)
        );
    }
    fit
}

/// Installs the Ctrl-C / SIGTERM handler of a batch: it says how many runs are complete and the `resume` command, then
/// ends the process (the runs in progress are lost; their temporary files are removed by the next `run`). Returns
/// the counter of finished runs the runner keeps up to date.
fn interrupt_notice(resume: String, out: &Path, total: usize) -> Arc<AtomicUsize> {
    let finished = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&finished);
    let out = out.display().to_string();
    // Only one handler per process: a second batch in the same process keeps the first (tests call main_with).
    let _ = ctrlc::set_handler(move || {
        eprintln!(
            "\ninterrupted: {} of {total} runs are stored in {out} (runs in progress are lost); `{resume}` resumes \
             and reuses them",
            counter.load(Ordering::SeqCst)
        );
        std::process::exit(130);
    });
    finished
}

/// A report that could not be rewritten must not pass for this batch's: `index.html` becomes `index.html.stale`.
fn set_aside_stale_report(root: &Path) {
    let page = root.join(layout::PAGE);
    if page.is_file() {
        let stale = root.join(layout::STALE_PAGE);
        if std::fs::rename(&page, &stale).is_ok() {
            eprintln!(
                "the previous report is now {} (it does not show this batch)",
                stale.display()
            );
        }
    }
}

/// Loads `new` and `baseline` (a folder, or a saved baseline's name) and checks one against the other; the error
/// says which folder could not be read or why the two cannot be compared.
fn compared(new: &Path, baseline: &str, settings: &CheckSettings) -> Result<CheckReport, String> {
    let baseline_path = if Path::new(baseline).is_dir() {
        PathBuf::from(baseline)
    } else {
        baseline_dir(baseline).map_err(|error| error.to_string())?
    };
    let load = |path: &Path, role: &str| {
        ResultsDir::new(path)
            .load()
            .map_err(|error| format!("{role} {}: {error}", path.display()))
    };
    let hint = if baseline_path.is_dir() || baseline.contains('/') {
        String::new()
    } else {
        format!(" (no folder {baseline:?}; saved baselines live in reports/baselines/)")
    };
    let new_results = load(new, "new results")?;
    let baseline_results = load(&baseline_path, "baseline").map_err(|message| format!("{message}{hint}"))?;
    check(&new_results, &baseline_results, settings).map_err(|error| error.to_string())
}

/// Compares `new` with `baseline` (a folder, or a saved baseline's name), prints the table, writes `check.json` and
/// `check.md` into `new`, and returns 0 (no regression), 1 (a regression) or 2 (the two cannot be compared).
fn check_command(new: &Path, baseline: &str, settings: &CheckSettings) -> Result<ExitCode, Failure> {
    let band = |value: f64| value.is_finite() && value >= 0.0;
    if !(band(settings.noise) && band(settings.speed_noise) && settings.confidence > 0.0 && settings.confidence < 1.0) {
        return Err(Failure::BadInput(format!(
            "--noise {} --speed-noise {} --confidence {}: expected finite bands >= 0 (inf or NaN would turn the gate \
             off) and a confidence in (0, 1)",
            settings.noise, settings.speed_noise, settings.confidence
        )));
    }
    let report = compared(new, baseline, settings).map_err(Failure::BadInput)?;
    println!("{}", report.table());
    write_json(&new.join(layout::CHECK_JSON), &report)
        .and_then(|_| write_atomic(&new.join(layout::CHECK_MARKDOWN), report.markdown().as_bytes()))
        .map_err(Failure::failed)?;
    if report.failed() {
        println!("\nREGRESSED: see {}", new.join(layout::CHECK_MARKDOWN).display());
    } else {
        println!(
            "\nno regression; details in {}",
            new.join(layout::CHECK_MARKDOWN).display()
        );
    }
    Ok(exit_code(report.failed()))
}

/// Writes the report of `results` and says where; a folder that is not a results folder is bad input (exit 2).
fn merge_command(out: &Path, shards: &[PathBuf]) -> Result<ExitCode, Failure> {
    let started = std::time::Instant::now();
    let outcome = merge(out, shards).map_err(|error| match error {
        MergeError::Store(StoreError::Io { .. }) => Failure::failed(error),
        refused => Failure::bad_input(refused),
    })?;
    println!(
        "merged {} shard folder(s) into {}: {} run(s) copied, {} already there, in {:.1} s",
        shards.len(),
        out.display(),
        outcome.copied,
        outcome.already_there,
        started.elapsed().as_secs_f64()
    );
    if !outcome.failed.is_empty() {
        println!(
            "{} run(s) failed (running their shard again trains them): {}",
            outcome.failed.len(),
            outcome.failed.join(", ")
        );
    }
    if !outcome.missing.is_empty() {
        println!("{} planned run(s) are in no shard, whole:", outcome.missing.len());
        // One line per command: a shard's missing runs share one.
        let mut commands: Vec<(&str, Vec<&str>)> = Vec::new();
        for missing in &outcome.missing {
            match commands.iter_mut().find(|(command, _)| *command == missing.command) {
                Some((_, ids)) => ids.push(&missing.id),
                None => commands.push((&missing.command, vec![&missing.id])),
            }
        }
        for (command, ids) in commands {
            println!("  {}\n    trains: {}", command, ids.join(", "));
        }
    }
    match write_report(&ResultsDir::new(out), &AnalysisSettings::default(), None) {
        Ok((_, page)) => println!("report: {}", page.display()),
        Err(error) => {
            return Err(Failure::failed(format!(
                "merged, but the report could not be written: {error}"
            )))
        }
    }
    Ok(exit_code(!outcome.missing.is_empty() || !outcome.failed.is_empty()))
}

fn report_command(dir: &Path, baseline: Option<&str>) -> Result<ExitCode, Failure> {
    let check_report = baseline
        .map(|baseline| compared(dir, baseline, &CheckSettings::default()))
        .transpose()
        .map_err(Failure::BadInput)?;
    let written = write_report(
        &ResultsDir::new(dir),
        &AnalysisSettings::default(),
        check_report.as_ref(),
    );
    match written {
        Ok((analysis, page)) => {
            for row in &analysis.comparisons {
                println!("{}", row.sentence());
            }
            println!("report: {}", page.display());
            Ok(ExitCode::SUCCESS)
        }
        Err(
            error @ ReportError::Store(
                StoreError::NotAResultsDir { .. } | StoreError::Spec(_) | StoreError::UnusableRuns { .. },
            ),
        ) => Err(Failure::bad_input(error)),
        Err(error) => Err(Failure::failed(error)),
    }
}

/// The parts of the benchmark suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BenchGroup {
    Env,
    Act,
    Update,
    /// The Rainbow study's shapes (2×512 MLPs at batch 128, MinAtar's networks at batch 32), with the core's peak
    /// FLOP rate and read bandwidth.
    Study,
    /// The core's peak f32 FLOP rate and its read bandwidth from cache and from memory, alone.
    Peak,
    /// The Nature DQN network on Atari Breakout's screens at batch 32 (the `atari` feature and the ROM).
    Atari,
    WholeRun,
    Scaling,
    Memory,
}

fn bench_command(
    repetitions: usize,
    only: &[BenchGroup],
    cases: Option<&str>,
    out: &Path,
) -> Result<ExitCode, Failure> {
    use crate::bench;
    let repetitions = repetitions.max(1);
    let wanted = |group: BenchGroup| only.is_empty() || only.contains(&group);
    let mut measurements = Vec::new();
    // After each group, what else the machine did while it ran: a figure from a busy or stolen spell says so.
    let mut since = crate::machine_load::Snapshot::now();
    let mut show = |mut group: Vec<bench::Measurement>| {
        let now = crate::machine_load::Snapshot::now();
        group.extend(bench::machine_load_between(since.as_ref(), now.as_ref()));
        for measurement in &group {
            let value = |value: f64| {
                if value >= 100.0 {
                    format!("{value:.0}")
                } else {
                    format!("{value:.3}")
                }
            };
            println!(
                "{:<9} {:<48} {:>9} (min {}, max {}) {}  {}",
                measurement.group,
                measurement.name,
                value(measurement.median()),
                value(measurement.min()),
                value(measurement.max()),
                measurement.unit,
                measurement.note
            );
        }
        measurements.extend(group);
        // Not the time spent printing and storing rows: the next group's load starts here.
        since = crate::machine_load::Snapshot::now();
    };
    if wanted(BenchGroup::Env) {
        show(bench::env_throughputs(200_000, repetitions));
        #[cfg(feature = "atari")]
        show(bench::atari_throughputs(20_000, repetitions));
    }
    let networks = bench::bench_networks();
    if wanted(BenchGroup::Act) {
        show(bench::acting_throughputs(&bench::acting_cases(&networks), repetitions));
    }
    let peak = if wanted(BenchGroup::Peak) || wanted(BenchGroup::Study) || wanted(BenchGroup::Atari) {
        let peak = bench::peak_flops(repetitions);
        let median = peak.first().map(bench::Measurement::median);
        show(peak);
        show(bench::read_bandwidths(repetitions));
        median
    } else {
        None
    };
    let chosen = |mut all: Vec<bench::UpdateCase>| {
        all.retain(|case| cases.is_none_or(|text| case.name().contains(text)));
        all
    };
    // Updates/s, then the rooflines of the vanilla ones.
    let updates_of = |cases: Vec<bench::UpdateCase>| {
        let mut updates = bench::update_throughputs(&cases, repetitions);
        let rooflines = bench::rooflines(&cases, &updates, repetitions, peak);
        updates.extend(rooflines);
        updates
    };
    if wanted(BenchGroup::Update) {
        show(updates_of(chosen(bench::update_cases(&networks))));
    }
    if wanted(BenchGroup::Study) {
        let cases = chosen(bench::study_cases(&bench::study_networks()));
        show(updates_of(cases.clone()));
        // Acting with the study's vanilla and Rainbow agents (noisy nets draw noise at every step).
        let acting: Vec<bench::UpdateCase> = cases
            .into_iter()
            .filter(|case| matches!(case.trick, "vanilla" | "rainbow (all six)"))
            .collect();
        show(bench::acting_throughputs(&acting, repetitions));
    }
    if wanted(BenchGroup::Atari) {
        let cases = chosen(bench::atari_cases());
        let available = match cases.first() {
            None => Err("no case chosen".to_string()),
            Some(_) if !cfg!(feature = "atari") => Err("knowhow was built without the atari feature".to_string()),
            Some(case) => crate::envs::make_env_with(case.network.env, &crate::envs::EnvOptions::none())
                .map(|_| ())
                .map_err(|error| error.to_string()),
        };
        match available {
            Ok(()) => {
                show(updates_of(cases.clone()));
                show(bench::acting_throughputs(&cases, repetitions));
            }
            Err(error) => println!("atari     skipped: {error}"),
        }
    }
    if wanted(BenchGroup::WholeRun) {
        show(vec![bench::whole_run_cleanrl_cartpole(repetitions)]);
    }
    if wanted(BenchGroup::Scaling) {
        show(bench::two_job_scaling(repetitions));
    }
    if wanted(BenchGroup::Memory) {
        show(bench::replay_memory(1_000_000));
    }
    let rows: Vec<bench::BenchRow> = measurements.iter().map(bench::Measurement::row).collect();
    let written = out
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .map_err(anyhow::Error::from)
        .and_then(|()| crate::store::write_csv(out, &rows).map_err(anyhow::Error::from));
    written.map_err(|error| Failure::failed(format!("writing {}: {error:#}", out.display())))?;
    println!("bench: {}", out.display());
    Ok(ExitCode::SUCCESS)
}
