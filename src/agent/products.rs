//! The network's matrix products: one fully connected layer (`activation(x · W + b)`) as a single dfdx op whose
//! forward and backward passes call the gemm crate directly, and the plain product the benchmark's roofline times.
//!
//! dfdx 0.13's own `matmul` calls gemm 0.15, whose f32 kernels reach about half of this machine's peak on the
//! Rainbow study's 512-wide layers; gemm 0.19 reaches about 0.85 on the same shapes. dfdx pins its gemm, so the layer
//! is an op of its own here: the products, the bias and the ReLU in one pass, and a backward pass that skips the
//! input's gradient where nothing reads it (the observation, the convolution's patches).

use std::sync::{Arc, Mutex};

use dfdx::prelude::*;

use crate::agent::convolution::Convolution;
use crate::agent::network::{contiguous_values, Linear, Matrix, Values};

/// One operand of a product: `rows × columns` values, stored row-major, or stored as its transpose (row-major
/// `columns × rows`), which is how the backward pass reads the layer's input and weight; or a block of consecutive
/// columns of a wider row-major matrix (or that block's transpose), which is how the taken action's head reads its
/// action's columns of the weight.
#[derive(Debug, Clone, Copy)]
pub struct Operand<'a> {
    pub values: &'a [f32],
    pub transposed: bool,
    /// `Some((stored columns, first column))` for a block of the stored matrix's columns.
    block: Option<(usize, usize)>,
}

impl<'a> Operand<'a> {
    /// A row-major operand.
    pub fn plain(values: &'a [f32]) -> Self {
        Operand {
            values,
            transposed: false,
            block: None,
        }
    }

    /// The transpose of a row-major matrix, read in place.
    pub fn transpose_of(values: &'a [f32]) -> Self {
        Operand {
            values,
            transposed: true,
            block: None,
        }
    }

    /// The columns from `first` on of a row-major matrix of `stored_columns` columns (as many as the product
    /// reads), read in place.
    pub fn columns_of(values: &'a [f32], stored_columns: usize, first: usize) -> Self {
        Operand {
            block: Some((stored_columns, first)),
            ..Operand::plain(values)
        }
    }

    /// The transpose of the block `columns_of` would read, read in place.
    pub fn transposed_columns_of(values: &'a [f32], stored_columns: usize, first: usize) -> Self {
        Operand {
            block: Some((stored_columns, first)),
            ..Operand::transpose_of(values)
        }
    }

    /// Where a `rows × columns` view starts in `values`, and its (row stride, column stride); panics where the
    /// stored matrix does not hold the view.
    fn view(&self, rows: usize, columns: usize) -> (*const f32, isize, isize) {
        // The stored matrix is row-major; as stored, the view is `rows × columns`, or `columns × rows` transposed.
        let (stored_rows, used_columns) = if self.transposed {
            (columns, rows)
        } else {
            (rows, columns)
        };
        let (stored_columns, first) = self.block.unwrap_or((used_columns, 0));
        assert!(
            first + used_columns <= stored_columns && self.values.len() == stored_rows * stored_columns,
            "an operand of {stored_rows} stored rows of {stored_columns} values, columns {first}..{} read, given {} values",
            first + used_columns,
            self.values.len()
        );
        let pointer = self.values[first..].as_ptr();
        let stored_columns = stored_columns as isize;
        if self.transposed {
            (pointer, 1, stored_columns)
        } else {
            (pointer, stored_columns, 1)
        }
    }
}

/// `out = left · right` (or `out += left · right` with `accumulate`), `left` being `rows × inner`, `right`
/// `inner × columns` and `out` row-major `rows × columns`; one thread (a batch's runs share the cores instead).
pub fn multiply(
    (rows, inner, columns): (usize, usize, usize),
    left: Operand,
    right: Operand,
    out: &mut [f32],
    accumulate: bool,
) {
    assert_eq!(out.len(), rows * columns, "result of a {rows}×{columns} product");
    multiply_into((rows, inner, columns), left, right, out, columns, accumulate);
}

