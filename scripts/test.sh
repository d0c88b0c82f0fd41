#!/usr/bin/env bash
# Runs every check and test: formatting, clippy with warnings as errors, and the tests of all
# crates (unit tests beside the code, property tests, the integration stories in tests/).
# This is the README's test command and what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
