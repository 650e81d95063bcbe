#!/usr/bin/env bash
# make package-test: run the built bundle's self-test in a temporary home, offscreen.
set -u
BUNDLE="${1:-dist/lantern/lantern}"
if [ ! -x "$BUNDLE" ]; then
  echo "package-test: FAILED: no bundle at $BUNDLE (run 'make package' first)"
  exit 1
fi
HOME_DIR="$(mktemp -d -t lantern-package-test-XXXXXX)"
trap 'rm -rf "$HOME_DIR"' EXIT
start=$(date +%s.%N)
env -u DISPLAY -u WAYLAND_DISPLAY LANTERN_HOME="$HOME_DIR" QT_QPA_PLATFORM=offscreen \
  "$BUNDLE" --self-test
code=$?
end=$(date +%s.%N)
total=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
if [ "$code" -eq 0 ]; then
  echo "package-test: passed (whole run ${total} s; first start in a new home, prebuilt index)"
else
  echo "package-test: FAILED with exit code $code (whole run ${total} s)"
fi
exit "$code"
