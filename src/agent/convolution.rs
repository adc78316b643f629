//! Convolutions (no padding, any stride) as matrix products over unfolded patches: each output position's
//! `kernel × kernel × channels` inputs become one row, so one product with the filters does the whole layer, whose
//! backward pass is the fully connected layer's (`products::dense`). The unfolding itself is an op of the graph
//! (its backward pass adds each patch value's gradient back onto the pixel it came from), so that a convolution
//! after another passes gradients through.
//!
//! Images are stored row by row with the channel fastest (`(y * width + x) * channels + c`, MinAtar's layout and
//! the layout a convolution's output has); the first layer's input may be several such images one after another
//! (a history's stack, oldest first), whose patch rows are then ordered (image, dy, dx, channel).

use dfdx::prelude::*;

use crate::agent::config::Network;
use crate::agent::network::{contiguous_values, Matrix};

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

    /// For each (position, image, dy) of one input, in patch order, where its `kernel × channels` contiguous input
    /// values start.
    fn row_starts(&self) -> impl Iterator<Item = usize> + '_ {
        let (out_height, out_width) = self.output_size();
        let image_size = self.height * self.width * self.channels;
        (0..out_height).flat_map(move |y| {
            (0..out_width).flat_map(move |x| {
                (0..self.images).flat_map(move |image| {
                    (0..self.kernel).map(move |dy| {
                        image * image_size + ((y * self.stride + dy) * self.width + x * self.stride) * self.channels
                    })
                })
            })
        })
    }

    /// The patches of `batch` inputs (rows of `input_size`), one row per (input, position), each row ordered
    /// (image, dy, dx, channel): the layout of the convolution's weight rows.
    pub fn unfold(&self, inputs: &[f32], batch: usize) -> Vec<f32> {
        let row = self.kernel * self.channels;
        let mut patches = Vec::with_capacity(batch * self.positions() * self.patch_size());
        for input in inputs.chunks(self.input_size()).take(batch) {
            for start in self.row_starts() {
                patches.extend_from_slice(&input[start..start + row]);
            }
        }
        patches
    }

    /// The adjoint of `unfold`: adds each patch value onto the input value it was read from.
    pub fn fold_into(&self, patches: &[f32], inputs: &mut [f32]) {
        let row = self.kernel * self.channels;
        let per_input = self.positions() * self.patch_size();
        for (input, patches) in inputs.chunks_mut(self.input_size()).zip(patches.chunks(per_input)) {
            for (start, values) in self.row_starts().zip(patches.chunks_exact(row)) {
                for (value, patch_value) in input[start..start + row].iter_mut().zip(values) {
                    *value += patch_value;
                }
            }
        }
    }

    /// `unfold` as an op of the graph: `(batch, input_size) → (batch × positions, patch_size)`, whose backward
    /// pass folds the patches' gradient back onto the input.
    pub fn unfold_traced<T: Tape<f32, Cpu>>(&self, input: Matrix<T>) -> Matrix<T> {
        let (input, mut tape) = input.split_tape();
        let batch = input.shape().0;
        assert_eq!(
            input.shape().1,
            self.input_size(),
            "a convolution given inputs of another size"
        );
        let patches = self.unfold(&contiguous_values(&input), batch);
        let out = input
            .device()
            .tensor_from_vec(patches, (batch * self.positions(), self.patch_size()));
        if T::OWNS_TAPE {
            let (input_ghost, result, convolution) = (input.ghost(), out.ghost(), *self);
            tape.add_backward_op(move |gradients| {
                let patch_gradient = gradients.get_or_alloc_mut(&result)?.to_vec();
                convolution.fold_into(&patch_gradient, gradients.get_or_alloc_mut(&input_ghost)?);
                Ok(())
            });
        }
        out.put_tape(tape)
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
