#!/usr/bin/env bash
# A compressed disk image of Lantern.app with a link to /Applications (macOS only; hdiutil).
#   packaging/macos/make_dmg.sh [dist/Lantern.app]   ->  dist/Lantern-<version>.dmg
# Sign and notarise afterwards as packaging/INSTALLERS.md describes.
set -euo pipefail
APP="${1:-dist/Lantern.app}"
PY="${PY:-.venv/bin/python}"
[ -d "$APP" ] || { echo "make_dmg: no app at $APP (run packaging/macos/build_app.py first)"; exit 1; }
command -v hdiutil >/dev/null || { echo "make_dmg: hdiutil is missing (macOS only)"; exit 1; }
VERSION="$("$PY" -c 'import sys; sys.path.append("packaging"); import app_meta; print(app_meta.project_version().text)')"
DMG="dist/Lantern-${VERSION}.dmg"
STAGE="$(mktemp -d -t lantern-dmg)"
trap 'rm -rf "$STAGE"' EXIT
ditto "$APP" "$STAGE/$(basename "$APP")"   # ditto keeps symlinks, extended attributes, signatures
ln -s /Applications "$STAGE/Applications"
rm -f "$DMG"
hdiutil create -volname "Lantern ${VERSION}" -srcfolder "$STAGE" -fs HFS+ -format UDZO \
  -imagekey zlib-level=9 -ov "$DMG"
hdiutil verify "$DMG"
echo "make_dmg: $DMG ($(du -h "$DMG" | cut -f1))"
