//! The HTML page: turns an [`Analysis`] into the template's context (figures as inline SVG, numbers formatted)
//! and renders `templates/report.html` with minijinja. Nothing here computes a statistic.

use minijinja::Environment;
use serde::Serialize;

use super::plot::cost::{cost, Speed};
use super::plot::curves::{learning_curves, Band, BandPoint};
use super::plot::forest::{forest_plot, ForestRow};
use super::plot::frames::episode;
use super::plot::landing::landing;
use super::plot::noise::{noise_levels, NoiseCurve};
use super::plot::overestimation::{overestimation, ValueCurves};
use super::plot::profile::performance_profile;
use super::plot::seeds::{seed_scores, SeedScores};
use super::plot::{css_colour, PlotError};
use super::questions::{questions, Question};
use crate::agent::config::Exploration;
use crate::analysis::{Analysis, Cell, ComparisonRow, FailedRun, Outcome};
use crate::check::score_word;
use crate::check::{CheckReport, UnfinishedRun};
use crate::envs::lunar_lander::Flight;
use crate::episode_frames::EpisodeFrames;
use crate::scores::Measure;
use crate::spec::Direction;
use crate::spec::Metric;
use crate::stats::estimate::Estimate;
use crate::stats::verdict::Verdict;
use crate::store::layout;
use crate::store::{read_csv, StoredResults};
use crate::train::TrainRecord;

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

/// The page's context: one typed section each, made by its own function; the template lays them out and computes
/// nothing (criterion's `html` contexts).
#[derive(Serialize)]
struct Page {
    #[serde(flatten)]
    header: Header,
    answer: Answer,
    claims: Vec<ClaimLine>,
    landings: Vec<RunPicture>,
    episodes: Vec<RunPicture>,
    aggregate_rows: Vec<AggregateLine>,
    game_rows: Vec<GameLine>,
    questions: Vec<QuestionSection>,
    across: Across,
    cost: CostSection,
    appendix: Appendix,
    check: Option<CheckSection>,
}

/// Renders the whole page.
pub fn render(results: &StoredResults, analysis: &Analysis, check: Option<&CheckReport>) -> Result<String, PageError> {
    let page = Page {
        header: header(results, analysis),
        answer: answer(analysis)?,
        claims: claim_lines(analysis),
        landings: landings(results, analysis)?,
        episodes: episode_figures(results, analysis)?,
        aggregate_rows: aggregate_rows(analysis),
        game_rows: game_rows(analysis),
        questions: question_sections(results, analysis)?,
        across: across_envs(analysis)?,
        cost: cost_section(analysis)?,
        appendix: appendix(results, analysis),
        check: check.map(check_section),
    };
    let mut environment = Environment::new();
    environment.add_template("report.html", TEMPLATE)?;
    Ok(environment.get_template("report.html")?.render(page)?)
}

/// The colour index of `variant` (its place in the spec).
fn colour_of(analysis: &Analysis, variant: &str) -> usize {
    analysis
        .variants
        .iter()
        .find(|summary| summary.name == variant)
        .map_or(0, |summary| summary.index)
}

/// The title block: what was run, when, where, and how to run it again; the failed and missing runs; the legend.
#[derive(Serialize)]
struct Header {
    experiment: String,
    date: String,
    git_commit: String,
    cores: usize,
    runs: usize,
    env_count: usize,
    variant_count: usize,
    seed_count: usize,
    /// Runs imported from other frameworks, and what they are.
    imported_runs: usize,
    imported_variants: String,
    seeds: String,
    total_wall: String,
    failed: Vec<FailedRun>,
    missing: Vec<String>,
    /// The first missing runs by id, and how many more (a partial merge or an unfinished batch).
    missing_named: String,
    command: String,
    legend: Vec<LegendEntry>,
}

#[derive(Serialize)]
struct LegendEntry {
    name: String,
    colour: String,
}