/// `multiply` into the first `columns` columns of a row-major matrix of `stored_columns` columns (`out` starts at
/// the block's first value): the taken action's head writes its action's block of the weight's gradient in place.
pub fn multiply_into(
    (rows, inner, columns): (usize, usize, usize),
    left: Operand,
    right: Operand,
    out: &mut [f32],
    stored_columns: usize,
    accumulate: bool,
) {
    let (left, left_row_stride, left_column_stride) = left.view(rows, inner);
    let (right, right_row_stride, right_column_stride) = right.view(inner, columns);
    assert!(
        columns <= stored_columns && (rows == 0 || out.len() >= (rows - 1) * stored_columns + columns),
        "result of a {rows}×{columns} product in rows of {stored_columns} values, given {} values",
        out.len()
    );
    // SAFETY: `view` checked that each operand's buffer holds the matrix its pointer and strides describe, the
    // assertion above that `out` holds the result's rows, and `out` is borrowed mutably, so it aliases neither
    // operand.
    unsafe {
        gemm::gemm(
            rows,
            columns,
            inner,
            out.as_mut_ptr(),
            1,
            stored_columns as isize,
            accumulate,
            left,
            left_column_stride,
            left_row_stride,
            right,
            right_column_stride,
            right_row_stride,
            1.0,
            1.0,
            false,
            false,
            false,
            gemm::Parallelism::None,
        );
    }
}

/// What follows a layer's bias.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activation {
    /// Nothing (the head).
    Identity,
    /// max(x, 0) (hidden layers).
    Relu,
}

/// The gradients of one layer's weight and bias.
#[derive(Debug, Clone, Default)]
pub struct LayerGradients {
    pub weight: Vec<f32>,
    pub bias: Vec<f32>,
}

/// A noisy layer's noise term kept factorised: it adds `((x ∘ f_in) · scale_weight + scale_bias) ∘ f_out` to
/// `x · mean_weight + mean_bias`, which is `x · (mean + scale ∘ f_in f_outᵀ) + bias` without making that matrix.
#[derive(Debug, Clone)]
pub struct FactorisedNoise {
    pub weight_scale: Values,
    pub bias_scale: Values,
    /// f(ε_i) per input and f(ε_j) per output.
    pub input_noise: Vec<f32>,
    pub output_noise: Vec<f32>,
}

/// A layer as one pass uses it, and where that pass's backward leaves the layer's parameter gradients. The
/// parameters are not dfdx tensors (their buffers are shared with the network, see `network::Values`), so their
/// gradients do not live in dfdx's gradient store but here, summed over every use of the layer in the pass.
#[derive(Debug)]
pub struct PassLayer {
    pub linear: Linear,
    /// `Some` (passes without a graph only): `linear` is a noisy layer's mean and this its noise term.
    noise: Option<FactorisedNoise>,
    gradients: Arc<Mutex<LayerGradients>>,
}

impl PassLayer {
    pub fn new(linear: Linear) -> Self {
        PassLayer {
            linear,
            noise: None,
            gradients: Arc::default(),
        }
    }

    /// A noisy layer as its `mean` and its factorised `noise`: for passes on a few rows without a graph (acting),
    /// where making `mean + scale ∘ noise` would read and write the whole matrix for one row's product.
    pub fn factorised(mean: Linear, noise: FactorisedNoise) -> Self {
        PassLayer {
            noise: Some(noise),
            ..PassLayer::new(mean)
        }
    }

    /// Where a backward pass through this layer adds its gradients (its op's closure keeps it).
    pub fn gradient_sink(&self) -> GradientSink {
        GradientSink {
            gradients: self.gradients.clone(),
            sizes: (self.linear.weight.len(), self.linear.bias.len()),
        }
    }

    /// Whether the layer is a noisy layer kept factorised (no backward pass).
    pub fn is_factorised(&self) -> bool {
        self.noise.is_some()
    }

    /// The gradients the backward pass left (zero where it reached nothing), taken out of the pass.
    pub fn take_gradients(&self) -> LayerGradients {
        let mut gradients = std::mem::take(&mut *self.gradients.lock().expect("no backward pass panicked"));
        gradients.weight.resize(self.linear.weight.len(), 0.0);
        gradients.bias.resize(self.linear.bias.len(), 0.0);
        gradients
    }
}

/// A pass layer's gradients as its ops' backward passes see them.
pub struct GradientSink {
    gradients: Arc<Mutex<LayerGradients>>,
    /// The weight's and the bias's number of values.
    sizes: (usize, usize),
}

