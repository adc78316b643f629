//! From a results folder read back to every number the report and the check show: per env × variant aggregates
//! across seeds, each variant against the reference, learning curves, the overestimation curves, normalised scores
//! across envs, performance profiles and costs. Computes with `stats`, writes nothing, draws nothing.
//!
//! Every bootstrap draws from a generator seeded from a fixed seed and the pair it concerns, so a report is a pure
//! function of the results folder.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::agent::config::AgentConfig;
use crate::scores::{Measure, ScoredRun};
use crate::seeding::{analysis_rng, AnalysisStream};
use crate::spec::{Direction, Metric};
use crate::stats::aggregate::{aggregate_iqm, mean, median, standard_deviation};
use crate::stats::bootstrap::{
    difference_interval, stratified_bootstrap_interval, two_sample_interval, BootstrapSettings,
};
use crate::stats::comparison::{normalise_scores, probability_of_improvement};
use crate::stats::detectable::{minimum_detectable_difference, seeds_to_detect};
use crate::stats::estimate::Estimate;
use crate::stats::multiplicity::{holm_rejections, p_value_from_interval};
use crate::stats::profile::{performance_profile_with_bands, ProfileKind};
use crate::stats::run_scores::final_score;
use crate::stats::verdict::{decide_with_seeds, Verdict};
use crate::store::{RunStatus, StoredResults, StoredRun};

/// How many bootstrap replicates, and how sure the intervals are.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AnalysisSettings {
    /// Replicates for scores and comparisons (the default: 10,000).
    pub replicates: usize,
    /// Replicates for each point of a curve or profile (many points, so fewer each).
    pub curve_replicates: usize,
    pub confidence: f64,
}

impl Default for AnalysisSettings {
    fn default() -> Self {
        AnalysisSettings {
            replicates: 10_000,
            curve_replicates: 1_000,
            confidence: 0.95,
        }
    }
}

/// A row of `aggregate.csv`: one env × variant across its complete seeds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AggregateRow {
    pub env: String,
    pub variant: String,
    /// Complete runs the numbers rest on.
    pub n: usize,
    pub iqm: f64,
    pub iqm_low: f64,
    pub iqm_high: f64,
    pub mean: f64,
    pub median: f64,
    pub std: f64,
}

/// The report's word for a verdict on a variant against its reference (the check words the same rule its own way).
pub fn finding(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Higher => "better",
        Verdict::Lower => "worse",
        Verdict::WithinNoise => "within noise",
        Verdict::NoDetectableDifference => "no detectable difference",
    }
}

/// `comparisons.csv` writes the finding in kebab case: `better`, `worse`, `no-detectable-difference`.
fn serialize_finding<S: serde::Serializer>(verdict: &Verdict, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&finding(*verdict).replace(' ', "-"))
}

/// A row of `comparisons.csv`: one variant against the reference on one env.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComparisonRow {
    pub env: String,
    pub variant: String,
    pub reference: String,
    pub iqm_diff: f64,
    pub diff_low: f64,
    pub diff_high: f64,
    pub p_improve: f64,
    pub p_low: f64,
    pub p_high: f64,
    /// The rule of `stats::verdict` with no noise band: better or worse only when the interval excludes zero.
    #[serde(serialize_with = "serialize_finding")]
    pub verdict: Verdict,
    /// Seeds of the variant and of the reference.
    pub n: usize,
    pub n_reference: usize,
    /// The smallest difference these seeds would detect 4 times in 5 (`stats::detectable`), from the interval's
    /// width.
    pub detectable: f64,
    /// About how many seeds each side would detect a true difference as large as the one seen, 4 times in 5
    /// (none when the difference seen is 0).
    pub seeds_needed: Option<usize>,
    /// The two-sided p-value of "no difference", from the interval (normal approximation).
    pub p_value: f64,
    /// Whether the difference survives Holm's correction over every comparison of the page on the same metric.
    pub holm: bool,
    /// What was compared.
    pub metric: Metric,
}

impl ComparisonRow {
    pub fn difference(&self) -> Estimate {
        Estimate {
            estimate: self.iqm_diff,
            low: self.diff_low,
            high: self.diff_high,
        }
    }

