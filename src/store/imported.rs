//! Runs of other frameworks kept in a results folder: `imported/<env>/<variant>/seed-<k>/`, each with `import.json`
//! (where the run came from) and `episodes.csv` (its training episodes, in the format of knowhow's own runs).
//!
//! `import` writes them; `run` never touches them; `report` and `check` read them beside the spec's runs.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{io_error, layout, read_csv, write_csv, write_json, ResultsDir, StoreError};
use crate::train::EpisodeRecord;

/// `import.json`: what an imported run is and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportManifest {
    /// `<env>/<variant>/seed-<k>`, as a run of the spec would be named.
    pub id: String,
    pub env: String,
    pub variant: String,
    pub seed: u64,
    /// The program that trained it, e.g. `cleanrl`, and its version.
    pub framework: String,
    pub framework_version: String,
    /// The format it was read from (`sb3-monitor`, `cleanrl-log`, `csv`).
    pub format: String,
    /// The file as named on the command line, and the SHA-256 of its bytes.
    pub source: String,
    pub source_sha256: String,
    pub episodes: usize,
    /// Env steps when its last episode ended.
    pub steps: usize,
    /// Training time, when the log says it.
    pub wall_secs: Option<f64>,
    pub imported_at: String,
    pub knowhow_version: String,
}

/// An imported run read back.
#[derive(Debug, Clone)]
pub struct ImportedRun {
    pub manifest: ImportManifest,
    pub episodes: Vec<EpisodeRecord>,
}

impl ResultsDir {
    /// The folder of one imported run.
    pub fn imported_run_dir(&self, id: &str) -> PathBuf {
        self.root().join(layout::IMPORTED).join(id)
    }

    /// Writes an imported run: its episodes, then its manifest.
    pub fn write_imported(&self, manifest: &ImportManifest, episodes: &[EpisodeRecord]) -> Result<(), StoreError> {
        let dir = self.imported_run_dir(&manifest.id);
        fs::create_dir_all(&dir).map_err(io_error(&dir))?;
        write_csv(&dir.join(layout::EPISODES), episodes)?;
        write_json(&dir.join(layout::IMPORT_MANIFEST), manifest)
    }

    /// The manifest of the imported run `id`, if there is one.
    pub fn imported_manifest(&self, id: &str) -> Result<Option<ImportManifest>, StoreError> {
        let path = self.imported_run_dir(id).join(layout::IMPORT_MANIFEST);
        if !path.is_file() {
            return Ok(None);
        }
        let text = fs::read_to_string(&path).map_err(io_error(&path))?;
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|error| StoreError::Json { path, error })
    }

    /// Every imported run, in id order, or the problems of those that cannot be read: a manifest whose id is not
    /// its folder, or episodes that are not the ones it describes.
    pub(super) fn read_imported(&self) -> Result<(Vec<ImportedRun>, Vec<String>), StoreError> {
        let mut manifests = Vec::new();
        find_manifests(&self.root().join(layout::IMPORTED), &mut manifests)?;
        manifests.sort();
        let (mut runs, mut problems) = (Vec::new(), Vec::new());
        for path in manifests {
            let folder = path.parent().unwrap_or(Path::new(""));
            let id = folder
                .strip_prefix(self.root().join(layout::IMPORTED))
                .map(|relative| relative.to_string_lossy().into_owned())
                .unwrap_or_default();
            let manifest = match self.imported_manifest(&id) {
                Ok(Some(manifest)) => manifest,
                Ok(None) => continue,
                Err(error) => {
                    problems.push(error.to_string());
                    continue;
                }
            };
            if manifest.id != id {
                problems.push(format!("imported/{id}/import.json is the manifest of {}", manifest.id));
                continue;
            }
            match read_csv::<EpisodeRecord>(&folder.join(layout::EPISODES)) {
                Ok(episodes)
                    if episodes.len() == manifest.episodes
                        && episodes.last().map(|episode| episode.step) == Some(manifest.steps) =>
                {
                    runs.push(ImportedRun { manifest, episodes });
                }
                Ok(episodes) => problems.push(format!(
                    "imported/{id}/episodes.csv has {} episodes, its import.json says {}",
                    episodes.len(),
                    manifest.episodes
                )),
                Err(error) => problems.push(error.to_string()),
            }
        }
        Ok((runs, problems))
    }
}

/// Collects every `import.json` under `folder` (env ids may contain `/`, so the depth varies).
fn find_manifests(folder: &Path, found: &mut Vec<PathBuf>) -> Result<(), StoreError> {
    if !folder.is_dir() {
        return Ok(());
    }
    for entry in fs::read_dir(folder).map_err(io_error(folder))? {
        let path = entry.map_err(io_error(folder))?.path();
        if path.is_dir() {
            find_manifests(&path, found)?;
        } else if path.file_name().is_some_and(|name| name == layout::IMPORT_MANIFEST) {
            found.push(path);
        }
    }
    Ok(())
}
