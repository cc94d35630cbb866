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

# hdiutil fails now and then with "Resource busy" while Spotlight or the disk arbitration
# daemon still holds the image or the volume: try again after a pause, a few times.
with_retries() {
  local attempt output
  for attempt in 1 2 3 4 5; do
    if output=$("$@" 2>&1); then
      [ -z "$output" ] || echo "$output"
      return 0
    fi
    echo "$output" >&2
    if [[ "$output" != *"Resource busy"* ]] || [ "$attempt" = 5 ]; then
      return 1
    fi
    echo "retrying in $((attempt * 2)) s: $*" >&2
    sleep $((attempt * 2))
  done
}

main() {
  cd "$(dirname "$0")/../.."
  local app=dist/MalariaScope.app
  if [ ! -d "$app" ]; then
    echo "make_dmg.sh: no $app; run python packaging/build.py first" >&2
    exit 1
  fi
  local version=${MALARIASCOPE_VERSION:-$(python3 packaging/build.py --print-version)}
  local dmg="dist/MalariaScope-${version}-macos-$(uname -m).dmg"
  STAGE=$(mktemp -d)
  MOUNT=$(mktemp -d)
  trap 'with_retries hdiutil detach "$MOUNT" -quiet >/dev/null 2>&1 || true; rm -rf "$STAGE"' EXIT

  ditto "$app" "$STAGE/MalariaScope.app"  # ditto keeps the bundle's symlinks and signatures
  ln -s /Applications "$STAGE/Applications"
  rm -f "$dmg"
  with_retries hdiutil create -volname "MalariaScope $version" -srcfolder "$STAGE" \
    -format UDZO -ov "$dmg"

  echo "smoke test from the mounted image"
  with_retries hdiutil attach "$dmg" -nobrowse -readonly -mountpoint "$MOUNT" -quiet
  local bin="$MOUNT/MalariaScope.app/Contents/MacOS"
  "$bin/malariascope-cli" --version
  QT_QPA_PLATFORM=offscreen "$bin/MalariaScope" gui --smoke-test
  with_retries hdiutil detach "$MOUNT" -quiet
  echo "wrote $dmg ($(du -h "$dmg" | cut -f1))"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  main "$@"
fi