    /// The finding in words, as strong as the numbers allow and no stronger.
    pub fn sentence(&self) -> String {
        let seeds = if self.n == self.n_reference {
            format!("{} seeds each", self.n)
        } else {
            format!("{} and {} seeds", self.n, self.n_reference)
        };
        let numbers = format!(
            "IQM difference {} [{}, {}], P(improvement) {:.2} [{:.2}, {:.2}], {seeds}",
            signed(self.iqm_diff),
            signed(self.diff_low),
            signed(self.diff_high),
            self.p_improve,
            self.p_low,
            self.p_high
        );
        let what = match self.metric {
            Metric::FinalScore => "the final score",
            Metric::Auc => "the area under the learning curve",
        };
        if self.n < 2 || self.n_reference < 2 {
            return format!(
                "{} and {} differ by {} in {what} on {} ({numbers}), but a single seed has no spread to compare \
                 with: nothing can be concluded; run at least 2 seeds each (10 or more to detect moderate \
                 differences).",
                self.variant,
                self.reference,
                signed(self.iqm_diff),
                self.env
            );
        }
        match self.verdict {
            Verdict::Higher => format!(
                "{} improves {what} on {} over {} by {} ({numbers}).",
                self.variant,
                self.env,
                self.reference,
                plain(self.iqm_diff)
            ),
            Verdict::Lower => format!(
                "{} lowers {what} on {} against {} by {} ({numbers}).",
                self.variant,
                self.env,
                self.reference,
                plain(-self.iqm_diff)
            ),
            Verdict::WithinNoise | Verdict::NoDetectableDifference => {
                let needed = match self.seeds_needed {
                    Some(seeds) => format!(
                        "; one as large as the one seen ({}) would take about {seeds} seeds each",
                        plain(self.iqm_diff.abs())
                    ),
                    None => String::new(),
                };
                // An interval of zero width: every seed on both sides scored alike (a ceiling, say), so the spread
                // that sizes a detectable difference was never seen.
                let power = if self.detectable == 0.0 {
                    "every seed scored the same on both sides, so these seeds cannot say how large a difference \
                     they would detect"
                        .to_string()
                } else {
                    format!(
                        "this many seeds would detect a difference of about {} or more 4 times in 5{needed}",
                        plain(self.detectable)
                    )
                };
                format!(
                    "{} shows no detectable difference in {what} from {} on {} with these seeds ({numbers}); {power}.",
                    self.variant, self.reference, self.env,
                )
            }
        }
    }
}

fn plain(value: f64) -> String {
    format!("{value:.1}")
}

fn signed(value: f64) -> String {
    format!("{value:+.1}")
}

/// One point of a learning curve: the IQM across seeds of the eval return at `step`, with its CI.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CurvePoint {
    pub step: usize,
    pub iqm: Estimate,
}

/// The overestimation curves of one env × variant: means across seeds at each evaluation step.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValueCurve {
    pub steps: Vec<usize>,
    pub q_estimate: Vec<f64>,
    pub discounted_return: Vec<f64>,
}

/// Everything about one env × variant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cell {
    pub env: String,
    pub variant: String,
    /// Final scores of the complete runs, in seed order.
    pub scores: Vec<f64>,
    /// Their areas under the evaluation curve, in the same order.
    pub aucs: Vec<f64>,
    pub seeds: Vec<u64>,
    pub aggregate: Option<AggregateRow>,
    /// The same across the runs' areas under the curve.
    pub auc_aggregate: Option<AggregateRow>,
    pub curve: Vec<CurvePoint>,
    pub values: ValueCurve,
    pub median_steps_per_sec: f64,
    pub wall_secs: f64,
    /// For games, the win, draw and loss rates that go with the final scores.
    pub outcomes: Option<GameOutcomes>,
}

/// Win, draw and loss rates of a game's cell: per run the mean over the evaluations its final score averages, then
/// the mean over runs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GameOutcomes {
    pub wins: f64,
    pub draws: f64,
    pub losses: f64,
}

/// One variant across envs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VariantSummary {
    pub name: String,
    /// Its index in the spec: its colour across the report.
    pub index: usize,
    /// The fields it changes on the base agent.
    pub changes: Vec<String>,
    /// Its resolved config on each env, in env order (none for an imported variant).
    pub configs: Vec<(String, AgentConfig)>,
    /// Where an imported variant's runs came from; `None` for the spec's own.
    pub origin: Option<String>,
    /// IQM of the normalised final scores across the envs that have anchors, with its CI.
    pub normalised_iqm: Option<Estimate>,
    /// Performance profile: (τ, fraction of runs with normalised score > τ and its CI band).
    pub profile: Vec<(f64, Estimate)>,
    pub median_steps_per_sec: f64,
    pub wall_secs: f64,
}