fn header(results: &StoredResults, analysis: &Analysis) -> Header {
    let date = results
        .runs
        .iter()
        .map(|run| run.manifest.finished_at.as_str())
        .max()
        .unwrap_or("")
        .to_string();
    let seeds: Vec<String> = analysis.seeds.iter().map(u64::to_string).collect();
    Header {
        experiment: analysis.experiment.clone(),
        date: if date.is_empty() { "unknown".to_string() } else { date },
        git_commit: analysis.git_commits.join(", "),
        cores: results.runs.first().map_or(0, |run| run.manifest.cores),
        runs: analysis.runs,
        env_count: analysis.envs.len(),
        variant_count: results.spec.variant_list().len(),
        seed_count: analysis.seeds.len(),
        imported_runs: results.imported.len(),
        imported_variants: analysis
            .variants
            .iter()
            .filter_map(|variant| Some(format!("{} ({})", variant.name, variant.origin.as_ref()?)))
            .collect::<Vec<_>>()
            .join(", "),
        seeds: seeds.join(", "),
        total_wall: duration(analysis.total_wall_secs),
        failed: analysis.failed.clone(),
        missing: analysis.missing.clone(),
        missing_named: crate::store::list_some(&analysis.missing),
        command: format!("knowhow run {dir}/spec.ron --out {dir}", dir = results.root.display()),
        legend: analysis
            .variants
            .iter()
            .map(|variant| LegendEntry {
                name: variant.name.clone(),
                colour: css_colour(variant.index),
            })
            .collect(),
    }
}

/// The answer: every comparison with the reference, env by env, largest improvement first, as a forest plot and
/// findings.
#[derive(Serialize)]
struct Answer {
    has_reference: bool,
    names_reference: bool,
    reference: String,
    forest_svg: String,
    findings: Vec<Finding>,
    /// The envs whose scores are training-episode returns (those with imported runs), joined for the sentence.
    training_measure_envs: String,
    /// The spec chose training episodes for every run (rather than imported runs forcing them on some envs).
    measure_from_spec: bool,
    /// The variants others extend, and so are compared with (joined for the sentence); empty when none does.
    extended_references: String,
    /// Whether that is every env.
    all_on_training_measure: bool,
    /// With several comparisons: what chance alone would call better or worse, and what survives Holm's correction.
    multiplicity: String,
}

/// What many comparisons on one page mean: with k of them at confidence c, about (1 − c)·k "better/worse" findings
/// are expected from chance alone; Holm's correction keeps those whose p-value stays below its threshold. Empty
/// for fewer than two comparisons.
fn multiplicity_sentence(rows: &[ComparisonRow], confidence: f64) -> String {
    if rows.len() < 2 {
        return String::new();
    }
    let decided = rows
        .iter()
        .filter(|row| matches!(row.verdict, Verdict::Higher | Verdict::Lower))
        .count();
    let kept = rows.iter().filter(|row| row.holm).count();
    format!(
        "These are {} comparisons; if no variant differed from its reference, chance alone would call about {:.1} of \
         them better or worse at {:.0}% confidence. {decided} are called better or worse; {kept} of them stay so \
         under Holm's correction for {} comparisons (each p-value from the normal approximation to its interval).",
        rows.len(),
        (1.0 - confidence) * rows.len() as f64,
        confidence * 100.0,
        rows.len()
    )
}

/// A published claim, what this run found, and whether the two agree.
#[derive(Serialize)]
struct ClaimLine {
    env: String,
    comparison: String,
    expected: &'static str,
    found: String,
    outcome: &'static str,
    class: &'static str,
    source: String,
}

