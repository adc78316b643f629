#!/usr/bin/env bash
# Speed of knowhow beside Dopamine's JAX DQN and Rainbow agents (dopamine-rl 4.1.2, CPU) on CartPole at the settings
# of "Revisiting Rainbow" (Obando-Ceron & Castro 2021). Training only, one core each; docs/peer-dopamine.md has the
# measured numbers and every difference between the two sides.
#
#   scripts/peer-dopamine.sh                                  # 1 seed (0), 30,000 env steps per run
#   SEEDS=3 scripts/peer-dopamine.sh                          # seeds 0-2
#   STEPS=10000 WORK=target/peer-dopamine/short scripts/peer-dopamine.sh   # shorter runs, another results folder
#   KNOWHOW_BIN=/path/to/knowhow scripts/peer-dopamine.sh     # that binary instead of `cargo build --release`
#
# Measured (SEEDS=2, docs/peer-dopamine.md): one core each, another job on the machine's other core. Env steps/s of
# the whole process, median over seeds, knowhow / Dopamine (min-max of the same-seed ratios): DQN 700 / 211 = 3.3x
# (3.2-3.4); Rainbow, knowhow's six components against Dopamine's JaxRainbowAgent (3-step, C51, prioritized only),
# 169 / 88 = 1.9x (1.9-2.0); knowhow at those three components, 290 / 88 = 3.3x (3.2-3.3). A seed (five runs) took
# about 13.5 min, Dopamine's Rainbow alone about 6 min; the install about 4 min and 3 GB.
#
# 1. Installs Dopamine into target/peer-dopamine/venv (once): dopamine-rl 4.1.2 with the JAX, Flax, TensorFlow and
#    TensorFlow Probability versions pinned below (the newest of each do not import together), and OpenAI baselines
#    0.1.5 without its dependencies (dopamine 4.1.2's atari_lib imports baselines.common.atari_wrappers on every
#    run, CartPole included, and does not declare it). `pip freeze` goes to WORK/pip-freeze.txt.
# 2. Writes the gin files (WORK/gin/dqn.gin, WORK/gin/rainbow.gin): Dopamine's JaxDQNAgent and JaxRainbowAgent with
#    the paper's CartPole settings, trained by dopamine.discrete_domains.train with the `continuous_train` schedule
#    (TrainRunner: no evaluation phase at all), one iteration of STEPS training steps. Dopamine ends an iteration at
#    the end of an episode, so its runs are up to 199 steps longer; the steps it really made are counted from its
#    log and its steps/s divides by them.
# 3. Builds knowhow (or takes KNOWHOW_BIN) and writes WORK/spec.ron from experiments/peer-dopamine.ron with STEPS.
# 4. Runs, seed by seed, interleaved in one sitting: Dopamine DQN, knowhow dqn, Dopamine Rainbow, knowhow rainbow,
#    knowhow rainbow-as-dopamine (on odd seeds knowhow goes first). Every process is pinned to core 0 with taskset,
#    with one thread (XLA_FLAGS, OMP/MKL/TF threads 1; knowhow --jobs 1), and timed from start to exit. Finished
#    runs (WORK/timing/*) are not run again; remove WORK/timing to measure again.
# 5. Writes WORK/timing.csv (program, agent, seed, steps, seconds, steps_per_second, loop_steps_per_second: the rate
#    the program itself reports for its training loop, without start-up) and prints per agent the median steps/s of
#    each side and their ratio, knowhow / Dopamine, with the min-max over seeds.
# Not run by CI (minutes and gigabytes).
set -euo pipefail
cd "$(dirname "$0")/.."

seeds=${SEEDS:-1}
steps=${STEPS:-30000}
root=target/peer-dopamine
work=${WORK:-$root}
venv=$root/venv
mkdir -p "$root" "$work"

