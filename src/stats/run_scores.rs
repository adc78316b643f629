//! Per-run scores: the final score and the area under the curve, computed from a run's evaluation curve or, for the
//! measure other frameworks log, from its training episodes.

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

/// How many points a training-episode curve has: the run cut into this many equal windows.
pub const TRAINING_CURVE_POINTS: usize = 20;

/// The final score on training episodes of a run of `steps` env steps: the mean return of the episodes that ended in
/// its last tenth (at a step ≥ `steps − steps / 10`, steps counted from 1); if none did, the return of the last
/// episode that ended. `episodes` are (step at which it ended, return), in order. `None` without episodes.
pub fn final_training_score(episodes: &[(usize, f64)], steps: usize) -> Option<f64> {
    let from = steps - steps / 10;
    let tail: Vec<f64> = episodes
        .iter()
        .filter(|(step, _)| *step >= from)
        .map(|(_, episode_return)| *episode_return)
        .collect();
    if tail.is_empty() {
        return episodes.last().map(|(_, episode_return)| *episode_return);
    }
    Some(tail.iter().sum::<f64>() / tail.len() as f64)
}

/// The learning curve of a run of `steps` env steps on its training episodes: at the end of each of
/// [`TRAINING_CURVE_POINTS`] equal windows, the mean return of the episodes that ended in that window, or if none
/// did, the return of the last one that ended before; no point before the first episode ends.
pub fn training_curve(episodes: &[(usize, f64)], steps: usize) -> Vec<(usize, f64)> {
    let mut points = Vec::new();
    let (mut window_start, mut next, mut latest) = (0, 0, None);
    for window in 1..=TRAINING_CURVE_POINTS {
        let window_end = steps * window / TRAINING_CURVE_POINTS;
        let (mut sum, mut count) = (0.0, 0);
        while next < episodes.len() && episodes[next].0 <= window_end {
            if episodes[next].0 > window_start {
                sum += episodes[next].1;
                count += 1;
            }
            latest = Some(episodes[next].1);
            next += 1;
        }
        let value = if count > 0 { Some(sum / count as f64) } else { latest };
        if let Some(value) = value {
            points.push((window_end, value));
        }
        window_start = window_end;
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_final_training_score_averages_the_episodes_of_the_last_tenth() {
        // A 1,000-step run: the last tenth starts at step 900.
        let episodes = [(300, 10.0), (899, 20.0), (900, 30.0), (950, 50.0), (1000, 70.0)];
        assert_eq!(final_training_score(&episodes, 1000), Some(50.0));
        // No episode ends in the last tenth: the last one that ended.
        assert_eq!(final_training_score(&episodes[..2], 1000), Some(20.0));
        assert_eq!(final_training_score(&[], 1000), None);
    }

    #[test]
    fn the_training_curve_averages_each_window_and_carries_the_last_return_over_empty_ones() {
        // 2,000 steps in 20 windows of 100: episodes end at 150 and 180 (window 2), 450 (window 5), 2000 (window 20).
        let episodes = [(150, 10.0), (180, 20.0), (450, 40.0), (2000, 80.0)];
        let curve = training_curve(&episodes, 2000);
        assert_eq!(
            curve.len(),
            19,
            "no point for the first window, before any episode ends"
        );
        assert_eq!(curve[0], (200, 15.0));
        assert_eq!(curve[1], (300, 20.0));
        assert_eq!(curve[3], (500, 40.0));
        assert_eq!(curve[17], (1900, 40.0));
        assert_eq!(curve[18], (2000, 80.0));
    }

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
