//! Point aggregates of scores: IQM, mean, median, standard deviation and optimality gap, as rliable defines them.
//!
//! Each statistic comes in two forms. The flat form takes one slice of values (the seeds of one task, say). The
//! `aggregate_*` form takes a score matrix indexed `[run][task]`, the layout rliable uses (`n` runs × `m` tasks,
//! every task with the same number of runs). Every function returns `None` for empty input, and the matrix forms
//! also for a matrix with no tasks or with rows of different lengths, so no caller ever sees a NaN made up by an
//! empty division. Scores themselves are expected to be finite.

/// The shape `(runs, tasks)` of a score matrix `[run][task]`; `None` when it has no runs, no tasks, or rows of
/// different lengths.
pub fn score_matrix_shape(scores: &[Vec<f64>]) -> Option<(usize, usize)> {
    let tasks = scores.first()?.len();
    if tasks == 0 || scores.iter().any(|run| run.len() != tasks) {
        return None;
    }
    Some((scores.len(), tasks))
}

/// All entries of a score matrix `[run][task]` in one list (runs and tasks pooled); `None` for an invalid matrix.
pub fn pooled_scores(scores: &[Vec<f64>]) -> Option<Vec<f64>> {
    score_matrix_shape(scores)?;
    Some(scores.iter().flatten().copied().collect())
}

/// The mean of each task over its runs, for a score matrix `[run][task]`: one value per task.
pub fn task_means(scores: &[Vec<f64>]) -> Option<Vec<f64>> {
    let (runs, tasks) = score_matrix_shape(scores)?;
    let mut sums = vec![0.0; tasks];
    for run in scores {
        for (sum, score) in sums.iter_mut().zip(run) {
            *sum += score;
        }
    }
    Some(sums.into_iter().map(|sum| sum / runs as f64).collect())
}

/// Arithmetic mean of `values` (flat: e.g. the seeds of one task); `None` when empty.
pub fn mean(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    Some(values.iter().sum::<f64>() / values.len() as f64)
}

/// Median of `values` (flat): the middle value, or the average of the two middle values for an even count; `None`
/// when empty. For one task this is the median over seeds, which is not what [`aggregate_median`] computes for a
/// one-task matrix (rliable's median is over task means, so for one task it is that task's mean).
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let middle = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        Some(sorted[middle])
    } else {
        Some((sorted[middle - 1] + sorted[middle]) / 2.0)
    }
}

/// Interquartile mean of `values` (flat), scipy's `trim_mean(values, 0.25)`: sort, cut `k = floor(N/4)` values from
/// each end and average the `N - 2k` that remain. For `N < 4` nothing is cut and the IQM is the mean. `None` when
/// empty.
pub fn iqm(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let cut = sorted.len() / 4;
    mean(&sorted[cut..sorted.len() - cut])
}

/// Sample standard deviation of `values` (flat), with the `n - 1` denominator (numpy's `std(ddof=1)`). A single
/// value has no spread to estimate; it gives `0.0` rather than numpy's NaN. `None` when empty.
pub fn standard_deviation(values: &[f64]) -> Option<f64> {
    let center = mean(values)?;
    if values.len() == 1 {
        return Some(0.0);
    }
    let squares: f64 = values.iter().map(|value| (value - center).powi(2)).sum();
    Some((squares / (values.len() - 1) as f64).sqrt())
}

/// Optimality gap of `values` (flat): `gamma - mean(min(value, gamma))`. Values above `gamma` count as `gamma`;
/// values below 0 are not clipped, so the gap can exceed `gamma`. `None` when empty.
pub fn optimality_gap(values: &[f64], gamma: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let clipped_sum: f64 = values.iter().map(|value| value.min(gamma)).sum();
    Some(gamma - clipped_sum / values.len() as f64)
}

/// rliable's `aggregate_iqm` over a score matrix `[run][task]`: the IQM of all `runs × tasks` entries pooled (not a
/// mean of per-task IQMs), `k = floor(N/4)` cut from each end.
pub fn aggregate_iqm(scores: &[Vec<f64>]) -> Option<f64> {
    iqm(&pooled_scores(scores)?)
}

/// rliable's `aggregate_mean` over a score matrix `[run][task]`: the mean over tasks of each task's mean over runs
/// (equal to the mean of all entries, since every task has the same number of runs).
pub fn aggregate_mean(scores: &[Vec<f64>]) -> Option<f64> {
    mean(&task_means(scores)?)
}

/// rliable's `aggregate_median` over a score matrix `[run][task]`: the median of the per-task means (for one task,
/// that task's mean).
pub fn aggregate_median(scores: &[Vec<f64>]) -> Option<f64> {
    median(&task_means(scores)?)
}

