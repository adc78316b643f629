//! The results folder: its layout, atomic writes, run manifests, and what counts as a complete run for resuming.
//!
//! ```text
//! <out>/spec.ron                              the spec exactly as run
//! <out>/runs/<env>/<variant>/seed-<k>/        manifest.json, episodes.csv, evals.csv, train.csv
//! <out>/summary.csv                           one row per run
//! <out>/imported/<env>/<variant>/seed-<k>/    import.json, episodes.csv: another framework's run (`import`)
//! ```
//! Every file is written to a temporary name in the same folder and renamed into place, so an interrupted write
//! never leaves a half file under the real name. A run's manifest is written last: a manifest with status
//! `complete` means the run's CSVs are whole.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::agent::config::AgentConfig;
use crate::plan::{PlannedRun, Shard};
use crate::spec::{EnvSpec, Spec};
use crate::stats::run_scores::{area_under_curve, final_score};
use crate::train::{EpisodeRecord, EvalRecord, RunRecords};

mod imported;
pub use imported::{ImportManifest, ImportedRun};

/// The names of a results folder's files: the one place that decides them (criterion's `fs` idea).
pub mod layout {
    /// The spec exactly as run.
    pub const SPEC: &str = "spec.ron";
    /// The folder of the runs, `runs/<env>/<variant>/seed-<k>/`.
    pub const RUNS: &str = "runs";
    /// A run's manifest, written last.
    pub const MANIFEST: &str = "manifest.json";
    pub const EPISODES: &str = "episodes.csv";
    pub const EVALS: &str = "evals.csv";
    pub const TRAIN: &str = "train.csv";
    /// One row per run (a shard writes `summary.shard-i-of-N.csv`).
    pub const SUMMARY: &str = "summary.csv";
    pub const AGGREGATE: &str = "aggregate.csv";
    pub const COMPARISONS: &str = "comparisons.csv";
    /// The spec's published claims and what the run found (only for a spec with `expectations`).
    pub const EXPECTATIONS: &str = "expectations.csv";
    /// The report.
    pub const PAGE: &str = "index.html";
    /// A report that could not be rewritten, set aside.
    pub const STALE_PAGE: &str = "index.html.stale";
    /// The regression check's numbers and summary.
    pub const CHECK_JSON: &str = "check.json";
    pub const CHECK_MARKDOWN: &str = "check.md";
    /// Held while a `run` writes into the folder.
    pub const LOCK: &str = ".knowhow.lock";
    /// The folder of other frameworks' runs, `imported/<env>/<variant>/seed-<k>/`, and each one's manifest.
    pub const IMPORTED: &str = "imported";
    /// LunarLander runs: one greedy flight after training (the report's picture of a landing).
    pub const LANDING: &str = "landing.json";
    /// Runs on envs with binary image observations: a few frames of one greedy episode after training.
    pub const EPISODE_FRAMES: &str = "episode.json";
    pub const IMPORT_MANIFEST: &str = "import.json";
}

/// Why a results folder could not be read or written, with the path it concerns. (The underlying errors are part
/// of each message rather than a `source`, so that a chain printed with `{:#}` does not say them twice.)
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{}: {error}", path.display())]
    Io { path: PathBuf, error: std::io::Error },
    #[error("{}: {error}", path.display())]
    Csv { path: PathBuf, error: csv::Error },
    #[error("{}: {error}", path.display())]
    Json { path: PathBuf, error: serde_json::Error },
    #[error("{0}")]
    Spec(#[from] crate::error::SpecError),
    #[error("{}: no results folder here (expected spec.ron and runs/ as written by `knowhow run`)", path.display())]
    NotAResultsDir { path: PathBuf },
    #[error(
        "{}: {} stored run(s) are not whole or do not belong to its spec.ron, and are not counted: {}; `knowhow \
         run` on that spec retrains them",
        path.display(), runs.len(), list_some(runs)
    )]
    UnusableRuns { path: PathBuf, runs: Vec<String> },
    #[error(
        "{}: holds experiment {stored:?} (its spec.ron), and {new:?} differs from it: {difference}; use another \
         --out, or --fresh to retrain into this folder anyway",
        path.display()
    )]
    OtherExperiment {
        path: PathBuf,
        stored: String,
        new: String,
        difference: String,
    },
    #[error("{}: another knowhow run is using this folder ({holder}); wait for it, or use another --out", path.display())]
    Busy { path: PathBuf, holder: String },
    #[error("baseline name {name:?}: {problem}")]
    BadBaselineName { name: String, problem: String },
    #[error("{}: exists and is not a results folder (no spec.ron): not replacing it with a baseline", path.display())]
    NotABaseline { path: PathBuf },
}

