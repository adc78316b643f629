//! Learning curves: one line per variant (the IQM across seeds at each evaluation step) inside a band (its
//! bootstrap confidence interval), one colour per variant.

use plotters::prelude::*;

use super::{colour, draw_labelled_line, draw_legend, draw_line_axes, padded_range, plot_error, svg_figure, PlotError};
use crate::stats::estimate::Estimate;

/// A value along the x axis: its estimate and interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BandPoint {
    pub x: f64,
    pub value: Estimate,
}

/// One variant's curve.
#[derive(Debug, Clone)]
pub struct Band {
    pub name: String,
    pub colour_index: usize,
    pub points: Vec<BandPoint>,
}

/// Lines with shaded interval bands; the shared drawing of learning curves and performance profiles.
pub fn band_chart(
    figure: &'static str,
    bands: &[Band],
    x_label: &str,
    y_label: &str,
    y_range: Option<(f64, f64)>,
) -> Result<String, PlotError> {
    let error = plot_error(figure);
    let points = || bands.iter().flat_map(|band| band.points.iter());
    let (x_low, x_high) = {
        let (low, high) = padded_range(points().map(|point| point.x));
        let data_low = points().map(|point| point.x).fold(f64::INFINITY, f64::min);
        // Curves start at their first x: no margin on the left when that is 0.
        (if data_low == 0.0 { 0.0 } else { low }, high)
    };
    let (y_low, y_high) =
        y_range.unwrap_or_else(|| padded_range(points().flat_map(|point| [point.value.low, point.value.high])));

    svg_figure(figure, (760, 360), 64, (x_low..x_high, y_low..y_high), |chart| {
        draw_line_axes(chart, (x_label, y_label), &|y| compact_number(*y), figure)?;
        for band in bands {
            let line_colour = colour(band.colour_index);
            let outline: Vec<(f64, f64)> = band
                .points
                .iter()
                .map(|point| (point.x, point.value.high))
                .chain(band.points.iter().rev().map(|point| (point.x, point.value.low)))
                .collect();
            chart
                .draw_series([Polygon::new(outline, line_colour.mix(0.18).filled())])
                .map_err(&error)?;
            let estimates = band.points.iter().map(|point| (point.x, point.value.estimate));
            draw_labelled_line(chart, estimates, line_colour, band.name.clone(), figure)?;
        }
        draw_legend(chart, figure)?;
        Ok(())
    })
}

/// Learning curves over env steps.
pub fn learning_curves(bands: &[Band], y_label: &str) -> Result<String, PlotError> {
    band_chart("learning curves", bands, "env steps", y_label, None)
}

/// A tick label without needless digits: 50000 → "50k", 0.25 → "0.25", −120 → "-120".
pub fn compact_number(value: f64) -> String {
    let magnitude = value.abs();
    if magnitude >= 1_000_000.0 {
        format!("{}M", trim_zeros(value / 1_000_000.0))
    } else if magnitude >= 1_000.0 {
        format!("{}k", trim_zeros(value / 1_000.0))
    } else {
        trim_zeros(value)
    }
}

fn trim_zeros(value: f64) -> String {
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_string()
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_labels_are_compact() {
        assert_eq!(compact_number(50_000.0), "50k");
        assert_eq!(compact_number(12_500.0), "12.5k");
        assert_eq!(compact_number(0.25), "0.25");
        assert_eq!(compact_number(-120.0), "-120");
        assert_eq!(compact_number(-0.0001), "0");
        assert_eq!(compact_number(2_000_000.0), "2M");
    }

    #[test]
    fn draws_a_line_and_a_band_per_variant_with_a_legend() {
        let band = |name: &str, colour_index: usize, offset: f64| Band {
            name: name.into(),
            colour_index,
            points: (0..5)
                .map(|step| {
                    let estimate = offset + step as f64 * 10.0;
                    BandPoint {
                        x: step as f64 * 1000.0,
                        value: Estimate {
                            estimate,
                            low: estimate - 5.0,
                            high: estimate + 5.0,
                        },
                    }
                })
                .collect(),
        };
        let svg = learning_curves(&[band("vanilla", 0, 0.0), band("double", 1, 20.0)], "eval return").unwrap();
        assert!(svg.contains("vanilla") && svg.contains("double") && svg.contains("env steps"));
        assert_eq!(svg.matches("<polygon").count(), 2, "one band each");
        assert!(
            svg.contains("#0072B2") || svg.contains("#0072b2"),
            "the first variant is blue"
        );
    }
}
