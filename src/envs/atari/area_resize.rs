//! OpenCV's `INTER_AREA` shrink of 8-bit single-channel images, bit for bit: what
//! `cv2.resize(source, (width, height), interpolation=cv2.INTER_AREA)` returns for a `uint8` frame, as gymnasium's
//! `AtariPreprocessing` uses it to turn the 210×160 screen into the 84×84 observation.
//!
//! OpenCV (`modules/imgproc/src/resize.cpp`, checked against opencv-python-headless 5.0.0) has two ways to shrink:
//!
//! - **Integer factors** (`resizeAreaFast_`): each target pixel is the mean of a `factor_y × factor_x` block. For 2×2
//!   blocks it rounds half up in integers (`(sum + 2) >> 2`); for other blocks it rounds `sum as f32 * (1/area)`
//!   half to even.
//! - **Other factors** (`resizeArea_<uchar, float>`, Breakout's 2.5 × 1.904…): per axis, a table of f32 weights gives
//!   each target index the source indices its cell covers, whole pixels weighing `1/scale` and the cut pixels at its
//!   two ends the fraction covered. Each source row is first shrunk horizontally (an f32 sum in table order), then
//!   the rows of a target row are summed with their vertical weights, and the sum is rounded half to even and
//!   clamped to 0..=255. The float operations here are OpenCV's, in its order, so the bits agree.
//!
//! Equal sizes copy. Enlarging (a factor below 1 on either axis, where OpenCV falls back to a bilinear variant) is
//! not supported: [`AreaResize::new`] panics.

/// The shrink of `source_height × source_width` images to `target_height × target_width`, its weight tables built
/// once so that each [`AreaResize::resize`] only sums.
#[derive(Clone, Debug)]
pub struct AreaResize {
    source_height: usize,
    source_width: usize,
    target_height: usize,
    target_width: usize,
    method: Method,
}

#[derive(Clone, Debug)]
enum Method {
    /// Same size: OpenCV copies.
    Copy,
    /// Integer factors on both axes: the mean of each `row_factor × column_factor` block.
    Blocks { row_factor: usize, column_factor: usize },
    /// Any other shrink: weighted sums, horizontal then vertical.
    Weighted { rows: AxisWeights, columns: Taps },
}

/// One axis's weights: target index `t` sums the source indices `sources[starts[t]..starts[t + 1]]`, each times its
/// weight, in this order (OpenCV's `computeResizeAreaTab`).
#[derive(Clone, Debug)]
struct AxisWeights {
    starts: Vec<usize>,
    sources: Vec<usize>,
    weights: Vec<f32>,
}

impl AreaResize {
    /// The shrink from `source_height × source_width` to `target_height × target_width`.
    ///
    /// # Panics
    /// When a size is zero, or when the target is larger than the source on either axis (OpenCV does not use area
    /// weights to enlarge, and that variant is not written here).
    pub fn new(source_height: usize, source_width: usize, target_height: usize, target_width: usize) -> AreaResize {
        assert!(
            source_height > 0 && source_width > 0 && target_height > 0 && target_width > 0,
            "area resize of {source_height}×{source_width} to {target_height}×{target_width}: sizes must not be zero"
        );
        // cv::resize computes the inverse scale from the sizes, and hal::resize the scale from that.
        let row_scale = 1.0 / (target_height as f64 / source_height as f64);
        let column_scale = 1.0 / (target_width as f64 / source_width as f64);
        let method = if (source_height, source_width) == (target_height, target_width) {
            Method::Copy
        } else {
            assert!(
                row_scale >= 1.0 && column_scale >= 1.0,
                "area resize of {source_height}×{source_width} to {target_height}×{target_width}: enlarging is not \
                 supported (OpenCV's INTER_AREA then falls back to a bilinear variant)"
            );
            match (integer_factor(row_scale), integer_factor(column_scale)) {
                (Some(row_factor), Some(column_factor)) => {
                    // A whole number within f64 rounding of a ratio of sizes is that ratio exactly.
                    assert_eq!(source_height, row_factor * target_height);
                    assert_eq!(source_width, column_factor * target_width);
                    Method::Blocks {
                        row_factor,
                        column_factor,
                    }
                }
                _ => Method::Weighted {
                    rows: AxisWeights::new(source_height, target_height, row_scale),
                    columns: Taps::new(&AxisWeights::new(source_width, target_width, column_scale)),
                },
            }
        };
        AreaResize {
            source_height,
            source_width,
            target_height,
            target_width,
            method,
        }
    }

