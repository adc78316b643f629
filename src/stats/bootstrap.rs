//! The stratified bootstrap and its percentile confidence intervals, separate from the statistic they are used on.
//!
//! As in rliable's `StratifiedBootstrap`: a replicate of a score matrix `[run][task]` with `n` runs draws, for every
//! cell `(run, task)`, a run index uniformly from `0..n` and takes that run's score in the same task. So each task is
//! resampled on its own (runs are not kept aligned across tasks) and tasks are never resampled. The statistic is
//! computed on every replicate, and the interval is read from the sorted replicate statistics at the
//! `(1 - confidence)/2` and `(1 + confidence)/2` quantiles with numpy's default linear interpolation (percentile
//! method). The random numbers come from the caller's generator, so a seeded generator gives a reproducible interval
//! (not numpy's, whose generator differs).

use rand::Rng;

use super::aggregate::score_matrix_shape;
use super::estimate::Estimate;

/// How many replicates to draw and how wide an interval to report.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BootstrapSettings {
    /// Number of bootstrap replicates (rliable's `reps`): 50,000 for its interval estimates, 2,000 for profiles.
    pub replicates: usize,
    /// Coverage of the interval, between 0 and 1 (rliable's `confidence_interval_size`), e.g. 0.95.
    pub confidence: f64,
}

impl Default for BootstrapSettings {
    /// rliable's defaults for `get_interval_estimates`: 50,000 replicates, 95% interval.
    fn default() -> Self {
        BootstrapSettings {
            replicates: 50_000,
            confidence: 0.95,
        }
    }
}

/// The `probability` quantile (between 0 and 1) of `sorted` (ascending), numpy's default 'linear' method: position
/// `probability · (len - 1)`, interpolated between the two neighbouring values. `None` when `sorted` is empty or
/// `probability` is outside `[0, 1]`.
pub fn quantile_of_sorted(sorted: &[f64], probability: f64) -> Option<f64> {
    if sorted.is_empty() || !(0.0..=1.0).contains(&probability) {
        return None;
    }
    let position = probability * (sorted.len() - 1) as f64;
    let below = (position.floor() as usize).min(sorted.len() - 1);
    let above = (below + 1).min(sorted.len() - 1);
    let fraction = position - below as f64;
    let (low, high) = (sorted[below], sorted[above]);
    let difference = high - low;
    // numpy interpolates from the nearer end, which keeps the result inside [low, high] when they are equal.
    Some(if fraction >= 0.5 {
        high - difference * (1.0 - fraction)
    } else {
        low + difference * fraction
    })
}

/// Stratified bootstrap interval of a scalar `statistic` of the score matrix `scores` `[run][task]`. The statistic
/// receives each replicate as a matrix of the same shape (e.g. `aggregate_iqm`). `None` when the matrix is invalid,
/// `settings` are out of range (no replicates, confidence outside (0, 1)) or the statistic returns `None` on the
/// scores or on any replicate. With one run per task, or all scores equal, every replicate equals the original and
/// the interval has width zero.
pub fn stratified_bootstrap_interval<R, S>(
    scores: &[Vec<f64>],
    mut statistic: S,
    settings: BootstrapSettings,
    rng: &mut R,
) -> Option<Estimate>
where
    R: Rng + ?Sized,
    S: FnMut(&[Vec<f64>]) -> Option<f64>,
{
    let intervals = stratified_bootstrap_intervals(
        scores,
        |sample| statistic(sample).map(|value| vec![value]),
        settings,
        rng,
    )?;
    intervals.into_iter().next()
}

/// Stratified bootstrap intervals of a vector-valued `statistic` of `scores` `[run][task]` (e.g. a performance
/// profile, one value per threshold): each replicate is drawn once and every component's interval is read from
/// that component's replicate values. `None` as for [`stratified_bootstrap_interval`], or when the statistic's
/// length changes between calls.
pub fn stratified_bootstrap_intervals<R, S>(
    scores: &[Vec<f64>],
    mut statistic: S,
    settings: BootstrapSettings,
    rng: &mut R,
) -> Option<Vec<Estimate>>
where
    R: Rng + ?Sized,
    S: FnMut(&[Vec<f64>]) -> Option<Vec<f64>>,
{
    score_matrix_shape(scores)?;
    let estimates = statistic(scores)?;
    let mut replicate = scores.to_vec();
    percentile_intervals(estimates, settings, || {
        resample_runs_within_tasks(scores, &mut replicate, rng);
        statistic(&replicate)
    })
}