/// The first few items of a list, and how many more.
pub(crate) fn list_some(items: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut text = items.iter().take(SHOWN).cloned().collect::<Vec<_>>().join("; ");
    if items.len() > SHOWN {
        text.push_str(&format!("; and {} more", items.len() - SHOWN));
    }
    text
}

/// Turns an I/O error on `path` into a `StoreError` that names the path.
pub(crate) fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |error| StoreError::Io {
        path: path.to_path_buf(),
        error,
    }
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum RunStatus {
    Complete,
    Failed { reason: String },
}

/// `manifest.json`: what a run was and how it went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub id: String,
    pub env: String,
    pub variant: String,
    pub seed: u64,
    pub config_hash: String,
    #[serde(flatten)]
    pub status: RunStatus,
    /// Env steps trained.
    pub steps: usize,
    pub wall_secs: f64,
    pub steps_per_sec: f64,
    /// Mean of the last `final_evals` evaluations (absent for a failed run).
    pub final_score: Option<f64>,
    /// Area under the eval curve divided by the steps it spans.
    pub auc: Option<f64>,
    pub env_settings: EnvSpec,
    pub agent: AgentConfig,
    pub knowhow_version: String,
    pub git_commit: String,
    /// When the manifest was written (UTC, RFC 3339).
    #[serde(default)]
    pub finished_at: String,
    /// Cores of the machine that ran it.
    #[serde(default)]
    pub cores: usize,
}

/// The results folder of one experiment.
#[derive(Debug, Clone)]
pub struct ResultsDir {
    root: PathBuf,
}

impl ResultsDir {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        ResultsDir { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The folder of one run.
    pub fn run_dir(&self, run: &PlannedRun) -> PathBuf {
        self.root.join(layout::RUNS).join(run.id())
    }

    /// Saves the spec's source text as `spec.ron`.
    pub fn write_spec(&self, source: &str) -> Result<(), StoreError> {
        write_atomic(&self.root.join(layout::SPEC), source.as_bytes())
    }

    /// The stored manifest of `run` if the run is complete, with the same id and config hash, and the files the
    /// report reads are whole (so it can be skipped); a run that fails any of that is trained again.
    pub fn completed(&self, run: &PlannedRun) -> Option<Manifest> {
        let dir = self.run_dir(run);
        let manifest = read_manifest(&dir).ok()?;
        let whole = manifest.status == RunStatus::Complete
            && self.stored_run(run, &manifest).is_ok()
            && [layout::EPISODES, layout::TRAIN]
                .iter()
                .all(|file| dir.join(file).is_file());
        whole.then_some(manifest)
    }

    /// A stored run as `report` and `check` read it (its manifest and evaluations; a baseline keeps no more), or why
    /// it cannot count as `run` of the plan: a manifest of another id or config hash (copied from elsewhere, or left
    /// by another spec), or a complete run whose evaluations are missing, unreadable or not the ones its manifest
    /// summarises.
    fn stored_run(&self, run: &PlannedRun, manifest: &Manifest) -> Result<StoredRun, String> {
        let dir = self.run_dir(run);
        let id = run.id();
        if manifest.id != id {
            return Err(format!("runs/{id}/manifest.json is the manifest of {}", manifest.id));
        }
        if manifest.config_hash != run.config_hash() {
            return Err(format!(
                "runs/{id} was trained with config hash {}, the spec's is {}",
                manifest.config_hash,
                run.config_hash()
            ));
        }
        if manifest.status != RunStatus::Complete {
            return Ok(StoredRun {
                manifest: manifest.clone(),
                evals: Vec::new(),
                episodes: Vec::new(),
            });
        }
        let evals: Vec<EvalRecord> = read_csv(&dir.join(layout::EVALS)).map_err(|error| error.to_string())?;
        let env = &run.env;
        let expected_rows = 1 + env.steps / env.eval_every + usize::from(!env.steps.is_multiple_of(env.eval_every));
        let returns: Vec<f64> = evals.iter().map(|eval| eval.mean_return).collect();
        let consistent = evals.len() == expected_rows
            && evals.last().map(|eval| eval.step) == Some(env.steps)
            && final_score(&returns, env.final_evals).map(f64::to_bits) == manifest.final_score.map(f64::to_bits);
        if !consistent {
            return Err(format!(
                "runs/{id}/evals.csv is not the one its manifest summarises ({} rows, {expected_rows} expected)",
                evals.len()
            ));
        }
        Ok(StoredRun {
            manifest: manifest.clone(),
            evals,
            episodes: Vec::new(),
        })
    }

