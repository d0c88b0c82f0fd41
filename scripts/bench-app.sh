#!/usr/bin/env bash
# The app's two latencies a teacher feels, on the real app under Xvfb through tauri-driver:
# start → interactive grid, and keystroke → durable mark (src-tauri/e2e/examples/bench_app.rs).
# Prints every sample and the medians.
#
#   scripts/bench-app.sh            # 7 starts, 30 keystrokes
#   scripts/bench-app.sh 11 100     # STARTS KEYSTROKES
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/e2e.sh --example bench_app "$@"
