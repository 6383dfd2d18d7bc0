#!/usr/bin/env bash
# @file tests/tools/test_view.sh
# @brief ctest view.renders_1d_and_2d: trains a short 1D and a short 2D case
# (tests/tools/view1d.toml, view2d.toml), renders both with tools/view and
# checks that every picture is a real PNG of the expected size, not blank, and
# shows the contact set in red; also the state file, the exit code 2 for a
# missing folder or solution.vtu, and a time-dependent run (view1d_time.toml):
# its last level's picture and the time series' figures.
#
# Usage: test_view.sh OBSTACLE_PINN_EXECUTABLE SOURCE_DIR
# The test installs nothing: tools/test runs `tools/view --install` before
# ctest. Without ParaView, xvfb and matplotlib it fails and says so; it never
# passes without having rendered.
set -euo pipefail
export PINN_VIEW_NO_INSTALL=1

exe="$1"
src="$2"
work="$(mktemp -d "${TMPDIR:-/tmp}/obstacle-pinn-view-test.XXXXXX")"
trap 'rm -rf "$work"' EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
"$src/tools/view" --check-tools || fail "the rendering tools are missing: run tools/view --install (tools/test does)"
check_png() { python3 "$src/tests/tools/check_png.py" "$@" || fail "picture check failed: $1"; }
contact_red=214,38,41,45,40  # the colour render.py draws the contact set with, ±45, at least 40 pixels

# --- bad input: exit code 2 and a message -------------------------------------------
set +e
message="$("$src/tools/view" "$work/does-not-exist" 2>&1)"
code=$?
set -e
((code == 2)) || fail "tools/view on a missing folder exited with $code, expected 2"
grep -q "no such results folder" <<<"$message" || fail "unclear message for a missing folder: $message"
mkdir -p "$work/empty"
set +e
message="$("$src/tools/view" "$work/empty" 2>&1)"
code=$?
set -e
((code == 2)) || fail "tools/view on a folder without solution.vtu exited with $code, expected 2"
grep -q "solution.vtu not found" <<<"$message" || fail "unclear message for a missing solution.vtu: $message"

# --- two short runs ---------------------------------------------------------------
for case_name in view1d view2d; do
  "$exe" run "$src/tests/tools/$case_name.toml" --out "$work/$case_name" --threads 1 --quiet >/dev/null ||
    fail "obstacle-pinn run tests/tools/$case_name.toml failed"
  [ -f "$work/$case_name/solution.vtu" ] || fail "$case_name: no solution.vtu"
done

# --- render -------------------------------------------------------------------------
render() {
  set +e
  "$src/tools/view" "$@"
  local code=$?
  set -e
  case $code in
    0) ;;
    3) fail "tools/view could not install ParaView (pvbatch), xvfb or python3-matplotlib (see above); this test needs them and cannot pass without them" ;;
    *) fail "tools/view $* exited with $code" ;;
  esac
}
render "$work/view1d" --size 640x400 --state "$work/view1d/view.pvsm"
render "$work/view2d" --size 640x400 --out "$work/view2d/picture.png"

# --- check the pictures -------------------------------------------------------------
check_png "$work/view1d/solution.png" --size 640x400 --min-colors 16 --max-dominant 0.97 --expect-color "$contact_red"
check_png "$work/view2d/picture.png" --size 640x400 --min-colors 200 --max-dominant 0.9 --expect-color "$contact_red"
[ ! -e "$work/view2d/solution.png" ] || fail "--out was not honoured: view2d/solution.png was written"
for f in view1d/history.png view1d/profile.png view2d/history.png view2d/contact.png; do
  check_png "$work/$f" --min-size 400x300 --min-colors 16 --max-dominant 0.95
done
check_png "$work/view2d/contact.png" --min-size 400x300 --expect-color "$contact_red"

# --- the state file opens the run ------------------------------------------------
state="$work/view1d/view.pvsm"
[ -s "$state" ] || fail "no state file $state"
grep -q "<ServerManagerState" "$state" || fail "$state is not a ParaView state file"
grep -q "$work/view1d/solution.vtu" "$state" || fail "$state does not name $work/view1d/solution.vtu"
# --- a time-dependent run: the last level's picture, the time series' figures ----------
"$exe" run "$src/tests/tools/view1d_time.toml" --out "$work/view1d_time" --threads 1 --quiet >/dev/null ||
  fail "obstacle-pinn run tests/tools/view1d_time.toml failed"
render "$work/view1d_time" --size 640x400
check_png "$work/view1d_time/solution.png" --size 640x400 --min-colors 16 --max-dominant 0.97 --expect-color "$contact_red"
for f in free_boundary.png probes.png errors.png; do
  check_png "$work/view1d_time/$f" --min-size 400x300 --min-colors 16 --max-dominant 0.95
done
check_png "$work/view1d_time/free_boundary.png" --min-size 400x300 --expect-color "$contact_red"
# The same problem by the space–time method: the picture is the network over (x, t) (space_time/).
"$exe" run "$src/tests/tools/view1d_time.toml" --out "$work/view1d_space_time" --threads 1 --quiet \
  --set parabolic.method=\"space_time\" >/dev/null ||
  fail "obstacle-pinn run tests/tools/view1d_time.toml --set parabolic.method=\"space_time\" failed"
render "$work/view1d_space_time" --size 640x400
check_png "$work/view1d_space_time/solution.png" --size 640x400 --min-colors 16 --max-dominant 0.97
for f in probes.png errors.png; do
  check_png "$work/view1d_space_time/$f" --min-size 400x300 --min-colors 16 --max-dominant 0.95
done
echo "tools/view rendered 1D, 2D and time-dependent results (both methods); every picture checked"