    /// Shrinks `source` (row-major, `source_height × source_width`) into `target` (`target_height × target_width`).
    ///
    /// # Panics
    /// When a slice's length does not match its size.
    pub fn resize(&self, source: &[u8], target: &mut [u8]) {
        assert_eq!(
            source.len(),
            self.source_height * self.source_width,
            "area resize: the source is not {}×{}",
            self.source_height,
            self.source_width
        );
        assert_eq!(
            target.len(),
            self.target_height * self.target_width,
            "area resize: the target is not {}×{}",
            self.target_height,
            self.target_width
        );
        match &self.method {
            Method::Copy => target.copy_from_slice(source),
            Method::Blocks {
                row_factor,
                column_factor,
            } => self.resize_blocks(*row_factor, *column_factor, source, target),
            Method::Weighted { rows, columns } => self.resize_weighted(rows, columns, source, target),
        }
    }

    /// OpenCV's `resizeAreaFast_` for whole blocks (the only kind it meets: the source is a multiple of the target).
    fn resize_blocks(&self, row_factor: usize, column_factor: usize, source: &[u8], target: &mut [u8]) {
        let width = self.source_width;
        let block_rows = source.chunks_exact(row_factor * width);
        if (row_factor, column_factor) == (2, 2) {
            // The 2×2 kernel rounds half up, in integers.
            for (block_row, target_row) in block_rows.zip(target.chunks_exact_mut(self.target_width)) {
                let (upper, lower) = block_row.split_at(width);
                let pairs = upper.chunks_exact(2).zip(lower.chunks_exact(2));
                for ((upper, lower), pixel) in pairs.zip(target_row.iter_mut()) {
                    let sum = u32::from(upper[0]) + u32::from(upper[1]) + u32::from(lower[0]) + u32::from(lower[1]);
                    *pixel = ((sum + 2) >> 2) as u8;
                }
            }
            return;
        }
        let scale = 1.0 / (row_factor * column_factor) as f32;
        for (block_row, target_row) in block_rows.zip(target.chunks_exact_mut(self.target_width)) {
            for (block, pixel) in target_row.iter_mut().enumerate() {
                let left = block * column_factor;
                let sum: u32 = block_row
                    .chunks_exact(width)
                    .flat_map(|row| &row[left..left + column_factor])
                    .map(|&value| u32::from(value))
                    .sum();
                *pixel = saturate(sum as f32 * scale);
            }
        }
    }

    /// OpenCV's `ResizeArea_Invoker` for one channel: each source row shrunk horizontally, then the rows of each
    /// target row summed with their weights. A source row cut by two target rows is shrunk once here (OpenCV shrinks
    /// it twice, with the same result).
    fn resize_weighted(&self, rows: &AxisWeights, columns: &Taps, source: &[u8], target: &mut [u8]) {
        let width = self.target_width;
        let mut line = vec![0f32; self.source_width];
        let mut shrunk_row = vec![0f32; columns.padded_cells()];
        let mut shrunk_source = usize::MAX;
        let mut sum = vec![0f32; width];
        for (target_row, pixels) in target.chunks_exact_mut(width).enumerate() {
            for (index, (source_row, beta)) in rows.entries(target_row).enumerate() {
                if source_row != shrunk_source {
                    let start = source_row * self.source_width;
                    for (value, &pixel) in line.iter_mut().zip(&source[start..start + self.source_width]) {
                        *value = f32::from(pixel);
                    }
                    columns.shrink(&line, &mut shrunk_row);
                    shrunk_source = source_row;
                }
                if index == 0 {
                    for (total, &value) in sum.iter_mut().zip(&shrunk_row) {
                        *total = beta * value;
                    }
                } else {
                    for (total, &value) in sum.iter_mut().zip(&shrunk_row) {
                        *total += beta * value;
                    }
                }
            }
            for (pixel, &total) in pixels.iter_mut().zip(&sum) {
                *pixel = saturate(total);
            }
        }
    }
}

