//! The regression check: compares a new results folder with a baseline, env × variant, and gives criterion's kind
//! of verdict — no verdict without significance, and a significant change inside the noise band is "within noise".
//!
//! Scores are the runs' final scores normalised per env (0 = random policy, 1 = reference score, as in the report),
//! so one noise band fits every env. The difference is IQM(new) − IQM(baseline) with a stratified bootstrap CI;
//! throughput (env steps/s) is compared the same way on the relative change of the median, with its own, wider
//! band, and is advisory unless strict.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::seeding::{analysis_rng, AnalysisStream};
use crate::stats::aggregate::{aggregate_iqm, median};
use crate::stats::bootstrap::{difference_interval, two_sample_interval, BootstrapSettings};
use crate::stats::comparison::{normalise, probability_of_improvement};
use crate::stats::estimate::Estimate;
use crate::stats::verdict::{decide_with_seeds, Verdict};
use crate::store::{RunStatus, StoredResults};

/// How strict the check is.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CheckSettings {
    /// Half-width of the band of normalised score inside which a significant change is "within noise".
    pub noise: f64,
    /// Confidence of the intervals.
    pub confidence: f64,
    /// Half-width of the band for the relative change in throughput (machines differ: wider than `noise`).
    pub speed_noise: f64,
    /// Whether a slower throughput fails the check too.
    pub strict_speed: bool,
    pub replicates: usize,
}

impl Default for CheckSettings {
    fn default() -> Self {
        CheckSettings {
            noise: 0.05,
            confidence: 0.95,
            speed_noise: 0.25,
            strict_speed: false,
            replicates: 10_000,
        }
    }
}

/// The check's words for a verdict on a score: `regressed`, `improved`, `within noise`, `no change`.
pub fn score_word(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Lower => "regressed",
        Verdict::Higher => "improved",
        Verdict::WithinNoise => "within noise",
        Verdict::NoDetectableDifference => "no change",
    }
}

/// The check's words for a verdict on throughput: `slower`, `faster`, `within noise`, `no change`.
pub fn speed_word(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Lower => "slower",
        Verdict::Higher => "faster",
        Verdict::WithinNoise | Verdict::NoDetectableDifference => score_word(verdict),
    }
}

/// `check.json` writes a verdict as the score's word in kebab case (`regressed`, `within-noise`, ...).
fn serialize_score_word<S: serde::Serializer>(verdict: &Verdict, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&score_word(*verdict).replace(' ', "-"))
}

/// One env × variant's final scores, new against baseline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreCheck {
    pub env: String,
    pub variant: String,
    pub n_new: usize,
    pub n_baseline: usize,
    /// IQM of the normalised scores.
    pub iqm_new: f64,
    pub iqm_baseline: f64,
    /// IQM(new) − IQM(baseline), normalised units.
    pub difference: Estimate,
    /// P(a new run beats a baseline run).
    pub probability_of_improvement: Estimate,
    #[serde(serialize_with = "serialize_score_word")]
    pub verdict: Verdict,
}

/// One env × variant's throughput, new against baseline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpeedCheck {
    pub env: String,
    pub variant: String,
    pub median_new: f64,
    pub median_baseline: f64,
    /// median(new) / median(baseline) − 1.
    pub relative_change: Estimate,
    #[serde(serialize_with = "serialize_score_word")]
    pub verdict: Verdict,
}

/// The whole check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckReport {
    pub new: String,
    pub baseline: String,
    pub settings: CheckSettings,
    pub scores: Vec<ScoreCheck>,
    pub speeds: Vec<SpeedCheck>,
    /// Env × variant pairs in only one of the two folders (not compared).
    pub only_new: Vec<String>,
    pub only_baseline: Vec<String>,
    /// Runs of the new set's plan that failed or were never stored: each one is a regression (a change that makes
    /// training diverge must not pass because its diverged runs drop out of the statistics).
    pub unfinished_new: Vec<UnfinishedRun>,
    /// Env × variant pairs compared although their agents differ, with the fields that differ (`field: baseline →
    /// new`): the check compares what was run, and says so.
    pub config_differences: Vec<String>,
}

/// A planned run of the new set with no result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnfinishedRun {
    pub id: String,
    /// `failed: <reason>` or `missing: never stored`.
    pub problem: String,
}

impl CheckReport {
    /// Whether the check fails: a run of the new set failed or is missing, a score regressed, or (when strict) a
    /// throughput did.
    pub fn failed(&self) -> bool {
        !self.unfinished_new.is_empty()
            || self.scores.iter().any(|check| check.verdict == Verdict::Lower)
            || (self.settings.strict_speed && self.speeds.iter().any(|check| check.verdict == Verdict::Lower))
    }
}