# --- 1. Dopamine ------------------------------------------------------------------------------------------------
python="$(cd "$root" && pwd)/venv/bin/python"  # not resolved: the venv is found from this path
if [ ! -x "$python" ] || ! "$python" -c 'import dopamine.discrete_domains.run_experiment, dopamine.jax.agents.rainbow.rainbow_agent' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "dopamine-rl==4.1.2" "jax[cpu]==0.4.35" "jaxlib==0.4.35" "flax==0.10.2" "optax==0.2.4" \
        "chex==0.1.90" "orbax-checkpoint==0.11.5" "tensorflow==2.18.0" "tf-keras==2.18.0" \
        "tensorflow-probability==0.25.0" "numpy==2.0.2" "gym==0.25.2" "gymnasium==1.4.0" "gin-config==0.5.0"
    "$venv/bin/pip" install -q --no-deps "baselines==0.1.5"
    "$python" -c 'import dopamine.discrete_domains.run_experiment, dopamine.jax.agents.rainbow.rainbow_agent'
fi
"$venv/bin/pip" freeze > "$work/pip-freeze.txt"

# --- 2. Dopamine's gin files ------------------------------------------------------------------------------------
# The paper's CartPole settings (experiments/revisiting-rainbow.ron): 2 hidden layers of 512 (Glorot uniform, inputs
# mapped to [-1, 1] by CartPole's bounds, as Dopamine's ClassicControl networks do), Adam with ε 3.125e-4, γ 0.99,
# batch 128, replay 50,000, 500 steps before learning, target network copied every 100 env steps, ε-greedy at a
# constant 0.01, episodes capped at 200 steps, rewards clipped to [-1, 1]. DQN: lr 0.001, update every 4 steps, Huber
# loss (Dopamine 4's default is MSE). Rainbow: lr 0.0001, update every 2 steps, 3-step, C51 with 51 atoms on
# [-200, 200], prioritized replay (Dopamine's: priority √loss, weights 1/√p normalised by their max).
mkdir -p "$work/gin"
write_gin() {  # agent class, agent name, network, then the agent's own lines on stdin
    local class=$1 name=$2 network=$3
    {
        echo "# Written by scripts/peer-dopamine.sh ($steps training steps, no evaluation)."
        echo "import dopamine.discrete_domains.gym_lib"
        echo "import dopamine.discrete_domains.run_experiment"
        echo "import dopamine.jax.agents.dqn.dqn_agent"
        echo "import dopamine.jax.agents.rainbow.rainbow_agent"
        echo "import dopamine.jax.networks"
        echo "import dopamine.jax.replay_memory.replay_buffer"
        echo "import dopamine.jax.replay_memory.samplers"
        echo
        echo "$class.observation_shape = %gym_lib.CARTPOLE_OBSERVATION_SHAPE"
        echo "$class.observation_dtype = %jax_networks.CARTPOLE_OBSERVATION_DTYPE"
        echo "$class.stack_size = %gym_lib.CARTPOLE_STACK_SIZE"
        echo "$class.network = @dopamine.jax.networks.$network"
        echo "$class.gamma = 0.99"
        echo "$class.min_replay_history = 500"
        echo "$class.target_update_period = 100"
        echo "$class.epsilon_fn = @dopamine.jax.agents.dqn.dqn_agent.identity_epsilon"
        echo "$class.epsilon_train = 0.01"
        echo "$class.optimizer = 'adam'"
        echo "create_optimizer.eps = 3.125e-4"
        echo "$network.min_vals = %jax_networks.CARTPOLE_MIN_VALS"
        echo "$network.max_vals = %jax_networks.CARTPOLE_MAX_VALS"
        cat  # the agent's own settings
        echo
        echo "create_gym_environment.environment_name = 'CartPole'"
        echo "create_gym_environment.version = 'v0'"
        echo "create_runner.schedule = 'continuous_train'"
        echo "create_agent.agent_name = '$name'"
        echo "TrainRunner.create_environment_fn = @gym_lib.create_gym_environment"
        echo "Runner.num_iterations = 1"
        echo "Runner.training_steps = $steps"
        echo "Runner.evaluation_steps = 0"
        echo "Runner.max_steps_per_episode = 200"
        echo "Runner.clip_rewards = True"
        echo "ReplayBuffer.max_capacity = 50000"
        echo "ReplayBuffer.batch_size = 128"
    }
}
write_gin JaxDQNAgent jax_dqn ClassicControlDQNNetwork > "$work/gin/dqn.gin" <<'GIN'
JaxDQNAgent.update_horizon = 1
JaxDQNAgent.update_period = 4
JaxDQNAgent.loss_type = 'huber'
create_optimizer.learning_rate = 0.001
GIN
write_gin JaxRainbowAgent jax_rainbow ClassicControlRainbowNetwork > "$work/gin/rainbow.gin" <<'GIN'
JaxRainbowAgent.num_atoms = 51
JaxRainbowAgent.vmax = 200.
JaxRainbowAgent.update_horizon = 3
JaxRainbowAgent.update_period = 2
JaxRainbowAgent.replay_scheme = 'prioritized'
PrioritizedSamplingDistribution.max_capacity = 50000
create_optimizer.learning_rate = 0.0001
GIN

