//! Final scores per seed: every run as a dot, and per variant the IQM as a bar with its confidence interval, so a
//! reader sees both the spread and what the summary makes of it.

use plotters::prelude::*;

use super::curves::compact_number;
use super::{category_label, colour, house_style, padded_range, plot_error, svg_figure, PlotError};
use crate::stats::estimate::Estimate;

/// One variant's final scores.
#[derive(Debug, Clone)]
pub struct SeedScores {
    pub name: String,
    pub colour_index: usize,
    pub scores: Vec<f64>,
    pub iqm: Estimate,
}

/// Variants left to right in the order given.
pub fn seed_scores(groups: &[SeedScores], y_label: &str) -> Result<String, PlotError> {
    let error = plot_error("final scores");
    let count = groups.len().max(1) as f64;
    let (y_low, y_high) = padded_range(
        groups
            .iter()
            .flat_map(|group| group.scores.iter().copied().chain([group.iqm.low, group.iqm.high])),
    );
    svg_figure("final scores", (760, 340), 64, (0.0..count, y_low..y_high), |chart| {
        let names: Vec<&str> = groups.iter().map(|group| group.name.as_str()).collect();
        let name_at = |x: &f64| category_label(&names, *x, false);
        house_style(&mut chart.configure_mesh())
            .disable_x_mesh()
            .x_labels(groups.len().max(1) * 2 + 1)
            .x_label_formatter(&name_at)
            .y_desc(y_label)
            .y_labels(6)
            .y_label_formatter(&|y| compact_number(*y))
            .draw()
            .map_err(&error)?;
        for (index, group) in groups.iter().enumerate() {
            let centre = index as f64 + 0.5;
            let group_colour = colour(group.colour_index);
            // Dots spread evenly across ±0.25 of the slot, in seed order (deterministic, no random jitter).
            let spread = group.scores.len().max(2) as f64 - 1.0;
            let dots = group.scores.iter().enumerate().map(|(seed, score)| {
                let x = centre - 0.25 + 0.5 * seed as f64 / spread;
                Circle::new((x, *score), 3, group_colour.mix(0.6).filled())
            });
            chart.draw_series(dots).map_err(&error)?;
            let Estimate { estimate, low, high } = group.iqm;
            let bar = ShapeStyle {
                color: BLACK.to_rgba(),
                filled: false,
                stroke_width: 2,
            };
            chart
                .draw_series(LineSeries::new(
                    [(centre - 0.3, estimate), (centre + 0.3, estimate)],
                    bar,
                ))
                .map_err(&error)?;
            chart
                .draw_series(LineSeries::new([(centre + 0.32, low), (centre + 0.32, high)], bar))
                .map_err(&error)?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_a_dot_per_run() {
        let group = |name: &str, scores: Vec<f64>| SeedScores {
            name: name.into(),
            colour_index: 0,
            scores,
            iqm: Estimate {
                estimate: 1.0,
                low: 0.0,
                high: 2.0,
            },
        };
        let svg = seed_scores(
            &[group("vanilla", vec![1.0, 2.0, 3.0]), group("double", vec![4.0])],
            "return",
        )
        .unwrap();
        assert_eq!(svg.matches("<circle").count(), 4);
        assert!(svg.contains("vanilla") && svg.contains("double"));
    }
}
