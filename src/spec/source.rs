//! Where things are in a spec's source: field paths written like Rust (`envs[1].steps`), a small scanner of the RON
//! text that finds where a field is written (serde forgets positions once a value is parsed), byte offsets as
//! line:column, and RON's syntax errors reworded as one line, "what was wrong, expected what".

use std::fmt;
use std::path::Path;

use ron::error::SpannedError;

use crate::error::{Location, SpecError};

/// Where a value sits in a spec, written like Rust: `name`, `envs[1].steps`, `agent.hidden[0]`; the whole spec is
/// `spec`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldPath(Vec<Segment>);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Field(String),
    Index(usize),
}

impl FieldPath {
    /// The whole spec.
    pub fn root() -> Self {
        FieldPath(Vec::new())
    }

    /// This path's field `name`.
    pub fn field(mut self, name: &str) -> Self {
        self.0.push(Segment::Field(name.to_string()));
        self
    }

    /// This path's list element `index`.
    pub fn index(mut self, index: usize) -> Self {
        self.0.push(Segment::Index(index));
        self
    }

    /// The enclosing paths, innermost first, ending with the root.
    pub(super) fn ancestors(&self) -> impl Iterator<Item = FieldPath> + '_ {
        (0..self.0.len())
            .rev()
            .map(|length| FieldPath(self.0[..length].to_vec()))
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return formatter.write_str("spec");
        }
        for (position, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Field(name) if position == 0 => write!(formatter, "{name}")?,
                Segment::Field(name) => write!(formatter, ".{name}")?,
                Segment::Index(index) => write!(formatter, "[{index}]")?,
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Positions in the source

/// Where the fields of a RON source are written. A small scanner that knows RON's brackets, strings, comments and
/// `name: value` pairs, but nothing of the schema: it records the byte offset of every field name (`keys`) and of
/// the first character of every value (`values`), each under its [`FieldPath`], and which brackets are still open
/// where it stopped.
#[derive(Debug, Default)]
pub struct SourceMap {
    keys: Vec<(FieldPath, usize)>,
    values: Vec<(FieldPath, usize)>,
    frames: Vec<Frame>,
}

/// An open bracket.
#[derive(Debug)]
struct Frame {
    /// `(`, `[` or `{`.
    open: u8,
    /// Byte offset of the bracket.
    offset: usize,
    /// The path of the value this bracket opens.
    base: FieldPath,
    /// Inside `(...)`: the field whose value is being read, from its `name:` to the next `,`.
    field: Option<String>,
    /// Inside `[...]`: the index of the element being read (the commas seen so far).
    index: usize,
}

impl SourceMap {
    /// Scans the tokens of `source` that start before byte `until` (`source.len()` for all of it).
    pub fn scan(source: &str, until: usize) -> SourceMap {
        let bytes = source.as_bytes();
        let until = until.min(bytes.len());
        let mut map = SourceMap::default();
        let mut expecting_value = true;
        let mut cursor = 0;
        while cursor < until {
            let start = cursor;
            let byte = bytes[cursor];
            match byte {
                _ if byte.is_ascii_whitespace() => cursor += 1,
                b'/' if matches!(bytes.get(cursor + 1), Some(b'/' | b'*')) => cursor = skip_trivia(bytes, cursor),
                b'#' => cursor = skip_attribute(bytes, cursor),
                b'(' | b'[' | b'{' => {
                    map.value_starts(start, &mut expecting_value);
                    let base = map.current_path();
                    map.frames.push(Frame {
                        open: byte,
                        offset: start,
                        base,
                        field: None,
                        index: 0,
                    });
                    expecting_value = true;
                    cursor += 1;
                }
                b')' | b']' | b'}' => {
                    map.frames.pop();
                    expecting_value = false;
                    cursor += 1;
                }
                b',' => {
                    if let Some(frame) = map.frames.last_mut() {
                        frame.field = None;
                        frame.index += 1;
                    }
                    expecting_value = true;
                    cursor += 1;
                }
                b'"' | b'\'' => {
                    map.value_starts(start, &mut expecting_value);
                    cursor = skip_quoted(bytes, cursor);
                }
                b'r' if raw_string_hashes(bytes, cursor).is_some() => {
                    map.value_starts(start, &mut expecting_value);
                    cursor = skip_raw_string(bytes, cursor);
                }
                _ if is_word_byte(byte) => {
                    // `r#name` is a raw identifier: the name starts after the `r#`.
                    let raw = byte == b'r' && bytes.get(cursor + 1) == Some(&b'#');
                    let word_start = if raw { cursor + 2 } else { cursor };
                    let end = word_end(bytes, word_start);
                    let word = &source[word_start..end];
                    let after = skip_trivia(bytes, end);
                    let in_struct = matches!(map.frames.last(), Some(frame) if frame.open == b'(');
                    if in_struct && is_identifier(word) && bytes.get(after) == Some(&b':') {
                        if let Some(frame) = map.frames.last_mut() {
                            frame.field = Some(word.to_string());
                        }
                        map.keys.push((map.current_path(), start));
                        expecting_value = true;
                        cursor = after + 1;
                    } else {
                        map.value_starts(start, &mut expecting_value);
                        cursor = end.max(start + 1);
                    }
                }
                _ => {
                    map.value_starts(start, &mut expecting_value);
                    cursor += source[start..].chars().next().map_or(1, char::len_utf8);
                }
            }
        }
        map
    }

    /// Byte offset of the first `name` of `name: value` whose path is `path`.
    pub fn key(&self, path: &FieldPath) -> Option<usize> {
        find(&self.keys, path)
    }

    /// Byte offset of the first character of the first value whose path is `path`.
    pub fn value(&self, path: &FieldPath) -> Option<usize> {
        find(&self.values, path)
    }

    /// The path of the value being read where the scan stopped.
    pub fn current_path(&self) -> FieldPath {
        match self.frames.last() {
            None => FieldPath::root(),
            Some(frame) => match (frame.open, &frame.field) {
                (b'(', Some(name)) => frame.base.clone().field(name),
                (b'[', _) => frame.base.clone().index(frame.index),
                _ => frame.base.clone(),
            },
        }
    }

    /// The path of the innermost bracket still open where the scan stopped (the struct a field belongs to).
    pub fn container_path(&self) -> FieldPath {
        self.frames
            .last()
            .map_or_else(FieldPath::root, |frame| frame.base.clone())
    }

    fn value_starts(&mut self, offset: usize, expecting_value: &mut bool) {
        if *expecting_value {
            self.values.push((self.current_path(), offset));
            *expecting_value = false;
        }
    }
}

fn find(entries: &[(FieldPath, usize)], path: &FieldPath) -> Option<usize> {
    entries
        .iter()
        .find(|(entry, _)| entry == path)
        .map(|(_, offset)| *offset)
}

/// Bytes of numbers and identifiers (`-1.5e-3`, `0x1F`, `CartPole`, `r#type`).
fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-' | b'+' | b'.')
}