    /// Writes a finished run's CSVs, then its manifest, and returns the manifest.
    pub fn write_run(&self, run: &PlannedRun, records: &RunRecords) -> Result<Manifest, StoreError> {
        let dir = self.run_dir(run);
        fs::create_dir_all(&dir).map_err(io_error(&dir))?;
        write_csv(&dir.join(layout::EPISODES), &records.episodes)?;
        write_csv(&dir.join(layout::EVALS), &records.evals)?;
        write_csv(&dir.join(layout::TRAIN), &records.train_log)?;
        if let Some(landing) = &records.landing {
            write_json(&dir.join(layout::LANDING), landing)?;
        }
        if let Some(frames) = &records.episode_frames {
            write_json(&dir.join(layout::EPISODE_FRAMES), frames)?;
        }
        let eval_returns: Vec<f64> = records.evals.iter().map(|eval| eval.mean_return).collect();
        let curve: Vec<(usize, f64)> = records.evals.iter().map(|eval| (eval.step, eval.mean_return)).collect();
        let manifest = Manifest {
            status: RunStatus::Complete,
            steps: records.steps,
            wall_secs: records.wall_secs,
            steps_per_sec: records.steps as f64 / records.wall_secs.max(1e-9),
            final_score: final_score(&eval_returns, run.env.final_evals),
            auc: area_under_curve(&curve),
            ..manifest_base(run)
        };
        write_json(&dir.join(layout::MANIFEST), &manifest)?;
        Ok(manifest)
    }

    /// Records a run that failed, with the reason; any CSVs of an earlier attempt are left as they are.
    pub fn write_failed_run(&self, run: &PlannedRun, reason: String, wall_secs: f64) -> Result<Manifest, StoreError> {
        let dir = self.run_dir(run);
        fs::create_dir_all(&dir).map_err(io_error(&dir))?;
        let manifest = Manifest {
            status: RunStatus::Failed { reason },
            wall_secs,
            ..manifest_base(run)
        };
        write_json(&dir.join(layout::MANIFEST), &manifest)?;
        Ok(manifest)
    }

    /// Writes `summary.csv`: one row per run, in the order given.
    /// `shard` i/N writes `summary.shard-i-of-N.csv` instead, so that shards copied into one folder never write the
    /// same file.
    pub fn write_summary(&self, manifests: &[Manifest], shard: Option<Shard>) -> Result<(), StoreError> {
        let rows: Vec<SummaryRow> = manifests.iter().map(SummaryRow::from).collect();
        let name = match shard {
            None => layout::SUMMARY.to_string(),
            Some(Shard { index, count }) => format!("summary.shard-{index}-of-{count}.csv"),
        };
        write_csv(&self.root.join(name), &rows)
    }
}

/// A manifest with the run's identity and versions filled in and no results yet.
fn manifest_base(run: &PlannedRun) -> Manifest {
    Manifest {
        id: run.id(),
        env: run.env.id.clone(),
        variant: run.variant.clone(),
        seed: run.seed,
        config_hash: run.config_hash(),
        status: RunStatus::Complete,
        steps: 0,
        wall_secs: 0.0,
        steps_per_sec: 0.0,
        final_score: None,
        auc: None,
        env_settings: run.env.clone(),
        agent: run.agent.clone(),
        knowhow_version: env!("CARGO_PKG_VERSION").to_string(),
        git_commit: env!("KNOWHOW_GIT_COMMIT").to_string(),
        finished_at: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
        cores: std::thread::available_parallelism().map_or(1, |count| count.get()),
    }
}

/// A row of `summary.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryRow {
    pub env: String,
    pub variant: String,
    pub seed: u64,
    pub final_score: Option<f64>,
    pub auc: Option<f64>,
    pub steps: usize,
    pub wall_secs: f64,
    pub steps_per_sec: f64,
    pub status: String,
    pub reason: String,
}

