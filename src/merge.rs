//! `merge`: brings the folders of a sharded batch (`run --shard i/N`) together into one results folder, after
//! checking that they belong together — the same spec, no run in two shards, no run trained with another config —
//! and says which runs are still missing and the command that would train them.

use std::fs;
use std::path::{Path, PathBuf};

use crate::plan::{plan, PlannedRun, Shard};
use crate::store::{io_error, layout, read_manifest, Manifest, ResultsDir, RunStatus, StoreError};

/// Why shards could not be merged; nothing was copied.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("no shard folders to merge: name them after the output folder, e.g. `knowhow merge merged shards/*`")]
    NoShards,
    #[error(
        "{}: its spec.ron differs from {}'s: these shards ran different specs (or different versions of one), and \
         their runs cannot be merged",
        shard.display(),
        first.display()
    )]
    OtherSpec { shard: PathBuf, first: PathBuf },
    #[error(
        "{}: it holds another experiment's results (its spec.ron is not the shards'); merge into a new folder",
        out.display()
    )]
    OutHoldsOther { out: PathBuf },
    #[error("{}: the output folder is one of the shards; merge into a new folder", out.display())]
    OutIsAShard { out: PathBuf },
    #[error(
        "run {id} is in two shards, {} and {}: the folders are not one partition of the plan (were they run with \
         different shard counts, or copied into each other?)",
        first.display(),
        second.display()
    )]
    Twice {
        id: String,
        first: PathBuf,
        second: PathBuf,
    },
    #[error(
        "{}: run {id} was trained with config hash {found}, the spec's is {expected}: it belongs to another version \
         of the spec",
        shard.display()
    )]
    OtherConfig {
        id: String,
        shard: PathBuf,
        found: String,
        expected: String,
    },
    #[error(
        "{}: run {id} is already there and differs from the one in {}; merge into a new folder",
        out.display(),
        shard.display()
    )]
    Conflict { id: String, out: PathBuf, shard: PathBuf },
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// A planned run that no shard holds, whole, and the command that would train it.
#[derive(Debug, Clone, PartialEq)]
pub struct MissingRun {
    pub id: String,
    pub command: String,
}

/// What a merge did.
#[derive(Debug, Clone, Default)]
pub struct MergeOutcome {
    /// Runs copied into the output folder.
    pub copied: usize,
    /// Runs already there, identical (an earlier merge of the same shards).
    pub already_there: usize,
    /// Runs stored as failed (copied; their shard's `run` trains them again).
    pub failed: Vec<String>,
    pub missing: Vec<MissingRun>,
    /// The shard count the folders were run with, where their summaries say it.
    pub shard_count: Option<usize>,
}

/// Where a run was found: the shard folder (and its place in `shards`) and its manifest.
struct Found<'a> {
    run: &'a PlannedRun,
    /// The run's place in the plan (what `--shard` deals by).
    position: usize,
    shard: &'a Path,
    shard_number: usize,
    manifest: Manifest,
}

/// The shard (index, count) a folder was run as, from its `summary.shard-i-of-N.csv` (a shard killed before it
/// finished has none).
fn shard_of(folder: &Path) -> Option<Shard> {
    fs::read_dir(folder).ok()?.find_map(|entry| {
        let name = entry.ok()?.file_name().into_string().ok()?;
        let (index, count) = name
            .strip_prefix("summary.shard-")?
            .strip_suffix(".csv")?
            .split_once("-of-")?;
        Some(Shard {
            index: index.parse().ok()?,
            count: count.parse().ok()?,
        })
    })
}

/// Copies the run folder `from` to `to` (which must not exist) by way of a temporary folder beside `to`, renamed
/// into place once whole, so an interrupted merge leaves no half run behind.
fn copy_run(from: &Path, to: &Path) -> Result<(), StoreError> {
    let parent = to.parent().expect("a run folder has a parent");
    fs::create_dir_all(parent).map_err(io_error(parent))?;
    let leaf = to.file_name().expect("a run folder has a name").to_string_lossy();
    let staging = parent.join(format!(".{leaf}.tmp-{}", std::process::id()));
    if staging.exists() {
        fs::remove_dir_all(&staging).map_err(io_error(&staging))?;
    }
    fs::create_dir(&staging).map_err(io_error(&staging))?;
    for entry in fs::read_dir(from).map_err(io_error(from))? {
        let path = entry.map_err(io_error(from))?.path();
        let name = path
            .file_name()
            .expect("an entry has a name")
            .to_string_lossy()
            .into_owned();
        // Only the run's own files: not an interrupted write's temporaries.
        if path.is_file() && !name.starts_with('.') {
            fs::copy(&path, staging.join(&name)).map_err(io_error(&path))?;
        }
    }
    fs::rename(&staging, to).map_err(io_error(to))
}