/// A failed run, as the report lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FailedRun {
    pub id: String,
    pub reason: String,
}

/// The analysis of one results folder.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    pub experiment: String,
    pub reference: Option<String>,
    pub envs: Vec<String>,
    pub seeds: Vec<u64>,
    pub variants: Vec<VariantSummary>,
    /// Env-major, then variant, like the plan.
    pub cells: Vec<Cell>,
    /// Every variant but the reference against it, per env, on final scores (empty without a reference).
    pub comparisons: Vec<ComparisonRow>,
    /// The same on the area under the evaluation curve.
    pub auc_comparisons: Vec<ComparisonRow>,
    /// Envs whose scores are normalised (those with anchors), with their (random, reference) scores.
    pub anchors: Vec<(String, (f64, f64))>,
    /// Each env's measure, in env order: training episodes where imported runs are.
    pub measures: Vec<(String, Measure)>,
    /// Whether the spec itself chose training episodes as its runs' measure.
    pub measure_from_spec: bool,
    /// The variants that others extend (and are compared with), in spec order.
    pub extended_references: Vec<String>,
    /// The spec's published claims, each with what this run found.
    pub expectations: Vec<ExpectationRow>,
    /// The confidence of every interval.
    pub confidence: f64,
    pub runs: usize,
    pub failed: Vec<FailedRun>,
    pub missing: Vec<String>,
    pub total_wall_secs: f64,
    pub git_commits: Vec<String>,
}

impl Cell {
    /// The aggregate across seeds of `metric`.
    pub fn aggregate_of(&self, metric: Metric) -> Option<&AggregateRow> {
        match metric {
            Metric::FinalScore => self.aggregate.as_ref(),
            Metric::Auc => self.auc_aggregate.as_ref(),
        }
    }

    /// The runs' values of `metric`, in seed order.
    pub fn values_of(&self, metric: Metric) -> &[f64] {
        match metric {
            Metric::FinalScore => &self.scores,
            Metric::Auc => &self.aucs,
        }
    }
}

impl Analysis {
    /// The comparisons on `metric`.
    pub fn comparisons_on(&self, metric: Metric) -> &[ComparisonRow] {
        match metric {
            Metric::FinalScore => &self.comparisons,
            Metric::Auc => &self.auc_comparisons,
        }
    }

    /// The cell of `env` × `variant`.
    pub fn cell(&self, env: &str, variant: &str) -> Option<&Cell> {
        self.cells
            .iter()
            .find(|cell| cell.env == env && cell.variant == variant)
    }
}

