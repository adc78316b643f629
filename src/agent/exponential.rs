//! The exponential C51's softmaxes use: e^x in plain arithmetic (no library call, no branch), so that a loop of
//! them compiles to vector instructions. A C51 update takes about 300 exponentials per sample, and libm's scalar
//! `expf` was a seventh of a small C51 run's time.

/// e^x to within 2 units in the last place of f32 for x in [−87, 88] (tested against f64's exp); x below −87
/// gives about e^−87 ≈ 1.6e−38 instead of smaller values or 0, and x above 88 gives about e^88.
///
/// The usual reduction: x = n·ln 2 + r with n the nearest integer to x/ln 2, so |r| ≤ ln 2 / 2; e^r by a degree-6
/// polynomial (the classic minimax coefficients of Cephes' `expf`); 2^n put into the exponent bits.
#[inline]
pub fn exp(x: f32) -> f32 {
    // Adding and removing 1.5·2^23 rounds to the nearest integer (ties to even) without a rounding call.
    const ROUNDING: f32 = 12_582_912.0;
    // ln 2 split in two, the first part exact in a few bits, so n·LN_2_HIGH has no rounding error.
    const LN_2_HIGH: f32 = 0.693_359_4;
    const LN_2_LOW: f32 = -2.121_944_4e-4;
    let x = x.clamp(-87.0, 88.0);
    let shifted = x * std::f32::consts::LOG2_E + ROUNDING;
    let n = shifted - ROUNDING;
    let r = x - n * LN_2_HIGH - n * LN_2_LOW;
    let mut polynomial = 1.987_569_1e-4;
    polynomial = polynomial * r + 1.398_199_9e-3;
    polynomial = polynomial * r + 8.333_452e-3;
    polynomial = polynomial * r + 4.166_579_6e-2;
    polynomial = polynomial * r + 1.666_666_5e-1;
    polynomial = polynomial * r + 0.5;
    let e_r = polynomial * r * r + r + 1.0;
    // 2^n: n + 127 in the exponent field; n is within [−126, 127] after the clamp. `shifted` is 1.5·2^23 + n
    // exactly, so n is its bits less those of 1.5·2^23 (integer arithmetic that vectorises, where `n as i32`
    // would be a saturating conversion done one value at a time).
    let exponent = shifted.to_bits().wrapping_sub(ROUNDING.to_bits()).wrapping_add(127);
    let two_to_n = f32::from_bits(exponent << 23);
    e_r * two_to_n
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Units in the last place between `got` and the correctly rounded e^x.
    fn ulps_from_exact(x: f32) -> f64 {
        let exact = (x as f64).exp();
        let got = exp(x) as f64;
        let ulp = (exact as f32).abs().next_up() as f64 - (exact as f32).abs() as f64;
        (got - exact).abs() / ulp
    }

    #[test]
    fn matches_the_exact_exponential_to_two_ulps_over_its_range() {
        let mut worst: f64 = 0.0;
        let steps = 2_000_000;
        for step in 0..=steps {
            let x = -87.0 + 175.0 * step as f32 / steps as f32;
            worst = worst.max(ulps_from_exact(x));
        }
        assert!(worst <= 2.0, "worst error {worst} ulps");
    }

    #[test]
    fn is_exact_where_the_answer_is_a_power_of_two_and_saturates_beyond_its_range() {
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(std::f32::consts::LN_2), 2.0);
        assert!(exp(-1000.0) > 0.0 && exp(-1000.0) < 2e-38);
        assert!(exp(1000.0).is_finite() && exp(1000.0) > 1e38);
        // Softmax inputs are at most 0 after the largest is subtracted: e^(−small) just under 1.
        assert!(exp(-1e-7) < 1.0 && exp(-1e-7) > 0.999_999);
    }
}