/// Stratified bootstrap interval of a two-sample `statistic(x, y)` of two independent groups of runs, `x` `[run][task]`
/// and `y` `[run][task]` (run counts may differ, task counts must match): each replicate resamples `x` and `y`
/// independently, each within each task. Use it for the probability of improvement
/// (`statistic = probability_of_improvement`) or any comparison; [`difference_interval`] covers differences.
/// `None` when either matrix is invalid, the task counts differ, `settings` are out of range or the statistic
/// returns `None`.
pub fn two_sample_interval<R, S>(
    x: &[Vec<f64>],
    y: &[Vec<f64>],
    mut statistic: S,
    settings: BootstrapSettings,
    rng: &mut R,
) -> Option<Estimate>
where
    R: Rng + ?Sized,
    S: FnMut(&[Vec<f64>], &[Vec<f64>]) -> Option<f64>,
{
    let (_, tasks) = score_matrix_shape(x)?;
    let (_, y_tasks) = score_matrix_shape(y)?;
    if tasks != y_tasks {
        return None;
    }
    let estimate = statistic(x, y)?;
    let (mut x_replicate, mut y_replicate) = (x.to_vec(), y.to_vec());
    let intervals = percentile_intervals(vec![estimate], settings, || {
        resample_runs_within_tasks(x, &mut x_replicate, rng);
        resample_runs_within_tasks(y, &mut y_replicate, rng);
        statistic(&x_replicate, &y_replicate).map(|value| vec![value])
    })?;
    intervals.into_iter().next()
}

/// Stratified bootstrap interval of `statistic(x) - statistic(y)` for two independent groups `x` `[run][task]` and
/// `y` `[run][task]`, e.g. IQM(variant) − IQM(reference) with `statistic = aggregate_iqm`; each group is resampled
/// independently within each task. `None` as for [`two_sample_interval`].
pub fn difference_interval<R, S>(
    x: &[Vec<f64>],
    y: &[Vec<f64>],
    mut statistic: S,
    settings: BootstrapSettings,
    rng: &mut R,
) -> Option<Estimate>
where
    R: Rng + ?Sized,
    S: FnMut(&[Vec<f64>]) -> Option<f64>,
{
    two_sample_interval(
        x,
        y,
        |x_sample, y_sample| Some(statistic(x_sample)? - statistic(y_sample)?),
        settings,
        rng,
    )
}

/// Overwrites `replicate` (same shape as `scores` `[run][task]`) with one stratified resample: every cell draws its
/// own run index, cells in row-major order (run 0's tasks first), as rliable's `np.random.choice(n, (n, m))` does.
fn resample_runs_within_tasks<R: Rng + ?Sized>(scores: &[Vec<f64>], replicate: &mut [Vec<f64>], rng: &mut R) {
    let runs = scores.len();
    for replicate_run in replicate.iter_mut() {
        for (task, cell) in replicate_run.iter_mut().enumerate() {
            *cell = scores[rng.gen_range(0..runs)][task];
        }
    }
}

