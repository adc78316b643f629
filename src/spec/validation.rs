//! The rules of a spec that its types cannot express: names, budgets, ranges of every agent field, variants and
//! questions that name what exists, seeds, the plan's size, and whether each run fits in memory. A broken rule is a
//! [`Violation`]: the field, what was wrong, what was expected, and where in the source to point.

use std::fmt;

use super::source::{FieldPath, SourceMap};
use super::{default_eval_episodes, default_eval_every, EnvSpec, Seeds, Spec, Variant, BASE_VARIANT};
use crate::agent::config::{positive_count, AgentConfig, AgentOverrides, FieldProblem, Inner, Network};
use crate::agent::convolution::convolutions_of;

pub const MAX_RUNS: u64 = 1_000_000;

/// Refuses a spec with a run that needs more than `available` bytes. The error points at the field that, put back
/// to its default, shrinks that run the most (a replay of 10^12 transitions points at `buffer_size`), written where
/// it was set: the variant, else the env's agent block, else the base agent.
pub fn validate_memory(spec: &Spec, available: f64) -> Result<(), Violation> {
    use crate::memory::{estimate_run, format_bytes};
    for (env_index, env) in spec.envs.iter().enumerate() {
        for (variant_index, variant) in spec.variant_list().iter().enumerate() {
            let agent = spec.resolve_agent(env, variant);
            let Some(estimate) = estimate_run(env, &agent) else {
                continue;
            };
            if estimate.total() <= available {
                continue;
            }
            let defaults = AgentConfig::default();
            let candidates: Vec<(&str, bool, f64)> = [
                (
                    "buffer_size",
                    AgentConfig {
                        buffer_size: defaults.buffer_size,
                        ..agent.clone()
                    },
                ),
                (
                    "n_step",
                    AgentConfig {
                        n_step: defaults.n_step,
                        ..agent.clone()
                    },
                ),
                (
                    "history",
                    AgentConfig {
                        history: defaults.history,
                        ..agent.clone()
                    },
                ),
                (
                    "hidden",
                    AgentConfig {
                        hidden: defaults.hidden.clone(),
                        ..agent.clone()
                    },
                ),
                (
                    "batch_size",
                    AgentConfig {
                        batch_size: defaults.batch_size,
                        ..agent.clone()
                    },
                ),
            ]
            .into_iter()
            .filter_map(|(name, changed)| Some((name, true, estimate_run(env, &changed)?.total())))
            .chain(
                [
                    (
                        "eval_episodes",
                        EnvSpec {
                            eval_episodes: default_eval_episodes(),
                            ..env.clone()
                        },
                    ),
                    (
                        "eval_every",
                        EnvSpec {
                            eval_every: default_eval_every(),
                            ..env.clone()
                        },
                    ),
                ]
                .into_iter()
                .filter_map(|(name, changed)| Some((name, false, estimate_run(&changed, &agent)?.total()))),
            )
            .collect();
            let (culprit, in_agent, _) = candidates
                .iter()
                .copied()
                .min_by(|a, b| a.2.total_cmp(&b.2))
                .expect("candidates are listed");
            let field = if in_agent {
                written_at(spec, env_index, variant_index, culprit)
            } else {
                FieldPath::root().field("envs").index(env_index).field(culprit)
            };
            return Err(Violation::at_key(
                field,
                format!(
                    "a run of {} × {} needs about {} ({}), and this machine has {} available",
                    env.id,
                    variant.name,
                    format_bytes(estimate.total()),
                    estimate.parts(),
                    format_bytes(available)
                ),
                "a run that fits in memory",
            ));
        }
    }
    Ok(())
}

/// Where the agent field `name` of the run env × variant is written: the variant's block if it sets it, else the
/// env's, else the base agent's.
fn written_at(spec: &Spec, env_index: usize, variant_index: usize, name: &str) -> FieldPath {
    let variants = spec.variant_list();
    if variants[variant_index].agent.written_fields().contains(&name) {
        FieldPath::root()
            .field("variants")
            .index(variant_index)
            .field("agent")
            .field(name)
    } else if spec.envs[env_index].agent.written_fields().contains(&name) {
        FieldPath::root()
            .field("envs")
            .index(env_index)
            .field("agent")
            .field(name)
    } else {
        FieldPath::root().field("agent").field(name)
    }
}

