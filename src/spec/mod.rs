//! The experiment spec: the RON schema, its defaults, and validation that refuses a bad spec before any training
//! with the file, line, column and what was expected.
//!
//! A spec with every field, each at its default where it has one (`name`, `envs[].id`, `envs[].steps` and `seeds`
//! have none). Fields left out take the default shown; a field the schema does not know is refused.
//!
//! ```ron
//! (
//!     // Results go to reports/<name>/: letters, digits, '-', '_' and '.' only.
//!     name: "example",
//!     // At least one env, each id once; `knowhow::envs::env_ids()` lists the known ids.
//!     envs: [
//!         (
//!             id: "CartPole-v1",
//!             steps: 500000,      // env steps of training per run, > 0
//!             eval_every: 5000,   // env steps between two evaluations
//!             eval_episodes: 10,  // greedy episodes per evaluation
//!             final_evals: 3,     // a run's score is the mean of its last `final_evals` evaluations
//!             options: {},        // the env's own, e.g. {"max_steps": 1000}; MinAtar: {"sticky_actions": 0.0}
//!             // Optional: `agent: (...)` changes for this env only; `random_score` / `reference_score`, the
//!             // scores mapped to 0 and 1 when envs are pooled (default: the env's, see envs::default_score_anchors).
//!             variant_agents: {}, // changes to one variant on this env, e.g. {"rainbow": (learning_rate: 1e-4)}
//!         ),
//!     ],
//!     // The agent block may be left out entirely (see `AgentConfig` for what each field does).
//!     agent: (
//!         network: Mlp,                // or MinAtarConv(filters: 16) on image envs
//!         hidden: [120, 84],           // hidden layer widths, at least one, each > 0
//!         learning_rate: 0.00025,      // Adam's learning rate, > 0
//!         adam_epsilon: 1e-8,          // > 0
//!         gamma: 0.99,                 // discount, in [0, 1]
//!         batch_size: 128,             // > 0 and <= buffer_size
//!         buffer_size: 10000,          // replay capacity, > 0
//!         learning_starts: 10000,      // the first gradient step is past this env step
//!         train_every: 10,             // env steps between two training calls, > 0
//!         gradient_steps: 1,           // gradient steps per training call, > 0
//!         target: Hard(500),           // Hard(every env steps > 0), Soft(tau in (0, 1]) or None
//!         epsilon_start: 1.0,          // in [0, 1]
//!         epsilon_end: 0.05,           // in [0, 1]
//!         exploration_fraction: 0.5,   // fraction of `steps` over which ε decays, in [0, 1]
//!         exploration: EpsilonGreedy,  // or Noisy(sigma0 > 0), e.g. Noisy(0.5); ε is then 0
//!         noisy_layers: LastHiddenAndHead, // or All (every fully connected layer, as Dopamine)
//!         noisy_epsilon: false,        // true: noisy nets also act ε-greedily on the ε schedule (Dopamine)
//!         noise_draws: EveryStep,      // or Once: noise drawn when the network is made and kept (Revisiting Rainbow's code)
//!         initialization: PyTorchDefault,  // or GlorotUniform (biases 0)
//!         input_bounds: None,          // or Some([(min, max), ...]): each observation value to [-1, 1]
//!         clip_rewards: false,         // learn from rewards clipped to [-1, 1] (returns are reported unclipped)
//!         loss: Mse,                   // or Huber
//!         double: false,               // double DQN target
//!         dueling: false,              // dueling value/advantage heads
//!         replay: Uniform,             // or Prioritized(alpha: 0.6, beta_start: 0.4, epsilon: 1e-6, beta_end: 1.0,
//!                                      //   priority: TdError), priority TdError (|δ|) or Loss (per-sample loss)
//!         distributional: None,        // or C51(atoms: 51, v_min: -10.0, v_max: 10.0): v_min < v_max, atoms >= 2
//!         n_step: 1,                   // n-step returns, >= 1
//!         max_grad_norm: None,         // or a number > 0: clip the global gradient norm
//!         history: 1,                  // observations stacked as the input, >= 1
//!     ),
//!     // Named variants, each the agent above plus the fields it writes; none means one variant, `base`.
//!     variants: [],                    // e.g. [(name: "vanilla"), (name: "double", agent: (double: true))]
//!     // A variant may start from an earlier one and is then compared with it rather than with `reference`:
//!     //   (name: "rainbow-no-double", extends: "rainbow", agent: (double: false))
//!     reference: None,                 // or the variant the others are compared with, e.g. "vanilla"
//!     // Count(5) runs seeds 0..5; List([3, 7]) runs exactly those (distinct, at least one).
//!     seeds: Count(5),
//!     // The report's questions; none means one per trick a variant isolates.
//!     questions: [],                   // e.g. [(title: "...", text: "...", variants: ["double"], metric: Auc)]
//!     // What runs are scored on: greedy evaluations, or Some(TrainingEpisodes) (exploration on, as papers plot).
//!     measure: None,
//!     // Published claims to check, e.g. [(env: "Acrobot-v1", variant: "dqn-c51", expected: Worse,
//!     // source: "Revisiting Rainbow, Sec. 4.2")]; `reference` defaults to the variant's own.
//!     expectations: [],
//! )
//! ```
//!
//! [`load_spec`] reads and parses a file and [`Spec::validate`]s it. A refusal is one line,
//! `<file>:<line>:<col>: <field path>: <what was wrong>, expected <what was expected>`: RON's parser gives the
//! position of a syntax error, and a small scanner of the source ([`SourceMap`]) finds where a field that breaks a
//! validation rule is written, since serde forgets positions once a value is parsed.
//!
//! This file is the schema; `validation` holds the rules, `source` the positions and the wording of syntax errors.

mod source;
mod validation;

use std::collections::BTreeMap;
use std::path::Path;

use ron::extensions::Extensions;
use serde::{Deserialize, Serialize};

use crate::agent::config::{AgentConfig, AgentOverrides};
use crate::envs::EnvOptions;
use crate::error::SpecError;

#[cfg(test)]
use source::offset_of;
use source::{location_of, one_line, syntax_error};
pub use source::{FieldPath, SourceMap};
pub use validation::{folder_name_problem, validate_memory, Violation, MAX_NAME_BYTES, MAX_RUNS};

