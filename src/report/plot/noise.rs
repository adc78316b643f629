//! How loud noisy nets' noise is over training: per noisy variant, Σ|σ| / Σ|μ| of its noisy layers (train.csv's
//! `noise_to_signal`, averaged over the layers and then over seeds), so a reader sees whether the noise anneals or
//! grows.

use super::{colour, draw_labelled_line, draw_legend, draw_line_axes, padded_range, svg_figure, PlotError};

/// One variant's curve over env steps: (step, mean across seeds).
#[derive(Debug, Clone)]
pub struct NoiseCurve {
    pub name: String,
    pub colour_index: usize,
    pub points: Vec<(f64, f64)>,
}

pub fn noise_levels(curves: &[NoiseCurve]) -> Result<String, PlotError> {
    let points = || curves.iter().flat_map(|curve| curve.points.iter());
    let x_high = points().map(|point| point.0).fold(1.0, f64::max);
    let (_, y_high) = padded_range(points().map(|point| point.1).chain([0.0]));
    svg_figure("noise", (760, 320), 64, (0.0..x_high, 0.0..y_high), |chart| {
        let labels = ("env steps", "Σ|σ| / Σ|μ| of the noisy layers");
        draw_line_axes(chart, labels, &|y| format!("{y:.2}"), "noise")?;
        for curve in curves {
            let points = curve.points.iter().copied();
            draw_labelled_line(chart, points, colour(curve.colour_index), curve.name.clone(), "noise")?;
        }
        draw_legend(chart, "noise")?;
        Ok(())
    })
}
