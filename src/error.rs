//! Typed errors of the library. Each carries the file it is about and, where there is one, the line and column, so
//! that the CLI can print it as one line and a user can jump to the spot.
//!
//! A spec error reads `<file>:<line>:<col>: <field path>: <what was wrong>, expected <what was expected>`; a file
//! that cannot be read reads `<file>: cannot read: <io error>`.

use std::fmt;
use std::io;
use std::path::PathBuf;

use thiserror::Error;

/// A place in a file: 1-based line and 1-based column (in characters, not bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file, as the caller named it.
    pub path: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}:{}:{}", self.path.display(), self.line, self.column)
    }
}

/// Why a spec was refused. Every variant displays as a single line.
#[derive(Debug, Error)]
pub enum SpecError {
    /// The file could not be read. (The io error is part of the message rather than a `source`, so that error
    /// chains printed with `{:#}` do not repeat it.)
    #[error("{}: cannot read: {error}", path.display())]
    Read {
        /// The file, as the caller named it.
        path: PathBuf,
        /// What the operating system said.
        error: io::Error,
    },
    /// The file is not valid RON for the spec schema (bad syntax, an unknown or missing field, a wrong type).
    #[error("{location}: {field}: {problem}, expected {expected}")]
    Syntax {
        /// Where RON's parser stopped.
        location: Location,
        /// The field path at that place, e.g. `envs[0].steps`, or `spec` at the top level.
        field: String,
        /// What was wrong.
        problem: String,
        /// What was expected there.
        expected: String,
    },
    /// The file parsed but a value breaks a rule (a zero budget, an unknown env, a batch larger than the buffer...).
    #[error("{location}: {field}: {problem}, expected {expected}")]
    Invalid {
        /// Where the offending field is written (or its enclosing block when the field was left to its default).
        location: Location,
        /// The field path, e.g. `agent.learning_rate`.
        field: String,
        /// What was wrong.
        problem: String,
        /// What was expected.
        expected: String,
    },
}

impl SpecError {
    /// The line and column the error points at; `None` for a file that could not be read.
    pub fn location(&self) -> Option<&Location> {
        match self {
            SpecError::Read { .. } => None,
            SpecError::Syntax { location, .. } | SpecError::Invalid { location, .. } => Some(location),
        }
    }

    /// The field path the error is about; `None` for a file that could not be read.
    pub fn field(&self) -> Option<&str> {
        match self {
            SpecError::Read { .. } => None,
            SpecError::Syntax { field, .. } | SpecError::Invalid { field, .. } => Some(field),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_one_line_in_the_documented_shape() {
        let location = Location {
            path: PathBuf::from("specs/a.ron"),
            line: 3,
            column: 7,
        };
        let invalid = SpecError::Invalid {
            location,
            field: "agent.gamma".into(),
            problem: "1.5 is outside [0, 1]".into(),
            expected: "a discount in [0, 1]".into(),
        };
        assert_eq!(
            invalid.to_string(),
            "specs/a.ron:3:7: agent.gamma: 1.5 is outside [0, 1], expected a discount in [0, 1]"
        );
        assert_eq!(invalid.field(), Some("agent.gamma"));
        assert_eq!(invalid.location().map(|location| location.line), Some(3));

        let read = SpecError::Read {
            path: PathBuf::from("missing.ron"),
            error: io::Error::new(io::ErrorKind::NotFound, "No such file or directory (os error 2)"),
        };
        assert_eq!(
            read.to_string(),
            "missing.ron: cannot read: No such file or directory (os error 2)"
        );
        assert!(read.location().is_none());
    }
}