/// A rule of the schema that a parsed spec breaks: which field, what was wrong, what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    field: FieldPath,
    /// Whether to point at the field's name or at its value in the source.
    anchor: Anchor,
    /// Another field to point at when `field` is not written in the source (left to its default).
    also: Option<FieldPath>,
    problem: String,
    expected: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Anchor {
    /// The `name` of `name: value`.
    Key,
    /// The first character of the value (a string literal, a list element).
    Value,
}

impl Violation {
    fn at_key(field: FieldPath, problem: impl Into<String>, expected: impl Into<String>) -> Self {
        Violation {
            field,
            anchor: Anchor::Key,
            also: None,
            problem: problem.into(),
            expected: expected.into(),
        }
    }

    fn at_value(field: FieldPath, problem: impl Into<String>, expected: impl Into<String>) -> Self {
        Violation {
            anchor: Anchor::Value,
            ..Violation::at_key(field, problem, expected)
        }
    }

    /// The field that breaks the rule, e.g. `agent.learning_rate`.
    pub fn field(&self) -> &FieldPath {
        &self.field
    }

    /// What was wrong.
    pub fn problem(&self) -> &str {
        &self.problem
    }

    /// What was expected.
    pub fn expected(&self) -> &str {
        &self.expected
    }

    /// The byte offset in `source` to point at: the field itself, else the `also` field, else the nearest enclosing
    /// block that is written, else the start of the file.
    pub(super) fn locate(&self, source: &str) -> usize {
        let map = SourceMap::scan(source, source.len());
        let primary = match self.anchor {
            Anchor::Key => map.key(&self.field),
            Anchor::Value => map.value(&self.field),
        };
        primary
            .or_else(|| self.also.as_ref().and_then(|also| map.key(also)))
            .or_else(|| {
                self.field
                    .ancestors()
                    .find_map(|ancestor| map.key(&ancestor).or_else(|| map.value(&ancestor)))
            })
            .unwrap_or(0)
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "{}: {}, expected {}",
            self.field, self.problem, self.expected
        )
    }
}

impl std::error::Error for Violation {}

impl Spec {
    /// Checks every rule the schema cannot express in types; the first broken rule (in field order) is returned.
    pub fn validate(&self) -> Result<(), Violation> {
        validate_name(FieldPath::root().field("name"), &self.name)?;
        validate_envs(&self.envs)?;
        let agent = FieldPath::root().field("agent");
        validate_agent(&self.agent, &agent)?;
        for (index, env) in self.envs.iter().enumerate() {
            validate_agent(
                &env.agent.apply_to(&self.agent),
                &FieldPath::root().field("envs").index(index).field("agent"),
            )?;
        }
        validate_variants(self)?;
        validate_networks(self)?;
        validate_seeds(self)
    }

    /// The variants' names and changes, in order; `base` with no changes when the spec declares none.
    pub fn variant_list(&self) -> Vec<Variant> {
        if self.variants.is_empty() {
            vec![Variant::new(BASE_VARIANT, AgentOverrides::default())]
        } else {
            self.variants.clone()
        }
    }

    /// The agent a run of `variant` on `env` trains: the base, then the env's changes, then for the variant it
    /// extends (recursively) and for itself, the variant's changes followed by the env's changes to that variant.
    pub fn resolve_agent(&self, env: &EnvSpec, variant: &Variant) -> AgentConfig {
        let start = match self.parent_of(variant) {
            Some(parent) => self.resolve_agent(env, parent),
            None => env.agent.apply_to(&self.agent),
        };
        let own = variant.agent.apply_to(&start);
        match env.variant_agents.get(&variant.name) {
            Some(changes) => changes.apply_to(&own),
            None => own,
        }
    }

    /// The variant `variant` extends, when it names one declared before it (validation refuses any other).
    pub fn parent_of(&self, variant: &Variant) -> Option<&Variant> {
        let name = variant.extends.as_ref()?;
        let position = self.variants.iter().position(|other| other.name == variant.name)?;
        self.variants[..position].iter().find(|other| &other.name == name)
    }

    /// The variant `variant` is compared with: the one it extends, else the spec's reference.
    pub fn reference_of(&self, variant: &str) -> Option<&str> {
        let declared = self.variants.iter().find(|other| other.name == variant);
        match declared.and_then(|declared| declared.extends.as_deref()) {
            Some(parent) => Some(parent),
            None => self.reference.as_deref().filter(|reference| *reference != variant),
        }
    }
}

