//! The Q-network: a multilayer perceptron with runtime-sized layers on dfdx's autodiff, optionally with noisy layers
//! and a dueling head; and the [`Learner`], the online network with the Adam optimiser that alone changes its
//! parameters.
//!
//! dfdx 0.13's `Linear` fixes its sizes at compile time, which would turn every hidden width a spec may ask for into
//! a separate monomorphised type. Here each layer's weight is a plain buffer of runtime shape `(inputs, outputs)`
//! (stored input-major so the forward pass is a plain `x · W` with no transpose), shared copy-on-write ([`Values`]);
//! a layer is one op of dfdx's graph with its own forward and backward products (`products`), the rest of the loss
//! gets its gradients from dfdx's autodiff, and Adam (PyTorch's update rule), gradient clipping and the Polyak
//! average are written by hand over the parameter buffers.
//!
//! A forward pass first turns every layer into the plain `(weight, bias)` it uses this time ([`Linear`]): a plain
//! layer's own buffers, or a noisy layer's `mean + scale ∘ noise`. The gradient of the loss with respect to those
//! is then mapped back to the stored parameters. The learner hides that order: [`Learner::forward_traced`] gives the
//! outputs with a graph and the [`Pass`] that made them, and [`Learner::step`] takes a loss built from those outputs
//! and does `loss.backward(); optimizer.step()` through that pass.

use std::sync::Arc;

use dfdx::prelude::*;
use rand::Rng;
use rand_distr::StandardNormal;
use rand_pcg::Pcg64;

use crate::agent::config::{Initialization, NoisyLayers};
use crate::agent::convolution::Convolution;
use crate::agent::dueling::dueling;
use crate::agent::products::{dense, Activation, FactorisedNoise, LayerGradients, PassLayer};
use crate::agent::taken::{taken_dense, Taken};
use crate::agent::wide_vectors::wide_vectors;

/// A batch of rows on dfdx's CPU device.
pub type Matrix<T = NoneTape> = Tensor<(usize, usize), f32, Cpu, T>;
/// One vector on dfdx's CPU device.
pub type Vector<T = NoneTape> = Tensor<(usize,), f32, Cpu, T>;

/// What a network is, apart from its input and output sizes.
#[derive(Debug, Clone, PartialEq)]
pub struct Architecture {
    /// Hidden layer widths, ReLU after each.
    pub hidden: Vec<usize>,
    /// Two heads, value (1 unit) and advantage (one per action), combined as Q = V + A − mean(A).
    pub dueling: bool,
    /// `Some(σ0)`: the last hidden layer and the head are factorised Gaussian noisy layers.
    pub noisy_sigma0: Option<f64>,
    /// Convolutions over an image observation, in order, each followed by a ReLU (`hidden` then follows them);
    /// none for a flat observation.
    pub convolutions: Vec<Convolution>,
    /// Outputs per action: 1 for a Q-value, C51's atoms for the logits of a return distribution (action-major).
    pub atoms: usize,
    /// Which fully connected layers are noisy when `noisy_sigma0` is given.
    pub noisy_layers: NoisyLayers,
    /// How plain layers' weights are first drawn.
    pub initialization: Initialization,
    /// `Some`: each input value mapped from [min, max] to [−1, 1] first (one pair per value, repeated over a
    /// longer input such as a history stack).
    pub input_bounds: Option<Vec<(f64, f64)>>,
}

/// Whether a forward pass uses the noisy layers' current noise or their mean weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Noise {
    /// `mean + scale ∘ noise` with the last sampled noise (acting while training, and the update).
    Sampled,
    /// `mean` alone (greedy evaluation).
    Off,
}

/// A parameter tensor's values, row-major, shared without a copy between the network, a target network copied from
/// it and the passes that read it; written copy-on-write (`Arc::make_mut`): a buffer is copied only when it is
/// written while another holder still reads it (the target network after a hard update shares every buffer until
/// the next optimiser step).
pub type Values = Arc<Vec<f32>>;

/// One fully connected layer: `y = x · weight + bias`.
#[derive(Debug, Clone)]
pub struct Linear {
    pub inputs: usize,
    pub outputs: usize,
    /// `inputs × outputs`, row-major (input-major: the forward pass is a plain `x · W`).
    pub weight: Values,
    /// `outputs` values.
    pub bias: Values,
}

impl Linear {
    /// Weight and bias drawn as `initialization` says: both from U(−1/√fan_in, 1/√fan_in) (PyTorch's and dfdx's
    /// default for linear layers), or the weight from Glorot's U(±√(6 / (fan_in + fan_out))) and the bias 0.
    /// `fan_out` is `outputs` except for a convolution, whose every output position counts (kernel² × filters).
    fn new(inputs: usize, outputs: usize, fan_out: usize, initialization: Initialization, rng: &mut Pcg64) -> Self {
        let (weight, bias) = match initialization {
            Initialization::PyTorchDefault => {
                let bound = 1.0 / (inputs as f32).sqrt();
                let weight = uniform(rng, bound, inputs * outputs);
                (weight, uniform(rng, bound, outputs))
            }
            Initialization::GlorotUniform => {
                let bound = (6.0 / (inputs + fan_out) as f32).sqrt();
                (uniform(rng, bound, inputs * outputs), vec![0.0; outputs])
            }
        };
        Linear {
            inputs,
            outputs,
            weight: Arc::new(weight),
            bias: Arc::new(bias),
        }
    }
}

/// A contiguous tensor's values in order. (dfdx's `as_vec` walks an N-dimensional index per element, a sixth of an
/// update's time; a contiguous tensor's buffer already is its values in order, so a plain copy does. A view with
/// another layout would have a buffer of another length, which `copy_into` refuses with a panic.)
pub fn contiguous_values<S: Shape, T>(tensor: &Tensor<S, f32, Cpu, T>) -> Vec<f32> {
    let mut values = vec![0.0; tensor.shape().num_elements()];
    tensor.copy_into(&mut values);
    values
}

/// A factorised Gaussian noisy linear layer (Fortunato et al. 2018): `weight = mean + scale ∘ noise` with
/// `noise[i][j] = f(ε_i)·f(ε_j)`, `bias noise = f(ε_j)`, f(x) = sgn(x)·√|x|, ε ~ N(0, 1) per input and per output.
#[derive(Debug, Clone)]
pub struct NoisyLinear {
    pub weight_mean: Values,
    pub weight_scale: Values,
    pub bias_mean: Values,
    pub bias_scale: Values,
    /// f(ε_i) per input and f(ε_j) per output of the last draw. The weight noise is their outer product, computed
    /// where it is used rather than stored (storing it cost a pass over the whole matrix per draw and per read).
    input_noise: Vec<f32>,
    output_noise: Vec<f32>,
}

impl NoisyLinear {
    /// Means from U(−1/√p, 1/√p), scales σ0/√p (p = inputs), noise zero until the first `resample`.
    fn new(inputs: usize, outputs: usize, sigma0: f64, rng: &mut Pcg64) -> Self {
        let bound = 1.0 / (inputs as f32).sqrt();
        let scale = sigma0 as f32 / (inputs as f32).sqrt();
        NoisyLinear {
            weight_mean: Arc::new(uniform(rng, bound, inputs * outputs)),
            weight_scale: Arc::new(vec![scale; inputs * outputs]),
            bias_mean: Arc::new(uniform(rng, bound, outputs)),
            bias_scale: Arc::new(vec![scale; outputs]),
            input_noise: vec![0.0; inputs],
            output_noise: vec![0.0; outputs],
        }
    }

    /// Draws fresh factorised noise.
    fn resample(&mut self, rng: &mut Pcg64) {
        for noise in self.input_noise.iter_mut().chain(&mut self.output_noise) {
            *noise = scaled_noise(rng);
        }
    }

    /// A new `(inputs, outputs)` buffer with `[i][j] = combine(first[i][j], second[i][j], noise[i][j])`, noise[i][j] =
    /// f(ε_i)·f(ε_j). Written in one pass: copying `first` and then changing the copy cost a second pass over a
    /// matrix that, in a Rainbow head, is larger than the products' other operands.
    fn combined_with_noise(&self, first: &[f32], second: &[f32], combine: impl Fn(f32, f32, f32) -> f32) -> Vec<f32> {
        let outputs = self.output_noise.len();
        let mut combined = Vec::with_capacity(first.len());
        let rows = first.chunks_exact(outputs).zip(second.chunks_exact(outputs));
        for ((first_row, second_row), input) in rows.zip(&self.input_noise) {
            let values = first_row.iter().zip(second_row).zip(&self.output_noise);
            combined.extend(values.map(|((first, second), output)| combine(*first, *second, input * output)));
        }
        combined
    }

