#!/usr/bin/env bash
# @file tests/tools/test_install.sh
# @brief ctest install.find_package_consumer: installs the build into a
# temporary prefix (cmake --install), checks the layout, then configures,
# builds and runs tests/install — an out-of-tree project that defines a new
# obstacle problem in C++ through find_package(ObstaclePinn) and
# ObstaclePinn::pinn — which exits 0 when its relative L2 error is below 2e-2;
# and checks that README's C++ API example is that program, and that the
# Python module (where built) imports from the prefix.
#
# Usage: test_install.sh CMAKE_COMMAND BUILD_DIR SOURCE_DIR CXX_COMPILER [GENERATOR]
set -euo pipefail

cmake_cmd="$1"
build="$2"
src="$3"
cxx="$4"
generator="${5:-}"
work="$(mktemp -d "${TMPDIR:-/tmp}/obstacle-pinn-install-test.XXXXXX")"
trap 'rm -rf "$work"' EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
prefix="$work/prefix"

"$cmake_cmd" --install "$build" --prefix "$prefix" >"$work/install.log" 2>&1 ||
  { cat "$work/install.log" >&2; fail "cmake --install $build failed"; }
for f in include/obstacle-pinn/nn/mlp.hpp include/obstacle-pinn/nn/detail/jet_kernel.hpp \
  include/obstacle-pinn/solver/case_config.hpp include/obstacle-pinn/solver/obstacle_solver.hpp \
  bin/obstacle-pinn; do
  [ -e "$prefix/$f" ] || fail "not installed: $f"
done
for name in nn physics solver; do
  ls "$prefix"/lib*/libpinn_$name.* >/dev/null 2>&1 || fail "not installed: libpinn_$name"
done
ls "$prefix"/lib*/cmake/ObstaclePinn/ObstaclePinnConfig.cmake "$prefix"/lib*/cmake/ObstaclePinn/ObstaclePinnConfigVersion.cmake \
  "$prefix"/lib*/cmake/ObstaclePinn/ObstaclePinnTargets.cmake >/dev/null || fail "the CMake package is incomplete"
"$prefix/bin/obstacle-pinn" validate "$src/cases/obstacle1d.toml" >/dev/null ||
  fail "the installed obstacle-pinn does not run"
# The Python module, where the build has one: installed beside the package, importable from there.
if [ -d "$build/python/obstacle_pinn" ]; then
  site=$(ls -d "$prefix"/lib*/python3*/site-packages 2>/dev/null | head -n 1)
  [ -n "$site" ] && [ -f "$site/obstacle_pinn/__init__.py" ] || fail "the Python module is not installed"
  (cd "$work" && PYTHONPATH="$site" /usr/bin/python3 -c \
    "import obstacle_pinn as op; print(op.load('obstacle1d').validate().name)") >"$work/python.log" 2>&1 ||
    { cat "$work/python.log" >&2; fail "the installed Python module does not import and read a case"; }
fi

args=(-S "$src/tests/install" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix"
  -DCMAKE_CXX_COMPILER="$cxx")
[ -n "$generator" ] && args+=(-G "$generator")
# A clean environment: only the prefix tells CMake where obstacle-pinn (and, through
# its package, Kokkos) is.
env -u Kokkos_ROOT -u Kokkos_DIR "$cmake_cmd" "${args[@]}" >"$work/configure.log" 2>&1 ||
  { cat "$work/configure.log" >&2; fail "configuring tests/install against the installed package failed"; }
"$cmake_cmd" --build "$work/build" -j"$(nproc)" >"$work/build.log" 2>&1 ||
  { cat "$work/build.log" >&2; fail "building tests/install failed"; }
if grep -i "warning" "$work/build.log"; then
  fail "tests/install does not build warnings-clean against the installed headers"
fi
"$work/build/flat_support" "$work/out" || fail "flat_support did not reach a relative L2 error below 2e-2"
for f in summary.json solution.vtu; do [ -f "$work/out/$f" ] || fail "flat_support wrote no $f"; done
# The README shows this very program as its C++ API example.
awk '/^### C\+\+ API/ {api = 1} api && /^```cpp$/ {code = 1; next} code && /^```$/ {exit} code {print}' \
  "$src/README.md" >"$work/readme_example.cpp"
diff -u "$src/tests/install/flat_support.cpp" "$work/readme_example.cpp" >&2 ||
  fail "the C++ example in README.md (### C++ API) differs from tests/install/flat_support.cpp"
echo "installed package used from an out-of-tree project: ok"
