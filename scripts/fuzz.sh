#!/usr/bin/env bash
# Runs each cargo-fuzz target for N seconds (default 60): the sync body decoding (wire_decode),
# the server's whole sync handler on a fresh store (sync_handler), bundle open/verify/import on
# the server (bundle_import) and on a device from a USB stick (device_bundle_import). Installs
# cargo-fuzz when it is missing; stable Rust is made to accept the nightly flags libFuzzer needs
# with RUSTC_BOOTSTRAP=1.
#
#   scripts/fuzz.sh [SECONDS] [TARGET…]
#
# The corpus grows in fuzz/corpus/<target>/ (only the committed seed-* files are kept in git);
# a crash is written to fuzz/artifacts/<target>/ and the script stops with its status.
# SANITIZER=address for AddressSanitizer (slower; the code under test is safe Rust and zstd).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(wire_decode sync_handler bundle_import device_bundle_import)
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-$PWD/target}"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  echo "== $t: $seconds s"
  cargo fuzz run -s "${SANITIZER:-none}" "$t" "corpus/$t" -- \
    -max_total_time="$seconds" -rss_limit_mb=4096 -print_final_stats=1 2>&1 \
    | grep -E '^(#[0-9]+.*(DONE|pulse|NEW)|stat::(number_of_executed_units|peak_rss_mb|new_units_added)|==|SUMMARY|panicked|thread .* panicked|Test unit written)' \
    | grep -vE 'NEW' | tail -n 20
  [ "${PIPESTATUS[0]}" -eq 0 ] || { echo "$t: failed (see fuzz/artifacts/$t/)" >&2; exit 1; }
done