    /// The plain layer this pass uses.
    fn effective(&self, noise: Noise) -> Linear {
        let (inputs, outputs) = (self.input_noise.len(), self.output_noise.len());
        match noise {
            Noise::Off => Linear {
                inputs,
                outputs,
                weight: self.weight_mean.clone(),
                bias: self.bias_mean.clone(),
            },
            Noise::Sampled => {
                // mean + scale ∘ noise in plain loops over the buffers: dfdx's element-wise ops on shared tensors
                // copy them and walk an N-dimensional index per element (noisy nets then cost twice a plain update).
                let weight = self.combined_with_noise(&self.weight_mean, &self.weight_scale, |mean, scale, noise| {
                    mean + scale * noise
                });
                let mut bias = self.bias_mean.to_vec();
                for ((value, scale), noise) in bias.iter_mut().zip(self.bias_scale.iter()).zip(&self.output_noise) {
                    *value += scale * noise;
                }
                Linear {
                    inputs,
                    outputs,
                    weight: Arc::new(weight),
                    bias: Arc::new(bias),
                }
            }
        }
    }
}

/// f(x) = sgn(x)·√|x| of a standard normal draw.
fn scaled_noise(rng: &mut Pcg64) -> f32 {
    let value: f32 = rng.sample(StandardNormal);
    value.signum() * value.abs().sqrt()
}

fn uniform(rng: &mut Pcg64, bound: f32, count: usize) -> Vec<f32> {
    (0..count).map(|_| rng.gen_range(-bound..bound)).collect()
}

/// A layer as stored: plain or noisy. (A network holds a handful of these, so the variants' size difference costs
/// nothing worth a box.)
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)]
pub enum Dense {
    Plain(Linear),
    Noisy(NoisyLinear),
}

impl Dense {
    /// A fully connected layer: noisy with `Some(σ0)`, else plain and drawn as `initialization` says.
    fn new(
        (inputs, outputs): (usize, usize),
        noisy_sigma0: Option<f64>,
        initialization: Initialization,
        rng: &mut Pcg64,
    ) -> Self {
        match noisy_sigma0 {
            Some(sigma0) => Dense::Noisy(NoisyLinear::new(inputs, outputs, sigma0, rng)),
            None => Dense::Plain(Linear::new(inputs, outputs, outputs, initialization, rng)),
        }
    }

    /// `(inputs, outputs)`.
    fn shape(&self) -> (usize, usize) {
        match self {
            Dense::Plain(linear) => (linear.inputs, linear.outputs),
            Dense::Noisy(noisy) => (noisy.input_noise.len(), noisy.output_noise.len()),
        }
    }

    fn effective(&self, noise: Noise) -> Linear {
        match self {
            Dense::Plain(linear) => linear.clone(),
            Dense::Noisy(noisy) => noisy.effective(noise),
        }
    }

    /// The layer for a pass without a graph on a few rows: as `effective`, except that a noisy layer with its noise
    /// on keeps the noise factorised (two thin products instead of making and reading the whole noisy matrix).
    fn factorised(&self, noise: Noise) -> PassLayer {
        match (self, noise) {
            (Dense::Noisy(noisy), Noise::Sampled) => PassLayer::factorised(
                noisy.effective(Noise::Off),
                FactorisedNoise {
                    weight_scale: noisy.weight_scale.clone(),
                    bias_scale: noisy.bias_scale.clone(),
                    input_noise: noisy.input_noise.clone(),
                    output_noise: noisy.output_noise.clone(),
                },
            ),
            _ => PassLayer::new(self.effective(noise)),
        }
    }

    /// The stored parameters, in a fixed order.
    fn parameters_mut(&mut self) -> Vec<&mut Values> {
        match self {
            Dense::Plain(Linear { weight, bias, .. }) => vec![weight, bias],
            Dense::Noisy(noisy) => vec![
                &mut noisy.weight_mean,
                &mut noisy.weight_scale,
                &mut noisy.bias_mean,
                &mut noisy.bias_scale,
            ],
        }
    }

    /// The stored parameters, in the order of `parameters_mut`.
    fn parameters(&self) -> Vec<&Values> {
        match self {
            Dense::Plain(Linear { weight, bias, .. }) => vec![weight, bias],
            Dense::Noisy(noisy) => vec![
                &noisy.weight_mean,
                &noisy.weight_scale,
                &noisy.bias_mean,
                &noisy.bias_scale,
            ],
        }
    }

    /// A noisy layer's noise of the last draw, f(ε_i) per input and f(ε_j) per output; `None` for a plain layer.
    fn noise(&self) -> Option<LayerNoise> {
        match self {
            Dense::Plain(_) => None,
            Dense::Noisy(noisy) => Some(LayerNoise {
                input: noisy.input_noise.clone(),
                output: noisy.output_noise.clone(),
            }),
        }
    }
}

/// A noisy layer's noise of one pass, f(ε_i) per input and f(ε_j) per output, kept beside the gradients it scales.
#[derive(Debug, Clone)]
struct LayerNoise {
    input: Vec<f32>,
    output: Vec<f32>,
}

/// One stored parameter's gradient, as the optimiser reads it.
#[derive(Debug, Clone, Copy)]
enum ParameterGradient<'a> {
    /// Value by value.
    Values(&'a [f32]),
    /// A noisy layer's scale: `weight = mean + scale ∘ noise`, so ∂/∂scale[i][j] = ∂/∂weight[i][j] · noise[i][j] with
    /// noise[i][j] = `input_noise[i] · output_noise[j]` (a bias is one row, its input noise 1). Made where Adam reads
    /// it instead of written out first: in a Rainbow network that buffer is as large as the weights, and writing it
    /// and reading it back cost a few percent of an update.
    TimesNoise {
        gradient: &'a [f32],
        input_noise: &'a [f32],
        output_noise: &'a [f32],
    },
}

impl ParameterGradient<'_> {
    /// The gradient written out, value by value (what gradient clipping and the tests read).
    fn values(&self) -> Vec<f32> {
        match *self {
            ParameterGradient::Values(values) => values.to_vec(),
            ParameterGradient::TimesNoise {
                gradient,
                input_noise,
                output_noise,
            } => gradient
                .chunks_exact(output_noise.len())
                .zip(input_noise)
                .flat_map(|(row, input)| {
                    row.iter()
                        .zip(output_noise)
                        .map(move |(gradient, output)| gradient * (input * output))
                })
                .collect(),
        }
    }
}

/// The input noise of a bias, read as a one-row weight.
const BIAS_INPUT_NOISE: [f32; 1] = [1.0];

/// The gradients of every stored parameter (the order of `QNetwork::parameters_mut`) from, per layer, those of the
/// weight and bias its pass used and, for a noisy layer, the pass's noise.
fn parameter_gradients<'a>(used: &'a [LayerGradients], noise: &'a [Option<LayerNoise>]) -> Vec<ParameterGradient<'a>> {
    used.iter()
        .zip(noise)
        .flat_map(|(used, noise)| layer_parameter_gradients(used, noise.as_ref()))
        .collect()
}

/// One layer's part of `parameter_gradients`, in the order of `Dense::parameters_mut`.
fn layer_parameter_gradients<'a>(
    used: &'a LayerGradients,
    noise: Option<&'a LayerNoise>,
) -> Vec<ParameterGradient<'a>> {
    let (weight, bias) = (used.weight.as_slice(), used.bias.as_slice());
    match noise {
        None => vec![ParameterGradient::Values(weight), ParameterGradient::Values(bias)],
        // weight = mean + scale ∘ noise: ∂/∂mean = ∂/∂weight, ∂/∂scale = ∂/∂weight ∘ noise (likewise the bias).
        Some(noise) => vec![
            ParameterGradient::Values(weight),
            ParameterGradient::TimesNoise {
                gradient: weight,
                input_noise: &noise.input,
                output_noise: &noise.output,
            },
            ParameterGradient::Values(bias),
            ParameterGradient::TimesNoise {
                gradient: bias,
                input_noise: &BIAS_INPUT_NOISE,
                output_noise: &noise.output,
            },
        ],
    }
}

/// How the last hidden features become Q-values.
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)]
pub enum Head {
    /// One linear layer, one output per action.
    Single(Dense),
    /// trick: dueling — a value stream (1 output, or one per atom) and an advantage stream (one per action, or per
    /// action and atom).
    Dueling { value: Dense, advantage: Dense },
}

/// The Q-network: hidden layers with ReLU, then the head.
#[derive(Debug, Clone)]
pub struct QNetwork {
    /// The convolutions' layers first (one per convolution, reading its patches).
    pub hidden: Vec<Dense>,
    pub head: Head,
    pub convolutions: Vec<Convolution>,
    /// Per input value (min, max − min) of the input bounds, in f32.
    input_bounds: Option<Vec<(f32, f32)>>,
}

/// Up to this many rows, a pass without a graph keeps noisy layers factorised: their extra product then costs less
/// than making the noisy weights (a pass over three matrices of the layer's size).
const FACTORISED_ROWS: usize = 8;

/// The plain layers one forward pass used, in network order (hidden layers, then the head's one or two).
pub type PassLayers = Vec<PassLayer>;

