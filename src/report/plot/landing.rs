//! A landing, drawn: LunarLander's ground and helipad, the path of one greedy flight, the lander's outline every few
//! steps, and where an engine fired (main engine below, orientation engines at the sides).

use plotters::prelude::*;

use super::{colour, house_style, plot_error, svg_figure, PlotError};
use crate::envs::lunar_lander::{outline, Flight};

/// How many outlines a picture shows along the path (the last position always among them).
const OUTLINES: usize = 14;
/// Where each engine's flame is drawn, in the lander's frame (metres): main engine below; action 1's orientation
/// engine on the +x side and action 3's on the −x side, at the height gymnasium fires them.
const MAIN_FLAME: (f64, f64) = (0.0, -0.45);
const SIDE_FLAME: (f64, f64) = (0.6, 0.47);

/// A point of the lander's frame in the world, for a lander at (x, y) turned by `angle`.
fn place(point: (f64, f64), x: f64, y: f64, angle: f64) -> (f64, f64) {
    let (sin, cos) = angle.sin_cos();
    (x + point.0 * cos - point.1 * sin, y + point.0 * sin + point.1 * cos)
}

/// The picture of `flight`, in the colour of the variant with `colour_index`.
pub fn landing(flight: &Flight, colour_index: usize) -> Result<String, PlotError> {
    let error = plot_error("landing");
    // gymnasium's viewport, 20 m × 13.3 m, and a little more above it: the lander starts at its top edge.
    let (width, height) = (20.0, 400.0 / 30.0 + 1.0);
    let ink = colour(colour_index);
    svg_figure("landing", (560, 440), 40, (0.0..width, 0.0..height), |chart| {
        house_style(&mut chart.configure_mesh())
            .disable_mesh()
            .x_desc("metres")
            .draw()
            .map_err(&error)?;
        // The ground, filled, and the helipad between its flags.
        let terrain = &flight.terrain;
        let mut ground: Vec<(f64, f64)> = terrain.surface.to_vec();
        ground.extend([(width, 0.0), (0.0, 0.0)]);
        chart
            .draw_series(std::iter::once(Polygon::new(ground, RGBColor(200, 200, 200).filled())))
            .map_err(&error)?;
        let (left, right) = terrain.helipad;
        for flag_x in [left, right] {
            let top = terrain.helipad_y + 50.0 / 30.0;
            chart
                .draw_series([PathElement::new(
                    vec![(flag_x, terrain.helipad_y), (flag_x, top)],
                    BLACK.stroke_width(1),
                )])
                .map_err(&error)?;
            chart
                .draw_series(std::iter::once(Polygon::new(
                    vec![
                        (flag_x, top),
                        (flag_x, top - 10.0 / 30.0),
                        (flag_x + 25.0 / 30.0, top - 5.0 / 30.0),
                    ],
                    RGBColor(204, 204, 0).filled(),
                )))
                .map_err(&error)?;
        }
        // The path, the engines' flames, and outlines along it.
        let frames = &flight.frames;
        let path: Vec<(f64, f64)> = frames
            .iter()
            .map(|frame| (f64::from(frame.x), f64::from(frame.y)))
            .collect();
        chart
            .draw_series(std::iter::once(PathElement::new(path, ink.mix(0.6).stroke_width(1))))
            .map_err(&error)?;
        let flames = frames.iter().filter_map(|frame| {
            let flame = match frame.action? {
                2 => MAIN_FLAME,
                1 => SIDE_FLAME,
                3 => (-SIDE_FLAME.0, SIDE_FLAME.1),
                _ => return None,
            };
            let at = place(flame, f64::from(frame.x), f64::from(frame.y), f64::from(frame.angle));
            Some(Circle::new(at, 2, RGBColor(213, 94, 0).mix(0.7).filled()))
        });
        chart.draw_series(flames).map_err(&error)?;
        let every = frames.len().div_ceil(OUTLINES).max(1);
        let outline_at = |index: usize| -> Vec<(f64, f64)> {
            let frame = frames[index];
            outline()
                .into_iter()
                .map(|point| place(point, f64::from(frame.x), f64::from(frame.y), f64::from(frame.angle)))
                .collect()
        };
        let last = frames.len() - 1;
        let outlines = (0..last).filter(|index| index % every == 0).map(|index| {
            let mut closed = outline_at(index);
            closed.push(closed[0]);
            PathElement::new(closed, ink.mix(0.9).stroke_width(1))
        });
        chart.draw_series(outlines).map_err(&error)?;
        chart
            .draw_series(std::iter::once(Polygon::new(outline_at(last), ink.filled())))
            .map_err(&error)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_of_the_lander_turns_with_it() {
        // The main flame of a lander on its side (angle π/2) is to its right, not below it.
        let (x, y) = place(MAIN_FLAME, 10.0, 5.0, std::f64::consts::FRAC_PI_2);
        assert!((x - 10.45).abs() < 1e-12 && (y - 5.0).abs() < 1e-12, "({x}, {y})");
    }
}
