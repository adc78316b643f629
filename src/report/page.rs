//! The HTML page: turns an [`Analysis`] into the template's context (figures as inline SVG, numbers formatted)
//! and renders `templates/report.html` with minijinja. Nothing here computes a statistic.

use minijinja::{context, Environment};
use serde::Serialize;

use super::plot::cost::{cost, Speed};
use super::plot::curves::{learning_curves, Band, BandPoint};
use super::plot::forest::{forest_plot, ForestRow};
use super::plot::overestimation::{overestimation, ValueCurves};
use super::plot::profile::performance_profile;
use super::plot::seeds::{seed_scores, SeedScores};
use super::plot::{css_colour, PlotError};
use super::questions::questions;
use crate::analysis::{Analysis, Cell, ComparisonRow};
use crate::check::score_word;
use crate::check::CheckReport;
use crate::spec::Metric;
use crate::stats::estimate::Estimate;
use crate::stats::verdict::Verdict;
use crate::store::StoredResults;

/// The page template, kept as a file and embedded at compile time.
const TEMPLATE: &str = include_str!("../../templates/report.html");

/// Why the page could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error(transparent)]
    Plot(#[from] PlotError),
    #[error("rendering the report template: {0}")]
    Template(#[from] minijinja::Error),
}

#[derive(Serialize)]
struct Finding {
    text: String,
    class: &'static str,
}

impl From<&ComparisonRow> for Finding {
    fn from(row: &ComparisonRow) -> Self {
        let class = match row.verdict {
            Verdict::Higher => "better",
            Verdict::Lower => "worse",
            Verdict::WithinNoise | Verdict::NoDetectableDifference => "none",
        };
        Finding {
            text: row.sentence(),
            class,
        }
    }
}

/// Renders the whole page.
pub fn render(results: &StoredResults, analysis: &Analysis, check: Option<&CheckReport>) -> Result<String, PageError> {
    let colour_of = |variant: &str| {
        analysis
            .variants
            .iter()
            .find(|summary| summary.name == variant)
            .map_or(0, |v| v.index)
    };
    let reference = analysis.reference.clone().unwrap_or_default();

    // The answer: every comparison, env by env, largest improvement first.
    let mut sorted: Vec<&ComparisonRow> = analysis.comparisons.iter().collect();
    sorted.sort_by(|a, b| {
        let env_order = |row: &ComparisonRow| analysis.envs.iter().position(|env| *env == row.env);
        env_order(a).cmp(&env_order(b)).then(b.iqm_diff.total_cmp(&a.iqm_diff))
    });
    let forest_rows: Vec<ForestRow> = sorted
        .iter()
        .map(|row| ForestRow {
            label: format!("{} · {}", row.env, row.variant),
            colour_index: colour_of(&row.variant),
            difference: row.difference(),
        })
        .collect();
    let answer = context! {
        has_reference => !analysis.comparisons.is_empty(),
        names_reference => analysis.reference.is_some(),
        reference => reference,
        forest_svg => if forest_rows.is_empty() { String::new() } else { forest_plot(&forest_rows, "IQM difference in final return (env units)")? },
        findings => sorted.iter().map(|row| Finding::from(*row)).collect::<Vec<_>>(),
    };

    let aggregate_rows: Vec<_> = analysis
        .cells
        .iter()
        .filter_map(|cell| cell.aggregate.as_ref())
        .map(|row| {
            context! {
                env => row.env, variant => row.variant, n => row.n, iqm => number(row.iqm), low => number(row.iqm_low),
                high => number(row.iqm_high), mean => number(row.mean), median => number(row.median), std => number(row.std),
            }
        })
        .collect();

    let game_rows: Vec<_> = analysis
        .cells
        .iter()
        .filter_map(|cell| {
            let outcomes = cell.outcomes?;
            let percent = |rate: f64| format!("{:.1}%", 100.0 * rate);
            Some(context! {
                env => cell.env, variant => cell.variant, n => cell.scores.len(), wins => percent(outcomes.wins),
                draws => percent(outcomes.draws), losses => percent(outcomes.losses),
            })
        })
        .collect();

    let mut question_contexts = Vec::new();
    for question in questions(&results.spec.questions, &analysis.variants, &reference) {
        let mut shown: Vec<String> = vec![reference.clone()];
        shown.extend(question.variants.iter().cloned());
        let mut env_blocks = Vec::new();
        for env in &analysis.envs {
            let cells: Vec<&Cell> = shown.iter().filter_map(|variant| analysis.cell(env, variant)).collect();
            let bands: Vec<Band> = cells.iter().map(|cell| band(cell, colour_of(&cell.variant))).collect();
            let groups: Vec<SeedScores> = cells
                .iter()
                .filter_map(|cell| {
                    let aggregate = cell.aggregate_of(question.metric)?;
                    Some(SeedScores {
                        name: cell.variant.clone(),
                        colour_index: colour_of(&cell.variant),
                        scores: cell.values_of(question.metric).to_vec(),
                        iqm: Estimate {
                            estimate: aggregate.iqm,
                            low: aggregate.iqm_low,
                            high: aggregate.iqm_high,
                        },
                    })
                })
                .collect();
            // The overestimation plot goes with double DQN, wherever a question shows it.
            let shows_double = analysis.variants.iter().any(|variant| {
                question.variants.contains(&variant.name) && variant.changes.iter().any(|field| field == "double")
            });
            let overestimation_svg = if shows_double {
                let curves: Vec<ValueCurves> = cells
                    .iter()
                    .map(|cell| {
                        let steps = cell.values.steps.iter().map(|step| *step as f64);
                        ValueCurves {
                            name: cell.variant.clone(),
                            colour_index: colour_of(&cell.variant),
                            q_estimate: steps.clone().zip(cell.values.q_estimate.iter().copied()).collect(),
                            discounted_return: steps.zip(cell.values.discounted_return.iter().copied()).collect(),
                        }
                    })
                    .collect();
                overestimation(&curves)?
            } else {
                String::new()
            };
            let findings: Vec<Finding> = analysis
                .comparisons_on(question.metric)
                .iter()
                .filter(|row| row.env == *env && question.variants.contains(&row.variant))
                .map(Finding::from)
                .collect();
            if groups.is_empty() {
                continue;
            }
            env_blocks.push(context! {
                env => env,
                curves_svg => learning_curves(&bands, "greedy eval return")?,
                seeds_svg => seed_scores(&groups, match question.metric {
                    Metric::FinalScore => "final score (eval return)",
                    Metric::Auc => "area under the eval curve (mean eval return)",
                })?,
                metric => match question.metric {
                    Metric::FinalScore => "Final score",
                    Metric::Auc => "Area under the evaluation curve",
                },
                overestimation_svg => overestimation_svg,
                findings => findings,
            });
        }
        question_contexts.push(context! { title => question.title, text => question.text, envs => env_blocks });
    }

    let has_scores = analysis.variants.iter().any(|variant| variant.normalised_iqm.is_some());
    let normalised_rows: Vec<ForestRow> = analysis
        .variants
        .iter()
        .filter_map(|variant| {
            let estimate = variant.normalised_iqm?;
            Some(ForestRow {
                label: variant.name.clone(),
                colour_index: variant.index,
                difference: estimate,
            })
        })
        .collect();
    let profile_bands: Vec<Band> = analysis
        .variants
        .iter()
        .filter(|variant| !variant.profile.is_empty())
        .map(|variant| Band {
            name: variant.name.clone(),
            colour_index: variant.index,
            points: variant
                .profile
                .iter()
                .map(|(tau, fraction)| BandPoint {
                    x: *tau,
                    value: *fraction,
                })
                .collect(),
        })
        .collect();
    let across = context! {
        has_scores => has_scores,
        anchors => analysis.anchors.iter().map(|(env, (random, reference))| {
            context! { env => env, random => format!("{random}"), reference => format!("{reference}") }
        }).collect::<Vec<_>>(),
        iqm_svg => if has_scores { forest_plot(&normalised_rows, "IQM of normalised final score (0 = random, 1 = reference)")? } else { String::new() },
        profile_svg => if has_scores { performance_profile(&profile_bands)? } else { String::new() },
    };

    let speeds: Vec<Speed> = analysis
        .variants
        .iter()
        .map(|variant| Speed {
            name: variant.name.clone(),
            colour_index: variant.index,
            steps_per_sec: if variant.median_steps_per_sec.is_finite() {
                variant.median_steps_per_sec
            } else {
                0.0
            },
        })
        .collect();
    let cost_context = context! {
        svg => cost(&speeds)?,
        rows => analysis.variants.iter().map(|variant| context! {
            name => variant.name, speed => format!("{:.0}", variant.median_steps_per_sec), wall => duration(variant.wall_secs),
        }).collect::<Vec<_>>(),
    };

    let appendix = context! {
        configs => analysis.variants.iter().map(|variant| context! {
            name => variant.name,
            changes => variant.changes.join(", "),
            envs => variant.configs.iter().map(|(env, config)| context! {
                env => env,
                text => ron::ser::to_string_pretty(config, ron::ser::PrettyConfig::default()).unwrap_or_default(),
            }).collect::<Vec<_>>(),
        }).collect::<Vec<_>>(),
        spec => results.spec_source,
    };

    let first_manifest = results.runs.first().map(|run| &run.manifest);
    let date = results
        .runs
        .iter()
        .map(|run| run.manifest.finished_at.as_str())
        .max()
        .unwrap_or("")
        .to_string();
    let seeds: Vec<String> = analysis.seeds.iter().map(u64::to_string).collect();
    let mut environment = Environment::new();
    environment.add_template("report.html", TEMPLATE)?;
    let page = environment.get_template("report.html")?.render(context! {
        experiment => analysis.experiment,
        date => if date.is_empty() { "unknown".to_string() } else { date },
        git_commit => analysis.git_commits.join(", "),
        cores => first_manifest.map_or(0, |manifest| manifest.cores),
        runs => analysis.runs,
        env_count => analysis.envs.len(),
        variant_count => analysis.variants.len(),
        seed_count => analysis.seeds.len(),
        seeds => seeds.join(", "),
        total_wall => duration(analysis.total_wall_secs),
        failed => analysis.failed,
        missing => analysis.missing,
        command => format!("knowhow run {dir}/spec.ron --out {dir}", dir = results.root.display()),
        legend => analysis.variants.iter().map(|variant| context! { name => variant.name, colour => css_colour(variant.index) }).collect::<Vec<_>>(),
        answer => answer,
        aggregate_rows => aggregate_rows,
        game_rows => game_rows,
        questions => question_contexts,
        across => across,
        cost => cost_context,
        appendix => appendix,
        check => check.map(|report| context! {
            baseline => report.baseline,
            noise => report.settings.noise,
            failed => report.failed(),
            scores => report.scores.iter().map(|row| context! {
                env => row.env, variant => row.variant, n => format!("{}/{}", row.n_new, row.n_baseline),
                iqm_new => format!("{:.3}", row.iqm_new), iqm_baseline => format!("{:.3}", row.iqm_baseline),
                difference => format!("{:+.3} [{:+.3}, {:+.3}]", row.difference.estimate, row.difference.low, row.difference.high),
                verdict => score_word(row.verdict),
            }).collect::<Vec<_>>(),
            unfinished => report.unfinished_new.iter().map(|run| context! { id => run.id, problem => run.problem }).collect::<Vec<_>>(),
            config_differences => report.config_differences,
        }),
    })?;
    Ok(page)
}

fn band(cell: &Cell, colour_index: usize) -> Band {
    Band {
        name: cell.variant.clone(),
        colour_index,
        points: cell
            .curve
            .iter()
            .map(|point| BandPoint {
                x: point.step as f64,
                value: point.iqm,
            })
            .collect(),
    }
}

/// A score for a table: one decimal.
fn number(value: f64) -> String {
    format!("{value:.1}")
}

/// Seconds as `1h 02m`, `3m 07s` or `12.3s`.
pub fn duration(seconds: f64) -> String {
    let whole = seconds.round() as u64;
    if whole >= 3600 {
        format!("{}h {:02}m", whole / 3600, (whole % 3600) / 60)
    } else if whole >= 60 {
        format!("{}m {:02}s", whole / 60, whole % 60)
    } else {
        format!("{seconds:.1}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(12.34), "12.3s");
        assert_eq!(duration(187.0), "3m 07s");
        assert_eq!(duration(3720.0), "1h 02m");
    }
}
