//! Categorical returns (C51, Bellemare, Dabney & Munos 2017): the fixed support of atoms, probabilities and
//! Q-values from a network's logits, the projection of the bootstrapped target distribution onto the support, and
//! the cross-entropy loss over atoms as one graph op.
//!
//! A network with `atoms` outputs per action lays them out action-major: output `a · atoms + i` is the logit of
//! action a's return being z_i.

use dfdx::prelude::*;

use crate::agent::exponential::exp;
use crate::agent::network::{contiguous_values, Matrix, Vector};
use crate::agent::wide_vectors::wide_vectors;

/// The returns z_0 < … < z_{n−1} a distribution is over, evenly spaced from `v_min` to `v_max`.
#[derive(Debug, Clone, PartialEq)]
pub struct Support {
    values: Vec<f32>,
    v_min: f32,
    v_max: f32,
    spacing: f32,
}

impl Support {
    /// `atoms` (at least 2) returns from `v_min` to `v_max`, both included.
    pub fn new(atoms: usize, v_min: f64, v_max: f64) -> Self {
        // At most i32::MAX atoms: `project` places them as i32.
        assert!((2..=i32::MAX as usize).contains(&atoms), "a support of {atoms} atoms");
        let spacing = (v_max - v_min) / (atoms - 1) as f64;
        Support {
            values: (0..atoms)
                .map(|index| (v_min + index as f64 * spacing) as f32)
                .collect(),
            v_min: v_min as f32,
            v_max: v_max as f32,
            spacing: spacing as f32,
        }
    }

    /// The number of atoms.
    pub fn atoms(&self) -> usize {
        self.values.len()
    }

    /// The softmax over each action's atoms of `logits` (rows of actions × atoms, action-major), in the logits'
    /// own buffer.
    pub fn probabilities(&self, mut logits: Vec<f32>) -> Vec<f32> {
        softmax_rows(&mut logits, self.atoms());
        logits
    }

    /// Q = Σ_i z_i·p_i for each action of `probabilities` (rows of atoms): one value per action.
    ///
    /// Each row's sum adds its terms one after another from −0 (as `Iterator::sum` does), and each addition waits
    /// for the one before; so four rows are summed side by side, atom by atom, which keeps every row's order (and its
    /// bits) and lets four chains of additions run at once instead of one.
    pub fn expected_values(&self, probabilities: &[f32]) -> Vec<f32> {
        let atoms = self.atoms();
        let mut values = Vec::with_capacity(probabilities.len() / atoms);
        let groups = probabilities.chunks_exact(ROWS_TOGETHER * atoms);
        let rest = groups.remainder();
        for group in groups {
            // Four named sums, not an array: they stay in registers.
            let (first, rest) = group.split_at(atoms);
            let (second, rest) = rest.split_at(atoms);
            let (third, fourth) = rest.split_at(atoms);
            let (mut sum0, mut sum1, mut sum2, mut sum3) = (-0.0f32, -0.0f32, -0.0f32, -0.0f32);
            let rows = first.iter().zip(second).zip(third.iter().zip(fourth));
            for (z, ((p0, p1), (p2, p3))) in self.values.iter().zip(rows) {
                sum0 += p0 * z;
                sum1 += p1 * z;
                sum2 += p2 * z;
                sum3 += p3 * z;
            }
            values.extend([sum0, sum1, sum2, sum3]);
        }
        values.extend(
            rest.chunks_exact(atoms)
                .map(|row| row.iter().zip(&self.values).map(|(p, z)| p * z).sum::<f32>()),
        );
        values
    }

    /// Q-values from logits: the expected value of each action's softmax distribution.
    pub fn q_values(&self, logits: Vec<f32>) -> Vec<f32> {
        self.expected_values(&self.probabilities(logits))
    }

