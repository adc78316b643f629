#!/usr/bin/env bash
# Tests knowhow's sharding against a real Slurm (22.05, Debian bookworm's slurm-wlm) on this one machine:
#
#   1. installs slurm-wlm and munge if they are missing (apt-get; needs root);
#   2. writes a one-node cluster (slurm.conf, munge key, state/spool/log folders) into $WORK and starts munged,
#      slurmctld and slurmd on it; a trap stops every daemon it started, by process id, however the script ends;
#   3. trains experiments/slurm-check.ron as a job array of 4 shards (`knowhow run --shard i/4`) and merges them;
#   4. trains the same spec on one machine and checks the merged runs/ and summary.csv equal it, timings aside;
#   5. cancels array task 2 mid-way, checks the merge names its missing runs (exit 1), resubmits only task 2, and
#      checks the merge then completes (exit 0) with the same results again;
#   6. prints the wall times.
#
# Usage (from anywhere; it works in the repository root):
#   scripts/slurm-check.sh
# Environment:
#   KNOWHOW   the knowhow binary [${CARGO_TARGET_DIR:-target}/release/knowhow, built with `cargo build --release
#             --locked` if missing]
#   WORK      the work folder [target/slurm-check]; the script empties only what it created there itself
#   TIMEOUT   seconds to wait for one job array to finish [900]
#   SLURMCTLD_PORT, SLURMD_PORT   the private cluster's ports [16817, 16818]
# Exit codes: 0 the check passed; 1 it failed; 3 skipped: Slurm or munge could not be installed or started here.
set -euo pipefail

SKIPPED=3
skip() { echo "slurm-check: SKIPPED: $*" >&2; exit "$SKIPPED"; }
fail() { echo "slurm-check: FAILED: $*" >&2; exit 1; }
say() { echo "slurm-check: $*"; }
now() { date +%s.%N; }
seconds_since() { awk -v from="$1" -v to="$(now)" 'BEGIN { printf "%.1f", to - from }'; }

# KNOWHOW and WORK, when given as relative paths, are taken from where the script was called; their defaults and
# the spec are in the repository, where the script works.
[[ -n ${KNOWHOW:-} && $KNOWHOW != /* ]] && KNOWHOW=$PWD/$KNOWHOW
[[ -n ${WORK:-} && $WORK != /* ]] && WORK=$PWD/$WORK
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
SPEC=experiments/slurm-check.ron
SHARDS=4
TIMEOUT=${TIMEOUT:-900}
# The daemons live in /usr/sbin, which a CI environment's PATH may lack.
export PATH="$PATH:/usr/sbin:/sbin"
started=$(now)

# --- The binary ---------------------------------------------------------------------------------------------------
if [[ -z ${KNOWHOW:-} ]]; then
    # Where cargo puts it: CARGO_TARGET_DIR when set (absolute or relative to the repository), else target/.
    KNOWHOW=${CARGO_TARGET_DIR:-target}/release/knowhow
    [[ -x $KNOWHOW ]] || cargo build --release --locked
fi
[[ -x $KNOWHOW ]] || fail "KNOWHOW=$KNOWHOW is not an executable file"
KNOWHOW=$(cd "$(dirname "$KNOWHOW")" && pwd)/$(basename "$KNOWHOW")
export KNOWHOW

# --- The work folder ----------------------------------------------------------------------------------------------
# Everything the script writes is in these entries of $WORK; a marker file says the script made them, so that a
# rerun deletes only those, and never a folder someone else filled.
WORK=${WORK:-target/slurm-check}
MARKER=.slurm-check
OURS=(etc munge state spool log run shards shards2 shards.times shards2.times merged merged2 single apt.log
    shard-job.sh "$MARKER")
if [[ -e $WORK ]]; then
    [[ -d $WORK ]] || fail "WORK=$WORK exists and is not a folder"
    if [[ -n $(ls -A "$WORK") && ! -e $WORK/$MARKER ]]; then
        fail "WORK=$WORK is not empty and was not made by this script: give another WORK, or empty it yourself"
    fi
fi
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
for entry in "${OURS[@]}"; do rm -rf "${WORK:?}/$entry"; done
touch "$WORK/$MARKER"
mkdir -p "$WORK"/{etc,munge,state,spool,log,run}
export WORK

# --- 1. Slurm and munge -------------------------------------------------------------------------------------------
missing=()
for tool in munged mungekey munge slurmctld slurmd sbatch squeue sinfo scancel scontrol; do
    command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]})); then
    say "installing slurm-wlm and munge (missing: ${missing[*]})"
    [[ $(id -u) == 0 ]] || skip "Slurm is not installed (missing: ${missing[*]}) and installing it needs root"
    command -v apt-get >/dev/null || skip "Slurm is not installed (missing: ${missing[*]}) and there is no apt-get"
    if ! (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge) \
        >"$WORK/apt.log" 2>&1; then
        skip "apt-get install slurm-wlm munge failed: $(tail -n 1 "$WORK/apt.log")"
    fi
    for tool in "${missing[@]}"; do
        command -v "$tool" >/dev/null || skip "slurm-wlm and munge installed, but $tool is still missing"
    done
fi
say "$(slurmctld -V), $(munged -V 2>&1 | head -n 1)"

# --- 2. The cluster: munged, slurmctld, slurmd --------------------------------------------------------------------
HOST=$(hostname -s)
CPUS=$(nproc)
DAEMONS=() # "name pid", in start order
JOBS=()    # the job ids submitted, cancelled on the way out if still there

# The sockets of the running job step daemons (slurmstepd), named <node>_<job>.<step> in slurmd's spool.
step_sockets() {
    local socket
    for socket in "$WORK/spool/${HOST}_"*; do
        [[ -S $socket ]] && echo "${socket##*/}"
    done
    return 0
}

