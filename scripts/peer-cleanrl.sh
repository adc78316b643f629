#!/usr/bin/env bash
# knowhow's default DQN side by side with CleanRL 1.2.0's dqn.py on CartPole-v1 at identical settings (issue 19).
#
#   scripts/peer-cleanrl.sh            # 60 seeds (0-59), 100,000 steps, 2 lanes: about 25 min on 2 cores
#   SEEDS=6 JOBS=1 scripts/peer-cleanrl.sh
#   WORK=target/peer-quiet SEEDS=4 scripts/peer-cleanrl.sh   # another results folder (the same CleanRL install)
#
# 1. Installs CleanRL into target/peer-cleanrl/venv (once; several GB: torch comes with its CUDA libraries from PyPI).
#    cleanrl 1.2.0's wheel declares Python < 3.11, so the wheel is downloaded for 3.10 without its dependencies and
#    unpacked; dqn.py runs on this machine's Python with torch 2.15.0, gymnasium 0.29.1 (dqn.py crashes on truncation
#    with 1.x), numpy 1.26.4, stable-baselines3 2.9.2 and tensorboard 2.21.0 (the versions of the last measurement).
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
# Pinned to the versions measured in the README's Speed section (a newer torch changes CleanRL's speed, and so the
# ratio); a venv holding other versions is reinstalled. `pip freeze` goes to WORK/pip-freeze.txt.
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c '
import torch, gymnasium, stable_baselines3, tensorboard
assert torch.__version__.split("+")[0] == "2.15.0" and gymnasium.__version__ == "0.29.1"
assert stable_baselines3.__version__ == "2.9.2"' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "torch==2.15.0" "gymnasium==0.29.1" "numpy==1.26.4" "stable-baselines3==2.9.2" \
        "tensorboard==2.21.0"
fi
"$venv/bin/pip" freeze > "$work/pip-freeze.txt"
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

# --- 2. Interleaved runs, timed; 3. one results folder, CleanRL imported, the report -----------------------------
cleanrl_program=$cleanrl_dqn variant=cleanrl-dqn only=""
source scripts/peer-lanes.sh
peer_run_lanes
peer_import_and_report
peer_timing_summary
echo "report: $work/results/index.html; comparison: $work/results/comparisons.csv"