/// Why two folders cannot be compared.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum CheckError {
    #[error("the two result sets train different envs: only in the new one {only_new:?}, only in the baseline {only_baseline:?}")]
    DifferentEnvs {
        only_new: Vec<String>,
        only_baseline: Vec<String>,
    },
    #[error("{env}: different budgets: the new set trains {new}, the baseline {baseline}")]
    DifferentBudgets { env: String, new: String, baseline: String },
    #[error("no env × variant has complete runs in both result sets")]
    NoOverlap,
}

/// Compares two result sets.
pub fn check(
    new: &StoredResults,
    baseline: &StoredResults,
    settings: &CheckSettings,
) -> Result<CheckReport, CheckError> {
    let env_ids =
        |results: &StoredResults| -> BTreeSet<String> { results.spec.envs.iter().map(|env| env.id.clone()).collect() };
    let (new_envs, baseline_envs) = (env_ids(new), env_ids(baseline));
    if new_envs != baseline_envs {
        return Err(CheckError::DifferentEnvs {
            only_new: new_envs.difference(&baseline_envs).cloned().collect(),
            only_baseline: baseline_envs.difference(&new_envs).cloned().collect(),
        });
    }
    for env in &new.spec.envs {
        let other = baseline
            .spec
            .envs
            .iter()
            .find(|other| other.id == env.id)
            .expect("the env sets are equal");
        let budget = |spec: &crate::spec::EnvSpec| {
            format!(
                "{} steps, eval every {} steps, {} episodes, score over the last {} evals",
                spec.steps, spec.eval_every, spec.eval_episodes, spec.final_evals
            )
        };
        if budget(env) != budget(other) {
            return Err(CheckError::DifferentBudgets {
                env: env.id.clone(),
                new: budget(env),
                baseline: budget(other),
            });
        }
    }

    let score_settings = BootstrapSettings {
        replicates: settings.replicates,
        confidence: settings.confidence,
    };
    let pairs = |results: &StoredResults| -> BTreeSet<(String, String)> {
        let own = results
            .runs
            .iter()
            .filter(|run| run.manifest.status == RunStatus::Complete)
            .map(|run| &run.manifest)
            .map(|manifest| (manifest.env.clone(), manifest.variant.clone()));
        let imported = results
            .imported
            .iter()
            .map(|run| (run.manifest.env.clone(), run.manifest.variant.clone()));
        own.chain(imported).collect()
    };
    let (new_pairs, baseline_pairs) = (pairs(new), pairs(baseline));
    let mut scores = Vec::new();
    let mut speeds = Vec::new();
    for (index, (env, variant)) in new_pairs.intersection(&baseline_pairs).enumerate() {
        let new_runs = complete_runs(new, env, variant);
        let baseline_runs = complete_runs(baseline, env, variant);
        // The baseline's anchors define the scale (the env sets and budgets are the same).
        let anchors = baseline
            .spec
            .envs
            .iter()
            .find(|spec| spec.id == *env)
            .and_then(|spec| spec.score_anchors());
        let normalised = |runs: &[(f64, f64)]| -> Vec<Vec<f64>> {
            runs.iter()
                .map(|(score, _)| vec![normalised_score(anchors, *score, &baseline_runs)])
                .collect()
        };
        let (x, y) = (normalised(&new_runs), normalised(&baseline_runs));
        let mut rng = analysis_rng(index as u64, AnalysisStream::Check);
        let (Some(difference), Some(improvement)) = (
            difference_interval(&x, &y, aggregate_iqm, score_settings, &mut rng),
            two_sample_interval(&x, &y, probability_of_improvement, score_settings, &mut rng),
        ) else {
            continue;
        };
        scores.push(ScoreCheck {
            env: env.clone(),
            variant: variant.clone(),
            n_new: x.len(),
            n_baseline: y.len(),
            iqm_new: aggregate_iqm(&x).unwrap_or(f64::NAN),
            iqm_baseline: aggregate_iqm(&y).unwrap_or(f64::NAN),
            difference,
            probability_of_improvement: improvement,
            verdict: decide_with_seeds(difference, settings.noise, x.len(), y.len()),
        });

        // An imported run's log may not say how long it took: no speed check then.
        if !new_runs
            .iter()
            .chain(&baseline_runs)
            .all(|(_, speed)| speed.is_finite())
        {
            continue;
        }
        let speed = |runs: &[(f64, f64)]| -> Vec<Vec<f64>> { runs.iter().map(|(_, speed)| vec![*speed]).collect() };
        let (x, y) = (speed(&new_runs), speed(&baseline_runs));
        let relative = |x: &[Vec<f64>], y: &[Vec<f64>]| Some(column_median(x)? / column_median(y)? - 1.0);
        if let Some(change) = two_sample_interval(&x, &y, relative, score_settings, &mut rng) {
            speeds.push(SpeedCheck {
                env: env.clone(),
                variant: variant.clone(),
                median_new: column_median(&x).unwrap_or(f64::NAN),
                median_baseline: column_median(&y).unwrap_or(f64::NAN),
                relative_change: change,
                verdict: decide_with_seeds(change, settings.speed_noise, x.len(), y.len()),
            });
        }
    }
    let mut unfinished_new: Vec<UnfinishedRun> = new
        .runs
        .iter()
        .filter_map(|run| match &run.manifest.status {
            RunStatus::Failed { reason } => Some(UnfinishedRun {
                id: run.manifest.id.clone(),
                problem: format!("failed: {reason}"),
            }),
            RunStatus::Complete => None,
        })
        .collect();
    unfinished_new.extend(new.missing.iter().map(|id| UnfinishedRun {
        id: id.clone(),
        problem: "missing: never stored".to_string(),
    }));
    if scores.is_empty() && unfinished_new.is_empty() {
        return Err(CheckError::NoOverlap);
    }
    let describe =
        |pairs: BTreeSet<&(String, String)>| pairs.iter().map(|(env, variant)| format!("{env}/{variant}")).collect();
    Ok(CheckReport {
        new: new.root.display().to_string(),
        baseline: baseline.root.display().to_string(),
        settings: *settings,
        scores,
        speeds,
        only_new: describe(new_pairs.difference(&baseline_pairs).collect()),
        only_baseline: describe(baseline_pairs.difference(&new_pairs).collect()),
        unfinished_new,
        config_differences: config_differences(new, baseline),
    })
}

