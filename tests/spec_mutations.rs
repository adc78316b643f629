//! A property test of the spec parser: random mutations of every spec in `experiments/` (deleted, duplicated and
//! inserted pieces, numbers swapped for extreme ones, unknown fields) never panic, and end either in a valid spec or
//! in one clear line `<file>:<line>:<col>: ...` that points inside the file; through the binary, `validate` exits 0
//! or 2 with that one line.

use std::path::{Path, PathBuf};
use std::process::Command;

use proptest::prelude::*;

use knowhow::spec::{parse_spec, validate_memory};

/// Pieces a mutation inserts or writes over a number: syntax, extreme and malformed values, unknown names.
const TOKENS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "//",
    "/*",
    "0",
    "-1",
    "1e12",
    "1e-300",
    "NaN",
    "inf",
    "18446744073709551616",
    "0.5",
    "true",
    "None",
    "Some(",
    "name",
    "seeds",
    "Count(0)",
    "Count(1000000000000)",
    "List([])",
    "List([1, 1])",
    "Prioritized(alpah: 0.0)",
    "MinAtarConv(filters: 0)",
    "Noisy(-1.0)",
    "Soft(2.0)",
    "Hard(0)",
    "agent: ()",
    "variants: [(name: \"..\")]",
    "reference: \"nobody\"",
    "hidden: []",
    "n_step: 5, learning_starts: 0",
    "buffer_size: 1000000000000",
    "é",
    "\u{0}",
    "\n",
];

fn experiment_specs() -> Vec<(PathBuf, String)> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("experiments");
    let mut specs: Vec<(PathBuf, String)> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "ron"))
        .map(|path| {
            let source = std::fs::read_to_string(&path).unwrap();
            (path, source)
        })
        .collect();
    specs.sort();
    assert!(specs.len() >= 4, "the experiments are found");
    specs
}

/// One edit of a source: where (a fraction of its length), what, and how much.
#[derive(Debug, Clone)]
enum Mutation {
    Delete { at: f64, length: usize },
    Insert { at: f64, token: usize },
    Duplicate { at: f64, length: usize },
    ReplaceNumber { nth: usize, token: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (0.0..1.0, 1..40usize).prop_map(|(at, length)| Mutation::Delete { at, length }),
        (0.0..1.0, 0..TOKENS.len()).prop_map(|(at, token)| Mutation::Insert { at, token }),
        (0.0..1.0, 1..60usize).prop_map(|(at, length)| Mutation::Duplicate { at, length }),
        (0..40usize, 0..TOKENS.len()).prop_map(|(nth, token)| Mutation::ReplaceNumber { nth, token }),
    ]
}

/// The nearest char boundary at or before byte `index`.
fn boundary(source: &str, index: usize) -> usize {
    let mut index = index.min(source.len());
    while !source.is_char_boundary(index) {
        index -= 1;
    }
    index
}

fn apply(source: &str, mutation: &Mutation) -> String {
    let at = |fraction: f64| boundary(source, (fraction * source.len() as f64) as usize);
    match *mutation {
        Mutation::Delete { at: fraction, length } => {
            let start = at(fraction);
            let end = boundary(source, start + length);
            format!("{}{}", &source[..start], &source[end..])
        }
        Mutation::Insert { at: fraction, token } => {
            let start = at(fraction);
            format!("{}{}{}", &source[..start], TOKENS[token], &source[start..])
        }
        Mutation::Duplicate { at: fraction, length } => {
            let start = at(fraction);
            let end = boundary(source, start + length);
            format!("{}{}", &source[..end], &source[start..])
        }
        Mutation::ReplaceNumber { nth, token } => {
            let numbers: Vec<(usize, usize)> = source
                .char_indices()
                .filter(|(index, c)| {
                    c.is_ascii_digit() && !source[..*index].ends_with(|p: char| p.is_ascii_alphanumeric() || p == '.')
                })
                .map(|(start, _)| {
                    let length = source[start..]
                        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == 'e' || c == '_'))
                        .unwrap_or(source.len() - start);
                    (start, start + length)
                })
                .collect();
            match numbers.get(nth % numbers.len().max(1)) {
                Some((start, end)) => format!("{}{}{}", &source[..*start], TOKENS[token], &source[*end..]),
                None => source.to_string(),
            }
        }
    }
}