/// Analyses a results folder read back by the store.
pub fn analyse(results: &StoredResults, settings: &AnalysisSettings) -> Analysis {
    let spec = &results.spec;
    let envs: Vec<String> = spec.envs.iter().map(|env| env.id.clone()).collect();
    let variant_list = spec.variant_list();
    let score_settings = BootstrapSettings {
        replicates: settings.replicates,
        confidence: settings.confidence,
    };
    let curve_settings = BootstrapSettings {
        replicates: settings.curve_replicates,
        confidence: settings.confidence,
    };

    let variant_names = results.variant_names();
    let mut cells = Vec::new();
    for (env, env_spec) in envs.iter().zip(&spec.envs) {
        for variant in variant_names.iter() {
            let scored = results.scored_runs(env_spec, variant);
            let runs = results.complete_runs(env, variant);
            let scores: Vec<f64> = scored.iter().map(|run| run.final_score).collect();
            let aucs: Vec<f64> = scored.iter().map(|run| run.auc).collect();
            let mut rng = analysis_rng(bootstrap_seed(env, variant, 0), AnalysisStream::Report);
            let aggregate = aggregate_row(env, variant, &scores, score_settings, &mut rng);
            let auc_aggregate = aggregate_row(env, variant, &aucs, score_settings, &mut rng);
            let curve = learning_curve(&scored, curve_settings, &mut rng);
            let own_wall: f64 = results
                .runs
                .iter()
                .filter(|run| run.manifest.env == *env && run.manifest.variant == *variant)
                .map(|run| run.manifest.wall_secs)
                .sum();
            let imported_wall: f64 = results
                .imported
                .iter()
                .filter(|run| run.manifest.env == *env && run.manifest.variant == *variant)
                .filter_map(|run| run.manifest.wall_secs)
                .sum();
            cells.push(Cell {
                env: env.clone(),
                variant: variant.clone(),
                seeds: scored.iter().map(|run| run.seed).collect(),
                scores,
                aucs,
                aggregate,
                auc_aggregate,
                curve,
                values: value_curve(&runs),
                median_steps_per_sec: median_of(scored.iter().filter_map(|run| run.steps_per_sec)),
                wall_secs: own_wall + imported_wall,
                outcomes: game_outcomes(&runs, env_spec.final_evals),
            });
        }
    }

    let mut comparisons = compare_with_reference(spec, &variant_names, &cells, Metric::FinalScore, score_settings);
    let mut auc_comparisons = compare_with_reference(spec, &variant_names, &cells, Metric::Auc, score_settings);
    mark_holm(&mut comparisons, settings.confidence);
    mark_holm(&mut auc_comparisons, settings.confidence);
    let expectations = spec
        .expectations
        .iter()
        .map(|expectation| check_expectation(spec, expectation, &cells, &comparisons, score_settings))
        .collect();

    let anchors: Vec<(String, (f64, f64))> = spec
        .envs
        .iter()
        .filter_map(|env| Some((env.id.clone(), env.score_anchors()?)))
        .collect();
    let variants = variant_names
        .iter()
        .enumerate()
        .map(|(index, name)| {
            let variant_cells: Vec<&Cell> = cells.iter().filter(|cell| cell.variant == *name).collect();
            let normalised = normalised_matrix(&variant_cells, &anchors);
            let mut rng = analysis_rng(bootstrap_seed("", name, 2), AnalysisStream::Report);
            let normalised_iqm = normalised
                .as_ref()
                .and_then(|matrix| stratified_bootstrap_interval(matrix, aggregate_iqm, score_settings, &mut rng));
            let profile = normalised
                .as_ref()
                .map_or_else(Vec::new, |matrix| profile(matrix, curve_settings, &mut rng));
            let own = variant_list.iter().find(|variant| variant.name == *name);
            VariantSummary {
                name: name.clone(),
                index,
                changes: own.map_or_else(Vec::new, |variant| {
                    variant
                        .agent
                        .written_fields()
                        .iter()
                        .map(|field| field.to_string())
                        .collect()
                }),
                configs: own.map_or_else(Vec::new, |variant| {
                    spec.envs
                        .iter()
                        .map(|env| (env.id.clone(), spec.resolve_agent(env, variant)))
                        .collect()
                }),
                origin: results.origin_of(name),
                normalised_iqm,
                profile,
                median_steps_per_sec: median_of(variant_cells.iter().map(|cell| cell.median_steps_per_sec)),
                wall_secs: variant_cells.iter().map(|cell| cell.wall_secs).sum(),
            }
        })
        .collect();

    let failed = results
        .runs
        .iter()
        .filter_map(|run| match &run.manifest.status {
            RunStatus::Failed { reason } => Some(FailedRun {
                id: run.manifest.id.clone(),
                reason: reason.clone(),
            }),
            RunStatus::Complete => None,
        })
        .collect();
    let mut git_commits: Vec<String> = results.runs.iter().map(|run| run.manifest.git_commit.clone()).collect();
    git_commits.sort();
    git_commits.dedup();
    Analysis {
        experiment: spec.name.clone(),
        reference: spec.reference.clone(),
        expectations,
        confidence: settings.confidence,
        extended_references: spec
            .variants
            .iter()
            .filter(|variant| {
                spec.variants
                    .iter()
                    .any(|other| other.extends.as_ref() == Some(&variant.name))
            })
            .map(|variant| variant.name.clone())
            .collect(),
        envs,
        seeds: spec.seeds.to_vec(),
        variants,
        cells,
        comparisons,
        auc_comparisons,
        anchors,
        measures: spec
            .envs
            .iter()
            .map(|env| (env.id.clone(), results.measure(&env.id)))
            .collect(),
        measure_from_spec: results.own_measure() == Measure::TrainingEpisodes,
        runs: results.runs.len(),
        failed,
        missing: results.missing.clone(),
        total_wall_secs: results.runs.iter().map(|run| run.manifest.wall_secs).sum(),
        git_commits,
    }
}

