//! `import`: other frameworks' runs brought into a results folder as a variant of their own, so that `report` and
//! `check` treat them as knowhow's (on the training-episode returns these frameworks log).
//!
//! Everything is checked before anything is written: the folder, the env, the variant name, each file's seed and
//! every line of every file, and that each run covers the env's budget.

mod formats;

use std::fs;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

pub use formats::Format;
use formats::{parse, ParsedLog};

use crate::spec::{folder_name_problem, EnvSpec, Spec};
use crate::store::{layout, ImportManifest, ResultsDir, StoreError};

/// What `import` was asked to do.
#[derive(Debug, Clone)]
pub struct ImportRequest {
    /// The results folder (written by `run`: it has `spec.ron`).
    pub folder: PathBuf,
    /// The env the runs trained on; may be left out when the spec has one env.
    pub env: Option<String>,
    /// The name they appear under in the report.
    pub variant: String,
    pub format: Format,
    pub framework: String,
    pub framework_version: String,
    /// The seed of each file, in order; `None`: read from each file's name.
    pub seeds: Option<Vec<u64>>,
    pub files: Vec<PathBuf>,
}

/// Why nothing was imported (always bad input: nothing has been written).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Refused(String),
}

/// What one file became.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub manifest: ImportManifest,
    /// False when the same file had been imported already under the same id (nothing written).
    pub written: bool,
}

/// Imports every file of `request` as one run each, or nothing.
pub fn import(request: &ImportRequest) -> Result<Vec<Imported>, ImportError> {
    let refused = |message: String| ImportError::Refused(message);
    let results = ResultsDir::new(&request.folder);
    let (_, spec) = results.read_spec()?;
    let spec_path = request.folder.join(layout::SPEC);
    let env = chosen_env(&spec, request.env.as_deref()).map_err(refused)?;
    if let Some(problem) = folder_name_problem(&request.variant) {
        return Err(refused(format!("--variant {:?}: {problem}", request.variant)));
    }
    if spec
        .variant_list()
        .iter()
        .any(|variant| variant.name == request.variant)
    {
        return Err(refused(format!(
            "--variant {:?} is one of the spec's own variants in {}; give the imported runs a name of their own",
            request.variant,
            spec_path.display()
        )));
    }
    for (flag, value) in [
        ("--framework", &request.framework),
        ("--framework-version", &request.framework_version),
    ] {
        if value.trim().is_empty() || value.contains(['\n', '\r']) {
            return Err(refused(format!("{flag} {value:?}: expected a name on one line")));
        }
    }
    let seeds = seeds_of(request).map_err(refused)?;

    // Read and check every file before writing any.
    let mut prepared = Vec::new();
    for (path, seed) in request.files.iter().zip(&seeds) {
        let bytes = fs::read(path).map_err(|error| refused(format!("{}: {error}", path.display())))?;
        let text = String::from_utf8_lossy(&bytes);
        let parsed = parse(request.format, &text).map_err(|error| refused(format!("{}:{error}", path.display())))?;
        check_covers_budget(&parsed, env, path).map_err(refused)?;
        let id = format!("{}/{}/seed-{seed}", env.id, request.variant);
        let manifest = ImportManifest {
            id: id.clone(),
            env: env.id.clone(),
            variant: request.variant.clone(),
            seed: *seed,
            framework: request.framework.clone(),
            framework_version: request.framework_version.clone(),
            format: request.format.name().to_string(),
            source: path.display().to_string(),
            source_sha256: Sha256::digest(&bytes)
                .iter()
                .map(|byte| format!("{byte:02x}"))
                .collect(),
            episodes: parsed.episodes.len(),
            steps: parsed.episodes.last().map_or(0, |episode| episode.step),
            wall_secs: parsed.wall_secs,
            imported_at: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
            knowhow_version: env!("CARGO_PKG_VERSION").to_string(),
        };
        let written = match results.imported_manifest(&id)? {
            None => true,
            Some(stored) if stored.source_sha256 == manifest.source_sha256 => false,
            Some(stored) => {
                return Err(refused(format!(
                    "{}: imported/{id} already holds another run (from {}); remove that folder to import this one \
                     in its place",
                    path.display(),
                    stored.source
                )))
            }
        };
        prepared.push((manifest, parsed, written));
    }

    let _lock = results.lock()?;
    let mut imported = Vec::new();
    for (manifest, parsed, written) in prepared {
        if written {
            results.write_imported(&manifest, &parsed.episodes)?;
        }
        imported.push(Imported { manifest, written });
    }
    Ok(imported)
}