/// Input bounds need one pair per observation value, and a convolutional network needs an env with image
/// observations and no history stacking; the error points where the field is written (the variant, else the env,
/// else the base agent).
fn validate_networks(spec: &Spec) -> Result<(), Violation> {
    for (env_index, env) in spec.envs.iter().enumerate() {
        for (variant_index, variant) in spec.variant_list().iter().enumerate() {
            let agent = spec.resolve_agent(env, variant);
            let info = crate::envs::registration(&env.id).map(|known| known.info);
            if let (Some(bounds), Some(info)) = (&agent.input_bounds, info) {
                if bounds.len() != info.observation_size {
                    return Err(Violation::at_key(
                        written_at(spec, env_index, variant_index, "input_bounds"),
                        format!(
                            "{} (min, max) pairs for {}, whose observations have {} values",
                            bounds.len(),
                            env.id,
                            info.observation_size
                        ),
                        format!("one (min, max) per observation value: {}", info.observation_size),
                    ));
                }
            }
            if !agent.network.is_convolutional() {
                continue;
            }
            let field = written_at(spec, env_index, variant_index, "network");
            if agent.network == (Network::MinAtarConv { filters: 0 }) {
                return Err(Violation::at_key(
                    field,
                    "MinAtarConv(filters: 0)",
                    "filters > 0 (MinAtar: 16)",
                ));
            }
            let Some(image) = crate::envs::registration(&env.id).and_then(|known| known.info.image_shape) else {
                return Err(Violation::at_key(
                    field,
                    format!("a convolutional network on {}, which has no image observations", env.id),
                    "Mlp for this env, or an image env (e.g. MinAtar/Breakout-v1)",
                ));
            };
            let convolutions = convolutions_of(agent.network, image, agent.history);
            if let Some((index, misfit)) = convolutions.iter().enumerate().find(|(_, layer)| !layer.fits()) {
                return Err(Violation::at_key(
                    field,
                    format!(
                        "{:?} on {}'s {}×{} images: its convolution {} ({}×{}) does not fit its {}×{} input",
                        agent.network,
                        env.id,
                        image.0,
                        image.1,
                        index + 1,
                        misfit.kernel,
                        misfit.kernel,
                        misfit.height,
                        misfit.width
                    ),
                    "a network whose convolutions fit the env's images (NatureConv: 84×84 Atari screens)",
                ));
            }
        }
    }
    Ok(())
}

fn validate_variants(spec: &Spec) -> Result<(), Violation> {
    let variants_field = FieldPath::root().field("variants");
    for (index, variant) in spec.variants.iter().enumerate() {
        let variant_field = variants_field.clone().index(index);
        validate_name(variant_field.clone().field("name"), &variant.name)?;
        if let Some(first) = spec.variants[..index]
            .iter()
            .position(|other| other.name == variant.name)
        {
            return Err(Violation::at_value(
                variant_field.field("name"),
                format!(
                    "{:?} is declared twice (first as {})",
                    variant.name,
                    variants_field.clone().index(first)
                ),
                "each variant name once",
            ));
        }
        if let Some(parent) = &variant.extends {
            if !spec.variants[..index].iter().any(|other| &other.name == parent) {
                let earlier: Vec<String> = spec.variants[..index]
                    .iter()
                    .map(|other| format!("{:?}", other.name))
                    .collect();
                return Err(Violation::at_value(
                    variant_field.field("extends"),
                    format!("{parent:?} names no variant declared before this one"),
                    if earlier.is_empty() {
                        "no `extends` on the first variant".to_string()
                    } else {
                        format!("one of {}", earlier.join(", "))
                    },
                ));
            }
        }
        for env in &spec.envs {
            validate_agent(&spec.resolve_agent(env, variant), &variant_field.clone().field("agent"))?;
        }
    }
    let names: Vec<String> = spec
        .variant_list()
        .iter()
        .map(|variant| format!("{:?}", variant.name))
        .collect();
    for (index, env) in spec.envs.iter().enumerate() {
        if let Some(unknown) = env
            .variant_agents
            .keys()
            .find(|name| !spec.variant_list().iter().any(|variant| &variant.name == *name))
        {
            return Err(Violation::at_key(
                FieldPath::root().field("envs").index(index).field("variant_agents"),
                format!("{unknown:?} names no variant"),
                format!("variant names, one of {}", names.join(", ")),
            ));
        }
    }
    for (index, question) in spec.questions.iter().enumerate() {
        let question_field = FieldPath::root().field("questions").index(index);
        if question.variants.is_empty() {
            return Err(Violation::at_key(
                question_field.field("variants"),
                "no variants",
                "at least one variant name",
            ));
        }
        for (position, name) in question.variants.iter().enumerate() {
            if !spec.variant_list().iter().any(|variant| &variant.name == name) {
                return Err(Violation::at_value(
                    question_field.clone().field("variants").index(position),
                    format!("{name:?} names no variant"),
                    format!("one of {}", names.join(", ")),
                ));
            }
        }
    }
    for (index, expectation) in spec.expectations.iter().enumerate() {
        let field = FieldPath::root().field("expectations").index(index);
        if !spec.envs.iter().any(|env| env.id == expectation.env) {
            let envs: Vec<String> = spec.envs.iter().map(|env| format!("{:?}", env.id)).collect();
            return Err(Violation::at_value(
                field.field("env"),
                format!("{:?} is not one of the spec's envs", expectation.env),
                format!("one of {}", envs.join(", ")),
            ));
        }
        for (name, value) in [
            ("variant", Some(&expectation.variant)),
            ("reference", expectation.reference.as_ref()),
        ] {
            if let Some(value) =
                value.filter(|value| !spec.variant_list().iter().any(|variant| &variant.name == *value))
            {
                return Err(Violation::at_value(
                    field.clone().field(name),
                    format!("{value:?} names no variant"),
                    format!("one of {}", names.join(", ")),
                ));
            }
        }
        if expectation.reference.is_none() && spec.reference_of(&expectation.variant).is_none() {
            return Err(Violation::at_key(
                field.field("variant"),
                format!("{:?} has no reference to be compared with", expectation.variant),
                "a `reference` in the expectation, a spec `reference`, or a variant that extends another",
            ));
        }
    }
    if let Some(reference) = &spec.reference {
        if !spec.variant_list().iter().any(|variant| &variant.name == reference) {
            return Err(Violation::at_value(
                FieldPath::root().field("reference"),
                format!("{reference:?} names no variant"),
                format!("one of {}", names.join(", ")),
            ));
        }
    }
    Ok(())
}

