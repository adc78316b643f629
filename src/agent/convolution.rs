//! Convolutions (no padding, any stride) as matrix products over unfolded patches: each output position's
//! `kernel × kernel × channels` inputs become one row, so one product with the filters does the whole layer, whose
//! backward pass is the fully connected layer's (`products::affine_op`), which then adds each patch value's gradient
//! back onto the pixel it came from, so that a convolution after another passes gradients through.
//!
//! Images are stored row by row with the channel fastest (`(y * width + x) * channels + c`, MinAtar's layout and
//! the layout a convolution's output has); the first layer's input may be several such images one after another
//! (a history's stack, oldest first), whose patch rows are then ordered (image, dy, dx, channel).

use dfdx::prelude::*;

use crate::agent::config::Network;
use crate::agent::network::{contiguous_values, Matrix};
use crate::agent::products::{affine_op, Activation, GradientDestination, PassLayer};

/// The convolutions `network` starts with, over `images` stacked images of `(height, width, channels)`; none for
/// an MLP.
pub fn convolutions_of(
    network: Network,
    (height, width, channels): (usize, usize, usize),
    images: usize,
) -> Vec<Convolution> {
    let first = |kernel, stride, filters| Convolution {
        images,
        stride,
        ..Convolution::square(height, width, channels, kernel, filters)
    };
    match network {
        Network::Mlp => Vec::new(),
        Network::MinAtarConv { filters } => vec![first(3, 1, filters)],
        Network::NatureConv => {
            let first = first(8, 4, 32);
            let second = first.then(4, 2, 64);
            let third = second.then(3, 1, 64);
            vec![first, second, third]
        }
    }
}

/// One convolution layer's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Convolution {
    pub height: usize,
    pub width: usize,
    pub channels: usize,
    /// Images stacked one after another in the input (a history's length on the first layer; 1 after it).
    pub images: usize,
    pub kernel: usize,
    pub stride: usize,
    /// Output channels (filters).
    pub filters: usize,
}

impl Convolution {
    /// A 1-image, stride-1 convolution (MinAtar's).
    pub fn square(height: usize, width: usize, channels: usize, kernel: usize, filters: usize) -> Self {
        Convolution {
            height,
            width,
            channels,
            images: 1,
            kernel,
            stride: 1,
            filters,
        }
    }

    /// Whether the kernel fits the input at all.
    pub fn fits(&self) -> bool {
        self.kernel <= self.height && self.kernel <= self.width && self.kernel > 0 && self.stride > 0
    }

    /// (height, width) of the output (one position where the kernel does not fit: check `fits`).
    pub fn output_size(&self) -> (usize, usize) {
        (
            self.height.saturating_sub(self.kernel) / self.stride.max(1) + 1,
            self.width.saturating_sub(self.kernel) / self.stride.max(1) + 1,
        )
    }

    /// The convolution after this one, of `kernel`, `stride` and `filters`, reading this one's output.
    pub fn then(&self, kernel: usize, stride: usize, filters: usize) -> Self {
        let (height, width) = self.output_size();
        Convolution {
            height,
            width,
            channels: self.filters,
            images: 1,
            kernel,
            stride,
            filters,
        }
    }

    /// Output positions per input.
    pub fn positions(&self) -> usize {
        let (height, width) = self.output_size();
        height * width
    }

    /// Values of one input.
    pub fn input_size(&self) -> usize {
        self.images * self.height * self.width * self.channels
    }

    /// Values of one output (positions × filters, filter fastest).
    pub fn output_values(&self) -> usize {
        self.positions() * self.filters
    }

    /// Inputs of one patch.
    pub fn patch_size(&self) -> usize {
        self.images * self.kernel * self.kernel * self.channels
    }

    /// Calls `visit` with the start of each (position, image, dy) row of one input, in patch order: each row is
    /// `kernel × channels` contiguous input values. (Plain loops: an iterator of flat maps here cost a tenth of
    /// an Atari update.)
    fn for_each_row(&self, mut visit: impl FnMut(usize)) {
        let (out_height, out_width) = self.output_size();
        let image_size = self.height * self.width * self.channels;
        for y in 0..out_height {
            for x in 0..out_width {
                for image in 0..self.images {
                    for dy in 0..self.kernel {
                        visit(
                            image * image_size
                                + ((y * self.stride + dy) * self.width + x * self.stride) * self.channels,
                        );
                    }
                }
            }
        }
    }

    /// The patches of `batch` inputs (rows of `input_size`), one row per (input, position), each row ordered
    /// (image, dy, dx, channel): the layout of the convolution's weight rows.
    pub fn unfold(&self, inputs: &[f32], batch: usize) -> Vec<f32> {
        let row = self.kernel * self.channels;
        let mut patches = Vec::with_capacity(batch * self.positions() * self.patch_size());
        for input in inputs.chunks(self.input_size()).take(batch) {
            if row == 8 {
                // Atari's first layer: rows of 8 values, copied as one fixed-size array each; a copy of a slice of
                // unknown length is a call to memmove per row, which cost more than the copies themselves.
                self.for_each_row(|start| {
                    let values: [f32; 8] = input[start..start + 8].try_into().expect("a row of 8 values");
                    patches.extend_from_slice(&values);
                });
            } else {
                self.for_each_row(|start| patches.extend_from_slice(&input[start..start + row]));
            }
        }
        patches
    }

