#!/usr/bin/env bash
# Quick start: installs what is missing, builds, and opens the school on its embedded default
# (a SQLite file in the user's data folder, with a demo school created on first start).
#
# The desktop app (src-tauri, ui) is not built yet; until it is, the command line is the app,
# and this script shows the school through it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build --release --bin zhurnal
zhurnal=target/release/zhurnal

db="${ZHURNAL_DB:-${XDG_DATA_HOME:-$HOME/.local/share}/zhurnal/zhurnal.sqlite3}"
mkdir -p "$(dirname "$db")"
if [ ! -s "$db" ]; then
    echo "Первый запуск: создаю демонстрационную школу в $db"
    "$zhurnal" demo --db "$db"
fi

if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    echo "Нет дисплея: показываю школу через командную строку."
else
    echo "Настольное приложение ещё в работе: показываю школу через командную строку."
fi
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