const NAME_RULE: &str = "a folder name made of letters, digits, '-', '_' and '.'";

/// The longest name a folder may have (ext4, XFS, btrfs, APFS and NTFS all stop at 255).
pub const MAX_NAME_BYTES: usize = 255;

/// Why `name` is not a plain folder name (the rule for experiment, variant and baseline names), if it is not.
pub fn folder_name_problem(name: &str) -> Option<String> {
    validate_name(FieldPath::root(), name)
        .err()
        .map(|violation| format!("{}, expected {}", violation.problem, violation.expected))
}

fn validate_name(field: FieldPath, name: &str) -> Result<(), Violation> {
    if name.is_empty() {
        return Err(Violation::at_key(field, "got \"\"", NAME_RULE));
    }
    if name == "." || name == ".." {
        return Err(Violation::at_key(
            field,
            format!("{name:?} is not a folder of its own"),
            NAME_RULE,
        ));
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(Violation::at_key(
            field,
            format!("a name of {} bytes", name.len()),
            format!("at most {MAX_NAME_BYTES} bytes (the longest file name a file system takes)"),
        ));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Err(Violation::at_key(
            field,
            format!("{name:?} contains {bad:?}"),
            NAME_RULE,
        ));
    }
    Ok(())
}

fn validate_envs(envs: &[EnvSpec]) -> Result<(), Violation> {
    let envs_field = FieldPath::root().field("envs");
    if envs.is_empty() {
        return Err(Violation::at_key(
            envs_field,
            "no environments",
            "at least one, e.g. [(id: \"CartPole-v1\", steps: 50000)]",
        ));
    }
    let known = crate::envs::env_ids();
    for (index, env) in envs.iter().enumerate() {
        let env_field = envs_field.clone().index(index);
        if !known.contains(&env.id.as_str()) {
            if crate::envs::ATARI_IDS.contains(&env.id.as_str()) {
                return Err(Violation::at_value(
                    env_field.field("id"),
                    format!("{} is an Atari game, which this knowhow was built without", env.id),
                    "knowhow built with the `atari` feature (ALE, GPL-2.0): cargo run --release --features atari -- …",
                ));
            }
            let listed: Vec<String> = known.iter().map(|id| format!("{id:?}")).collect();
            return Err(Violation::at_value(
                env_field.field("id"),
                format!("unknown env {:?}", env.id),
                format!("one of {}", listed.join(", ")),
            ));
        }
        if let Some(first) = envs[..index].iter().position(|other| other.id == env.id) {
            return Err(Violation::at_value(
                env_field.field("id"),
                format!(
                    "{:?} is listed twice (first as {})",
                    env.id,
                    envs_field.clone().index(first)
                ),
                "each env once",
            ));
        }
        // Built once with its options: a refused option, or an env that cannot be had at all (an Atari game
        // without its ROM), is bad input now rather than a failed run later.
        if let Err(crate::envs::EnvError::Option { error, .. }) = crate::envs::make_env_with(&env.id, &env.options) {
            return Err(Violation::at_key(
                env_field.field("options"),
                format!("{}: option {:?}: {}", env.id, error.option, error.problem),
                error.expected,
            ));
        }
        let counts = [
            ("steps", env.steps, "env steps of training per run"),
            ("eval_every", env.eval_every, "env steps between two evaluations"),
            ("eval_episodes", env.eval_episodes, "episodes per evaluation"),
            ("final_evals", env.final_evals, "evaluations averaged into the score"),
        ];
        for (name, value, meaning) in counts {
            positive_count(name, value, meaning).map_err(|broken| violation_at(&env_field, broken))?;
        }
        for (name, value) in [
            ("random_score", env.random_score),
            ("reference_score", env.reference_score),
        ] {
            if value.is_some_and(|value| !value.is_finite()) {
                return Err(Violation::at_key(
                    env_field.clone().field(name),
                    format!("got {value:?}"),
                    "a finite number",
                ));
            }
        }
        if let Some((random, reference)) = env.score_anchors() {
            if random == reference {
                let field = if env.reference_score.is_some() {
                    "reference_score"
                } else {
                    "random_score"
                };
                return Err(Violation::at_key(
                    env_field.field(field),
                    format!("random and reference scores are both {random}"),
                    "two different scores (they map to 0 and 1)",
                ));
            }
        }
    }
    Ok(())
}