/// For each env × variant of both sets whose resolved agents differ: `env/variant: field baseline → new, ...`.
fn config_differences(new: &StoredResults, baseline: &StoredResults) -> Vec<String> {
    let mut differences = Vec::new();
    for env in &new.spec.envs {
        let Some(baseline_env) = baseline.spec.envs.iter().find(|other| other.id == env.id) else {
            continue;
        };
        for variant in new.spec.variant_list() {
            let Some(baseline_variant) = baseline
                .spec
                .variant_list()
                .into_iter()
                .find(|other| other.name == variant.name)
            else {
                continue;
            };
            let as_fields = |config: crate::agent::config::AgentConfig| match serde_json::to_value(config) {
                Ok(serde_json::Value::Object(fields)) => fields,
                _ => serde_json::Map::new(),
            };
            let new_fields = as_fields(new.spec.resolve_agent(env, &variant));
            let baseline_fields = as_fields(baseline.spec.resolve_agent(baseline_env, &baseline_variant));
            let changed: Vec<String> = new_fields
                .iter()
                .filter(|(name, value)| baseline_fields.get(*name) != Some(*value))
                .map(|(name, value)| {
                    let before = baseline_fields.get(name).map_or("-".to_string(), ToString::to_string);
                    format!("{name} {before} → {value}")
                })
                .collect();
            if !changed.is_empty() {
                differences.push(format!("{}/{}: {}", env.id, variant.name, changed.join(", ")));
            }
        }
    }
    differences
}

/// The median of a one-task score matrix `[run][0]`.
fn column_median(sample: &[Vec<f64>]) -> Option<f64> {
    median(&sample.iter().map(|row| row[0]).collect::<Vec<f64>>())
}

/// (final score, steps/s) of the complete runs of one env × variant.
fn complete_runs(results: &StoredResults, env: &str, variant: &str) -> Vec<(f64, f64)> {
    // Each variant against itself: the spec's own runs on the spec's measure (greedy evaluations by default),
    // imported runs on their training episodes (the only measure they have), whatever else the two folders hold.
    let Some(env_spec) = results.spec.envs.iter().find(|spec| spec.id == env) else {
        return Vec::new();
    };
    results
        .scored_runs_on(env_spec, variant, results.own_measure())
        .into_iter()
        .map(|run| (run.final_score, run.steps_per_sec.unwrap_or(f64::NAN)))
        .collect()
}

