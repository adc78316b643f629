//! Many comparisons on one page: how many "better/worse" findings chance alone would give, and Holm's step-down
//! correction, with each comparison's p-value read off its confidence interval (the normal approximation, the same
//! one `detectable` uses).

use crate::stats::detectable::normal_quantile;

/// The two-sided p-value of "no difference" for an estimate whose `confidence` interval runs from `low` to `high`,
/// under the normal approximation: the standard error is the interval's width over 2·z_{(1+confidence)/2}, and
/// p = 2·(1 − Φ(|estimate| / SE)). `None` for an interval that is not one; 1 for an estimate of 0.
pub fn p_value_from_interval(estimate: f64, low: f64, high: f64, confidence: f64) -> Option<f64> {
    let valid = confidence > 0.0 && confidence < 1.0 && high >= low && (high - low).is_finite();
    if !valid || !estimate.is_finite() {
        return None;
    }
    if estimate == 0.0 {
        return Some(1.0);
    }
    if high == low {
        return Some(0.0);
    }
    let standard_error = (high - low) / (2.0 * normal_quantile((1.0 + confidence) / 2.0)?);
    Some(2.0 * normal_upper_tail(estimate.abs() / standard_error))
}

/// Which of `p_values` Holm's step-down procedure rejects at family-wise error `alpha`: sorted ascending, the k-th
/// smallest (k from 0) is rejected while p ≤ alpha / (m − k); the first that is not stops it. In the input's order.
pub fn holm_rejections(p_values: &[f64], alpha: f64) -> Vec<bool> {
    let count = p_values.len();
    let mut order: Vec<usize> = (0..count).collect();
    order.sort_by(|a, b| p_values[*a].total_cmp(&p_values[*b]));
    let mut rejected = vec![false; count];
    for (rank, index) in order.into_iter().enumerate() {
        if p_values[index] > alpha / (count - rank) as f64 {
            break;
        }
        rejected[index] = true;
    }
    rejected
}

/// 1 − Φ(x) for x ≥ 0: the complementary error function of Numerical Recipes' `erfcc` (Chebyshev fit, fractional
/// error below 1.2e-7 everywhere), Φ(x) = 1 − erfc(x/√2)/2.
fn normal_upper_tail(x: f64) -> f64 {
    let z = x / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.5 * z);
    let polynomial = -z * z - 1.26551223
        + t * (1.00002368
            + t * (0.37409196
                + t * (0.09678418
                    + t * (-0.18628806
                        + t * (0.27886807
                            + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
    0.5 * t * polynomial.exp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upper_tails_match_the_tables() {
        // scipy.stats.norm.sf at these points.
        for (x, expected) in [
            (0.0, 0.5),
            (1.0, 0.15865525393145707),
            (1.959963984540054, 0.025),
            (3.0, 0.0013498980316301035),
            (5.0, 2.866515718791939e-7),
        ] {
            let value = normal_upper_tail(x);
            assert!(
                (value / expected - 1.0).abs() < 2e-7,
                "1 − Φ({x}) = {value}, want {expected}"
            );
        }
    }

    #[test]
    fn a_95_interval_that_just_touches_zero_has_p_0_05() {
        // Estimate 1.96 with SE 1: the 95% interval is [0, 3.92] and p = 0.05.
        let half = 1.959963984540054;
        let p = p_value_from_interval(half, 0.0, 2.0 * half, 0.95).unwrap();
        assert!((p - 0.05).abs() < 1e-7, "{p}");
        // Estimate 3 SE: p = 2 · 0.0013499 = 0.0026998.
        let p = p_value_from_interval(-3.0, -3.0 - half, -3.0 + half, 0.95).unwrap();
        assert!((p - 0.002699796063).abs() < 1e-8, "{p}");
        assert_eq!(p_value_from_interval(0.0, -1.0, 1.0, 0.95), Some(1.0));
        assert_eq!(p_value_from_interval(1.0, 2.0, 1.0, 0.95), None);
    }

    #[test]
    fn holm_steps_down_until_the_first_p_above_its_threshold() {
        // m = 4, α = 0.05: thresholds 0.0125, 0.01667, 0.025, 0.05 for the sorted p-values 0.01, 0.015, 0.03, 0.04.
        // 0.01 ≤ 0.0125 and 0.015 ≤ 0.01667 are rejected; 0.03 > 0.025 stops it, so 0.04 is kept though < 0.05.
        let rejected = holm_rejections(&[0.04, 0.01, 0.03, 0.015], 0.05);
        assert_eq!(rejected, [false, true, false, true]);
        assert_eq!(holm_rejections(&[], 0.05), Vec::<bool>::new());
        assert_eq!(holm_rejections(&[0.2, 0.5], 0.05), [false, false]);
    }
}