impl From<&Manifest> for SummaryRow {
    fn from(manifest: &Manifest) -> Self {
        let (status, reason) = match &manifest.status {
            RunStatus::Complete => ("complete", String::new()),
            RunStatus::Failed { reason } => ("failed", reason.clone()),
        };
        SummaryRow {
            env: manifest.env.clone(),
            variant: manifest.variant.clone(),
            seed: manifest.seed,
            final_score: manifest.final_score,
            auc: manifest.auc,
            steps: manifest.steps,
            wall_secs: manifest.wall_secs,
            steps_per_sec: manifest.steps_per_sec,
            status: status.to_string(),
            reason,
        }
    }
}

/// One stored run as the statistics read it: its manifest and its evaluation curve.
#[derive(Debug, Clone)]
pub struct StoredRun {
    pub manifest: Manifest,
    /// Empty for a failed run.
    pub evals: Vec<EvalRecord>,
    /// Its training episodes, read only where runs compare on them (the envs that have imported runs, or every env
    /// of a spec whose `measure` is `TrainingEpisodes`); else empty.
    pub episodes: Vec<EpisodeRecord>,
}

/// A results folder read back: the spec as run and every run of its plan that has a manifest, in plan order.
#[derive(Debug, Clone)]
pub struct StoredResults {
    pub root: PathBuf,
    pub spec_source: String,
    pub spec: Spec,
    pub runs: Vec<StoredRun>,
    /// Ids of planned runs with no manifest (not trained yet, or in a shard not merged here).
    pub missing: Vec<String>,
    /// Other frameworks' runs brought in by `import`, in id order.
    pub imported: Vec<ImportedRun>,
}

impl ResultsDir {
    /// The folder's `spec.ron`, as text and parsed; a folder without one is not a results folder.
    pub fn read_spec(&self) -> Result<(String, Spec), StoreError> {
        let spec_path = self.root.join(layout::SPEC);
        if !spec_path.is_file() {
            return Err(StoreError::NotAResultsDir {
                path: self.root.clone(),
            });
        }
        let source = fs::read_to_string(&spec_path).map_err(io_error(&spec_path))?;
        let spec = crate::spec::parse_spec(&source, &spec_path)?;
        Ok((source, spec))
    }

    /// Reads the spec and every planned run's manifest and evaluations (what `report` and `check` start from).
    pub fn load(&self) -> Result<StoredResults, StoreError> {
        let (spec_source, spec) = self.read_spec()?;
        let mut runs = Vec::new();
        let mut missing = Vec::new();
        let mut unusable = Vec::new();
        for run in crate::plan::plan(&spec) {
            let run_dir = self.run_dir(&run);
            if !run_dir.join(layout::MANIFEST).is_file() {
                missing.push(run.id());
                continue;
            }
            let stored = read_manifest(&run_dir)
                .map_err(|error| error.to_string())
                .and_then(|manifest| self.stored_run(&run, &manifest));
            match stored {
                Ok(stored) => runs.push(stored),
                Err(problem) => unusable.push(problem),
            }
        }
        let (imported, problems) = self.read_imported()?;
        unusable.extend(problems);
        for run in &imported {
            let manifest = &run.manifest;
            if !spec.envs.iter().any(|env| env.id == manifest.env) {
                unusable.push(format!(
                    "imported/{}: env {} is not in spec.ron",
                    manifest.id, manifest.env
                ));
            } else if spec
                .variant_list()
                .iter()
                .any(|variant| variant.name == manifest.variant)
            {
                unusable.push(format!(
                    "imported/{}: variant {} is also one of spec.ron's",
                    manifest.id, manifest.variant
                ));
            }
        }
        // Where other frameworks' runs are, or when the spec scores on them, every run compares on its training
        // episodes: read them.
        let on_training_episodes = spec.measure == Some(crate::spec::Measure::TrainingEpisodes);
        for run in runs.iter_mut() {
            let env = &run.manifest.env;
            let needed = on_training_episodes || imported.iter().any(|other| other.manifest.env == *env);
            if run.manifest.status == RunStatus::Complete && needed {
                let path = self
                    .root
                    .join(layout::RUNS)
                    .join(&run.manifest.id)
                    .join(layout::EPISODES);
                match read_csv(&path) {
                    Ok(episodes) => run.episodes = episodes,
                    Err(error) => unusable.push(error.to_string()),
                }
            }
        }
        if !unusable.is_empty() {
            return Err(StoreError::UnusableRuns {
                path: self.root.clone(),
                runs: unusable,
            });
        }
        Ok(StoredResults {
            root: self.root.clone(),
            spec_source,
            spec,
            runs,
            missing,
            imported,
        })
    }
}

