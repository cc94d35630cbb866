#!/usr/bin/env bash
# Wrap dist/MalariaScope.app (made by `python packaging/build.py` on macOS) in a compressed disk
# image with a link to /Applications, then mount the image read-only and smoke-test the app
# from it, as a user would run it.
#
#   bash packaging/macos/make_dmg.sh   ->  dist/MalariaScope-<version>-macos-<arch>.dmg
#
# The version comes from MALARIASCOPE_VERSION, else from malariascope/__init__.py.
# The app is ad-hoc signed by PyInstaller, not notarized: see packaging/README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."

APP=dist/MalariaScope.app
if [ ! -d "$APP" ]; then
  echo "make_dmg.sh: no $APP; run python packaging/build.py first" >&2
  exit 1
fi
VERSION=${MALARIASCOPE_VERSION:-$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' malariascope/__init__.py)}
DMG="dist/MalariaScope-${VERSION}-macos-$(uname -m).dmg"
STAGE=$(mktemp -d)
MOUNT=$(mktemp -d)
cleanup() {
  hdiutil detach "$MOUNT" -quiet 2>/dev/null || true
  rm -rf "$STAGE"
}
trap cleanup EXIT

ditto "$APP" "$STAGE/MalariaScope.app"  # ditto keeps the bundle's symlinks and signatures
ln -s /Applications "$STAGE/Applications"
rm -f "$DMG"
hdiutil create -volname "MalariaScope $VERSION" -srcfolder "$STAGE" -format UDZO -ov "$DMG"

echo "smoke test from the mounted image"
hdiutil attach "$DMG" -nobrowse -readonly -mountpoint "$MOUNT" -quiet
BIN="$MOUNT/MalariaScope.app/Contents/MacOS"
"$BIN/malariascope-cli" --version
QT_QPA_PLATFORM=offscreen "$BIN/MalariaScope" gui --smoke-test
echo "wrote $DMG ($(du -h "$DMG" | cut -f1))"