/// Draws `settings.replicates` values of a vector statistic with `replicate` and turns them into percentile
/// intervals around `estimates`.
fn percentile_intervals<F>(estimates: Vec<f64>, settings: BootstrapSettings, mut replicate: F) -> Option<Vec<Estimate>>
where
    F: FnMut() -> Option<Vec<f64>>,
{
    let confidence_ok = settings.confidence > 0.0 && settings.confidence < 1.0;
    if settings.replicates == 0 || !confidence_ok {
        return None;
    }
    let mut values: Vec<Vec<f64>> = vec![Vec::with_capacity(settings.replicates); estimates.len()];
    for _ in 0..settings.replicates {
        let statistics = replicate()?;
        if statistics.len() != estimates.len() {
            return None;
        }
        for (component, value) in values.iter_mut().zip(statistics) {
            component.push(value);
        }
    }
    let tail = (1.0 - settings.confidence) / 2.0;
    estimates
        .into_iter()
        .zip(values)
        .map(|(estimate, mut component)| {
            component.sort_by(f64::total_cmp);
            Some(Estimate {
                estimate,
                low: quantile_of_sorted(&component, tail)?,
                high: quantile_of_sorted(&component, 1.0 - tail)?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand_distr::{Distribution, StandardNormal};
    use rand_pcg::Pcg64;

    use super::*;
    use crate::stats::aggregate::{aggregate_iqm, aggregate_mean};
    use crate::stats::comparison::probability_of_improvement;

    fn settings(replicates: usize) -> BootstrapSettings {
        BootstrapSettings {
            replicates,
            confidence: 0.95,
        }
    }

    #[test]
    fn quantile_interpolates_linearly_like_numpy() {
        // 0,10,20,30,40: position 0.25·4 = 1 → 10; 0.3·4 = 1.2 → 10 + 0.2·10 = 12; 0.9·4 = 3.6 → 30 + 0.6·10 = 36.
        let sorted = [0.0, 10.0, 20.0, 30.0, 40.0];
        assert_eq!(quantile_of_sorted(&sorted, 0.25), Some(10.0));
        assert!((quantile_of_sorted(&sorted, 0.3).unwrap() - 12.0).abs() < 1e-12);
        assert!((quantile_of_sorted(&sorted, 0.9).unwrap() - 36.0).abs() < 1e-12);
        assert_eq!(quantile_of_sorted(&sorted, 0.0), Some(0.0));
        assert_eq!(quantile_of_sorted(&sorted, 1.0), Some(40.0));
        // rliable's 95% interval over 2 values 1, 3: positions 0.025 → 1.05 and 0.975 → 2.95.
        assert!((quantile_of_sorted(&[1.0, 3.0], 0.025).unwrap() - 1.05).abs() < 1e-12);
        assert!((quantile_of_sorted(&[1.0, 3.0], 0.975).unwrap() - 2.95).abs() < 1e-12);
        // One value: every quantile is that value.
        assert_eq!(quantile_of_sorted(&[7.0], 0.975), Some(7.0));
        assert_eq!(quantile_of_sorted(&[], 0.5), None);
        assert_eq!(quantile_of_sorted(&sorted, 1.5), None);
    }

    #[test]
    fn a_single_run_or_equal_scores_give_zero_width() {
        let mut rng = Pcg64::seed_from_u64(1);
        // One run per task: every replicate is the original matrix, IQM of 1,2,3 (N=3, k=0) = 2.
        let interval = stratified_bootstrap_interval(&[vec![1.0, 2.0, 3.0]], aggregate_iqm, settings(200), &mut rng);
        assert_eq!(
            interval,
            Some(Estimate {
                estimate: 2.0,
                low: 2.0,
                high: 2.0
            })
        );
        // Five runs all scoring 0.7: every replicate is the original matrix, so every replicate's IQM (3 kept,
        // 2.1/3, which rounds to 0.7 minus an ulp or two) equals the point estimate exactly.
        let equal = vec![vec![0.7]; 5];
        let interval = stratified_bootstrap_interval(&equal, aggregate_iqm, settings(200), &mut rng).unwrap();
        assert!((interval.estimate - 0.7).abs() < 1e-15);
        assert_eq!(
            (interval.low, interval.high, interval.width()),
            (interval.estimate, interval.estimate, 0.0)
        );
    }

    #[test]
    fn invalid_input_gives_none() {
        let mut rng = Pcg64::seed_from_u64(2);
        assert_eq!(
            stratified_bootstrap_interval(&[], aggregate_iqm, settings(10), &mut rng),
            None
        );
        assert_eq!(
            stratified_bootstrap_interval(&[vec![1.0]], aggregate_iqm, settings(0), &mut rng),
            None
        );
        let no_confidence = BootstrapSettings {
            replicates: 10,
            confidence: 1.0,
        };
        assert_eq!(
            stratified_bootstrap_interval(&[vec![1.0]], aggregate_iqm, no_confidence, &mut rng),
            None
        );
        let two_tasks = vec![vec![1.0, 2.0]];
        assert_eq!(
            difference_interval(&two_tasks, &[vec![1.0]], aggregate_iqm, settings(10), &mut rng),
            None
        );
    }

    #[test]
    fn the_same_seed_gives_the_same_interval() {
        let scores = vec![vec![0.1, 5.0], vec![0.4, 6.0], vec![0.2, 4.0], vec![0.9, 5.5]];
        let first = stratified_bootstrap_interval(&scores, aggregate_iqm, settings(500), &mut Pcg64::seed_from_u64(7));
        let again = stratified_bootstrap_interval(&scores, aggregate_iqm, settings(500), &mut Pcg64::seed_from_u64(7));
        assert_eq!(first, again);
    }

    #[test]
    fn resampling_keeps_each_task_in_its_column() {
        // Task 0 scores are 0..4, task 1 scores 100..104: every replicate value must come from its own column.
        let scores: Vec<Vec<f64>> = (0..5).map(|run| vec![run as f64, 100.0 + run as f64]).collect();
        let mut replicate = scores.clone();
        let mut rng = Pcg64::seed_from_u64(3);
        let mut seen_misaligned = false;
        for _ in 0..50 {
            resample_runs_within_tasks(&scores, &mut replicate, &mut rng);
            for run in &replicate {
                assert!((0.0..5.0).contains(&run[0]) && (100.0..105.0).contains(&run[1]));
                seen_misaligned |= run[1] - run[0] != 100.0;
            }
        }
        // Runs are drawn per cell, not per row, so some rows pair scores of different runs.
        assert!(seen_misaligned);
    }

    #[test]
    fn the_interval_of_a_mean_brackets_the_estimate() {
        // One task, runs 0,1,...,9: mean 4.5, standard error sqrt(8.25/10) ≈ 0.91, so a 95% interval is roughly
        // 4.5 ± 1.8; check it holds the estimate and is neither degenerate nor wider than the data.
        let scores: Vec<Vec<f64>> = (0..10).map(|run| vec![run as f64]).collect();
        let interval =
            stratified_bootstrap_interval(&scores, aggregate_mean, settings(4000), &mut Pcg64::seed_from_u64(4))
                .unwrap();
        assert_eq!(interval.estimate, 4.5);
        assert!(interval.low > 2.0 && interval.low < 3.5, "{interval:?}");
        assert!(interval.high > 5.5 && interval.high < 7.0, "{interval:?}");
    }

    #[test]
    fn difference_and_probability_of_improvement_intervals() {
        let mut rng = Pcg64::seed_from_u64(5);
        // Every x run beats every y run by a wide margin: each replicate's IQM difference is between 10-1 and
        // 12-0 and P(X > Y) is 1 in every replicate.
        let x = vec![vec![10.0], vec![11.0], vec![12.0], vec![10.5]];
        let y = vec![vec![0.0], vec![1.0], vec![0.5]];
        let difference = difference_interval(&x, &y, aggregate_iqm, settings(1000), &mut rng).unwrap();
        // IQM(x): N=4, k=1, keep 10.5, 11 → 10.75; IQM(y): N=3, k=0 → 0.5; difference 10.25.
        assert_eq!(difference.estimate, 10.25);
        assert!(difference.low >= 9.0 && difference.high <= 12.0 && difference.excludes(0.0));
        let improvement = two_sample_interval(&x, &y, probability_of_improvement, settings(1000), &mut rng).unwrap();
        assert_eq!(
            improvement,
            Estimate {
                estimate: 1.0,
                low: 1.0,
                high: 1.0
            }
        );
        // A group against itself: difference 0 and the interval straddles 0.
        let same = difference_interval(&x, &x, aggregate_iqm, settings(1000), &mut rng).unwrap();
        assert_eq!(same.estimate, 0.0);
        assert!(!same.excludes(0.0) && same.width() > 0.0);
    }

    #[test]
    fn vector_statistics_get_one_interval_per_component() {
        // Statistic (mean, 2·mean): the second interval is exactly twice the first, as both come from the same
        // replicates (doubling is exact in floating point).
        let scores: Vec<Vec<f64>> = (0..6).map(|run| vec![(run * run) as f64]).collect();
        let statistic = |sample: &[Vec<f64>]| {
            let value = aggregate_mean(sample)?;
            Some(vec![value, 2.0 * value])
        };
        let intervals =
            stratified_bootstrap_intervals(&scores, statistic, settings(300), &mut Pcg64::seed_from_u64(6)).unwrap();
        assert_eq!(intervals.len(), 2);
        assert_eq!(intervals[1].low, 2.0 * intervals[0].low);
        assert_eq!(intervals[1].high, 2.0 * intervals[0].high);
    }

    /// The 95% interval of the IQM should cover the true IQM in about 95% of repeated experiments (percentile
    /// intervals undercover a little with few runs). Data: 10 runs × 5 tasks, task `t` normal with mean
    /// `(t - 2)/2` and unit variance; the pooled mixture is symmetric about 0, so its 25% trimmed mean is 0.
    #[test]
    fn iqm_interval_covers_the_true_iqm_about_95_percent_of_the_time() {
        let mut rng = Pcg64::seed_from_u64(2024);
        let (trials, runs, tasks) = (200, 10, 5);
        let mut covered = 0;
        for _ in 0..trials {
            let scores: Vec<Vec<f64>> = (0..runs)
                .map(|_| {
                    (0..tasks)
                        .map(|task| (task as f64 - 2.0) / 2.0 + Distribution::<f64>::sample(&StandardNormal, &mut rng))
                        .collect()
                })
                .collect();
            let interval = stratified_bootstrap_interval(&scores, aggregate_iqm, settings(1000), &mut rng).unwrap();
            covered += usize::from(!interval.excludes(0.0));
        }
        let coverage = covered as f64 / trials as f64;
        assert!((0.88..=0.99).contains(&coverage), "coverage {coverage}");
    }
}
