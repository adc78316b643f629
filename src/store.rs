//! The results folder: its layout, atomic writes, run manifests, and what counts as a complete run for resuming.
//!
//! ```text
//! <out>/spec.ron                              the spec exactly as run
//! <out>/runs/<env>/<variant>/seed-<k>/        manifest.json, episodes.csv, evals.csv, train.csv
//! <out>/summary.csv                           one row per run
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
use crate::train::{EvalRecord, RunRecords};

/// A file-system failure, with the path it concerns.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}: {source}")]
    Csv { path: PathBuf, source: csv::Error },
    #[error("{path}: {source}")]
    Json { path: PathBuf, source: serde_json::Error },
    #[error("{0}")]
    Spec(#[from] crate::error::SpecError),
    #[error("{path}: no results folder here (expected spec.ron and runs/ as written by `knowhow run`)")]
    NotAResultsDir { path: PathBuf },
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
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
        self.root.join("runs").join(run.id())
    }

    /// Saves the spec's source text as `spec.ron`.
    pub fn write_spec(&self, source: &str) -> Result<(), StoreError> {
        write_atomic(&self.root.join("spec.ron"), source.as_bytes())
    }

    /// The stored manifest of `run` if the run is complete with the same config hash (so it can be skipped).
    pub fn completed(&self, run: &PlannedRun) -> Option<Manifest> {
        let manifest = read_manifest(&self.run_dir(run)).ok()?;
        (manifest.status == RunStatus::Complete && manifest.config_hash == run.config_hash()).then_some(manifest)
    }

    /// Writes a finished run's CSVs, then its manifest, and returns the manifest.
    pub fn write_run(&self, run: &PlannedRun, records: &RunRecords) -> Result<Manifest, StoreError> {
        let dir = self.run_dir(run);
        fs::create_dir_all(&dir).map_err(io_error(&dir))?;
        write_csv(&dir.join("episodes.csv"), &records.episodes)?;
        write_csv(&dir.join("evals.csv"), &records.evals)?;
        write_csv(&dir.join("train.csv"), &records.train_log)?;
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
        write_json(&dir.join("manifest.json"), &manifest)?;
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
        write_json(&dir.join("manifest.json"), &manifest)?;
        Ok(manifest)
    }

    /// Writes `summary.csv`: one row per run, in the order given.
    /// `shard` i/N writes `summary.shard-i-of-N.csv` instead, so that shards copied into one folder never write the
    /// same file.
    pub fn write_summary(&self, manifests: &[Manifest], shard: Option<Shard>) -> Result<(), StoreError> {
        let rows: Vec<SummaryRow> = manifests.iter().map(SummaryRow::from).collect();
        let name = match shard {
            None => "summary.csv".to_string(),
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
}

impl ResultsDir {
    /// Reads the spec and every planned run's manifest and evaluations (what `report` and `check` start from).
    pub fn load(&self) -> Result<StoredResults, StoreError> {
        let spec_path = self.root.join("spec.ron");
        if !spec_path.is_file() {
            return Err(StoreError::NotAResultsDir {
                path: self.root.clone(),
            });
        }
        let spec_source = fs::read_to_string(&spec_path).map_err(io_error(&spec_path))?;
        let spec = crate::spec::parse_spec(&spec_source, &spec_path)?;
        let mut runs = Vec::new();
        let mut missing = Vec::new();
        for run in crate::plan::plan(&spec) {
            let run_dir = self.run_dir(&run);
            if !run_dir.join("manifest.json").is_file() {
                missing.push(run.id());
                continue;
            }
            let manifest = read_manifest(&run_dir)?;
            let evals = match manifest.status {
                RunStatus::Complete => read_csv(&run_dir.join("evals.csv"))?,
                RunStatus::Failed { .. } => Vec::new(),
            };
            runs.push(StoredRun { manifest, evals });
        }
        Ok(StoredResults {
            root: self.root.clone(),
            spec_source,
            spec,
            runs,
            missing,
        })
    }
}

/// The folder of the named baseline `name`: `reports/baselines/<name>/` (criterion's idea: a baseline is a results
/// folder kept under a name).
pub fn baseline_dir(name: &str) -> PathBuf {
    Path::new("reports").join("baselines").join(name)
}

impl ResultsDir {
    /// Copies what a later `check` or `report` needs — `spec.ron`, `summary.csv`, and each run's `manifest.json` and
    /// `evals.csv` — into `target`, replacing what was there. The copy is assembled beside `target` and renamed into
    /// place, so an interrupted save leaves the old baseline whole.
    pub fn save_copy(&self, target: &Path) -> Result<(), StoreError> {
        let staging = target.with_file_name(format!(
            ".{}.tmp-{}",
            target
                .file_name()
                .map(|name| name.to_string_lossy())
                .unwrap_or_default(),
            std::process::id()
        ));
        let results = self.load()?;
        let copy = |relative: &Path| -> Result<(), StoreError> {
            let (from, to) = (self.root.join(relative), staging.join(relative));
            if let Some(parent) = to.parent() {
                fs::create_dir_all(parent).map_err(io_error(parent))?;
            }
            fs::copy(&from, &to).map_err(io_error(&from)).map(|_| ())
        };
        copy(Path::new("spec.ron"))?;
        if self.root.join("summary.csv").is_file() {
            copy(Path::new("summary.csv"))?;
        }
        for run in &results.runs {
            let folder = Path::new("runs").join(&run.manifest.id);
            copy(&folder.join("manifest.json"))?;
            if run.manifest.status == RunStatus::Complete {
                copy(&folder.join("evals.csv"))?;
            }
        }
        if target.exists() {
            fs::remove_dir_all(target).map_err(io_error(target))?;
        }
        fs::rename(&staging, target).map_err(io_error(target))
    }
}

/// Reads a CSV with a header into rows.
pub fn read_csv<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Vec<T>, StoreError> {
    let csv_error = |source| StoreError::Csv {
        path: path.to_path_buf(),
        source,
    };
    let mut reader = csv::Reader::from_path(path).map_err(csv_error)?;
    reader
        .deserialize()
        .collect::<Result<Vec<T>, csv::Error>>()
        .map_err(csv_error)
}

/// Reads a run folder's `manifest.json`.
pub fn read_manifest(run_dir: &Path) -> Result<Manifest, StoreError> {
    let path = run_dir.join("manifest.json");
    let bytes = fs::read(&path).map_err(io_error(&path))?;
    serde_json::from_slice(&bytes).map_err(|source| StoreError::Json { path, source })
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(io_error(parent))?;
    }
    let file_name = path.file_name().map(|name| name.to_string_lossy()).unwrap_or_default();
    let temporary = path.with_file_name(format!(".{file_name}.tmp-{}", std::process::id()));
    fs::write(&temporary, bytes).map_err(io_error(&temporary))?;
    fs::rename(&temporary, path).map_err(io_error(path))
}

/// Writes serialisable rows as CSV with a header, atomically.
pub fn write_csv<T: Serialize>(path: &Path, rows: &[T]) -> Result<(), StoreError> {
    let csv_error = |source| StoreError::Csv {
        path: path.to_path_buf(),
        source,
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
    let mut bytes = serde_json::to_vec_pretty(value).map_err(|source| StoreError::Json {
        path: path.to_path_buf(),
        source,
    })?;
    bytes.push(b'\n');
    write_atomic(path, &bytes)
}