    /// Writes into `target` the distribution of `reward + discount · Z` for Z distributed as `probabilities` on the
    /// atoms, projected back onto them: each atom's shifted value, clipped to [v_min, v_max], gives its mass to the
    /// two atoms around it in proportion to closeness (all of it to an atom it lands on). `discount` is γ^k, or 0
    /// after a termination, which puts all the mass at `reward`.
    #[inline(always)]
    pub fn project(&self, reward: f32, discount: f32, probabilities: &[f32], target: &mut [f32]) {
        target.fill(0.0);
        let last = self.atoms() - 1;
        // Where each atom lands: `below`, the atom at or below its shifted value, and the share of its mass that goes
        // to the atom above. Placed a chunk of atoms at a time (the same arithmetic on every atom, a loop that
        // vectorises), then their masses are added in atom order.
        let mut below = [0i32; PROJECTION_CHUNK];
        let mut above_share = [0.0f32; PROJECTION_CHUNK];
        // With discount ≥ 0 (always, from the agent) r + discount·z grows with z, and so does every rounded step
        // after it: the landing atom never goes down from one atom to the next. So the two atoms being added to are
        // kept in registers and written once the landing moves on, instead of each addition waiting on the store of
        // the one before. Every atom still receives its additions in the same order, from the same 0: the same bits
        // as adding into `target` one atom after another, which a negative or NaN discount still does.
        let held = discount >= 0.0;
        let mut landing: Option<Landing> = None;
        let chunks = self
            .values
            .chunks(PROJECTION_CHUNK)
            .zip(probabilities.chunks(PROJECTION_CHUNK));
        for (values, probabilities) in chunks {
            for ((z, below), above_share) in values.iter().zip(&mut below).zip(&mut above_share) {
                let shifted = (reward + discount * z).clamp(self.v_min, self.v_max);
                // Its position in atoms, within [0, last] (rounding can step outside; a NaN, from an infinite
                // discount times the atom 0, lands on atom 0).
                let position = ((shifted - self.v_min) / self.spacing).max(0.0).min(last as f32);
                // SAFETY: `position` is a number in [0, last], which an i32 holds (`Support::new` asserts at most
                // i32::MAX atoms). Truncation is the floor here; a checked conversion would not vectorise.
                *below = unsafe { position.to_int_unchecked::<i32>() };
                *above_share = position - *below as f32;
            }
            let placed = probabilities.iter().zip(&below).zip(&above_share);
            // No branch for an exact landing: the atom above then gets p·0 (and the last atom has none above).
            if held {
                let landing = landing.get_or_insert(Landing::at(below[0] as usize));
                for ((p, below), above_share) in placed {
                    landing.add(target, *below as usize, p * (1.0 - above_share), p * above_share);
                }
            } else {
                for ((p, below), above_share) in placed {
                    let below = *below as usize;
                    target[below] += p * (1.0 - above_share);
                    target[(below + 1).min(last)] += p * above_share;
                }
            }
        }
        if let Some(landing) = landing {
            landing.finish(target);
        }
    }
}

/// The two atoms of a projection's target that the current landing adds to, held in registers while the landings
/// go up (see `Support::project`).
struct Landing {
    /// The atom at or below the current landing.
    below: usize,
    /// What that atom and the one above it have received so far.
    below_mass: f32,
    above_mass: f32,
}

impl Landing {
    /// Nothing received yet, the first landing at atom `below`.
    fn at(below: usize) -> Self {
        Landing {
            below,
            below_mass: 0.0,
            above_mass: 0.0,
        }
    }

    /// Adds `lower` to atom `below` of `target` and `upper` to the atom above it; `below` is never below the last
    /// landing's. At the last atom `upper` is p·0 (the position is clamped there) and there is no atom above: it is
    /// held and never written.
    #[inline(always)]
    fn add(&mut self, target: &mut [f32], below: usize, lower: f32, upper: f32) {
        if below != self.below {
            if below == self.below + 1 {
                // One atom on: the atom above becomes the one below, with what it has received.
                target[self.below] = self.below_mass;
                self.below_mass = self.above_mass;
            } else {
                self.finish(target);
                self.below_mass = 0.0;
            }
            self.above_mass = 0.0;
            self.below = below;
        }
        self.below_mass += lower;
        self.above_mass += upper;
    }