impl StoredResults {
    /// The path of `file` (one of `layout`'s names) in `run`'s folder.
    pub fn run_file(&self, run: &StoredRun, file: &str) -> PathBuf {
        self.root.join(layout::RUNS).join(&run.manifest.id).join(file)
    }

    /// The complete runs of `env` × `variant` (each with its final score and area under the curve), in plan order:
    /// what every statistic of a cell rests on.
    pub fn complete_runs(&self, env: &str, variant: &str) -> Vec<&StoredRun> {
        self.runs
            .iter()
            .filter(|run| run.manifest.env == env && run.manifest.variant == variant)
            .filter(|run| {
                run.manifest.status == RunStatus::Complete
                    && run.manifest.final_score.is_some()
                    && run.manifest.auc.is_some()
            })
            .collect()
    }
}

/// The folder of the named baseline `name`: `reports/baselines/<name>/` (criterion's idea: a baseline is a results
/// folder kept under a name). `name` must be a plain folder name, so that the path never leaves that folder.
pub fn baseline_dir(name: &str) -> Result<PathBuf, StoreError> {
    if let Some(problem) = crate::spec::folder_name_problem(name) {
        return Err(StoreError::BadBaselineName {
            name: name.to_string(),
            problem,
        });
    }
    Ok(Path::new("reports").join("baselines").join(name))
}

impl ResultsDir {
    /// Copies what a later `check` or `report` needs — `spec.ron`, `summary.csv`, each run's `manifest.json` and
    /// `evals.csv`, and imported runs with the `episodes.csv` of the runs they compare against — into `target`, replacing the baseline there. The copy is assembled beside `target` and swapped
    /// in with one atomic exchange of the two folders (on Linux), so an interrupted save leaves the old baseline or
    /// the new one, whole; only then is the old one removed. A `target` that is not a results folder is refused
    /// rather than replaced; leftovers of an interrupted save of the same name are removed first.
    pub fn save_copy(&self, target: &Path) -> Result<(), StoreError> {
        if target.exists() && !target.join(layout::SPEC).is_file() {
            return Err(StoreError::NotABaseline {
                path: target.to_path_buf(),
            });
        }
        let name = target
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let parent = target.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(parent).map_err(io_error(parent))?;
        for entry in fs::read_dir(parent).map_err(io_error(parent))? {
            let path = entry.map_err(io_error(parent))?.path();
            let leftover = path.file_name().and_then(|file| file.to_str()).is_some_and(|file| {
                [".tmp-", ".old-"]
                    .iter()
                    .any(|mark| file.strip_prefix(&format!(".{name}{mark}")).is_some_and(is_number))
            });
            if leftover && path.is_dir() {
                fs::remove_dir_all(&path).map_err(io_error(&path))?;
            }
        }
        let staging = parent.join(format!(".{name}.tmp-{}", std::process::id()));
        let results = self.load()?;
        let copy = |relative: &Path| -> Result<(), StoreError> {
            let (from, to) = (self.root.join(relative), staging.join(relative));
            if let Some(parent) = to.parent() {
                fs::create_dir_all(parent).map_err(io_error(parent))?;
            }
            fs::copy(&from, &to).map_err(io_error(&from)).map(|_| ())
        };
        copy(Path::new(layout::SPEC))?;
        if self.root.join(layout::SUMMARY).is_file() {
            copy(Path::new(layout::SUMMARY))?;
        }
        for run in &results.runs {
            let folder = Path::new(layout::RUNS).join(&run.manifest.id);
            copy(&folder.join(layout::MANIFEST))?;
            if run.manifest.status == RunStatus::Complete {
                copy(&folder.join(layout::EVALS))?;
            }
            if !run.episodes.is_empty() {
                copy(&folder.join(layout::EPISODES))?;
            }
        }
        for run in &results.imported {
            let folder = Path::new(layout::IMPORTED).join(&run.manifest.id);
            copy(&folder.join(layout::EPISODES))?;
            copy(&folder.join(layout::IMPORT_MANIFEST))?;
        }
        if !target.exists() {
            return fs::rename(&staging, target).map_err(io_error(target));
        }
        if exchange(&staging, target).is_err() {
            // No atomic exchange here: move the old one aside, the new one in, in two renames.
            let aside = parent.join(format!(".{name}.old-{}", std::process::id()));
            fs::rename(target, &aside).map_err(io_error(target))?;
            fs::rename(&staging, target).map_err(io_error(target))?;
            return fs::remove_dir_all(&aside).map_err(io_error(&aside));
        }
        // `staging` now holds the old baseline.
        fs::remove_dir_all(&staging).map_err(io_error(&staging))
    }
}

