//! A bad spec is refused before any training, in one line naming the file, the line and column, and the field:
//! end to end through `load_spec` on files, and through the `knowhow run` binary.

use std::path::{Path, PathBuf};
use std::process::Command;

use knowhow::error::SpecError;
use knowhow::spec::load_spec;

/// One refused spec and what its message must contain.
struct BadSpec {
    /// Also the file's stem.
    name: &'static str,
    source: &'static str,
    /// `line:col` the message must point at.
    line_column: &'static str,
    field: &'static str,
    /// Further text the message must contain.
    mentions: &'static [&'static str],
}

const BAD_SPECS: &[BadSpec] = &[
    BadSpec {
        name: "missing-comma",
        source: r#"(
    name: "missing-comma",
    envs: [(id: "CartPole-v1", steps: 1000)]
    seeds: Count(2),
)
"#,
        // RON stops at `seeds`, where it wanted the `,` that ends the `envs` field.
        line_column: "4:5",
        field: "envs",
        mentions: &["found `seeds`", "expected `,`"],
    },
    BadSpec {
        name: "unknown-env",
        source: r#"(
    name: "unknown-env",
    envs: [
        (id: "CartPole-v1", steps: 1000),
        (id: "Pong-v5", steps: 1000),
    ],
    seeds: Count(2),
)
"#,
        line_column: "5:14",
        field: "envs[1].id",
        mentions: &["\"Pong-v5\"", "\"CartPole-v1\"", "\"Acrobot-v1\"", "\"MountainCar-v0\""],
    },
    BadSpec {
        name: "negative-learning-rate",
        source: r#"(
    name: "negative-learning-rate",
    envs: [(id: "CartPole-v1", steps: 1000)],
    agent: (
        hidden: [64, 64],
        learning_rate: -1e-3,
    ),
    seeds: Count(2),
)
"#,
        line_column: "6:9",
        field: "agent.learning_rate",
        mentions: &["-0.001", "> 0"],
    },
    BadSpec {
        name: "batch-larger-than-buffer",
        source: r#"(
    name: "batch-larger-than-buffer",
    envs: [(id: "CartPole-v1", steps: 1000)],
    agent: (
        buffer_size: 100,
        batch_size: 256,
    ),
    seeds: Count(2),
)
"#,
        line_column: "6:9",
        field: "agent.batch_size",
        mentions: &["256", "buffer_size 100", "batch_size <= buffer_size"],
    },
    BadSpec {
        name: "zero-seeds",
        source: r#"(
    name: "zero-seeds",
    envs: [(id: "CartPole-v1", steps: 1000)],
    seeds: Count(0),
)
"#,
        line_column: "4:5",
        field: "seeds",
        mentions: &["zero seeds"],
    },
];

fn write_spec(folder: &Path, bad: &BadSpec) -> PathBuf {
    let path = folder.join(format!("{}.ron", bad.name));
    std::fs::write(&path, bad.source).unwrap();
    path
}

fn assert_names_everything(message: &str, path: &Path, bad: &BadSpec) {
    assert!(
        !message.trim_end().contains('\n'),
        "{}: not one line: {message:?}",
        bad.name
    );
    let location = format!("{}:{}:", path.display(), bad.line_column);
    assert!(
        message.contains(&location),
        "{}: {message:?} lacks {location:?}",
        bad.name
    );
    let field = format!(": {}: ", bad.field);
    assert!(
        message.contains(&field),
        "{}: {message:?} lacks the field {field:?}",
        bad.name
    );
    for mention in bad.mentions {
        assert!(message.contains(mention), "{}: {message:?} lacks {mention:?}", bad.name);
    }
}

#[test]
fn load_spec_refuses_each_bad_spec_in_one_line_with_file_line_column_and_field() {
    let folder = tempfile::tempdir().unwrap();
    for bad in BAD_SPECS {
        let path = write_spec(folder.path(), bad);
        let error = load_spec(&path).expect_err(bad.name);
        let message = error.to_string();
        assert_names_everything(&message, &path, bad);
        assert_eq!(error.field(), Some(bad.field), "{}", bad.name);
        let kind_is_right = match error {
            SpecError::Syntax { .. } => bad.name == "missing-comma",
            SpecError::Invalid { .. } => bad.name != "missing-comma",
            SpecError::Read { .. } => false,
        };
        assert!(kind_is_right, "{}: {message}", bad.name);
    }
}

#[test]
fn load_spec_accepts_a_good_spec() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("good.ron");
    std::fs::write(
        &path,
        r#"(name: "good", envs: [(id: "CartPole-v1", steps: 1000)], seeds: List([3, 7]))"#,
    )
    .unwrap();
    let loaded = load_spec(&path).unwrap();
    assert_eq!(
        loaded.source,
        std::fs::read_to_string(&path).unwrap(),
        "the text parsed is kept"
    );
    let spec = loaded.spec;
    assert_eq!(spec.name, "good");
    assert_eq!(spec.seeds.to_vec(), [3, 7]);
}

#[test]
fn load_spec_names_a_file_it_cannot_read() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("absent.ron");
    let message = load_spec(&path).unwrap_err().to_string();
    assert!(
        message.starts_with(&format!("{}: cannot read: ", path.display())),
        "{message:?}"
    );
    assert!(!message.contains('\n'), "{message:?}");
}

#[test]
fn run_exits_with_code_2_and_one_line_naming_the_field() {
    let folder = tempfile::tempdir().unwrap();
    for bad in BAD_SPECS {
        let path = write_spec(folder.path(), bad);
        let output = Command::new(env!("CARGO_BIN_EXE_knowhow"))
            .arg("run")
            .arg(&path)
            .current_dir(folder.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{}: stderr {stderr:?}", bad.name);
        assert_eq!(stderr.trim_end().lines().count(), 1, "{}: {stderr:?}", bad.name);
        assert_names_everything(&stderr, &path, bad);
        assert!(
            !folder.path().join("reports").exists(),
            "{}: a refused spec must not start writing results",
            bad.name
        );
    }
}
