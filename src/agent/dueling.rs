//! trick: dueling — the head's two streams combined, Q = V + A − mean over actions of A (per atom with C51), as one
//! dfdx op. dfdx's broadcasts, sum and mean walk an N-dimensional index per element: written with them, the
//! combination was a twentieth of a LunarLander Rainbow run.

use dfdx::prelude::*;

use crate::agent::network::{contiguous_values, Matrix};
use crate::agent::taken::Taken;

/// The dueling combination of `value` (rows × atoms: V per atom, one atom for Q-values) and `advantage` (rows ×
/// actions·atoms, action-major): logit(a, i) = (V(i) + A(a, i)) − mean_a A(·, i), all of them (rows × actions·atoms)
/// or with `taken` each row's taken action's (rows × atoms). Backward: ∂/∂V(i) is the sum over actions of ∂/∂logit(·,
/// i); ∂/∂A(a, i) is ∂/∂logit(a, i) minus the mean over actions of ∂/∂logit(·, i).
///
/// Each value is computed as dfdx's ops computed it — the mean as the sum over actions from 0, in action order,
/// times 1/actions; V + A first, then the mean subtracted; the gradients summed in the same order, each buffer from
/// 0 — so the bits are theirs (tested against them).
pub fn dueling<T: Tape<f32, Cpu> + Merge<T>>(
    value: Matrix<T>,
    advantage: Matrix<T>,
    taken: Option<Taken>,
) -> Matrix<T> {
    let (value, value_tape) = value.split_tape();
    let (advantage, advantage_tape) = advantage.split_tape();
    let mut tape = value_tape.merge(advantage_tape);
    let (rows, atoms) = *value.shape();
    let columns = advantage.shape().1;
    assert_eq!(advantage.shape().0, rows, "the two streams read the same rows");
    assert_eq!(
        columns % atoms,
        0,
        "an advantage of {columns} outputs for {atoms} atoms"
    );
    let actions = columns / atoms;
    let inverse = (1.0 / actions as f64) as f32;
    let (values, advantages) = (contiguous_values(&value), contiguous_values(&advantage));
    let mut means = vec![0.0f32; rows * atoms];
    for (mean, row) in means.chunks_exact_mut(atoms).zip(advantages.chunks_exact(columns)) {
        for action in row.chunks_exact(atoms) {
            for (mean, advantage) in mean.iter_mut().zip(action) {
                *mean += advantage;
            }
        }
        for mean in mean.iter_mut() {
            *mean *= inverse;
        }
    }
    let logit = |row: usize, action: usize, atom: usize| {
        let index = row * atoms + atom;
        (values[index] + advantages[row * columns + action * atoms + atom]) - means[index]
    };
    let logits: Vec<f32> = match taken {
        Some(taken) => {
            assert_eq!(taken.actions.len(), rows, "one taken action per row");
            assert_eq!(taken.width, atoms, "the taken action's outputs are its atoms");
            let mut logits = Vec::with_capacity(rows * atoms);
            for (row, action) in taken.actions.iter().enumerate() {
                logits.extend((0..atoms).map(|atom| logit(row, *action, atom)));
            }
            logits
        }
        None => (0..rows * columns)
            .map(|index| logit(index / columns, index % columns / atoms, index % atoms))
            .collect(),
    };
    let shape = (rows, logits.len() / rows.max(1));
    let out = value.device().tensor_from_vec(logits, shape);
    let (value, advantage, result) = (value.ghost(), advantage.ghost(), out.ghost());
    let taken_actions = taken.map(|taken| taken.actions.to_vec());
    tape.add_backward_op(move |gradients| {
        let out_gradient: Vec<f32> = gradients.get_or_alloc_mut(&result)?.to_vec();
        // ∂/∂logit for every action and atom (0 where a row did not take the action); `0.0 +` as dfdx's buffers
        // start from 0 (it makes a −0 +0, and changes nothing else).
        let logit_gradient: Vec<f32> = match &taken_actions {
            Some(actions) => {
                let mut full = vec![0.0f32; rows * columns];
                let rows_gradient = out_gradient.chunks_exact(atoms).zip(actions);
                for (row, (row_gradient, action)) in rows_gradient.enumerate() {
                    let start = row * columns + action * atoms;
                    for (full, gradient) in full[start..start + atoms].iter_mut().zip(row_gradient) {
                        *full = 0.0 + gradient;
                    }
                }
                full
            }
            None => out_gradient.iter().map(|gradient| 0.0 + gradient).collect(),
        };
        // −mean over actions of ∂/∂logit(·, i): the gradient that reaches the mean, from 0, times 1/actions.
        let mut mean_gradient = vec![0.0f32; rows * atoms];
        for (mean, row) in mean_gradient
            .chunks_exact_mut(atoms)
            .zip(logit_gradient.chunks_exact(columns))
        {
            for action in row.chunks_exact(atoms) {
                for (mean, gradient) in mean.iter_mut().zip(action) {
                    *mean += -gradient;
                }
            }
            for mean in mean.iter_mut() {
                *mean = 0.0 + *mean * inverse;
            }
        }
        let value_gradient = gradients.get_or_alloc_mut(&value)?;
        for (value, row) in value_gradient
            .chunks_exact_mut(atoms)
            .zip(logit_gradient.chunks_exact(columns))
        {
            for action in row.chunks_exact(atoms) {
                for (value, gradient) in value.iter_mut().zip(action) {
                    *value += gradient;
                }
            }
        }
        let advantage_gradient = gradients.get_or_alloc_mut(&advantage)?;
        let rows_gradient = advantage_gradient
            .chunks_exact_mut(columns)
            .zip(logit_gradient.chunks_exact(columns));
        for ((advantage, row), mean) in rows_gradient.zip(mean_gradient.chunks_exact(atoms)) {
            for (advantage, gradient) in advantage.chunks_exact_mut(atoms).zip(row.chunks_exact(atoms)) {
                for ((advantage, gradient), mean) in advantage.iter_mut().zip(gradient).zip(mean) {
                    *advantage += gradient;
                    *advantage += mean;
                }
            }
        }
        Ok(())
    });
    out.put_tape(tape)
}

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};
    use rand_pcg::Pcg64;

    use super::*;

    /// The combination written with dfdx's own ops (as the network first had it), then each row's taken action's
    /// logits picked by dfdx's select.
    fn with_dfdx_ops(
        value: Matrix<OwnedTape<f32, Cpu>>,
        advantage: Matrix<OwnedTape<f32, Cpu>>,
        taken: Option<Taken>,
    ) -> Matrix<OwnedTape<f32, Cpu>> {
        let (batch, atoms) = *value.shape();
        let actions = advantage.shape().1 / atoms;
        let shape = (batch, actions, atoms);
        let advantage = advantage.reshape_like(&shape);
        let (advantage, advantage_tape) = advantage.split_tape();
        let advantage_mean = advantage
            .retaped::<OwnedTape<f32, Cpu>>()
            .mean::<(usize, usize), Axis<1>>();
        let value = value.broadcast_like::<_, Axis<1>>(&shape);
        let logits = value + advantage.put_tape(advantage_tape) - advantage_mean.broadcast_like::<_, Axis<1>>(&shape);
        match taken {
            Some(taken) => {
                let actions = Cpu::default().tensor_from_vec(taken.actions.to_vec(), (batch,));
                logits.select(actions)
            }
            None => logits.reshape_like(&(batch, actions * atoms)),
        }
    }

    /// The logits and the gradients of V and A for the loss Σ c·logit with drawn weights c.
    fn combined(
        combine: impl Fn(Matrix<OwnedTape<f32, Cpu>>, Matrix<OwnedTape<f32, Cpu>>) -> Matrix<OwnedTape<f32, Cpu>>,
        (rows, actions, atoms): (usize, usize, usize),
    ) -> [Vec<f32>; 3] {
        let device = Cpu::default();
        let mut rng = Pcg64::seed_from_u64(8);
        let mut draw = |count: usize| -> Vec<f32> { (0..count).map(|_| rng.gen_range(-3.0..3.0)).collect() };
        let value: Matrix = device.tensor_from_vec(draw(rows * atoms), (rows, atoms));
        let advantage: Matrix = device.tensor_from_vec(draw(rows * actions * atoms), (rows, actions * atoms));
        let loss_weights = draw(rows * actions * atoms);
        // Two tapes, merged by the combination (as the network's two streams are).
        let logits = combine(value.clone().leaky_traced(), advantage.clone().leaky_traced());
        let shape = *logits.shape();
        let values = contiguous_values(&logits);
        let weights = device.tensor_from_vec(loss_weights[..shape.0 * shape.1].to_vec(), shape);
        let gradients = (logits * weights).sum().backward();
        [
            values,
            gradients.get(&value).as_vec(),
            gradients.get(&advantage).as_vec(),
        ]
    }

    #[test]
    fn the_dueling_op_gives_the_bits_of_dfdxs_ops() {
        // 4 actions (a mean that rounds) and 51 atoms, 3 actions (1/3 is not exact) and one atom (Q-values).
        for (rows, actions, atoms) in [(9, 4, 51), (6, 3, 1)] {
            let taken_actions: Vec<usize> = (0..rows).map(|row| (row * 7) % actions).collect();
            for taken in [
                None,
                Some(Taken {
                    actions: &taken_actions,
                    width: atoms,
                }),
            ] {
                let want = combined(
                    |value, advantage| with_dfdx_ops(value, advantage, taken),
                    (rows, actions, atoms),
                );
                let got = combined(
                    |value, advantage| dueling(value, advantage, taken),
                    (rows, actions, atoms),
                );
                for (what, (want, got)) in ["logits", "value gradient", "advantage gradient"]
                    .iter()
                    .zip(want.iter().zip(&got))
                {
                    assert_eq!(want.len(), got.len(), "{what}");
                    for (index, (want, got)) in want.iter().zip(got).enumerate() {
                        assert_eq!(
                            want.to_bits(),
                            got.to_bits(),
                            "{what}[{index}] with {actions} actions, taken {}: {want} vs {got}",
                            taken.is_some()
                        );
                    }
                }
            }
        }
    }
}