/// Checks a (resolved) agent config against the rules beside its fields (`AgentConfig::check`); `agent_field` is
/// where its fields are written (`agent`, `envs[0].agent`, `variants[2].agent`), the place an error points at.
fn validate_agent(agent: &AgentConfig, agent_field: &FieldPath) -> Result<(), Violation> {
    agent.check().map_err(|broken| violation_at(agent_field, broken))
}

/// A field's broken rule as a violation at its place under `block` (an agent block, or an env entry).
fn violation_at(block: &FieldPath, broken: FieldProblem) -> Violation {
    let mut field = block.clone().field(broken.field);
    match broken.inner {
        Some(Inner::Element(index)) => field = field.index(index),
        Some(Inner::Setting(name)) => field = field.field(name),
        None => {}
    }
    let violation = if broken.at_value {
        Violation::at_value(field, broken.problem, broken.expected)
    } else {
        Violation::at_key(field, broken.problem, broken.expected)
    };
    Violation {
        also: broken.also.map(|also| block.clone().field(also)),
        ..violation
    }
}

/// Seeds: at least one, each once, and a plan of at most [`MAX_RUNS`] runs. `Count(n)` is checked without listing
/// its seeds, and a list in one pass, so that a huge count is refused at once rather than after minutes.
fn validate_seeds(spec: &Spec) -> Result<(), Violation> {
    let seeds_field = FieldPath::root().field("seeds");
    let (count, written) = match &spec.seeds {
        Seeds::Count(count) => (*count, format!("Count({count})")),
        Seeds::List(list) => (list.len() as u64, "List([])".to_string()),
    };
    if count == 0 {
        return Err(Violation::at_key(
            seeds_field,
            format!("zero seeds ({written})"),
            "at least one seed, e.g. Count(5) or List([0, 1, 2])",
        ));
    }
    let runs = (spec.envs.len() as u64)
        .saturating_mul(spec.variant_list().len() as u64)
        .saturating_mul(count);
    if runs > MAX_RUNS {
        return Err(Violation::at_key(
            seeds_field,
            format!(
                "{count} seeds make {runs} runs ({} envs × {} variants × {count} seeds)",
                spec.envs.len(),
                spec.variant_list().len()
            ),
            format!("at most {MAX_RUNS} runs in one spec (split the study into several specs)"),
        ));
    }
    if let Seeds::List(list) = &spec.seeds {
        let mut first_index = std::collections::HashMap::with_capacity(list.len());
        for (index, seed) in list.iter().enumerate() {
            if first_index.insert(*seed, index).is_some() {
                return Err(Violation::at_value(
                    seeds_field.index(index),
                    format!("seed {seed} is listed twice"),
                    "distinct seeds",
                ));
            }
        }
    }
    Ok(())
}
