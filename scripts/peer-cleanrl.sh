#!/usr/bin/env bash
# knowhow's default DQN side by side with CleanRL 1.2.0's dqn.py on CartPole-v1 at identical settings (issue 19).
#
#   scripts/peer-cleanrl.sh            # 60 seeds (0-59), 100,000 steps, 2 lanes: about 25 min on 2 cores
#   SEEDS=6 JOBS=1 scripts/peer-cleanrl.sh
#   WORK=target/peer-quiet SEEDS=4 scripts/peer-cleanrl.sh   # another results folder (the same CleanRL install)
#
# 1. Installs CleanRL into target/peer-cleanrl/venv (once; several GB: torch comes with its CUDA libraries from PyPI).
#    cleanrl 1.2.0's wheel declares Python < 3.11, so the wheel is downloaded for 3.10 without its dependencies and
#    unpacked; dqn.py runs on this machine's Python with torch, gymnasium 0.29.1 (dqn.py crashes on truncation with
#    1.x), numpy < 2, stable-baselines3 and tensorboard.
# 2. Runs both programs seed by seed, interleaved (CleanRL seed k, then knowhow seed k), in JOBS lanes, one thread
#    each, and times every process: the speed ratio comes from the same sitting, under the same load.
# 3. Imports CleanRL's printed logs into knowhow's results folder as the variant `cleanrl-dqn` and writes the report
#    (target/peer-cleanrl/results/index.html), which compares both on the return of the training episodes that
#    ended in the last tenth of the run, with the forest plot and the smallest difference these seeds could detect.
# Not run by CI (minutes and gigabytes).
set -euo pipefail
cd "$(dirname "$0")/.."

seeds=${SEEDS:-60}
jobs=${JOBS:-2}
steps=100000
root=target/peer-cleanrl
work=${WORK:-$root}
venv=$root/venv
mkdir -p "$root" "$work"

# --- 1. CleanRL ---------------------------------------------------------------------------------------------------
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import torch, gymnasium, stable_baselines3, tensorboard' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q torch "gymnasium==0.29.1" "numpy<2" stable-baselines3 tensorboard
fi
if [ ! -f "$root/cleanrl/cleanrl/dqn.py" ]; then
    "$venv/bin/pip" download -q cleanrl==1.2.0 --python-version 3.10 --only-binary=:all: --no-deps -d "$root/wheel"
    "$venv/bin/python" -m zipfile -e "$root"/wheel/cleanrl-1.2.0-py3-none-any.whl "$root/cleanrl"
fi
cleanrl_dqn=$(realpath "$root/cleanrl/cleanrl/dqn.py")
python="$(cd "$venv/bin" && pwd)/python"  # not resolved: the venv is found from this path

# --- knowhow ------------------------------------------------------------------------------------------------------
cargo build --release --locked -q
# A copy, so that rebuilding during a long run changes nothing under it.
mkdir -p "$work/bin" && cp target/release/knowhow "$work/bin/knowhow"
knowhow=$(realpath "$work/bin/knowhow")
sed "s/seeds: Count(60)/seeds: Count($seeds)/" experiments/peer-cleanrl.ron > "$work/spec.ron"
"$knowhow" validate "$work/spec.ron"

# --- 2. Interleaved runs, timed -----------------------------------------------------------------------------------
# Each lane has its own results folder (a folder takes one writer at a time); they are merged below.
mkdir -p "$work/logs" "$work/timing"
elapsed_since() { awk -v start="$1" -v now="$(date +%s.%N)" 'BEGIN { printf "%.3f", now - start }'; }
lane() {
    local lane=$1 seed start
    for ((seed = lane; seed < seeds; seed += jobs)); do
        log="$work/logs/seed-$seed.log"
        if [ ! -s "$log.done" ]; then
            start=$(date +%s.%N)
            if (cd "$work/logs" && OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 "$python" "$cleanrl_dqn" \
                --seed "$seed" --total-timesteps "$steps" --cuda False --exp-name "cleanrl-dqn-seed-$seed" \
                > "seed-$seed.log.partial" 2>&1); then
                mv "$log.partial" "$log"
                echo "cleanrl,$seed,$(elapsed_since "$start")" > "$log.done"
            else
                echo "CleanRL failed on seed $seed: see $log.partial" >&2
                return 1
            fi
        fi
        if [ ! -s "$work/timing/knowhow-$seed" ]; then
            start=$(date +%s.%N)
            "$knowhow" run "$work/spec.ron" --out "$work/lanes/$lane" --jobs 1 --shard "$((seed + 1))/$seeds" > /dev/null
            echo "knowhow,$seed,$(elapsed_since "$start")" > "$work/timing/knowhow-$seed"
        fi
    done
}
lanes=()
for ((lane_index = 0; lane_index < jobs; lane_index++)); do
    lane "$lane_index" &
    lanes+=($!)
done
for pid in "${lanes[@]}"; do wait "$pid"; done

# --- 3. One results folder, CleanRL imported, the report ----------------------------------------------------------
rm -rf "$work/results"
mkdir -p "$work/results/runs"
cp "$work/spec.ron" "$work/results/spec.ron"
for lane_dir in "$work"/lanes/*; do
    cp -r "$lane_dir/runs/." "$work/results/runs/"
done
logs=()
for ((seed = 0; seed < seeds; seed++)); do logs+=("$work/logs/seed-$seed.log"); done
"$knowhow" import "$work/results" --variant cleanrl-dqn --format cleanrl-log --framework cleanrl \
    --framework-version 1.2.0 "${logs[@]}"
"$knowhow" report "$work/results"

{ echo "program,seed,wall_secs"; cat "$work"/logs/*.done "$work"/timing/knowhow-*; } > "$work/timing.csv"
python3 - "$work/timing.csv" <<'PYTHON'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
wall = {program: [float(row["wall_secs"]) for row in rows if row["program"] == program] for program in ("cleanrl", "knowhow")}
for program, values in wall.items():
    print(f"{program}: {len(values)} runs, median {statistics.median(values):.1f} s per 100,000-step run (whole process)")
print(f"CleanRL / knowhow wall time per run: {statistics.median(wall['cleanrl']) / statistics.median(wall['knowhow']):.1f}x")
PYTHON
echo "report: $work/results/index.html; comparison: $work/results/comparisons.csv"
