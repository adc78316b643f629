# Sourced by scripts/peer-cleanrl.sh and scripts/peer-cleanrl-c51.sh: one CleanRL program and knowhow run seed by
# seed, interleaved (CleanRL seed k, then knowhow seed k), in `jobs` lanes, each process timed; then CleanRL's
# printed logs imported into knowhow's results folder, the report, and the timing summary.
#
# The sourcing script sets: work, seeds, jobs, steps, python (the venv's), cleanrl_program (the .py file),
# variant (the imported variant's name, also the log prefix: `cleanrl-dqn-seed-k`), only ("" or "cleanrl": CleanRL
# alone, nothing of knowhow's), and, unless only=cleanrl, knowhow (the binary) with "$work/spec.ron" written.
# Finished seeds (logs/seed-k.log.done, timing/knowhow-k) are not run again.

elapsed_since() { awk -v start="$1" -v now="$(date +%s.%N)" 'BEGIN { printf "%.3f", now - start }'; }

# The seeds lane, lane + jobs, ... of both programs. Each lane has its own knowhow results folder (a folder takes
# one writer at a time); peer_import_and_report merges them.
peer_lane() {
    local lane=$1 seed start log
    for ((seed = lane; seed < seeds; seed += jobs)); do
        log="$work/logs/seed-$seed.log"
        if [ ! -s "$log.done" ]; then
            start=$(date +%s.%N)
            if (cd "$work/logs" && OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 "$python" "$cleanrl_program" \
                --seed "$seed" --total-timesteps "$steps" --cuda False --exp-name "$variant-seed-$seed" \
                > "seed-$seed.log.partial" 2>&1); then
                mv "$log.partial" "$log"
                echo "cleanrl,$seed,$(elapsed_since "$start")" > "$log.done"
            else
                echo "CleanRL failed on seed $seed: see $log.partial" >&2
                return 1
            fi
        fi
        if [ -z "$only" ] && [ ! -s "$work/timing/knowhow-$seed" ]; then
            start=$(date +%s.%N)
            "$knowhow" run "$work/spec.ron" --out "$work/lanes/$lane" --jobs 1 --shard "$((seed + 1))/$seeds" > /dev/null
            echo "knowhow,$seed,$(elapsed_since "$start")" > "$work/timing/knowhow-$seed"
        fi
    done
}

# Every lane in the background; waits for all of them.
peer_run_lanes() {
    mkdir -p "$work/logs" "$work/timing"
    local lanes=() lane_index pid
    for ((lane_index = 0; lane_index < jobs; lane_index++)); do
        peer_lane "$lane_index" &
        lanes+=($!)
    done
    for pid in "${lanes[@]}"; do wait "$pid"; done
}

# One results folder (made here, so replaced here): knowhow's lanes merged, CleanRL's logs imported, the report.
peer_import_and_report() {
    local lane_dir seed logs=()
    rm -rf "$work/results"
    mkdir -p "$work/results/runs"
    cp "$work/spec.ron" "$work/results/spec.ron"
    for lane_dir in "$work"/lanes/*; do
        cp -r "$lane_dir/runs/." "$work/results/runs/"
    done
    for ((seed = 0; seed < seeds; seed++)); do logs+=("$work/logs/seed-$seed.log"); done
    "$knowhow" import "$work/results" --variant "$variant" --format cleanrl-log --framework cleanrl \
        --framework-version 1.2.0 "${logs[@]}"
    "$knowhow" report "$work/results"
}

# timing.csv (program, seed, wall_secs) and the median wall time per run of each program, with their ratio.
peer_timing_summary() {
    {
        echo "program,seed,wall_secs"
        cat "$work"/logs/*.done
        if [ -z "$only" ]; then cat "$work"/timing/knowhow-*; fi
    } > "$work/timing.csv"
    python3 - "$work/timing.csv" "$steps" <<'PYTHON'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
steps = int(sys.argv[2])
wall = {program: [float(row["wall_secs"]) for row in rows if row["program"] == program] for program in ("cleanrl", "knowhow")}
for program, values in wall.items():
    if values:
        print(f"{program}: {len(values)} runs, median {statistics.median(values):.1f} s per {steps:,}-step run (whole process)")
if wall["cleanrl"] and wall["knowhow"]:
    print(f"CleanRL / knowhow wall time per run: {statistics.median(wall['cleanrl']) / statistics.median(wall['knowhow']):.1f}x")
PYTHON
}