    /// Writes the held atoms into `target`.
    #[inline(always)]
    fn finish(&self, target: &mut [f32]) {
        target[self.below] = self.below_mass;
        if self.below + 1 < target.len() {
            target[self.below + 1] = self.above_mass;
        }
    }
}

/// Atoms that `Support::project` places at a time (on the stack) before it adds their masses.
const PROJECTION_CHUNK: usize = 64;

wide_vectors! {
    /// The softmax of each row of `atoms` values in `values`, in place.
    fn softmax_rows(values: &mut [f32], atoms: usize) = softmax_rows_here;
}

#[inline(always)]
fn softmax_rows_here(values: &mut [f32], atoms: usize) {
    for row in values.chunks_exact_mut(atoms) {
        softmax_in_place(row);
    }
}

/// Rows that `expected_values` sums side by side (it names their four sums one by one).
const ROWS_TOGETHER: usize = 4;
const _: () = assert!(ROWS_TOGETHER == 4);

/// The softmax of `row`, in place (the largest value subtracted first, so no exponential overflows).
#[inline(always)]
fn softmax_in_place(row: &mut [f32]) {
    softmax_shifted_by(row, largest(row));
}

/// The softmax of `row` in place, each value shifted by `largest` (the row's largest) before its exponential;
/// returns the sum of the exponentials, which the cross-entropy's loss reads.
#[inline(always)]
fn softmax_shifted_by(row: &mut [f32], largest: f32) -> f32 {
    for value in row.iter_mut() {
        *value = exp(*value - largest);
    }
    let total = sum(row);
    for value in row.iter_mut() {
        *value /= total;
    }
    total
}

/// Lanes for the reductions below: a row of atoms is reduced in 8 independent running values, combined at the end,
/// so the compiler can keep them in one vector register instead of waiting on one value per element.
const LANES: usize = 8;

/// The largest of `values` (−∞ for none; logits are never NaN).
#[inline(always)]
fn largest(values: &[f32]) -> f32 {
    let mut lanes = [f32::NEG_INFINITY; LANES];
    let chunks = values.chunks_exact(LANES);
    let rest = chunks.remainder();
    for chunk in chunks {
        for (lane, value) in lanes.iter_mut().zip(chunk) {
            *lane = if *value > *lane { *value } else { *lane };
        }
    }
    rest.iter().chain(&lanes).fold(
        f32::NEG_INFINITY,
        |largest, value| {
            if *value > largest {
                *value
            } else {
                largest
            }
        },
    )
}

/// The sum of `values`, in 8 running sums (an order of additions of its own, the same on every call).
#[inline(always)]
fn sum(values: &[f32]) -> f32 {
    let mut lanes = [0.0f32; LANES];
    let chunks = values.chunks_exact(LANES);
    let rest = chunks.remainder();
    for chunk in chunks {
        for (lane, value) in lanes.iter_mut().zip(chunk) {
            *lane += value;
        }
    }
    lanes.iter().sum::<f32>() + rest.iter().sum::<f32>()
}

