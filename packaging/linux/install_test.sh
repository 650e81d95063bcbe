#!/usr/bin/env bash
# make installer-test: install the .deb into a temporary root and test the installed app.
#   packaging/linux/install_test.sh [dist/lantern_<version>_<arch>.deb]
# 1. dpkg-deb --info/--contents: control fields, launcher symlink, desktop entry, icons.
# 2. Install: dpkg --root=<temp root> (maintainer scripts run chrootless with DPKG_ROOT set;
#    --force-depends because the empty root has no libc6), or dpkg-deb -x where dpkg cannot.
# 3. desktop-file-validate on the installed entry, if the tool is there.
# 4. The installed app, with HOME, XDG_* and TMPDIR in a temporary folder, offscreen, as an
#    unprivileged user when run as root (so a write into /opt would fail): --version through a
#    symlink like /usr/bin/lantern, --self-test (LANTERN_HOME in the temporary folder, as in
#    make package-test), and one `lantern ask` without LANTERN_HOME whose first start must seed
#    the guideline index into $XDG_DATA_HOME/Lantern.
# 5. dpkg --root -r removes the files again (with dpkg --root only).
set -u
DEB="${1:-$(ls -t dist/lantern_*.deb 2>/dev/null | head -n 1)}"
fail() { echo "installer-test: FAILED: $*"; exit 1; }
[ -n "$DEB" ] && [ -f "$DEB" ] || fail "no .deb at '${DEB}' (run 'make installer' first)"
command -v dpkg-deb >/dev/null || fail "dpkg-deb is missing"