/// A final score on the report's normalised scale; an env without anchors is scaled by the baseline's median
/// magnitude instead, so that the noise band is still relative.
fn normalised_score(anchors: Option<(f64, f64)>, score: f64, baseline_runs: &[(f64, f64)]) -> f64 {
    if let Some((random, reference)) = anchors {
        if let Some(value) = normalise(score, random, reference) {
            return value;
        }
    }
    let scale = median(&baseline_runs.iter().map(|(score, _)| score.abs()).collect::<Vec<f64>>()).unwrap_or(1.0);
    score / if scale > 0.0 { scale } else { 1.0 }
}

impl CheckReport {
    /// The table printed on stdout.
    pub fn table(&self) -> String {
        let mut lines = vec![format!(
            "{:<32} {:>5} {:>9} {:>9} {:>26} {:>18}  verdict",
            "env/variant", "n", "IQM new", "IQM base", "difference [95% CI]", "P(improvement)"
        )];
        for check in &self.scores {
            lines.push(format!(
                "{:<32} {:>5} {:>9.3} {:>9.3} {:>26} {:>18}  {}",
                format!("{}/{}", check.env, check.variant),
                format!("{}/{}", check.n_new, check.n_baseline),
                check.iqm_new,
                check.iqm_baseline,
                interval_text(check.difference, 3),
                format!(
                    "{:.2} [{:.2}, {:.2}]",
                    check.probability_of_improvement.estimate,
                    check.probability_of_improvement.low,
                    check.probability_of_improvement.high
                ),
                score_word(check.verdict)
            ));
        }
        lines.extend(self.notes());
        lines.push(String::new());
        let advisory = if self.settings.strict_speed {
            "strict"
        } else {
            "advisory"
        };
        lines.push(format!(
            "throughput ({advisory}, band ±{:.0}%):",
            self.settings.speed_noise * 100.0
        ));
        for check in &self.speeds {
            lines.push(format!(
                "{:<32} {:>9.0} vs {:>9.0} steps/s  change {}  {}",
                format!("{}/{}", check.env, check.variant),
                check.median_new,
                check.median_baseline,
                percent_interval(check.relative_change),
                speed_word(check.verdict)
            ));
        }
        lines.join("\n")
    }

    /// The lines under the score table: the new set's failed or missing runs (each a regression) and the agents
    /// that differ between the two sets.
    fn notes(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if !self.unfinished_new.is_empty() {
            lines.push(String::new());
            lines.push(format!(
                "{} run(s) of the new set did not finish (a regression):",
                self.unfinished_new.len()
            ));
            lines.extend(
                self.unfinished_new
                    .iter()
                    .map(|run| format!("- {}: {}", run.id, run.problem)),
            );
        }
        if !self.config_differences.is_empty() {
            lines.push(String::new());
            lines.push("note: the two sets ran different agents (baseline → new):".to_string());
            lines.extend(self.config_differences.iter().map(|line| format!("- {line}")));
        }
        lines
    }

    /// A Markdown summary for a CI comment.
    pub fn markdown(&self) -> String {
        let regressed = self
            .scores
            .iter()
            .filter(|check| check.verdict == Verdict::Lower)
            .count();
        let headline = if self.failed() {
            let unfinished = if self.unfinished_new.is_empty() {
                String::new()
            } else {
                format!(", {} run(s) failed or missing", self.unfinished_new.len())
            };
            format!(
                "**knowhow check: {regressed} regressed{unfinished}** (new `{}` against baseline `{}`)",
                self.new, self.baseline
            )
        } else {
            format!(
                "**knowhow check: no regression** (new `{}` against baseline `{}`)",
                self.new, self.baseline
            )
        };
        let mut lines = vec![
            headline,
            String::new(),
            format!(
                "Final scores normalised per env (0 = random, 1 = reference); noise band ±{}; {:.0}% bootstrap CIs.",
                self.settings.noise,
                self.settings.confidence * 100.0
            ),
            String::new(),
            "| env | variant | seeds new/base | IQM new | IQM base | difference [CI] | P(improvement) | verdict |"
                .to_string(),
            "|---|---|---|---|---|---|---|---|".to_string(),
        ];
        for check in &self.scores {
            lines.push(format!(
                "| {} | {} | {}/{} | {:.3} | {:.3} | {} | {:.2} | {} |",
                check.env,
                check.variant,
                check.n_new,
                check.n_baseline,
                check.iqm_new,
                check.iqm_baseline,
                interval_text(check.difference, 3),
                check.probability_of_improvement.estimate,
                score_word(check.verdict)
            ));
        }
        lines.extend(self.notes());
        lines.push(String::new());
        lines.push(format!(
            "Throughput ({}, band ±{:.0}%):",
            if self.settings.strict_speed {
                "strict"
            } else {
                "advisory"
            },
            self.settings.speed_noise * 100.0
        ));
        lines.push(String::new());
        lines.push("| env | variant | steps/s new | steps/s base | change [CI] | verdict |".to_string());
        lines.push("|---|---|---|---|---|---|".to_string());
        for check in &self.speeds {
            lines.push(format!(
                "| {} | {} | {:.0} | {:.0} | {} | {} |",
                check.env,
                check.variant,
                check.median_new,
                check.median_baseline,
                percent_interval(check.relative_change),
                speed_word(check.verdict)
            ));
        }
        lines.join("\n") + "\n"
    }
}