/// The reproduction table: one line per expectation of the spec.
fn claim_lines(analysis: &Analysis) -> Vec<ClaimLine> {
    analysis
        .expectations
        .iter()
        .map(|row| {
            let found = match &row.comparison {
                None => "no complete runs on one side".to_string(),
                Some(comparison) => {
                    let mut found = format!(
                        "{:+.1} [{:+.1}, {:+.1}], {} seeds",
                        comparison.iqm_diff, comparison.diff_low, comparison.diff_high, comparison.n
                    );
                    if row.outcome == Outcome::CannotTell {
                        if let Some(seeds) = comparison.seeds_needed {
                            found.push_str(&format!("; about {seeds} seeds would tell a difference this large"));
                        }
                    }
                    found
                }
            };
            let (outcome, class) = match row.outcome {
                Outcome::Agrees => ("agrees", "better"),
                Outcome::Disagrees => ("disagrees", "worse"),
                Outcome::CannotTell => ("cannot tell", "none"),
                Outcome::NotRun => ("not run", "none"),
            };
            ClaimLine {
                env: row.claim.env.clone(),
                comparison: format!("{} vs {}", row.claim.variant, row.reference),
                expected: match row.claim.expected {
                    Direction::Better => "better",
                    Direction::Worse => "worse",
                },
                found,
                outcome,
                class,
                source: row.claim.source.clone(),
            }
        })
        .collect()
}

fn answer(analysis: &Analysis) -> Result<Answer, PageError> {
    let mut sorted: Vec<&ComparisonRow> = analysis.comparisons.iter().collect();
    sorted.sort_by(|a, b| {
        let env_order = |row: &ComparisonRow| analysis.envs.iter().position(|env| *env == row.env);
        env_order(a).cmp(&env_order(b)).then(b.iqm_diff.total_cmp(&a.iqm_diff))
    });
    let forest_rows: Vec<ForestRow> = sorted
        .iter()
        .map(|row| ForestRow {
            label: format!("{} · {}", row.env, row.variant),
            colour_index: colour_of(analysis, &row.variant),
            difference: row.difference(),
        })
        .collect();
    Ok(Answer {
        has_reference: !analysis.comparisons.is_empty(),
        names_reference: analysis.reference.is_some(),
        reference: analysis.reference.clone().unwrap_or_default(),
        forest_svg: if forest_rows.is_empty() {
            String::new()
        } else {
            forest_plot(&forest_rows, "IQM difference in final return (env units)")?
        },
        findings: sorted.iter().map(|row| Finding::from(*row)).collect(),
        training_measure_envs: analysis
            .measures
            .iter()
            .filter(|(_, measure)| *measure == Measure::TrainingEpisodes)
            .map(|(env, _)| env.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        measure_from_spec: analysis.measure_from_spec,
        extended_references: analysis.extended_references.join(", "),
        multiplicity: multiplicity_sentence(&analysis.comparisons, analysis.confidence),
        all_on_training_measure: analysis
            .measures
            .iter()
            .all(|(_, measure)| *measure == Measure::TrainingEpisodes),
    })
}

/// A picture of one variant's median run: a landing (LunarLander's `landing.json`) or an episode's frames (an image
/// env's `episode.json`), with its caption.
#[derive(Serialize)]
struct RunPicture {
    svg: String,
    caption: String,
}

/// A variant's run with the median final score on one env, and what it recorded in one of its files.
struct MedianRun<'a, T> {
    env: &'a str,
    variant: &'a crate::analysis::VariantSummary,
    run: &'a crate::store::StoredRun,
    /// How many runs it is the median of.
    run_count: usize,
    recorded: T,
}

/// For each env and variant, the median run by final score and its file `file` read as `T`, where it has one.
fn median_run_files<'a, T: serde::de::DeserializeOwned>(
    results: &'a StoredResults,
    analysis: &'a Analysis,
    file: &str,
) -> Vec<MedianRun<'a, T>> {
    let mut found = Vec::new();
    for env in &analysis.envs {
        for variant in &analysis.variants {
            let mut runs = results.complete_runs(env, &variant.name);
            let score = |run: &&crate::store::StoredRun| run.manifest.final_score.unwrap_or(f64::NAN);
            runs.sort_by(|a, b| score(a).total_cmp(&score(b)));
            let Some(&run) = runs.get(runs.len() / 2) else {
                continue;
            };
            let Some(recorded) = std::fs::read_to_string(results.run_file(run, file))
                .ok()
                .and_then(|text| serde_json::from_str::<T>(&text).ok())
            else {
                continue;
            };
            found.push(MedianRun {
                env,
                variant,
                run,
                run_count: runs.len(),
                recorded,
            });
        }
    }
    found
}

