# knowhow in a container, so that the whole team runs the same binary on the same userland.
#
#   docker build -t knowhow .                      # toolchain stage builds knowhow, the runtime stage ships it
#   docker run --rm --user "$(id -u):$(id -g)" -v "$PWD/reports:/knowhow/reports" knowhow run experiments/quick.ron
#
# Without a registry (air-gapped machines, CI without pulls), build the runtime stage around a binary built on the
# host instead (`cargo build --release --locked` first; the host's glibc must not be newer than the runtime image's):
#
#   docker build --target runtime-from-host -t knowhow .
#   docker build --target runtime-from-host --build-arg RUNTIME_IMAGE=my-local-bookworm \
#       --build-arg HOST_BINARY=target/release/knowhow -t knowhow .
#
# Only plain Dockerfile instructions (no `RUN --mount`), so both BuildKit and the classic builder build it. The
# stages are ordered so that `--target runtime-from-host` never needs BUILD_IMAGE: the classic builder runs every
# stage above the target, BuildKit only those the target uses.
#
# scripts/container-check.sh builds runtime-from-host on a locally made Debian base, trains a small spec in the
# container and on the host, and checks that both wrote the same bits.

# The Rust toolchain comes from the official `rust` image (or rustup), not from Debian: bookworm's own cargo/rustc
# (1.63) is far older than knowhow needs (it uses Rust 1.95 features). Keep the build image's Debian release the same
# as the runtime image's (bookworm here; the pair rust:1.95-slim-trixie + debian:trixie-slim works too), since the
# binary links against the build image's glibc and libstdc++.
ARG BUILD_IMAGE=rust:1.95-slim-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

# ---- What both runtime images share: the spec files, and a work folder whose reports/ is meant to be a mount. ----
FROM ${RUNTIME_IMAGE} AS runtime-base
# Nothing to install: the binary needs only libc6, libgcc-s1 and libstdc++6 (Box2D is C++), which every Debian
# base with apt already has (apt is written in C++). The report's HTML template is compiled into the binary
# (include_str! in src/report/page.rs), so no templates/ folder is needed at run time.
WORKDIR /knowhow
COPY experiments/ /knowhow/experiments/
ENTRYPOINT ["knowhow"]
CMD ["--help"]

# ---- Runtime around a binary built on the host (no registry needed for the toolchain image). ----
FROM runtime-base AS runtime-from-host
# A path inside the build context; .dockerignore lets target/release/knowhow through and nothing else of target/.
ARG HOST_BINARY=target/release/knowhow
COPY ${HOST_BINARY} /usr/local/bin/knowhow
# Fails the build here, not at the first run, if the base lacks a library the binary links against.
RUN ["knowhow", "--version"]

# ---- Build stage: the Rust toolchain builds knowhow in release mode from the locked dependency versions. ----
FROM ${BUILD_IMAGE} AS build
# g++ compiles the vendored Box2D (crates/box2d); git lets build.rs record the commit in every run's manifest
# (.git is part of the context for that; without it the manifests say "unknown").
RUN apt-get update \
    && apt-get install -y --no-install-recommends g++ git \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first, in a layer of their own, so that editing knowhow's source does not download them again.
COPY Cargo.toml Cargo.lock ./
COPY crates/box2d/Cargo.toml crates/box2d/Cargo.toml
RUN mkdir -p src crates/box2d/src \
    && echo 'fn main() {}' > src/main.rs \
    && touch crates/box2d/src/lib.rs \
    && cargo fetch --locked \
    && rm -rf src crates/box2d/src
COPY . .
RUN cargo build --release --locked \
    && install -m 0755 target/release/knowhow /usr/local/bin/knowhow

# ---- Runtime built by the toolchain stage: the default target of `docker build .`. ----
FROM runtime-base AS runtime
COPY --from=build /usr/local/bin/knowhow /usr/local/bin/knowhow
RUN ["knowhow", "--version"]
