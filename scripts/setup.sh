#!/usr/bin/env bash
# Installs what the project needs and this machine lacks: Debian packages (listed in
# scripts/apt-packages.txt, one per line, '#' comments) and the Rust components used by the
# checks. Idempotent and quiet when everything is there. Run as root or with sudo.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
while read -r pkg _; do
    [ -z "$pkg" ] && continue
    case "$pkg" in \#*) continue ;; esac
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done < scripts/apt-packages.txt

if [ ${#need[@]} -gt 0 ]; then
    echo "setup: installing ${need[*]}"
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

if ! command -v cargo >/dev/null; then
    echo "setup: Rust (cargo) is not installed; install it with rustup first" >&2
    exit 1
fi
for component in rustfmt clippy; do
    if ! cargo "${component/rustfmt/fmt}" --version >/dev/null 2>&1; then
        rustup component add "$component"
    fi
done
