#!/usr/bin/env bash
# Quick start: installs what is missing, builds, and opens the school on its embedded default
# (a SQLite file in the user's data folder).
#
# With a display: builds the front end (ui/) and the desktop app (src-tauri/) and starts it;
# on first start the app offers the demo school. With no display: says so, and shows the school
# through the command line instead (creating the demo school on first start) and makes PDFs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

db="${ZHURNAL_DB:-${XDG_DATA_HOME:-$HOME/.local/share}/zhurnal/zhurnal.sqlite3}"
mkdir -p "$(dirname "$db")"

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    echo "Собираю программу для учителя (первая сборка занимает несколько минут)…"
    (cd ui && npm install --no-audit --no-fund && npm run build)
    cargo build --locked -p zhurnal-app
    echo "Открываю журнал: $db"
    exec "${CARGO_TARGET_DIR:-target}/debug/zhurnal-app" --db "$db"
fi

cargo build --locked --release --bin zhurnal
zhurnal="${CARGO_TARGET_DIR:-target}/release/zhurnal"
if [ ! -s "$db" ]; then
    echo "Первый запуск: создаю демонстрационную школу в $db"
    "$zhurnal" demo --db "$db"
fi

echo "Нет дисплея: программа для учителя открывается в окне, поэтому показываю школу через командную строку."
echo
"$zhurnal" stats --db "$db"
echo
pdfs="$(dirname "$db")/pdf"
mkdir -p "$pdfs"
"$zhurnal" report class-results --db "$db" --class 7Б --period Q1 --out "$pdfs/itogi-7B-Q1.pdf"
"$zhurnal" report class-results --db "$db" --class 10А --period H1 --out "$pdfs/itogi-10A-H1.pdf"
echo
echo "Дальше:"
echo "  $zhurnal dump --db $db --class 7Б --subject Алгебра --format json"
echo "  $zhurnal mark --db $db --class 7Б --subject Алгебра --date 2025-09-03 --student \"Фамилия Имя\" --value 5"
echo "  $zhurnal report class-results --db $db --class 7Б --period Q2 --out itogi.pdf"
echo "  $zhurnal --help"