/// Per env and variant whose runs recorded a flight: the flight of the run with the median final score.
fn landings(results: &StoredResults, analysis: &Analysis) -> Result<Vec<RunPicture>, PageError> {
    let mut figures = Vec::new();
    for median in median_run_files::<Flight>(results, analysis, layout::LANDING) {
        let (env, flight) = (median.env, &median.recorded);
        let outcome = if flight.landed {
            "came to rest on its legs"
        } else {
            "did not come to rest (it crashed, flew off or ran out of time)"
        };
        figures.push(RunPicture {
            svg: landing(flight, median.variant.index)?,
            caption: format!(
                "{} on {env}: seed {}, the median of its {} runs by final score ({:.1}). After training, this \
                 greedy flight returned {:.1} in {} steps and {outcome}. The path of the lander, its outline \
                 every few steps, and a dot wherever an engine fired.",
                median.variant.name,
                median.run.manifest.seed,
                median.run_count,
                median.run.manifest.final_score.unwrap_or(f64::NAN),
                flight.episode_return,
                flight.frames.len() - 1
            ),
        });
    }
    Ok(figures)
}

/// Per env and variant whose runs recorded an episode's frames: the frames of the run with the median final score.
fn episode_figures(results: &StoredResults, analysis: &Analysis) -> Result<Vec<RunPicture>, PageError> {
    let mut figures = Vec::new();
    for median in median_run_files::<EpisodeFrames>(results, analysis, layout::EPISODE_FRAMES) {
        let (env, run_count, frames) = (median.env, median.run_count, &median.recorded);
        let ending = if frames.terminated {
            "ended in the game"
        } else {
            "was cut by the time limit"
        };
        figures.push(RunPicture {
            svg: episode(frames)?,
            caption: format!(
                "{} on {env}: seed {}, the median of its {run_count} runs by final score ({:.1}). After training, this \
                 greedy episode returned {:.1} in {} steps and {ending}; {} of its frames, each cell coloured by the \
                 last of its channels that is set, as MinAtar's own display does.",
                median.variant.name,
                median.run.manifest.seed,
                median.run.manifest.final_score.unwrap_or(f64::NAN),
                frames.episode_return,
                frames.steps,
                frames.frames.len()
            ),
        });
    }
    Ok(figures)
}

/// A line of the aggregate table: one env × variant, numbers formatted.
#[derive(Serialize)]
struct AggregateLine {
    env: String,
    variant: String,
    n: usize,
    iqm: String,
    low: String,
    high: String,
    mean: String,
    median: String,
    std: String,
}

fn aggregate_rows(analysis: &Analysis) -> Vec<AggregateLine> {
    analysis
        .cells
        .iter()
        .filter_map(|cell| cell.aggregate.as_ref())
        .map(|row| AggregateLine {
            env: row.env.clone(),
            variant: row.variant.clone(),
            n: row.n,
            iqm: number(row.iqm),
            low: number(row.iqm_low),
            high: number(row.iqm_high),
            mean: number(row.mean),
            median: number(row.median),
            std: number(row.std),
        })
        .collect()
}

/// A game's won, drawn and lost rates behind its scores.
#[derive(Serialize)]
struct GameLine {
    env: String,
    variant: String,
    n: usize,
    wins: String,
    draws: String,
    losses: String,
}

fn game_rows(analysis: &Analysis) -> Vec<GameLine> {
    analysis
        .cells
        .iter()
        .filter_map(|cell| {
            let outcomes = cell.outcomes?;
            let percent = |rate: f64| format!("{:.1}%", 100.0 * rate);
            Some(GameLine {
                env: cell.env.clone(),
                variant: cell.variant.clone(),
                n: cell.scores.len(),
                wins: percent(outcomes.wins),
                draws: percent(outcomes.draws),
                losses: percent(outcomes.losses),
            })
        })
        .collect()
}