impl QNetwork {
    /// Builds `inputs → hidden[0] → … → actions × atoms` with weights drawn from `rng`, the run's network-init
    /// stream.
    pub fn new(inputs: usize, architecture: &Architecture, actions: usize, rng: &mut Pcg64) -> Self {
        // A convolution's layer maps a patch to its filters, and the layer after it reads every position.
        let mut hidden = Vec::new();
        let mut features = inputs;
        let initialization = architecture.initialization;
        for convolution in &architecture.convolutions {
            let fan_out = convolution.kernel * convolution.kernel * convolution.filters;
            let layer = Linear::new(
                convolution.patch_size(),
                convolution.filters,
                fan_out,
                initialization,
                rng,
            );
            hidden.push(Dense::Plain(layer));
            features = convolution.output_values();
        }
        for (index, width) in architecture.hidden.iter().enumerate() {
            // trick: noisy nets — the last hidden layer and the head are noisy, earlier layers only with `All`.
            let last = index + 1 == architecture.hidden.len();
            let noisy = last || architecture.noisy_layers == NoisyLayers::All;
            let sigma0 = architecture.noisy_sigma0.filter(|_| noisy);
            hidden.push(Dense::new((features, *width), sigma0, initialization, rng));
            features = *width;
        }
        let (sigma0, atoms) = (architecture.noisy_sigma0, architecture.atoms);
        let head = if architecture.dueling {
            Head::Dueling {
                value: Dense::new((features, atoms), sigma0, initialization, rng),
                advantage: Dense::new((features, actions * atoms), sigma0, initialization, rng),
            }
        } else {
            Head::Single(Dense::new((features, actions * atoms), sigma0, initialization, rng))
        };
        let input_bounds = architecture.input_bounds.as_ref().map(|bounds| {
            bounds
                .iter()
                .map(|(min, max)| (*min as f32, (*max - *min) as f32))
                .collect()
        });
        QNetwork {
            hidden,
            head,
            convolutions: architecture.convolutions.clone(),
            input_bounds,
        }
    }

    fn layers(&self) -> Vec<&Dense> {
        let head: Vec<&Dense> = match &self.head {
            Head::Single(output) => vec![output],
            Head::Dueling { value, advantage } => vec![value, advantage],
        };
        self.hidden.iter().chain(head).collect()
    }

    fn layers_mut(&mut self) -> Vec<&mut Dense> {
        let head: Vec<&mut Dense> = match &mut self.head {
            Head::Single(output) => vec![output],
            Head::Dueling { value, advantage } => vec![value, advantage],
        };
        self.hidden.iter_mut().chain(head).collect()
    }

    /// The matrix products of a forward pass on `batch` observations, as `(rows, inner, columns)` of
    /// `(rows × inner) · (inner × columns)`, in network order (what the benchmark's roofline counts).
    pub fn matmul_shapes(&self, batch: usize) -> Vec<(usize, usize, usize)> {
        self.layers()
            .iter()
            .enumerate()
            .map(|(index, layer)| {
                let (inputs, outputs) = layer.shape();
                // A convolution's layer reads one row per (input, position).
                let rows = match self.convolutions.get(index) {
                    Some(convolution) => batch * convolution.positions(),
                    None => batch,
                };
                (rows, inputs, outputs)
            })
            .collect()
    }

    /// The bytes of parameters a pass on a few rows reads: every layer's weight and bias, and with `noise` on a
    /// noisy layer's scales beside its means (such a pass keeps the noise factorised: two products per layer).
    pub fn parameter_bytes_per_pass(&self, noise: Noise) -> usize {
        let values: usize = self
            .layers()
            .iter()
            .map(|layer| {
                let (inputs, outputs) = layer.shape();
                let matrices = match (layer, noise) {
                    (Dense::Noisy(_), Noise::Sampled) => 2,
                    _ => 1,
                };
                matrices * (inputs + 1) * outputs
            })
            .sum();
        values * std::mem::size_of::<f32>()
    }

    /// The plain layers a pass with `noise` uses.
    fn pass_layers(&self, noise: Noise) -> PassLayers {
        self.layers()
            .iter()
            .map(|layer| PassLayer::new(layer.effective(noise)))
            .collect()
    }

    /// The outputs for a batch of observations, `(batch, inputs) → (batch, actions × atoms)`, without a graph: Q-values,
    /// or with C51 each action's logits over the atoms.
    pub fn forward(&self, input: Matrix, noise: Noise) -> Matrix {
        // On a few rows (acting), noisy layers keep their noise factorised; on a batch, making the noisy weights once
        // costs less than a second product per layer.
        let layers = if input.shape().0 <= FACTORISED_ROWS {
            self.layers().iter().map(|layer| layer.factorised(noise)).collect()
        } else {
            self.pass_layers(noise)
        };
        self.forward_with(&layers, input, None)
    }

    /// The outputs through `layers` (from `pass_layers`): all of them, or with `taken` only each row's taken
    /// action's. With an `OwnedTape` input the result carries the graph for `backward`; with `NoneTape` it is a plain
    /// evaluation.
    fn forward_with<T: Tape<f32, Cpu> + Merge<T>>(
        &self,
        layers: &[PassLayer],
        input: Matrix<T>,
        taken: Option<Taken>,
    ) -> Matrix<T> {
        let (mut hidden, head) = layers.split_at(self.hidden.len());
        let mut features = self.bounded(input);
        // The observation needs no gradient; every layer after the first passes one back to the layer before it.
        let mut input_gradient = false;
        for convolution in &self.convolutions {
            // The observation needs no gradient; every convolution after the first passes one back.
            features = convolution.apply(features, &hidden[0], input_gradient);
            hidden = &hidden[1..];
            input_gradient = true;
        }
        for layer in hidden {
            features = dense(features, layer, Activation::Relu, input_gradient);
            input_gradient = true;
        }
        match head {
            [output] => match taken {
                Some(taken) => taken_dense(features, output, taken, input_gradient),
                None => dense(features, output, Activation::Identity, input_gradient),
            },
            [value, advantage] => {
                // trick: dueling — Q = V + A − mean(A); both streams read the same features. With C51, per atom:
                // logit(a, i) = V(i) + A(a, i) − mean over actions of A(·, i).
                let (features, tape) = features.split_tape();
                let value = dense(
                    features.clone().put_tape(tape),
                    value,
                    Activation::Identity,
                    input_gradient,
                );
                let advantage = dense(features.retaped::<T>(), advantage, Activation::Identity, input_gradient);
                dueling(value, advantage, taken)
            }
            _ => unreachable!("a head has one or two layers"),
        }
    }

    /// The input with each value mapped from its bounds [min, max] to [−1, 1], as ((x − min) / (max − min))·2 − 1;
    /// unchanged without bounds. The input needs no gradient: the mapped values start from the same tape.
    fn bounded<T: Tape<f32, Cpu>>(&self, input: Matrix<T>) -> Matrix<T> {
        let Some(bounds) = &self.input_bounds else {
            return input;
        };
        let (input, tape) = input.split_tape();
        let mut values = contiguous_values(&input);
        for (value, (min, range)) in values.iter_mut().zip(bounds.iter().cycle()) {
            *value = (*value - min) / range * 2.0 - 1.0;
        }
        input.device().tensor_from_vec(values, *input.shape()).put_tape(tape)
    }

    /// Each layer's noise of the last draw (`None` for a plain layer), in the order of `layers`.
    fn layer_noise(&self) -> Vec<Option<LayerNoise>> {
        self.layers().iter().map(|layer| layer.noise()).collect()
    }

    /// Gradients of every stored parameter (the order of `parameters_mut`), taken from `layers` after `backward`
    /// and written out.
    #[cfg(test)]
    fn parameter_gradients(&self, layers: &[PassLayer]) -> Vec<Vec<f32>> {
        let used: Vec<LayerGradients> = layers.iter().map(PassLayer::take_gradients).collect();
        let noise = self.layer_noise();
        parameter_gradients(&used, &noise)
            .iter()
            .map(ParameterGradient::values)
            .collect()
    }

    /// Every stored parameter, in a fixed order (layer by layer; weight before bias, mean before scale). Private:
    /// only the optimiser and the Polyak average write parameters.
    fn parameters_mut(&mut self) -> Vec<&mut Values> {
        self.layers_mut().into_iter().flat_map(Dense::parameters_mut).collect()
    }

    /// Every stored parameter's values, flattened, in the order of `parameters_mut`.
    pub fn parameter_values(&self) -> Vec<Vec<f32>> {
        self.layers()
            .into_iter()
            .flat_map(Dense::parameters)
            .map(|values| values.to_vec())
            .collect()
    }

    /// Draws fresh noise for every noisy layer (none without noisy layers).
    pub fn resample_noise(&mut self, rng: &mut Pcg64) {
        for layer in self.layers_mut() {
            if let Dense::Noisy(noisy) = layer {
                noisy.resample(rng);
            }
        }
    }

    /// Per noisy layer, in network order: Σ|σ| / Σ|μ| over its weights, how loud the noise is beside the weights it
    /// perturbs (2σ0 at initialisation, where μ ~ U(±1/√p) and σ = σ0/√p). Empty without noisy layers.
    pub fn noise_to_signal(&self) -> Vec<f64> {
        let total = |values: &Values| values.iter().map(|value| value.abs() as f64).sum::<f64>();
        self.layers()
            .into_iter()
            .filter_map(|layer| match layer {
                Dense::Noisy(noisy) => {
                    Some(total(&noisy.weight_scale) / total(&noisy.weight_mean).max(f64::MIN_POSITIVE))
                }
                Dense::Plain(_) => None,
            })
            .collect()
    }