fn is_number(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit())
}

/// Swaps two paths in one step (Linux's `renameat2` with `RENAME_EXCHANGE`).
#[cfg(target_os = "linux")]
fn exchange(first: &Path, second: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c_path = |path: &Path| {
        CString::new(path.as_os_str().as_bytes()).map_err(|_| std::io::Error::from(std::io::ErrorKind::InvalidInput))
    };
    let (first, second) = (c_path(first)?, c_path(second)?);
    // SAFETY: both pointers are valid NUL-terminated strings that outlive the call.
    let status = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            first.as_ptr(),
            libc::AT_FDCWD,
            second.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if status == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_first: &Path, _second: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// Held while a `run` writes into a results folder (an advisory lock on `<out>/.knowhow.lock`, released when the
/// process ends, however it ends): a second `run` on the same folder is refused instead of training everything
/// twice.
#[derive(Debug)]
pub struct FolderLock {
    _file: fs::File,
}

impl ResultsDir {
    /// Creates the folder if needed and takes its lock, or says who holds it.
    pub fn lock(&self) -> Result<FolderLock, StoreError> {
        use std::io::Write;
        fs::create_dir_all(&self.root).map_err(io_error(&self.root))?;
        let path = self.root.join(layout::LOCK);
        let mut file = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io_error(&path))?;
        match file.try_lock() {
            Ok(()) => {
                file.set_len(0)
                    .and_then(|()| write!(file, "pid {}", std::process::id()))
                    .map_err(io_error(&path))?;
                Ok(FolderLock { _file: file })
            }
            Err(fs::TryLockError::WouldBlock) => Err(StoreError::Busy {
                path: self.root.clone(),
                holder: fs::read_to_string(&path).unwrap_or_else(|_| "a process".to_string()),
            }),
            Err(fs::TryLockError::Error(error)) => Err(StoreError::Io { path, error }),
        }
    }

    /// Removes the temporary files (`.<name>.tmp-<pid>`) that an interrupted write left in the folder, and returns
    /// how many. Call it holding the lock: then no other process is writing them.
    pub fn remove_temporaries(&self) -> Result<usize, StoreError> {
        fn sweep(dir: &Path, removed: &mut usize) -> Result<(), StoreError> {
            let Ok(entries) = fs::read_dir(dir) else {
                return Ok(());
            };
            for entry in entries {
                let entry = entry.map_err(io_error(dir))?;
                let path = entry.path();
                let file_type = entry.file_type().map_err(io_error(&path))?;
                if file_type.is_dir() {
                    sweep(&path, removed)?;
                } else if file_type.is_file() && is_temporary(&entry.file_name().to_string_lossy()) {
                    fs::remove_file(&path).map_err(io_error(&path))?;
                    *removed += 1;
                }
            }
            Ok(())
        }
        let mut removed = 0;
        sweep(&self.root, &mut removed)?;
        Ok(removed)
    }

    /// Checks that `spec` (with its `source`) may run into this folder: a folder with no spec yet, the same spec,
    /// or one under the same name whose plan gives every stored run the same config (more seeds or variants, other
    /// questions). Anything else would retrain stored runs over with another config, or mix two experiments.
    pub fn admits(&self, spec: &Spec, source: &str) -> Result<(), StoreError> {
        let path = self.root.join(layout::SPEC);
        if !path.exists() {
            return Ok(());
        }
        let stored_source = fs::read_to_string(&path).map_err(io_error(&path))?;
        if stored_source == source {
            return Ok(());
        }
        let refuse = |stored: &str, difference: String| StoreError::OtherExperiment {
            path: self.root.clone(),
            stored: stored.to_string(),
            new: spec.name.clone(),
            difference,
        };
        let stored = crate::spec::parse_spec(&stored_source, &path)
            .map_err(|error| refuse("(unreadable)", format!("its spec.ron is not a valid spec ({error})")))?;
        if stored.name != spec.name {
            return Err(refuse(&stored.name, "another name".to_string()));
        }
        let planned: std::collections::HashMap<String, String> = crate::plan::plan(spec)
            .iter()
            .map(|run| (run.id(), run.config_hash()))
            .collect();
        let changed: Vec<String> = crate::plan::plan(&stored)
            .iter()
            .filter(|run| self.run_dir(run).join(layout::MANIFEST).is_file())
            .filter(|run| planned.get(&run.id()).is_some_and(|hash| *hash != run.config_hash()))
            .map(PlannedRun::id)
            .collect();
        if !changed.is_empty() {
            return Err(refuse(
                &stored.name,
                format!(
                    "{} stored run(s) would be trained again with another config: {}",
                    changed.len(),
                    list_some(&changed)
                ),
            ));
        }
        Ok(())
    }
}