/// Shrinks the `source_height × source_width` 8-bit single-channel image `source` (row-major) into `target`
/// (`target_height × target_width`) as `cv2.resize(..., interpolation=cv2.INTER_AREA)` does. To resize many images
/// of one size, build an [`AreaResize`] once instead.
///
/// # Panics
/// As [`AreaResize::new`] and [`AreaResize::resize`] do.
pub fn resize_area(
    source: &[u8],
    source_height: usize,
    source_width: usize,
    target: &mut [u8],
    target_height: usize,
    target_width: usize,
) {
    AreaResize::new(source_height, source_width, target_height, target_width).resize(source, target);
}

impl AxisWeights {
    /// The weights that shrink `source_len` pixels to `target_len` cells of `scale` pixels each.
    fn new(source_len: usize, target_len: usize, scale: f64) -> AxisWeights {
        let mut weights = AxisWeights {
            starts: Vec::with_capacity(target_len + 1),
            sources: Vec::with_capacity(2 * source_len),
            weights: Vec::with_capacity(2 * source_len),
        };
        let last_source = source_len as i64 - 1;
        for cell in 0..target_len {
            weights.starts.push(weights.sources.len());
            let start = cell as f64 * scale;
            let end = start + scale;
            // The last cell is cut short when the cells overshoot the image; its weights then divide by what is left.
            let cell_width = scale.min(source_len as f64 - start);
            // The whole pixels are `first_whole..last_cut`; `last_cut` is the pixel the end cuts, if it does, and the
            // pixel before `first_whole` the one the start cuts. Cuts of 1e-3 pixel or less are dropped (OpenCV's
            // allowance for the rounding of `start` and `end`).
            let last_cut = (end.floor() as i64).min(last_source);
            let first_whole = (start.ceil() as i64).min(last_cut);
            let mut push = |source: i64, weight: f64| {
                weights.sources.push(source as usize);
                weights.weights.push(weight as f32);
            };
            let head = first_whole as f64 - start;
            if head > 1e-3 {
                push(first_whole - 1, head / cell_width);
            }
            for source in first_whole..last_cut {
                push(source, 1.0 / cell_width);
            }
            let tail = end - last_cut as f64;
            if tail > 1e-3 {
                push(last_cut, tail.min(1.0).min(cell_width) / cell_width);
            }
        }
        weights.starts.push(weights.sources.len());
        weights
    }

    /// Target index `cell`'s source indices and weights, in summing order.
    fn entries(&self, cell: usize) -> impl Iterator<Item = (usize, f32)> + '_ {
        let range = self.starts[cell]..self.starts[cell + 1];
        self.sources[range.clone()]
            .iter()
            .copied()
            .zip(self.weights[range].iter().copied())
    }
}

/// Cells shrunk together, one per lane: a tap is then one multiply and one add for all lanes.
const LANES: usize = 8;

/// An axis's weights laid out for speed: the cells in groups of [`LANES`], each group tap by tap, every cell with the
/// same number of taps. The missing taps, and the cells past the end that fill the last group, are padded with source
/// 0 and weight 0: that adds +0 to a sum that is never negative, so the bits stay OpenCV's.
#[derive(Clone, Debug)]
struct Taps {
    cells: usize,
    /// Taps per cell.
    taps: usize,
    /// `sources[(group * taps + tap) * LANES + lane]`: the source index of tap `tap` of cell `group * LANES + lane`.
    sources: Vec<usize>,
    /// The weights, laid out as `sources`.
    weights: Vec<f32>,
}

impl Taps {
    fn new(axis: &AxisWeights) -> Taps {
        let cells = axis.starts.len() - 1;
        let taps = (0..cells).map(|cell| axis.entries(cell).count()).max().unwrap_or(0);
        let groups = cells.div_ceil(LANES);
        let mut sources = vec![0; groups * taps * LANES];
        let mut weights = vec![0f32; groups * taps * LANES];
        for cell in 0..cells {
            let (group, lane) = (cell / LANES, cell % LANES);
            let entries: Vec<(usize, f32)> = axis.entries(cell).collect();
            for (tap, &(source, weight)) in entries.iter().enumerate() {
                sources[(group * taps + tap) * LANES + lane] = source;
                weights[(group * taps + tap) * LANES + lane] = weight;
            }
        }
        Taps {
            cells,
            taps,
            sources,
            weights,
        }
    }