/// Checks the outcome of parsing `source`: valid, or one line naming `path` and a line:column inside the source.
fn assert_clear_outcome(path: &Path, source: &str) -> Result<(), TestCaseError> {
    let outcome = std::panic::catch_unwind(|| parse_spec(source, path));
    let Ok(parsed) = outcome else {
        return Err(TestCaseError::fail(format!("parse_spec panicked on:\n{source}")));
    };
    match parsed {
        Ok(spec) => {
            let memory = std::panic::catch_unwind(|| validate_memory(&spec, 24e9).map(|_| ()));
            prop_assert!(memory.is_ok(), "validate_memory panicked on:\n{}", source);
        }
        Err(error) => {
            let message = error.to_string();
            prop_assert!(!message.contains('\n'), "not one line: {:?}", message);
            let prefix = format!("{}:", path.display());
            prop_assert!(message.starts_with(&prefix), "no file name: {}", message);
            let location = error.location().expect("a parse error has a place");
            let lines = source.split('\n').count();
            prop_assert!(
                location.line >= 1 && location.line <= lines,
                "line {} outside 1..={}: {}",
                location.line,
                lines,
                message
            );
            let line_length = source
                .split('\n')
                .nth(location.line - 1)
                .map_or(0, |line| line.chars().count());
            prop_assert!(
                location.column >= 1 && location.column <= line_length + 1,
                "column {} outside the line of {} characters: {}",
                location.column,
                line_length,
                message
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_experiment_specs_are_valid_or_refused_in_one_clear_line(
        which in 0..64usize,
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let specs = experiment_specs();
        let (path, source) = &specs[which % specs.len()];
        let mutated = mutations.iter().fold(source.clone(), |text, mutation| apply(&text, mutation));
        assert_clear_outcome(path, &mutated)?;
    }
}

proptest! {
    // Through the binary: fewer cases, each a process.
    #![proptest_config(ProptestConfig { cases: 40, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn validate_exits_0_or_2_with_one_line(
        which in 0..64usize,
        mutations in prop::collection::vec(mutation(), 1..3),
    ) {
        let specs = experiment_specs();
        let (path, source) = &specs[which % specs.len()];
        let mutated = mutations.iter().fold(source.clone(), |text, mutation| apply(&text, mutation));
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(path.file_name().unwrap());
        std::fs::write(&file, &mutated).unwrap();
        let output = Command::new(env!("CARGO_BIN_EXE_knowhow"))
            .args(["validate", file.to_str().unwrap()])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        match output.status.code() {
            Some(0) => prop_assert!(stderr.is_empty(), "{}", stderr),
            Some(2) => {
                prop_assert_eq!(stderr.lines().count(), 1, "{}", stderr);
                prop_assert!(stderr.starts_with(&format!("error: {}:", file.display())), "{}", stderr);
            }
            other => prop_assert!(false, "exit {:?}: {}\n{}", other, stderr, mutated),
        }
    }
}

#[test]
fn every_experiment_spec_is_valid_as_committed() {
    for (path, source) in experiment_specs() {
        match parse_spec(&source, &path) {
            Ok(_) => {}
            // An Atari spec needs knowhow built with the `atari` feature, and the game's ROM: without either it is
            // refused, saying which.
            Err(error)
                if source.contains("id: \"ALE/")
                    && (error.to_string().contains("which this knowhow was built without")
                        || error.to_string().contains("option \"roms\": no Atari ROM")) =>
            {
                eprintln!("{}: {error}", path.display());
            }
            Err(error) => panic!("{error}"),
        }
    }
}
