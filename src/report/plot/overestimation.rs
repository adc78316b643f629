//! The overestimation plot of the double DQN paper: per variant, the network's estimate max_a Q(s0, a) at the
//! evaluation episodes' start states (solid) against the discounted return actually obtained from them (dashed).

use plotters::prelude::*;

use super::curves::compact_number;
use super::{colour, draw_labelled_line, draw_legend, draw_line_axes, padded_range, plot_error, svg_figure, PlotError};

/// One variant's two curves over env steps: (step, mean across seeds).
#[derive(Debug, Clone)]
pub struct ValueCurves {
    pub name: String,
    pub colour_index: usize,
    pub q_estimate: Vec<(f64, f64)>,
    pub discounted_return: Vec<(f64, f64)>,
}

pub fn overestimation(curves: &[ValueCurves]) -> Result<String, PlotError> {
    let error = plot_error("overestimation");
    let points = || {
        curves
            .iter()
            .flat_map(|curve| curve.q_estimate.iter().chain(&curve.discounted_return))
    };
    let (x_high, (y_low, y_high)) = (
        points().map(|point| point.0).fold(1.0, f64::max),
        padded_range(points().map(|point| point.1)),
    );
    svg_figure(
        "overestimation",
        (760, 360),
        64,
        (0.0..x_high, y_low..y_high),
        |chart| {
            let labels = ("env steps", "value of the start state (discounted)");
            draw_line_axes(chart, labels, &|y| compact_number(*y), "overestimation")?;
            for curve in curves {
                let line_colour = colour(curve.colour_index);
                let label = format!("{}: Q estimate", curve.name);
                draw_labelled_line(
                    chart,
                    curve.q_estimate.iter().copied(),
                    line_colour,
                    label,
                    "overestimation",
                )?;
                chart
                    .draw_series(DashedLineSeries::new(
                        curve.discounted_return.iter().copied(),
                        5,
                        4,
                        line_colour.stroke_width(2),
                    ))
                    .map_err(&error)?
                    .label(format!("{}: true discounted return", curve.name))
                    .legend(move |(x, y)| PathElement::new([(x, y), (x + 6, y)], line_colour.stroke_width(3)));
            }
            draw_legend(chart, "overestimation")?;
            Ok(())
        },
    )
}