    /// The cells rounded up to whole groups: the length of what [`Taps::shrink`] writes.
    fn padded_cells(&self) -> usize {
        self.cells.div_ceil(LANES) * LANES
    }

    /// Shrinks one line of pixels: each cell's weighted sum, in f32 and in OpenCV's order, starting from zero as
    /// OpenCV's buffer does. `totals` holds [`Taps::padded_cells`] sums; those past the cells are 0.
    fn shrink(&self, line: &[f32], totals: &mut [f32]) {
        let group_len = self.taps * LANES;
        let groups = self
            .sources
            .chunks_exact(group_len)
            .zip(self.weights.chunks_exact(group_len));
        for (group, (sources, weights)) in groups.enumerate() {
            let mut sums = [0f32; LANES];
            for (sources, weights) in sources.chunks_exact(LANES).zip(weights.chunks_exact(LANES)) {
                for lane in 0..LANES {
                    sums[lane] += line[sources[lane]] * weights[lane];
                }
            }
            totals[group * LANES..][..LANES].copy_from_slice(&sums);
        }
    }
}

/// Whether an axis's scale is a whole number as OpenCV tests it (`|scale - round(scale)| < DBL_EPSILON`).
fn integer_factor(scale: f64) -> Option<usize> {
    let rounded = scale.round_ties_even();
    ((scale - rounded).abs() < f64::EPSILON).then_some(rounded as usize)
}

