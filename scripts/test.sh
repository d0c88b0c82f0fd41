#!/usr/bin/env bash
# Runs every check and test: the UI's typecheck, build and Vitest; formatting; clippy with
# warnings as errors on every target; the tests of every crate and of the desktop app (unit
# tests beside the code, property tests, the integration stories, the bindings check, the app's
# commands on Tauri's mock runtime); and the app's end-to-end stories under Xvfb.
# This is the README's test command and what CI runs (.ci/run).
#
# Each stage prints `stage NAME SECONDS` as it ends, and the table of all of them comes again at
# the end (also when a stage fails: its line then ends in `failed`). The stages:
#   setup  system packages and Rust components (scripts/setup.sh), while cargo downloads crates
#   ui     npm install, typecheck, production build (what the app embeds), Vitest
#   fmt    cargo fmt --check of the whole workspace
#   build  every target of the workspace, the app and its e2e stories included, compiled once,
#          with clippy (`-D warnings`) as the compiler of our own crates: one build of the
#          dependency tree serves clippy, the tests and the e2e stories alike
#   test   the tests of the whole workspace (journal crates, CLI, server, app, bindings check)
#   driver tauri-driver, built once into target/tools (scripts/install-tauri-driver.sh)
#   e2e    the app's end-to-end stories (scripts/e2e.sh), on the binaries of the build stage
# TIMINGS=1 adds cargo's --timings to the build (target/cargo-timings/*.html: each crate's time).
set -euo pipefail
cd "$(dirname "$0")/.."

table=()
current=""
current_t=0
started=$SECONDS
stage() {
    current=$1 current_t=$SECONDS
    shift
    echo "test: stage $current" >&2
    "$@"
    table+=("stage $current $((SECONDS - current_t))")
    echo "${table[-1]}"
    current=""
}
summary() {
    local status=$?
    [ -z "$current" ] || table+=("stage $current $((SECONDS - current_t)) failed")
    echo
    echo "test: time per stage (seconds)"
    printf '%s\n' "${table[@]}"
    echo "stage total $((SECONDS - started))"
    exit "$status"
}
trap summary EXIT

# One clean build, not an edit loop: incremental caches would double the target dir on disk.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
target="${CARGO_TARGET_DIR:-$PWD/target}"
# A clean run writes about 3 GB (the target dir; the UI's packages 0.1 GB); a full disk shows up
# as the linker dying of a bus error, so say it first.
mkdir -p "$target"
free_gb=$(df -Pk "$target" | awk 'NR == 2 { printf "%d", $4 / 1048576 }')
if [ "$free_gb" -lt 4 ]; then
    echo "test: only ${free_gb} GB free on the disk of $target; a clean run writes about 3 GB" >&2
fi

setup() {
    # The crates download while apt works (both wait on the network, not on the cores).
    local fetch=""
    if command -v cargo >/dev/null; then
        cargo fetch --locked --quiet --target "$(rustc -vV | sed -n 's/^host: //p')" &
        fetch=$!
    fi
    scripts/setup.sh
    [ -z "$fetch" ] || wait "$fetch"
}
stage setup setup

# `npm install`, not `npm ci`: the registry reachable here has only this platform's optional
# native packages (rollup, esbuild), and `npm ci` refuses a lockfile without the others.
stage ui bash -c 'cd ui && npm install --no-audit --no-fund && npm run build && npm test'
export ZHURNAL_UI_BUILT=1

stage fmt cargo fmt --all --check

# clippy-driver compiles our crates for real (clippy's lints run inside the compile, on every
# target: libraries, binaries, tests, benches, examples, build scripts), so the dependencies are
# built once, in full, for everything after; `cargo clippy` would build them a second time, in
# check mode. CLIPPY_ARGS is how cargo-clippy itself passes `-- -D warnings` to the driver.
clippy_driver="$(rustc --print sysroot)/bin/clippy-driver"
[ -x "$clippy_driver" ] || { echo "test: $clippy_driver is missing: rustup component add clippy" >&2; exit 1; }
export RUSTC_WORKSPACE_WRAPPER="$clippy_driver"
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
build() {
    # What `cargo test` runs, and the examples as it builds them.
    cargo test --workspace --locked --no-run ${TIMINGS:+--timings}
    # The benches (built, not run: for their lints and so that they compile), the e2e stories
    # and the app binary they start (not part of a plain test run).
    cargo test --workspace --locked --bench '*' --test e2e --no-run ${TIMINGS:+--timings}
}
stage build build

stage test cargo test --workspace --locked

stage driver scripts/install-tauri-driver.sh

# The end-to-end stories of the real app under Xvfb (tauri-driver and WebKitWebDriver): the
# demo school, a row of marks kept over a restart, the class teacher's read-only subject, the
# quarterly copy's PDF.
stage e2e scripts/e2e.sh
