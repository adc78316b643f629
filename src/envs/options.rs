//! The options a spec's env entry gives its env (`options: {"max_steps": 1000, "sticky_actions": 0.0}`), and the
//! reading of them that each env's registration does: typed values with defaults, and a refusal naming the option,
//! what was wrong and what was expected (the spec turns it into a `file:line:col` error).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One option's value as written in RON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum OptionValue {
    Flag(bool),
    Number(f64),
    Text(String),
}

/// The options of one env entry, by name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EnvOptions(BTreeMap<String, OptionValue>);

/// An option an env refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("option {option:?}: {problem}, expected {expected}")]
pub struct OptionError {
    pub option: String,
    pub problem: String,
    pub expected: String,
}

impl EnvOptions {
    /// No options: every env's defaults.
    pub fn none() -> Self {
        EnvOptions::default()
    }

    /// Options from `(name, value)` pairs (for code and tests; specs write them in RON).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, OptionValue)>) -> Self {
        EnvOptions(
            pairs
                .into_iter()
                .map(|(name, value)| (name.to_string(), value))
                .collect(),
        )
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Refuses any option not in `known` (a misspelt option must not fall back to a default unnoticed).
    pub fn only(&self, known: &[&str]) -> Result<(), OptionError> {
        match self.0.keys().find(|name| !known.contains(&name.as_str())) {
            None => Ok(()),
            Some(name) => Err(OptionError {
                option: name.clone(),
                problem: "this env has no such option".to_string(),
                expected: if known.is_empty() {
                    "no options for this env".to_string()
                } else {
                    format!(
                        "one of {}",
                        known
                            .iter()
                            .map(|known| format!("{known:?}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                },
            }),
        }
    }

    /// A number in `range` (inclusive), or `default` when not written.
    pub fn number(&self, name: &str, default: f64, range: (f64, f64)) -> Result<f64, OptionError> {
        let expected = || format!("a number in [{}, {}]", range.0, range.1);
        match self.0.get(name) {
            None => Ok(default),
            Some(OptionValue::Number(value)) if (range.0..=range.1).contains(value) => Ok(*value),
            Some(other) => Err(self.refusal(name, other, expected())),
        }
    }

    /// A number strictly between the ends of `range`, or `default` when not written.
    pub fn number_between(&self, name: &str, default: f64, range: (f64, f64)) -> Result<f64, OptionError> {
        let expected = || format!("a number in ({}, {}), ends excluded", range.0, range.1);
        match self.0.get(name) {
            None => Ok(default),
            Some(OptionValue::Number(value)) if range.0 < *value && *value < range.1 => Ok(*value),
            Some(other) => Err(self.refusal(name, other, expected())),
        }
    }

    /// `true` or `false`, or `default` when not written.
    pub fn flag(&self, name: &str, default: bool) -> Result<bool, OptionError> {
        match self.0.get(name) {
            None => Ok(default),
            Some(OptionValue::Flag(flag)) => Ok(*flag),
            Some(other) => Err(self.refusal(name, other, "true or false".to_string())),
        }
    }

    /// A whole number ≥ 1 (a count of steps, say), or `default` when not written.
    pub fn count(&self, name: &str, default: usize) -> Result<usize, OptionError> {
        match self.0.get(name) {
            None => Ok(default),
            Some(OptionValue::Number(value)) if *value >= 1.0 && value.fract() == 0.0 && *value <= 1e15 => {
                Ok(*value as usize)
            }
            Some(other) => Err(self.refusal(name, other, "a whole number >= 1".to_string())),
        }
    }

    /// A whole number in `[range.0, range.1]`, or `default` when not written.
    pub fn whole_number(&self, name: &str, default: u64, range: (u64, u64)) -> Result<u64, OptionError> {
        match self.0.get(name) {
            None => Ok(default),
            Some(OptionValue::Number(value))
                if value.fract() == 0.0 && *value >= range.0 as f64 && *value <= range.1 as f64 =>
            {
                Ok(*value as u64)
            }
            Some(other) => Err(self.refusal(name, other, format!("a whole number in [{}, {}]", range.0, range.1))),
        }
    }

    /// A text (a path, say), or `None` when not written.
    pub fn text(&self, name: &str) -> Result<Option<&str>, OptionError> {
        match self.0.get(name) {
            None => Ok(None),
            Some(OptionValue::Text(text)) => Ok(Some(text)),
            Some(other) => Err(self.refusal(name, other, "a text in quotes".to_string())),
        }
    }

    fn refusal(&self, name: &str, value: &OptionValue, expected: String) -> OptionError {
        let written = match value {
            OptionValue::Flag(flag) => flag.to_string(),
            OptionValue::Number(number) => format!("{number:?}"),
            OptionValue::Text(text) => format!("{text:?}"),
        };
        OptionError {
            option: name.to_string(),
            problem: format!("got {written}"),
            expected,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_read_typed_with_defaults_and_refuse_what_is_not_asked_for() {
        let options = EnvOptions::from_pairs([
            ("max_steps", OptionValue::Number(200.0)),
            ("sticky_actions", OptionValue::Number(0.25)),
        ]);
        assert_eq!(options.count("max_steps", 500), Ok(200));
        assert_eq!(options.count("other", 500), Ok(500));
        assert_eq!(options.number("sticky_actions", 0.1, (0.0, 1.0)), Ok(0.25));
        assert!(options.only(&["max_steps", "sticky_actions"]).is_ok());
        assert_eq!(
            options.only(&["max_steps"]).unwrap_err().to_string(),
            "option \"sticky_actions\": this env has no such option, expected one of \"max_steps\""
        );
        let bad = EnvOptions::from_pairs([("max_steps", OptionValue::Number(2.5))]);
        assert_eq!(
            bad.count("max_steps", 500).unwrap_err().to_string(),
            "option \"max_steps\": got 2.5, expected a whole number >= 1"
        );
        let text = EnvOptions::from_pairs([("sticky_actions", OptionValue::Text("high".into()))]);
        assert!(text.number("sticky_actions", 0.1, (0.0, 1.0)).is_err());
    }

    #[test]
    fn options_parse_from_ron() {
        let options: EnvOptions = ron::from_str(r#"{"max_steps": 1000, "wind": true, "rom": "breakout"}"#).unwrap();
        assert_eq!(options.count("max_steps", 1), Ok(1000));
        assert_eq!(options.0.get("wind"), Some(&OptionValue::Flag(true)));
        assert_eq!(options.0.get("rom"), Some(&OptionValue::Text("breakout".into())));
    }
}