    /// The adjoint of `unfold`: adds each patch value onto the input value it was read from.
    pub fn fold_into(&self, patches: &[f32], inputs: &mut [f32]) {
        let row = self.kernel * self.channels;
        let per_input = self.positions() * self.patch_size();
        for (input, patches) in inputs.chunks_mut(self.input_size()).zip(patches.chunks(per_input)) {
            let mut rows = patches.chunks_exact(row);
            self.for_each_row(|start| {
                let values = rows.next().expect("one patch row per visited row");
                for (value, patch_value) in input[start..start + row].iter_mut().zip(values) {
                    *value += patch_value;
                }
            });
        }
    }

    /// The convolution through `layer` (its filters: `patch_size` inputs, `filters` outputs) and a ReLU, as one
    /// op of the graph: `(batch, input_size) → (batch, positions × filters)`, filter fastest. With
    /// `input_gradient` its backward pass folds the patches' gradient back onto the input (a convolution after
    /// another); without, the input gets none (the observation).
    pub fn apply<T: Tape<f32, Cpu>>(&self, input: Matrix<T>, layer: &PassLayer, input_gradient: bool) -> Matrix<T> {
        let (input, tape) = input.split_tape();
        let batch = input.shape().0;
        assert_eq!(
            input.shape().1,
            self.input_size(),
            "a convolution given inputs of another size"
        );
        let patches = self.unfold(&contiguous_values(&input), batch);
        let destination = if input_gradient {
            GradientDestination::Folded(input.clone(), *self)
        } else {
            GradientDestination::Nowhere
        };
        affine_op(
            patches,
            (batch, self.output_values()),
            input.device(),
            tape,
            layer,
            Activation::Relu,
            destination,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strided_patches_of_stacked_images_read_the_right_pixels() {
        // Two stacked 5×4 images of 2 channels, a 3×3 kernel with stride 2: 2×1 positions, patches of 2·3·3·2 = 36.
        let convolution = Convolution {
            height: 5,
            width: 4,
            channels: 2,
            images: 2,
            kernel: 3,
            stride: 2,
            filters: 1,
        };
        assert_eq!((convolution.output_size(), convolution.patch_size()), ((2, 1), 36));
        let input: Vec<f32> = (0..convolution.input_size()).map(|value| value as f32).collect();
        let pixel = |image: usize, y: usize, x: usize, channel: usize| input[image * 40 + (y * 4 + x) * 2 + channel];
        let patches = convolution.unfold(&input, 1);
        assert_eq!(patches.len(), 2 * 36);
        for (position, (y, x)) in [(0, 0), (2, 0)].into_iter().enumerate() {
            let expected: Vec<f32> = (0..2)
                .flat_map(|image| {
                    (0..3).flat_map(move |dy| (0..3).flat_map(move |dx| (0..2).map(move |c| (image, dy, dx, c))))
                })
                .map(|(image, dy, dx, c)| pixel(image, y + dy, x + dx, c))
                .collect();
            assert_eq!(&patches[position * 36..(position + 1) * 36], expected.as_slice());
        }
    }

    #[test]
    fn folding_is_unfoldings_adjoint() {
        // ⟨unfold(x), p⟩ = ⟨x, fold(p)⟩ for any x and p: what makes fold the gradient of unfold. The pixels that
        // overlapping patches share (stride 1 of a 3×3 kernel) get every patch's share.
        let convolution = Convolution {
            height: 6,
            width: 5,
            channels: 3,
            images: 1,
            kernel: 3,
            stride: 1,
            filters: 1,
        };
        let batch = 2;
        let input: Vec<f32> = (0..batch * convolution.input_size())
            .map(|index| ((index * 37) % 11) as f32 - 5.0)
            .collect();
        let patches_gradient: Vec<f32> = (0..batch * convolution.positions() * convolution.patch_size())
            .map(|index| ((index * 13) % 7) as f32 - 3.0)
            .collect();
        let unfolded = convolution.unfold(&input, batch);
        let left: f32 = unfolded.iter().zip(&patches_gradient).map(|(a, b)| a * b).sum();
        let mut folded = vec![0.0; input.len()];
        convolution.fold_into(&patches_gradient, &mut folded);
        let right: f32 = input.iter().zip(&folded).map(|(a, b)| a * b).sum();
        assert_eq!(left, right);
        // The centre pixel of a 6×5 image is read by all nine 3×3 patches around it; a corner by one.
        let mut counts = vec![0.0; convolution.input_size()];
        convolution.fold_into(
            &vec![1.0; convolution.positions() * convolution.patch_size()],
            &mut counts,
        );
        assert_eq!(counts[(2 * 5 + 2) * 3], 9.0);
        assert_eq!(counts[0], 1.0);
    }

    #[test]
    fn natures_convolutions_turn_84_by_84_into_7_by_7() {
        let [first, second, third] = convolutions_of(Network::NatureConv, (84, 84, 1), 4)[..] else {
            panic!("three convolutions")
        };
        assert_eq!(first.output_size(), (20, 20));
        assert_eq!(second.output_size(), (9, 9));
        assert_eq!(third.output_size(), (7, 7));
        assert_eq!(third.output_values(), 3136);
        assert_eq!(
            (first.patch_size(), second.patch_size(), third.patch_size()),
            (256, 512, 576)
        );
    }
}
