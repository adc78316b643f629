//! What a trick costs in compute: per variant, the median training speed (env steps per second of wall time,
//! evaluations included) as a horizontal bar.

use plotters::prelude::*;

use super::curves::compact_number;
use super::{category_label, colour, house_style, plot_error, svg_figure, PlotError};

/// One variant's speed.
#[derive(Debug, Clone)]
pub struct Speed {
    pub name: String,
    pub colour_index: usize,
    pub steps_per_sec: f64,
}

pub fn cost(speeds: &[Speed]) -> Result<String, PlotError> {
    let error = plot_error("cost");
    let count = speeds.len().max(1) as f64;
    let fastest = speeds.iter().map(|speed| speed.steps_per_sec).fold(1.0, f64::max) * 1.1;
    let longest_name = speeds.iter().map(|speed| speed.name.chars().count()).max().unwrap_or(0);
    let size = (760, 60 + 30 * speeds.len().max(1) as u32);
    let label_width = (longest_name as u32 * 7 + 16).clamp(60, 240);
    svg_figure("cost", size, label_width, (0.0..fastest, 0.0..count), |chart| {
        let names: Vec<&str> = speeds.iter().map(|speed| speed.name.as_str()).collect();
        let name_at = |y: &f64| category_label(&names, *y, true);
        house_style(&mut chart.configure_mesh())
            .disable_y_mesh()
            .y_labels(speeds.len().max(1) * 2 + 1)
            .y_label_formatter(&name_at)
            .x_desc("env steps per second (median over runs, one core each)")
            .x_labels(6)
            .x_label_formatter(&|x| compact_number(*x))
            .draw()
            .map_err(&error)?;
        let bars = speeds.iter().enumerate().map(|(index, speed)| {
            let y = count - index as f64 - 0.5;
            Rectangle::new(
                [(0.0, y - 0.3), (speed.steps_per_sec, y + 0.3)],
                colour(speed.colour_index).filled(),
            )
        });
        chart.draw_series(bars).map_err(&error)?;
        Ok(())
    })
}
