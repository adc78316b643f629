//! A point estimate with its confidence interval: the one type that every statistic, the check, the report and its
//! figures share (criterion's `Estimate`).

use serde::{Deserialize, Serialize};

/// A statistic's point estimate (computed on the original scores) and the interval `[low, high]` around it; `low` =
/// `high` = `estimate` when it rests on one value.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    pub estimate: f64,
    pub low: f64,
    pub high: f64,
}

impl Estimate {
    /// `high - low`.
    pub fn width(&self) -> f64 {
        self.high - self.low
    }

    /// Whether `value` lies outside the closed interval `[low, high]` (e.g. a difference whose interval excludes 0).
    pub fn excludes(&self, value: f64) -> bool {
        value < self.low || value > self.high
    }
}
