//! Expands a spec into runs (env × variant × seed), each with a stable id and a hash of its resolved config, and
//! splits a plan into shards for clusters.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::agent::config::{AgentConfig, AgentOverrides};
use crate::spec::{EnvSpec, Spec};

/// One run to train: everything it depends on, resolved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlannedRun {
    /// The env's settings (its agent changes are already in `agent`, and cleared here).
    pub env: EnvSpec,
    pub variant: String,
    /// The resolved agent: base, then the env's changes, then the variant's.
    pub agent: AgentConfig,
    pub seed: u64,
}

impl PlannedRun {
    /// `<env>/<variant>/seed-<k>`: the run's id and its folder under `runs/`.
    pub fn id(&self) -> String {
        format!("{}/{}/seed-{}", self.env.id, self.variant, self.seed)
    }

    /// SHA-256 of the resolved config (env settings, variant name, agent config, seed) as JSON: equal hashes mean
    /// the run would produce the same numbers, so a stored result with this hash can be reused.
    pub fn config_hash(&self) -> String {
        let json = serde_json::to_vec(self).expect("a planned run serialises to JSON");
        Sha256::digest(&json).iter().map(|byte| format!("{byte:02x}")).collect()
    }

    /// Relative cost estimate in env steps (what ordering longest-first uses).
    pub fn cost_steps(&self) -> usize {
        self.env.steps
    }
}

/// Every run of `spec`, env-major, then variant, then seed, in a stable order.
pub fn plan(spec: &Spec) -> Vec<PlannedRun> {
    let seeds = spec.seeds.to_vec();
    let variants = spec.variant_list();
    let mut runs = Vec::with_capacity(spec.envs.len() * variants.len() * seeds.len());
    for env in &spec.envs {
        let settings = EnvSpec {
            agent: AgentOverrides::default(),
            variant_agents: Default::default(),
            ..env.clone()
        };
        for variant in &variants {
            let agent = spec.resolve_agent(env, variant);
            for seed in &seeds {
                runs.push(PlannedRun {
                    env: settings.clone(),
                    variant: variant.name.clone(),
                    agent: agent.clone(),
                    seed: *seed,
                });
            }
        }
    }
    runs
}

/// A part `index` of `count` (1-based, as written on the command line: `--shard 2/4`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl std::str::FromStr for Shard {
    type Err = String;

    /// Parses `i/N` with 1 ≤ i ≤ N.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let expected = || format!("got {text:?}, expected i/N with 1 <= i <= N, e.g. 1/4");
        let (index, count) = text.split_once('/').ok_or_else(expected)?;
        let index: usize = index.trim().parse().map_err(|_| expected())?;
        let count: usize = count.trim().parse().map_err(|_| expected())?;
        if index == 0 || count == 0 || index > count {
            return Err(expected());
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// Whether run number `position` of the plan (0-based) belongs to this shard: runs are dealt round-robin, so
    /// every shard gets a similar mix of envs and variants, and every run is in exactly one shard.
    pub fn contains(&self, position: usize) -> bool {
        position % self.count == self.index - 1
    }
}

