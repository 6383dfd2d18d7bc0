#!/usr/bin/env bash
# @file tests/tools/test_setup_options.sh
# @brief tools/setup's options: unknown options, missing values and unknown
# build types are refused with exit code 2 before anything is installed or
# built; --help prints the usage with exit code 0.
# Usage: test_setup_options.sh SOURCE_DIR
set -euo pipefail
setup="$1/tools/setup"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# refused ARGS... EXPECTED_MESSAGE: exit code 2, the message on stderr, no build folder made.
refused() {
  local expected="${*: -1}" args=("${@:1:$#-1}") code
  set +e
  (cd "$work" && PINN_BUILD_DIR="$work/build" "$setup" "${args[@]}") >"$work/out" 2>"$work/err"
  code=$?
  set -e
  [ "$code" = 2 ] || { cat "$work/err"; fail "tools/setup ${args[*]} exited $code, expected 2"; }
  grep -qF -- "$expected" "$work/err" || { cat "$work/err"; fail "tools/setup ${args[*]}: no '$expected'"; }
  grep -q "^usage: tools/setup" "$work/err" || fail "tools/setup ${args[*]}: no usage line"
  [ ! -e "$work/build" ] || fail "tools/setup ${args[*]} created the build folder"
}

refused --bogus "unknown option '--bogus'"
refused extra "unknown option 'extra'"
refused --build-dir "--build-dir needs a value"
refused --build-dir "" "--build-dir needs a value"
refused --build-dir --build-type Debug "--build-dir needs a value"
refused --build-dir= "--build-dir needs a value"
refused --build-type "--build-type needs a value"
refused --build-type Fastest "build type 'Fastest'"
refused --build-type=debug "build type 'debug'"

set +e
(cd "$work" && PINN_BUILD_DIR="$work/build" PINN_BUILD_TYPE=Fastest "$setup") >/dev/null 2>"$work/err"
code=$?
set -e
[ "$code" = 2 ] || fail "PINN_BUILD_TYPE=Fastest exited $code, expected 2"
grep -qF "build type 'Fastest'" "$work/err" || { cat "$work/err"; fail "PINN_BUILD_TYPE=Fastest: no message"; }

"$setup" --help >"$work/help" 2>&1 || fail "--help exited $?"
for option in "--build-dir DIR" "--build-type TYPE" PINN_BUILD_DIR PINN_BUILD_TYPE PINN_SANITIZE setup-build.log; do
  grep -qF -- "$option" "$work/help" || fail "--help does not mention $option"
done
echo "tools/setup options: ok"
