#!/usr/bin/env bash
# Installs what the project needs and this machine lacks: Debian packages (listed in
# scripts/apt-packages.txt, one per line, '#' comments) and the Rust components used by the
# checks. Idempotent and quiet when everything is there. Run as root or with sudo.
# Extra package lists may be given as arguments (e.g. scripts/apt-packages-bench.txt for the
# report benchmark); they are installed together with the project's own list.
set -euo pipefail
lists=()
for list in "$@"; do
    [ -f "$list" ] || { echo "setup: no package list $list" >&2; exit 1; }
    lists+=("$(cd "$(dirname "$list")" && pwd)/$(basename "$list")")
done
cd "$(dirname "$0")/.."

need=()
for list in scripts/apt-packages.txt "${lists[@]}"; do
    while read -r pkg _; do
        [ -z "$pkg" ] && continue
        case "$pkg" in \#*) continue ;; esac
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
    done < "$list"
done

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
