//! The smallest difference a comparison could detect: the minimum detectable effect read off the width of its
//! confidence interval, so that "no detectable difference" comes with how large a difference would have shown.

/// The power at which a difference counts as detectable: found 4 times in 5.
pub const POWER: f64 = 0.8;

/// The smallest true difference that a comparison whose `confidence` interval runs from `low` to `high` would
/// find (its interval excluding zero) with probability [`POWER`], under the normal approximation:
/// `(z_{(1+confidence)/2} + z_POWER) · SE`, with the standard error read off the interval as
/// `(high − low) / (2 · z_{(1+confidence)/2})`. At 95% confidence that is about 0.71 times the interval's width.
/// `None` for a confidence outside (0, 1) or an interval that is not one.
pub fn minimum_detectable_difference(low: f64, high: f64, confidence: f64) -> Option<f64> {
    let valid = confidence > 0.0 && confidence < 1.0 && high >= low && (high - low).is_finite();
    if !valid {
        return None;
    }
    let z = normal_quantile((1.0 + confidence) / 2.0)?;
    let standard_error = (high - low) / (2.0 * z);
    Some((z + normal_quantile(POWER)?) * standard_error)
}

/// About how many seeds per side a comparison of `seeds` seeds that could detect `detectable` would need to detect a
/// true difference as large as `observed`: the standard error shrinks as 1/√n, so n·(detectable / |observed|)²,
/// rounded up (at least `seeds`). `None` for an observed difference of 0 (no number of seeds detects nothing) or
/// numbers that are not finite.
pub fn seeds_to_detect(seeds: usize, detectable: f64, observed: f64) -> Option<usize> {
    if !(detectable.is_finite() && observed.is_finite()) || observed == 0.0 {
        return None;
    }
    let needed = seeds as f64 * (detectable / observed).powi(2);
    Some((needed.ceil() as usize).max(seeds))
}

/// The standard normal distribution's quantile function Φ⁻¹(p), by Acklam's rational approximation (relative error
/// below 1.2e-9); `None` outside (0, 1).
pub fn normal_quantile(probability: f64) -> Option<f64> {
    const A: [f64; 6] = [
        -3.969683028665376e1,
        2.209460984245205e2,
        -2.759285104469687e2,
        1.38357751867269e2,
        -3.066479806614716e1,
        2.506628277459239,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e1,
        1.615858368580409e2,
        -1.556989798598866e2,
        6.680131188771972e1,
        -1.328068155288572e1,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-3,
        -3.223964580411365e-1,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    ];
    const D: [f64; 4] = [
        7.784695709041462e-3,
        3.224671290700398e-1,
        2.445134137142996,
        3.754408661907416,
    ];
    const LOW: f64 = 0.02425;
    if !(probability > 0.0 && probability < 1.0) {
        return None;
    }
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    Some(if probability < LOW {
        tail((-2.0 * probability.ln()).sqrt())
    } else if probability > 1.0 - LOW {
        -tail((-2.0 * (1.0 - probability).ln()).sqrt())
    } else {
        let q = probability - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_quantiles_match_the_tables() {
        // scipy.stats.norm.ppf at these points, to 15 digits.
        for (probability, expected) in [
            (0.5, 0.0),
            (0.8, 0.841621233572914),
            (0.975, 1.959963984540054),
            (0.01, -2.326347874040841),
            (0.999, 3.090232306167813),
            (1e-6, -4.753424308822899),
        ] {
            let value = normal_quantile(probability).unwrap();
            assert!(
                (value - expected).abs() < 1e-8 * expected.abs().max(1.0),
                "Φ⁻¹({probability}) = {value}"
            );
        }
        assert_eq!(normal_quantile(0.0), None);
        assert_eq!(normal_quantile(1.0), None);
    }

    #[test]
    fn seeds_to_detect_scale_with_the_square_of_the_ratio() {
        // 10 seeds detect 30; a difference of 15 needs 10 · (30/15)² = 40; a difference of 60 is already within reach.
        assert_eq!(seeds_to_detect(10, 30.0, 15.0), Some(40));
        assert_eq!(seeds_to_detect(10, 30.0, -15.0), Some(40));
        assert_eq!(seeds_to_detect(10, 30.0, 60.0), Some(10));
        // 10 · (28/9)² = 96.79… → 97.
        assert_eq!(seeds_to_detect(10, 28.0, 9.0), Some(97));
        assert_eq!(seeds_to_detect(10, 30.0, 0.0), None);
    }

    #[test]
    fn the_detectable_difference_is_2_8_standard_errors() {
        // A 95% interval of width 2 · 1.96 · SE with SE = 10: (1.95996 + 0.84162) · 10 = 28.016.
        let half_width = 1.959963984540054 * 10.0;
        let detectable = minimum_detectable_difference(-half_width, half_width, 0.95).unwrap();
        assert!((detectable - 28.01585218).abs() < 1e-6, "{detectable}");
        // Only the width matters, not where the interval lies.
        let shifted = minimum_detectable_difference(100.0 - half_width, 100.0 + half_width, 0.95).unwrap();
        assert!((shifted - detectable).abs() < 1e-9);
        assert_eq!(minimum_detectable_difference(1.0, 0.0, 0.95), None);
        assert_eq!(minimum_detectable_difference(0.0, 1.0, 1.0), None);
    }
}