/// One experiment as the user writes it in RON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// Experiment name; results go to `reports/<name>/` unless `--out` says otherwise.
    pub name: String,
    /// The environments to train on, each with its budget and evaluation settings.
    pub envs: Vec<EnvSpec>,
    /// The base agent configuration (fields left out take `AgentConfig::default()`).
    #[serde(default)]
    pub agent: AgentConfig,
    /// Named variants, each the base agent plus the changes it writes; none means one variant, `base`.
    #[serde(default)]
    pub variants: Vec<Variant>,
    /// The variant the others are compared with (in the report and the check).
    #[serde(default)]
    pub reference: Option<String>,
    /// Which seeds to run: `Count(5)` means seeds 0..5; `List([3, 7])` exactly those.
    pub seeds: Seeds,
    /// The questions the report answers, each comparing some variants with the reference; none means the default
    /// questions, one per trick that a variant isolates.
    #[serde(default)]
    pub questions: Vec<Question>,
    /// What every run is scored on: `Some(GreedyEvaluations)` (knowhow's evaluations, noise off, the default) or
    /// `Some(TrainingEpisodes)` (the return of the training episodes, exploration on, as the Revisiting Rainbow study
    /// plots: final score over the run's last tenth, curves over twentieths). An env with imported runs is always
    /// scored on training episodes, the only measure they have.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure: Option<Measure>,
    /// Published claims this experiment reproduces; the report says, claim by claim, whether this run agrees,
    /// disagrees or cannot tell.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expectations: Vec<Expectation>,
}

/// A published claim as an expectation: on `env`, `variant` scores `expected` than `reference`, says `source`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    pub env: String,
    pub variant: String,
    /// What it is compared with [default: the variant's own reference, the one it extends or the spec's].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    pub expected: Direction,
    /// Where the claim is made, e.g. "Obando-Ceron & Castro 2021, Sec. 4.2".
    pub source: String,
}

/// Which way a claim says a variant differs from its reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Direction {
    Better,
    Worse,
}

/// A question of the report: a title, a short text, and the variants that answer it against the reference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub title: String,
    /// Markdown-free prose shown under the title.
    #[serde(default)]
    pub text: String,
    /// Variant names, shown with the reference.
    pub variants: Vec<String>,
    /// What the comparison is on.
    #[serde(default)]
    pub metric: Metric,
}

/// A run's number that a question compares.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Metric {
    /// Mean greedy return over the last evaluations.
    #[default]
    FinalScore,
    /// Area under the evaluation curve divided by the steps it spans (rewards learning early, too).
    Auc,
}

/// The measure a cell's scores are on (a spec may choose it: `measure: Some(TrainingEpisodes)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all(serialize = "kebab-case"))]
pub enum Measure {
    /// The mean greedy evaluation return over the last `final_evals` evaluations; the curve is the evaluations.
    GreedyEvaluations,
    /// The mean return of the training episodes (exploration on) that ended in the last tenth of the run; the
    /// curve is the training episodes' return in 20 windows.
    TrainingEpisodes,
}

/// One named variant of the base agent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    /// Its name: a folder name, unique in the spec.
    pub name: String,
    /// An earlier variant this one starts from and is compared with (instead of the spec's `reference`), e.g.
    /// `rainbow-no-double` extends `rainbow`; none: it starts from the base agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extends: Option<String>,
    /// What it changes on the base agent (after the env's own changes), or on the variant it extends.
    #[serde(default)]
    pub agent: AgentOverrides,
}

impl Variant {
    /// A variant of the base agent named `name` that changes `agent`.
    pub fn new(name: &str, agent: AgentOverrides) -> Self {
        Variant {
            name: name.to_string(),
            extends: None,
            agent,
        }
    }
}

/// The variant name of a spec without variants.
pub const BASE_VARIANT: &str = "base";

/// One environment of a spec.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvSpec {
    /// Registered env id, e.g. `"CartPole-v1"`.
    pub id: String,
    /// Env steps of training per run.
    pub steps: usize,
    /// Env steps between two evaluations.
    #[serde(default = "default_eval_every")]
    pub eval_every: usize,
    /// Greedy episodes per evaluation.
    #[serde(default = "default_eval_episodes")]
    pub eval_episodes: usize,
    /// A run's final score is the mean of its last `final_evals` evaluations.
    #[serde(default = "default_final_evals")]
    pub final_evals: usize,
    /// The env's own options, which the env validates, e.g. `{"max_steps": 1000}` or MinAtar's
    /// `{"sticky_actions": 0.0}` [default: none, the env's defaults].
    #[serde(default, skip_serializing_if = "EnvOptions::is_empty")]
    pub options: EnvOptions,
    /// Changes to the agent on this env, for every variant (e.g. a wider network), applied before the variant's.
    #[serde(default, skip_serializing_if = "AgentOverrides::is_empty")]
    pub agent: AgentOverrides,
    /// Changes to one variant's agent on this env only, by variant name, applied after the variant's own (e.g. a
    /// learning rate a paper tuned per env): `variant_agents: {"rainbow": (learning_rate: 1e-4)}`. Variants that
    /// extend it inherit them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub variant_agents: BTreeMap<String, AgentOverrides>,
    /// The score a random policy gets, 0 on the report's normalised scale [default: the env's, see
    /// `envs::default_score_anchors`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub random_score: Option<f64>,
    /// The score that counts as 1 on the normalised scale [default: the env's].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_score: Option<f64>,
}

impl EnvSpec {
    /// `id` trained for `steps` env steps, every other setting at its default (no options, no agent changes, the
    /// env's own score anchors).
    pub fn new(id: &str, steps: usize) -> Self {
        EnvSpec {
            id: id.to_string(),
            steps,
            eval_every: default_eval_every(),
            eval_episodes: default_eval_episodes(),
            final_evals: default_final_evals(),
            options: EnvOptions::none(),
            agent: AgentOverrides::default(),
            variant_agents: BTreeMap::new(),
            random_score: None,
            reference_score: None,
        }
    }

    /// (random, reference) scores for normalising this env's returns: the declared ones, else the env's defaults.
    pub fn score_anchors(&self) -> Option<(f64, f64)> {
        let defaults = crate::envs::default_score_anchors(&self.id);
        let random = self.random_score.or(defaults.map(|anchors| anchors.0))?;
        let reference = self.reference_score.or(defaults.map(|anchors| anchors.1))?;
        Some((random, reference))
    }
}

fn default_eval_every() -> usize {
    5_000
}
fn default_eval_episodes() -> usize {
    10
}
fn default_final_evals() -> usize {
    3
}

/// The seeds of an experiment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Seeds {
    /// Seeds `0..n`.
    Count(u64),
    /// Exactly these seeds.
    List(Vec<u64>),
}

