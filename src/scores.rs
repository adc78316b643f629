//! What each stored run scores and on which measure: greedy evaluations (knowhow's own), or training episodes (what
//! other frameworks log, so the measure of every env that has imported runs).

use crate::spec::EnvSpec;
pub use crate::spec::Measure;
use crate::stats::run_scores::{area_under_curve, final_training_score, training_curve};
use crate::store::{StoredResults, StoredRun};
use crate::train::EpisodeRecord;

/// One run's scores on a measure.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredRun {
    pub seed: u64,
    pub final_score: f64,
    pub auc: f64,
    /// (env step, return) points of its learning curve.
    pub curve: Vec<(usize, f64)>,
    /// `None` for an imported run whose log does not say how long it took.
    pub steps_per_sec: Option<f64>,
}

impl StoredResults {
    /// The measure of `env`: training episodes where another framework's runs are (they have no other), else the
    /// spec's own runs' measure.
    pub fn measure(&self, env: &str) -> Measure {
        if self.imported.iter().any(|run| run.manifest.env == env) {
            Measure::TrainingEpisodes
        } else {
            self.own_measure()
        }
    }

    /// The measure the spec's own runs are scored on: the spec's `measure`, greedy evaluations by default.
    pub fn own_measure(&self) -> Measure {
        self.spec.measure.unwrap_or(Measure::GreedyEvaluations)
    }

    /// The spec's variants, then the imported ones (in name order).
    pub fn variant_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .spec
            .variant_list()
            .iter()
            .map(|variant| variant.name.clone())
            .collect();
        let mut imported: Vec<String> = self.imported.iter().map(|run| run.manifest.variant.clone()).collect();
        imported.sort();
        imported.dedup();
        names.extend(imported);
        names
    }

    /// Where an imported variant came from (`cleanrl 1.2.0, from cleanrl-log`); `None` for the spec's variants.
    pub fn origin_of(&self, variant: &str) -> Option<String> {
        self.imported
            .iter()
            .find(|run| run.manifest.variant == variant)
            .map(|run| {
                let manifest = &run.manifest;
                format!(
                    "imported: {} {}, from {}",
                    manifest.framework, manifest.framework_version, manifest.format
                )
            })
    }

    /// The scored runs of `env` × `variant` on `env`'s measure, in seed order: the complete runs of the spec, or the
    /// imported runs of that name.
    pub fn scored_runs(&self, env: &EnvSpec, variant: &str) -> Vec<ScoredRun> {
        self.scored_runs_on(env, variant, self.measure(&env.id))
    }

    /// [`Self::scored_runs`] with the spec's own runs on `measure` (imported runs have only training episodes).
    pub fn scored_runs_on(&self, env: &EnvSpec, variant: &str, measure: Measure) -> Vec<ScoredRun> {
        let mut scored: Vec<ScoredRun> = self
            .complete_runs(&env.id, variant)
            .into_iter()
            .filter_map(|run| score_own_run(run, env, measure))
            .collect();
        let mut imported: Vec<ScoredRun> = self
            .imported
            .iter()
            .filter(|run| run.manifest.env == env.id && run.manifest.variant == variant)
            .filter_map(|run| {
                let mut scored = score_episodes(run.manifest.seed, &run.episodes, env.steps)?;
                scored.steps_per_sec = run.manifest.wall_secs.map(|wall| run.manifest.steps as f64 / wall);
                Some(scored)
            })
            .collect();
        imported.sort_by_key(|run| run.seed);
        scored.extend(imported);
        scored
    }
}

fn score_own_run(run: &StoredRun, env: &EnvSpec, measure: Measure) -> Option<ScoredRun> {
    let manifest = &run.manifest;
    let mut scored = match measure {
        Measure::GreedyEvaluations => ScoredRun {
            seed: manifest.seed,
            final_score: manifest.final_score?,
            auc: manifest.auc?,
            curve: run.evals.iter().map(|eval| (eval.step, eval.mean_return)).collect(),
            steps_per_sec: None,
        },
        Measure::TrainingEpisodes => score_episodes(manifest.seed, &run.episodes, env.steps)?,
    };
    scored.steps_per_sec = Some(manifest.steps_per_sec);
    Some(scored)
}

/// The scores of a run of `steps` env steps on its training episodes; `None` without episodes.
fn score_episodes(seed: u64, episodes: &[EpisodeRecord], steps: usize) -> Option<ScoredRun> {
    let points: Vec<(usize, f64)> = episodes
        .iter()
        .map(|episode| (episode.step, episode.episode_return))
        .collect();
    let curve = training_curve(&points, steps);
    Some(ScoredRun {
        seed,
        final_score: final_training_score(&points, steps)?,
        auc: area_under_curve(&curve)?,
        curve,
        steps_per_sec: None,
    })
}