/// The env named by `--env`, or the spec's only one.
fn chosen_env<'a>(spec: &'a Spec, env: Option<&str>) -> Result<&'a EnvSpec, String> {
    let names = || {
        spec.envs
            .iter()
            .map(|env| env.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match env {
        Some(id) => spec
            .envs
            .iter()
            .find(|env| env.id == id)
            .ok_or_else(|| format!("--env {id}: not in the spec of this folder (it has {})", names())),
        None if spec.envs.len() == 1 => Ok(&spec.envs[0]),
        None => Err(format!("the spec has several envs ({}): say which with --env", names())),
    }
}

/// Each file's seed: from `--seeds`, or from its name.
fn seeds_of(request: &ImportRequest) -> Result<Vec<u64>, String> {
    if request.files.is_empty() {
        return Err("no files to import".to_string());
    }
    let seeds = match &request.seeds {
        Some(seeds) if seeds.len() != request.files.len() => {
            return Err(format!(
                "--seeds gives {} seeds for {} files: one each, in the files' order",
                seeds.len(),
                request.files.len()
            ))
        }
        Some(seeds) => seeds.clone(),
        None => request
            .files
            .iter()
            .map(|path| {
                seed_in_path(path).ok_or_else(|| {
                    format!(
                        "{}: no seed in its name (seed-3.log, seed_3, or CleanRL's ENV__NAME__3__TIME); name it so, \
                         or give --seeds",
                        path.display()
                    )
                })
            })
            .collect::<Result<Vec<u64>, String>>()?,
    };
    let mut sorted = seeds.clone();
    sorted.sort_unstable();
    if let Some(pair) = sorted.windows(2).find(|pair| pair[0] == pair[1]) {
        return Err(format!(
            "seed {} is given to two files; each run needs its own seed",
            pair[0]
        ));
    }
    Ok(seeds)
}

/// The seed in a path's components, nearest the file first: `seed` followed by `-`, `_`, `=` or nothing and digits,
/// else CleanRL's run folder `ENV__NAME__SEED__TIME`.
pub fn seed_in_path(path: &Path) -> Option<u64> {
    let components: Vec<String> = path
        .components()
        .map(|component| component.as_os_str().to_string_lossy().to_lowercase())
        .collect();
    for component in components.iter().rev() {
        if let Some(seed) = after_seed_word(component) {
            return Some(seed);
        }
        let parts: Vec<&str> = component.split("__").collect();
        if parts.len() == 4 && parts[3].bytes().all(|byte| byte.is_ascii_digit()) {
            if let Ok(seed) = parts[2].parse() {
                return Some(seed);
            }
        }
    }
    None
}

fn after_seed_word(text: &str) -> Option<u64> {
    text.match_indices("seed").find_map(|(at, word)| {
        let rest = text[at + word.len()..].trim_start_matches(['-', '_', '=']);
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    })
}

/// A run must not be longer than the env's budget, and must have episodes in its last tenth (the final score).
fn check_covers_budget(parsed: &ParsedLog, env: &EnvSpec, path: &Path) -> Result<(), String> {
    if let Some(logged) = &parsed.env_id {
        if *logged != env.id {
            return Err(format!(
                "{}: a log of {logged}, imported into {}",
                path.display(),
                env.id
            ));
        }
    }
    let last = parsed.episodes.last().map_or(0, |episode| episode.step);
    let from = env.steps - env.steps / 10;
    if last > env.steps {
        return Err(format!(
            "{}: its last episode ends at step {last}, past the {} steps the spec trains {} for; compare runs of \
             the same budget",
            path.display(),
            env.steps,
            env.id
        ));
    }
    if last < from {
        return Err(format!(
            "{}: its last episode ends at step {last}; the final score is the mean return of the episodes ending \
             in the last tenth of the spec's {} steps (from step {from}), and this run has none there",
            path.display(),
            env.steps
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_are_read_from_file_names() {
        assert_eq!(seed_in_path(Path::new("logs/seed-17.log")), Some(17));
        assert_eq!(seed_in_path(Path::new("logs/Seed_3/monitor.csv")), Some(3));
        assert_eq!(seed_in_path(Path::new("run.seed=42.csv")), Some(42));
        assert_eq!(
            seed_in_path(Path::new("runs/CartPole-v1__dqn__5__1733000000/events.out")),
            Some(5)
        );
        assert_eq!(seed_in_path(Path::new("logs/run-3.log")), None);
        assert_eq!(seed_in_path(Path::new("seeds/notes.csv")), None);
    }
}