impl Seeds {
    /// The seeds to run, in order.
    pub fn to_vec(&self) -> Vec<u64> {
        match self {
            Seeds::Count(count) => (0..*count).collect(),
            Seeds::List(list) => list.clone(),
        }
    }
}

/// A spec file read once: the parsed spec and the text it was parsed from (what a results folder stores, so that
/// `run /dev/stdin` stores what it ran).
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    pub spec: Spec,
    pub source: String,
}

/// Reads the spec at `path` once, parses and validates it, and checks that each of its runs fits in this machine's
/// available memory (see [`validate_memory`]).
pub fn load_spec(path: &Path) -> Result<LoadedSpec, SpecError> {
    let source = std::fs::read_to_string(path).map_err(|error| SpecError::Read {
        path: path.to_path_buf(),
        error,
    })?;
    let spec = parse_spec(&source, path)?;
    if let Some(available) = crate::memory::available_bytes() {
        validate_memory(&spec, available).map_err(|violation| invalid(&source, path, &violation))?;
    }
    Ok(LoadedSpec { spec, source })
}

/// Parses and validates a spec's RON `source`; `path` only names the file in errors.
pub fn parse_spec(source: &str, path: &Path) -> Result<Spec, SpecError> {
    let options = ron::Options::default().with_default_extension(Extensions::IMPLICIT_SOME);
    let spec: Spec = options
        .from_str(source)
        .map_err(|error| syntax_error(source, path, &error))?;
    spec.validate().map_err(|violation| invalid(source, path, &violation))?;
    Ok(spec)
}

/// A broken rule as the one-line error that points at its place in `source`.
fn invalid(source: &str, path: &Path, violation: &Violation) -> SpecError {
    SpecError::Invalid {
        location: location_of(source, path, violation.locate(source)),
        field: violation.field().to_string(),
        problem: one_line(violation.problem()),
        expected: one_line(violation.expected()),
    }
}

/// The most runs one spec may plan (a plan is held in memory, one entry a run; split a larger study into specs).
#[cfg(test)]
mod tests {
    use super::*;

    const OK_ENV: &str = "(id: \"CartPole-v1\", steps: 1000)";

    /// A six-line spec: envs start at 3:12, agent fields at 4:13, the `seeds` key at 5:5 and its value at 5:12.
    fn spec_source(envs: &str, agent: &str, seeds: &str) -> String {
        format!("(\n    name: \"t\",\n    envs: [{envs}],\n    agent: ({agent}),\n    seeds: {seeds},\n)\n")
    }

    fn error(source: &str) -> String {
        let error = parse_spec(source, Path::new("t.ron")).expect_err("the spec should be refused");
        let message = error.to_string();
        assert!(!message.contains('\n'), "not one line: {message:?}");
        message
    }

    fn agent_error(agent: &str) -> String {
        error(&spec_source(OK_ENV, agent, "Count(2)"))
    }

    /// 1-based line:column of byte `offset`.
    fn at(source: &str, offset: Option<usize>) -> Option<(usize, usize)> {
        offset.map(|offset| {
            let location = location_of(source, Path::new("t.ron"), offset);
            (location.line, location.column)
        })
    }

    fn path(text: &str) -> FieldPath {
        // "envs[1].id" -> [Field(envs), Index(1), Field(id)]
        let mut path = FieldPath::root();
        for part in text.split('.') {
            let mut pieces = part.split('[');
            path = path.field(pieces.next().unwrap());
            for index in pieces {
                path = path.index(index.trim_end_matches(']').parse().unwrap());
            }
        }
        path
    }

    // --- the position finder -----------------------------------------------------------------------------------