/// rliable's `aggregate_optimality_gap` over a score matrix `[run][task]`: [`optimality_gap`] of all entries pooled.
pub fn aggregate_optimality_gap(scores: &[Vec<f64>], gamma: f64) -> Option<f64> {
    optimality_gap(&pooled_scores(scores)?, gamma)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_close(actual: Option<f64>, expected: f64) {
        let actual = actual.expect("a value");
        assert!((actual - expected).abs() < 1e-12, "{actual} != {expected}");
    }

    #[test]
    fn shape_rejects_empty_and_ragged_matrices() {
        assert_eq!(
            score_matrix_shape(&[vec![1.0, 2.0], vec![3.0, 4.0], vec![5.0, 6.0]]),
            Some((3, 2))
        );
        assert_eq!(score_matrix_shape(&[]), None);
        assert_eq!(score_matrix_shape(&[vec![]]), None);
        assert_eq!(score_matrix_shape(&[vec![1.0, 2.0], vec![3.0]]), None);
    }

    #[test]
    fn iqm_cuts_a_quarter_from_each_end_rounded_down() {
        // N=8, k=2: sorted 1..8, keep 3,4,5,6 → 18/4.
        assert_close(iqm(&[8.0, 1.0, 7.0, 2.0, 6.0, 3.0, 5.0, 4.0]), 4.5);
        // N=5, k=1: sorted 0,1,2,3,100 → keep 1,2,3 → 2 (the outlier is gone).
        assert_close(iqm(&[100.0, 0.0, 3.0, 1.0, 2.0]), 2.0);
        // N=7, k=1: sorted 1,2,3,4,5,6,70 → keep 2..6 → 20/5.
        assert_close(iqm(&[70.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0]), 4.0);
        // N=3, k=0: the plain mean (1+2+6)/3.
        assert_close(iqm(&[1.0, 2.0, 6.0]), 3.0);
        // N=1: the value itself.
        assert_close(iqm(&[-2.5]), -2.5);
        assert_eq!(iqm(&[]), None);
    }

    #[test]
    fn iqm_with_ties_uses_order_statistics() {
        // N=6, k=1: sorted 1,2,2,2,2,9 → keep 2,2,2,2 → 2.
        assert_close(iqm(&[2.0, 9.0, 2.0, 1.0, 2.0, 2.0]), 2.0);
        // All equal: the common value.
        assert_close(iqm(&[0.3; 9]), 0.3);
    }

    #[test]
    fn matrix_iqm_pools_runs_and_tasks() {
        // 4 runs × 2 tasks, N=8, k=2: pooled sorted 0,1,2,3,10,11,12,13 → keep 2,3,10,11 → 26/4.
        let scores = vec![vec![0.0, 10.0], vec![1.0, 11.0], vec![2.0, 12.0], vec![3.0, 13.0]];
        assert_close(aggregate_iqm(&scores), 6.5);
        // 4 runs × 2 tasks: task 0 = 0,0,0,0, task 1 = 1,2,3,4. Pooled sorted 0,0,0,0,1,2,3,4, keep 0,0,1,2 → 0.75;
        // per-task IQMs would average to (0 + 2.5)/2 = 1.25.
        let scores = vec![vec![0.0, 1.0], vec![0.0, 2.0], vec![0.0, 3.0], vec![0.0, 4.0]];
        assert_close(aggregate_iqm(&scores), 0.75);
        assert_eq!(aggregate_iqm(&[]), None);
        assert_eq!(aggregate_iqm(&[vec![1.0], vec![]]), None);
    }

    #[test]
    fn mean_and_median_follow_rliable() {
        // 2 runs × 3 tasks: task means (1+3)/2=2, (2+6)/2=4, (10+20)/2=15. Mean (2+4+15)/3 = 7, median 4.
        let scores = vec![vec![1.0, 2.0, 10.0], vec![3.0, 6.0, 20.0]];
        assert_close(aggregate_mean(&scores), 7.0);
        assert_close(aggregate_median(&scores), 4.0);
        // 1 run × 4 tasks: task means 4,1,3,2 → median of 1,2,3,4 = (2+3)/2.
        assert_close(aggregate_median(&[vec![4.0, 1.0, 3.0, 2.0]]), 2.5);
        // 3 runs × 1 task: rliable's median is the task mean (1+2+9)/3 = 4; the flat median over seeds is 2.
        let one_task = vec![vec![1.0], vec![2.0], vec![9.0]];
        assert_close(aggregate_median(&one_task), 4.0);
        assert_close(median(&[1.0, 2.0, 9.0]), 2.0);
        assert_close(mean(&[1.0, 2.0, 9.0]), 4.0);
        assert_eq!(mean(&[]), None);
        assert_eq!(median(&[]), None);
        assert_eq!(aggregate_mean(&[]), None);
    }

    #[test]
    fn standard_deviation_uses_n_minus_one() {
        // 2,4,4,4,5,5,7,9: mean 5, squared deviations 9+1+1+1+0+0+4+16 = 32, / 7 → sqrt(32/7).
        assert_close(
            standard_deviation(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]),
            (32.0f64 / 7.0).sqrt(),
        );
        // 1,3: mean 2, deviations 1+1 = 2, / 1 → sqrt 2.
        assert_close(standard_deviation(&[1.0, 3.0]), 2.0f64.sqrt());
        // One value: documented 0, not NaN.
        assert_eq!(standard_deviation(&[7.0]), Some(0.0));
        assert_eq!(standard_deviation(&[]), None);
    }

    #[test]
    fn optimality_gap_clips_above_gamma_only() {
        // gamma 1: min(x, 1) = 0.5, 1, -0.5, 1 → mean 0.5 → gap 0.5.
        assert_close(optimality_gap(&[0.5, 1.5, -0.5, 1.0], 1.0), 0.5);
        // All below 0: nothing clipped, gap 1 - (-1) = 2 exceeds 1.
        assert_close(optimality_gap(&[-1.0, -1.0], 1.0), 2.0);
        // gamma 100: min(x,100) = 50, 100 → mean 75 → 25.
        assert_close(aggregate_optimality_gap(&[vec![50.0], vec![150.0]], 100.0), 25.0);
        assert_eq!(optimality_gap(&[], 1.0), None);
    }

    #[test]
    fn task_means_average_each_column() {
        // Columns (1,3) and (2,6): means 2 and 4.
        assert_eq!(task_means(&[vec![1.0, 2.0], vec![3.0, 6.0]]), Some(vec![2.0, 4.0]));
        assert_eq!(
            pooled_scores(&[vec![1.0, 2.0], vec![3.0, 6.0]]),
            Some(vec![1.0, 2.0, 3.0, 6.0])
        );
    }
}
