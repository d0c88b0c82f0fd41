#!/usr/bin/env bash
# End-to-end stories of the real app: the debug build of src-tauri with the built ui/dist,
# driven through tauri-driver and Debian's WebKitWebDriver under Xvfb by the Rust WebDriver
# client fantoccini (the stories: src-tauri/tests/e2e.rs; their harness: src-tauri/e2e).
# Builds the UI and the app (nothing to do after scripts/test.sh's build stage), installs
# tauri-driver, starts a display of its own (Xvfb) and tauri-driver, runs the stories, and on
# every exit path stops tauri-driver with SIGTERM (never SIGKILL: it must take WebKitWebDriver
# and the app with it) and then Xvfb.
#
#   scripts/e2e.sh                 # all stories
#   scripts/e2e.sh quarterly       # the stories whose name contains "quarterly"
#   E2E_USE_DISPLAY=1 scripts/e2e.sh   # on the current $DISPLAY instead of a private Xvfb
#   scripts/e2e.sh --example screenshots docs/images   # an example of src-tauri/e2e instead
#                                                     # (screenshots; bench_app: scripts/bench-app.sh)
#
# Needs what scripts/setup.sh installs (xvfb, webkit2gtk-driver, the WebKitGTK headers), node
# and npm for the UI, and network access to crates.io the first time (tauri-driver).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"

for tool in Xvfb WebKitWebDriver npm; do
    command -v "$tool" >/dev/null || {
        echo "e2e: $tool is missing; run scripts/setup.sh (and install node/npm)" >&2
        exit 1
    }
done

# The UI the app embeds (scripts/test.sh has just built it and says so: building it again would
# give ui/dist new times and make cargo rebuild the app). `npm install`, not `npm ci`: see
# scripts/test.sh.
if [ -z "${ZHURNAL_UI_BUILT:-}" ]; then
    (cd ui && npm install --no-audit --no-fund --silent && npm run build --silent >/dev/null)
fi
scripts/install-tauri-driver.sh
driver="$root/target/tools/bin/tauri-driver"

# The app binary and the stories, with the dependency features of the whole workspace's test
# build: after scripts/test.sh's build stage there is nothing left to compile here.
example=""
if [ "${1:-}" = "--example" ]; then
    example="${2:?e2e: --example needs a name}"
    shift 2
    # An example as the executable it is (`cargo test --example` would build its tests
    # instead); the workspace's features, so the dependencies of the test build are reused.
    cargo test --workspace --locked --test e2e --no-run
    cargo build --workspace --locked --example "$example"
    example_bin="$CARGO_TARGET_DIR/debug/examples/$example"
    [ -x "$example_bin" ] || { echo "e2e: the example $example was not built" >&2; exit 1; }
else
    cargo test --workspace --locked --test e2e --no-run
fi
app="$CARGO_TARGET_DIR/debug/zhurnal-app"

work="$(mktemp -d "${TMPDIR:-/tmp}/zhurnal-e2e.XXXXXX")"
driver_pid=""
xvfb_pid=""
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [ -n "$driver_pid" ]; then
        # SIGTERM only: tauri-driver then ends WebKitWebDriver, which ends the app.
        kill -TERM "$driver_pid" 2>/dev/null || true
        wait "$driver_pid" 2>/dev/null || true
    fi
    # An app whose session was never closed (a story that crashed its test process): it runs
    # on a school file under $work; stop it, with SIGTERM too.
    local left
    left="$(pgrep -f -- "--db $work/" || true)"
    if [ -n "$left" ]; then
        kill -TERM $left 2>/dev/null || true
        sleep 1
    fi
    if [ -n "$xvfb_pid" ]; then
        kill -TERM "$xvfb_pid" 2>/dev/null || true
        wait "$xvfb_pid" 2>/dev/null || true
    fi
    if [ "$status" -ne 0 ] && [ -s "$work/tauri-driver.log" ]; then
        echo "e2e: the last lines of tauri-driver's log:" >&2
        tail -n 30 "$work/tauri-driver.log" >&2
    fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -z "${E2E_USE_DISPLAY:-}" ]; then
    # A display of our own, never the user's: Xvfb picks a free number and writes it to fd 3.
    Xvfb -displayfd 3 -screen 0 1366x800x24 -nolisten tcp 3>"$work/display" 2>"$work/xvfb.log" &
    xvfb_pid=$!
    for _ in $(seq 100); do
        [ -s "$work/display" ] && break
        kill -0 "$xvfb_pid" 2>/dev/null || { cat "$work/xvfb.log" >&2; exit 1; }
        sleep 0.1
    done
    [ -s "$work/display" ] || { echo "e2e: Xvfb did not start" >&2; exit 1; }
    export DISPLAY=":$(head -n1 "$work/display")"
fi
# No accessibility bus in a bare session: keeps WebKitGTK from waiting for one.
export NO_AT_BRIDGE=1
# Software rendering: Xvfb has no GPU, and WebKitGTK's DMA-BUF renderer fails without one.
# The benchmark measures the app as a user starts it (E2E_WEBKIT_AS_USER=1): nothing set here.
if [ -z "${E2E_WEBKIT_AS_USER:-}" ]; then
    export WEBKIT_DISABLE_DMABUF_RENDERER=1 LIBGL_ALWAYS_SOFTWARE=1
fi

# A printer that keeps its jobs: the stories print without paper, and never to a printer of the
# machine running them. Each job's arguments are a line of $ZHURNAL_E2E_PRINTED.
mkdir -p "$work/bin"
cat >"$work/bin/lp" <<'LP'
#!/bin/sh
printf '%s\n' "$*" >>"$ZHURNAL_E2E_PRINTED"
echo "request id is zhurnal-e2e (1 file(s))"
LP
chmod +x "$work/bin/lp"
export ZHURNAL_E2E_PRINTED="$work/printed" PATH="$work/bin:$PATH"

# tauri-driver cannot listen on port 0 and report the port, so take a random free one.
free_port() {
    local p
    while :; do
        p=$((20000 + RANDOM % 40000))
        (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
    done
}
port="$(free_port)"
native="$(free_port)"
while [ "$native" = "$port" ]; do native="$(free_port)"; done
"$driver" --port "$port" --native-port "$native" --native-driver /usr/bin/WebKitWebDriver \
    >"$work/tauri-driver.log" 2>&1 &
driver_pid=$!
for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    kill -0 "$driver_pid" 2>/dev/null || { echo "e2e: tauri-driver did not start" >&2; exit 1; }
    sleep 0.1
done

export ZHURNAL_E2E_DRIVER="http://127.0.0.1:$port" ZHURNAL_E2E_APP="$app"
# The stories' school files go under $work, so that any app left running can be told by its
# arguments and stopped.
export TMPDIR="$work"
# The window's remembered size and the web view's storage (zoom) start fresh for every run.
export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" XDG_CACHE_HOME="$work/cache"
if [ -n "$example" ]; then
    "$example_bin" "$@"
else
    cargo test --workspace --locked --test e2e -- --test-threads=1 "$@"
fi