    /// Polyak averaging: every parameter becomes `tau · source + (1 − tau) · self`. Shapes must match.
    pub fn blend_from(&mut self, source: &QNetwork, tau: f64) {
        let tau = tau as f32;
        let sources: Vec<&Values> = source.layers().into_iter().flat_map(Dense::parameters).collect();
        for (parameter, source_values) in self.parameters_mut().into_iter().zip(sources) {
            for (own, source) in Arc::make_mut(parameter).iter_mut().zip(source_values.iter()) {
                *own = tau * source + (1.0 - tau) * *own;
            }
        }
    }
}

/// The plain layers of one forward pass that recorded a graph: what [`Learner::step`] maps the loss's gradients
/// back through. Only the learner makes one, and `step` consumes it (the layers share their buffers with the
/// network; dropped before the optimiser writes the parameters, they cost it no copy).
pub struct Pass {
    layers: PassLayers,
}

/// A scalar loss that carries the graph of a traced pass.
pub type Loss = Tensor<(), f32, Cpu, OwnedTape<f32, Cpu>>;

/// The online network and its optimiser: the one way the online parameters change. It reads like CleanRL's
/// `q = network(x); loss = ...; loss.backward(); optimizer.step()`: [`forward_traced`](Learner::forward_traced)
/// gives the outputs (with a graph) and the pass, the caller builds any loss from the outputs — squared or Huber
/// error of the taken action's Q, a cross-entropy over atoms — and [`step`](Learner::step) learns from it.
#[derive(Debug, Clone)]
pub struct Learner {
    network: QNetwork,
    optimizer: Adam,
}

impl Learner {
    /// The learner of `network`, with Adam at `learning_rate` and `epsilon` (β = 0.9, 0.999).
    pub fn new(network: QNetwork, learning_rate: f64, epsilon: f64) -> Self {
        let optimizer = Adam::new(&network, learning_rate, epsilon);
        Learner { network, optimizer }
    }

    /// The online network, to act with or to copy into the target network.
    pub fn network(&self) -> &QNetwork {
        &self.network
    }

    /// Draws fresh noise for the noisy layers (the noise is not a parameter).
    pub fn resample_noise(&mut self, rng: &mut Pcg64) {
        self.network.resample_noise(rng);
    }

    /// The network's outputs for `input` with a graph for learning, and the pass that made them: all of them, or with
    /// `taken` only each row's taken action's (`rows × taken.width`), all a loss at s reads (a single head then
    /// computes no other action's outputs).
    pub fn forward_traced(
        &self,
        input: Matrix,
        noise: Noise,
        taken: Option<Taken>,
    ) -> (Matrix<OwnedTape<f32, Cpu>>, Pass) {
        let layers = self.network.pass_layers(noise);
        let outputs = self.network.forward_with(&layers, input.leaky_traced(), taken);
        (outputs, Pass { layers })
    }

    /// The network's outputs for another `input` through the layers of `pass` (the same noise), without a graph:
    /// double DQN's online Q at s' reuses the noisy layers' weights of the traced pass at s instead of making them
    /// again.
    pub fn forward_again(&self, pass: &Pass, input: Matrix) -> Matrix {
        self.network.forward_with(&pass.layers, input, None)
    }

    /// `loss.backward(); optimizer.step()`: the gradients of `loss` (built from the outputs of `pass`) with respect
    /// to every parameter, their global norm scaled down to `max_grad_norm` when given, then one Adam step.
    pub fn step(&mut self, pass: Pass, loss: Loss, max_grad_norm: Option<f64>) {
        drop(loss.backward());
        let used: Vec<LayerGradients> = pass.layers.iter().map(PassLayer::take_gradients).collect();
        // Dropped before the optimiser writes the parameters: the pass's layers share their buffers.
        drop(pass);
        let noise = self.network.layer_noise();
        let mut gradients = parameter_gradients(&used, &noise);
        // Clipping scales every value, so the noisy scales' gradients are written out first (scaling the weight's
        // gradient before multiplying by the noise would round differently).
        let clipped = max_grad_norm.map(|max_norm| {
            let mut values: Vec<Vec<f32>> = gradients.iter().map(ParameterGradient::values).collect();
            clip_gradient_norm(&mut values, max_norm);
            values
        });
        if let Some(clipped) = &clipped {
            gradients = clipped.iter().map(|values| ParameterGradient::Values(values)).collect();
        }
        self.optimizer.update(&mut self.network, &gradients);
    }
}

/// Scales `gradients` so that their global L2 norm is at most `max_norm` (PyTorch's `clip_grad_norm_`, whose
/// scale is `max_norm / (norm + 1e-6)` when below 1). Returns the norm before clipping.
pub fn clip_gradient_norm(gradients: &mut [Vec<f32>], max_norm: f64) -> f64 {
    let norm = gradients
        .iter()
        .flatten()
        .map(|value| (*value as f64).powi(2))
        .sum::<f64>()
        .sqrt();
    let scale = max_norm / (norm + 1e-6);
    if scale < 1.0 {
        for value in gradients.iter_mut().flatten() {
            *value *= scale as f32;
        }
    }
    norm
}

/// Adam (Kingma & Ba 2015) with PyTorch's bias correction and ε outside the square root, writing the network's
/// parameter buffers in place. Only the [`Learner`] holds one, next to the network whose parameters it alone changes.
#[derive(Debug, Clone)]
struct Adam {
    learning_rate: f32,
    beta1: f32,
    beta2: f32,
    epsilon: f32,
    step: i32,
    /// Per parameter tensor (the network's order): its first and second moment estimates.
    parameters: Vec<AdamState>,
}

/// Two buffers the size of one parameter tensor.
#[derive(Debug, Clone, Default)]
struct AdamState {
    first: Vec<f32>,
    second: Vec<f32>,
}

impl Adam {
    /// An optimiser for `network` with β = (0.9, 0.999).
    fn new(network: &QNetwork, learning_rate: f64, epsilon: f64) -> Self {
        let parameters = network
            .parameter_values()
            .into_iter()
            .map(|values| AdamState {
                first: vec![0.0; values.len()],
                second: vec![0.0; values.len()],
            })
            .collect();
        Adam {
            learning_rate: learning_rate as f32,
            beta1: 0.9,
            beta2: 0.999,
            epsilon: epsilon as f32,
            step: 0,
            parameters,
        }
    }

    /// One Adam step on every parameter of `network` with `gradients` (the order of `parameters_mut`).
    fn update(&mut self, network: &mut QNetwork, gradients: &[ParameterGradient]) {
        self.step += 1;
        let (beta1, beta2, epsilon) = (self.beta1, self.beta2, self.epsilon);
        let step_size = self.learning_rate / (1.0 - beta1.powi(self.step));
        let bias_correction2 = 1.0 - beta2.powi(self.step);
        let constants = AdamConstants {
            beta1,
            beta2,
            epsilon,
            step_size,
            bias_correction2,
        };
        for ((parameter, gradient), state) in network
            .parameters_mut()
            .into_iter()
            .zip(gradients)
            .zip(&mut self.parameters)
        {
            // Copies the buffer only while a target network or a pass still shares it.
            let values = Arc::make_mut(parameter);
            adam_step(values, state, *gradient, constants);
        }
    }
}

/// The scalars of one Adam step.
#[derive(Debug, Clone, Copy)]
struct AdamConstants {
    beta1: f32,
    beta2: f32,
    epsilon: f32,
    step_size: f32,
    bias_correction2: f32,
}

wide_vectors! {
    /// `adam_step_here` with AVX2's eight lanes where the CPU has them (for the divisions and square roots most).
    fn adam_step(values: &mut [f32], state: &mut AdamState, gradient: ParameterGradient, constants: AdamConstants)
        = adam_step_here;
}

/// Adam's element-wise update of one parameter tensor. Zipped iterators, not indexing: no bounds checks, so the loop
/// vectorises.
///
/// Both moment estimates are flushed to (signed) zero once they fall below `f32::MIN_POSITIVE`. A parameter whose
/// gradient stops (a ReLU unit idle for a batch, say) has its first moment shrink by β₁ each update and pass through
/// the subnormal range for some 150 updates; the CPU handles each instruction with a subnormal operand in a slow
/// microcode assist, which made this loop a fifth of a CleanRL CartPole run (a sixth of its first moments were
/// subnormal at any time). What the flush drops is below 10⁻³⁸: divided by at least ε it moves a parameter by under
/// 10⁻²⁹, below the last bit of any parameter that is not itself that small, so the trained numbers stay the same.
#[inline(always)]
fn adam_step_here(values: &mut [f32], state: &mut AdamState, gradient: ParameterGradient, constants: AdamConstants) {
    match gradient {
        ParameterGradient::Values(gradient) => {
            let elements = values
                .iter_mut()
                .zip(gradient)
                .zip(state.first.iter_mut().zip(state.second.iter_mut()));
            for ((value, grad), (first, second)) in elements {
                adam_element(value, *grad, first, second, constants);
            }
        }
        ParameterGradient::TimesNoise {
            gradient,
            input_noise,
            output_noise,
        } => {
            let columns = output_noise.len();
            let rows = values
                .chunks_exact_mut(columns)
                .zip(gradient.chunks_exact(columns))
                .zip(
                    state
                        .first
                        .chunks_exact_mut(columns)
                        .zip(state.second.chunks_exact_mut(columns)),
                );
            for (((values, gradient), (first, second)), input) in rows.zip(input_noise) {
                let elements = values
                    .iter_mut()
                    .zip(gradient.iter().zip(output_noise))
                    .zip(first.iter_mut().zip(second.iter_mut()));
                for ((value, (grad, output)), (first, second)) in elements {
                    adam_element(value, grad * (input * output), first, second, constants);
                }
            }
        }
    }
}

