//! Performance profiles (Agarwal et al. 2021): for each threshold τ on the normalised score, the fraction of runs
//! scoring above τ, one curve per variant with its confidence band.

use super::curves::{band_chart, Band};
use super::PlotError;

/// `bands` hold (τ, fraction above τ, band low, band high) per variant.
pub fn performance_profile(bands: &[Band]) -> Result<String, PlotError> {
    band_chart(
        "performance profile",
        bands,
        "normalised score τ (0 = random policy, 1 = reference score)",
        "fraction of runs with score > τ",
        Some((0.0, 1.02)),
    )
}