/// One section per question: on each env, the learning curves, every seed's score, the overestimation plot where
/// the question asks for it, and the findings.
#[derive(Serialize)]
struct QuestionSection {
    title: String,
    text: String,
    envs: Vec<QuestionBlock>,
}

/// A question on one env.
#[derive(Serialize)]
struct QuestionBlock {
    env: String,
    curves_svg: String,
    /// What the learning curves show: greedy evaluations, or training episodes where the env is measured on them.
    curves_caption: &'static str,
    seeds_svg: String,
    metric: &'static str,
    overestimation_svg: String,
    /// Noisy variants' noise-to-signal over training (empty when the block shows none, or none logged it).
    noise_svg: String,
    findings: Vec<Finding>,
}

fn question_sections(results: &StoredResults, analysis: &Analysis) -> Result<Vec<QuestionSection>, PageError> {
    let reference = analysis.reference.clone().unwrap_or_default();
    let mut sections = Vec::new();
    for question in questions(&results.spec.questions, &analysis.variants, &reference) {
        // Each variant's reference first (the spec's, or the variant it extends), then the variants.
        let mut shown: Vec<String> = Vec::new();
        for variant in &question.variants {
            let own = results.spec.reference_of(variant).unwrap_or(&reference).to_string();
            if !shown.contains(&own) {
                shown.push(own);
            }
        }
        shown.extend(question.variants.iter().cloned());
        let mut env_blocks = Vec::new();
        for env in &analysis.envs {
            let cells: Vec<&Cell> = shown.iter().filter_map(|variant| analysis.cell(env, variant)).collect();
            if let Some(block) = question_on_env(results, analysis, &question, env, &cells)? {
                env_blocks.push(block);
            }
        }
        sections.push(QuestionSection {
            title: question.title,
            text: question.text,
            envs: env_blocks,
        });
    }
    Ok(sections)
}

