//! The forest plot: one row per (env, variant) with the IQM difference to the reference and its confidence
//! interval, a dashed line at zero; the report's answer at a glance.

use plotters::prelude::*;

use super::curves::compact_number;
use super::{category_label, colour, house_style, padded_range, plot_error, svg_figure, PlotError};
use crate::stats::estimate::Estimate;

/// One row of the forest plot.
#[derive(Debug, Clone)]
pub struct ForestRow {
    /// Shown on the left, e.g. `CartPole-v1 · double`.
    pub label: String,
    pub colour_index: usize,
    pub difference: Estimate,
}

/// Rows top to bottom in the order given; `x_label` names the difference and its unit.
pub fn forest_plot(rows: &[ForestRow], x_label: &str) -> Result<String, PlotError> {
    let error = plot_error("forest");
    let longest_label = rows.iter().map(|row| row.label.chars().count()).max().unwrap_or(0);
    let label_width = (longest_label as u32 * 7 + 16).clamp(80, 320);
    let height = 70 + 28 * rows.len().max(1) as u32;
    let (x_low, x_high) = padded_range(
        rows.iter()
            .flat_map(|row| [row.difference.low, row.difference.high, 0.0]),
    );
    let row_count = rows.len().max(1) as f64;

    svg_figure(
        "forest",
        (760, height),
        label_width,
        (x_low..x_high, 0.0..row_count),
        |chart| {
            let labels: Vec<&str> = rows.iter().map(|row| row.label.as_str()).collect();
            let label_of = |position: &f64| category_label(&labels, *position, true);
            house_style(&mut chart.configure_mesh())
                .disable_y_mesh()
                .y_labels(rows.len().max(1) * 2 + 1)
                .y_label_formatter(&label_of)
                .x_desc(x_label)
                .x_labels(8)
                .x_label_formatter(&|x| compact_number(*x))
                .draw()
                .map_err(&error)?;
            chart
                .draw_series(DashedLineSeries::new(
                    [(0.0, 0.0), (0.0, row_count)],
                    6,
                    4,
                    ShapeStyle {
                        color: BLACK.mix(0.6),
                        filled: false,
                        stroke_width: 1,
                    },
                ))
                .map_err(&error)?;
            for (index, row) in rows.iter().enumerate() {
                let y = row_count - index as f64 - 0.5;
                let style = ShapeStyle {
                    color: colour(row.colour_index).to_rgba(),
                    filled: true,
                    stroke_width: 2,
                };
                let Estimate { estimate, low, high } = row.difference;
                chart
                    .draw_series(LineSeries::new([(low, y), (high, y)], style))
                    .map_err(&error)?;
                chart
                    .draw_series([Circle::new((estimate, y), 5, style)])
                    .map_err(&error)?;
            }
            Ok(())
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_every_row_label_and_the_zero_line() {
        let rows = vec![
            ForestRow {
                label: "CartPole-v1 · double".into(),
                colour_index: 1,
                difference: Estimate {
                    estimate: 40.0,
                    low: 10.0,
                    high: 80.0,
                },
            },
            ForestRow {
                label: "CartPole-v1 · no-target".into(),
                colour_index: 2,
                difference: Estimate {
                    estimate: -120.0,
                    low: -200.0,
                    high: -50.0,
                },
            },
        ];
        let svg = forest_plot(&rows, "IQM difference in final return").unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..60]);
        assert!(svg.contains("CartPole-v1 · double") && svg.contains("CartPole-v1 · no-target"));
        assert!(svg.contains("IQM difference in final return"));
        assert_eq!(svg.matches("<circle").count(), 2);
    }
}