# --- 3. knowhow -------------------------------------------------------------------------------------------------
mkdir -p "$work/bin"
if [ -n "${KNOWHOW_BIN:-}" ]; then
    cp "$KNOWHOW_BIN" "$work/bin/knowhow"
else
    cargo build --release --locked -q
    # A copy, so that rebuilding during the measurement changes nothing under it.
    cp target/release/knowhow "$work/bin/knowhow"
fi
knowhow=$(realpath "$work/bin/knowhow")
sed -e "s/steps: 30000, eval_every: 30000/steps: $steps, eval_every: $steps/" experiments/peer-dopamine.ron > "$work/spec.ron"
grep -q "steps: $steps, eval_every: $steps" "$work/spec.ron" || { echo "could not set the steps in $work/spec.ron" >&2; exit 1; }
"$knowhow" validate "$work/spec.ron" > /dev/null
variants=(dqn rainbow rainbow-as-dopamine)

# --- 4. Interleaved runs, one core each, timed ------------------------------------------------------------------
export XLA_FLAGS="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1
export JAX_PLATFORMS=cpu CUDA_VISIBLE_DEVICES=""
mkdir -p "$work/timing" "$work/logs"
elapsed_since() { awk -v start="$1" -v now="$(date +%s.%N)" 'BEGIN { printf "%.3f", now - start }'; }

# Dopamine's agent $1 (dqn or rainbow), seed $2: timing/dopamine-AGENT-SEED holds one timing.csv row.
run_dopamine() {
    local agent=$1 seed=$2 out="$work/dopamine/$1/seed-$2" start seconds made loop_rate
    [ -s "$work/timing/dopamine-$agent-$seed" ] && return 0
    rm -rf "$out"
    local class=JaxDQNAgent
    [ "$agent" = rainbow ] && class=JaxRainbowAgent
    echo "Dopamine $agent, seed $seed ..."
    start=$(date +%s.%N)
    if ! taskset -c 0 "$python" -m dopamine.discrete_domains.train --base_dir "$out" --gin_files "$work/gin/$agent.gin" \
        --gin_bindings "$class.seed = $seed" > "$work/logs/dopamine-$agent-$seed.log" 2>&1; then
        echo "Dopamine $agent failed on seed $seed: see $work/logs/dopamine-$agent-$seed.log" >&2
        return 1
    fi
    seconds=$(elapsed_since "$start")
    # The steps it made (its last episode runs past STEPS) and its own training-loop rate, from its log.
    read -r made loop_rate < <("$python" - "$out/logs/log_0" <<'PYTHON'
import pickle, sys
iteration = pickle.load(open(sys.argv[1], "rb"))["iteration_0"]
print(sum(iteration["train_episode_lengths"]), iteration["train_average_steps_per_second"][0])
PYTHON
    )
    echo "dopamine,$agent,$seed,$made,$seconds,$(awk -v s="$made" -v t="$seconds" 'BEGIN { printf "%.1f", s / t }'),$(printf %.1f "$loop_rate")" \
        > "$work/timing/dopamine-$agent-$seed"
}