/// A question's block on one env, or `None` when no variant it shows has complete runs there.
fn question_on_env(
    results: &StoredResults,
    analysis: &Analysis,
    question: &Question,
    env: &str,
    cells: &[&Cell],
) -> Result<Option<QuestionBlock>, PageError> {
    let groups: Vec<SeedScores> = cells
        .iter()
        .filter_map(|cell| {
            let aggregate = cell.aggregate_of(question.metric)?;
            Some(SeedScores {
                name: cell.variant.clone(),
                colour_index: colour_of(analysis, &cell.variant),
                scores: cell.values_of(question.metric).to_vec(),
                iqm: Estimate {
                    estimate: aggregate.iqm,
                    low: aggregate.iqm_low,
                    high: aggregate.iqm_high,
                },
            })
        })
        .collect();
    if groups.is_empty() {
        return Ok(None);
    }
    let bands: Vec<Band> = cells
        .iter()
        .map(|cell| band(cell, colour_of(analysis, &cell.variant)))
        .collect();
    let overestimation_svg = if question.shows_overestimation {
        let curves: Vec<ValueCurves> = cells
            .iter()
            .map(|cell| {
                let steps = cell.values.steps.iter().map(|step| *step as f64);
                ValueCurves {
                    name: cell.variant.clone(),
                    colour_index: colour_of(analysis, &cell.variant),
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
        .filter(|row| row.env == env && question.variants.contains(&row.variant))
        .map(Finding::from)
        .collect();
    // Scores and curves on training episodes where the env is measured on them (a spec's `measure`, or imports).
    let on_training = analysis
        .measures
        .iter()
        .any(|(measured, measure)| measured == env && *measure == Measure::TrainingEpisodes);
    let seeds_label = match question.metric {
        Metric::FinalScore if on_training => "final score (training return, last tenth)",
        Metric::Auc if on_training => "area under the training curve (mean training return)",
        Metric::FinalScore => "final score (eval return)",
        Metric::Auc => "area under the eval curve (mean eval return)",
    };
    Ok(Some(QuestionBlock {
        env: env.to_string(),
        curves_svg: learning_curves(
            &bands,
            if on_training {
                "training return (exploration on)"
            } else {
                "greedy eval return"
            },
        )?,
        curves_caption: if on_training {
            "Training return (exploration on) over training, in twentieths of the run"
        } else {
            "Greedy evaluation return over training"
        },
        seeds_svg: seed_scores(&groups, seeds_label)?,
        metric: match question.metric {
            Metric::FinalScore => "Final score",
            Metric::Auc if on_training => "Area under the training curve",
            Metric::Auc => "Area under the evaluation curve",
        },
        overestimation_svg,
        noise_svg: noise_figure(results, analysis, env, cells)?,
        findings,
    }))
}

/// The noise figure of the noisy variants among `cells` on `env`: per variant, each run's `noise_to_signal` from its
/// train.csv averaged over the noisy layers, then over the runs at each step. Empty when none of them is noisy or
/// none logged the column (runs stored before it existed).
fn noise_figure(results: &StoredResults, analysis: &Analysis, env: &str, cells: &[&Cell]) -> Result<String, PageError> {
    let mut curves = Vec::new();
    for cell in cells {
        let noisy = analysis.variants.iter().any(|summary| {
            summary.name == cell.variant
                && summary.configs.iter().any(|(config_env, config)| {
                    config_env == env && matches!(config.exploration, Exploration::Noisy(_))
                })
        });
        if !noisy {
            continue;
        }
        // step → (sum over runs, runs)
        let mut by_step: std::collections::BTreeMap<usize, (f64, usize)> = std::collections::BTreeMap::new();
        for run in results.complete_runs(env, &cell.variant) {
            let Ok(records) = read_csv::<TrainRecord>(&results.run_file(run, layout::TRAIN)) else {
                continue;
            };
            for record in records {
                if let Some(level) = mean_noise_to_signal(&record.noise_to_signal) {
                    let entry = by_step.entry(record.step).or_insert((0.0, 0));
                    *entry = (entry.0 + level, entry.1 + 1);
                }
            }
        }
        if !by_step.is_empty() {
            curves.push(NoiseCurve {
                name: cell.variant.clone(),
                colour_index: colour_of(analysis, &cell.variant),
                points: by_step
                    .into_iter()
                    .map(|(step, (sum, runs))| (step as f64, sum / runs as f64))
                    .collect(),
            });
        }
    }
    if curves.is_empty() {
        return Ok(String::new());
    }
    Ok(noise_levels(&curves)?)
}

/// The mean over the noisy layers of a `noise_to_signal` cell (`0.2;0.4` → 0.3); `None` when empty or unreadable.
fn mean_noise_to_signal(cell: &str) -> Option<f64> {
    let levels: Vec<f64> = cell
        .split(';')
        .map(|level| level.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .ok()?;
    (!levels.is_empty()).then(|| levels.iter().sum::<f64>() / levels.len() as f64)
}

/// Across envs: the IQM of normalised scores per variant and the performance profiles.
#[derive(Serialize)]
struct Across {
    has_scores: bool,
    anchors: Vec<AnchorLine>,
    iqm_svg: String,
    profile_svg: String,
}

#[derive(Serialize)]
struct AnchorLine {
    env: String,
    random: String,
    reference: String,
}

fn across_envs(analysis: &Analysis) -> Result<Across, PageError> {
    let has_scores = analysis.variants.iter().any(|variant| variant.normalised_iqm.is_some());
    let normalised_rows: Vec<ForestRow> = analysis
        .variants
        .iter()
        .filter_map(|variant| {
            Some(ForestRow {
                label: variant.name.clone(),
                colour_index: variant.index,
                difference: variant.normalised_iqm?,
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
    Ok(Across {
        has_scores,
        anchors: analysis
            .anchors
            .iter()
            .map(|(env, (random, reference))| AnchorLine {
                env: env.clone(),
                random: format!("{random}"),
                reference: format!("{reference}"),
            })
            .collect(),
        iqm_svg: if has_scores {
            forest_plot(
                &normalised_rows,
                "IQM of normalised final score (0 = random, 1 = reference)",
            )?
        } else {
            String::new()
        },
        profile_svg: if has_scores {
            performance_profile(&profile_bands)?
        } else {
            String::new()
        },
    })
}

/// What each variant costs: its median speed as bars, and a table with the wall time.
#[derive(Serialize)]
struct CostSection {
    svg: String,
    rows: Vec<CostLine>,
}

#[derive(Serialize)]
struct CostLine {
    name: String,
    speed: String,
    wall: String,
}

fn cost_section(analysis: &Analysis) -> Result<CostSection, PageError> {
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
    Ok(CostSection {
        svg: cost(&speeds)?,
        rows: analysis
            .variants
            .iter()
            .map(|variant| CostLine {
                name: variant.name.clone(),
                speed: if variant.median_steps_per_sec.is_finite() {
                    format!("{:.0}", variant.median_steps_per_sec)
                } else {
                    "not logged".to_string()
                },
                wall: if variant.origin.is_some() && variant.wall_secs <= 0.0 {
                    "not logged".to_string()
                } else {
                    duration(variant.wall_secs)
                },
            })
            .collect(),
    })
}

/// Every variant's resolved config on each env, and the spec as run.
#[derive(Serialize)]
struct Appendix {
    configs: Vec<VariantConfigs>,
    spec: String,
}

#[derive(Serialize)]
struct VariantConfigs {
    name: String,
    changes: String,
    /// Where an imported variant came from.
    origin: Option<String>,
    envs: Vec<EnvConfig>,
}

#[derive(Serialize)]
struct EnvConfig {
    env: String,
    text: String,
}

fn appendix(results: &StoredResults, analysis: &Analysis) -> Appendix {
    Appendix {
        configs: analysis
            .variants
            .iter()
            .map(|variant| VariantConfigs {
                name: variant.name.clone(),
                changes: variant.changes.join(", "),
                origin: variant.origin.clone(),
                envs: variant
                    .configs
                    .iter()
                    .map(|(env, config)| EnvConfig {
                        env: env.clone(),
                        text: ron::ser::to_string_pretty(config, ron::ser::PrettyConfig::default()).unwrap_or_default(),
                    })
                    .collect(),
            })
            .collect(),
        spec: results.spec_source.clone(),
    }
}

/// The regression check against a baseline, when the page is rendered with one.
#[derive(Serialize)]
struct CheckSection {
    baseline: String,
    noise: f64,
    failed: bool,
    scores: Vec<CheckLine>,
    unfinished: Vec<UnfinishedRun>,
    config_differences: Vec<String>,
}

#[derive(Serialize)]
struct CheckLine {
    env: String,
    variant: String,
    n: String,
    iqm_new: String,
    iqm_baseline: String,
    difference: String,
    verdict: &'static str,
}

fn check_section(report: &CheckReport) -> CheckSection {
    CheckSection {
        baseline: report.baseline.clone(),
        noise: report.settings.noise,
        failed: report.failed(),
        scores: report
            .scores
            .iter()
            .map(|row| CheckLine {
                env: row.env.clone(),
                variant: row.variant.clone(),
                n: format!("{}/{}", row.n_new, row.n_baseline),
                iqm_new: format!("{:.3}", row.iqm_new),
                iqm_baseline: format!("{:.3}", row.iqm_baseline),
                difference: format!(
                    "{:+.3} [{:+.3}, {:+.3}]",
                    row.difference.estimate, row.difference.low, row.difference.high
                ),
                verdict: score_word(row.verdict),
            })
            .collect(),
        unfinished: report.unfinished_new.clone(),
        config_differences: report.config_differences.clone(),
    }
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
    fn the_noise_level_of_a_step_is_the_mean_over_its_noisy_layers() {
        assert_eq!(mean_noise_to_signal("0.2;0.4"), Some(0.30000000000000004));
        assert_eq!(mean_noise_to_signal("0.5"), Some(0.5));
        assert_eq!(mean_noise_to_signal(""), None);
        assert_eq!(mean_noise_to_signal("0.2;x"), None);
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(12.34), "12.3s");
        assert_eq!(duration(187.0), "3m 07s");
        assert_eq!(duration(3720.0), "1h 02m");
    }
}
