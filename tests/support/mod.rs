//! What the integration tests share: for the golden-trace tests, where the traces are (`GOLDEN_DIR`, default
//! `../shared/golden`, else the repository's copy in `tests/golden`), which files a test replays, and a trace read
//! row by row with columns by name; for the end-to-end tests, the binary run in a folder and what it printed.

#![allow(dead_code)] // each test crate uses its own part of this module

use std::collections::{BTreeMap, HashMap};
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs the knowhow binary with `args` in `dir`, to completion.
pub fn knowhow_in(dir: &Path, args: &[impl AsRef<OsStr>]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_knowhow"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the binary runs")
}

/// What a finished command printed, stdout then stderr, for assertion messages.
pub fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The folder of recorded traces: `GOLDEN_DIR` when set; else `../shared/golden` beside the repository; else, in a
/// clone without that folder, the copy of the traces committed in `tests/golden`.
pub fn golden_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("GOLDEN_DIR") {
        return PathBuf::from(dir);
    }
    let repository = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = repository.join("../shared/golden");
    if shared.is_dir() {
        shared
    } else {
        repository.join("tests/golden")
    }
}

/// The `.csv` files in the golden folder whose names start with `prefix`, sorted by name.
pub fn golden_files(prefix: &str) -> Vec<PathBuf> {
    let dir = golden_dir();
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|error| panic!("cannot read {}: {error}", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            let name = path.file_name().and_then(|name| name.to_str()).unwrap_or("");
            name.starts_with(prefix) && name.ends_with(".csv")
        })
        .collect();
    files.sort();
    files
}

/// A recorded trace read whole: its file name, its columns by name, and its records.
pub struct Trace {
    pub file: String,
    pub columns: HashMap<String, usize>,
    pub records: Vec<csv::StringRecord>,
}

impl Trace {
    /// Reads `path`; panics naming the file (and the record) when it cannot.
    pub fn read(path: &Path) -> Trace {
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let mut reader =
            csv::Reader::from_path(path).unwrap_or_else(|error| panic!("cannot open {}: {error}", path.display()));
        let columns = reader
            .headers()
            .unwrap_or_else(|error| panic!("{file}: bad header: {error}"))
            .iter()
            .enumerate()
            .map(|(index, name)| (name.to_string(), index))
            .collect();
        let records = reader
            .records()
            .enumerate()
            .map(|(index, record)| record.unwrap_or_else(|error| panic!("{file}: bad CSV record {index}: {error}")))
            .collect();
        Trace { file, columns, records }
    }

    /// Each record as a row, with its index (0 is the first record after the header).
    pub fn rows(&self) -> impl Iterator<Item = (usize, Row<'_>)> {
        self.records.iter().enumerate().map(|(index, record)| {
            (
                index,
                Row {
                    file: &self.file,
                    line: index + 2,
                    columns: &self.columns,
                    record,
                },
            )
        })
    }
}

/// One CSV row with its columns looked up by name.
pub struct Row<'a> {
    pub file: &'a str,
    /// 1-based line in the file.
    pub line: usize,
    pub columns: &'a HashMap<String, usize>,
    pub record: &'a csv::StringRecord,
}

impl Row<'_> {
    pub fn field(&self, column: &str) -> &str {
        let index = *self
            .columns
            .get(column)
            .unwrap_or_else(|| panic!("{}: no column `{column}`", self.file));
        &self.record[index]
    }

    pub fn parse<T: std::str::FromStr>(&self, column: &str) -> T {
        let text = self.field(column);
        text.parse()
            .unwrap_or_else(|_| panic!("{}: {column}: cannot parse `{text}`", self.place()))
    }

    /// A 0/1 column as a flag.
    pub fn flag(&self, column: &str) -> bool {
        match self.field(column) {
            "0" => false,
            "1" => true,
            other => panic!("{}: {column} is `{other}`, not 0 or 1", self.place()),
        }
    }

    /// `file line N (step S)`, for messages.
    pub fn place(&self) -> String {
        format!("{} line {} (step {})", self.file, self.line, self.field("step"))
    }
}

/// Every result file under `root` (hidden temporary files, and the report page, which shows dates and times,
/// aside) with its content, wall-time fields removed.
pub fn result_set(root: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if path.is_dir() {
                pending.push(path);
            } else if !name.starts_with('.') && name != "index.html" {
                let relative = path.strip_prefix(root).unwrap().to_string_lossy().to_string();
                files.insert(relative, without_timings(&fs::read_to_string(&path).unwrap()));
            }
        }
    }
    files
}

/// The text without the values that differ between identical runs: wall time and speed columns of CSVs, and the
/// same fields and the finishing time of manifests.
pub fn without_timings(text: &str) -> String {
    let timing = |name: &str| matches!(name.trim_matches('"'), "wall_secs" | "steps_per_sec" | "finished_at");
    if text.trim_start().starts_with('{') {
        return text
            .lines()
            .filter(|line| !timing(line.trim().split(':').next().unwrap_or("")))
            .collect();
    }
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    let keep: Vec<bool> = header.iter().map(|name| !timing(name)).collect();
    std::iter::once(header)
        .chain(lines.map(|line| line.split(',').collect()))
        .map(|fields| {
            fields
                .iter()
                .zip(&keep)
                .filter(|(_, keep)| **keep)
                .map(|(field, _)| *field)
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect::<Vec<_>>()
        .join("\n")
}