/// Every variant against its reference on each env, on `metric`: the variant it extends, else the spec's reference
/// (none without either).
fn compare_with_reference(
    spec: &crate::spec::Spec,
    variant_names: &[String],
    cells: &[Cell],
    metric: Metric,
    settings: BootstrapSettings,
) -> Vec<ComparisonRow> {
    let mut rows = Vec::new();
    for env in &spec.envs {
        let find = |variant: &str| cells.iter().find(|cell| cell.env == env.id && cell.variant == variant);
        for variant in variant_names.iter() {
            let Some(reference) = spec.reference_of(variant) else {
                continue;
            };
            let (Some(cell), Some(reference_cell)) = (find(variant), find(reference)) else {
                continue;
            };
            let purpose = 1 + metric as usize;
            let mut rng = analysis_rng(bootstrap_seed(&env.id, variant, purpose), AnalysisStream::Report);
            let (values, reference_values) = (cell.values_of(metric), reference_cell.values_of(metric));
            if let Some(row) = compare(
                &env.id,
                variant,
                reference,
                values,
                reference_values,
                settings,
                &mut rng,
            ) {
                rows.push(ComparisonRow { metric, ..row });
            }
        }
    }
    rows
}

/// A published claim and what this run found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExpectationRow {
    pub claim: crate::spec::Expectation,
    /// The variant it is compared with (the claim's, else the variant's own reference).
    pub reference: String,
    /// The comparison on final scores; none when either side has no complete runs.
    pub comparison: Option<ComparisonRow>,
    pub outcome: Outcome,
}

/// Whether a run agrees with a published claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// The difference's interval excludes zero on the claimed side.
    Agrees,
    /// It excludes zero on the other side.
    Disagrees,
    /// It includes zero: these seeds cannot tell.
    CannotTell,
    /// Either side has no complete runs.
    NotRun,
}

/// What the run says of `expectation`: its comparison on final scores (the variant's own row when the reference is
/// its own, else one made here) and whether the interval agrees with the claimed direction.
fn check_expectation(
    spec: &crate::spec::Spec,
    expectation: &crate::spec::Expectation,
    cells: &[Cell],
    comparisons: &[ComparisonRow],
    settings: BootstrapSettings,
) -> ExpectationRow {
    let reference = expectation
        .reference
        .clone()
        .or_else(|| spec.reference_of(&expectation.variant).map(str::to_string))
        .unwrap_or_default();
    let existing = comparisons
        .iter()
        .find(|row| row.env == expectation.env && row.variant == expectation.variant && row.reference == reference);
    let comparison = existing.cloned().or_else(|| {
        let find = |variant: &str| {
            cells
                .iter()
                .find(|cell| cell.env == expectation.env && cell.variant == variant)
        };
        let (cell, reference_cell) = (find(&expectation.variant)?, find(&reference)?);
        // Its own bootstrap stream, apart from every (env, variant) pair's.
        let mut rng = analysis_rng(
            bootstrap_seed(
                &expectation.env,
                &format!("{} vs {}", expectation.variant, reference),
                99,
            ),
            AnalysisStream::Report,
        );
        compare(
            &expectation.env,
            &expectation.variant,
            &reference,
            &cell.scores,
            &reference_cell.scores,
            settings,
            &mut rng,
        )
    });
    let outcome = match (&comparison, expectation.expected) {
        (None, _) => Outcome::NotRun,
        (Some(row), expected) => match (row.verdict, expected) {
            (Verdict::Higher, Direction::Better) | (Verdict::Lower, Direction::Worse) => Outcome::Agrees,
            (Verdict::Higher, Direction::Worse) | (Verdict::Lower, Direction::Better) => Outcome::Disagrees,
            (Verdict::WithinNoise | Verdict::NoDetectableDifference, _) => Outcome::CannotTell,
        },
    };
    ExpectationRow {
        claim: expectation.clone(),
        reference,
        comparison,
        outcome,
    }
}

/// A seed for the bootstrap of one (env, variant, purpose): fixed, so the report is deterministic, and made from the
/// names (not the positions in the spec), so a comparison's interval stays the same when other variants or envs are
/// added to the spec. `""` stands for "across envs" or "no variant".
fn bootstrap_seed(env: &str, variant: &str, purpose: usize) -> u64 {
    let mut hasher = Sha256::new();
    for part in [
        env.as_bytes(),
        &[0],
        variant.as_bytes(),
        &[0],
        &(purpose as u64).to_le_bytes(),
    ] {
        hasher.update(part);
    }
    let digest = hasher.finalize();
    u64::from_le_bytes(digest[..8].try_into().expect("a SHA-256 digest has 32 bytes"))
}

