//! Comparing and rescaling scores: the probability of improvement P(X > Y) and normalisation by random and
//! reference scores.

use super::aggregate::score_matrix_shape;

/// Probability that a run of `x` scores higher than a run of `y` in one task (flat slices of per-run scores, the
/// lengths may differ): the Mann–Whitney `U` of `x` divided by `|x|·|y|`, i.e. the fraction of pairs `(a, b)` with
/// `a > b`, a tie counting half. `P(x, y) + P(y, x) = 1`; identical samples give 0.5. `None` when either is empty.
pub fn probability_of_improvement_in_task(x: &[f64], y: &[f64]) -> Option<f64> {
    if x.is_empty() || y.is_empty() {
        return None;
    }
    // Twice U, so that every count stays an integer: 2 per win, 1 per tie.
    let doubled_wins: usize = x
        .iter()
        .map(|a| {
            y.iter()
                .map(|b| match a.partial_cmp(b) {
                    Some(std::cmp::Ordering::Greater) => 2,
                    Some(std::cmp::Ordering::Equal) => 1,
                    _ => 0,
                })
                .sum::<usize>()
        })
        .sum();
    Some(doubled_wins as f64 / 2.0 / (x.len() * y.len()) as f64)
}

/// rliable's `probability_of_improvement(x, y)` for score matrices `x` `[run][task]` and `y` `[run][task]` (the run
/// counts may differ, the task counts must match): [`probability_of_improvement_in_task`] for each task, averaged
/// over tasks. `None` when either matrix is invalid (empty, ragged) or the task counts differ.
pub fn probability_of_improvement(x: &[Vec<f64>], y: &[Vec<f64>]) -> Option<f64> {
    let (_, tasks) = score_matrix_shape(x)?;
    let (_, y_tasks) = score_matrix_shape(y)?;
    if tasks != y_tasks {
        return None;
    }
    let mut total = 0.0;
    for task in 0..tasks {
        let x_column: Vec<f64> = x.iter().map(|run| run[task]).collect();
        let y_column: Vec<f64> = y.iter().map(|run| run[task]).collect();
        total += probability_of_improvement_in_task(&x_column, &y_column)?;
    }
    Some(total / tasks as f64)
}

/// Rescales `score` so that `random_score` maps to 0 and `reference_score` to 1:
/// `(score - random_score) / (reference_score - random_score)`. A reference below the random score is allowed (the
/// scale then runs the other way). `None` when the two anchors are equal (no scale to measure with).
pub fn normalise(score: f64, random_score: f64, reference_score: f64) -> Option<f64> {
    let span = reference_score - random_score;
    if span == 0.0 || !span.is_finite() {
        return None;
    }
    Some((score - random_score) / span)
}

/// [`normalise`] applied to a score matrix `[run][task]`, with one random and one reference score per task
/// (`random_scores[task]`, `reference_scores[task]`). `None` when the matrix is invalid, the anchor lists do not
/// have one entry per task, or a task's two anchors are equal.
pub fn normalise_scores(scores: &[Vec<f64>], random_scores: &[f64], reference_scores: &[f64]) -> Option<Vec<Vec<f64>>> {
    let (_, tasks) = score_matrix_shape(scores)?;
    if random_scores.len() != tasks || reference_scores.len() != tasks {
        return None;
    }
    scores
        .iter()
        .map(|run| {
            run.iter()
                .zip(random_scores.iter().zip(reference_scores))
                .map(|(score, (random, reference))| normalise(*score, *random, *reference))
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probability_of_improvement_counts_ties_as_half() {
        // x = 1,3 vs y = 2,3: pairs (1,2) loss, (1,3) loss, (3,2) win, (3,3) tie → (1 + 0.5)/4.
        assert_eq!(
            probability_of_improvement_in_task(&[1.0, 3.0], &[2.0, 3.0]),
            Some(0.375)
        );
        // Reverse: (2,1) win, (2,3) loss, (3,1) win, (3,3) tie → 2.5/4; the two add to 1.
        assert_eq!(
            probability_of_improvement_in_task(&[2.0, 3.0], &[1.0, 3.0]),
            Some(0.625)
        );
        // Identical samples (rliable's array_equal shortcut): 2 ties of 4 pairs + 1 win + 1 loss → 2/4.
        assert_eq!(probability_of_improvement_in_task(&[1.0, 2.0], &[1.0, 2.0]), Some(0.5));
        // Different lengths: x = 5 vs y = 1,5,9: win, tie, loss → 1.5/3.
        assert_eq!(probability_of_improvement_in_task(&[5.0], &[1.0, 5.0, 9.0]), Some(0.5));
        assert_eq!(probability_of_improvement_in_task(&[], &[1.0]), None);
    }

    #[test]
    fn probability_of_improvement_averages_over_tasks() {
        // Task 0: x = 1,2 vs y = 0,0 → 4 wins of 4 = 1. Task 1: x = 0,0 vs y = 0,1 → ties (0,0)×2 = 1, losses 2
        // → 1/4. Mean (1 + 0.25)/2. Y has three runs in the second check: task 0 x=1,2 vs y=0,0,3 → wins 4 of 6;
        // task 1 x=0,0 vs y=0,1,0 → ties 4 of 6 → 2/6; mean (4/6 + 2/6)/2 = 0.5.
        let x = vec![vec![1.0, 0.0], vec![2.0, 0.0]];
        assert_eq!(
            probability_of_improvement(&x, &[vec![0.0, 0.0], vec![0.0, 1.0]]),
            Some(0.625)
        );
        let y = vec![vec![0.0, 0.0], vec![0.0, 1.0], vec![3.0, 0.0]];
        let forward = probability_of_improvement(&x, &y).unwrap();
        assert!((forward - 0.5).abs() < 1e-15);
        assert!((forward + probability_of_improvement(&y, &x).unwrap() - 1.0).abs() < 1e-15);
        // Task counts differ.
        assert_eq!(probability_of_improvement(&x, &[vec![1.0]]), None);
    }

    #[test]
    fn normalise_maps_random_to_zero_and_reference_to_one() {
        // CartPole-like: random 20, reference 500: 260 → 240/480.
        assert_eq!(normalise(260.0, 20.0, 500.0), Some(0.5));
        assert_eq!(normalise(20.0, 20.0, 500.0), Some(0.0));
        // Acrobot-like, both negative: random -500, reference -100: -300 → 200/400.
        assert_eq!(normalise(-300.0, -500.0, -100.0), Some(0.5));
        assert_eq!(normalise(1.0, 3.0, 3.0), None);
        // Two tasks with anchors (0, 10) and (-100, 100): 5 → 0.5, 0 → 0.5; 10 → 1, 100 → 1.
        let normalised = normalise_scores(&[vec![5.0, 0.0], vec![10.0, 100.0]], &[0.0, -100.0], &[10.0, 100.0]);
        assert_eq!(normalised, Some(vec![vec![0.5, 0.5], vec![1.0, 1.0]]));
        assert_eq!(normalise_scores(&[vec![5.0, 0.0]], &[0.0], &[10.0]), None);
    }
}