/// Per sample b, the cross-entropy −Σ_i m_i·log softmax(ℓ)_i between the target distribution m = `targets[b]` and
/// the predicted one of the taken action, ℓ = `logits[b]` (the taken action's logits: rows of atoms); as one graph
/// op whose backward pass gives ∂/∂ℓ_i = g_b·(softmax(ℓ)_i − m_i). (dfdx's log-softmax and sum would give the same,
/// each walking an N-dimensional index per element.) Also returns the predicted distributions softmax(ℓ) (rows of
/// atoms), which the TD errors read.
pub fn cross_entropy<T: Tape<f32, Cpu>>(logits: Matrix<T>, targets: &[f32]) -> (Vector<T>, Vec<f32>) {
    let (logits, mut tape) = logits.split_tape();
    let (rows, atoms) = *logits.shape();
    assert_eq!(targets.len(), rows * atoms, "one target distribution per row");
    let values = contiguous_values(&logits);
    // softmax(ℓ) per sample, and softmax(ℓ) − m kept for the backward pass.
    let mut predicted = values;
    let mut differences = vec![0.0; rows * atoms];
    let mut losses = vec![0.0; rows];
    cross_entropy_rows(&mut predicted, targets, &mut differences, &mut losses);
    let device = logits.device().clone();
    let out = device.tensor_from_vec(losses, (rows,));
    let (logits, result) = (logits.ghost(), out.ghost());
    tape.add_backward_op(move |gradients| {
        let loss_gradient: Vec<f32> = gradients.get_or_alloc_mut(&result)?.to_vec();
        let logit_gradient = gradients.get_or_alloc_mut(&logits)?;
        add_cross_entropy_gradients(logit_gradient, &differences, &loss_gradient);
        Ok(())
    });
    (out.put_tape(tape), predicted)
}

wide_vectors! {
    /// `cross_entropy`'s forward pass over the rows of atoms of `values` (the logits, turned into their softmax in
    /// place) and `targets`: each row's loss written to `losses` and the softmax's difference from the target to
    /// `differences`.
    fn cross_entropy_rows(
        values: &mut [f32],
        targets: &[f32],
        differences: &mut [f32],
        losses: &mut [f32],
    ) = cross_entropy_rows_here;
}

#[inline(always)]
fn cross_entropy_rows_here(values: &mut [f32], targets: &[f32], differences: &mut [f32], losses: &mut [f32]) {
    let atoms = values.len() / losses.len().max(1);
    for (((row, target), difference), loss) in values
        .chunks_exact_mut(atoms)
        .zip(targets.chunks_exact(atoms))
        .zip(differences.chunks_exact_mut(atoms))
        .zip(losses.iter_mut())
    {
        let largest = largest(row);
        // −Σ m_i·(ℓ_i − largest − ln total) = ln total·Σ m_i − Σ m_i·(ℓ_i − largest): the logits are shifted before
        // they are weighted, so large logits do not cancel.
        // Atom i goes to lane i mod LANES, in order: whole chunks of LANES atoms (a loop the compiler vectorises),
        // then the rest, whose k-th atom is again lane k.
        let mut weighted_logits = [0.0f32; LANES];
        let mut target_total = [0.0f32; LANES];
        let (logit_chunks, wanted_chunks) = (row.chunks_exact(LANES), target.chunks_exact(LANES));
        let rest = logit_chunks.remainder().iter().zip(wanted_chunks.remainder());
        for (logits, wanted) in logit_chunks.zip(wanted_chunks) {
            for lane in 0..LANES {
                weighted_logits[lane] += wanted[lane] * (logits[lane] - largest);
                target_total[lane] += wanted[lane];
            }
        }
        for (lane, (logit, wanted)) in rest.enumerate() {
            weighted_logits[lane] += wanted * (logit - largest);
            target_total[lane] += wanted;
        }
        let total = softmax_shifted_by(row, largest);
        *loss = total.ln() * sum(&target_total) - sum(&weighted_logits);
        for ((difference, probability), wanted) in difference.iter_mut().zip(row.iter()).zip(target) {
            *difference = probability - wanted;
        }
    }
}

wide_vectors! {
    /// `cross_entropy`'s backward pass: adds g_b·(softmax(ℓ)_i − m_i) (`loss_gradient[b]` times the row b of
    /// `differences`) to row b of `logit_gradient`.
    fn add_cross_entropy_gradients(
        logit_gradient: &mut [f32],
        differences: &[f32],
        loss_gradient: &[f32],
    ) = add_cross_entropy_gradients_here;
}

