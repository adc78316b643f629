//! Expands a spec into runs (env × variant × seed), each with a stable id and a hash of its resolved config.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::agent::config::AgentConfig;
use crate::spec::{EnvSpec, Spec};

/// The variant name of a spec's single agent config.
pub const BASE_VARIANT: &str = "base";

/// One run to train: everything it depends on, resolved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlannedRun {
    pub env: EnvSpec,
    pub variant: String,
    pub agent: AgentConfig,
    pub seed: u64,
}

impl PlannedRun {
    /// `<env>/<variant>/seed-<k>`: the run's id and its folder under `runs/`.
    pub fn id(&self) -> String {
        format!("{}/{}/seed-{}", self.env.id, self.variant, self.seed)
    }

    /// SHA-256 of the resolved config (env settings, agent config, seed) as JSON: equal hashes mean the run would
    /// produce the same numbers, so a stored result with this hash can be reused.
    pub fn config_hash(&self) -> String {
        let json = serde_json::to_vec(self).expect("a planned run serialises to JSON");
        Sha256::digest(&json).iter().map(|byte| format!("{byte:02x}")).collect()
    }

    /// Relative cost estimate in env steps (what ordering longest-first uses).
    pub fn cost_steps(&self) -> usize {
        self.env.steps
    }
}

/// Every run of `spec`, env-major then seed, in a stable order.
pub fn plan(spec: &Spec) -> Vec<PlannedRun> {
    let seeds = spec.seeds.to_vec();
    spec.envs
        .iter()
        .flat_map(|env| {
            seeds.iter().map(move |seed| PlannedRun {
                env: env.clone(),
                variant: BASE_VARIANT.to_string(),
                agent: spec.agent.clone(),
                seed: *seed,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Seeds;

    fn env(id: &str) -> EnvSpec {
        EnvSpec {
            id: id.into(),
            steps: 1000,
            eval_every: 500,
            eval_episodes: 2,
            final_evals: 1,
        }
    }

    #[test]
    fn plan_crosses_envs_and_seeds_with_stable_ids_and_hashes() {
        let spec = Spec {
            name: "t".into(),
            envs: vec![env("CartPole-v1"), env("Acrobot-v1")],
            agent: AgentConfig::default(),
            seeds: Seeds::List(vec![3, 7]),
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
}
