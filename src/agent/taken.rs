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
/// those of the whole product followed by picking the columns (tested against it at the Rainbow study's and Atari's
/// sizes) as long as the head has at most 512 inputs; beyond, gemm cuts the chain into blocks whose size depends on
/// the product's shape, and the values agree up to rounding (MinAtar's paper network, 1,600 inputs).
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

    /// A head's size and the rows it reads.
    #[derive(Clone, Copy)]
    struct Size {
        inputs: usize,
        actions: usize,
        width: usize,
        rows: usize,
    }

    /// A head of `size` with drawn weights, inputs and loss weights, and the actions taken: the last action by no
    /// row, action 1 by row 4 alone.
    fn case(size: Size) -> (Linear, Vec<f32>, Vec<f32>, Vec<usize>) {
        let Size {
            inputs,
            actions,
            width,
            rows,
        } = size;
        let outputs = actions * width;
        let mut rng = Pcg64::seed_from_u64(5);
        let mut draw = |count: usize| -> Vec<f32> { (0..count).map(|_| rng.gen_range(-2.0..2.0)).collect() };
        let layer = Linear {
            inputs,
            outputs,
            weight: Arc::new(draw(inputs * outputs)),
            bias: Arc::new(draw(outputs)),
        };
        let (input, loss_weights) = (draw(rows * inputs), draw(rows * width));
        let taken = (0..rows)
            .map(|row| match (row, row * 5 % (actions - 1)) {
                (4, _) => 1,
                (_, 1) => 0,
                (_, action) => action,
            })
            .collect();
        (layer, input, loss_weights, taken)
    }

    /// Runs `take` (the head's taken outputs from the traced input) and the loss's backward pass.
    fn taking(
        size: Size,
        take: impl FnOnce(Matrix<OwnedTape<f32, Cpu>>, &PassLayer, Taken) -> Matrix<OwnedTape<f32, Cpu>>,
    ) -> Taking {
        let (linear, input, loss_weights, actions) = case(size);
        let device = Cpu::default();
        let rows = actions.len();
        let input = device.tensor_from_vec(input, (rows, linear.inputs));
        let layer = PassLayer::new(linear);
        let taken = Taken {
            actions: &actions,
            width: size.width,
        };
        let outputs = take(input.clone().leaky_traced(), &layer, taken);
        let values = contiguous_values(&outputs);
        let loss = (outputs * device.tensor_from_vec(loss_weights, (rows, size.width))).sum();
        let gradients = loss.backward();
        let LayerGradients { weight, bias } = layer.take_gradients();
        Taking {
            outputs: values,
            weight,
            bias,
            input: gradients.get(&input).as_vec(),
        }
    }

    /// The whole head's products, then dfdx's own select of each row's action among (rows, actions, width); and the
    /// taken head's.
    fn whole_and_taken(size: Size) -> (Taking, Taking) {
        let whole = taking(size, |input, layer, taken| {
            let outputs = dense(input, layer, Activation::Identity, true);
            let rows = taken.actions.len();
            let actions = Cpu::default().tensor_from_vec(taken.actions.to_vec(), (rows,));
            outputs.reshape_like(&(rows, size.actions, size.width)).select(actions)
        });
        let restricted = taking(size, |input, layer, taken| taken_dense(input, layer, taken, true));
        (whole, restricted)
    }

    fn assert_same_takings(whole: &Taking, restricted: &Taking) {
        assert_same_bits("outputs", &whole.outputs, &restricted.outputs);
        assert_same_bits("weight gradient", &whole.weight, &restricted.weight);
        assert_same_bits("bias gradient", &whole.bias, &restricted.bias);
        assert_same_bits("input gradient", &whole.input, &restricted.input);
    }

    #[test]
    fn the_taken_head_gives_the_bits_of_the_whole_head_then_dfdxs_select() {
        // 40 rows: enough that the whole head's products take gemm's general path, which groups of 1 and about 20
        // rows would leave unpadded.
        let size = Size {
            inputs: 13,
            actions: 4,
            width: 7,
            rows: 40,
        };
        let (whole, restricted) = whole_and_taken(size);
        assert_same_takings(&whole, &restricted);
        // No row took action 3: its columns get no gradient, and the others do.
        let columns_of =
            |action: usize| (0..13).flat_map(move |input| (0..7).map(move |i| input * 28 + action * 7 + i));
        assert!(columns_of(3).all(|index| restricted.weight[index] == 0.0));
        assert!(columns_of(1).all(|index| restricted.weight[index] != 0.0));
        assert!(restricted.bias[21..].iter().all(|gradient| *gradient == 0.0));
    }

    #[test]
    fn the_taken_head_gives_the_whole_heads_bits_at_the_studys_and_atari_sizes() {
        // 512 features to CartPole's 2 actions × 101 atoms, LunarLander's 4 × 51 and a full Atari action set's
        // 18 × 51 (the whole head's input gradient then sums over 918 outputs) at batch 128.
        for (actions, width) in [(2, 101), (4, 51), (18, 51)] {
            let size = Size {
                inputs: 512,
                actions,
                width,
                rows: 128,
            };
            let (whole, restricted) = whole_and_taken(size);
            assert_same_takings(&whole, &restricted);
        }
    }

    #[test]
    fn past_gemms_inner_block_the_taken_head_agrees_with_the_whole_head_up_to_rounding() {
        // MinAtar's paper network: 1,600 features straight to 6 actions × 51 atoms at batch 32. gemm sums an inner
        // dimension beyond 512 in blocks whose size depends on the product's shape, so the smaller products of the
        // taken head add the same terms in other blocks: the same values up to rounding, not the same bits.
        let size = Size {
            inputs: 1600,
            actions: 6,
            width: 51,
            rows: 32,
        };
        let (whole, restricted) = whole_and_taken(size);
        for (what, want, got) in [
            ("outputs", &whole.outputs, &restricted.outputs),
            ("weight gradient", &whole.weight, &restricted.weight),
            ("bias gradient", &whole.bias, &restricted.bias),
            ("input gradient", &whole.input, &restricted.input),
        ] {
            assert_eq!(want.len(), got.len(), "{what}");
            let scale = want.iter().fold(0.0f32, |largest, value| largest.max(value.abs()));
            for (index, (want, got)) in want.iter().zip(got.iter()).enumerate() {
                assert!((want - got).abs() <= 1e-5 * scale, "{what}[{index}]: {want} vs {got}");
            }
        }
        assert_ne!(
            whole.outputs, restricted.outputs,
            "the blocks fell alike: test the bits instead"
        );
    }
}