/// Merges the folders `shards` into `out`: checks everything first, then copies each run not yet in `out`, writes
/// `spec.ron` and `summary.csv`, and returns what it did and which runs are missing. `out` may be new, empty, or an
/// earlier merge of the same shards. Never deletes or changes a shard.
pub fn merge(out: &Path, shards: &[PathBuf]) -> Result<MergeOutcome, MergeError> {
    let first = shards.first().ok_or(MergeError::NoShards)?;
    let (source, spec) = ResultsDir::new(first).read_spec()?;
    for shard in &shards[1..] {
        if ResultsDir::new(shard).read_spec()?.0 != source {
            return Err(MergeError::OtherSpec {
                shard: shard.clone(),
                first: first.clone(),
            });
        }
    }
    let same_folder = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if shards.iter().any(|shard| same_folder(shard, out)) {
        return Err(MergeError::OutIsAShard { out: out.to_path_buf() });
    }
    let target = ResultsDir::new(out);
    let out_spec = out.join(layout::SPEC);
    if out_spec.exists() && fs::read_to_string(&out_spec).ok().as_deref() != Some(source.as_str()) {
        return Err(MergeError::OutHoldsOther { out: out.to_path_buf() });
    }

    // Every planned run: where it is (at most one shard), and that it is the spec's.
    let planned = plan(&spec);
    let mut found: Vec<Found> = Vec::new();
    let mut missing_runs: Vec<(usize, &PlannedRun)> = Vec::new();
    for (position, run) in planned.iter().enumerate() {
        let mut place: Option<Found> = None;
        for (shard_number, shard) in shards.iter().enumerate() {
            let folder = ResultsDir::new(shard);
            let Ok(manifest) = read_manifest(&folder.run_dir(run)) else {
                continue;
            };
            if manifest.config_hash != run.config_hash() || manifest.id != run.id() {
                return Err(MergeError::OtherConfig {
                    id: run.id(),
                    shard: shard.clone(),
                    found: manifest.config_hash,
                    expected: run.config_hash(),
                });
            }
            // A complete run must be whole to count; a failed one is kept as the record of its failure.
            let usable = match manifest.status {
                RunStatus::Complete => folder.completed(run).is_some(),
                RunStatus::Failed { .. } => true,
            };
            if !usable {
                continue;
            }
            if let Some(earlier) = &place {
                return Err(MergeError::Twice {
                    id: run.id(),
                    first: earlier.shard.to_path_buf(),
                    second: shard.clone(),
                });
            }
            place = Some(Found {
                run,
                position,
                shard,
                shard_number,
                manifest,
            });
        }
        match place {
            Some(place) => found.push(place),
            None => missing_runs.push((position, run)),
        }
    }
    // From here on `out` is written (the lock creates it): what it already holds must be what the shards hold.
    let _lock = target.lock()?;
    let mut to_copy = Vec::new();
    let mut outcome = MergeOutcome::default();
    for place in &found {
        let destination = target.run_dir(place.run);
        let source_manifest = ResultsDir::new(place.shard).run_dir(place.run).join(layout::MANIFEST);
        if destination.exists() {
            let same = fs::read(destination.join(layout::MANIFEST)).ok() == fs::read(&source_manifest).ok();
            if !same {
                return Err(MergeError::Conflict {
                    id: place.run.id(),
                    out: out.to_path_buf(),
                    shard: place.shard.to_path_buf(),
                });
            }
            outcome.already_there += 1;
        } else {
            to_copy.push(place);
        }
        if matches!(place.manifest.status, RunStatus::Failed { .. }) {
            outcome.failed.push(place.run.id());
        }
    }

    target.write_spec(&source)?;
    for place in &to_copy {
        copy_run(
            &ResultsDir::new(place.shard).run_dir(place.run),
            &target.run_dir(place.run),
        )?;
        outcome.copied += 1;
    }
    // Each folder's shard: from its summary, else (a shard killed before it finished) from a run it holds, once the
    // shard count is known from the summaries that agree on one; then each missing run's shard and folder are known.
    let mut labels: Vec<Option<Shard>> = shards.iter().map(|shard| shard_of(shard)).collect();
    let counts: Vec<usize> = labels.iter().flatten().map(|label| label.count).collect();
    outcome.shard_count = counts
        .first()
        .copied()
        .filter(|count| counts.iter().all(|other| other == count));
    if let Some(count) = outcome.shard_count {
        for place in &found {
            labels[place.shard_number].get_or_insert(Shard {
                index: place.position % count + 1,
                count,
            });
        }
    }
    let manifests: Vec<Manifest> = found.into_iter().map(|place| place.manifest).collect();
    target.write_summary(&manifests, None)?;

    let spec_path = out.join(layout::SPEC);
    outcome.missing = missing_runs
        .into_iter()
        .map(|(position, run)| {
            let command = match outcome.shard_count {
                Some(count) => {
                    let shard = Shard {
                        index: position % count + 1,
                        count,
                    };
                    let folder = labels.iter().position(|label| *label == Some(shard)).map_or_else(
                        || format!("SHARD_{}_FOLDER", shard.index),
                        |number| shards[number].display().to_string(),
                    );
                    format!(
                        "knowhow run {} --shard {}/{count} --out {folder}",
                        spec_path.display(),
                        shard.index
                    )
                }
                None => format!("knowhow run {} --out {}", spec_path.display(), out.display()),
            };
            MissingRun { id: run.id(), command }
        })
        .collect();
    Ok(outcome)
}