/// OpenCV's `saturate_cast<uchar>(float)`: rounded half to even (`cvRound`), then clamped to 0..=255. The sums here
/// are never negative; below 2^23, adding and taking away 2^23 rounds to an integer, half to even (the float
/// rounding mode), without the library call that `round_ties_even` is on baseline x86-64.
fn saturate(value: f32) -> u8 {
    const TWO_POW_23: f32 = 8_388_608.0;
    debug_assert!(value >= 0.0, "{value}");
    let rounded = if value < TWO_POW_23 {
        (value + TWO_POW_23) - TWO_POW_23
    } else {
        value
    };
    rounded.min(255.0) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 5×5 to 2×2 is a factor of 2.5 on both axes. Cell 0 covers pixels 0 and 1 whole and half of pixel 2; cell 1
    /// covers the other half of pixel 2 and pixels 3 and 4 whole. Dividing by the cell width 2.5, the weights per
    /// axis are 0.4, 0.4, 0.2 (pixels 0, 1, 2) and 0.2, 0.4, 0.4 (pixels 2, 3, 4); a target pixel weighs each
    /// source pixel by the product of its row and column weights.
    #[test]
    fn factor_two_and_a_half_weighs_the_cut_middle_pixel_by_a_fifth() {
        let weights = AxisWeights::new(5, 2, 2.5);
        assert_eq!(weights.starts, [0, 3, 6]);
        assert_eq!(weights.sources, [0, 1, 2, 2, 3, 4]);
        assert_eq!(weights.weights, [0.4, 0.4, 0.2, 0.2, 0.4, 0.4]);

        // Pixel (row, column) = 10 row + column. Along an axis the weights average the indices to
        // 0.4·0 + 0.4·1 + 0.2·2 = 0.8 (cell 0) and 0.2·2 + 0.4·3 + 0.4·4 = 3.2 (cell 1), so the targets are
        // 8 + 0.8 = 8.8, 8 + 3.2 = 11.2, 32 + 0.8 = 32.8 and 32 + 3.2 = 35.2, which round to 9, 11, 33, 35.
        let ramp: Vec<u8> = (0..5)
            .flat_map(|row| (0..5).map(move |column| 10 * row + column))
            .collect();
        let mut target = [0u8; 4];
        resize_area(&ramp, 5, 5, &mut target, 2, 2);
        assert_eq!(target, [9, 11, 33, 35]);

        // The middle pixel alone, 250: it is cut by all four cells, each taking 0.2 · 0.2 of it = 10.
        let mut middle = [0u8; 25];
        middle[12] = 250;
        resize_area(&middle, 5, 5, &mut target, 2, 2);
        assert_eq!(target, [10; 4]);

        // A corner pixel, 200, lies whole in its cell: 0.4 · 0.4 · 200 = 32 there, nothing elsewhere.
        let mut corner = [0u8; 25];
        corner[24] = 200;
        resize_area(&corner, 5, 5, &mut target, 2, 2);
        assert_eq!(target, [0, 0, 0, 32]);
    }

    /// Breakout's columns, 160 to 84: cells of 160/84 ≈ 1.905 pixels, the first starting on pixel 0 and the last
    /// ending on pixel 160, weights summing to 1 in each cell.
    #[test]
    fn breakout_columns_cover_every_pixel_once() {
        let weights = AxisWeights::new(160, 84, 1.0 / (84.0 / 160.0));
        assert_eq!(weights.starts.len(), 85);
        assert_eq!(weights.sources[0], 0);
        assert_eq!(*weights.sources.last().unwrap(), 159);
        let mut coverage = vec![0f64; 160];
        for cell in 0..84 {
            let total: f64 = weights.entries(cell).map(|(_, weight)| f64::from(weight)).sum();
            assert!((total - 1.0).abs() < 1e-6, "cell {cell} weighs {total}");
            for (source, weight) in weights.entries(cell) {
                coverage[source] += f64::from(weight) * 160.0 / 84.0;
            }
        }
        assert!(
            coverage.iter().all(|pixels| (pixels - 1.0).abs() < 1e-5),
            "{coverage:?}"
        );
    }

    /// The padded, grouped taps give the same bits as summing each cell's weights in order.
    #[test]
    fn taps_sum_as_the_weights_do() {
        let axis = AxisWeights::new(160, 84, 1.0 / (84.0 / 160.0));
        let taps = Taps::new(&axis);
        let line: Vec<f32> = (0..160u32).map(|index| ((index * 97 + 13) % 256) as f32).collect();
        let mut totals = vec![f32::NAN; taps.padded_cells()];
        taps.shrink(&line, &mut totals);
        for (cell, shrunk) in totals[..84].iter().enumerate() {
            let mut total = 0f32;
            for (source, weight) in axis.entries(cell) {
                total += line[source] * weight;
            }
            assert_eq!(shrunk.to_bits(), total.to_bits(), "cell {cell}");
        }
        assert!(totals[84..].iter().all(|&total| total == 0.0));
    }

    #[test]
    fn a_constant_frame_stays_constant() {
        let resize = AreaResize::new(210, 160, 84, 84);
        let mut target = vec![0u8; 84 * 84];
        for value in 0..=255u8 {
            resize.resize(&vec![value; 210 * 160], &mut target);
            assert!(target.iter().all(|&pixel| pixel == value), "{value} changed");
        }
    }

    /// Integer factors: 2×2 blocks round half up (`(sum + 2) >> 2`), other blocks round `sum · (1/area)` half to
    /// even.
    #[test]
    fn integer_factors_average_blocks() {
        let mut target = [0u8; 2];
        // 2×4 to 1×2: blocks summing 0 + 0 + 1 + 1 = 2 (mean 0.5, up to 1) and 1 + 1 + 2 + 2 = 6 (1.5, up to 2).
        resize_area(&[0, 0, 1, 1, 1, 1, 2, 2], 2, 4, &mut target, 1, 2);
        assert_eq!(target, [1, 2]);
        // 1×4 to 1×2, blocks of two: means 0.5 and 2.5 round to the even 0 and 2.
        resize_area(&[0, 1, 2, 3], 1, 4, &mut target, 1, 2);
        assert_eq!(target, [0, 2]);
        // 3×3 to 1×1: 0 + 1 + … + 8 = 36, times 1/9 = 4.
        let mut one = [0u8; 1];
        resize_area(&[0, 1, 2, 3, 4, 5, 6, 7, 8], 3, 3, &mut one, 1, 1);
        assert_eq!(one, [4]);
    }

    #[test]
    fn equal_sizes_copy() {
        let source: Vec<u8> = (0..12).collect();
        let mut target = [0u8; 12];
        resize_area(&source, 3, 4, &mut target, 3, 4);
        assert_eq!(target[..], source[..]);
    }

    #[test]
    #[should_panic(expected = "enlarging is not supported")]
    fn enlarging_panics() {
        AreaResize::new(84, 84, 210, 160);
    }
}
