//! Per-run scores computed from a run's evaluation curve: the final score and the area under the curve.

/// Mean of the last `count` evaluation returns (all of them if there are fewer); `None` for an empty curve.
pub fn final_score(eval_returns: &[f64], count: usize) -> Option<f64> {
    if eval_returns.is_empty() || count == 0 {
        return None;
    }
    let tail = &eval_returns[eval_returns.len().saturating_sub(count)..];
    Some(tail.iter().sum::<f64>() / tail.len() as f64)
}

/// Area under the evaluation curve by the trapezoid rule over `(step, mean return)` points, divided by the span of
/// steps it covers, so it reads as "the average eval return over training" in the env's own units.
/// `None` when fewer than two points or a zero span.
pub fn area_under_curve(points: &[(usize, f64)]) -> Option<f64> {
    let (first, last) = (points.first()?, points.last()?);
    let span = last.0.checked_sub(first.0)? as f64;
    if span <= 0.0 {
        return None;
    }
    let area: f64 = points
        .windows(2)
        .map(|pair| (pair[1].0 - pair[0].0) as f64 * (pair[0].1 + pair[1].1) / 2.0)
        .sum();
    Some(area / span)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn final_score_averages_the_last_evaluations() {
        assert_eq!(final_score(&[10.0, 20.0, 30.0, 50.0], 3), Some(100.0 / 3.0));
        assert_eq!(final_score(&[10.0, 20.0], 3), Some(15.0));
        assert_eq!(final_score(&[], 3), None);
    }

    #[test]
    fn area_under_curve_is_the_trapezoid_mean() {
        // 0 → 100 over the first 1000 steps (area 50,000), then flat 100 for 1000 steps (100,000): 150,000 / 2000.
        let points = [(0, 0.0), (1000, 100.0), (2000, 100.0)];
        assert_eq!(area_under_curve(&points), Some(75.0));
        // Uneven spacing: (0,10) (500,10) (2000,40): 500·10 + 1500·25 = 42,500 over 2000.
        assert_eq!(area_under_curve(&[(0, 10.0), (500, 10.0), (2000, 40.0)]), Some(21.25));
        assert_eq!(area_under_curve(&[(0, 10.0)]), None);
    }
}