impl GradientSink {
    /// Calls `add` with the layer's gradients, sized (zeros at first), and whether they already hold an earlier
    /// use's (the first use of the layer in the pass writes its gradients, a later one adds to them).
    pub fn add(&self, add: impl FnOnce(&mut LayerGradients, bool)) {
        let mut gradients = self.gradients.lock().expect("no backward pass panicked");
        let accumulate = !gradients.weight.is_empty();
        gradients.weight.resize(self.sizes.0, 0.0);
        gradients.bias.resize(self.sizes.1, 0.0);
        add(&mut gradients, accumulate);
    }
}

/// `activation(input · weight + bias)` for a batch of rows, as one dfdx op. Backward: ∂/∂pre = ∂/∂out where the
/// ReLU passed (everywhere without it); ∂/∂weight += inputᵀ · ∂/∂pre; ∂/∂bias += the column sums of ∂/∂pre (both
/// into the pass layer's gradients); and, with `input_gradient`, ∂/∂input += ∂/∂pre · weightᵀ (without it the
/// input gets no gradient: pass `false` only where nothing upstream learns). Skipping the ReLU's `0 · ∂/∂out`
/// changes no bit: the sums it would add to start from +0.
pub fn dense<T: Tape<f32, Cpu>>(
    input: Matrix<T>,
    layer: &PassLayer,
    activation: Activation,
    input_gradient: bool,
) -> Matrix<T> {
    let (input, tape) = input.split_tape();
    let rows = input.shape().0;
    let destination = if input_gradient {
        GradientDestination::Input(input.clone())
    } else {
        GradientDestination::Nowhere
    };
    let values = contiguous_values(&input);
    affine_op(
        values,
        (rows, layer.linear.outputs),
        input.device(),
        tape,
        layer,
        activation,
        destination,
    )
}

/// Where a layer's backward pass sends the gradient of its input rows.
pub enum GradientDestination {
    /// Nowhere: nothing before the layer learns (the observation).
    Nowhere,
    /// To the tensor the rows were read from.
    Input(Matrix),
    /// The rows are a convolution's patches of that tensor: each patch value's gradient is added back onto the
    /// value it was read from (`Convolution::fold_into`).
    Folded(Matrix, Convolution),
}

/// The op behind `dense` and the convolutions: `activation(input · weight + bias)` on the rows in `input_values`
/// (`rows × layer.inputs`, moved in: the backward pass keeps them), as a tensor of `shape` (`rows × outputs`
/// values, laid out as `shape` reads them), on `tape`.
pub fn affine_op<T: Tape<f32, Cpu>>(
    input_values: Vec<f32>,
    shape: (usize, usize),
    device: &Cpu,
    mut tape: T,
    layer: &PassLayer,
    activation: Activation,
    destination: GradientDestination,
) -> Matrix<T> {
    let Linear { inputs, outputs, .. } = layer.linear;
    assert_eq!(
        input_values.len() % inputs,
        0,
        "a layer of {inputs} inputs given rows of another size"
    );
    let rows = input_values.len() / inputs;
    assert_eq!(
        rows * outputs,
        shape.0 * shape.1,
        "the output's shape holds rows × outputs values"
    );
    let mut values = affine(
        &input_values,
        (rows, inputs, outputs),
        &layer.linear.weight,
        &layer.linear.bias,
    );
    if let Some(noise) = &layer.noise {
        assert!(!T::OWNS_TAPE, "a factorised noisy layer has no backward pass");
        add_factorised_noise(&input_values, rows, noise, &mut values);
    }
    // Where the ReLU passed the gradient (its input was positive); empty without one.
    let mut passed = Vec::new();
    if activation == Activation::Relu {
        passed = values.iter().map(|value| *value > 0.0).collect();
        for value in &mut values {
            *value = value.max(0.0);
        }
    }
    let out = device.tensor_from_vec(values, shape);
    if !T::OWNS_TAPE {
        return out.put_tape(tape);
    }
    let result = out.ghost();
    let (weight, sink) = (layer.linear.weight.clone(), layer.gradient_sink());
    // Only the input's identity is kept: its values are not needed for its gradient.
    let (input, fold) = match destination {
        GradientDestination::Nowhere => (None, None),
        GradientDestination::Input(input) => (Some(input.ghost()), None),
        GradientDestination::Folded(input, convolution) => (Some(input.ghost()), Some(convolution)),
    };
    tape.add_backward_op(move |gradients| {
        let mut pre_gradient: Vec<f32> = gradients.get_or_alloc_mut(&result)?.to_vec();
        if !passed.is_empty() {
            // A select, not a branch: whether a unit passed is a coin flip the branch predictor kept missing (this
            // loop was 8% of a CleanRL-settings run); as a select it vectorises.
            for (gradient, passed) in pre_gradient.iter_mut().zip(&passed) {
                *gradient = if *passed { *gradient } else { 0.0 };
            }
        }
        sink.add(|gradients, accumulate| {
            for row in pre_gradient.chunks_exact(outputs) {
                for (gradient, pre) in gradients.bias.iter_mut().zip(row) {
                    *gradient += pre;
                }
            }
            multiply(
                (inputs, rows, outputs),
                Operand::transpose_of(&input_values),
                Operand::plain(&pre_gradient),
                &mut gradients.weight,
                accumulate,
            );
        });
        let input_gradient_of = |out: &mut [f32], accumulate: bool| {
            multiply(
                (rows, outputs, inputs),
                Operand::plain(&pre_gradient),
                Operand::transpose_of(&weight),
                out,
                accumulate,
            )
        };
        match (&input, fold) {
            (None, _) => {}
            (Some(input), None) => input_gradient_of(gradients.get_or_alloc_mut(input)?, true),
            (Some(input), Some(convolution)) => {
                let mut patches_gradient = vec![0.0; rows * inputs];
                input_gradient_of(&mut patches_gradient, false);
                convolution.fold_into(&patches_gradient, gradients.get_or_alloc_mut(input)?);
            }
        }
        Ok(())
    });
    out.put_tape(tape)
}