/// Adam's update of one element from its gradient.
#[inline(always)]
fn adam_element(value: &mut f32, grad: f32, first: &mut f32, second: &mut f32, constants: AdamConstants) {
    let AdamConstants {
        beta1,
        beta2,
        epsilon,
        step_size,
        bias_correction2,
    } = constants;
    *first = flush_subnormal(beta1 * *first + (1.0 - beta1) * grad);
    *second = flush_subnormal(beta2 * *second + (1.0 - beta2) * grad * grad);
    *value -= step_size * *first / ((*second / bias_correction2).sqrt() + epsilon);
}

/// `number`, or zero with its sign when it is subnormal (a compare and a mask when vectorised: no slow path).
#[inline(always)]
fn flush_subnormal(number: f32) -> f32 {
    if number.abs() < f32::MIN_POSITIVE {
        0.0f32.copysign(number)
    } else {
        number
    }
}

/// A plain MLP of `hidden` widths: no dueling, noise, convolution or bounds, one output per action, PyTorch's
/// initialisation (what tests start from and change a field or two of).
#[cfg(test)]
pub fn plain_architecture(hidden: &[usize]) -> Architecture {
    Architecture {
        hidden: hidden.to_vec(),
        dueling: false,
        noisy_sigma0: None,
        convolutions: Vec::new(),
        atoms: 1,
        noisy_layers: NoisyLayers::LastHiddenAndHead,
        initialization: Initialization::PyTorchDefault,
        input_bounds: None,
    }
}