/// One-task score matrix `[run][0]` from a list of scores.
fn column(scores: &[f64]) -> Vec<Vec<f64>> {
    scores.iter().map(|score| vec![*score]).collect()
}

fn median_of(values: impl Iterator<Item = f64>) -> f64 {
    let values: Vec<f64> = values.filter(|value| value.is_finite()).collect();
    median(&values).unwrap_or(f64::NAN)
}

fn aggregate_row(
    env: &str,
    variant: &str,
    scores: &[f64],
    settings: BootstrapSettings,
    rng: &mut rand_pcg::Pcg64,
) -> Option<AggregateRow> {
    let interval = stratified_bootstrap_interval(&column(scores), aggregate_iqm, settings, rng)?;
    Some(AggregateRow {
        env: env.to_string(),
        variant: variant.to_string(),
        n: scores.len(),
        iqm: interval.estimate,
        iqm_low: interval.low,
        iqm_high: interval.high,
        mean: mean(scores)?,
        median: median(scores)?,
        std: standard_deviation(scores)?,
    })
}

fn compare(
    env: &str,
    variant: &str,
    reference: &str,
    scores: &[f64],
    reference_scores: &[f64],
    settings: BootstrapSettings,
    rng: &mut rand_pcg::Pcg64,
) -> Option<ComparisonRow> {
    let (x, y) = (column(scores), column(reference_scores));
    let difference = difference_interval(&x, &y, aggregate_iqm, settings, rng)?;
    let improvement = two_sample_interval(&x, &y, probability_of_improvement, settings, rng)?;
    // One seed on a side has no spread to resample: its interval has no width and would call any difference
    // "better" or "worse". Such a comparison tells nothing, and says so.
    let single = scores.len() < 2 || reference_scores.len() < 2;
    let verdict = decide_with_seeds(difference, 0.0, scores.len(), reference_scores.len());
    let detectable = if single {
        f64::NAN
    } else {
        minimum_detectable_difference(difference.low, difference.high, settings.confidence).unwrap_or(f64::NAN)
    };
    Some(ComparisonRow {
        env: env.to_string(),
        variant: variant.to_string(),
        reference: reference.to_string(),
        iqm_diff: difference.estimate,
        diff_low: difference.low,
        diff_high: difference.high,
        p_improve: improvement.estimate,
        p_low: improvement.low,
        p_high: improvement.high,
        verdict,
        n: scores.len(),
        n_reference: reference_scores.len(),
        detectable,
        seeds_needed: seeds_to_detect(
            scores.len().min(reference_scores.len()),
            detectable,
            difference.estimate,
        ),
        p_value: p_value_from_interval(
            difference.estimate,
            difference.low,
            difference.high,
            settings.confidence,
        )
        .filter(|_| !single)
        .unwrap_or(f64::NAN),
        holm: false,
        metric: Metric::FinalScore,
    })
}

/// Marks the rows whose difference survives Holm's correction over all of them, at the interval's confidence.
fn mark_holm(rows: &mut [ComparisonRow], confidence: f64) {
    let p_values: Vec<f64> = rows.iter().map(|row| row.p_value).collect();
    for (row, rejected) in rows.iter_mut().zip(holm_rejections(&p_values, 1.0 - confidence)) {
        row.holm = rejected;
    }
}

/// The IQM across runs of the return at each step of the curve that every run has.
fn learning_curve(runs: &[ScoredRun], settings: BootstrapSettings, rng: &mut rand_pcg::Pcg64) -> Vec<CurvePoint> {
    let Some(first) = runs.first() else { return Vec::new() };
    first
        .curve
        .iter()
        .filter_map(|&(step, _)| {
            let returns: Vec<f64> = runs
                .iter()
                .map(|run| Some(run.curve.iter().find(|point| point.0 == step)?.1))
                .collect::<Option<Vec<f64>>>()?;
            let interval = stratified_bootstrap_interval(&column(&returns), aggregate_iqm, settings, rng)?;
            Some(CurvePoint { step, iqm: interval })
        })
        .collect()
}

