#!/usr/bin/env bash
# Packages the desktop app as a .deb for Debian, Ubuntu and Astra Linux (Debian-based):
# builds ui/dist and the app, then lays out the package the way the Tauri bundler's deb target
# does (binary in /usr/bin, a .desktop entry, hicolor icons, dependencies on the WebKitGTK and
# GTK runtime libraries) and writes it with dpkg-deb. Prints the package's path; checks it with
# dpkg-deb --info and --contents.
#
#   scripts/package-deb.sh            # release build (slow the first time)
#   PROFILE=dev scripts/package-deb.sh  # the test build, for checking the packaging quickly
#
# `cargo tauri build --bundles deb` makes the same package but needs tauri-cli built first
# (a second large cold build on top of the app's); dpkg-deb is already on every Debian system.
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${PROFILE:-release}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

(cd ui && npm install --no-audit --no-fund >/dev/null && npm run build >/dev/null)
if [ "$profile" = release ]; then
    cargo build --locked -p zhurnal-app --release
    bin="$CARGO_TARGET_DIR/release/zhurnal-app"
else
    cargo build --locked -p zhurnal-app --profile "$profile"
    bin="$CARGO_TARGET_DIR/debug/zhurnal-app"
fi

version="$(sed -n 's/^version = "\(.*\)"/\1/p' src-tauri/Cargo.toml | head -1)"
arch="$(dpkg --print-architecture)"
name=zhurnal
out="$CARGO_TARGET_DIR/bundle/deb"
root="$out/${name}_${version}_${arch}"
rm -rf "$root"
mkdir -p "$root/DEBIAN" "$root/usr/bin" "$root/usr/share/applications"
install -m 0755 "$bin" "$root/usr/bin/zhurnal-app"
strip --strip-debug "$root/usr/bin/zhurnal-app" 2>/dev/null || true
for size in 32x32 128x128; do
    install -D -m 0644 "src-tauri/icons/$size.png" "$root/usr/share/icons/hicolor/$size/apps/zhurnal-app.png"
done
install -D -m 0644 "src-tauri/icons/128x128@2x.png" "$root/usr/share/icons/hicolor/256x256/apps/zhurnal-app.png"
cat >"$root/usr/share/applications/zhurnal-app.desktop" <<DESKTOP
[Desktop Entry]
Type=Application
Name=Журнал
GenericName=Электронный классный журнал
Comment=Отметки, пропуски и бумажные копии классного журнала; работает без интернета
Exec=zhurnal-app
Icon=zhurnal-app
Terminal=false
Categories=Education;Office;
DESKTOP
installed_kb="$(du -sk "$root/usr" | cut -f1)"
cat >"$root/DEBIAN/control" <<CONTROL
Package: $name
Version: $version
Architecture: $arch
Maintainer: Zhurnal developers <zhurnal@localhost>
Installed-Size: $installed_kb
Depends: libwebkit2gtk-4.1-0, libgtk-3-0
Section: education
Priority: optional
Description: Журнал — электронный классный журнал, работающий без интернета
 Offline-first electronic class journal for Russian schools: marks, attendance,
 lesson topics and homework, the paper copies of the journal (quarterly copy,
 stitched year-end journal), kept in a local SQLite file.
CONTROL
deb="$out/${name}_${version}_${arch}.deb"
dpkg-deb --root-owner-group --build "$root" "$deb" >/dev/null
rm -rf "$root"
dpkg-deb --info "$deb"
dpkg-deb --contents "$deb"
echo "$deb"
