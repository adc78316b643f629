//! The taken action's outputs, all that the loss at s reads: a head layer's product restricted to each row's action
//! (with A actions, 1/A of the head's forward product and of both its backward products). The dueling head, where
//! every output depends on every action's advantage, picks them in its combination (`dueling`).

use dfdx::prelude::*;

use crate::agent::network::{contiguous_values, Matrix};
use crate::agent::products::{multiply, multiply_into, Operand, PassLayer};

/// Which outputs a pass keeps: row b's `width` consecutive outputs of action `actions[b]` (the head's outputs are
/// action-major: `width` per action).
#[derive(Debug, Clone, Copy)]
pub struct Taken<'a> {
    pub actions: &'a [usize],
    /// Outputs per action: 1 for a Q-value, C51's atoms.
    pub width: usize,
}

/// The rows that took each of `action_count` actions, in row order.
fn rows_by_action(actions: &[usize], action_count: usize) -> Vec<Vec<usize>> {
    let mut groups = vec![Vec::new(); action_count];
    for (row, action) in actions.iter().enumerate() {
        groups[*action].push(row);
    }
    groups
}

/// The given `rows` of a row-major matrix of `width` columns, in that order, then zero rows up to `padded_rows`, as a
/// matrix of their own.
fn gather_rows(values: &[f32], width: usize, rows: &[usize], padded_rows: usize) -> Vec<f32> {
    let mut gathered = Vec::with_capacity(padded_rows.max(rows.len()) * width);
    for row in rows {
        gathered.extend_from_slice(&values[row * width..(row + 1) * width]);
    }
    gathered.resize(padded_rows.max(rows.len()) * width, 0.0);
    gathered
}

/// The rows an action's group is padded to (with zero rows, whose results are dropped) when fewer took it. On
/// smaller products gemm leaves its general path, where each output is one chain of multiply-adds along the inner
/// dimension, for paths that sum in another order: a matrix-vector product for one row, a sum of at most two outer
/// products when the group is the inner dimension (∂/∂weight), and dot products across vector lanes when rows ×
/// inputs ≤ 256 (∂/∂input). Zero rows add exactly nothing to a chain.
fn padded_rows(taken_rows: usize, inputs: usize) -> usize {
    if taken_rows == 0 {
        0
    } else {
        taken_rows.max(3).max(256 / inputs.max(1) + 1)
    }
}

