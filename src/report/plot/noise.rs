//! How loud noisy nets' noise is over training: per noisy variant, Σ|σ| / Σ|μ| of its noisy layers (train.csv's
//! `noise_to_signal`, averaged over the layers and then over seeds), so a reader sees whether the noise anneals or
//! grows.

use super::curves::compact_number;
use super::{colour, draw_labelled_line, draw_legend, house_style, padded_range, plot_error, svg_figure, PlotError};

/// One variant's curve over env steps: (step, mean across seeds).
#[derive(Debug, Clone)]
pub struct NoiseCurve {
    pub name: String,
    pub colour_index: usize,
    pub points: Vec<(f64, f64)>,
}

pub fn noise_levels(curves: &[NoiseCurve]) -> Result<String, PlotError> {
    let error = plot_error("noise");
    let points = || curves.iter().flat_map(|curve| curve.points.iter());
    let x_high = points().map(|point| point.0).fold(1.0, f64::max);
    let (_, y_high) = padded_range(points().map(|point| point.1).chain([0.0]));
    svg_figure("noise", (760, 320), 64, (0.0..x_high, 0.0..y_high), |chart| {
        house_style(&mut chart.configure_mesh())
            .x_desc("env steps")
            .y_desc("Σ|σ| / Σ|μ| of the noisy layers")
            .x_labels(8)
            .y_labels(6)
            .x_label_formatter(&|x| compact_number(*x))
            .y_label_formatter(&|y| format!("{y:.2}"))
            .draw()
            .map_err(&error)?;
        for curve in curves {
            let points = curve.points.iter().copied();
            draw_labelled_line(chart, points, colour(curve.colour_index), curve.name.clone(), "noise")?;
        }
        draw_legend(chart, "noise")?;
        Ok(())
    })
}
