//! A greedy episode of an image env, drawn: a row of its frames, each cell coloured as MinAtar's display colours it
//! (black when empty, else the colour of the last channel set, from seaborn's "cubehelix" palette of as many
//! colours as channels), and a legend naming the channels.

use plotters::prelude::*;

use super::{plot_error, PlotError, FONT};
use crate::episode_frames::EpisodeFrames;

/// Pixels per cell, between frames, around the picture, and for the labels below the frames and the legend.
const CELL: i32 = 10;
const GAP: i32 = 14;
const MARGIN: i32 = 8;
const LABEL: i32 = 22;
const LEGEND: i32 = 24;

/// Matplotlib's "cubehelix" colour map (Green 2011: start 0.5, −1.5 rotations, hue 1, γ 1) at `position` in
/// [0, 1], through its 256-entry lookup table as matplotlib samples it.
fn cubehelix(position: f64) -> RGBColor {
    let entry = ((position * 256.0) as usize).min(255);
    let x = entry as f64 / 255.0;
    let amplitude = x * (1.0 - x) / 2.0;
    let angle = 2.0 * std::f64::consts::PI * (0.5 / 3.0 - 1.5 * x);
    let (sin, cos) = angle.sin_cos();
    let channel = |value: f64| ((x + amplitude * value).clamp(0.0, 1.0) * 255.0).round() as u8;
    RGBColor(
        channel(-0.14861 * cos + 1.78277 * sin),
        channel(-0.29227 * cos - 0.90649 * sin),
        channel(1.97294 * cos),
    )
}

/// seaborn's `color_palette("cubehelix", count)`, the colours MinAtar's display gives its channels: the map at
/// `count` evenly spaced inner points.
pub fn minatar_palette(count: usize) -> Vec<RGBColor> {
    (1..=count)
        .map(|index| cubehelix(index as f64 / (count + 1) as f64))
        .collect()
}

/// The picture of `episode`'s frames, with each frame's step below it and the channels' legend underneath.
pub fn episode(episode: &EpisodeFrames) -> Result<String, PlotError> {
    let error = plot_error("episode frames");
    let (height, width, channels) = episode.shape;
    let palette = minatar_palette(channels);
    let (frame_width, frame_height) = (width as i32 * CELL, height as i32 * CELL);
    let count = episode.frames.len().max(1) as i32;
    let size = (
        (2 * MARGIN + count * frame_width + (count - 1) * GAP) as u32,
        (2 * MARGIN + frame_height + LABEL + LEGEND) as u32,
    );
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(&error)?;
        for (index, frame) in episode.frames.iter().enumerate() {
            let left = MARGIN + index as i32 * (frame_width + GAP);
            root.draw(&Rectangle::new(
                [(left, MARGIN), (left + frame_width, MARGIN + frame_height)],
                BLACK.filled(),
            ))
            .map_err(&error)?;
            for y in 0..height {
                for x in 0..width {
                    if let Some(channel) = frame.top_channel(episode.shape, y, x) {
                        let (cell_x, cell_y) = (left + x as i32 * CELL, MARGIN + y as i32 * CELL);
                        root.draw(&Rectangle::new(
                            [(cell_x, cell_y), (cell_x + CELL, cell_y + CELL)],
                            palette[channel].filled(),
                        ))
                        .map_err(&error)?;
                    }
                }
            }
            root.draw(&Text::new(
                format!("step {}", frame.step),
                (left, MARGIN + frame_height + 5),
                (FONT, 12),
            ))
            .map_err(&error)?;
        }
        let legend_top = MARGIN + frame_height + LABEL;
        let mut left = MARGIN;
        for (channel, colour) in palette.iter().enumerate() {
            let name = episode
                .channel_names
                .get(channel)
                .cloned()
                .unwrap_or_else(|| format!("channel {channel}"));
            root.draw(&Rectangle::new(
                [(left, legend_top + 2), (left + CELL, legend_top + 2 + CELL)],
                colour.filled(),
            ))
            .map_err(&error)?;
            root.draw(&Text::new(name.clone(), (left + CELL + 4, legend_top), (FONT, 12)))
                .map_err(&error)?;
            left += CELL + 12 + 7 * name.len() as i32;
        }
        root.present().map_err(&error)?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::episode_frames::Frame;

    #[test]
    fn palettes_are_seaborns_cubehelix() {
        // seaborn 0.13 with matplotlib 3.11: `[tuple(round(c * 255) for c in colour) for colour in
        // sns.color_palette("cubehelix", n)]`.
        type Colours = &'static [(u8, u8, u8)];
        let expected: [(usize, Colours); 3] = [
            (4, &[(22, 61, 78), (84, 121, 47), (208, 126, 147), (193, 202, 243)]),
            (
                6,
                &[
                    (26, 36, 65),
                    (27, 97, 69),
                    (105, 123, 48),
                    (200, 123, 124),
                    (205, 162, 224),
                    (198, 225, 241),
                ],
            ),
            (
                10,
                &[
                    (25, 18, 43),
                    (23, 52, 76),
                    (24, 91, 72),
                    (60, 118, 50),
                    (126, 122, 54),
                    (188, 121, 103),
                    (212, 134, 175),
                    (202, 169, 231),
                    (194, 210, 243),
                    (214, 240, 239),
                ],
            ),
        ];
        for (count, colours) in expected {
            let palette: Vec<(u8, u8, u8)> = minatar_palette(count)
                .into_iter()
                .map(|RGBColor(red, green, blue)| (red, green, blue))
                .collect();
            assert_eq!(palette, colours, "{count} colours");
        }
    }

    #[test]
    fn a_frame_shows_the_last_channel_of_each_occupied_cell() {
        // A 2×2 image of 2 channels: (0,0) channel 0; (0,1) both (the second wins); (1,0) empty; (1,1) channel 1.
        let episode = EpisodeFrames {
            shape: (2, 2, 2),
            channel_names: vec!["player".into(), "enemy".into()],
            frames: vec![Frame {
                step: 4,
                cells: "10110001".into(),
            }],
            episode_return: 1.0,
            steps: 4,
            terminated: true,
        };
        let svg = super::episode(&episode).unwrap();
        let [first, second] = [0, 1].map(|index| {
            let RGBColor(red, green, blue) = minatar_palette(2)[index];
            format!("#{red:02X}{green:02X}{blue:02X}")
        });
        // Black ground, then three cells: one of the first channel's colour and two of the second's; and the legend.
        assert_eq!(svg.matches(&first).count(), 1 + 1);
        assert_eq!(svg.matches(&second).count(), 2 + 1);
        assert!(svg.contains("step 4") && svg.contains("player") && svg.contains("enemy"));
    }
}