stop_everything() {
    local status=$?
    trap - EXIT
    set +e
    # slurmd leaves running jobs alone when it stops, and a job's slurmstepd (a daemon of its own, not our child)
    # ignores SIGTERM and retries forever to tell slurmctld the job ended. So cancel our jobs while slurmctld and
    # slurmd are up, and wait until none is left and every slurmstepd has exited (its socket in the spool is gone).
    if ((${#JOBS[@]})); then
        scancel "${JOBS[@]}" 2>/dev/null
        for _ in $(seq 60); do
            [[ -z $(squeue -h -j "$(IFS=,; echo "${JOBS[*]}")" -t PD,CF,R,CG,S -o %i 2>/dev/null) ]] \
                && [[ -z $(step_sockets) ]] && break
            sleep 1
        done
        [[ -z $(step_sockets) ]] \
            || echo "slurm-check: WARNING: job steps still running after the cancel: $(step_sockets | xargs)" >&2
    fi
    # Stop the daemons by process id, the last started first, and wait for each.
    local i name pid
    for ((i = ${#DAEMONS[@]} - 1; i >= 0; i--)); do
        read -r name pid <<<"${DAEMONS[i]}"
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" 2>/dev/null
            for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
            kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
        fi
        wait "$pid" 2>/dev/null
        say "stopped $name (pid $pid)"
    done
    exit "$status"
}
trap stop_everything EXIT
# A signal ends the script through `exit`, so that the EXIT trap runs (bash skips it on a signal's default action).
trap 'exit 130' INT
trap 'exit 143' TERM

# Each daemon runs in the foreground (-F, -D) as a background job of this script: $! is then its own pid, not that
# of a parent that forked it and exited, and the trap can stop exactly it.
start_daemon() {
    local name=$1
    shift
    "$@" >"$WORK/log/$name.out" 2>&1 &
    DAEMONS+=("$name $!")
}
daemon_alive() { # name: skip, with the end of its log, if the daemon has died
    local name=$1 entry n pid
    for entry in "${DAEMONS[@]}"; do
        read -r n pid <<<"$entry"
        if [[ $n == "$name" ]] && ! kill -0 "$pid" 2>/dev/null; then
            local why
            why=$(cat "$WORK/log/$name.out" "$WORK/log/$name.log" 2>/dev/null | grep -iE 'error|fatal' | tail -n 1)
            skip "$name exited at start: ${why:-see $WORK/log/$name.out}"
        fi
    done
}

# munge: a key of our own, and a socket of our own, so that a system munged (if any) is left alone. munged refuses
# key files and folders that others can write; --force lets it run from a work folder with ordinary permissions
# (the check's processes all run as this one user).
SOCKET=$WORK/munge/munge.socket.2
chmod 700 "$WORK/munge"
mungekey --create --keyfile="$WORK/munge/munge.key" 2>/dev/null \
    || dd if=/dev/urandom of="$WORK/munge/munge.key" bs=1024 count=1 status=none
chmod 600 "$WORK/munge/munge.key"
start_daemon munged munged --foreground --force --socket="$SOCKET" --key-file="$WORK/munge/munge.key" \
    --pid-file="$WORK/run/munged.pid" --seed-file="$WORK/munge/munged.seed" --log-file="$WORK/log/munged.log"
for _ in $(seq 20); do
    munge -n -S "$SOCKET" 2>/dev/null | unmunge -S "$SOCKET" >/dev/null 2>&1 && break
    daemon_alive munged
    sleep 0.5
done
munge -n -S "$SOCKET" 2>/dev/null | unmunge -S "$SOCKET" >/dev/null 2>&1 || skip "munged does not answer on $SOCKET"

# slurm.conf: one node, this machine, with all its CPUs; no cgroups (proctrack/linuxproc, task/none: they need no
# kernel setup and work in containers), no accounting. Ports away from the default 6817/6818, so that a system
# Slurm, if any, is left alone.
export SLURM_CONF=$WORK/etc/slurm.conf
cat >"$SLURM_CONF" <<EOF
ClusterName=knowhow-check
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=${SLURMCTLD_PORT:-16817}
SlurmdPort=${SLURMD_PORT:-16818}
SlurmUser=root
SlurmdUser=root
# munge through our own socket (clients read this too, via SLURM_CONF)
AuthType=auth/munge
AuthInfo=socket=$SOCKET
CredType=cred/munge
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/run/slurmctld.pid
SlurmdPidFile=$WORK/run/slurmd.pid
SlurmctldLogFile=$WORK/log/slurmctld.log
SlurmdLogFile=$WORK/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
# A node that comes up registers as idle at once, whatever state it had.
ReturnToService=2
# Take the node's CPUs from this file, not from what slurmd detects (sockets × cores × threads may not match).
SlurmdParameters=config_overrides
# Keep finished jobs in slurmctld's memory (there is no accounting database) long enough to read their states.
MinJobAge=3600
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$CPUS State=UNKNOWN
PartitionName=check Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF

start_daemon slurmctld slurmctld -D -f "$SLURM_CONF"
for _ in $(seq 60); do
    scontrol ping 2>/dev/null | grep -q UP && break
    daemon_alive slurmctld
    sleep 0.5
done
scontrol ping 2>/dev/null | grep -q UP || skip "slurmctld does not answer (see $WORK/log/slurmctld.log)"

start_daemon slurmd slurmd -D -f "$SLURM_CONF"
state=
for _ in $(seq 120); do
    state=$(sinfo -h -n "$HOST" -o %T 2>/dev/null || true)
    [[ $state == idle ]] && break
    daemon_alive slurmd
    sleep 0.5
done
[[ $state == idle ]] || skip "node $HOST is '${state:-unknown}', not idle: $(sinfo -h -R -o %E 2>/dev/null)"
say "cluster up: $(sinfo -h -o '%P node=%N cpus=%c state=%T')"

# --- The shard job ------------------------------------------------------------------------------------------------
# One array task trains one shard of the spec into $SHARD_DIRS/<task id>, and notes when it started and ended.
cat >"$WORK/shard-job.sh" <<'EOF'
#!/usr/bin/env bash
#SBATCH --job-name=knowhow-shard
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
set -euo pipefail
index=$SLURM_ARRAY_TASK_ID
echo "start $index $(date +%s.%N)" >>"$SHARD_DIRS.times"
"$KNOWHOW" run experiments/slurm-check.ron --jobs 1 --shard "$index/4" --out "$SHARD_DIRS/$index"
echo "end $index $(date +%s.%N)" >>"$SHARD_DIRS.times"
EOF

submit() { # shards_folder array_range: sets JOB to the array's id (not echoed: JOBS must grow in this shell)
    local dirs=$1 range=$2
    JOB=$(sbatch --parsable --array="$range" --chdir="$REPO" --output="$WORK/log/%x-%A_%a.out" \
        --export="ALL,SHARD_DIRS=$dirs" "$WORK/shard-job.sh") || fail "sbatch failed"
    JOB=${JOB%%;*}
    JOBS+=("$JOB")
}

wait_for() { # job: until squeue no longer lists it (pending, running or completing), within TIMEOUT
    local job=$1 deadline=$((SECONDS + TIMEOUT)) listed
    while :; do
        # A job slurmctld has already forgotten is an error for squeue: that too means it is gone.
        listed=$(squeue -h -j "$job" -t PD,CF,R,CG,S -o %i 2>&1) \
            || listed=$(printf '%s' "$listed" | grep -v 'Invalid job id' || true)
        [[ -z $listed ]] && return 0
        ((SECONDS < deadline)) || fail "job $job still not finished after ${TIMEOUT}s: $listed"
        sleep 1
    done
}

task_states() { # job: "task=STATE" for each array task, from slurmctld's memory (no accounting here)
    scontrol -o show job "$1" \
        | sed -nE 's/.*ArrayTaskId=([0-9]+) .*JobState=([A-Z_]+) .*ExitCode=([0-9:]+).*/\1=\2(\3)/p' | sort
}

merge() { # out shards... -> sets MERGE_STATUS and MERGE_SAID; never fails the script
    MERGE_STATUS=0
    MERGE_SAID=$("$KNOWHOW" merge "$@" 2>&1) || MERGE_STATUS=$?
}

# The runs/ and summary.csv of two results folders, timing fields aside, byte for byte (as tests/support does):
# the same files, and in each the same text once the columns (CSV) or lines (manifest) of wall_secs, steps_per_sec
# and finished_at are dropped.
same_results() { # expected actual
    python3 - "$1" "$2" <<'EOF'
import json, os, sys

TIMING = {"wall_secs", "steps_per_sec", "finished_at"}

def without_timings(text):
    if text.lstrip().startswith("{"):
        return "\n".join(l for l in text.splitlines() if l.strip().split(":")[0].strip('"') not in TIMING)
    lines = text.splitlines()
    if not lines:
        return ""
    keep = [name.strip('"') not in TIMING for name in lines[0].split(",")]
    return "\n".join(",".join(f for f, k in zip(line.split(","), keep) if k) for line in lines)

def result_set(root):
    files = {}
    for base, dirs, names in os.walk(os.path.join(root, "runs")):
        for name in names:
            if not name.startswith("."):
                path = os.path.join(base, name)
                files[os.path.relpath(path, root)] = path
    files["summary.csv"] = os.path.join(root, "summary.csv")
    return files

expected, actual = (result_set(root) for root in sys.argv[1:3])
problems = [f"only in {sys.argv[1]}: {name}" for name in sorted(expected.keys() - actual.keys())]
problems += [f"only in {sys.argv[2]}: {name}" for name in sorted(actual.keys() - expected.keys())]
for name in sorted(expected.keys() & actual.keys()):
    texts = []
    for files in (expected, actual):
        try:
            with open(files[name]) as f:
                texts.append(without_timings(f.read()))
        except OSError as error:
            texts.append(f"<{error}>")
    if texts[0] != texts[1]:
        problems.append(f"differs: {name}")
for problem in problems[:20]:
    print("   ", problem)
runs = sum(1 for name in expected if name.endswith("manifest.json"))
print(f"    {len(expected)} files ({runs} runs and summary.csv) compared: "
      + ("identical, timings aside" if not problems else f"{len(problems)} problem(s)"))
sys.exit(1 if problems else 0)
EOF
}

wall_secs_sum() { # folder: the sum of its manifests' wall_secs
    python3 - "$1" <<'EOF'
import glob, json, sys
print("%.1f" % sum(json.load(open(p))["wall_secs"] for p in glob.glob(sys.argv[1] + "/runs/*/*/*/manifest.json")))
EOF
}

task_wall() { # times_file task: seconds from its last start to its last end
    awk -v task="$2" '$2 == task && $1 == "start" { s = $3 } $2 == task && $1 == "end" { e = $3 }
        END { if (s && e) printf "%.1f", e - s; else printf "?" }' "$1"
}

# --- 3. The job array, and its merge ------------------------------------------------------------------------------
say "submitting the array: $SHARDS shards of $SPEC"
array_started=$(now)
submit "$WORK/shards" "1-$SHARDS"
job=$JOB
wait_for "$job"
array_wall=$(seconds_since "$array_started")
states=$(task_states "$job")
say "array $job finished in ${array_wall}s: $(echo $states)"
[[ $(grep -c 'COMPLETED(0:0)' <<<"$states") == "$SHARDS" ]] \
    || fail "not every task of array $job completed (logs in $WORK/log): $(echo $states)"

merge_started=$(now)
merge "$WORK/merged" "$WORK"/shards/*
merge_wall=$(seconds_since "$merge_started")
[[ $MERGE_STATUS == 0 ]] || { echo "$MERGE_SAID"; fail "merge of the array's shards exited $MERGE_STATUS, not 0"; }
say "merge of $SHARDS shards: exit 0 in ${merge_wall}s"

# --- 4. The same spec on one machine ------------------------------------------------------------------------------
say "training $SPEC on one machine"
single_started=$(now)
"$KNOWHOW" run "$SPEC" --out "$WORK/single" >"$WORK/log/single.out" 2>&1 \
    || { tail -n 20 "$WORK/log/single.out"; fail "the single-machine run failed"; }
single_wall=$(seconds_since "$single_started")
say "single machine: ${single_wall}s; the merged shards against it:"
same_results "$WORK/single" "$WORK/merged" || fail "the merged shards differ from the single-machine run"

# --- 5. A task killed mid-way, then resubmitted -------------------------------------------------------------------
say "submitting a second array, to cancel task 2 once it has finished its first run"
submit "$WORK/shards2" "1-$SHARDS"
job2=$JOB
deadline=$((SECONDS + TIMEOUT))
until compgen -G "$WORK/shards2/2/runs/*/*/*/manifest.json" >/dev/null; do
    ((SECONDS < deadline)) || fail "task 2 of array $job2 wrote no run within ${TIMEOUT}s"
    sleep 0.2
done
scancel "${job2}_2"
done_runs=$(compgen -G "$WORK/shards2/2/runs/*/*/*/manifest.json" | wc -l)
say "cancelled ${job2}_2 after its first run ($done_runs manifest(s) written)"
wait_for "$job2"
states=$(task_states "$job2")
say "array $job2 finished: $(echo $states)"
grep -q '^2=CANCELLED' <<<"$states" || fail "task 2 of array $job2 was not cancelled (too late?): $(echo $states)"

merge "$WORK/merged2" "$WORK"/shards2/*
echo "$MERGE_SAID" | sed -n '/missing\|in no shard\|knowhow run\|trains:/s/^/    | /p'
[[ $MERGE_STATUS == 1 ]] || { echo "$MERGE_SAID"; fail "merge after the cancel exited $MERGE_STATUS, not 1"; }
# Every run of shard 2 without a complete manifest must be named, with the command for shard 2's folder.
unfinished=()
while read -r run _; do
    grep -qs '"status": "complete"' "$WORK/shards2/2/runs/$run/manifest.json" || unfinished+=("$run")
done < <("$KNOWHOW" plan "$SPEC" --shard "2/$SHARDS" | grep -v ' runs, ')
((${#unfinished[@]})) || fail "task 2 was cancelled but all its runs are complete"
grep -q -- "--shard 2/$SHARDS --out $WORK/shards2/2" <<<"$MERGE_SAID" \
    || { echo "$MERGE_SAID"; fail "the merge does not give the command that trains shard 2"; }
for run in "${unfinished[@]}"; do
    grep -q "trains:.*$run" <<<"$MERGE_SAID" || { echo "$MERGE_SAID"; fail "the merge does not name $run"; }
done
say "merge after the cancel: exit 1, naming ${unfinished[*]}"

say "resubmitting task 2 alone"
resubmit_started=$(now)
submit "$WORK/shards2" 2
job3=$JOB
wait_for "$job3"
resubmit_wall=$(seconds_since "$resubmit_started")
states=$(task_states "$job3")
grep -q '^2=COMPLETED(0:0)' <<<"$states" || fail "the resubmitted task 2 ($job3) did not complete: $(echo $states)"
merge2_started=$(now)
merge "$WORK/merged2" "$WORK"/shards2/*
merge2_wall=$(seconds_since "$merge2_started")
[[ $MERGE_STATUS == 0 ]] || { echo "$MERGE_SAID"; fail "merge after the resubmission exited $MERGE_STATUS, not 0"; }
say "merge after the resubmission: exit 0 in ${merge2_wall}s; against the single-machine run:"
same_results "$WORK/single" "$WORK/merged2" || fail "the completed merge differs from the single-machine run"

# --- 6. Timings ---------------------------------------------------------------------------------------------------
echo
echo "slurm-check passed: $SHARDS Slurm shards merge into the single-machine results, a cancelled task resubmits"
echo "wall times ($CPUS CPUs on $HOST, $(find "$WORK/single/runs" -name manifest.json | wc -l) runs):"
row() { printf '  %-20s %7ss  %s\n' "$@"; } # label seconds note
for ((i = 1; i <= SHARDS; i++)); do
    row "shard $i/$SHARDS" "$(task_wall "$WORK/shards.times" "$i")" \
        "in Slurm, start to end of its task (its runs: $(wall_secs_sum "$WORK/shards/$i")s of training)"
done
row "array of $SHARDS shards" "$array_wall" "from sbatch to the last task finished"
row "single machine" "$single_wall" "knowhow run --jobs $CPUS (its runs: $(wall_secs_sum "$WORK/single")s of training)"
row "merge" "$merge_wall" "of the $SHARDS shards (${merge2_wall}s after the resubmission)"
row "resubmitted task 2" "$resubmit_wall" "from sbatch to finished (it trains only its unfinished run)"
row "whole check" "$(seconds_since "$started")" "from the script's start to here"
