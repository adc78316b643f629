//! The Q-network: a multilayer perceptron on dfdx tensors with runtime-sized layers, and the Adam optimiser for it.
//!
//! dfdx 0.13's `Linear` fixes its sizes at compile time, which would turn every hidden width a spec may ask for into
//! a separate monomorphised type. Here each layer's weight is a dfdx tensor of runtime shape `(inputs, outputs)`
//! (stored input-major so the forward pass is a plain `x · W` with no transpose) and gradients come from dfdx's
//! autodiff; only Adam is written by hand, over the flat parameter buffers, with PyTorch's update rule.

use dfdx::prelude::*;
use rand::Rng;
use rand_pcg::Pcg64;

/// A batch of rows on dfdx's CPU device.
pub type Matrix<T = NoneTape> = Tensor<(usize, usize), f32, Cpu, T>;
/// One vector on dfdx's CPU device.
pub type Vector<T = NoneTape> = Tensor<(usize,), f32, Cpu, T>;

/// One fully connected layer: `y = x · weight + bias`.
#[derive(Debug, Clone)]
pub struct Layer {
    /// Shape `(inputs, outputs)`.
    pub weight: Matrix,
    /// Shape `(outputs,)`.
    pub bias: Vector,
}

/// A multilayer perceptron with ReLU between layers and a linear output (one Q-value per action).
#[derive(Debug, Clone)]
pub struct Mlp {
    pub layers: Vec<Layer>,
}

impl Mlp {
    /// Builds `inputs → hidden[0] → … → outputs`, each weight and bias drawn from U(−1/√fan_in, 1/√fan_in) (PyTorch's
    /// and dfdx's default for linear layers) with `rng`, the run's network-init stream.
    pub fn new(device: &Cpu, inputs: usize, hidden: &[usize], outputs: usize, rng: &mut Pcg64) -> Self {
        let mut widths = Vec::with_capacity(hidden.len() + 2);
        widths.push(inputs);
        widths.extend_from_slice(hidden);
        widths.push(outputs);
        let layers = widths
            .windows(2)
            .map(|pair| {
                let (fan_in, fan_out) = (pair[0], pair[1]);
                let bound = 1.0 / (fan_in as f32).sqrt();
                let mut draw = |count: usize| -> Vec<f32> {
                    (0..count).map(|_| rng.gen_range(-bound..bound)).collect()
                };
                Layer {
                    weight: device.tensor_from_vec(draw(fan_in * fan_out), (fan_in, fan_out)),
                    bias: device.tensor_from_vec(draw(fan_out), (fan_out,)),
                }
            })
            .collect();
        Mlp { layers }
    }

    /// Q-values for a batch of observations, `(batch, inputs) → (batch, actions)`. With an `OwnedTape` input the
    /// result carries the graph for `backward`; with `NoneTape` it is a plain evaluation.
    pub fn forward<T: Tape<f32, Cpu>>(&self, input: Matrix<T>) -> Matrix<T> {
        let last = self.layers.len() - 1;
        let mut activation = input;
        for (index, layer) in self.layers.iter().enumerate() {
            let batch = activation.shape().0;
            let outputs = layer.bias.shape().0;
            let linear = activation.matmul(layer.weight.clone())
                + layer.bias.clone().broadcast_like::<_, Axis<0>>(&(batch, outputs));
            activation = if index == last { linear } else { linear.relu() };
        }
        activation
    }

    /// Number of output units (actions).
    pub fn outputs(&self) -> usize {
        self.layers.last().map_or(0, |layer| layer.bias.shape().0)
    }

    /// Copies every parameter of `source` into `self` (the hard target update). Shapes must match.
    pub fn copy_from(&mut self, source: &Mlp) {
        for (target, layer) in self.layers.iter_mut().zip(&source.layers) {
            target.weight = layer.weight.clone();
            target.bias = layer.bias.clone();
        }
    }

    /// Every parameter tensor's values, flattened, in a fixed order (weights then bias, layer by layer).
    pub fn parameters_as_vecs(&self) -> Vec<Vec<f32>> {
        self.layers
            .iter()
            .flat_map(|layer| [layer.weight.as_vec(), layer.bias.as_vec()])
            .collect()
    }
}