/// The gradients of every stored parameter (the order of `parameters_mut`) of the loss `loss_of` builds from the
/// network's traced outputs for one observation (all of them, or with `taken` the taken action's): what a test of a
/// loss compares with its derivative by hand.
#[cfg(test)]
pub fn gradients_of(
    network: &QNetwork,
    observation: &[f32],
    noise: Noise,
    taken: Option<Taken>,
    loss_of: impl FnOnce(Matrix<OwnedTape<f32, Cpu>>) -> Loss,
) -> Vec<Vec<f32>> {
    let device = Cpu::default();
    let input = device.tensor_from_vec(observation.to_vec(), (1, observation.len()));
    let layers = network.pass_layers(noise);
    let outputs = network.forward_with(&layers, input.leaky_traced(), taken);
    drop(loss_of(outputs).backward());
    network.parameter_gradients(&layers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn set(layer: &mut Dense, weight: Vec<f32>, bias: Vec<f32>) {
        let Dense::Plain(linear) = layer else {
            panic!("a plain layer")
        };
        assert_eq!((weight.len(), bias.len()), (linear.weight.len(), linear.bias.len()));
        linear.weight = Arc::new(weight);
        linear.bias = Arc::new(bias);
    }

    /// A 1 → 1 network `y = w·x + b` with chosen parameters.
    fn scalar_network(weight: f32, bias: f32) -> QNetwork {
        let mut rng = Pcg64::seed_from_u64(0);
        let mut network = QNetwork::new(1, &plain_architecture(&[]), 1, &mut rng);
        let Head::Single(output) = &mut network.head else {
            panic!("a single head")
        };
        set(output, vec![weight], vec![bias]);
        network
    }

    /// Gradients of `mse(w·x + b, target)` for one sample, through dfdx's autodiff, mapped to the parameters.
    fn gradients_at(device: &Cpu, network: &QNetwork, input: f32, target: f32) -> Vec<Vec<f32>> {
        gradients_of(network, &[input], Noise::Sampled, None, |output| {
            mse_loss(output.reshape_like(&(1,)), device.tensor_from_vec(vec![target], (1,)))
        })
    }

    #[test]
    fn forward_matches_a_hand_computed_two_layer_network() {
        let device = Cpu::default();
        let mut rng = Pcg64::seed_from_u64(0);
        let mut network = QNetwork::new(2, &plain_architecture(&[2]), 1, &mut rng);
        set(&mut network.hidden[0], vec![1.0, -1.0, 2.0, 0.5], vec![0.0, -3.0]);
        let Head::Single(output) = &mut network.head else {
            panic!("a single head")
        };
        set(output, vec![1.0, 2.0], vec![0.25]);
        // x = (1, 1): hidden pre-activation (1 + 2, −1 + 0.5 − 3) = (3, −3.5) → ReLU (3, 0) → 3 + 0 + 0.25.
        // x = (−1, 0): (−1, 1 − 3) = (−1, −2) → (0, 0) → 0.25.
        let input = device.tensor_from_vec(vec![1.0, 1.0, -1.0, 0.0], (2, 2));
        assert_eq!(network.forward(input, Noise::Off).as_vec(), vec![3.25, 0.25]);
    }

    #[test]
    fn a_layers_gradients_sum_over_the_batch() {
        // y = x · W + b on three rows, L = Σ y: ∂L/∂b_j = 3 (one per row), ∂L/∂W_ij = Σ_rows x_i.
        let device = Cpu::default();
        let mut rng = Pcg64::seed_from_u64(0);
        let network = QNetwork::new(2, &plain_architecture(&[]), 2, &mut rng);
        let input = device.tensor_from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], (3, 2));
        let layers = network.pass_layers(Noise::Off);
        let output = network.forward_with(&layers, input.leaky_traced(), None);
        drop(output.sum::<(), _>().backward());
        let gradients = network.parameter_gradients(&layers);
        assert_eq!(gradients, vec![vec![9.0, 9.0, 12.0, 12.0], vec![3.0, 3.0]]);
    }

    #[test]
    fn dueling_head_adds_value_to_centred_advantages() {
        let device = Cpu::default();
        let mut rng = Pcg64::seed_from_u64(0);
        let architecture = Architecture {
            dueling: true,
            ..plain_architecture(&[])
        };
        let mut network = QNetwork::new(1, &architecture, 3, &mut rng);
        let Head::Dueling { value, advantage } = &mut network.head else {
            panic!("a dueling head")
        };
        // V(x) = 2x + 1; A(x) = (x, 2x, 6x) + (0, 1, −4).
        set(value, vec![2.0], vec![1.0]);
        set(advantage, vec![1.0, 2.0, 6.0], vec![0.0, 1.0, -4.0]);
        // x = 1: V = 3, A = (1, 3, 2), mean 2 → Q = (2, 4, 3). x = 0: V = 1, A = (0, 1, −4), mean −1 → (2, 3, −2).
        let input = device.tensor_from_vec(vec![1.0, 0.0], (2, 1));
        assert_eq!(
            network.forward(input.clone(), Noise::Off).as_vec(),
            vec![2.0, 4.0, 3.0, 2.0, 3.0, -2.0]
        );

        // The gradient reaches both streams: d Q_0(x=1) / d value bias = 1, d / d advantage bias = (2/3, −1/3, −1/3).
        let layers = network.pass_layers(Noise::Off);
        let q = network.forward_with(&layers, input.slice((0..1, ..)).leaky_traced(), None);
        let picked = q.select(device.tensor_from_vec(vec![0usize], (1,)));
        drop(picked.sum::<(), _>().backward());
        let gradients = network.parameter_gradients(&layers);
        assert_eq!(gradients[1], vec![1.0]);
        let advantage_bias: Vec<f32> = gradients[3].clone();
        for (got, want) in advantage_bias.iter().zip([2.0 / 3.0, -1.0 / 3.0, -1.0 / 3.0]) {
            assert!((got - want).abs() < 1e-6, "{advantage_bias:?}");
        }
    }

    #[test]
    fn noisy_layer_output_has_the_factorised_mean_and_variance() {
        // One noisy 1 → 1 layer: y = x(μ + σ f(a) f(b)) + μ_b + σ_b f(b), with a, b ~ N(0, 1).
        // E[f(a)] = 0 and E[f(a)²] = E|a| = √(2/π), so E[y] = xμ + μ_b and
        // Var[y] = x²σ²·(2/π) + σ_b²·√(2/π) (the cross term has E[f(a)] = 0 as a factor).
        let device = Cpu::default();
        let mut rng = Pcg64::seed_from_u64(3);
        let architecture = Architecture {
            noisy_sigma0: Some(0.5),
            ..plain_architecture(&[])
        };
        let mut network = QNetwork::new(1, &architecture, 1, &mut rng);
        let Head::Single(Dense::Noisy(noisy)) = &mut network.head else {
            panic!("a noisy head")
        };
        noisy.weight_mean = Arc::new(vec![0.3]);
        noisy.bias_mean = Arc::new(vec![-0.2]);
        // σ0 = 0.5 and p = 1: both scales start at 0.5.
        assert_eq!(*noisy.weight_scale, vec![0.5]);
        assert_eq!(*noisy.bias_scale, vec![0.5]);
        let x = 2.0f64;
        let input = device.tensor_from_vec(vec![x as f32], (1, 1));
        let samples = 200_000;
        let outputs: Vec<f64> = (0..samples)
            .map(|_| {
                network.resample_noise(&mut rng);
                network.forward(input.clone(), Noise::Sampled).as_vec()[0] as f64
            })
            .collect();
        let mean = outputs.iter().sum::<f64>() / samples as f64;
        let variance = outputs.iter().map(|y| (y - mean).powi(2)).sum::<f64>() / (samples - 1) as f64;
        let pi = std::f64::consts::PI;
        let expected_variance = x * x * 0.25 * (2.0 / pi) + 0.25 * (2.0 / pi).sqrt();
        // Standard errors: √(Var/n) ≈ 0.0016 for the mean; the variance's is under 1% here.
        assert!((mean - (x * 0.3 - 0.2)).abs() < 0.01, "mean {mean}");
        assert!(
            (variance / expected_variance - 1.0).abs() < 0.03,
            "variance {variance} vs {expected_variance}"
        );
        // With the noise off the layer is its mean.
        assert_eq!(network.forward(input, Noise::Off).as_vec(), vec![0.3 * 2.0 - 0.2]);
    }

    #[test]
    fn noisy_scale_gradient_is_the_weight_gradient_times_the_noise() {
        let device = Cpu::default();
        let mut rng = Pcg64::seed_from_u64(5);
        let architecture = Architecture {
            noisy_sigma0: Some(0.5),
            ..plain_architecture(&[])
        };
        let mut network = QNetwork::new(1, &architecture, 1, &mut rng);
        network.resample_noise(&mut rng);
        let Head::Single(Dense::Noisy(noisy)) = &network.head else {
            panic!("a noisy head")
        };
        let (mean, scale) = (noisy.weight_mean[0], noisy.weight_scale[0]);
        let (bias_mean, bias_scale) = (noisy.bias_mean[0], noisy.bias_scale[0]);
        let (weight_noise, bias_noise) = (noisy.input_noise[0] * noisy.output_noise[0], noisy.output_noise[0]);
        let (x, target) = (1.5f32, 2.0f32);
        // L = (y − t)², y = x(μ + σ e_w) + μ_b + σ_b e_b.
        let y = x * (mean + scale * weight_noise) + bias_mean + bias_scale * bias_noise;
        let error = 2.0 * (y - target);
        let want = [error * x, error * x * weight_noise, error, error * bias_noise];
        let got = gradients_at(&device, &network, x, target);
        for (got, want) in got.iter().zip(want) {
            assert!((got[0] - want).abs() < 1e-5, "{got:?} vs {want}");
        }
    }

    #[test]
    fn a_dueling_head_over_atoms_centres_the_advantages_per_atom() {
        // One input x = 1, no hidden layer, 2 actions × 2 atoms. Value stream V = (1, −1); advantage stream
        // A(0, ·) = (2, 0), A(1, ·) = (4, 6). Per atom i: logit(a, i) = V(i) + A(a, i) − (A(0, i) + A(1, i)) / 2:
        // atom 0: 1 + 2 − 3 = 0 and 1 + 4 − 3 = 2; atom 1: −1 + 0 − 3 = −4 and −1 + 6 − 3 = 2.
        let device = Cpu::default();
        let mut rng = Pcg64::seed_from_u64(0);
        let architecture = Architecture {
            dueling: true,
            atoms: 2,
            ..plain_architecture(&[])
        };
        let mut network = QNetwork::new(1, &architecture, 2, &mut rng);
        let Head::Dueling { value, advantage } = &mut network.head else {
            panic!("a dueling head")
        };
        set(value, vec![1.0, -1.0], vec![0.0, 0.0]);
        set(advantage, vec![2.0, 0.0, 4.0, 6.0], vec![0.0; 4]);
        let input = device.tensor_from_vec(vec![1.0], (1, 1));
        assert_eq!(network.forward(input, Noise::Off).as_vec(), vec![0.0, -4.0, 2.0, 2.0]);
    }

    #[test]
    fn acting_on_one_row_with_factorised_noise_gives_the_noisy_weights_outputs() {
        // A noisy dueling network, every layer noisy: one observation alone takes the factorised path; the same
        // observation among 16 rows takes the path that makes mean + scale ∘ noise. Same function, other rounding.
        let device = Cpu::default();
        let mut rng = Pcg64::seed_from_u64(9);
        let architecture = Architecture {
            noisy_sigma0: Some(0.5),
            noisy_layers: NoisyLayers::All,
            dueling: true,
            ..plain_architecture(&[32, 16])
        };
        let mut network = QNetwork::new(3, &architecture, 4, &mut rng);
        network.resample_noise(&mut rng);
        let rows: Vec<f32> = uniform(&mut rng, 2.0, 3 * 16);
        let batch = network.forward(device.tensor_from_vec(rows.clone(), (16, 3)), Noise::Sampled);
        let alone = network.forward(device.tensor_from_vec(rows[..3].to_vec(), (1, 3)), Noise::Sampled);
        let mean_only = network.forward(device.tensor_from_vec(rows[..3].to_vec(), (1, 3)), Noise::Off);
        let (batch, alone, mean_only) = (batch.as_vec(), alone.as_vec(), mean_only.as_vec());
        for (got, want) in alone.iter().zip(&batch[..4]) {
            assert!(
                (got - want).abs() < 1e-5 * want.abs().max(1.0),
                "{alone:?} vs {:?}",
                &batch[..4]
            );
        }
        // The noise mattered: the outputs are not the mean network's.
        assert!(alone
            .iter()
            .zip(&mean_only)
            .any(|(noisy, mean)| (noisy - mean).abs() > 1e-3));
    }

    /// 4 inputs, hidden [8, 8], a dueling head over 2 actions, noisy nets (σ0 0.5) on their default layers.
    fn dueling_noisy_network() -> QNetwork {
        let mut rng = Pcg64::seed_from_u64(0);
        let architecture = Architecture {
            dueling: true,
            noisy_sigma0: Some(0.5),
            ..plain_architecture(&[8, 8])
        };
        QNetwork::new(4, &architecture, 2, &mut rng)
    }

    #[test]
    fn noisy_nets_make_the_last_hidden_layer_and_the_head_noisy() {
        let network = dueling_noisy_network();
        let noisy: Vec<bool> = network
            .layers()
            .iter()
            .map(|layer| matches!(layer, Dense::Noisy(_)))
            .collect();
        assert_eq!(noisy, [false, true, true, true]);
    }

    #[test]
    fn a_pass_on_a_few_rows_reads_the_noisy_layers_scales_only_with_the_noise_on() {
        // 4 inputs, hidden [8, 8], dueling over 2 actions: layers 4→8 (plain), 8→8, 8→1 and 8→2 (noisy).
        // Weights and biases: 5·8 = 40 plain; 9·8 + 9·1 + 9·2 = 99 noisy, twice with the noise on. 4 bytes each.
        let network = dueling_noisy_network();
        assert_eq!(network.parameter_bytes_per_pass(Noise::Off), (40 + 99) * 4);
        assert_eq!(network.parameter_bytes_per_pass(Noise::Sampled), (40 + 2 * 99) * 4);
    }

    #[test]
    fn initial_weights_lie_within_one_over_root_fan_in() {
        let mut rng = Pcg64::seed_from_u64(7);
        let network = QNetwork::new(4, &plain_architecture(&[16]), 2, &mut rng);
        let bounds = [0.5, 0.25];
        for (values, bound) in network.parameter_values().chunks(2).zip(bounds) {
            for value in values.iter().flatten() {
                assert!(value.abs() <= bound, "{value} outside ±{bound}");
            }
        }
    }

    #[test]
    fn glorot_weights_lie_within_their_bound_with_zero_biases() {
        // 4 → 16 → 2: bounds √(6/20) and √(6/18); with 64 + 32 draws each, the largest |w| comes near its bound.
        let mut rng = Pcg64::seed_from_u64(7);
        let architecture = Architecture {
            initialization: Initialization::GlorotUniform,
            ..plain_architecture(&[16])
        };
        let network = QNetwork::new(4, &architecture, 2, &mut rng);
        let values = network.parameter_values();
        for (weights, bound) in [
            (&values[0], (6.0f32 / 20.0).sqrt()),
            (&values[2], (6.0f32 / 18.0).sqrt()),
        ] {
            let largest = weights.iter().fold(0.0f32, |largest, value| largest.max(value.abs()));
            assert!(largest <= bound && largest > 0.8 * bound, "{largest} vs {bound}");
        }
        assert!(values[1].iter().chain(&values[3]).all(|bias| *bias == 0.0));
    }

    #[test]
    fn noisy_layers_all_makes_every_fully_connected_layer_noisy() {
        let mut rng = Pcg64::seed_from_u64(0);
        let architecture = Architecture {
            noisy_sigma0: Some(0.1),
            noisy_layers: NoisyLayers::All,
            ..plain_architecture(&[8, 8])
        };
        let network = QNetwork::new(4, &architecture, 2, &mut rng);
        assert!(network.layers().iter().all(|layer| matches!(layer, Dense::Noisy(_))));
    }

    #[test]
    fn noise_to_signal_starts_at_twice_sigma0() {
        // μ ~ U(±1/√p) has mean |μ| = 1/(2√p) and σ = σ0/√p, so Σ|σ| / Σ|μ| → 2σ0 = 0.2; with 64·256 and 256·3 weights
        // the sample means are within a few percent (the head's 768 draws: standard error about 2%).
        let architecture = Architecture {
            noisy_sigma0: Some(0.1),
            noisy_layers: NoisyLayers::All,
            ..plain_architecture(&[256])
        };
        let network = QNetwork::new(64, &architecture, 3, &mut Pcg64::seed_from_u64(3));
        let ratios = network.noise_to_signal();
        assert_eq!(ratios.len(), 2);
        for ratio in ratios {
            assert!((ratio - 0.2).abs() < 0.2 * 0.08, "{ratio}");
        }
        assert!(
            QNetwork::new(4, &plain_architecture(&[8]), 2, &mut Pcg64::seed_from_u64(3))
                .noise_to_signal()
                .is_empty()
        );
    }

    #[test]
    fn input_bounds_map_each_value_to_minus_one_to_one_before_the_first_layer() {
        // Bounds (−2, 2) and (0, 10): the input (1, 10) becomes (0.5, 1), and (−2, 0) becomes (−1, −1). The network
        // with bounds on the raw input equals the same network without them on the mapped input.
        let device = Cpu::default();
        let bounded = Architecture {
            input_bounds: Some(vec![(-2.0, 2.0), (0.0, 10.0)]),
            ..plain_architecture(&[3])
        };
        let network = QNetwork::new(2, &bounded, 2, &mut Pcg64::seed_from_u64(1));
        let unbounded = QNetwork::new(2, &plain_architecture(&[3]), 2, &mut Pcg64::seed_from_u64(1));
        let raw = device.tensor_from_vec(vec![1.0, 10.0, -2.0, 0.0], (2, 2));
        let mapped = device.tensor_from_vec(vec![0.5, 1.0, -1.0, -1.0], (2, 2));
        assert_eq!(
            network.forward(raw, Noise::Off).as_vec(),
            unbounded.forward(mapped, Noise::Off).as_vec()
        );
    }

    #[test]
    fn the_unfolded_convolution_matches_a_direct_one() {
        // A 4×3 image with 2 channels, a 2×2 kernel, 1 filter: 3×2 = 6 positions, patches of 8.
        let convolution = Convolution::square(4, 3, 2, 2, 1);
        let image: Vec<f32> = (0..24).map(|value| value as f32).collect();
        let pixel = |y: usize, x: usize, channel: usize| image[(y * 3 + x) * 2 + channel];
        let patches = convolution.unfold(&image, 1);
        assert_eq!(patches.len(), 6 * 8);
        // The patch at (y, x) = (1, 1), in (dy, dx, channel) order.
        let patch = &patches[(3) * 8..4 * 8];
        let expected: Vec<f32> = (0..2)
            .flat_map(|dy| (0..2).flat_map(move |dx| (0..2).map(move |c| (dy, dx, c))))
            .map(|(dy, dx, c)| pixel(1 + dy, 1 + dx, c))
            .collect();
        assert_eq!(patch, expected.as_slice());

        // Through a network: filter weights w[(dy, dx, c)] = 1 for channel 0 only, bias −30, then ReLU and an
        // output layer summing every position: Q = Σ_positions ReLU(Σ channel-0 pixels of the patch − 30).
        let device = Cpu::default();
        let mut rng = Pcg64::seed_from_u64(0);
        let architecture = Architecture {
            convolutions: vec![convolution],
            ..plain_architecture(&[])
        };
        let mut network = QNetwork::new(24, &architecture, 1, &mut rng);
        set(
            &mut network.hidden[0],
            (0..8).map(|index| if index % 2 == 0 { 1.0 } else { 0.0 }).collect(),
            vec![-30.0],
        );
        let Head::Single(output) = &mut network.head else {
            panic!("a single head")
        };
        set(output, vec![1.0; 6], vec![0.0]);
        let direct: f32 = (0..3)
            .flat_map(|y| (0..2).map(move |x| (y, x)))
            .map(|(y, x)| {
                let sum: f32 = (0..2)
                    .flat_map(|dy| (0..2).map(move |dx| (dy, dx)))
                    .map(|(dy, dx)| pixel(y + dy, x + dx, 0))
                    .sum();
                (sum - 30.0).max(0.0)
            })
            .sum();
        let input = device.tensor_from_vec(image.clone(), (1, 24));
        assert_eq!(network.forward(input, Noise::Off).as_vec(), vec![direct]);
        assert!(direct > 0.0, "some positions pass the ReLU");
    }

    #[test]
    fn gradients_through_stacked_strided_convolutions_match_finite_differences() {
        // Two stacked 7×7 images of 1 channel → 3×3 kernel, stride 2, 2 filters (3×3) → 2×2 kernel, stride 1, 3
        // filters (2×2) → 4 units → 2 actions. The loss is Q(a0) − 2·Q(a1). The network is linear between ReLU
        // kinks, so a central difference of step 1e-3 gives each weight's derivative up to rounding.
        let first = Convolution {
            images: 2,
            stride: 2,
            ..Convolution::square(7, 7, 1, 3, 2)
        };
        let architecture = Architecture {
            convolutions: vec![first, first.then(2, 1, 3)],
            ..plain_architecture(&[4])
        };
        let mut rng = Pcg64::seed_from_u64(3);
        let network = QNetwork::new(98, &architecture, 2, &mut rng);
        let observation: Vec<f32> = (0..98).map(|index| ((index * 29) % 17) as f32 / 17.0).collect();
        let device = Cpu::default();
        let weights = device.tensor_from_vec(vec![1.0, -2.0], (1, 2));
        let loss_at = |network: &QNetwork| -> f64 {
            let input = device.tensor_from_vec(observation.clone(), (1, 98));
            let q = network.forward(input, Noise::Off).as_vec();
            f64::from(q[0]) - 2.0 * f64::from(q[1])
        };
        let gradients = gradients_of(&network, &observation, Noise::Off, None, |output| {
            (output * weights.clone()).sum()
        });
        // Every weight and bias of both convolutions (parameters 0 to 3).
        for (parameter, parameter_gradients) in gradients.iter().enumerate().take(4) {
            for (index, gradient) in parameter_gradients.iter().enumerate() {
                let shifted = |step: f32| {
                    let mut network = network.clone();
                    Arc::make_mut(network.parameters_mut()[parameter])[index] += step;
                    loss_at(&network)
                };
                let numeric = (shifted(1e-3) - shifted(-1e-3)) / 2e-3;
                let analytic = f64::from(*gradient);
                assert!(
                    (numeric - analytic).abs() < 2e-3,
                    "parameter {parameter}[{index}]: {analytic} by the graph, {numeric} by differences"
                );
            }
        }
        assert!(
            gradients[0].iter().any(|gradient| *gradient != 0.0),
            "the first convolution learns"
        );
    }

    #[test]
    fn polyak_average_moves_tau_of_the_way() {
        let mut target = scalar_network(1.0, -2.0);
        let online = scalar_network(3.0, 2.0);
        target.blend_from(&online, 0.25);
        // 0.25·3 + 0.75·1 = 1.5; 0.25·2 + 0.75·(−2) = −1.
        assert_eq!(target.parameter_values(), vec![vec![1.5], vec![-1.0]]);
        target.blend_from(&online, 1.0);
        assert_eq!(target.parameter_values(), vec![vec![3.0], vec![2.0]]);
    }

    #[test]
    fn gradient_clipping_scales_to_the_max_norm_and_leaves_small_gradients() {
        let mut gradients = vec![vec![3.0], vec![0.0, 4.0]];
        let norm = clip_gradient_norm(&mut gradients, 1.0);
        assert_eq!(norm, 5.0);
        let scale = (1.0 / (5.0 + 1e-6)) as f32;
        assert_eq!(gradients, vec![vec![3.0 * scale], vec![0.0, 4.0 * scale]]);
        let mut small = vec![vec![0.3, 0.4]];
        clip_gradient_norm(&mut small, 1.0);
        assert_eq!(small, vec![vec![0.3, 0.4]]);
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
    fn adam_flushes_moments_that_turn_subnormal_and_leaves_the_rest() {
        let constants = AdamConstants {
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
            step_size: 0.001,
            bias_correction2: 0.5,
        };
        // Element 0: no gradient, its first moment 1.2e-38 (normal) shrinks to 1.08e-38 (subnormal) and its second
        // moment 1.176e-38 shrinks by β₂ to 1.1748e-38 (subnormal too); element 1: the negative twin; element 2:
        // ordinary numbers, worked by hand.
        let mut values = vec![0.5, -0.25, 1.0];
        let mut state = AdamState {
            first: vec![1.2e-38, -1.2e-38, 0.1],
            second: vec![1.176e-38, 1.176e-38, 0.04],
        };
        adam_step(
            &mut values,
            &mut state,
            ParameterGradient::Values(&[0.0, 0.0, 0.5]),
            constants,
        );
        assert_eq!(state.first[0].to_bits(), 0.0f32.to_bits());
        assert_eq!(
            state.first[1].to_bits(),
            (-0.0f32).to_bits(),
            "the flush keeps the sign"
        );
        assert_eq!(state.second[..2], [0.0, 0.0]);
        assert_eq!(
            values[..2],
            [0.5, -0.25],
            "a subnormal step is below the parameters' last bit"
        );
        // first = 0.9·0.1 + 0.1·0.5 = 0.14; second = 0.999·0.04 + 0.001·0.25 = 0.04021;
        // value = 1 − 0.001·0.14 / (√(0.04021 / 0.5) + 1e-8) = 1 − 0.00014 / 0.283584... = 0.999506...
        assert!((state.first[2] - 0.14).abs() < 1e-7);
        assert!((state.second[2] - 0.04021).abs() < 1e-8);
        let expected = 1.0 - 0.00014 / ((0.04021f64 / 0.5).sqrt() + 1e-8);
        assert!((f64::from(values[2]) - expected).abs() < 1e-7, "{}", values[2]);
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn adams_wide_step_gives_the_same_bits_as_the_baseline_one() {
        if !std::arch::is_x86_feature_detected!("avx2") {
            return;
        }
        let mut rng = Pcg64::seed_from_u64(11);
        // 1,003 elements: full eight-lane blocks and a remainder.
        let draw = |rng: &mut Pcg64| uniform(rng, 2.0, 1003);
        let values = draw(&mut rng);
        let state = AdamState {
            first: draw(&mut rng),
            second: draw(&mut rng).iter().map(|value| value.abs()).collect(),
        };
        let gradient = draw(&mut rng);
        let constants = AdamConstants {
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
            step_size: 0.003,
            bias_correction2: 0.02,
        };
        // The noisy scale's form too: 1,003 = 17 rows × 59 columns.
        let (input_noise, output_noise) = (draw(&mut rng)[..17].to_vec(), draw(&mut rng)[..59].to_vec());
        let times_noise = ParameterGradient::TimesNoise {
            gradient: &gradient,
            input_noise: &input_noise,
            output_noise: &output_noise,
        };
        for gradient in [ParameterGradient::Values(&gradient), times_noise] {
            let (mut plain, mut wide) = (state.clone(), state.clone());
            let (mut plain_values, mut wide_values) = (values.clone(), values.clone());
            adam_step_here(&mut plain_values, &mut plain, gradient, constants);
            adam_step(&mut wide_values, &mut wide, gradient, constants);
            for (plain, wide) in [
                (&plain_values, &wide_values),
                (&plain.first, &wide.first),
                (&plain.second, &wide.second),
            ] {
                assert!(plain.iter().zip(wide).all(|(a, b)| a.to_bits() == b.to_bits()));
            }
            assert_ne!(plain_values, values, "the step moved the values");
        }
    }

    #[test]
    fn adam_on_a_noisy_scale_reads_the_gradient_times_the_noise_with_the_same_bits() {
        // The scale's gradient made inside Adam's loop and the same gradient written out first (as gradient
        // clipping needs it) move the parameters identically, and the written-out values are ∂/∂weight · f_i · f_j.
        let mut rng = Pcg64::seed_from_u64(12);
        let (rows, columns) = (5, 7);
        let gradient = uniform(&mut rng, 2.0, rows * columns);
        let (input_noise, output_noise) = (uniform(&mut rng, 1.5, rows), uniform(&mut rng, 1.5, columns));
        let times_noise = ParameterGradient::TimesNoise {
            gradient: &gradient,
            input_noise: &input_noise,
            output_noise: &output_noise,
        };
        let written = times_noise.values();
        for (index, value) in written.iter().enumerate() {
            let (row, column) = (index / columns, index % columns);
            let wanted = gradient[index] as f64 * input_noise[row] as f64 * output_noise[column] as f64;
            assert!((*value as f64 - wanted).abs() < 1e-6, "{index}: {value} vs {wanted}");
        }
        let constants = AdamConstants {
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
            step_size: 0.003,
            bias_correction2: 0.02,
        };
        let start = uniform(&mut rng, 1.0, rows * columns);
        let fresh = || AdamState {
            first: vec![0.0; rows * columns],
            second: vec![0.0; rows * columns],
        };
        let (mut fused, mut fused_state) = (start.clone(), fresh());
        let (mut plain, mut plain_state) = (start.clone(), fresh());
        for _ in 0..3 {
            adam_step(&mut fused, &mut fused_state, times_noise, constants);
            adam_step(
                &mut plain,
                &mut plain_state,
                ParameterGradient::Values(&written),
                constants,
            );
        }
        for (fused, plain) in [
            (&fused, &plain),
            (&fused_state.first, &plain_state.first),
            (&fused_state.second, &plain_state.second),
        ] {
            assert!(fused.iter().zip(plain).all(|(a, b)| a.to_bits() == b.to_bits()));
        }
        assert_ne!(fused, start);
    }

    #[test]
    fn the_learner_takes_a_categorical_loss_over_atoms_with_per_sample_values() {
        // What categorical Q-learning (C51) needs of the interface: outputs read as logits over atoms, a
        // cross-entropy with a target distribution, the per-sample losses (priorities) beside the mean that is
        // learnt. One input, 3 atoms, a fixed target distribution: the softmax of the outputs must approach it.
        let device = Cpu::default();
        let mut rng = Pcg64::seed_from_u64(3);
        let network = QNetwork::new(1, &plain_architecture(&[]), 3, &mut rng);
        let mut learner = Learner::new(network, 0.05, 1e-8);
        let target = [0.2_f32, 0.5, 0.3];
        let mut per_sample = Vec::new();
        for _ in 0..400 {
            let (logits, pass) =
                learner.forward_traced(device.tensor_from_vec(vec![1.0, 1.0], (2, 1)), Noise::Off, None);
            let targets = device.tensor_from_vec([target, target].concat(), (2, 3));
            let losses = (logits.log_softmax::<Axis<1>>() * targets)
                .sum::<(usize,), Axis<1>>()
                .negate();
            per_sample = contiguous_values(&losses);
            learner.step(pass, losses.mean(), None);
        }
        let logits = contiguous_values(
            &learner
                .network()
                .forward(device.tensor_from_vec(vec![1.0], (1, 1)), Noise::Off),
        );
        let total: f32 = logits.iter().map(|logit| logit.exp()).sum();
        for (logit, wanted) in logits.iter().zip(target) {
            assert!((logit.exp() / total - wanted).abs() < 1e-2, "{logits:?}");
        }
        // The cross-entropy of a distribution with itself is its entropy; each sample's loss is there.
        let entropy: f32 = -target.iter().map(|p| p * p.ln()).sum::<f32>();
        assert_eq!(per_sample.len(), 2);
        assert!(
            per_sample.iter().all(|loss| (loss - entropy).abs() < 1e-3),
            "{per_sample:?} vs {entropy}"
        );
    }

    #[test]
    fn three_learner_steps_match_adam_by_hand() {
        // Through the learning interface, as the agent uses it: traced outputs, a squared-error loss built from
        // them, `step`.
        let device = Cpu::default();
        let (learning_rate, epsilon) = (0.1_f64, 1e-8_f64);
        let mut learner = Learner::new(scalar_network(0.5, 0.0), learning_rate, epsilon);
        let (input, target) = (2.0_f64, 3.0_f64);
        let mut weight = ReferenceAdam {
            value: 0.5,
            first: 0.0,
            second: 0.0,
        };
        let mut bias = ReferenceAdam {
            value: 0.0,
            first: 0.0,
            second: 0.0,
        };
        for step in 1..=3 {
            let (outputs, pass) =
                learner.forward_traced(device.tensor_from_vec(vec![input as f32], (1, 1)), Noise::Off, None);
            let loss = mse_loss(
                outputs.reshape_like(&(1,)),
                device.tensor_from_vec(vec![target as f32], (1,)),
            );
            learner.step(pass, loss, None);
            // Loss (w·x + b − t)², so dL/dw = 2(y − t)·x and dL/db = 2(y − t).
            let error = weight.value * input + bias.value - target;
            weight.step(2.0 * error * input, step, learning_rate, epsilon);
            bias.step(2.0 * error, step, learning_rate, epsilon);
            let values = learner.network().parameter_values();
            assert!(
                (values[0][0] as f64 - weight.value).abs() < 1e-5,
                "step {step}: w {values:?} vs {}",
                weight.value
            );
            assert!(
                (values[1][0] as f64 - bias.value).abs() < 1e-5,
                "step {step}: b {values:?} vs {}",
                bias.value
            );
        }
        // After the first step each parameter moved by exactly the learning rate (m̂/√v̂ = ±1): 0.5 + 0.1 + …
        assert!(weight.value > 0.5 + 0.1);
    }
}
