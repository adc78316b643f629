#!/usr/bin/env bash
# Checks the container image's runtime stage on this machine, with no image registry: makes a Debian base with
# debootstrap (cached as a local image), builds the Dockerfile's `runtime-from-host` stage around a host-built
# binary, trains a small spec in the container (results folder mounted from the host) and the same spec with the
# same binary on the host, and checks that both results folders hold the same bits, timing fields aside.
#
# Usage: scripts/container-check.sh
# Environment:
#   KNOWHOW       the binary to ship and compare with (default target/release/knowhow; build it first with
#                 `cargo build --release --locked`)
#   WORK          work folder (default target/container-check)
#   BASE_IMAGE    name of the locally made base image (default knowhow-check-base:bookworm-minbase; made once,
#                 reused while `docker image inspect` finds it)
#   IMAGE         name of the image built (default knowhow:container-check)
#   SUITE         Debian release of the base (default bookworm; the binary's glibc must not be newer)
#   DEBIAN_MIRROR mirror for debootstrap (default http://deb.debian.org/debian)
#   STEPS, EVAL_EVERY, SEEDS   the small spec: experiments/quick.ron with these (default 10000, 5000, 2)
# Exit status: 0 the same bits came out; 1 a real failure; 3 docker cannot run here (skipped, with one line why).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"

KNOWHOW=${KNOWHOW:-${CARGO_TARGET_DIR:-target}/release/knowhow}
WORK=${WORK:-target/container-check}
BASE_IMAGE=${BASE_IMAGE:-knowhow-check-base:bookworm-minbase}
IMAGE=${IMAGE:-knowhow:container-check}
SUITE=${SUITE:-bookworm}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
STEPS=${STEPS:-10000}
EVAL_EVERY=${EVAL_EVERY:-5000}
SEEDS=${SEEDS:-2}
# The fields that measure time or the machine, not the training: masked before comparing.
TIMING_FIELDS='wall_secs|steps_per_sec|finished_at|cores'

skip() {
    echo "container-check: SKIPPED (cannot test containers here): $*" >&2
    exit 3
}
fail() {
    echo "container-check: FAILED: $*" >&2
    exit 1
}