/// Adam (Kingma & Ba 2015) with PyTorch's bias correction and ε outside the square root.
#[derive(Debug, Clone)]
pub struct Adam {
    learning_rate: f32,
    beta1: f32,
    beta2: f32,
    epsilon: f32,
    step: i32,
    /// First and second moment estimates, one pair of buffers per parameter tensor (same order as the network's).
    moments: Vec<Moments>,
    /// Scratch buffers for a tensor's values and gradient, reused across updates.
    scratch: Moments,
}

/// Two buffers the size of one parameter tensor.
#[derive(Debug, Clone, Default)]
struct Moments {
    first: Vec<f32>,
    second: Vec<f32>,
}

/// The scalars of one Adam step, shared by every parameter tensor.
struct StepCoefficients {
    beta1: f32,
    beta2: f32,
    epsilon: f32,
    step_size: f32,
    bias_correction2: f32,
}

impl Adam {
    /// An optimiser for `network` with β = (0.9, 0.999).
    pub fn new(network: &Mlp, learning_rate: f64, epsilon: f64) -> Self {
        let moments = network
            .layers
            .iter()
            .flat_map(|layer| [layer.weight.shape().num_elements(), layer.bias.shape().0])
            .map(|size| Moments { first: vec![0.0; size], second: vec![0.0; size] })
            .collect();
        Adam {
            learning_rate: learning_rate as f32,
            beta1: 0.9,
            beta2: 0.999,
            epsilon: epsilon as f32,
            step: 0,
            moments,
            scratch: Moments::default(),
        }
    }

    /// One Adam step on every parameter of `network` with the gradients from `backward`.
    pub fn update(&mut self, network: &mut Mlp, gradients: &Gradients<f32, Cpu>) {
        self.step += 1;
        let coefficients = StepCoefficients {
            beta1: self.beta1,
            beta2: self.beta2,
            epsilon: self.epsilon,
            step_size: self.learning_rate / (1.0 - self.beta1.powi(self.step)),
            bias_correction2: 1.0 - self.beta2.powi(self.step),
        };
        let mut moments = self.moments.iter_mut();
        for layer in network.layers.iter_mut() {
            let weight_moments = moments.next().expect("one moment pair per parameter");
            adam_step(&coefficients, &mut layer.weight, gradients, weight_moments, &mut self.scratch);
            let bias_moments = moments.next().expect("one moment pair per parameter");
            adam_step(&coefficients, &mut layer.bias, gradients, bias_moments, &mut self.scratch);
        }
    }
}