/// Whether a file name is one of `write_atomic`'s temporaries: `.<name>.tmp-<pid>`.
fn is_temporary(file_name: &str) -> bool {
    file_name.starts_with('.') && file_name.rsplit_once(".tmp-").is_some_and(|(_, pid)| is_number(pid))
}

/// Reads a CSV with a header into rows.
pub fn read_csv<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Vec<T>, StoreError> {
    let csv_error = |error| StoreError::Csv {
        path: path.to_path_buf(),
        error,
    };
    let mut reader = csv::Reader::from_path(path).map_err(csv_error)?;
    reader
        .deserialize()
        .collect::<Result<Vec<T>, csv::Error>>()
        .map_err(csv_error)
}

/// Reads a run folder's `manifest.json`.
pub fn read_manifest(run_dir: &Path) -> Result<Manifest, StoreError> {
    let path = run_dir.join(layout::MANIFEST);
    let bytes = fs::read(&path).map_err(io_error(&path))?;
    serde_json::from_slice(&bytes).map_err(|error| StoreError::Json { path, error })
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(io_error(parent))?;
    }
    let file_name = path.file_name().map(|name| name.to_string_lossy()).unwrap_or_default();
    let temporary = path.with_file_name(format!(".{file_name}.tmp-{}", std::process::id()));
    let written = fs::write(&temporary, bytes)
        .map_err(io_error(&temporary))
        .and_then(|()| fs::rename(&temporary, path).map_err(io_error(path)));
    if written.is_err() {
        // A full disk leaves no half temporary behind.
        let _ = fs::remove_file(&temporary);
    }
    written
}

/// Writes serialisable rows as CSV with a header, atomically.
pub fn write_csv<T: Serialize>(path: &Path, rows: &[T]) -> Result<(), StoreError> {
    let csv_error = |error| StoreError::Csv {
        path: path.to_path_buf(),
        error,
    };
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        writer.serialize(row).map_err(csv_error)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|error| csv_error(error.into_error().into()))?;
    write_atomic(path, &bytes)
}

/// Writes a value as pretty JSON, atomically.
pub fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), StoreError> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(|error| StoreError::Json {
        path: path.to_path_buf(),
        error,
    })?;
    bytes.push(b'\n');
    write_atomic(path, &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_that_fails_leaves_no_temporary_behind() {
        // The target is a folder with something in it, so the rename fails after the temporary was written.
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("summary.csv");
        fs::create_dir_all(target.join("inside")).unwrap();
        assert!(write_atomic(&target, b"rows").is_err());
        let names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["summary.csv"]);
    }

    #[test]
    fn only_names_write_atomic_gives_count_as_temporaries() {
        assert!(is_temporary(".evals.csv.tmp-123"));
        assert!(!is_temporary("evals.csv.tmp-123"), "not hidden");
        assert!(!is_temporary(".evals.csv.tmp-"), "no process id");
        assert!(!is_temporary(".notes.tmp-12a"));
    }
}
