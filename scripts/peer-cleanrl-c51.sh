#!/usr/bin/env bash
# knowhow's C51 side by side with CleanRL 1.2.0's c51.py on CartPole-v1 at c51.py's defaults (500,000 steps).
#
#   scripts/peer-cleanrl-c51.sh                 # 10 seeds (0-9), 1 lane
#   ONLY=cleanrl scripts/peer-cleanrl-c51.sh    # just CleanRL's runs (install + c51.py), no cargo, no knowhow
#   SEEDS=4 JOBS=2 WORK=target/peer-c51-quick scripts/peer-cleanrl-c51.sh   # another results folder, same install
#
# Measured (ONLY=cleanrl, one lane, one thread, on 2 cores shared with a cargo build): a c51.py run took 545-708 s
# (median 621 s, about 750 steps/s by its own SPS lines), so CleanRL's 10 seeds took 104 min. knowhow's runs of the
# same spec, made by hand beside them rather than by this script's interleaved lanes, took 109-339 s each (results in
# docs/fidelity-cleanrl.md). The install took about 3 min and ~5 GB (torch from PyPI brings its CUDA libraries).
#
# 1. Installs c51.py's own environment into target/peer-cleanrl-c51/venv (once). c51.py in cleanrl 1.2.0 still uses
#    the old `gym` API (env.seed, 4-tuple step, `terminal_observation` in SyncVectorEnv's infos, SB3's ReplayBuffer
#    with gym spaces), unlike dqn.py, so it cannot share target/peer-cleanrl/venv. The venv holds what the wheel pins:
#    gym 0.23.1 and stable-baselines3 1.2.0, with numpy 1.23.5 (gym 0.23's era), torch 2.15.0 and tensorboard 2.21.0
#    (the versions of the last measurement: a newer torch changes CleanRL's speed), and pygame 2.6.1 (gym 0.23.1's
#    CartPole imports it; the pinned pygame 2.1.0 has no wheel for Python 3.11, and this one only has to import).
#    `pip freeze` goes to WORK/pip-freeze.txt. c51.py itself runs unchanged, from the wheel unpacked by
#    scripts/peer-cleanrl.sh (target/peer-cleanrl/cleanrl), or, where that is absent, from the wheel downloaded and
#    unpacked the same way here.
# 2. Runs both programs seed by seed, interleaved (CleanRL seed k, then knowhow seed k), in JOBS lanes, one thread
#    each, and times every process. Finished seeds (logs/seed-k.log.done, timing/knowhow-k) are not run again.
# 3. Imports CleanRL's printed logs into knowhow's results folder as the variant `cleanrl-c51` and writes the report
#    (target/peer-cleanrl-c51/results/index.html) and the timings (target/peer-cleanrl-c51/timing.csv).
# Not run by CI (hours and gigabytes).
set -euo pipefail
cd "$(dirname "$0")/.."

seeds=${SEEDS:-10}
jobs=${JOBS:-1}
only=${ONLY:-}
steps=500000  # c51.py's default, passed anyway so that the log says what was run
root=target/peer-cleanrl-c51
work=${WORK:-$root}
venv=$root/venv
case "$only" in
    "" | cleanrl) ;;
    *) echo "ONLY must be empty or 'cleanrl', not '$only'" >&2; exit 2 ;;
esac
mkdir -p "$root" "$work"

# --- 1. CleanRL's c51.py ------------------------------------------------------------------------------------------
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c '
import gym, stable_baselines3, torch, tensorboard, pygame
assert gym.__version__ == "0.23.1" and stable_baselines3.__version__ == "1.2.0"
assert torch.__version__.split("+")[0] == "2.15.0"' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "torch==2.15.0" "gym==0.23.1" "stable-baselines3==1.2.0" "numpy==1.23.5" \
        "tensorboard==2.21.0" "pygame==2.6.1"
fi
"$venv/bin/pip" freeze > "$work/pip-freeze.txt"
if [ -f target/peer-cleanrl/cleanrl/cleanrl/c51.py ]; then
    cleanrl_c51=$(realpath target/peer-cleanrl/cleanrl/cleanrl/c51.py)
else
    if [ ! -f "$root/cleanrl/cleanrl/c51.py" ]; then
        "$venv/bin/pip" download -q cleanrl==1.2.0 --python-version 3.10 --only-binary=:all: --no-deps -d "$root/wheel"
        "$venv/bin/python" -m zipfile -e "$root"/wheel/cleanrl-1.2.0-py3-none-any.whl "$root/cleanrl"
    fi
    cleanrl_c51=$(realpath "$root/cleanrl/cleanrl/c51.py")
fi
python="$(cd "$venv/bin" && pwd)/python"  # not resolved: the venv is found from this path

# --- knowhow ------------------------------------------------------------------------------------------------------
if [ -z "$only" ]; then
    cargo build --release --locked -q
    # A copy, so that rebuilding during a long run changes nothing under it.
    mkdir -p "$work/bin" && cp target/release/knowhow "$work/bin/knowhow"
    knowhow=$(realpath "$work/bin/knowhow")
    sed "s/seeds: Count([0-9]*)/seeds: Count($seeds)/" experiments/peer-cleanrl-c51.ron > "$work/spec.ron"
    "$knowhow" validate "$work/spec.ron"
fi

# --- 2. Interleaved runs, timed; 3. one results folder, CleanRL imported, the report -----------------------------
cleanrl_program=$cleanrl_c51 variant=cleanrl-c51
source scripts/peer-lanes.sh
peer_run_lanes
if [ -z "$only" ]; then
    peer_import_and_report
fi
peer_timing_summary
if [ -z "$only" ]; then
    echo "report: $work/results/index.html; comparison: $work/results/comparisons.csv"
else
    echo "CleanRL logs: $work/logs/seed-*.log (ONLY=cleanrl: knowhow not run, nothing imported)"
fi
