//! The report: figures (plotters → SVG, `plot/`), the questions a spec's variants answer (`questions`), and the
//! notebook-style HTML page (`page`, from `templates/report.html`), written with `aggregate.csv`, `comparisons.csv`
//! and, for a spec with published claims, `expectations.csv` beside the runs.

pub mod page;
pub mod plot;
pub mod questions;

use std::path::PathBuf;

use crate::analysis::{analyse, Analysis, AnalysisSettings};
use crate::check::CheckReport;
use crate::store::{layout, write_atomic, write_csv, ResultsDir, StoreError};

/// One row of `expectations.csv`: a published claim and what the run found.
#[derive(serde::Serialize)]
struct ExpectationLine {
    env: String,
    variant: String,
    reference: String,
    expected: crate::spec::Direction,
    outcome: crate::analysis::Outcome,
    iqm_diff: Option<f64>,
    diff_low: Option<f64>,
    diff_high: Option<f64>,
    n: Option<usize>,
    source: String,
}

impl From<&crate::analysis::ExpectationRow> for ExpectationLine {
    fn from(row: &crate::analysis::ExpectationRow) -> Self {
        let comparison = row.comparison.as_ref();
        ExpectationLine {
            env: row.claim.env.clone(),
            variant: row.claim.variant.clone(),
            reference: row.reference.clone(),
            expected: row.claim.expected,
            outcome: row.outcome,
            iqm_diff: comparison.map(|row| row.iqm_diff),
            diff_low: comparison.map(|row| row.diff_low),
            diff_high: comparison.map(|row| row.diff_high),
            n: comparison.map(|row| row.n),
            source: row.claim.source.clone(),
        }
    }
}

/// Why a report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Page(#[from] page::PageError),
}

/// Reads a results folder, analyses it and writes `aggregate.csv`, `comparisons.csv`, `expectations.csv` (when the
/// spec has any) and `index.html` into it.
/// Returns the analysis and the page's path. The same folder gives the same bytes.
/// With a `check`, the page also shows its verdicts against the baseline.
pub fn write_report(
    results_dir: &ResultsDir,
    settings: &AnalysisSettings,
    check: Option<&CheckReport>,
) -> Result<(Analysis, PathBuf), ReportError> {
    let results = results_dir.load()?;
    let analysis = analyse(&results, settings);
    let root = results_dir.root();
    let aggregates: Vec<_> = analysis
        .cells
        .iter()
        .filter_map(|cell| cell.aggregate.clone())
        .collect();
    write_csv(&root.join(layout::AGGREGATE), &aggregates)?;
    write_csv(&root.join(layout::COMPARISONS), &analysis.comparisons)?;
    if !analysis.expectations.is_empty() {
        let rows: Vec<ExpectationLine> = analysis.expectations.iter().map(ExpectationLine::from).collect();
        write_csv(&root.join(layout::EXPECTATIONS), &rows)?;
    }
    let html = page::render(&results, &analysis, check)?;
    let page_path = root.join(layout::PAGE);
    write_atomic(&page_path, html.as_bytes())?;
    Ok((analysis, page_path))
}