    const DECOYS: &str = "#![enable(implicit_some)]
// learning_rate: 1.0 in a comment
Spec(
    name: \"learning_rate: in a string\",
    envs: [(id: \"A\", steps: 5), (id: \"B\", steps: 6)],
    agent: ( /* learning_rate: */ r#learning_rate: 0.1),
    seeds: List([4, 2]),
)
";

    #[test]
    fn source_map_finds_keys_and_values_past_comments_strings_and_attributes() {
        let map = SourceMap::scan(DECOYS, DECOYS.len());
        let key = |text: &str| at(DECOYS, map.key(&path(text)));
        let value = |text: &str| at(DECOYS, map.value(&path(text)));
        assert_eq!(at(DECOYS, map.value(&FieldPath::root())), Some((3, 1)));
        assert_eq!(key("name"), Some((4, 5)));
        assert_eq!(value("name"), Some((4, 11)));
        assert_eq!(value("envs[1]"), Some((5, 33)));
        assert_eq!(value("envs[1].id"), Some((5, 38)));
        assert_eq!(key("envs[1].steps"), Some((5, 43)));
        assert_eq!(key("agent.learning_rate"), Some((6, 35)));
        assert_eq!(value("agent.learning_rate"), Some((6, 52)));
        assert_eq!(value("seeds[1]"), Some((7, 21)));
        assert_eq!(key("agent.gamma"), None);
        assert_eq!(key("learning_rate"), None);
    }

    #[test]
    fn source_map_knows_the_path_where_it_stopped() {
        let source = "(\n    envs: [(id: \"A\", steps: 5)],\n)";
        let stop_at = |needle: &str| SourceMap::scan(source, source.find(needle).unwrap());
        let map = stop_at("5)");
        assert_eq!(map.current_path().to_string(), "envs[0].steps");
        assert_eq!(map.container_path().to_string(), "envs[0]");
        let map = stop_at(" steps");
        assert_eq!(map.current_path().to_string(), "envs[0]");
        let map = stop_at("(id");
        assert_eq!(map.current_path().to_string(), "envs[0]");
        assert_eq!(map.container_path().to_string(), "envs");
        assert_eq!(SourceMap::scan(source, 0).current_path().to_string(), "spec");
    }

    #[test]
    fn ron_byte_columns_become_character_columns() {
        let source = "(\n  name: \"é\" x\n";
        // RON counts bytes: `x` is at byte column 14 of line 2, character column 13.
        assert_eq!(at(source, Some(offset_of(source, 2, 14))), Some((2, 13)));
        assert_eq!(at(source, Some(offset_of(source, 1, 1))), Some((1, 1)));
        assert_eq!(
            offset_of(source, 1, 99),
            1,
            "a column past the line's end stops at the newline"
        );
        assert_eq!(offset_of(source, 9, 1), source.len());
        assert_eq!(offset_of(source, 0, 0), 0);
    }

    #[test]
    fn field_paths_read_like_rust() {
        assert_eq!(FieldPath::root().to_string(), "spec");
        assert_eq!(path("envs[1].id").to_string(), "envs[1].id");
        assert_eq!(path("agent.hidden[0]").to_string(), "agent.hidden[0]");
        let ancestors: Vec<String> = path("envs[1].id").ancestors().map(|p| p.to_string()).collect();
        assert_eq!(ancestors, ["envs[1]", "envs", "spec"]);
    }

    // --- what parses --------------------------------------------------------------------------------------------

    #[test]
    fn a_minimal_spec_takes_every_default() {
        let source = "(name: \"t\", envs: [(id: \"CartPole-v1\", steps: 1000)], seeds: Count(2))";
        let spec = parse_spec(source, Path::new("t.ron")).unwrap();
        assert_eq!(
            spec,
            Spec {
                name: "t".into(),
                envs: vec![EnvSpec {
                    id: "CartPole-v1".into(),
                    steps: 1000,
                    eval_every: 5_000,
                    eval_episodes: 10,
                    final_evals: 3,
                    options: Default::default(),
                    agent: AgentOverrides::default(),
                    variant_agents: Default::default(),
                    random_score: None,
                    reference_score: None,
                }],
                agent: AgentConfig::default(),
                variants: vec![],
                reference: None,
                seeds: Seeds::Count(2),
                questions: vec![],
                measure: None,
                expectations: vec![],
            }
        );
    }

    #[test]
    fn the_example_in_the_module_docs_parses_to_the_defaults() {
        let this_file = include_str!("mod.rs");
        let example: String = this_file
            .lines()
            .skip_while(|line| *line != "//! ```ron")
            .skip(1)
            .take_while(|line| *line != "//! ```")
            .map(|line| format!("{}\n", line.trim_start_matches("//!").trim_start_matches(' ')))
            .collect();
        assert!(example.contains("exploration_fraction"), "example not found");
        let spec = parse_spec(&example, Path::new("example.ron")).unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(spec.agent, AgentConfig::default());
        let env = &spec.envs[0];
        assert_eq!(
            (env.eval_every, env.eval_episodes, env.final_evals),
            (default_eval_every(), default_eval_episodes(), default_final_evals())
        );
        assert_eq!(spec.seeds.to_vec(), [0, 1, 2, 3, 4]);
    }

    // --- validation rules, one each ------------------------------------------------------------------------------

    #[test]
    fn refuses_an_empty_env_list() {
        assert_eq!(
            error(&spec_source("", "", "Count(2)")),
            "t.ron:3:5: envs: no environments, expected at least one, e.g. [(id: \"CartPole-v1\", steps: 50000)]"
        );
    }

    #[test]
    fn refuses_an_unknown_env_and_lists_the_known_ones() {
        let message = error(&spec_source("(id: \"Pong-v5\", steps: 1000)", "", "Count(2)"));
        let known: Vec<String> = crate::envs::env_ids().iter().map(|id| format!("{id:?}")).collect();
        assert_eq!(
            message,
            format!(
                "t.ron:3:17: envs[0].id: unknown env \"Pong-v5\", expected one of {}",
                known.join(", ")
            )
        );
        assert!(message.contains("\"CartPole-v1\""));
    }

    #[test]
    fn refuses_a_duplicate_env() {
        let envs = format!("{OK_ENV}, (id: \"Acrobot-v1\", steps: 5), {OK_ENV}");
        assert_eq!(
            error(&spec_source(&envs, "", "Count(2)")),
            "t.ron:3:81: envs[2].id: \"CartPole-v1\" is listed twice (first as envs[0]), expected each env once"
        );
    }

    #[test]
    fn refuses_zero_budgets() {
        assert_eq!(
            error(&spec_source("(id: \"CartPole-v1\", steps: 0)", "", "Count(2)")),
            "t.ron:3:32: envs[0].steps: got 0, expected an integer > 0 (env steps of training per run)"
        );
        // `steps: 1000` spans 3:32..3:42, so the next field starts at 3:45.
        for (field, meaning) in [
            ("eval_every", "env steps between two evaluations"),
            ("eval_episodes", "episodes per evaluation"),
            ("final_evals", "evaluations averaged into the score"),
        ] {
            let env = format!("(id: \"CartPole-v1\", steps: 1000, {field}: 0)");
            assert_eq!(
                error(&spec_source(&env, "", "Count(2)")),
                format!("t.ron:3:45: envs[0].{field}: got 0, expected an integer > 0 ({meaning})")
            );
        }
    }

    #[test]
    fn refuses_missing_or_empty_hidden_layers() {
        assert_eq!(
            agent_error("hidden: []"),
            "t.ron:4:13: agent.hidden: no hidden layers, expected at least one layer width, e.g. [120, 84] (none only after convolutions)"
        );
        assert_eq!(
            agent_error("hidden: [64, 0]"),
            "t.ron:4:26: agent.hidden[1]: got 0, expected a layer width > 0"
        );
    }

    #[test]
    fn refuses_a_learning_rate_or_adam_epsilon_that_is_not_positive_and_finite() {
        assert_eq!(
            agent_error("learning_rate: -0.001"),
            "t.ron:4:13: agent.learning_rate: got -0.001, expected a finite number > 0"
        );
        assert_eq!(
            agent_error("learning_rate: 0.0"),
            "t.ron:4:13: agent.learning_rate: got 0.0, expected a finite number > 0"
        );
        assert_eq!(
            agent_error("learning_rate: inf"),
            "t.ron:4:13: agent.learning_rate: got inf, expected a finite number > 0"
        );
        assert_eq!(
            agent_error("learning_rate: NaN"),
            "t.ron:4:13: agent.learning_rate: got NaN, expected a finite number > 0"
        );
        assert_eq!(
            agent_error("adam_epsilon: 0.0"),
            "t.ron:4:13: agent.adam_epsilon: got 0.0, expected a finite number > 0"
        );
        // Regression (issue 12): 1e-300 is 0 in f32, and the first update divided 0 by 0.
        assert_eq!(
            agent_error("adam_epsilon: 1e-300"),
            "t.ron:4:13: agent.adam_epsilon: got 1e-300, expected a number in [1.1754943508222875e-38, \
             3.4028234663852886e38] (the update computes in f32)"
        );
        assert!(agent_error("learning_rate: 1e39").contains("agent.learning_rate: got 1e39"));
    }

    #[test]
    fn refuses_an_n_step_window_the_first_update_would_find_empty() {
        // Regression (issue 12): learning_starts 0 with n_step 3 panicked in every run ("sampling from an empty
        // replay buffer"): at step 0 no 3-step transition is stored yet.
        assert_eq!(
            agent_error("learning_starts: 0, n_step: 3"),
            "t.ron:4:13: agent.learning_starts: learning_starts 0 with n_step 3: the first update would find the \
             replay buffer empty, expected learning_starts >= n_step - 1 (the first n-step transition is stored \
             after n env steps)"
        );
        let enough = spec_source(
            r#"(id: "CartPole-v1", steps: 100)"#,
            "learning_starts: 2, n_step: 3, batch_size: 2, buffer_size: 10",
            "Count(1)",
        );
        parse_spec(&enough, Path::new("t.ron")).unwrap();
    }

    #[test]
    fn refuses_unknown_fields_inside_a_trick_s_settings() {
        // Regression (issue 12): `Prioritized(alpah: 0.0)` trained with alpha 0.6.
        let message = agent_error("replay: Prioritized(alpah: 0.0)");
        assert!(message.contains("alpah"), "{message}");
        let message = agent_error("network: MinAtarConv(filters: 16, filtres: 8)");
        assert!(message.contains("filtres"), "{message}");
    }

    #[test]
    fn env_options_are_validated_by_the_env_and_point_at_the_entry() {
        let with = |options: &str| {
            spec_source(
                &format!(r#"(id: "MinAtar/Breakout-v0", steps: 100, options: {options})"#),
                "",
                "Count(1)",
            )
        };
        assert!(parse_spec(
            &with(r#"{"sticky_actions": 0.0, "max_steps": 500}"#),
            Path::new("t.ron")
        )
        .is_ok());
        assert_eq!(
            error(&with(r#"{"sticky_actions": 1.5}"#)),
            "t.ron:3:52: envs[0].options: MinAtar/Breakout-v0: option \"sticky_actions\": got 1.5, expected a number \
             in [0, 1]"
        );
        assert!(error(&with(r#"{"stiky_actions": 0.0}"#)).contains("this env has no such option, expected one of"));
    }

    #[test]
    fn refuses_names_longer_than_a_file_system_takes() {
        let long = "a".repeat(256);
        let source = format!(r#"(name: "{long}", envs: [(id: "CartPole-v1", steps: 100)], seeds: Count(1))"#);
        assert!(
            error(&source).contains("a name of 256 bytes, expected at most 255 bytes"),
            "{}",
            error(&source)
        );
        let fits = format!(
            r#"(name: "{}", envs: [(id: "CartPole-v1", steps: 100)], seeds: Count(1))"#,
            "a".repeat(255)
        );
        assert!(parse_spec(&fits, Path::new("t.ron")).is_ok());
    }

    #[test]
    fn huge_seed_counts_are_refused_at_once_and_large_lists_checked_in_one_pass() {
        let started = std::time::Instant::now();
        let message = error(r#"(name: "x", envs: [(id: "CartPole-v1", steps: 100)], seeds: Count(1000000000000))"#);
        assert!(
            message.contains("seeds: 1000000000000 seeds make 1000000000000 runs"),
            "{message}"
        );
        // 200,000 distinct seeds (11.7 s when the check was quadratic), and a duplicate at the end.
        let mut seeds: Vec<String> = (0..200_000).map(|seed| seed.to_string()).collect();
        seeds.push("7".to_string());
        let source = format!(
            r#"(name: "x", envs: [(id: "CartPole-v1", steps: 100)], seeds: List([{}]))"#,
            seeds.join(", ")
        );
        assert!(error(&source).contains("seed 7 is listed twice"), "{}", error(&source));
        // Not a timing test of speed, a guard against a hang: a quadratic check took over ten seconds here.
        assert!(started.elapsed().as_secs() < 60);
    }

    #[test]
    fn a_run_that_cannot_fit_in_memory_is_refused_at_the_field_that_makes_it_large() {
        let refused = |agent: &str, env: &str| {
            let source = format!(
                r#"(name: "x", envs: [(id: "CartPole-v1", steps: 1000{env})], agent: ({agent}), seeds: Count(1))"#
            );
            let spec = parse_spec(&source, Path::new("t.ron")).unwrap();
            validate_memory(&spec, 24e9)
                .map_err(|violation| invalid(&source, Path::new("t.ron"), &violation).to_string())
        };
        for (agent, env, field) in [
            ("buffer_size: 1000000000000", "", "agent.buffer_size"),
            (
                "n_step: 1000000000000, learning_starts: 1000000000000",
                "",
                "agent.n_step",
            ),
            ("history: 1000000000", "", "agent.history"),
            ("hidden: [100000000]", "", "agent.hidden"),
            (
                "batch_size: 1000000000, buffer_size: 1000000000",
                "",
                "agent.batch_size",
            ),
            ("", ", eval_episodes: 1000000000000", "envs[0].eval_episodes"),
        ] {
            let message = refused(agent, env).expect_err(agent);
            assert!(
                message.contains(&format!(": {field}: a run of CartPole-v1 × base needs about ")),
                "{message}"
            );
            assert!(message.contains("and this machine has 24.0 GB available, expected a run that fits in memory"));
        }
        assert!(
            refused("buffer_size: 1000000", "").is_ok(),
            "a million CartPole transitions fit"
        );
    }

    #[test]
    fn refuses_probabilities_outside_the_unit_interval() {
        for field in ["gamma", "epsilon_start", "epsilon_end", "exploration_fraction"] {
            assert_eq!(
                agent_error(&format!("{field}: 1.5")),
                format!("t.ron:4:13: agent.{field}: got 1.5, expected a number in [0, 1]")
            );
            assert_eq!(
                agent_error(&format!("{field}: -0.1")),
                format!("t.ron:4:13: agent.{field}: got -0.1, expected a number in [0, 1]")
            );
        }
        let at_the_edges = spec_source(
            OK_ENV,
            "gamma: 1.0, epsilon_end: 0.0, exploration_fraction: 1.0",
            "Count(2)",
        );
        assert!(parse_spec(&at_the_edges, Path::new("t.ron")).is_ok());
    }

    #[test]
    fn refuses_zero_counts_in_the_agent() {
        for (field, meaning) in [
            ("batch_size", "transitions per gradient step"),
            ("buffer_size", "replay capacity"),
            ("train_every", "env steps between two training calls"),
            ("gradient_steps", "gradient steps per training call"),
            ("n_step", "rewards summed before bootstrapping; 1 is plain DQN"),
            ("history", "observations stacked as the network input; 1 is none"),
        ] {
            assert_eq!(
                agent_error(&format!("{field}: 0")),
                format!("t.ron:4:13: agent.{field}: got 0, expected an integer > 0 ({meaning})")
            );
        }
    }

    #[test]
    fn refuses_trick_settings_outside_their_ranges() {
        assert_eq!(
            agent_error("target: Soft(1.5)"),
            "t.ron:4:13: agent.target: got Soft(1.5), expected Soft(tau) with tau in (0, 1]"
        );
        assert_eq!(
            agent_error("target: Soft(0.0)"),
            "t.ron:4:13: agent.target: got Soft(0.0), expected Soft(tau) with tau in (0, 1]"
        );
        assert_eq!(
            agent_error("target: Hard(0)"),
            "t.ron:4:13: agent.target: got 0, expected an integer > 0 (env steps between two target-network copies)"
        );
        assert_eq!(
            agent_error("exploration: Noisy(0.0)"),
            "t.ron:4:13: agent.exploration: got Noisy(0.0), expected Noisy(sigma0) with a finite sigma0 > 0 \
             (Fortunato et al.: 0.5)"
        );
        // Inside `Prioritized(...)` the error points at the field itself: `alpha` is at column 33.
        assert_eq!(
            agent_error("replay: Prioritized(alpha: -0.5)"),
            "t.ron:4:33: agent.replay.alpha: got -0.5, expected a finite number >= 0"
        );
        assert_eq!(
            agent_error("replay: Prioritized(beta_start: 2.0)"),
            "t.ron:4:33: agent.replay.beta_start: got 2.0, expected a number in [0, 1]"
        );
        assert_eq!(
            agent_error("max_grad_norm: 0.0"),
            "t.ron:4:13: agent.max_grad_norm: got 0.0, expected a finite number > 0"
        );
        // C51's settings, each at its own column: `atoms` at 33, `v_max` at 56, 23 columns after.
        assert_eq!(
            agent_error("distributional: C51(atoms: 1, v_min: -1.0, v_max: 1.0)"),
            "t.ron:4:33: agent.distributional.atoms: got 1, expected at least 2 atoms (the support's ends)"
        );
        assert_eq!(
            agent_error("distributional: C51(atoms: 51, v_min: 1.0, v_max: 1.0)"),
            "t.ron:4:56: agent.distributional.v_max: v_max 1.0 is not above v_min 1.0, expected v_min < v_max"
        );
        assert_eq!(
            agent_error("distributional: C51(v_min: -1.0)"),
            "t.ron:4:44: agent.distributional.v_max: missing field, expected `v_max: ...` (it has no default)"
        );
        let every_trick = "target: Soft(0.005), exploration: Noisy(0.5), replay: Prioritized(), double: true, \
                           dueling: true, n_step: 3, max_grad_norm: 10.0, history: 4, \
                           distributional: C51(v_min: -10.0, v_max: 10.0), target: None";
        let message = agent_error(every_trick);
        assert!(
            message.contains("agent.target: given twice"),
            "a field written twice is refused: {message}"
        );
        let every_trick = every_trick.trim_end_matches(", target: None");
        assert!(parse_spec(&spec_source(OK_ENV, every_trick, "Count(2)"), Path::new("t.ron")).is_ok());
    }

    #[test]
    fn a_variant_extends_an_earlier_one_and_envs_change_single_variants() {
        // The Revisiting Rainbow shape: per env, Rainbow has its own learning rate; "rainbow-no-double" starts from
        // Rainbow (with that learning rate) and is compared with it; "dqn-double" starts from the base agent.
        let source = r#"(
            name: "t",
            envs: [
                (id: "CartPole-v1", steps: 1000, agent: (learning_rate: 0.001),
                 variant_agents: {"rainbow": (learning_rate: 0.0001, train_every: 2)}),
                (id: "Acrobot-v1", steps: 1000),
            ],
            variants: [
                (name: "dqn"),
                (name: "dqn-double", agent: (double: true)),
                (name: "rainbow", agent: (double: true, n_step: 3)),
                (name: "rainbow-no-double", extends: "rainbow", agent: (double: false)),
            ],
            reference: "dqn",
            seeds: Count(2),
        )"#;
        let spec = parse_spec(source, Path::new("t.ron")).unwrap();
        let variant = |name: &str| spec.variants.iter().find(|variant| variant.name == name).unwrap();
        let (cartpole, acrobot) = (&spec.envs[0], &spec.envs[1]);
        let no_double = spec.resolve_agent(cartpole, variant("rainbow-no-double"));
        assert_eq!(
            (
                no_double.learning_rate,
                no_double.train_every,
                no_double.n_step,
                no_double.double
            ),
            (0.0001, 2, 3, false),
            "Rainbow's CartPole settings, then its own change"
        );
        let on_acrobot = spec.resolve_agent(acrobot, variant("rainbow-no-double"));
        assert_eq!(
            (on_acrobot.learning_rate, on_acrobot.train_every),
            (2.5e-4, 10),
            "no changes on Acrobot"
        );
        assert_eq!(spec.resolve_agent(cartpole, variant("dqn-double")).learning_rate, 0.001);
        assert_eq!(spec.reference_of("rainbow-no-double"), Some("rainbow"));
        assert_eq!(spec.reference_of("dqn-double"), Some("dqn"));
        assert_eq!(spec.reference_of("dqn"), None, "the reference has none");
    }

    #[test]
    fn refuses_extending_an_unknown_or_later_variant_and_changes_for_no_variant() {
        assert_eq!(
            variants_error(r#"(name: "a", extends: "b"), (name: "b")"#, r#""a""#),
            "t.ron:4:37: variants[0].extends: \"b\" names no variant declared before this one, expected no \
             `extends` on the first variant"
        );
        assert_eq!(
            variants_error(r#"(name: "a"), (name: "b", extends: "c")"#, r#""a""#),
            "t.ron:4:50: variants[1].extends: \"c\" names no variant declared before this one, expected one of \"a\""
        );
        let unknown = error(
            "(name: \"t\", envs: [(id: \"CartPole-v1\", steps: 10, variant_agents: {\"c\": (double: true)})], \
             variants: [(name: \"a\")], seeds: Count(1))",
        );
        assert!(
            unknown.contains("envs[0].variant_agents: \"c\" names no variant, expected variant names, one of \"a\""),
            "{unknown}"
        );
    }

    /// A spec with `variants` and `reference` written on lines 4 and 5.
    fn variants_error(variants: &str, reference: &str) -> String {
        error(&format!(
            "(\n    name: \"t\",\n    envs: [{OK_ENV}],\n    variants: [{variants}],\n    reference: {reference},\n    \
             seeds: Count(2),\n)\n"
        ))
    }

    #[test]
    fn refuses_bad_variants_and_references() {
        assert_eq!(
            variants_error(r#"(name: "a"), (name: "b", agent: (doubel: true))"#, r#""a""#),
            "t.ron:4:55: variants[1].agent.doubel: unknown field, expected one of `network`, `hidden`, `learning_rate`, \
             `adam_epsilon`, `gamma`, `batch_size`, `buffer_size`, `learning_starts`, `train_every`, \
             `gradient_steps`, `target`, `epsilon_start`, `epsilon_end`, `exploration_fraction`, `exploration`, \
             `noisy_layers`, `noisy_epsilon`, `noise_draws`, `initialization`, `input_bounds`, `eval_epsilon`, `clip_rewards`, `loss`, `double`, \
             `dueling`, `replay`, \
             `distributional`, `n_step`, `max_grad_norm`, `history`"
        );
        assert_eq!(
            variants_error(r#"(name: "a"), (name: "a", agent: (double: true))"#, r#""a""#),
            "t.ron:4:36: variants[1].name: \"a\" is declared twice (first as variants[0]), expected each variant \
             name once"
        );
        assert_eq!(
            variants_error(r#"(name: "a"), (name: "b")"#, r#""vanila""#),
            "t.ron:5:16: reference: \"vanila\" names no variant, expected one of \"a\", \"b\""
        );
        assert_eq!(
            variants_error(r#"(name: "a/b")"#, r#""a/b""#),
            "t.ron:4:17: variants[0].name: \"a/b\" contains '/', expected a folder name made of letters, digits, \
             '-', '_' and '.'"
        );
        // A variant's change is checked on the resolved config and pointed at where the variant writes it.
        assert_eq!(
            variants_error(r#"(name: "a", agent: (n_step: 0))"#, r#""a""#),
            "t.ron:4:36: variants[0].agent.n_step: got 0, expected an integer > 0 (rewards summed before \
             bootstrapping; 1 is plain DQN)"
        );
        // Without variants the one variant is `base`, and the reference may name it.
        let source = format!("(name: \"t\", envs: [{OK_ENV}], reference: \"base\", seeds: Count(2))");
        assert!(parse_spec(&source, Path::new("t.ron")).is_ok());
    }

    #[test]
    fn refuses_questions_naming_no_variant_and_equal_score_anchors() {
        let source = format!(
            "(\n    name: \"t\",\n    envs: [{OK_ENV}],\n    variants: [(name: \"a\"), (name: \"b\")],\n    \
             questions: [(title: \"q\", variants: [\"b\", \"c\"])],\n    seeds: Count(2),\n)\n"
        );
        assert_eq!(
            error(&source),
            "t.ron:5:46: questions[0].variants[1]: \"c\" names no variant, expected one of \"a\", \"b\""
        );
        let equal = "(id: \"CartPole-v1\", steps: 1000, random_score: 500.0)";
        assert_eq!(
            error(&spec_source(equal, "", "Count(2)")),
            "t.ron:3:45: envs[0].random_score: random and reference scores are both 500, expected two different \
             scores (they map to 0 and 1)"
        );
    }

    #[test]
    fn refuses_a_convolutional_network_on_a_flat_observation() {
        assert_eq!(
            agent_error("network: MinAtarConv(filters: 16)"),
            "t.ron:4:13: agent.network: a convolutional network on CartPole-v1, which has no image observations, \
             expected Mlp for this env, or an image env (e.g. MinAtar/Breakout-v1)"
        );
        // Nature's 8×8 stride-4 convolution turns MinAtar's 10×10 grid into 1×1, where its 4×4 one cannot go.
        let minatar = "(id: \"MinAtar/Breakout-v1\", steps: 1000)";
        assert_eq!(
            error(&spec_source(minatar, "network: NatureConv, history: 4", "Count(2)")),
            "t.ron:4:13: agent.network: NatureConv on MinAtar/Breakout-v1's 10×10 images: its convolution 2 (4×4) does \
             not fit its 1×1 input, expected a network whose convolutions fit the env's images (NatureConv: 84×84 \
             Atari screens)"
        );
    }

    #[test]
    fn refuses_input_bounds_that_do_not_fit_the_envs_observations() {
        assert_eq!(
            agent_error("input_bounds: Some([(-1.0, 1.0), (-5.0, 5.0)])"),
            "t.ron:4:13: agent.input_bounds: 2 (min, max) pairs for CartPole-v1, whose observations have 4 values, \
             expected one (min, max) per observation value: 4"
        );
        assert_eq!(
            agent_error("input_bounds: Some([(-2.4, 2.4), (-5.0, 5.0), (0.3, 0.3), (-6.3, 6.3)])"),
            "t.ron:4:59: agent.input_bounds[2]: got (0.3, 0.3), expected (min, max) with finite min < max"
        );
        let paper = "input_bounds: Some([(-2.4, 2.4), (-5.0, 5.0), (-0.2618, 0.2618), (-6.2832, 6.2832)])";
        assert!(parse_spec(&spec_source(OK_ENV, paper, "Count(2)"), Path::new("t.ron")).is_ok());
    }

    #[test]
    fn refuses_a_batch_larger_than_the_buffer_and_names_both() {
        let expected = "expected batch_size <= buffer_size (a batch is sampled from the buffer)";
        assert_eq!(
            agent_error("buffer_size: 100, batch_size: 256"),
            format!("t.ron:4:31: agent.batch_size: batch_size 256 is larger than buffer_size 100, {expected}")
        );
        // The batch size left to its default (128): point at the buffer size, the field that is written.
        assert_eq!(
            agent_error("buffer_size: 100"),
            format!("t.ron:4:13: agent.batch_size: batch_size 128 is larger than buffer_size 100, {expected}")
        );
        assert!(parse_spec(&spec_source(OK_ENV, "buffer_size: 128", "Count(2)"), Path::new("t.ron")).is_ok());
    }

    #[test]
    fn refuses_zero_seeds() {
        let expected = "expected at least one seed, e.g. Count(5) or List([0, 1, 2])";
        assert_eq!(
            error(&spec_source(OK_ENV, "", "Count(0)")),
            format!("t.ron:5:5: seeds: zero seeds (Count(0)), {expected}")
        );
        assert_eq!(
            error(&spec_source(OK_ENV, "", "List([])")),
            format!("t.ron:5:5: seeds: zero seeds (List([])), {expected}")
        );
    }

    #[test]
    fn refuses_duplicate_seeds() {
        assert_eq!(
            error(&spec_source(OK_ENV, "", "List([1, 7, 7])")),
            "t.ron:5:24: seeds[2]: seed 7 is listed twice, expected distinct seeds"
        );
    }

    #[test]
    fn refuses_a_name_that_is_not_a_folder_name() {
        let with_name =
            |name: &str| format!("(\n    name: {name:?},\n    envs: [{OK_ENV}],\n    seeds: Count(2),\n)\n");
        let rule = "expected a folder name made of letters, digits, '-', '_' and '.'";
        assert_eq!(error(&with_name("")), format!("t.ron:2:5: name: got \"\", {rule}"));
        assert_eq!(
            error(&with_name("a/b")),
            format!("t.ron:2:5: name: \"a/b\" contains '/', {rule}")
        );
        assert_eq!(
            error(&with_name("my run")),
            format!("t.ron:2:5: name: \"my run\" contains ' ', {rule}")
        );
        assert_eq!(
            error(&with_name("..")),
            format!("t.ron:2:5: name: \"..\" is not a folder of its own, {rule}")
        );
        assert_eq!(
            error(&with_name("a\nb")),
            format!("t.ron:2:5: name: \"a\\nb\" contains '\\n', {rule}")
        );
        assert!(parse_spec(&with_name("dqn-ablation_v1.2"), Path::new("t.ron")).is_ok());
    }

    #[test]
    fn validate_works_on_a_spec_built_in_code() {
        let mut spec = parse_spec(&spec_source(OK_ENV, "", "Count(2)"), Path::new("t.ron")).unwrap();
        spec.agent.gamma = 2.0;
        let violation = spec.validate().unwrap_err();
        assert_eq!(violation.field().to_string(), "agent.gamma");
        assert_eq!(
            violation.to_string(),
            "agent.gamma: got 2.0, expected a number in [0, 1]"
        );
    }

    // --- syntax errors: RON's position, our field path and wording -------------------------------------------------

    #[test]
    fn syntax_errors_name_the_field_at_ron_position() {
        let cases = [
            (
                "(\n    name: \"t\",\n    envs: [(id: \"CartPole-v1\", steps: 1000)]\n    seeds: Count(2),\n)\n",
                "t.ron:4:5: envs: found `seeds`, expected `,` or `)`",
            ),
            (
                "(\n    name: \"t\",\n    envs: [(id: \"CartPole-v1\", stepz: 1000)],\n    seeds: Count(2),\n)\n",
                "t.ron:3:37: envs[0].stepz: unknown field, expected one of `id`, `steps`, `eval_every`, \
                 `eval_episodes`, `final_evals`, `options`, `agent`, `variant_agents`, `random_score`, `reference_score`",
            ),
            (
                "(\n    name: \"t\",\n    envs: [(id: \"CartPole-v1\")],\n    seeds: Count(2),\n)\n",
                "t.ron:3:30: envs[0].steps: missing field, expected `steps: ...` (it has no default)",
            ),
            (
                "(\n    name: \"t\",\n    envs: [(id: \"CartPole-v1\", steps: -5)],\n    seeds: Count(2),\n)\n",
                "t.ron:3:39: envs[0].steps: found `-5`, expected an integer >= 0",
            ),
            (
                "(\n    name: \"t\",\n    envs: [(id: \"CartPole-v1\", steps: 5)],\n    seeds: 3,\n)\n",
                "t.ron:4:12: seeds: found `3`, expected `Count(n)` or `List([ ... ])`",
            ),
            (
                "(\n    name: \"t\",\n    envs: [(id: \"CartPole-v1\", steps: 5)],\n    agent: (loss: Foo),\n    seeds: Count(2),\n)\n",
                "t.ron:4:22: agent.loss: unknown variant `Foo`, expected one of `Huber`, `Mse`",
            ),
            (
                "(\n    name: \"t\",\n    envs: [(id: \"CartPole-v1\", steps: 5)],\n    seeds: Count(2),\n",
                "t.ron:5:1: spec: the file ends early, expected `)` to close the `(` at 1:1",
            ),
            (
                "(\n    name: \"t\",\n    name: \"u\",\n    envs: [(id: \"CartPole-v1\", steps: 5)],\n    seeds: Count(2),\n)\n",
                "t.ron:3:9: name: given twice, expected each field once",
            ),
            (
                "(\n    name: \"t\",\n    envs: [(id: \"CartPole-v1\", steps: 5)],\n    seeds: Count(2),\n) x\n",
                "t.ron:5:3: spec: found `x` after the spec, expected nothing after the spec's closing `)`",
            ),
            (
                "(\n    name: t,\n    envs: [(id: \"CartPole-v1\", steps: 5)],\n    seeds: Count(2),\n)\n",
                "t.ron:2:11: name: found `t`, expected a string in double quotes",
            ),
            (
                "(\n    name: \"t\",\n    envs: [\"CartPole-v1\"],\n    seeds: Count(2),\n)\n",
                "t.ron:3:12: envs[0]: found `\"CartPole-v1\"`, expected a struct `( ... )` for `EnvSpec`",
            ),
            (
                "(\n    name: \"t\",\n    envs: [(id: \"CartPole-v1\", steps: 5)],\n)\n",
                "t.ron:4:1: seeds: missing field, expected `seeds: ...` (it has no default)",
            ),
            (
                "(\n    name: \"t\",\n    envs: [(id: \"CartPole-v1\", steps: 5)],\n    agent: (hidden: [64, 64), learning_rate: 0.001),\n    seeds: Count(2),\n)\n",
                "t.ron:4:28: agent.hidden[1]: found `)`, expected `,` or `]`",
            ),
            (
                "(\n    name: \"t\",\n    envs: [(id: \"CartPole-v1\", steps: 5)],\n    seeds: Count(2),\n    /* x\n",
                "t.ron:6:1: spec: a `/*` comment is not closed, expected `*/`",
            ),
        ];
        for (source, expected) in cases {
            assert_eq!(error(source), expected, "for {source:?}");
        }
    }

    #[test]
    fn syntax_errors_are_typed_with_their_location() {
        let source = "(\n    name: \"t\",\n    envs: [(id: \"CartPole-v1\", steps: -5)],\n    seeds: Count(2),\n)\n";
        match parse_spec(source, Path::new("dir/t.ron")).unwrap_err() {
            SpecError::Syntax { location, field, .. } => {
                assert_eq!(location.path, Path::new("dir/t.ron"));
                assert_eq!((location.line, location.column), (3, 39));
                assert_eq!(field, "envs[0].steps");
            }
            other => panic!("expected a syntax error, got {other:?}"),
        }
    }
}