fn interval_text(estimate: Estimate, decimals: usize) -> String {
    format!(
        "{:+.*} [{:+.*}, {:+.*}]",
        decimals, estimate.estimate, decimals, estimate.low, decimals, estimate.high
    )
}

fn percent_interval(estimate: Estimate) -> String {
    format!(
        "{:+.1}% [{:+.1}%, {:+.1}%]",
        estimate.estimate * 100.0,
        estimate.low * 100.0,
        estimate.high * 100.0
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::verdict::decide;
    use rand::Rng;
    use rand_distr::StandardNormal;

    /// The verdict on two synthetic groups of normalised scores, n each.
    fn verdict(new: &[f64], baseline: &[f64], rng: &mut impl Rng) -> Verdict {
        let column = |scores: &[f64]| scores.iter().map(|score| vec![*score]).collect::<Vec<_>>();
        let settings = BootstrapSettings {
            replicates: 2_000,
            confidence: 0.95,
        };
        let difference = difference_interval(&column(new), &column(baseline), aggregate_iqm, settings, rng).unwrap();
        decide(difference, 0.05)
    }

    fn normal_sample(rng: &mut impl Rng, count: usize, mean: f64, spread: f64) -> Vec<f64> {
        (0..count)
            .map(|_| mean + spread * rng.sample::<f64, _>(StandardNormal))
            .collect()
    }

    #[test]
    fn synthetic_shifts_get_the_right_verdicts() {
        let mut rng = analysis_rng(1, AnalysisStream::Check);
        let baseline = normal_sample(&mut rng, 10, 0.8, 0.05);
        assert_eq!(
            verdict(&baseline, &baseline, &mut rng),
            Verdict::NoDetectableDifference,
            "identical sets"
        );
        let worse: Vec<f64> = baseline.iter().map(|score| score - 0.3).collect();
        assert_eq!(verdict(&worse, &baseline, &mut rng), Verdict::Lower);
        let better: Vec<f64> = baseline.iter().map(|score| score + 0.3).collect();
        assert_eq!(verdict(&better, &baseline, &mut rng), Verdict::Higher);
        // A shift of 0.02 with almost no spread: clearly significant, yet inside the ±0.05 band.
        let tight = normal_sample(&mut rng, 10, 0.8, 0.001);
        let nudged: Vec<f64> = tight.iter().map(|score| score - 0.02).collect();
        assert_eq!(verdict(&nudged, &tight, &mut rng), Verdict::WithinNoise);
    }

    #[test]
    fn same_distribution_pairs_are_rarely_called_regressed() {
        // 300 pairs of 10 runs from one distribution (sd 0.1 in normalised units, like a noisy agent): how often
        // does the check fail? With a ±0.05 band it must be at most about 5%, and significance alone (any verdict
        // but "no change") should be near the nominal 5% of a 95% interval.
        let mut rng = analysis_rng(2, AnalysisStream::Check);
        let trials = 300;
        let (mut regressed, mut significant) = (0, 0);
        for _ in 0..trials {
            let new = normal_sample(&mut rng, 10, 0.6, 0.1);
            let baseline = normal_sample(&mut rng, 10, 0.6, 0.1);
            let verdict = verdict(&new, &baseline, &mut rng);
            regressed += usize::from(verdict == Verdict::Lower);
            significant += usize::from(verdict != Verdict::NoDetectableDifference);
        }
        eprintln!("same-distribution pairs: {regressed}/{trials} regressed, {significant}/{trials} significant");
        let regressed_rate = regressed as f64 / trials as f64;
        let significant_rate = significant as f64 / trials as f64;
        assert!(regressed_rate <= 0.05, "false regressions {regressed_rate}");
        assert!(
            significant_rate <= 0.15,
            "significant on equal distributions {significant_rate}"
        );
    }
}
