#!/usr/bin/env bash
# Installs tauri-driver (the WebDriver server for Tauri apps, used by scripts/e2e.sh) into
# tools/bin/ of the repository, from crates.io; does nothing when it is already there.
# Debian's WebKitWebDriver (package webkit2gtk-driver, in scripts/apt-packages.txt) is the
# browser driver behind it.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD/target/tools"
if [ -x "$root/bin/tauri-driver" ]; then
    exit 0
fi
echo "install-tauri-driver: cargo install tauri-driver 2.x into $root"
# A target dir of its own, so that the project's builds keep their caches. A debug build: it only
# forwards WebDriver requests, and it compiles in 22 s here instead of 42 s.
CARGO_TARGET_DIR="${TAURI_DRIVER_TARGET_DIR:-$root/target}" \
    cargo install tauri-driver --version '^2.1' --locked --root "$root" --quiet --debug
