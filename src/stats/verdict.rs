//! The one decision rule on the interval of a difference, criterion's: no verdict without significance, and a
//! significant change inside the noise band is only "within noise". The report's findings use it with a band of
//! zero, the regression check with its `--noise`; each words the verdict its own way.

use super::estimate::Estimate;

/// What an interval of a difference (new − old, variant − reference) allows one to say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The interval lies entirely below −band.
    Lower,
    /// Entirely above +band.
    Higher,
    /// It excludes zero but reaches into the band.
    WithinNoise,
    /// It includes zero.
    NoDetectableDifference,
}

/// The verdict on `difference` with a noise band of half-width `band` (≥ 0). The band's edge counts as inside it.
pub fn decide(difference: Estimate, band: f64) -> Verdict {
    if difference.high < -band {
        Verdict::Lower
    } else if difference.low > band {
        Verdict::Higher
    } else if difference.low > 0.0 || difference.high < 0.0 {
        Verdict::WithinNoise
    } else {
        Verdict::NoDetectableDifference
    }
}

/// [`decide`] for a comparison of `seeds` runs against `reference_seeds`: with a single run on either side the
/// bootstrap interval has no width (there is no spread to resample) and would decide any difference, so it decides
/// nothing.
pub fn decide_with_seeds(difference: Estimate, band: f64, seeds: usize, reference_seeds: usize) -> Verdict {
    if seeds < 2 || reference_seeds < 2 {
        return Verdict::NoDetectableDifference;
    }
    decide(difference, band)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_run_on_a_side_decides_nothing() {
        // The interval of one run against one run is a point: [−80, −80] lies far outside any band.
        let point = interval(-80.0, -80.0);
        assert_eq!(decide(point, 0.05), Verdict::Lower);
        assert_eq!(decide_with_seeds(point, 0.05, 1, 10), Verdict::NoDetectableDifference);
        assert_eq!(decide_with_seeds(point, 0.05, 10, 1), Verdict::NoDetectableDifference);
        assert_eq!(decide_with_seeds(point, 0.05, 2, 2), Verdict::Lower);
    }

    fn interval(low: f64, high: f64) -> Estimate {
        Estimate {
            estimate: (low + high) / 2.0,
            low,
            high,
        }
    }

    #[test]
    fn verdicts_follow_criterions_rule() {
        assert_eq!(decide(interval(-0.3, -0.1), 0.05), Verdict::Lower);
        assert_eq!(decide(interval(0.1, 0.3), 0.05), Verdict::Higher);
        assert_eq!(
            decide(interval(-0.1, -0.01), 0.05),
            Verdict::WithinNoise,
            "significant, reaching into the band"
        );
        assert_eq!(decide(interval(0.01, 0.2), 0.05), Verdict::WithinNoise);
        assert_eq!(decide(interval(-0.2, 0.2), 0.05), Verdict::NoDetectableDifference);
        assert_eq!(
            decide(interval(-0.05, -0.05), 0.05),
            Verdict::WithinNoise,
            "the band's edge is inside the band"
        );
    }

    #[test]
    fn with_no_band_only_the_sign_of_the_interval_counts() {
        assert_eq!(decide(interval(0.5, 2.0), 0.0), Verdict::Higher);
        assert_eq!(decide(interval(-2.0, -0.5), 0.0), Verdict::Lower);
        assert_eq!(
            decide(interval(0.0, 2.0), 0.0),
            Verdict::NoDetectableDifference,
            "an interval touching 0 includes it"
        );
        assert_eq!(decide(interval(-2.0, 0.0), 0.0), Verdict::NoDetectableDifference);
    }
}
