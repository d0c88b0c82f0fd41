#!/usr/bin/env bash
# Runs every check and test: formatting, clippy with warnings as errors, and the tests of all
# crates (unit tests beside the code, property tests, the integration stories in tests/).
# This is the README's test command and what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# One clean build, not an edit loop: incremental caches would double the target dir on disk.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
# A clean run writes about 5 GB (measured: target 1.9 GB, the app's target 3.1 GB, the UI's
# packages 0.1 GB); a full disk shows up as the linker dying of a bus error, so say it first.
for dir in "${CARGO_TARGET_DIR:-$PWD/target}" "${APP_TARGET_DIR:-$PWD/src-tauri/target}"; do
    mkdir -p "$dir"
    free_gb=$(df -Pk "$dir" | awk 'NR == 2 { printf "%d", $4 / 1048576 }')
    if [ "$free_gb" -lt 6 ]; then
        echo "test: only ${free_gb} GB free on the disk of $dir; a clean run writes about 5 GB" >&2
    fi
done
# The front end (ui/): typecheck, production build (what the app embeds) and Vitest.
# `npm install`, not `npm ci`: the registry reachable here has only this platform's optional
# native packages (rollup, esbuild), and `npm ci` refuses a lockfile without the others.
(cd ui && npm install --no-audit --no-fund && npm run build && npm test)
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
# The app's view models as TypeScript (ui/src/bindings/) must match the Rust types.
cargo test -p zhurnal-service --features ts --locked --lib bindings
# The desktop app, its own workspace (src-tauri/, target dir APP_TARGET_DIR): its commands on
# Tauri's mock runtime; then the end-to-end stories of the real app under Xvfb (scripts/e2e.sh:
# tauri-driver and WebKitWebDriver; demo school, a row of marks kept over a restart, the class
# teacher's read-only subject, the quarterly copy's PDF).
(
    export CARGO_TARGET_DIR="${APP_TARGET_DIR:-$PWD/src-tauri/target}"
    cd src-tauri
    cargo fmt -p zhurnal-app -p zhurnal-e2e --check
    cargo clippy -p zhurnal-app -p zhurnal-e2e --all-targets --locked -- -D warnings
    cargo test --locked -p zhurnal-app
)
scripts/e2e.sh
