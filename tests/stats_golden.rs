//! Golden tests: knowhow's statistics against values computed by rliable 1.2.0 (numpy 2.4.6, scipy 1.17.1).
//!
//! The values live in `$GOLDEN_DIR/stats/shared.json` (the folder rule of `tests/support`); when that file
//! is absent the copy in `tests/golden/stats/shared.json` is used. The README beside it gives the definitions and
//! `make_stats_golden.py` how the values were made. Point statistics must match to 1e-12 (numpy sums in a different
//! order). Bootstrap intervals cannot match exactly, as knowhow's random numbers are not numpy's: each endpoint must
//! lie within the range rliable gave over 20 seeds, widened on each side by max(range, 4·std) (plus 1e-12 for
//! rounding).

use std::path::{Path, PathBuf};

use knowhow::stats::aggregate::{aggregate_iqm, aggregate_mean, aggregate_median, aggregate_optimality_gap};
use knowhow::stats::bootstrap::{stratified_bootstrap_interval, BootstrapSettings};
use knowhow::stats::comparison::probability_of_improvement;
use knowhow::stats::profile::{performance_profile, ProfileKind};
use rand::SeedableRng;
use rand_pcg::Pcg64;
use serde_json::Value;

mod support;
use support::golden_dir;

/// Largest allowed difference between a point statistic and rliable's value.
const TOLERANCE: f64 = 1e-12;

/// `$GOLDEN_DIR/stats/shared.json`, or the repository's copy when that is absent.
fn golden_file() -> PathBuf {
    let shared = golden_dir().join("stats/shared.json");
    if shared.is_file() {
        shared
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/stats/shared.json")
    }
}

fn cases() -> Vec<Value> {
    let path = golden_file();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    let golden: Value = serde_json::from_str(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    let cases = golden["cases"].as_array().expect("a `cases` list").clone();
    assert!(!cases.is_empty(), "no cases in {}", path.display());
    cases
}

fn number(value: &Value) -> f64 {
    value.as_f64().unwrap_or_else(|| panic!("not a number: {value}"))
}

fn numbers(value: &Value) -> Vec<f64> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {value}"))
        .iter()
        .map(number)
        .collect()
}

/// A `[run][task]` matrix of numbers.
fn matrix(value: &Value) -> Vec<Vec<f64>> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not a matrix: {value}"))
        .iter()
        .map(numbers)
        .collect()
}

fn name(case: &Value) -> &str {
    case["name"].as_str().expect("a case name")
}

fn assert_close(what: &str, case: &Value, actual: Option<f64>, expected: &Value) {
    let expected = number(expected);
    let actual = actual.unwrap_or_else(|| panic!("{}: {what} is None", name(case)));
    assert!(
        (actual - expected).abs() <= TOLERANCE,
        "{}: {what} {actual} != rliable {expected} (difference {:e})",
        name(case),
        actual - expected
    );
}

#[test]
fn aggregates_match_rliable() {
    for case in cases() {
        let scores = matrix(&case["scores"]);
        let runs = case["n_runs"].as_u64().unwrap() as usize;
        let tasks = case["n_tasks"].as_u64().unwrap() as usize;
        assert_eq!((scores.len(), scores[0].len()), (runs, tasks), "{}: shape", name(&case));
        assert_eq!(
            runs * tasks / 4,
            case["iqm_trim_count_each_side"].as_u64().unwrap() as usize
        );
        assert_close("IQM", &case, aggregate_iqm(&scores), &case["iqm"]);
        assert_close("mean", &case, aggregate_mean(&scores), &case["mean"]);
        assert_close("median", &case, aggregate_median(&scores), &case["median"]);
        let gamma = number(&case["optimality_gap_gamma"]);
        assert_close(
            "optimality gap",
            &case,
            aggregate_optimality_gap(&scores, gamma),
            &case["optimality_gap"],
        );
    }
}

#[test]
fn probability_of_improvement_matches_rliable() {
    for case in cases() {
        let x = matrix(&case["scores"]);
        let improvement = &case["probability_of_improvement"];
        let y = matrix(&improvement["y"]);
        assert_close(
            "P(X > Y)",
            &case,
            probability_of_improvement(&x, &y),
            &improvement["x_over_y"],
        );
        assert_close(
            "P(Y > X)",
            &case,
            probability_of_improvement(&y, &x),
            &improvement["y_over_x"],
        );
    }
}

#[test]
fn performance_profiles_match_rliable() {
    for case in cases() {
        let scores = matrix(&case["scores"]);
        let profile = &case["performance_profile"];
        let taus = numbers(&profile["taus"]);
        let expected = numbers(&profile["values"]);
        // One tau equals a score, so counting `>=` instead of `>` would fail here.
        assert!(taus.contains(&number(&profile["tau_equal_to_a_score"])));
        let actual = performance_profile(&scores, &taus, ProfileKind::ScoreDistribution).unwrap();
        assert_eq!(actual.len(), expected.len(), "{}", name(&case));
        for ((tau, actual), expected) in taus.iter().zip(&actual).zip(&expected) {
            assert!(
                (actual - expected).abs() <= TOLERANCE,
                "{}: profile at tau {tau}: {actual} != {expected}",
                name(&case)
            );
        }
    }
}

/// rliable's first two bootstrap replicates for its fixed seed: resampling `R[i][j] = X[idx[i][j]][j]` with the
/// recorded indices gives the recorded replicate IQM (checks the `[run][task]` reading of the resample).
#[test]
fn recorded_bootstrap_replicates_give_the_recorded_iqm() {
    for case in cases() {
        let scores = matrix(&case["scores"]);
        for replicate in case["iqm_ci"]["first_bootstrap_replicates_for_seed"]
            .as_array()
            .unwrap()
        {
            let resampled: Vec<Vec<f64>> = replicate["indices"]
                .as_array()
                .unwrap()
                .iter()
                .map(|row| {
                    numbers(row)
                        .iter()
                        .enumerate()
                        .map(|(task, &run)| scores[run as usize][task])
                        .collect()
                })
                .collect();
            assert_close("replicate IQM", &case, aggregate_iqm(&resampled), &replicate["iqm"]);
        }
    }
}

#[test]
fn bootstrap_iqm_interval_lies_within_rliable_seed_spread() {
    for (index, case) in cases().iter().enumerate() {
        let scores = matrix(&case["scores"]);
        let interval_data = &case["iqm_ci"];
        let spread = &interval_data["seed_spread"];
        let settings = BootstrapSettings {
            replicates: interval_data["reps"].as_u64().unwrap() as usize,
            confidence: number(&interval_data["confidence_interval_size"]),
        };
        let mut rng = Pcg64::seed_from_u64(12345 + index as u64);
        let interval = stratified_bootstrap_interval(&scores, aggregate_iqm, settings, &mut rng).unwrap();
        assert_close("IQM estimate", case, Some(interval.estimate), &case["iqm"]);
        for (endpoint, actual) in [("lower", interval.low), ("upper", interval.high)] {
            let minimum = number(&spread[format!("{endpoint}_min")]);
            let maximum = number(&spread[format!("{endpoint}_max")]);
            let std = number(&spread[format!("{endpoint}_std")]);
            let widen = (maximum - minimum).max(4.0 * std) + TOLERANCE;
            assert!(
                actual >= minimum - widen && actual <= maximum + widen,
                "{}: {endpoint} endpoint {actual} outside rliable's {minimum}..{maximum} widened by {widen:e}",
                name(case)
            );
        }
    }
}
