//! Reading other frameworks' logs of training episodes into knowhow's episode rows: Stable-Baselines3's
//! `monitor.csv`, CleanRL's printed `global_step=…, episodic_return=…` lines, and a plain CSV of (step, return).
//!
//! A row's `step` is knowhow's: the count of env steps taken when the episode ended (from 1). Every format here is
//! one env's log (CleanRL's and SB3's logs of vectorised envs interleave envs and are refused where that shows).

use crate::train::EpisodeRecord;

/// The formats `import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Stable-Baselines3's `Monitor` file: a `#{json}` line (its `env_id`), then `r,l,t` rows (return, length,
    /// seconds since the start).
    Sb3Monitor,
    /// CleanRL's printed output (stdout of `dqn.py`, `c51.py`, ...): `global_step=N, episodic_return=R` lines, where
    /// N counts from 0, so the episode ended after N + 1 steps; `R` may be printed as `[R]`. Other lines are skipped.
    CleanrlLog,
    /// A CSV with a header and the columns `step` (env steps when the episode ended, counted from 1) and `return`,
    /// and optionally `length`.
    Csv,
}

impl Format {
    /// The name written in `import.json`, as on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Sb3Monitor => "sb3-monitor",
            Format::CleanrlLog => "cleanrl-log",
            Format::Csv => "csv",
        }
    }
}

/// What a log says.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedLog {
    pub episodes: Vec<EpisodeRecord>,
    /// Training time, when the log has it (SB3's `t` of the last episode).
    pub wall_secs: Option<f64>,
    /// The env the log names (SB3's header), to compare with the one imported into.
    pub env_id: Option<String>,
}

/// Why a log could not be read: the line (from 1) and what was wrong there.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct FormatError {
    pub line: usize,
    pub problem: String,
}

fn problem(line: usize, problem: impl Into<String>) -> FormatError {
    FormatError {
        line,
        problem: problem.into(),
    }
}

/// Reads `text` as `format`.
pub fn parse(format: Format, text: &str) -> Result<ParsedLog, FormatError> {
    let parsed = match format {
        Format::Sb3Monitor => parse_sb3_monitor(text)?,
        Format::CleanrlLog => parse_cleanrl_log(text)?,
        Format::Csv => parse_plain_csv(text)?,
    };
    if parsed.episodes.is_empty() {
        return Err(problem(text.lines().count().max(1), "no episodes in this log"));
    }
    Ok(parsed)
}

/// Episode rows from (line, step, return, length if known) in order; the steps must increase.
fn episodes_from(rows: &[(usize, usize, f64, Option<usize>)]) -> Result<Vec<EpisodeRecord>, FormatError> {
    let mut episodes = Vec::with_capacity(rows.len());
    let mut previous = 0;
    for (index, &(line, step, episode_return, length)) in rows.iter().enumerate() {
        if step <= previous {
            return Err(problem(
                line,
                format!(
                    "the episode ends at step {step}, not after the one before (step {previous}): one env's log, in \
                     order, is expected"
                ),
            ));
        }
        if !episode_return.is_finite() {
            return Err(problem(line, format!("return {episode_return} is not a finite number")));
        }
        episodes.push(EpisodeRecord {
            step,
            episode: index,
            episode_return,
            // One env: an episode's length is the steps since the previous one ended.
            length: length.unwrap_or(step - previous),
        });
        previous = step;
    }
    Ok(episodes)
}

/// The column of `name` in a CSV header, or a problem naming the header found.
fn column(header: &csv::StringRecord, name: &str, line: usize) -> Result<usize, FormatError> {
    header.iter().position(|field| field.trim() == name).ok_or_else(|| {
        problem(
            line,
            format!(
                "no column {name:?} in the header ({})",
                header.iter().collect::<Vec<_>>().join(",")
            ),
        )
    })
}

/// Reads a field of `record` as a `T`, or a problem naming the column.
fn field<T: std::str::FromStr>(
    record: &csv::StringRecord,
    index: usize,
    name: &str,
    line: usize,
) -> Result<T, FormatError> {
    let text = record.get(index).unwrap_or("").trim();
    text.parse()
        .map_err(|_| problem(line, format!("{name} {text:?} is not a number of the kind expected")))
}

/// A CSV reader over `text` that reports line numbers.
fn csv_records(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes())
}

fn record_line(record: &csv::StringRecord, offset: usize) -> usize {
    record.position().map_or(0, |position| position.line() as usize) + offset
}

fn parse_sb3_monitor(text: &str) -> Result<ParsedLog, FormatError> {
    let (first, rest, offset) = match text.split_once('\n') {
        Some((first, rest)) if first.starts_with('#') => (first, rest, 1),
        _ => {
            return Err(problem(
                1,
                "expected SB3's monitor header, a line starting with #{\"t_start\": ...}",
            ))
        }
    };
    let header: serde_json::Value = serde_json::from_str(first.trim_start_matches('#'))
        .map_err(|error| problem(1, format!("the # line is not JSON: {error}")))?;
    let env_id = header.get("env_id").and_then(|id| id.as_str()).map(str::to_string);
    let mut reader = csv_records(rest);
    let columns = reader.headers().map_err(|error| problem(2, error.to_string()))?.clone();
    let (r, l, t) = (
        column(&columns, "r", 2)?,
        column(&columns, "l", 2)?,
        column(&columns, "t", 2)?,
    );
    let (mut rows, mut step, mut wall_secs) = (Vec::new(), 0, None);
    for record in reader.records() {
        let record = record.map_err(|error| problem(offset + 1, error.to_string()))?;
        let line = record_line(&record, offset);
        let length: usize = field(&record, l, "length l", line)?;
        step += length;
        rows.push((line, step, field(&record, r, "return r", line)?, Some(length)));
        wall_secs = Some(field::<f64>(&record, t, "time t", line)?);
    }
    Ok(ParsedLog {
        episodes: episodes_from(&rows)?,
        wall_secs,
        env_id,
    })
}