# knowhow's variant $1, seed $2, alone in its process and results folder.
run_knowhow() {
    local variant=$1 seed=$2 out="$work/knowhow/$1/seed-$2" spec="$work/knowhow/spec-seed-$2.ron" shard plan start seconds
    [ -s "$work/timing/knowhow-$variant-$seed" ] && return 0
    mkdir -p "$work/knowhow"
    sed "s/seeds: Count(1)/seeds: List([$seed])/" "$work/spec.ron" > "$spec"
    # One run per shard: the shard that holds this variant.
    for ((shard = 1; shard <= ${#variants[@]}; shard++)); do
        plan=$("$knowhow" plan "$spec" --shard "$shard/${#variants[@]}")
        grep -q "^CartPole-v1/$variant/seed-$seed " <<< "$plan" && break
    done
    [ "$shard" -le "${#variants[@]}" ] || { echo "no shard of $spec holds $variant" >&2; return 1; }
    echo "knowhow $variant, seed $seed ..."
    start=$(date +%s.%N)
    if ! taskset -c 0 "$knowhow" run "$spec" --out "$out" --jobs 1 --fresh --shard "$shard/${#variants[@]}" \
        > "$work/logs/knowhow-$variant-$seed.log" 2>&1; then
        echo "knowhow $variant failed on seed $seed: see $work/logs/knowhow-$variant-$seed.log" >&2
        return 1
    fi
    seconds=$(elapsed_since "$start")
    # summary.csv (summary.shard-i-of-N.csv): env,variant,seed,final_score,auc,steps,wall_secs,steps_per_sec,status,reason
    awk -F, -v variant="$variant" -v seed="$seed" -v seconds="$seconds" '
        $2 == variant && $3 == seed && $9 == "complete" {
            printf "knowhow,%s,%s,%s,%s,%.1f,%.1f\n", variant, seed, $6, seconds, $6 / seconds, $8; found = 1 }
        END { exit !found }' "$out"/summary*.csv > "$work/timing/knowhow-$variant-$seed"
}

{ date -u +"start %Y-%m-%dT%H:%M:%SZ"; echo "cores $(getconf _NPROCESSORS_ONLN)"; uptime; } > "$work/conditions.txt"
for ((seed = 0; seed < seeds; seed++)); do
    if ((seed % 2 == 0)); then
        run_dopamine dqn "$seed"; run_knowhow dqn "$seed"
        run_dopamine rainbow "$seed"; run_knowhow rainbow "$seed"; run_knowhow rainbow-as-dopamine "$seed"
    else
        run_knowhow dqn "$seed"; run_dopamine dqn "$seed"
        run_knowhow rainbow "$seed"; run_knowhow rainbow-as-dopamine "$seed"; run_dopamine rainbow "$seed"
    fi
done
{ date -u +"end %Y-%m-%dT%H:%M:%SZ"; uptime; } >> "$work/conditions.txt"

# --- 5. timing.csv and the summary ------------------------------------------------------------------------------
{
    echo "program,agent,seed,steps,seconds,steps_per_second,loop_steps_per_second"
    cat "$work"/timing/dopamine-* "$work"/timing/knowhow-*
} > "$work/timing.csv"
python3 - "$work/timing.csv" <<'PYTHON'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
rate = {(r["program"], r["agent"], int(r["seed"])): (float(r["steps_per_second"]), float(r["loop_steps_per_second"]))
        for r in rows}
def spread(values):
    return f"{statistics.median(values):,.0f} ({min(values):,.0f}-{max(values):,.0f})"
def ratio(values):
    return f"{statistics.median(values):.2f}x ({min(values):.2f}-{max(values):.2f})"
print("env steps/s, median (min-max) over seeds; ratio knowhow / Dopamine, same seed, median (min-max)")
for knowhow_agent, dopamine_agent in (("dqn", "dqn"), ("rainbow", "rainbow"), ("rainbow-as-dopamine", "rainbow")):
    seeds = sorted(s for (p, a, s) in rate if p == "knowhow" and a == knowhow_agent and ("dopamine", dopamine_agent, s) in rate)
    if not seeds:
        continue
    for which, label in ((0, "whole process"), (1, "training loop")):
        d = [rate[("dopamine", dopamine_agent, s)][which] for s in seeds]
        k = [rate[("knowhow", knowhow_agent, s)][which] for s in seeds]
        print(f"knowhow {knowhow_agent:<19} vs Dopamine {dopamine_agent:<7} [{label}, {len(seeds)} seeds]: "
              f"Dopamine {spread(d)}, knowhow {spread(k)}, ratio {ratio([b / a for a, b in zip(d, k)])}")
PYTHON
echo "timings: $work/timing.csv; logs: $work/logs; conditions: $work/conditions.txt"
