#!/usr/bin/env bash
# End-to-end stories of the real app: the release-like debug build of src-tauri with the built
# ui/dist, driven through tauri-driver and Debian's WebKitWebDriver under Xvfb by the Rust
# WebDriver client fantoccini (src-tauri/e2e). Starts Xvfb and tauri-driver, runs the stories,
# and stops tauri-driver with SIGTERM (never SIGKILL: it must stop the app and the driver).
#
# Needs: scripts/setup.sh (xvfb, webkit2gtk-driver, the WebKitGTK headers), ui/dist built
# (npm run build in ui/), and tauri-driver (scripts/install-tauri-driver.sh; done here).
set -euo pipefail
cd "$(dirname "$0")/.."
# The app is its own workspace with its own target dir (APP_TARGET_DIR to share a warm one).
export CARGO_TARGET_DIR="${APP_TARGET_DIR:-$PWD/src-tauri/target}"

if [ ! -f ui/dist/index.html ]; then
    echo "e2e: ui/dist is not built; run: (cd ui && npm ci && npm run build)" >&2
    exit 1
fi
scripts/install-tauri-driver.sh
driver="$PWD/target/tools/bin/tauri-driver"

cargo build --manifest-path src-tauri/Cargo.toml --locked -p zhurnal-app
app="$CARGO_TARGET_DIR/debug/zhurnal-app"
cargo test --manifest-path src-tauri/Cargo.toml --locked -p zhurnal-e2e --no-run

# tauri-driver cannot listen on port 0 and tell us the port, so take a random free one.
free_port() {
    local p
    while :; do
        p=$((20000 + RANDOM % 40000))
        (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
    done
}

pids=()
cleanup() {
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT

if [ -z "${E2E_USE_DISPLAY:-}" ]; then
    # A display of our own, never the user's.
    display=""
    for n in $(seq 90 140); do
        if [ ! -e "/tmp/.X11-unix/X$n" ] && [ ! -e "/tmp/.X$n-lock" ]; then display=":$n"; break; fi
    done
    [ -n "$display" ] || { echo "e2e: no free X display number" >&2; exit 1; }
    Xvfb "$display" -screen 0 1366x800x24 -nolisten tcp >/dev/null 2>&1 &
    pids+=($!)
    export DISPLAY="$display"
    for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X${display#:}" ] && break; sleep 0.1; done
fi
# No accessibility bus in a bare session: keeps WebKitGTK from waiting for one.
export NO_AT_BRIDGE=1

port="$(free_port)"
native="$(free_port)"
"$driver" --port "$port" --native-port "$native" --native-driver /usr/bin/WebKitWebDriver \
    >"$CARGO_TARGET_DIR/tauri-driver.log" 2>&1 &
pids=("$!" "${pids[@]}")
for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
done

ZHURNAL_E2E_DRIVER="http://127.0.0.1:$port" ZHURNAL_E2E_APP="$app" \
    cargo test --manifest-path src-tauri/Cargo.toml --locked -p zhurnal-e2e -- --test-threads=1 "$@"