/// `input · weight + bias` for `rows` rows of `inputs` values (row-major, `rows × outputs`): each row starts as the
/// bias and the product is added onto it.
fn affine(input: &[f32], (rows, inputs, outputs): (usize, usize, usize), weight: &[f32], bias: &[f32]) -> Vec<f32> {
    let mut values = Vec::with_capacity(rows * outputs);
    for _ in 0..rows {
        values.extend_from_slice(bias);
    }
    multiply(
        (rows, inputs, outputs),
        Operand::plain(input),
        Operand::plain(weight),
        &mut values,
        true,
    );
    values
}

/// `values += ((input ∘ f_in) · scale_weight + scale_bias) ∘ f_out` on `rows` rows.
fn add_factorised_noise(input: &[f32], rows: usize, noise: &FactorisedNoise, values: &mut [f32]) {
    let (inputs, outputs) = (noise.input_noise.len(), noise.output_noise.len());
    let noisy_input: Vec<f32> = input
        .chunks_exact(inputs)
        .flat_map(|row| row.iter().zip(&noise.input_noise).map(|(value, noise)| value * noise))
        .collect();
    let term = affine(
        &noisy_input,
        (rows, inputs, outputs),
        &noise.weight_scale,
        &noise.bias_scale,
    );
    for (value_row, term_row) in values.chunks_exact_mut(outputs).zip(term.chunks_exact(outputs)) {
        for ((value, term), noise) in value_row.iter_mut().zip(term_row).zip(&noise.output_noise) {
            *value += term * noise;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn products_read_transposed_operands_in_place() {
        // left 2×3, right 3×2, by hand: [[1,2,3],[4,5,6]] · [[1,0],[0,1],[1,1]] = [[4,5],[10,11]].
        let left = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let right = [1.0, 0.0, 0.0, 1.0, 1.0, 1.0];
        let mut out = vec![0.0; 4];
        multiply(
            (2, 3, 2),
            Operand::plain(&left),
            Operand::plain(&right),
            &mut out,
            false,
        );
        assert_eq!(out, vec![4.0, 5.0, 10.0, 11.0]);
        // The same product from the transposes as stored: leftᵀ is 3×2 row-major, rightᵀ 2×3.
        let left_transposed = [1.0, 4.0, 2.0, 5.0, 3.0, 6.0];
        let right_transposed = [1.0, 0.0, 1.0, 0.0, 1.0, 1.0];
        let mut again = vec![1.0; 4];
        multiply(
            (2, 3, 2),
            Operand::transpose_of(&left_transposed),
            Operand::transpose_of(&right_transposed),
            &mut again,
            true,
        );
        // Accumulated onto the ones already there.
        assert_eq!(again, vec![5.0, 6.0, 11.0, 12.0]);
    }

    /// A pass layer of `weight` (2 × 2) and `bias`.
    fn layer(weight: Vec<f32>, bias: Vec<f32>) -> PassLayer {
        PassLayer::new(Linear {
            inputs: 2,
            outputs: 2,
            weight: Arc::new(weight),
            bias: Arc::new(bias),
        })
    }

    #[test]
    fn a_dense_layers_gradients_match_a_hand_computation() {
        let device = Cpu::default();
        // x = [[1, -2]], W = [[1, 2], [3, 4]], b = [0.5, -20]: pre = [1 - 6 + 0.5, 2 - 8 - 20] = [-4.5, -26] with
        // identity; loss = sum of outputs, so ∂/∂pre = [1, 1], ∂W = xᵀ·[1, 1], ∂b = [1, 1], ∂x = [1 + 2, 3 + 4].
        let input = device.tensor_from_vec(vec![1.0f32, -2.0], (1, 2));
        let identity = layer(vec![1.0, 2.0, 3.0, 4.0], vec![0.5, -20.0]);
        let out = dense(input.clone().leaky_traced(), &identity, Activation::Identity, true);
        assert_eq!(contiguous_values(&out), vec![-4.5, -26.0]);
        let gradients = out.sum().backward();
        let LayerGradients { weight, bias } = identity.take_gradients();
        assert_eq!((weight, bias), (vec![1.0, 1.0, -2.0, -2.0], vec![1.0, 1.0]));
        assert_eq!(gradients.get(&input).as_vec(), vec![3.0, 7.0]);
        // With a ReLU and b = [5.5, -20]: pre = [0.5, -26], only the first output passes, ∂/∂pre = [1, 0],
        // ∂W = xᵀ·[1, 0], ∂x = [1, 3] (the first column of W).
        let relu = layer(vec![1.0, 2.0, 3.0, 4.0], vec![5.5, -20.0]);
        let out = dense(input.clone().leaky_traced(), &relu, Activation::Relu, true);
        assert_eq!(contiguous_values(&out), vec![0.5, 0.0]);
        let gradients = out.sum().backward();
        let LayerGradients { weight, bias } = relu.take_gradients();
        assert_eq!((weight, bias), (vec![1.0, 0.0, -2.0, 0.0], vec![1.0, 0.0]));
        assert_eq!(gradients.get(&input).as_vec(), vec![1.0, 3.0]);
    }

    #[test]
    fn a_layer_used_twice_in_a_pass_sums_its_gradients_and_the_first_layer_passes_none_back() {
        let device = Cpu::default();
        // y = (x·W + b)·W + b on one row, W = I, b = 0: ∂Σy/∂W = x₁ᵀ·1 + x₂ᵀ·1 with x₁ = x = [1, 2] and x₂ = x·W = x,
        // so every entry of ∂W is summed twice: rows [1, 1] + [1, 1] and [2, 2] + [2, 2]; ∂b = [2, 2].
        let twice = layer(vec![1.0, 0.0, 0.0, 1.0], vec![0.0, 0.0]);
        let input = device.tensor_from_vec(vec![1.0f32, 2.0], (1, 2));
        let hidden = dense(input.clone().leaky_traced(), &twice, Activation::Identity, false);
        let out = dense(hidden, &twice, Activation::Identity, true);
        let mut gradients = out.sum().backward();
        let LayerGradients { weight, bias } = twice.take_gradients();
        assert_eq!((weight, bias), (vec![2.0, 2.0, 4.0, 4.0], vec![2.0, 2.0]));
        // The first use was told its input needs no gradient: the observation gets none (a fresh zero buffer when
        // asked; it would be [2, 2] had it been passed back).
        let input_gradient = gradients.get_or_alloc_mut(&input).unwrap().to_vec();
        assert_eq!(input_gradient, vec![0.0, 0.0]);
    }
}