fn value_curve(runs: &[&StoredRun]) -> ValueCurve {
    let points = runs.iter().map(|run| run.evals.len()).min().unwrap_or(0);
    let mean_at = |index: usize, field: fn(&crate::train::EvalRecord) -> f64| {
        mean(&runs.iter().map(|run| field(&run.evals[index])).collect::<Vec<f64>>()).unwrap_or(f64::NAN)
    };
    ValueCurve {
        steps: (0..points).map(|index| runs[0].evals[index].step).collect(),
        q_estimate: (0..points)
            .map(|index| mean_at(index, |eval| eval.q_estimate))
            .collect(),
        discounted_return: (0..points)
            .map(|index| mean_at(index, |eval| eval.discounted_return))
            .collect(),
    }
}

fn game_outcomes(runs: &[&StoredRun], final_evals: usize) -> Option<GameOutcomes> {
    let mean_rate = |rate: fn(&crate::train::EvalRecord) -> Option<f64>| -> Option<f64> {
        let per_run: Option<Vec<f64>> = runs
            .iter()
            .map(|run| final_score(&run.evals.iter().map(rate).collect::<Option<Vec<f64>>>()?, final_evals))
            .collect();
        mean(&per_run?)
    };
    Some(GameOutcomes {
        wins: mean_rate(|eval| eval.win_rate)?,
        draws: mean_rate(|eval| eval.draw_rate)?,
        losses: mean_rate(|eval| eval.loss_rate)?,
    })
}

/// The normalised final scores of one variant as a `[run][env]` matrix over the anchored envs, keeping as many
/// runs per env as the env with the fewest complete runs (rliable's matrices need equal run counts).
fn normalised_matrix(cells: &[&Cell], anchors: &[(String, (f64, f64))]) -> Option<Vec<Vec<f64>>> {
    let columns: Vec<&[f64]> = anchors
        .iter()
        .map(|(env, _)| Some(cells.iter().find(|cell| cell.env == *env)?.scores.as_slice()))
        .collect::<Option<Vec<&[f64]>>>()?;
    let runs = columns.iter().map(|column| column.len()).min()?;
    if runs == 0 {
        return None;
    }
    let scores: Vec<Vec<f64>> = (0..runs)
        .map(|run| columns.iter().map(|column| column[run]).collect())
        .collect();
    let (random, reference): (Vec<f64>, Vec<f64>) = anchors.iter().map(|(_, anchors)| *anchors).unzip();
    normalise_scores(&scores, &random, &reference)
}

/// Thresholds τ of the performance profile: 0 to 1.2 in steps of 0.05.
pub fn profile_thresholds() -> Vec<f64> {
    (0..=24).map(|step| step as f64 * 0.05).collect()
}