# ---- Timing of each step, printed at the end whatever happens. ----
TIMES=()
STEP_NAME=""
STEP_T0=0
step() {
    step_done
    STEP_NAME=$1
    STEP_T0=$(date +%s.%N)
    echo "== $STEP_NAME"
}
step_done() {
    if [[ -n $STEP_NAME ]]; then
        local seconds
        seconds=$(awk -v a="$STEP_T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
        TIMES+=("$(printf '  %-58s %8s s' "$STEP_NAME" "$seconds")")
        STEP_NAME=""
    fi
}

DOCKERD_PID=""
cleanup() {
    local status=$?
    step_done
    if ((${#TIMES[@]})); then
        echo "== time per step"
        printf '%s\n' "${TIMES[@]}"
    fi
    if [[ -n $DOCKERD_PID ]]; then
        echo "== stopping the dockerd this script started (pid $DOCKERD_PID)"
        kill -TERM "$DOCKERD_PID" 2>/dev/null || true
        for _ in $(seq 1 30); do
            kill -0 "$DOCKERD_PID" 2>/dev/null || break
            sleep 1
        done
        wait "$DOCKERD_PID" 2>/dev/null || true
    fi
    exit "$status"
}
trap cleanup EXIT

[[ -x $KNOWHOW ]] || fail "no executable binary at $KNOWHOW (build it with \`cargo build --release --locked\`, or set KNOWHOW)"
KNOWHOW=$(realpath "$KNOWHOW")
mkdir -p "$WORK"
WORK=$(realpath "$WORK")

# ---- Tools: docker (client and daemon) and debootstrap, from Debian's packages if missing. ----
install_packages() {
    [[ $(id -u) == 0 ]] || skip "missing $* and not root to install them with apt-get"
    command -v apt-get >/dev/null 2>&1 || skip "missing $* and no apt-get to install them"
    echo "installing $* with apt-get (log $WORK/apt.log)"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"; } >"$WORK/apt.log" 2>&1 ||
        skip "apt-get could not install $*: $(tail -n 1 "$WORK/apt.log")"
}
step "tools (docker.io, debootstrap)"
if ! docker info >/dev/null 2>&1 && ! { command -v docker && command -v dockerd; } >/dev/null 2>&1; then
    install_packages docker.io
fi
command -v docker >/dev/null 2>&1 || skip "no docker client after installing docker.io"
echo "docker: $(command -v docker), dockerd: $(command -v dockerd || echo none)"

# ---- The daemon: use a running one, else start dockerd here and stop it (by pid) on exit. ----
step "docker daemon"
if docker info >/dev/null 2>&1; then
    echo "using the running docker daemon"
else
    [[ $(id -u) == 0 ]] || skip "no docker daemon is running and only root can start dockerd"
    command -v dockerd >/dev/null 2>&1 || skip "no docker daemon is running and no dockerd to start"
    dockerd >"$WORK/dockerd.log" 2>&1 &
    DOCKERD_PID=$!
    echo "started dockerd (pid $DOCKERD_PID, log $WORK/dockerd.log)"
    for _ in $(seq 1 60); do
        docker info >/dev/null 2>&1 && break
        kill -0 "$DOCKERD_PID" 2>/dev/null ||
            skip "dockerd exited at start: $(grep -iE 'level=(fatal|error)|failed' "$WORK/dockerd.log" | tail -n 1)"
        sleep 1
    done
    docker info >/dev/null 2>&1 || skip "dockerd did not answer within 60 s (see $WORK/dockerd.log)"
fi
echo "docker client $(docker version -f '{{.Client.Version}}' 2>/dev/null), daemon $(docker version -f '{{.Server.Version}}' 2>/dev/null)"

# ---- A Debian base made here (no registry reachable), cached between runs. ----
step "base image $BASE_IMAGE"
if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    echo "cached: $BASE_IMAGE (delete it with \`docker image rm $BASE_IMAGE\` to make it again)"
else
    command -v debootstrap >/dev/null 2>&1 || install_packages debootstrap
    [[ $(id -u) == 0 ]] || skip "debootstrap needs root to make a base image (no registry to pull one)"
    rootfs="$WORK/rootfs"
    rm -rf "$rootfs"
    echo "debootstrap --variant=minbase $SUITE from $DEBIAN_MIRROR (log $WORK/debootstrap.log)"
    debootstrap --variant=minbase "$SUITE" "$rootfs" "$DEBIAN_MIRROR" >"$WORK/debootstrap.log" 2>&1 ||
        skip "debootstrap could not make a $SUITE base from $DEBIAN_MIRROR: $(tail -n 1 "$WORK/debootstrap.log")"
    # What debian:*-slim also leaves out: package lists and caches.
    rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb
    tar -C "$rootfs" -c . | docker import --change 'CMD ["bash"]' - "$BASE_IMAGE" >/dev/null ||
        fail "docker import of the debootstrap tree failed"
    rm -rf "$rootfs"
fi
docker run --rm --network none "$BASE_IMAGE" true >"$WORK/smoke.log" 2>&1 ||
    skip "docker cannot start a container here: $(tail -n 1 "$WORK/smoke.log")"

# ---- The runtime stage around the host's binary. ----
step "docker build --target runtime-from-host"
if [[ $KNOWHOW == "$(realpath -m "$REPO/target/release/knowhow")" ]]; then
    # The repository itself is the context, as the team builds it: .dockerignore keeps target/ out but the binary.
    context=$REPO
else
    # Another binary: a context of its own with the repository's Dockerfile, .dockerignore and experiments/.
    context="$WORK/context"
    rm -rf "$context"
    mkdir -p "$context/target/release"
    cp -r Dockerfile .dockerignore experiments "$context/"
    cp "$KNOWHOW" "$context/target/release/knowhow"
fi
echo "context $context, binary $KNOWHOW (log $WORK/build.log)"
docker build --target runtime-from-host --build-arg RUNTIME_IMAGE="$BASE_IMAGE" -t "$IMAGE" "$context" \
    >"$WORK/build.log" 2>&1 || {
    tail -n 20 "$WORK/build.log" >&2
    fail "docker build failed (log $WORK/build.log)"
}
grep -iE 'sending build context|transferring context' "$WORK/build.log" | tail -n 1 || true
docker run --rm --network none "$IMAGE" --version
docker run --rm --network none "$IMAGE" validate experiments/quick.ron ||
    fail "the image does not validate its own experiments/quick.ron"

# ---- A small spec: experiments/quick.ron with fewer steps and seeds. ----
step "small spec (quick.ron, $SEEDS seeds, $STEPS steps)"
mkdir -p "$WORK/spec"
spec="$WORK/spec/container-check.ron"
sed -E -e 's/name: "quick"/name: "container-check"/' \
    -e "s/\\bsteps: [0-9_]+/steps: $STEPS/" \
    -e "s/\\beval_every: [0-9_]+/eval_every: $EVAL_EVERY/" \
    -e "s/Count\\([0-9]+\\)/Count($SEEDS)/" experiments/quick.ron >"$spec"
grep -q 'name: "container-check"' "$spec" && grep -q "steps: $STEPS," "$spec" && grep -q "Count($SEEDS)" "$spec" ||
    fail "experiments/quick.ron no longer has the fields this script edits (name, steps, seeds: Count(n))"
"$KNOWHOW" validate "$spec" >/dev/null || fail "the small spec $spec is not valid"

# ---- Train it in the container (results folder mounted from the host) and on the host. ----
rm -rf "$WORK/container" "$WORK/host" "$WORK/compare"
mkdir -p "$WORK/container/reports" "$WORK/host"
step "train in the container"
# The image's documented use: reports/ is the mount and the default output folder is reports/<spec name>.
docker run --rm --network none --user "$(id -u):$(id -g)" \
    -v "$WORK/container/reports:/knowhow/reports" -v "$WORK/spec:/knowhow/spec:ro" \
    "$IMAGE" run spec/container-check.ron || fail "training in the container failed"
step "train on the host"
(cd "$WORK/host" && "$KNOWHOW" run "$spec") || fail "training on the host failed"

# ---- The same bits? Every file of runs/ and summary.csv (and aggregate.csv, comparisons.csv, spec.ron). ----
step "compare the results folders"
in_container="$WORK/container/reports/container-check"
on_host="$WORK/host/reports/container-check"
[[ -f $in_container/summary.csv ]] || fail "the container wrote no $in_container/summary.csv (mount not written?)"
(cd "$in_container" && find runs -type f | sort) >"$WORK/files.container"
(cd "$on_host" && find runs -type f | sort) >"$WORK/files.host"
diff -u "$WORK/files.host" "$WORK/files.container" >&2 || fail "the two results folders hold different files"

# Masks the timing fields: JSON lines `"field": value` and CSV columns named like them.
mask() {
    case "$1" in
        *.json) sed -E "s/^([[:space:]]*\"($TIMING_FIELDS)\":).*\$/\\1 <masked>/" "$1" ;;
        *.csv) awk -F, -v OFS=, -v fields="^($TIMING_FIELDS)\$" '
                NR == 1 { for (i = 1; i <= NF; i++) if ($i ~ fields) masked[i] = 1 }
                NR > 1 { for (i in masked) $i = "<masked>" }
                { print }' "$1" ;;
        *) cat "$1" ;;
    esac
}
identical=0
masked=0
different=0
while read -r file; do
    if cmp -s "$on_host/$file" "$in_container/$file"; then
        identical=$((identical + 1))
    else
        mkdir -p "$(dirname "$WORK/compare/host/$file")" "$(dirname "$WORK/compare/container/$file")"
        mask "$on_host/$file" >"$WORK/compare/host/$file"
        mask "$in_container/$file" >"$WORK/compare/container/$file"
        if cmp -s "$WORK/compare/host/$file" "$WORK/compare/container/$file"; then
            masked=$((masked + 1))
        else
            different=$((different + 1))
            echo "differs beyond timing fields: $file" >&2
            diff -u "$WORK/compare/host/$file" "$WORK/compare/container/$file" | head -n 20 >&2 || true
        fi
    fi
done < <(cat "$WORK/files.host"; printf '%s\n' summary.csv aggregate.csv comparisons.csv spec.ron)
total=$((identical + masked + different))
echo "$total files: $identical byte-identical, $masked identical once $TIMING_FIELDS are masked, $different different"
# Which masked fields did differ (cores is the one that would say the container sees another machine).
manifest=$(head -n 1 "$WORK/files.host" | sed 's,/[^/]*$,/manifest.json,')
field() { sed -nE "s/^[[:space:]]*\"$1\": *\"?([^\",]*)\"?,?\$/\\1/p" "$2"; }
for name in cores wall_secs steps_per_sec finished_at; do
    printf '  %-14s host %-28s container %s\n' "$name" "$(field "$name" "$on_host/$manifest")" \
        "$(field "$name" "$in_container/$manifest")"
done
((different == 0)) || fail "$different files differ between the container's and the host's results (beyond timing)"
echo "same bits: the container and the host wrote the same results"

# ---- Sizes. ----
step "image sizes"
size() { numfmt --to=iec-i --suffix=B "$(docker image inspect -f '{{.Size}}' "$1")"; }
echo "  $IMAGE: $(size "$IMAGE") (base $BASE_IMAGE: $(size "$BASE_IMAGE"), binary $(numfmt --to=iec-i --suffix=B "$(stat -c %s "$KNOWHOW")"))"
echo "  docker save $IMAGE | gzip: $(numfmt --to=iec-i --suffix=B "$(docker save "$IMAGE" | gzip -c | wc -c)")"
step_done
echo "container-check: OK"
