//! Performance profiles: for each threshold tau, the fraction of scores above it, with bootstrap bands.

use rand::Rng;

use super::aggregate::{score_matrix_shape, task_means};
use super::bootstrap::{stratified_bootstrap_intervals, BootstrapSettings};
use super::estimate::Estimate;

/// Which distribution a profile counts, rliable's `use_score_distribution` switch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProfileKind {
    /// `use_score_distribution=True` (rliable's default): the fraction of all `runs × tasks` entries above tau,
    /// which equals the fraction of runs above tau averaged over tasks.
    ScoreDistribution,
    /// `use_score_distribution=False`: the fraction of tasks whose mean over runs is above tau.
    AverageScoreDistribution,
}

/// The performance profile of a score matrix `[run][task]` at each threshold in `taus`: the fraction of values
/// strictly greater than tau (a score equal to tau does not count), over all entries or over task means as `kind`
/// says. One value per tau, in the order of `taus`; `None` when the matrix is invalid (empty, ragged).
pub fn performance_profile(scores: &[Vec<f64>], taus: &[f64], kind: ProfileKind) -> Option<Vec<f64>> {
    score_matrix_shape(scores)?;
    let values: Vec<f64> = match kind {
        ProfileKind::ScoreDistribution => scores.iter().flatten().copied().collect(),
        ProfileKind::AverageScoreDistribution => task_means(scores)?,
    };
    Some(taus.iter().map(|&tau| fraction_above(&values, tau)).collect())
}

/// [`performance_profile`] with a stratified bootstrap band at each tau: one [`Estimate`] per tau, its
/// `estimate` the profile value. All taus share the same replicates, as in rliable (whose profile default is
/// 2,000 replicates). `None` when the matrix is invalid or `settings` are out of range.
pub fn performance_profile_with_bands<R: Rng + ?Sized>(
    scores: &[Vec<f64>],
    taus: &[f64],
    kind: ProfileKind,
    settings: BootstrapSettings,
    rng: &mut R,
) -> Option<Vec<Estimate>> {
    stratified_bootstrap_intervals(scores, |sample| performance_profile(sample, taus, kind), settings, rng)
}

/// Fraction of `values` strictly greater than `tau` (`values` is never empty here).
fn fraction_above(values: &[f64], tau: f64) -> f64 {
    values.iter().filter(|&&value| value > tau).count() as f64 / values.len() as f64
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand_pcg::Pcg64;

    use super::*;

    #[test]
    fn score_distribution_counts_entries_strictly_above_tau() {
        // 2 runs × 2 tasks: entries 0, 1, 1, 3.
        // tau -1: all 4 above → 1. tau 0: 1,1,3 → 3/4. tau 1: only 3 (1 == tau does not count) → 1/4. tau 3: 0.
        let scores = vec![vec![0.0, 1.0], vec![1.0, 3.0]];
        let profile = performance_profile(&scores, &[-1.0, 0.0, 1.0, 3.0], ProfileKind::ScoreDistribution);
        assert_eq!(profile, Some(vec![1.0, 0.75, 0.25, 0.0]));
    }

    #[test]
    fn average_score_distribution_counts_task_means() {
        // Task means (0+1)/2 = 0.5 and (1+3)/2 = 2. tau 0: both → 1. tau 0.5: only 2 → 1/2. tau 2: none → 0.
        let scores = vec![vec![0.0, 1.0], vec![1.0, 3.0]];
        let profile = performance_profile(&scores, &[0.0, 0.5, 2.0], ProfileKind::AverageScoreDistribution);
        assert_eq!(profile, Some(vec![1.0, 0.5, 0.0]));
    }

    #[test]
    fn empty_inputs() {
        assert_eq!(performance_profile(&[], &[0.0], ProfileKind::ScoreDistribution), None);
        assert_eq!(
            performance_profile(&[vec![1.0]], &[], ProfileKind::ScoreDistribution),
            Some(vec![])
        );
    }

    #[test]
    fn bands_hold_the_profile_and_collapse_for_one_run() {
        let mut rng = Pcg64::seed_from_u64(11);
        let settings = BootstrapSettings {
            replicates: 500,
            confidence: 0.95,
        };
        // One run per task (1, 2, 3): every replicate is the original, so each band is the point value:
        // tau 0 → 3/3, tau 1.5 → 2/3, tau 3 → 0.
        let one_run = vec![vec![1.0, 2.0, 3.0]];
        let bands = performance_profile_with_bands(
            &one_run,
            &[0.0, 1.5, 3.0],
            ProfileKind::ScoreDistribution,
            settings,
            &mut rng,
        )
        .unwrap();
        let points: Vec<(f64, f64, f64)> = bands.iter().map(|band| (band.low, band.estimate, band.high)).collect();
        assert_eq!(
            points,
            vec![(1.0, 1.0, 1.0), (2.0 / 3.0, 2.0 / 3.0, 2.0 / 3.0), (0.0, 0.0, 0.0)]
        );
        // Ten runs 0..9 in one task: at tau 4.5 half are above; the band holds 0.5 and stays inside [0, 1].
        let scores: Vec<Vec<f64>> = (0..10).map(|run| vec![run as f64]).collect();
        let bands = performance_profile_with_bands(&scores, &[4.5], ProfileKind::ScoreDistribution, settings, &mut rng)
            .unwrap();
        assert_eq!(bands[0].estimate, 0.5);
        assert!(bands[0].low < 0.5 && bands[0].high > 0.5 && bands[0].low >= 0.0 && bands[0].high <= 1.0);
    }
}
