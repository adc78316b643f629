//! The custom-environment example end to end: its env registers under its own id, a spec names it, and the batch
//! runner trains it and reports — what `docs/custom-env.md` promises a user.

#[path = "../examples/custom_env/corridor.rs"]
mod corridor;

use knowhow::envs::make_env;
use knowhow::plan::plan;
use knowhow::runner::{execute, RunnerOptions};
use knowhow::spec::load_spec;
use knowhow::store::{ResultsDir, RunStatus};

#[test]
fn the_example_env_trains_from_its_spec_and_learns_to_walk_right() {
    corridor::register();
    let mut env = make_env(corridor::ID).expect("registered");
    let mut observation = vec![0.0; env.observation_size()];
    env.reset(Some(1), &mut observation);
    assert_eq!(observation.iter().sum::<f32>(), 1.0, "one-hot position");

    let spec = load_spec(std::path::Path::new("examples/custom_env/corridor.ron"))
        .expect("the example spec is valid")
        .spec;
    let dir = tempfile::tempdir().unwrap();
    let results = ResultsDir::new(dir.path());
    let outcome = execute(
        &plan(&spec),
        &results,
        &RunnerOptions {
            jobs: 2,
            fresh: true,
            shard: None,
            finished: None,
        },
    )
    .unwrap();
    assert_eq!(outcome.manifests.len(), 6);
    for manifest in &outcome.manifests {
        assert_eq!(manifest.status, RunStatus::Complete, "{}", manifest.id);
        // Walking straight right from the middle third takes at most 5 steps: 1 − 4·0.01 = 0.96 at worst. A
        // greedy policy that has learned anything reaches the right end; one that has not wanders or goes left.
        let score = manifest.final_score.unwrap();
        assert!(score > 0.9, "{}: final score {score}", manifest.id);
    }
}