/// `input · weight + bias` of a head layer (no activation), only each row's taken action's outputs (`rows × width`),
/// as one dfdx op: the rows are grouped by action and each group is multiplied by its action's columns of the weight,
/// read in place. Backward: each action's columns of ∂/∂weight and ∂/∂bias from its own rows (every other row's
/// gradient there is 0), and with `input_gradient` each row's ∂/∂input through its action's columns only.
///
/// Every value is the sum the whole head's product would give, less terms that are exactly 0, in the same order: a
/// gemm output is one chain of multiply-adds along the inner dimension, which a 0 term leaves as it is. So the bits are
/// those of the whole product followed by picking the columns (tested against it).
pub fn taken_dense<T: Tape<f32, Cpu>>(
    input: Matrix<T>,
    layer: &PassLayer,
    taken: Taken,
    input_gradient: bool,
) -> Matrix<T> {
    assert!(!layer.is_factorised(), "a factorised noisy layer has no backward pass");
    let (input, mut tape) = input.split_tape();
    let (rows, inputs) = *input.shape();
    let (outputs, width) = (layer.linear.outputs, taken.width);
    assert_eq!(
        layer.linear.inputs, inputs,
        "a head of {} inputs given rows of {inputs}",
        layer.linear.inputs
    );
    assert_eq!(taken.actions.len(), rows, "one taken action per row");
    assert_eq!(
        outputs % width,
        0,
        "a head of {outputs} outputs read {width} per action"
    );
    let groups = rows_by_action(taken.actions, outputs / width);
    let input_values = contiguous_values(&input);
    let gathered_inputs: Vec<Vec<f32>> = groups
        .iter()
        .map(|group| gather_rows(&input_values, inputs, group, padded_rows(group.len(), inputs)))
        .collect();
    let (weight, bias) = (layer.linear.weight.clone(), &layer.linear.bias);
    let mut values = vec![0.0; rows * width];
    for (action, (group, group_input)) in groups.iter().zip(&gathered_inputs).enumerate() {
        let (first, group_rows) = (action * width, group_input.len() / inputs);
        let mut group_values = Vec::with_capacity(group_rows * width);
        for _ in 0..group_rows {
            group_values.extend_from_slice(&bias[first..first + width]);
        }
        multiply(
            (group_rows, inputs, width),
            Operand::plain(group_input),
            Operand::columns_of(&weight, outputs, first),
            &mut group_values,
            true,
        );
        for (row, row_values) in group.iter().zip(group_values.chunks_exact(width)) {
            values[row * width..(row + 1) * width].copy_from_slice(row_values);
        }
    }
    let out = input.device().tensor_from_vec(values, (rows, width));
    if !T::OWNS_TAPE {
        return out.put_tape(tape);
    }
    let result = out.ghost();
    let input = input_gradient.then(|| input.ghost());
    let sink = layer.gradient_sink();
    tape.add_backward_op(move |gradients| {
        let out_gradient: Vec<f32> = gradients.get_or_alloc_mut(&result)?.to_vec();
        let group_gradients: Vec<Vec<f32>> = groups
            .iter()
            .map(|group| gather_rows(&out_gradient, width, group, padded_rows(group.len(), inputs)))
            .collect();
        sink.add(|layer_gradients, accumulate| {
            for (action, (group_input, group_gradient)) in gathered_inputs.iter().zip(&group_gradients).enumerate() {
                let first = action * width;
                for row in group_gradient.chunks_exact(width) {
                    for (gradient, value) in layer_gradients.bias[first..first + width].iter_mut().zip(row) {
                        *gradient += value;
                    }
                }
                if group_gradient.is_empty() {
                    // No row took this action: its columns' gradients stay as they are (0 on a first use).
                    continue;
                }
                multiply_into(
                    (inputs, group_gradient.len() / width, width),
                    Operand::transpose_of(group_input),
                    Operand::plain(group_gradient),
                    &mut layer_gradients.weight[first..],
                    outputs,
                    accumulate,
                );
            }
        });
        if let Some(input) = &input {
            let input_gradient = gradients.get_or_alloc_mut(input)?;
            for (action, (group, group_gradient)) in groups.iter().zip(&group_gradients).enumerate() {
                let group_rows = group_gradient.len() / width;
                let mut group_input_gradient = vec![0.0; group_rows * inputs];
                multiply(
                    (group_rows, width, inputs),
                    Operand::plain(group_gradient),
                    Operand::transposed_columns_of(&weight, outputs, action * width),
                    &mut group_input_gradient,
                    false,
                );
                for (row, row_gradient) in group.iter().zip(group_input_gradient.chunks_exact(inputs)) {
                    let row_input_gradient = &mut input_gradient[row * inputs..(row + 1) * inputs];
                    for (gradient, value) in row_input_gradient.iter_mut().zip(row_gradient) {
                        *gradient += value;
                    }
                }
            }
        }
        Ok(())
    });
    out.put_tape(tape)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use rand::{Rng, SeedableRng};
    use rand_pcg::Pcg64;

    use super::*;
    use crate::agent::network::Linear;
    use crate::agent::products::{dense, Activation, LayerGradients};

    /// What each way of taking the outputs gave: the outputs, the layer's weight and bias gradients and the input's
    /// gradient, for the loss Σ_b Σ_i c_bi · out_bi.
    struct Taking {
        outputs: Vec<f32>,
        weight: Vec<f32>,
        bias: Vec<f32>,
        input: Vec<f32>,
    }

    fn assert_same_bits(what: &str, want: &[f32], got: &[f32]) {
        assert_eq!(want.len(), got.len(), "{what}: lengths");
        for (index, (want, got)) in want.iter().zip(got).enumerate() {
            assert_eq!(want.to_bits(), got.to_bits(), "{what}[{index}]: {want} vs {got}");
        }
    }

    /// A head of 13 inputs and 4 actions × 7 outputs on 40 rows (enough that the whole head's products take gemm's
    /// general path), its loss weights, and the actions taken (action 3 by none, action 1 by one row).
    fn case() -> (Linear, Vec<f32>, Vec<f32>, Vec<usize>) {
        let (inputs, outputs, rows) = (13, 4 * 7, 40);
        let mut rng = Pcg64::seed_from_u64(5);
        let mut draw = |count: usize| -> Vec<f32> { (0..count).map(|_| rng.gen_range(-2.0..2.0)).collect() };
        let layer = Linear {
            inputs,
            outputs,
            weight: Arc::new(draw(inputs * outputs)),
            bias: Arc::new(draw(outputs)),
        };
        let (input, loss_weights) = (draw(rows * inputs), draw(rows * 7));
        let actions = (0..rows)
            .map(|row| if row == 4 { 1 } else { [0, 2, 2, 0, 2][row % 5] })
            .collect();
        (layer, input, loss_weights, actions)
    }

    /// Runs `take` (the head's taken outputs from the traced input) and the loss's backward pass.
    fn taking(
        take: impl FnOnce(Matrix<OwnedTape<f32, Cpu>>, &PassLayer, Taken) -> Matrix<OwnedTape<f32, Cpu>>,
    ) -> Taking {
        let (linear, input, loss_weights, actions) = case();
        let device = Cpu::default();
        let rows = actions.len();
        let input = device.tensor_from_vec(input, (rows, linear.inputs));
        let layer = PassLayer::new(linear);
        let taken = Taken {
            actions: &actions,
            width: 7,
        };
        let outputs = take(input.clone().leaky_traced(), &layer, taken);
        let values = contiguous_values(&outputs);
        let loss = (outputs * device.tensor_from_vec(loss_weights, (rows, 7))).sum();
        let gradients = loss.backward();
        let LayerGradients { weight, bias } = layer.take_gradients();
        Taking {
            outputs: values,
            weight,
            bias,
            input: gradients.get(&input).as_vec(),
        }
    }

    #[test]
    fn the_taken_head_gives_the_bits_of_the_whole_head_then_dfdxs_select() {
        // The reference: the whole product, then dfdx's own select of each row's action among (rows, actions, width).
        let whole = taking(|input, layer, taken| {
            let outputs = dense(input, layer, Activation::Identity, true);
            let rows = taken.actions.len();
            let actions = Cpu::default().tensor_from_vec(taken.actions.to_vec(), (rows,));
            outputs.reshape_like(&(rows, 4, 7)).select(actions)
        });
        let restricted = taking(|input, layer, taken| taken_dense(input, layer, taken, true));
        assert_same_bits("outputs", &whole.outputs, &restricted.outputs);
        assert_same_bits("weight gradient", &whole.weight, &restricted.weight);
        assert_same_bits("bias gradient", &whole.bias, &restricted.bias);
        assert_same_bits("input gradient", &whole.input, &restricted.input);
        // No row took action 3: its columns get no gradient, and the others do.
        let columns_of =
            |action: usize| (0..13).flat_map(move |input| (0..7).map(move |i| input * 28 + action * 7 + i));
        assert!(columns_of(3).all(|index| restricted.weight[index] == 0.0));
        assert!(columns_of(1).all(|index| restricted.weight[index] != 0.0));
        assert!(restricted.bias[21..].iter().all(|gradient| *gradient == 0.0));
    }
}