fn word_end(bytes: &[u8], start: usize) -> usize {
    let numeric = bytes
        .get(start)
        .is_some_and(|byte| byte.is_ascii_digit() || matches!(byte, b'-' | b'+' | b'.'));
    let mut end = start;
    while let Some(&byte) = bytes.get(end) {
        let sign_of_exponent =
            numeric && matches!(byte, b'-' | b'+') && end > start && matches!(bytes[end - 1], b'e' | b'E');
        let continues = byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'.');
        if !(continues || sign_of_exponent || end == start) {
            break;
        }
        end += 1;
    }
    end
}

fn is_identifier(word: &str) -> bool {
    let mut chars = word.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Skips whitespace and comments (`// ...`, nested `/* ... */`) from `cursor`.
fn skip_trivia(bytes: &[u8], mut cursor: usize) -> usize {
    loop {
        match (bytes.get(cursor), bytes.get(cursor + 1)) {
            (Some(byte), _) if byte.is_ascii_whitespace() => cursor += 1,
            (Some(b'/'), Some(b'/')) => {
                while cursor < bytes.len() && bytes[cursor] != b'\n' {
                    cursor += 1;
                }
            }
            (Some(b'/'), Some(b'*')) => {
                let mut depth = 0usize;
                while cursor < bytes.len() {
                    if bytes[cursor..].starts_with(b"/*") {
                        depth += 1;
                        cursor += 2;
                    } else if bytes[cursor..].starts_with(b"*/") {
                        depth -= 1;
                        cursor += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        cursor += 1;
                    }
                }
            }
            _ => return cursor,
        }
    }
}

/// Skips `#![enable(...)]` from its `#`.
fn skip_attribute(bytes: &[u8], cursor: usize) -> usize {
    let mut end = cursor + 1;
    if bytes.get(end) == Some(&b'!') {
        end += 1;
    }
    if bytes.get(end) != Some(&b'[') {
        return cursor + 1;
    }
    let mut depth = 0usize;
    while end < bytes.len() {
        match bytes[end] {
            b'[' => depth += 1,
            b']' => {
                depth -= 1;
                if depth == 0 {
                    return end + 1;
                }
            }
            _ => {}
        }
        end += 1;
    }
    end
}

/// Skips a `"string"` or `'c'` from its opening quote, honouring backslash escapes.
fn skip_quoted(bytes: &[u8], cursor: usize) -> usize {
    let quote = bytes[cursor];
    let mut end = cursor + 1;
    while end < bytes.len() {
        match bytes[end] {
            b'\\' => end += 2,
            byte if byte == quote => return end + 1,
            _ => end += 1,
        }
    }
    bytes.len()
}

/// `Some(n)` when a raw string `r#..#"` with `n` hashes starts at `cursor`.
fn raw_string_hashes(bytes: &[u8], cursor: usize) -> Option<usize> {
    let hashes = bytes[cursor + 1..].iter().take_while(|&&byte| byte == b'#').count();
    (bytes.get(cursor + 1 + hashes) == Some(&b'"')).then_some(hashes)
}

fn skip_raw_string(bytes: &[u8], cursor: usize) -> usize {
    let hashes = raw_string_hashes(bytes, cursor).unwrap_or(0);
    let mut end = cursor + 2 + hashes;
    while end < bytes.len() {
        if bytes[end] == b'"'
            && bytes[end + 1..]
                .iter()
                .take(hashes)
                .filter(|&&byte| byte == b'#')
                .count()
                == hashes
        {
            return end + 1 + hashes;
        }
        end += 1;
    }
    bytes.len()
}

/// The byte offset of RON's 1-based `line` and byte `column` (clamped into the source, on a char boundary).
pub(super) fn offset_of(source: &str, line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        source
            .match_indices('\n')
            .nth(line - 2)
            .map_or(source.len(), |(newline, _)| newline + 1)
    };
    let line_end = source[line_start..]
        .find('\n')
        .map_or(source.len(), |end| line_start + end);
    let mut offset = (line_start + column.saturating_sub(1)).min(line_end);
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The 1-based line and column (in characters) of byte `offset` in `source`.
pub(super) fn location_of(source: &str, path: &Path, offset: usize) -> Location {
    let before = &source[..offset.min(source.len())];
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    Location {
        path: path.to_path_buf(),
        line: before.matches('\n').count() + 1,
        column: before[line_start..].chars().count() + 1,
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Syntax errors: RON's position, the field path there, and RON's complaint reworded as "what, expected what"

pub(super) fn syntax_error(source: &str, path: &Path, error: &SpannedError) -> SpecError {
    use ron::Error as Ron;

    let offset = offset_of(source, error.position.line, error.position.col);
    let map = SourceMap::scan(source, offset);
    let mut field = map.current_path();
    let found = format!("found {}", describe_token(source, offset));
    let closer = map.frames.last().map(|frame| closing(frame.open));
    let one_of = |names: &[&str]| {
        let quoted: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
        format!("one of {}", quoted.join(", "))
    };
    let (problem, expected) = match &error.code {
        Ron::Eof => (
            "the file ends early".to_string(),
            match map.frames.last() {
                Some(frame) => {
                    let opened = location_of(source, path, frame.offset);
                    format!(
                        "`{}` to close the `{}` at {}:{}",
                        closing(frame.open),
                        frame.open as char,
                        opened.line,
                        opened.column
                    )
                }
                None => "a spec `( ... )`".to_string(),
            },
        ),
        Ron::ExpectedComma => (
            found,
            closer.map_or("`,`".to_string(), |closer| format!("`,` or `{closer}`")),
        ),
        Ron::ExpectedArray => (found, "a list `[ ... ]`".to_string()),
        Ron::ExpectedArrayEnd => (found, "`,` or `]`".to_string()),
        Ron::ExpectedStructLike => (found, "a struct `( ... )`".to_string()),
        Ron::ExpectedNamedStructLike(name) if !name.is_empty() => (found, format!("a struct `( ... )` for `{name}`")),
        Ron::ExpectedNamedStructLike(_) => (found, "a struct `( ... )`".to_string()),
        Ron::ExpectedStructLikeEnd => (found, "`)`".to_string()),
        Ron::ExpectedString => (found, "a string in double quotes".to_string()),
        Ron::ExpectedStringEnd => ("a string is not closed".to_string(), "a closing `\"`".to_string()),
        Ron::ExpectedFloat => (found, "a number".to_string()),
        Ron::ExpectedInteger if found.starts_with("found `-") => (found, "an integer >= 0".to_string()),
        Ron::ExpectedInteger => (found, "an integer".to_string()),
        Ron::IntegerOutOfBounds => (found, "an integer in the field's range".to_string()),
        Ron::ExpectedBoolean => (found, "`true` or `false`".to_string()),
        Ron::ExpectedChar => (found, "a character in single quotes".to_string()),
        Ron::ExpectedUnit => (found, "`()`".to_string()),
        Ron::ExpectedOption => (found, "`Some( ... )` or `None`".to_string()),
        Ron::ExpectedOptionEnd => (found, "`)`".to_string()),
        Ron::ExpectedMap => (found, "a map `{ ... }`".to_string()),
        Ron::ExpectedMapColon => (found, "`:`".to_string()),
        Ron::ExpectedMapEnd => (found, "`,` or `}`".to_string()),
        Ron::ExpectedIdentifier | Ron::SuggestRawIdentifier(_) | Ron::InvalidIdentifier(_) => {
            (found, enum_hint(&field).unwrap_or("a name").to_string())
        }
        Ron::ExpectedDifferentStructName { expected, found } => (
            format!("found struct name `{found}`"),
            format!("`{expected}` or no name"),
        ),
        Ron::NoSuchStructField { expected, found, .. } => {
            field = map.container_path().field(found);
            ("unknown field".to_string(), one_of(expected))
        }
        Ron::MissingStructField { field: name, .. } => {
            field = map.container_path().field(name);
            (
                "missing field".to_string(),
                format!("`{name}: ...` (it has no default)"),
            )
        }
        Ron::DuplicateStructField { field: name, .. } => {
            field = map.container_path().field(name);
            ("given twice".to_string(), "each field once".to_string())
        }
        Ron::NoSuchEnumVariant { expected, found, .. } => (format!("unknown variant `{found}`"), one_of(expected)),
        Ron::InvalidValueForType { expected, found } => (format!("found {found}"), expected.clone()),
        Ron::ExpectedDifferentLength { expected, found } => (format!("found {found} elements"), expected.clone()),
        Ron::TrailingCharacters => (
            format!("{found} after the spec"),
            "nothing after the spec's closing `)`".to_string(),
        ),
        Ron::UnclosedBlockComment => ("a `/*` comment is not closed".to_string(), "`*/`".to_string()),
        Ron::UnexpectedByte(byte) => (format!("unexpected character {byte:?}"), "a value".to_string()),
        Ron::InvalidEscape(what) => (
            what.to_lowercase(),
            "an escape like `\\n`, `\\\"` or `\\\\`".to_string(),
        ),
        Ron::FloatUnderscore | Ron::UnderscoreAtBeginning => (found, "a number without a misplaced `_`".to_string()),
        Ron::NoSuchExtension(name) => (
            format!("unknown RON extension `{name}`"),
            "`implicit_some`, `unwrap_newtypes` or `unwrap_variant_newtypes`".to_string(),
        ),
        Ron::ExpectedAttribute | Ron::ExpectedAttributeEnd => {
            (found, "an attribute like `#![enable(implicit_some)]`".to_string())
        }
        Ron::ExceededRecursionLimit => (
            "brackets nested too deeply".to_string(),
            "a spec with fewer nested brackets".to_string(),
        ),
        Ron::Message(message) => (message.clone(), "a value the spec schema accepts".to_string()),
        other => (other.to_string(), "valid RON for the spec schema".to_string()),
    };
    SpecError::Syntax {
        location: location_of(source, path, offset),
        field: field.to_string(),
        problem: one_line(&problem),
        expected: one_line(&expected),
    }
}

fn closing(open: u8) -> char {
    match open {
        b'(' => ')',
        b'[' => ']',
        _ => '}',
    }
}

/// What the spec's enums accept, for errors where RON only knows it wanted a name.
fn enum_hint(field: &FieldPath) -> Option<&'static str> {
    match field.to_string().as_str() {
        "seeds" => Some("`Count(n)` or `List([ ... ])`"),
        "agent.loss" => Some("`Huber` or `Mse`"),
        _ => None,
    }
}

/// The token at byte `offset` (after any whitespace or comment), quoted, for "found ..." messages.
fn describe_token(source: &str, offset: usize) -> String {
    const LONGEST: usize = 40;
    let bytes = source.as_bytes();
    let start = skip_trivia(bytes, offset);
    let Some(&byte) = bytes.get(start) else {
        return "the end of the file".to_string();
    };
    let end = match byte {
        b'"' => skip_quoted(bytes, start),
        _ if is_word_byte(byte) => word_end(bytes, start),
        _ => start + source[start..].chars().next().map_or(1, char::len_utf8),
    };
    let token: String = source[start..end].chars().take(LONGEST).collect();
    let ellipsis = if source[start..end].chars().count() > LONGEST {
        "..."
    } else {
        ""
    };
    format!("`{}{ellipsis}`", one_line(&token))
}

/// Keeps a message on one line whatever RON or the user's text put in it.
pub(super) fn one_line(text: &str) -> String {
    text.split(['\n', '\r'])
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
