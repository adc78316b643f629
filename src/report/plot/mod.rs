//! The report's figures: each a function from plain numbers to an SVG string (plotters' SVG backend), one figure
//! per file. Rendering computes nothing statistical: every estimate and interval arrives computed.

pub mod cost;
pub mod curves;
pub mod forest;
pub mod frames;
pub mod landing;
pub mod noise;
pub mod overestimation;
pub mod profile;
pub mod seeds;

use plotters::style::RGBColor;

/// Colour-blind-safe colours: Okabe & Ito's palette without its yellow (too pale on white), then Paul Tol's muted
/// colours that differ most from them; a variant keeps its colour across the whole report.
pub const PALETTE: [RGBColor; 12] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(230, 159, 0),   // orange
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(0, 0, 0),       // black
    RGBColor(136, 34, 85),   // wine
    RGBColor(68, 170, 153),  // teal
    RGBColor(153, 153, 51),  // olive
    RGBColor(51, 34, 136),   // indigo
    RGBColor(221, 204, 119), // sand
];

/// The colour of the variant with this index in the spec (cycling after twelve).
pub fn colour(index: usize) -> RGBColor {
    PALETTE[index % PALETTE.len()]
}

/// The colour as CSS `#rrggbb`, for legends drawn in HTML.
pub fn css_colour(index: usize) -> String {
    let RGBColor(red, green, blue) = colour(index);
    format!("#{red:02x}{green:02x}{blue:02x}")
}

/// Why a figure could not be drawn.
#[derive(Debug, thiserror::Error)]
#[error("drawing the {figure} figure: {message}")]
pub struct PlotError {
    pub figure: &'static str,
    pub message: String,
}

/// Turns any plotters error into a `PlotError` for `figure`.
pub(crate) fn plot_error<E: std::fmt::Display>(figure: &'static str) -> impl Fn(E) -> PlotError {
    move |error| PlotError {
        figure,
        message: error.to_string(),
    }
}

/// A range `[low, high]` that contains every value with a margin of 5% on each side (and a unit width around a
/// single value), so that no mark sits on the frame.
pub fn padded_range(values: impl IntoIterator<Item = f64>) -> (f64, f64) {
    let (low, high) = values
        .into_iter()
        .filter(|value| value.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(low, high), value| {
            (low.min(value), high.max(value))
        });
    if !low.is_finite() {
        return (0.0, 1.0);
    }
    let margin = if high > low {
        (high - low) * 0.05
    } else {
        0.5_f64.max(low.abs() * 0.05)
    };
    (low - margin, high + margin)
}

/// The tick label of a categorical axis at `position`: slot i of `names` is centred at i + 0.5, counted from the
/// top of the axis when `from_top` (rows read downwards) and from the origin otherwise; between slots, nothing.
pub fn category_label(names: &[&str], position: f64, from_top: bool) -> String {
    let slot = if from_top {
        names.len() as f64 - position - 0.5
    } else {
        position - 0.5
    };
    let index = slot.round();
    if (slot - index).abs() < 1e-6 && index >= 0.0 {
        names
            .get(index as usize)
            .map_or_else(String::new, |name| name.to_string())
    } else {
        String::new()
    }
}

/// A chart of the report: f64 on both axes, drawn to SVG.
pub(crate) type Chart<'a, 'b> = plotters::chart::ChartContext<
    'a,
    plotters::backend::SVGBackend<'b>,
    plotters::coord::cartesian::Cartesian2d<
        plotters::coord::types::RangedCoordf64,
        plotters::coord::types::RangedCoordf64,
    >,
>;

/// The house style of a chart's axes: no light grid lines, the report's font for labels and axis descriptions.
/// Each figure adds its own labels and formatters, then draws.
pub(crate) fn house_style<'m, 'a, 'b, 'c>(
    mesh: &'m mut plotters::chart::MeshStyle<
        'a,
        'b,
        plotters::coord::types::RangedCoordf64,
        plotters::coord::types::RangedCoordf64,
        plotters::backend::SVGBackend<'c>,
    >,
) -> &'m mut plotters::chart::MeshStyle<
    'a,
    'b,
    plotters::coord::types::RangedCoordf64,
    plotters::coord::types::RangedCoordf64,
    plotters::backend::SVGBackend<'c>,