/// Applies one Adam step to one parameter tensor; `scratch.first` holds its values, `scratch.second` its gradient.
fn adam_step<S: Shape>(
    coefficients: &StepCoefficients,
    tensor: &mut Tensor<S, f32, Cpu>,
    gradients: &Gradients<f32, Cpu>,
    moments: &mut Moments,
    scratch: &mut Moments,
) {
    let size = tensor.shape().num_elements();
    let (values, gradient) = (&mut scratch.first, &mut scratch.second);
    values.resize(size, 0.0);
    gradient.resize(size, 0.0);
    tensor.copy_into(values);
    // Every parameter takes part in the forward pass, so the backward pass gave each one a gradient.
    gradients.get(tensor).copy_into(gradient);
    let StepCoefficients { beta1, beta2, epsilon, step_size, bias_correction2 } = *coefficients;
    for index in 0..size {
        let grad = gradient[index];
        let first = beta1 * moments.first[index] + (1.0 - beta1) * grad;
        let second = beta2 * moments.second[index] + (1.0 - beta2) * grad * grad;
        moments.first[index] = first;
        moments.second[index] = second;
        values[index] -= step_size * first / ((second / bias_correction2).sqrt() + epsilon);
    }
    tensor.copy_from(values);
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    /// A 1 → 1 network `y = w·x + b` with chosen parameters.
    fn scalar_network(device: &Cpu, weight: f32, bias: f32) -> Mlp {
        let mut rng = Pcg64::seed_from_u64(0);
        let mut network = Mlp::new(device, 1, &[], 1, &mut rng);
        network.layers[0].weight = device.tensor_from_vec(vec![weight], (1, 1));
        network.layers[0].bias = device.tensor_from_vec(vec![bias], (1,));
        network
    }

    /// Gradients of `mse(w·x + b, target)` for one sample, through dfdx's autodiff.
    fn gradients_at(device: &Cpu, network: &Mlp, input: f32, target: f32) -> Gradients<f32, Cpu> {
        let input = device.tensor_from_vec(vec![input], (1, 1));
        let output = network.forward(input.leaky_traced()).reshape_like(&(1,));
        mse_loss(output, device.tensor_from_vec(vec![target], (1,))).backward()
    }

    #[test]
    fn forward_matches_a_hand_computed_two_layer_network() {
        let device = Cpu::default();
        let mut rng = Pcg64::seed_from_u64(0);
        let mut network = Mlp::new(&device, 2, &[2], 1, &mut rng);
        network.layers[0].weight = device.tensor_from_vec(vec![1.0, -1.0, 2.0, 0.5], (2, 2));
        network.layers[0].bias = device.tensor_from_vec(vec![0.0, -3.0], (2,));
        network.layers[1].weight = device.tensor_from_vec(vec![1.0, 2.0], (2, 1));
        network.layers[1].bias = device.tensor_from_vec(vec![0.25], (1,));
        // x = (1, 1): hidden pre-activation (1 + 2, −1 + 0.5 − 3) = (3, −3.5) → ReLU (3, 0) → 3 + 0 + 0.25.
        // x = (−1, 0): (−1, 1 − 3) = (−1, −2) → (0, 0) → 0.25.
        let input = device.tensor_from_vec(vec![1.0, 1.0, -1.0, 0.0], (2, 2));
        assert_eq!(network.forward(input).as_vec(), vec![3.25, 0.25]);
    }

    #[test]
    fn initial_weights_lie_within_one_over_root_fan_in() {
        let device = Cpu::default();
        let mut rng = Pcg64::seed_from_u64(7);
        let network = Mlp::new(&device, 4, &[16], 2, &mut rng);
        let bounds = [0.5, 0.25];
        for (values, bound) in network.parameters_as_vecs().chunks(2).zip(bounds) {
            for value in values.iter().flatten() {
                assert!(value.abs() <= bound, "{value} outside ±{bound}");
            }
        }
    }

    /// Adam on one scalar parameter in f64, written from the paper's algorithm.
    struct ReferenceAdam {
        value: f64,
        first: f64,
        second: f64,
    }

    impl ReferenceAdam {
        fn step(&mut self, grad: f64, step: i32, learning_rate: f64, epsilon: f64) {
            self.first = 0.9 * self.first + 0.1 * grad;
            self.second = 0.999 * self.second + 0.001 * grad * grad;
            let first_hat = self.first / (1.0 - 0.9_f64.powi(step));
            let second_hat = self.second / (1.0 - 0.999_f64.powi(step));
            self.value -= learning_rate * first_hat / (second_hat.sqrt() + epsilon);
        }
    }

    #[test]
    fn adam_three_steps_match_hand_computation() {
        let device = Cpu::default();
        let mut network = scalar_network(&device, 0.5, 0.0);
        let (learning_rate, epsilon) = (0.1_f64, 1e-8_f64);
        let mut adam = Adam::new(&network, learning_rate, epsilon);
        let (input, target) = (2.0_f64, 3.0_f64);
        let mut weight = ReferenceAdam { value: 0.5, first: 0.0, second: 0.0 };
        let mut bias = ReferenceAdam { value: 0.0, first: 0.0, second: 0.0 };
        for step in 1..=3 {
            let gradients = gradients_at(&device, &network, input as f32, target as f32);
            adam.update(&mut network, &gradients);
            // Loss (w·x + b − t)², so dL/dw = 2(y − t)·x and dL/db = 2(y − t).
            let error = weight.value * input + bias.value - target;
            weight.step(2.0 * error * input, step, learning_rate, epsilon);
            bias.step(2.0 * error, step, learning_rate, epsilon);
            let values = network.parameters_as_vecs();
            assert!((values[0][0] as f64 - weight.value).abs() < 1e-5, "step {step}: w {values:?} vs {}", weight.value);
            assert!((values[1][0] as f64 - bias.value).abs() < 1e-5, "step {step}: b {values:?} vs {}", bias.value);
        }
        // After the first step each parameter moved by exactly the learning rate (m̂/√v̂ = ±1): 0.5 + 0.1 + …
        assert!(weight.value > 0.5 + 0.1);
    }
}