/// The runs of `runs` that belong to `shard`, in plan order.
pub fn shard_runs(runs: &[PlannedRun], shard: Shard) -> Vec<PlannedRun> {
    runs.iter()
        .enumerate()
        .filter(|(position, _)| shard.contains(*position))
        .map(|(_, run)| run.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{parse_spec, Seeds};
    use std::path::Path;

    fn env(id: &str) -> EnvSpec {
        EnvSpec {
            eval_every: 500,
            eval_episodes: 2,
            final_evals: 1,
            ..EnvSpec::new(id, 1000)
        }
    }

    #[test]
    fn plan_crosses_envs_and_seeds_with_stable_ids_and_hashes() {
        let spec = Spec {
            name: "t".into(),
            envs: vec![env("CartPole-v1"), env("Acrobot-v1")],
            agent: AgentConfig::default(),
            variants: vec![],
            reference: None,
            seeds: Seeds::List(vec![3, 7]),
            questions: vec![],
            measure: None,
            expectations: vec![],
        };
        let runs = plan(&spec);
        let ids: Vec<String> = runs.iter().map(PlannedRun::id).collect();
        assert_eq!(
            ids,
            [
                "CartPole-v1/base/seed-3",
                "CartPole-v1/base/seed-7",
                "Acrobot-v1/base/seed-3",
                "Acrobot-v1/base/seed-7"
            ]
        );
        assert_eq!(runs[0].config_hash(), plan(&spec)[0].config_hash());
        assert_eq!(runs[0].config_hash().len(), 64);
        assert_ne!(runs[0].config_hash(), runs[1].config_hash());
        let mut changed = runs[0].clone();
        changed.agent.learning_rate *= 2.0;
        assert_ne!(changed.config_hash(), runs[0].config_hash());
    }

    #[test]
    fn variants_override_the_base_after_the_env() {
        let source = r#"(
            name: "t",
            envs: [
                (id: "CartPole-v1", steps: 1000),
                (id: "Acrobot-v1", steps: 2000, agent: (hidden: [32], learning_rate: 0.01)),
            ],
            agent: (learning_rate: 0.001, n_step: 3),
            variants: [(name: "vanilla"), (name: "double", agent: (double: true, learning_rate: 0.005))],
            reference: "vanilla",
            seeds: Count(2),
        )"#;
        let spec = parse_spec(source, Path::new("t.ron")).unwrap();
        let runs = plan(&spec);
        let ids: Vec<String> = runs.iter().map(PlannedRun::id).collect();
        assert_eq!(
            ids,
            [
                "CartPole-v1/vanilla/seed-0",
                "CartPole-v1/vanilla/seed-1",
                "CartPole-v1/double/seed-0",
                "CartPole-v1/double/seed-1",
                "Acrobot-v1/vanilla/seed-0",
                "Acrobot-v1/vanilla/seed-1",
                "Acrobot-v1/double/seed-0",
                "Acrobot-v1/double/seed-1",
            ]
        );
        let base = AgentConfig {
            learning_rate: 0.001,
            n_step: 3,
            ..AgentConfig::default()
        };
        assert_eq!(runs[0].agent, base);
        assert_eq!(
            runs[2].agent,
            AgentConfig {
                double: true,
                learning_rate: 0.005,
                ..base.clone()
            }
        );
        // The env's changes apply to every variant; the variant's win where both write a field.
        assert_eq!(
            runs[4].agent,
            AgentConfig {
                hidden: vec![32],
                learning_rate: 0.01,
                ..base.clone()
            }
        );
        assert_eq!(
            runs[6].agent,
            AgentConfig {
                hidden: vec![32],
                learning_rate: 0.005,
                double: true,
                ..base.clone()
            }
        );
        // The stored env settings no longer carry the changes (they are in the resolved agent).
        assert!(runs[4].env.agent.is_empty());
        // Equal resolved configs hash equally; the variant name is part of the hash.
        assert_ne!(runs[0].config_hash(), runs[2].config_hash());
    }

    #[test]
    fn shards_partition_the_plan() {
        let runs: Vec<PlannedRun> = (0..10)
            .map(|seed| PlannedRun {
                env: env("CartPole-v1"),
                variant: "v".into(),
                agent: AgentConfig::default(),
                seed,
            })
            .collect();
        for count in 1..=4 {
            let mut seen: Vec<u64> = Vec::new();
            for index in 1..=count {
                let shard = shard_runs(&runs, Shard { index, count });
                assert!(shard.len() >= 10 / count, "shard {index}/{count} has {}", shard.len());
                seen.extend(shard.iter().map(|run| run.seed));
            }
            seen.sort();
            assert_eq!(
                seen,
                (0..10).collect::<Vec<u64>>(),
                "every run in exactly one of {count} shards"
            );
        }
        assert_eq!("2/4".parse::<Shard>(), Ok(Shard { index: 2, count: 4 }));
        for bad in ["3/2", "0/2", "1/0", "2", "a/b"] {
            let error = bad.parse::<Shard>().unwrap_err();
            assert!(error.contains("expected i/N"), "{bad}: {error}");
        }
    }
}