fn parse_cleanrl_log(text: &str) -> Result<ParsedLog, FormatError> {
    let mut rows = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line_number = index + 1;
        let (Some(step_at), Some(return_at)) = (line.find("global_step="), line.find("episodic_return=")) else {
            continue;
        };
        let after = |at: usize, key: &str| line[at + key.len()..].split(',').next().unwrap_or("").trim();
        let step_text = after(step_at, "global_step=");
        let return_text = after(return_at, "episodic_return=")
            .trim_start_matches('[')
            .trim_end_matches(']')
            .trim();
        let global_step: usize = step_text
            .parse()
            .map_err(|_| problem(line_number, format!("global_step {step_text:?} is not a step count")))?;
        let episode_return: f64 = return_text
            .parse()
            .map_err(|_| problem(line_number, format!("episodic_return {return_text:?} is not a number")))?;
        rows.push((line_number, global_step + 1, episode_return, None));
    }
    Ok(ParsedLog {
        episodes: episodes_from(&rows)?,
        wall_secs: None,
        env_id: None,
    })
}

fn parse_plain_csv(text: &str) -> Result<ParsedLog, FormatError> {
    let mut reader = csv_records(text);
    let columns = reader.headers().map_err(|error| problem(1, error.to_string()))?.clone();
    let (step, episode_return) = (column(&columns, "step", 1)?, column(&columns, "return", 1)?);
    let length = columns.iter().position(|field| field.trim() == "length");
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|error| problem(0, error.to_string()))?;
        let line = record_line(&record, 0);
        let length = match length {
            Some(index) => Some(field(&record, index, "length", line)?),
            None => None,
        };
        rows.push((
            line,
            field(&record, step, "step", line)?,
            field(&record, episode_return, "return", line)?,
            length,
        ));
    }
    Ok(ParsedLog {
        episodes: episodes_from(&rows)?,
        wall_secs: None,
        env_id: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steps_and_returns(parsed: &ParsedLog) -> Vec<(usize, f64, usize)> {
        parsed
            .episodes
            .iter()
            .map(|episode| (episode.step, episode.episode_return, episode.length))
            .collect()
    }

    #[test]
    fn sb3_monitor_files_accumulate_lengths_into_steps() {
        let text = "#{\"t_start\": 1700000000.5, \"env_id\": \"CartPole-v1\"}\nr,l,t\n12.0,12,0.031\n9.0,9,0.052\n\
                    30.0,30,0.125\n";
        let parsed = parse(Format::Sb3Monitor, text).unwrap();
        assert_eq!(
            steps_and_returns(&parsed),
            [(12, 12.0, 12), (21, 9.0, 9), (51, 30.0, 30)]
        );
        assert_eq!(parsed.wall_secs, Some(0.125));
        assert_eq!(parsed.env_id.as_deref(), Some("CartPole-v1"));
    }

    #[test]
    fn cleanrl_logs_count_steps_from_one_and_skip_other_lines() {
        // As dqn.py prints them (numpy arrays of one value), between its SPS lines and warnings.
        let text = "/venv/lib/python3.11/site-packages/gymnasium/warning\nglobal_step=21, episodic_return=[22.]\n\
                    SPS: 1234\nglobal_step=35, episodic_return=[14.]\nglobal_step=535, episodic_return=500.0\n";
        let parsed = parse(Format::CleanrlLog, text).unwrap();
        assert_eq!(
            steps_and_returns(&parsed),
            [(22, 22.0, 22), (36, 14.0, 14), (536, 500.0, 500)]
        );
        assert_eq!(parsed.wall_secs, None);
    }

    #[test]
    fn plain_csvs_need_a_step_and_a_return_column() {
        let parsed = parse(Format::Csv, "step,return\n10,1.5\n25,-3\n").unwrap();
        assert_eq!(steps_and_returns(&parsed), [(10, 1.5, 10), (25, -3.0, 15)]);
        let with_lengths = parse(Format::Csv, "return,length,step\n1.5,10,10\n").unwrap();
        assert_eq!(steps_and_returns(&with_lengths), [(10, 1.5, 10)]);
        let error = parse(Format::Csv, "step,reward\n10,1.5\n").unwrap_err();
        assert_eq!(error.line, 1);
        assert!(error.problem.contains("no column \"return\""), "{error}");
    }

    #[test]
    fn bad_rows_are_named_by_line() {
        let error = parse(Format::Csv, "step,return\n10,1.5\n5,2\n").unwrap_err();
        assert_eq!(error.line, 3, "{error}");
        assert!(error.problem.contains("not after the one before"), "{error}");
        let error = parse(Format::Csv, "step,return\n10,abc\n").unwrap_err();
        assert_eq!(
            (error.line, error.problem.contains("return \"abc\"")),
            (2, true),
            "{error}"
        );
        let error = parse(Format::CleanrlLog, "x\nglobal_step=ten, episodic_return=[3.]\n").unwrap_err();
        assert_eq!(error.line, 2, "{error}");
        let error = parse(Format::CleanrlLog, "nothing printed\n").unwrap_err();
        assert!(error.problem.contains("no episodes"), "{error}");
        let error = parse(Format::Sb3Monitor, "r,l,t\n1,1,0.1\n").unwrap_err();
        assert_eq!(error.line, 1, "{error}");
        let error = parse(Format::Sb3Monitor, "#{\"t_start\": 1}\nr,l,t\n1,x,0.1\n").unwrap_err();
        assert_eq!(error.line, 3, "{error}");
    }
}