WORK="$(mktemp -d -t lantern-installer-test-XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
chmod 755 "$WORK"
ROOT="$WORK/root"
mkdir -p "$ROOT"
started=$(date +%s.%N)
elapsed() { awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# 1. package metadata and contents
info="$(dpkg-deb --info "$DEB")" || fail "dpkg-deb --info cannot read $DEB"
for field in Package Version Architecture Maintainer Installed-Size Depends Description; do
  grep -q "^ $field: " <<<"$info" || fail "control file has no $field field"
done
version="$(dpkg-deb --field "$DEB" Version)"
contents="$(dpkg-deb --contents "$DEB")" || fail "dpkg-deb --contents cannot list $DEB"
for path in ./opt/lantern/lantern ./usr/share/applications/lantern.desktop \
  ./usr/share/icons/hicolor/256x256/apps/lantern.png \
  ./usr/share/icons/hicolor/scalable/apps/lantern.svg ./usr/share/doc/lantern/copyright; do
  grep -q " $path\$" <<<"$contents" || fail "$path is not in the package"
done
grep -q " ./usr/bin/lantern -> /opt/lantern/lantern\$" <<<"$contents" \
  || fail "/usr/bin/lantern is not a symlink to /opt/lantern/lantern"
bad_modes="$(awk '$1 !~ /^(-rwxr-xr-x|-rw-r--r--|drwxr-xr-x|lrwxrwxrwx)$/' <<<"$contents")"
[ -z "$bad_modes" ] || fail "unexpected file modes: $(head -n 1 <<<"$bad_modes")"
if awk '{print $2}' <<<"$contents" | grep -qv '^root/root$'; then fail "files not owned by root"; fi
echo "installer-test: $(basename "$DEB"): $(wc -l <<<"$contents") entries, version $version"

# 2. install into the temporary root
installed_by=""
if command -v dpkg >/dev/null; then
  admin="$ROOT/var/lib/dpkg"
  mkdir -p "$admin/info" "$admin/updates" "$admin/triggers"
  touch "$admin/status" "$admin/available"
  if dpkg --root="$ROOT" --force-script-chrootless --force-depends --force-not-root \
      --log=/dev/null -i "$DEB" >"$WORK/dpkg.log" 2>&1; then
    installed_by="dpkg --root"
  else
    echo "installer-test: dpkg --root did not work here ($(tail -n 1 "$WORK/dpkg.log")); using dpkg-deb -x"
    rm -rf "$ROOT" && mkdir -p "$ROOT"
  fi
fi
if [ -z "$installed_by" ]; then
  dpkg-deb -x "$DEB" "$ROOT" || fail "dpkg-deb -x could not unpack $DEB"
  installed_by="dpkg-deb -x"
fi
APP="$ROOT/opt/lantern/lantern"
[ -x "$APP" ] || fail "no executable at /opt/lantern/lantern after install"
[ "$(readlink "$ROOT/usr/bin/lantern")" = /opt/lantern/lantern ] || fail "launcher symlink missing"
echo "installer-test: installed with $installed_by in $(elapsed) s"

# 3. the installed desktop entry
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "$ROOT/usr/share/applications/lantern.desktop" \
    || fail "desktop-file-validate rejects the desktop entry"
  echo "installer-test: desktop entry valid (desktop-file-validate)"
fi

# 4. the installed app, in a temporary home, offscreen, unprivileged when possible
USER_HOME="$WORK/home"
mkdir -p "$USER_HOME/tmp" "$USER_HOME/run"
chmod 700 "$USER_HOME/run"
ln -s "$APP" "$WORK/lantern"  # as /usr/bin/lantern -> /opt/lantern/lantern
as_user=()
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && id nobody >/dev/null 2>&1; then
  chown -R nobody: "$USER_HOME"
  as_user=(setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups)
fi
run_app() {
  env -i PATH=/usr/bin:/bin HOME="$USER_HOME" TMPDIR="$USER_HOME/tmp" LANG=C.UTF-8 \
    XDG_CONFIG_HOME="$USER_HOME/.config" XDG_DATA_HOME="$USER_HOME/.local/share" \
    XDG_CACHE_HOME="$USER_HOME/.cache" XDG_STATE_HOME="$USER_HOME/.local/state" \
    XDG_RUNTIME_DIR="$USER_HOME/run" QT_QPA_PLATFORM=offscreen \
    "${as_user[@]}" "$@"
}
who="$( [ ${#as_user[@]} -gt 0 ] && echo "user nobody" || echo "user $(id -un)")"
got="$(run_app "$WORK/lantern" --version 2>&1)" || fail "lantern --version: $got"
[ "$got" = "lantern ${version%%~*}" ] || [ "$got" = "lantern $version" ] \
  || fail "lantern --version says '$got', the package is $version"
echo "installer-test: $got (through a symlink, as $who)"

t0=$(date +%s.%N)
# LANTERN_HOME as in make package-test: the runtime hook seeds the prebuilt index into it (the
# self-test's own temporary folder, used when LANTERN_HOME is unset, gets no prebuilt index).
mkdir -p "$USER_HOME/self-test-home"
[ ${#as_user[@]} -gt 0 ] && chown nobody: "$USER_HOME/self-test-home"
run_app env LANTERN_HOME="$USER_HOME/self-test-home" "$APP" --self-test \
  || fail "the installed app's self-test failed"
t1=$(date +%s.%N)
echo "installer-test: self-test passed in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"

t0=$(date +%s.%N)
answer="$(run_app "$WORK/lantern" ask --json "What does Ki-67 measure?" 2>"$WORK/ask.err")" \
  || fail "lantern ask: $(tail -n 1 "$WORK/ask.err")"
t1=$(date +%s.%N)
grep -q '"citations": \[{' <<<"$answer" || grep -q '"citations":\[{' <<<"$answer" \
  || fail "lantern ask gave no citations"
[ -d "$USER_HOME/.local/share/Lantern/index" ] \
  || fail "first start did not seed the index into \$XDG_DATA_HOME/Lantern"
echo "installer-test: first 'lantern ask' in a new home answered with citations in" \
  "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s; index seeded into \$XDG_DATA_HOME/Lantern"

# 5. removal
if [ "$installed_by" = "dpkg --root" ]; then
  dpkg --root="$ROOT" --force-script-chrootless --force-depends --force-not-root \
    --log=/dev/null -r lantern >"$WORK/dpkg-remove.log" 2>&1 \
    || fail "dpkg -r: $(tail -n 1 "$WORK/dpkg-remove.log")"
  [ ! -e "$ROOT/opt/lantern" ] && [ ! -e "$ROOT/usr/bin/lantern" ] \
    || fail "files left behind after dpkg -r"
  echo "installer-test: removed cleanly with dpkg --root -r"
fi
echo "installer-test: passed (whole run $(elapsed) s)"