/// The performance profile of a normalised `[run][env]` matrix (the fraction of all its scores above each τ, as
/// rliable's score distribution) with its bootstrap band at each τ.
fn profile(matrix: &[Vec<f64>], settings: BootstrapSettings, rng: &mut rand_pcg::Pcg64) -> Vec<(f64, Estimate)> {
    let thresholds = profile_thresholds();
    match performance_profile_with_bands(matrix, &thresholds, ProfileKind::ScoreDistribution, settings, rng) {
        Some(bands) => thresholds.into_iter().zip(bands).collect(),
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(variant: &str, verdict: Verdict, difference: (f64, f64, f64)) -> ComparisonRow {
        ComparisonRow {
            env: "CartPole-v1".into(),
            variant: variant.into(),
            reference: "vanilla".into(),
            iqm_diff: difference.0,
            diff_low: difference.1,
            diff_high: difference.2,
            p_improve: 0.9,
            p_low: 0.7,
            p_high: 1.0,
            verdict,
            n: 10,
            n_reference: 10,
            detectable: minimum_detectable_difference(difference.1, difference.2, 0.95).unwrap(),
            seeds_needed: None,
            p_value: 0.5,
            holm: false,
            metric: Metric::FinalScore,
        }
    }

    #[test]
    fn a_single_seed_decides_nothing_however_large_the_difference() {
        // Regression: with one seed a side the bootstrap interval is [d, d], which excluded zero, so any difference
        // was called better or worse.
        let settings = BootstrapSettings {
            replicates: 200,
            confidence: 0.95,
        };
        let mut rng = analysis_rng(1, AnalysisStream::Report);
        let row = compare(
            "CartPole-v1",
            "double",
            "vanilla",
            &[120.0],
            &[200.0],
            settings,
            &mut rng,
        )
        .unwrap();
        assert_eq!(row.verdict, Verdict::NoDetectableDifference);
        assert!(row.detectable.is_nan() && row.seeds_needed.is_none() && row.p_value.is_nan());
        let sentence = row.sentence();
        assert!(sentence.contains("a single seed has no spread"), "{sentence}");
        assert!(!sentence.contains("lowers"), "{sentence}");
        // Two seeds a side: the interval has width, and the usual rule applies.
        let mut rng = analysis_rng(1, AnalysisStream::Report);
        let row = compare(
            "CartPole-v1",
            "double",
            "vanilla",
            &[120.0, 121.0],
            &[200.0, 201.0],
            settings,
            &mut rng,
        );
        assert_eq!(row.unwrap().verdict, Verdict::Lower);
    }

    #[test]
    fn sentences_claim_only_what_the_interval_allows() {
        let better = row("double", Verdict::Higher, (120.0, 85.0, 160.0)).sentence();
        assert_eq!(
            better,
            "double improves the final score on CartPole-v1 over vanilla by 120.0 (IQM difference +120.0 \
             [+85.0, +160.0], P(improvement) 0.90 [0.70, 1.00], 10 seeds each)."
        );
        let none = row("noisy", Verdict::NoDetectableDifference, (30.0, -10.0, 70.0)).sentence();
        assert!(
            none.starts_with("noisy shows no detectable difference in the final score from vanilla on CartPole-v1"),
            "{none}"
        );
        // The interval [−10, +70] is 80 wide: (1.96 + 0.84) / (2 · 1.96) · 80 = 57.2.
        assert!(
            none.ends_with("would detect a difference of about 57.2 or more 4 times in 5."),
            "{none}"
        );
        // Both sides at the same ceiling on every seed: no spread, so no detectable size to quote.
        let ceiling = row("c51", Verdict::NoDetectableDifference, (0.0, 0.0, 0.0)).sentence();
        assert!(
            ceiling.ends_with(
                "every seed scored the same on both sides, so these seeds cannot say how large a \
                 difference they would detect."
            ),
            "{ceiling}"
        );
        let worse = row("no-target", Verdict::Lower, (-200.0, -300.0, -100.0)).sentence();
        assert!(worse.starts_with("no-target lowers the final score on CartPole-v1 against vanilla by 200.0"));
    }

    #[test]
    fn comparisons_of_separated_samples_are_decisive_and_of_equal_ones_are_not() {
        let mut rng = analysis_rng(0, AnalysisStream::Report);
        let settings = BootstrapSettings {
            replicates: 2_000,
            confidence: 0.95,
        };
        let high = [500.0, 480.0, 490.0, 500.0, 470.0];
        let low = [100.0, 120.0, 90.0, 150.0, 110.0];
        let row = compare("e", "a", "b", &high, &low, settings, &mut rng).unwrap();
        assert_eq!(row.verdict, Verdict::Higher);
        assert_eq!(row.p_improve, 1.0);
        // IQM of 5 values cuts one from each end: (480 + 490 + 500) / 3 − (100 + 110 + 120) / 3 = 380.
        assert!((row.iqm_diff - 380.0).abs() < 1e-9);
        let same = compare("e", "a", "b", &high, &high, settings, &mut rng).unwrap();
        assert_eq!(same.verdict, Verdict::NoDetectableDifference);
        assert_eq!(same.p_improve, 0.5);
    }

    #[test]
    fn the_normalised_matrix_pairs_runs_across_envs() {
        let cell = |env: &str, scores: Vec<f64>| Cell {
            env: env.into(),
            variant: "v".into(),
            seeds: (0..scores.len() as u64).collect(),
            aucs: scores.clone(),
            scores,
            aggregate: None,
            auc_aggregate: None,
            curve: vec![],
            values: ValueCurve {
                steps: vec![],
                q_estimate: vec![],
                discounted_return: vec![],
            },
            median_steps_per_sec: 0.0,
            wall_secs: 0.0,
            outcomes: None,
        };
        let cartpole = cell("CartPole-v1", vec![500.0, 22.0, 261.0]);
        let acrobot = cell("Acrobot-v1", vec![-60.0, -500.0]);
        let anchors = vec![
            ("CartPole-v1".to_string(), (22.0, 500.0)),
            ("Acrobot-v1".to_string(), (-500.0, -60.0)),
        ];
        let matrix = normalised_matrix(&[&cartpole, &acrobot], &anchors).unwrap();
        // Two runs each (Acrobot has two); CartPole (s − 22) / 478, Acrobot (s + 500) / 440.
        assert_eq!(matrix, vec![vec![1.0, 1.0], vec![0.0, 0.0]]);
    }
}