> {
    use plotters::style::{Color, WHITE};
    mesh.light_line_style(WHITE.mix(0.0))
        .label_style((FONT, 13))
        .axis_desc_style((FONT, 14))
}

/// One figure as an SVG string: a white canvas of `size`, a chart over `x_range` × `y_range` with the house
/// margins and `y_label_width` pixels for the y labels, drawn by `draw`. The scaffolding every figure shares.
pub(crate) fn svg_figure(
    figure: &'static str,
    size: (u32, u32),
    y_label_width: u32,
    (x_range, y_range): (std::ops::Range<f64>, std::ops::Range<f64>),
    draw: impl for<'b> FnOnce(&mut Chart<'b, 'b>) -> Result<(), PlotError>,
) -> Result<String, PlotError> {
    use plotters::prelude::*;
    let error = plot_error(figure);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(&error)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(y_label_width)
            .build_cartesian_2d(x_range, y_range)
            .map_err(&error)?;
        draw(&mut chart)?;
        root.present().map_err(&error)?;
    }
    Ok(svg)
}

/// Draws the axes of a line figure: `x_label` and `y_label`, eight compact x labels and six y labels written by
/// `y_format`, as the learning curves, the overestimation plot and the noise figure all have them.
pub(crate) fn draw_line_axes<'a, 'b: 'a>(
    chart: &mut Chart<'a, 'b>,
    (x_label, y_label): (&str, &str),
    y_format: &dyn Fn(&f64) -> String,
    figure: &'static str,
) -> Result<(), PlotError> {
    house_style(&mut chart.configure_mesh())
        .x_desc(x_label)
        .y_desc(y_label)
        .x_labels(8)
        .y_labels(6)
        .x_label_formatter(&|x| curves::compact_number(*x))
        .y_label_formatter(y_format)
        .draw()
        .map_err(plot_error(figure))
}

/// Draws `points` as a solid line in `line_colour`, labelled `label` in the legend (with a swatch of the line): a
/// variant's curve, as every line figure draws it.
pub(crate) fn draw_labelled_line<'a, 'b: 'a>(
    chart: &mut Chart<'a, 'b>,
    points: impl IntoIterator<Item = (f64, f64)>,
    line_colour: RGBColor,
    label: String,
    figure: &'static str,
) -> Result<(), PlotError> {
    use plotters::prelude::*;
    chart
        .draw_series(LineSeries::new(points, line_colour.stroke_width(2)))
        .map_err(plot_error(figure))?
        .label(label)
        .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], line_colour.stroke_width(3)));
    Ok(())
}

/// Draws the legend of the labelled series, in the lower right corner on a translucent white box.
pub(crate) fn draw_legend<'a, 'b: 'a>(chart: &mut Chart<'a, 'b>, figure: &'static str) -> Result<(), PlotError> {
    use plotters::prelude::*;
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .label_font((FONT, 13))
        .draw()
        .map_err(plot_error(figure))
}

/// The font every figure uses (the browser picks the face; sizes in pixels).
pub const FONT: &str = "sans-serif";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padded_range_keeps_marks_off_the_frame() {
        assert_eq!(padded_range([0.0, 10.0]), (-0.5, 10.5));
        assert_eq!(padded_range([3.0]), (2.5, 3.5));
        assert_eq!(padded_range([f64::NAN]), (0.0, 1.0));
        assert_eq!(css_colour(0), "#0072b2");
        assert_eq!(css_colour(12), "#0072b2");
        let names = ["a", "b", "c"];
        assert_eq!(category_label(&names, 2.5, true), "a");
        assert_eq!(category_label(&names, 0.5, true), "c");
        assert_eq!(category_label(&names, 0.5, false), "a");
        assert_eq!(category_label(&names, 1.0, false), "");
    }
}
