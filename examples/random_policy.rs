//! The random-policy score anchor of a registered env: the mean return (and its standard error) of a uniformly
//! random policy over the legal actions, episodes reset without a seed after the first.
//!
//!     cargo run --release --example random_policy -- MinAtar/Asterix-v0 5000

use knowhow::envs::make_env;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

fn main() {
    let mut arguments = std::env::args().skip(1);
    let id = arguments.next().expect("usage: random_policy ENV_ID [EPISODES] [SEED]");
    let episodes: usize = arguments
        .next()
        .map_or(1000, |text| text.parse().expect("EPISODES is a count"));
    let seed: u64 = arguments
        .next()
        .map_or(0, |text| text.parse().expect("SEED is a number"));
    let mut env = make_env(&id).unwrap_or_else(|| panic!("unknown env {id:?}"));
    let mut policy = Pcg64::seed_from_u64(seed);
    let mut observation = vec![0.0f32; env.observation_size()];
    let mut legal = vec![false; env.action_count()];
    let mut returns = Vec::with_capacity(episodes);
    let mut steps = 0usize;
    for episode in 0..episodes {
        env.reset((episode == 0).then_some(seed), &mut observation);
        let mut episode_return = 0.0;
        loop {
            env.legal_actions(&mut legal);
            let choices: Vec<usize> = (0..legal.len()).filter(|&action| legal[action]).collect();
            let action = choices[policy.gen_range(0..choices.len())];
            let outcome = env.step(action, &mut observation);
            episode_return += outcome.reward;
            steps += 1;
            if outcome.terminated || outcome.truncated {
                break;
            }
        }
        returns.push(episode_return);
    }
    let count = returns.len() as f64;
    let mean = returns.iter().sum::<f64>() / count;
    let variance = returns.iter().map(|value| (value - mean).powi(2)).sum::<f64>() / (count - 1.0);
    println!(
        "{id}: mean return {mean:.3} ± {:.3} (standard error) over {episodes} episodes, {:.0} steps an episode",
        (variance / count).sqrt(),
        steps as f64 / count
    );
}