#[inline(always)]
fn add_cross_entropy_gradients_here(logit_gradient: &mut [f32], differences: &[f32], loss_gradient: &[f32]) {
    let atoms = differences.len() / loss_gradient.len().max(1);
    let rows = logit_gradient
        .chunks_exact_mut(atoms)
        .zip(differences.chunks_exact(atoms));
    for ((gradient_row, difference_row), scale) in rows.zip(loss_gradient) {
        for (gradient, difference) in gradient_row.iter_mut().zip(difference_row) {
            *gradient += scale * difference;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::network::{gradients_of, plain_architecture, Architecture, Dense, Head, Noise, QNetwork};
    use crate::agent::taken::Taken;
    use rand::SeedableRng;
    use rand_pcg::Pcg64;

    /// Five atoms −2, −1, 0, 1, 2 (spacing 1).
    fn five() -> Support {
        Support::new(5, -2.0, 2.0)
    }

    fn projected(reward: f32, discount: f32, probabilities: &[f32]) -> Vec<f32> {
        let mut target = vec![f32::NAN; 5];
        five().project(reward, discount, probabilities, &mut target);
        target
    }

    fn assert_close(got: &[f32], want: &[f32]) {
        assert_eq!(got.len(), want.len());
        for (got_value, want_value) in got.iter().zip(want) {
            assert!((got_value - want_value).abs() < 1e-6, "{got:?} vs {want:?}");
        }
    }

    /// The atoms of `support`: the expected values of the distributions all on one atom.
    fn atoms_of(support: &Support) -> Vec<f32> {
        let count = support.atoms();
        let one_hot: Vec<f32> = (0..count * count)
            .map(|index| if index / count == index % count { 1.0 } else { 0.0 })
            .collect();
        support.expected_values(&one_hot)
    }

    #[test]
    fn the_support_is_evenly_spaced_between_its_ends() {
        assert_eq!(atoms_of(&five()), [-2.0, -1.0, 0.0, 1.0, 2.0]);
        let paper = atoms_of(&Support::new(51, -10.0, 10.0));
        assert_eq!((paper.len(), paper[0], paper[50]), (51, -10.0, 10.0));
        assert!((paper[26] - 0.4).abs() < 1e-6);
    }

    #[test]
    fn mass_between_atoms_is_split_by_closeness_and_mass_beyond_the_top_is_kept_there() {
        // r = 0.5, γ = 1: −2, −1, 0, 1, 2 move to −1.5, −0.5, 0.5, 1.5 and 2.5 (clipped to 2). Each of the first four
        // is halfway between two atoms: halves of 0.1, 0.2, 0.3, 0.2; the last lands on the top atom whole.
        // By hand: [0.05, 0.05 + 0.1, 0.1 + 0.15, 0.15 + 0.1, 0.1 + 0.2].
        let target = projected(0.5, 1.0, &[0.1, 0.2, 0.3, 0.2, 0.2]);
        assert_close(&target, &[0.05, 0.15, 0.25, 0.25, 0.3]);
        // Closer to one atom, more to it: r = 0.25 moves 0 to 0.25, three quarters to 0 and a quarter to 1.
        assert_close(
            &projected(0.25, 1.0, &[0.0, 0.0, 1.0, 0.0, 0.0]),
            &[0.0, 0.0, 0.75, 0.25, 0.0],
        );
    }

    #[test]
    fn mass_beyond_both_ends_goes_to_the_end_atoms_and_exact_landings_stay_whole() {
        // γ = 3, r = 0: −6, −3, 0, 3, 6, clipped to −2, −2, 0, 2, 2.
        let target = projected(0.0, 3.0, &[0.1, 0.2, 0.3, 0.15, 0.25]);
        assert_close(&target, &[0.3, 0.0, 0.3, 0.0, 0.4]);
        // r = 1, γ = 1: every atom lands on the next one, the top one stays at the top.
        let target = projected(1.0, 1.0, &[0.1, 0.2, 0.3, 0.15, 0.25]);
        assert_close(&target, &[0.0, 0.1, 0.2, 0.3, 0.4]);
    }

    #[test]
    fn a_terminal_target_collapses_onto_the_reward() {
        // Discount 0 (terminated): all the mass is at r = 0.25, between atoms 0 and 1; the distribution at s' is
        // irrelevant.
        assert_close(
            &projected(0.25, 0.0, &[0.5, 0.0, 0.0, 0.0, 0.5]),
            &[0.0, 0.0, 0.75, 0.25, 0.0],
        );
        // A reward beyond the support counts as its end.
        assert_close(&projected(-7.0, 0.0, &[0.2; 5]), &[1.0, 0.0, 0.0, 0.0, 0.0]);
    }

    #[test]
    fn expected_values_of_many_rows_have_the_bits_of_one_row_at_a_time() {
        // Nine rows: two groups of four and one more. Each value equals the plain sequential sum of its row.
        use rand::Rng;
        let support = Support::new(51, -10.0, 10.0);
        let mut rng = Pcg64::seed_from_u64(9);
        let rows: Vec<f32> = (0..9 * 51).map(|_| rng.gen_range(0.0..0.05)).collect();
        let values = support.expected_values(&rows);
        assert_eq!(values.len(), 9);
        for (row, value) in rows.chunks_exact(51).zip(&values) {
            let alone: f32 = row.iter().zip(&support.values).map(|(p, z)| p * z).sum();
            assert_eq!(alone.to_bits(), value.to_bits());
        }
    }

    #[test]
    fn q_values_are_the_expected_values_of_each_actions_softmax() {
        // Action 0: logits 0, 0, ln 2, 0, 0 → probabilities 1/6, 1/6, 2/6, 1/6, 1/6 → Q 0 by symmetry.
        // Action 1: logits all −∞ but the top → Q = 2.
        let two = 2.0f32.ln();
        let logits = [0.0, 0.0, two, 0.0, 0.0, -100.0, -100.0, -100.0, -100.0, 0.0];
        let probabilities = five().probabilities(logits.to_vec());
        assert_close(
            &probabilities[..5],
            &[1.0 / 6.0, 1.0 / 6.0, 2.0 / 6.0, 1.0 / 6.0, 1.0 / 6.0],
        );
        assert_close(&five().q_values(logits.to_vec()), &[0.0, 2.0]);
        // Large logits do not overflow.
        assert_close(
            &five().probabilities(vec![1000.0, 1000.0, 0.0, 0.0, 0.0]),
            &[0.5, 0.5, 0.0, 0.0, 0.0],
        );
    }

    #[test]
    fn the_cross_entropys_gradient_on_a_tiny_network_is_softmax_minus_target() {
        // One input x, no hidden layer, a head of 2 actions × 3 atoms: ℓ = x·W + b. For the taken action a,
        // L = −Σ m_i log softmax(ℓ_a)_i, so ∂L/∂W[0][a·3 + i] = x·(p_i − m_i), ∂L/∂b[a·3 + i] = p_i − m_i, and the
        // other action's parameters get 0. Computed here by hand from the weights the network drew.
        let mut rng = Pcg64::seed_from_u64(2);
        let architecture = Architecture {
            atoms: 3,
            ..plain_architecture(&[])
        };
        let network = QNetwork::new(1, &architecture, 2, &mut rng);
        let Head::Single(Dense::Plain(head)) = &network.head else {
            panic!("a plain single head")
        };
        let (weight, bias) = (head.weight.to_vec(), head.bias.to_vec());
        let (x, action, target) = (1.5f32, 1usize, [0.2f32, 0.7, 0.1]);
        let logits: Vec<f32> = (0..6).map(|output| x * weight[output] + bias[output]).collect();
        let probabilities = Support::new(3, -1.0, 1.0).probabilities(logits.clone());
        let mut loss_by_hand = 0.0;
        let mut want_weight = vec![0.0; 6];
        let mut want_bias = vec![0.0; 6];
        for (atom, wanted) in target.iter().enumerate() {
            let output = action * 3 + atom;
            loss_by_hand -= wanted * probabilities[output].ln();
            want_bias[output] = probabilities[output] - wanted;
            want_weight[output] = x * want_bias[output];
        }
        let mut loss = 0.0;
        let mut predicted = Vec::new();
        let taken = Taken {
            actions: &[action],
            width: 3,
        };
        let gradients = gradients_of(&network, &[x], Noise::Off, Some(taken), |outputs| {
            let losses;
            (losses, predicted) = cross_entropy(outputs, &target);
            loss = contiguous_values(&losses)[0];
            losses.sum()
        });
        assert!((loss - loss_by_hand).abs() < 1e-6, "{loss} vs {loss_by_hand}");
        assert_close(&predicted, &probabilities[3..]);
        assert_close(&gradients[0], &want_weight);
        assert_close(&gradients[1], &want_bias);
    }

    #[test]
    fn the_cross_entropy_of_large_logits_loses_no_precision() {
        // Logits 1000, 1000, 0: the softmax is ½, ½, 0, so against the target ½, ½, 0 the loss is ln 2 exactly.
        // Weighting the unshifted logits would subtract two numbers near 1000 and keep only about 4 digits.
        let device = Cpu::default();
        let logits: Matrix = device.tensor_from_vec(vec![1000.0, 1000.0, 0.0], (1, 3));
        let (losses, _) = cross_entropy(logits, &[0.5, 0.5, 0.0]);
        let loss = contiguous_values(&losses)[0];
        assert!((loss - std::f32::consts::LN_2).abs() < 1e-6, "{loss}");
    }

    #[test]
    fn cross_entropy_gradients_scale_with_each_samples_weight() {
        // Two samples, the loss 3·L_0 + 0.5·L_1: each sample's logits' gradient is its weight times p − m.
        let device = Cpu::default();
        let logits = device.tensor_from_vec(vec![0.0, 1.0, 2.0, 0.5, 0.5, 0.0], (2, 3));
        let traced: Matrix<OwnedTape<f32, Cpu>> = logits.leaky_traced();
        let targets = [0.0, 1.0, 0.0, 0.5, 0.5, 0.0];
        let (losses, predicted) = cross_entropy(traced.retaped(), &targets);
        let weights = device.tensor_from_vec(vec![3.0, 0.5], (2,));
        let gradients = (losses * weights).sum().backward();
        let got = gradients.get(&traced).as_vec();
        let support = Support::new(3, 0.0, 1.0);
        let p = support.probabilities(vec![0.0, 1.0, 2.0, 0.5, 0.5, 0.0]);
        let want: Vec<f32> = (0..6)
            .map(|index| [3.0, 0.5][index / 3] * (p[index] - targets[index]))
            .collect();
        assert_close(&got, &want);
        // The returned distributions are each row's softmax.
        assert_close(&predicted, &p);
    }

    /// The projection as first written: each atom's two masses added straight into the target, atom after atom.
    fn projected_atom_by_atom(support: &Support, reward: f32, discount: f32, probabilities: &[f32]) -> Vec<f32> {
        let last = support.atoms() - 1;
        let mut target = vec![0.0; support.atoms()];
        for (z, p) in support.values.iter().zip(probabilities) {
            let shifted = (reward + discount * z).clamp(support.v_min, support.v_max);
            // A NaN (∞·0) lands on atom 0.
            let position = ((shifted - support.v_min) / support.spacing).max(0.0).min(last as f32);
            let below = position as usize;
            let above_share = position - below as f32;
            target[below] += p * (1.0 - above_share);
            target[(below + 1).min(last)] += p * above_share;
        }
        target
    }

    #[test]
    fn the_projection_gives_the_same_bits_as_adding_atom_after_atom() {
        use rand::Rng;
        // 101 atoms (a whole chunk and a part one) from −50 to 50, one of them exactly 0. Rewards within and beyond
        // the support; discounts that spread the atoms less than their spacing (several land between the same two
        // atoms), about as much, more (landings skip atoms), 0 (all on one atom), negative (landings go down: added
        // atom after atom) and infinite (∞·0 is NaN, which lands whole on atom 0, as the atoms below 0 do).
        let support = Support::new(101, -50.0, 50.0);
        let mut rng = Pcg64::seed_from_u64(17);
        for discount in [0.3, 0.99, 1.0, 2.5, 0.0, -0.7, f32::INFINITY] {
            for _ in 0..50 {
                let reward = rng.gen_range(-120.0..120.0);
                let mut probabilities: Vec<f32> = (0..101).map(|_| rng.gen_range(0.0..1.0)).collect();
                let total: f32 = probabilities.iter().sum();
                probabilities.iter_mut().for_each(|p| *p /= total);
                let mut target = vec![f32::NAN; 101];
                support.project(reward, discount, &probabilities, &mut target);
                let want = projected_atom_by_atom(&support, reward, discount, &probabilities);
                assert_same_bits(&want, &target);
            }
        }
    }

    /// Every element of `baseline` and `wide` has the same bits.
    fn assert_same_bits(baseline: &[f32], wide: &[f32]) {
        assert_eq!(baseline.len(), wide.len());
        for (index, (baseline, wide)) in baseline.iter().zip(wide).enumerate() {
            assert_eq!(
                baseline.to_bits(),
                wide.to_bits(),
                "element {index}: {baseline} vs {wide}"
            );
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn the_wide_loops_give_the_same_bits_as_the_baseline_ones() {
        use rand::Rng;
        if !std::arch::is_x86_feature_detected!("avx2") {
            return;
        }
        // 37 samples (not a multiple of the four rows summed together), 3 actions, 51 atoms (six chunks of eight
        // lanes and a remainder). Each `*_here` is inlined here, in the baseline build; its namesake dispatches.
        let (rows, actions, atoms) = (37, 3, 51);
        let mut rng = Pcg64::seed_from_u64(21);
        let mut draw =
            |count: usize, bound: f32| -> Vec<f32> { (0..count).map(|_| rng.gen_range(-bound..bound)).collect() };
        let logits = draw(rows * actions * atoms, 8.0);
        let (mut baseline, mut wide) = (logits.clone(), logits.clone());
        softmax_rows_here(&mut baseline, atoms);
        softmax_rows(&mut wide, atoms);
        assert_same_bits(&baseline, &wide);

        let mut targets = draw(rows * atoms, 4.0);
        softmax_rows_here(&mut targets, atoms);
        // The taken action's logits: the first rows × atoms of the draw.
        let taken_logits = &logits[..rows * atoms];
        let forward = |wide: bool| {
            let mut predicted = taken_logits.to_vec();
            let (mut differences, mut losses) = (vec![0.0; rows * atoms], vec![0.0; rows]);
            if wide {
                cross_entropy_rows(&mut predicted, &targets, &mut differences, &mut losses);
            } else {
                cross_entropy_rows_here(&mut predicted, &targets, &mut differences, &mut losses);
            }
            [predicted, differences, losses]
        };
        let (baseline, wide) = (forward(false), forward(true));
        for (baseline, wide) in baseline.iter().zip(&wide) {
            assert_same_bits(baseline, wide);
        }
        let (start, loss_gradient) = (draw(rows * atoms, 1.0), draw(rows, 1.0));
        let (mut baseline_gradient, mut wide_gradient) = (start.clone(), start);
        let differences = &wide[1];
        add_cross_entropy_gradients_here(&mut baseline_gradient, differences, &loss_gradient);
        add_cross_entropy_gradients(&mut wide_gradient, differences, &loss_gradient);
        assert_same_bits(&baseline_gradient, &wide_gradient);
    }
}
