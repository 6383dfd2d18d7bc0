#!/usr/bin/env bash
# @file tests/tools/test_reliability.sh
# @brief What a hostile or careless user meets on the command line: refused
# options and files with a clear message and exit 2, a refused run that
# leaves an earlier result folder untouched, resume after SIGKILL equal to the
# uninterrupted run, and snapshots replaced together with the results.
# Usage: test_reliability.sh OBSTACLE_PINN_BINARY SOURCE_DIR
set -euo pipefail
bin="$1"
src="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
export OMP_PROC_BIND=spread OMP_PLACES=threads OMP_WAIT_POLICY=passive
case1d="$src/cases/obstacle1d.toml"

# expect_refusal TEXT ARGS...: exit 2 and TEXT in the message on stderr.
expect_refusal() {
  local text="$1"
  shift
  set +e
  "$bin" "$@" >"$work/out.log" 2>"$work/err.log"
  local code=$?
  set -e
  [ "$code" = 2 ] || { cat "$work/out.log" "$work/err.log"; fail "'$*' exited $code, expected 2"; }
  grep -qF -- "$text" "$work/err.log" || { cat "$work/err.log"; fail "'$*': message lacks '$text'"; }
}

# 1. Commands and options.
expect_refusal "unknown command 'frobnicate'; allowed: run|validate|reference|resume|list" frobnicate
expect_refusal "--seed: found '-1'; allowed: an integer in [0, 9223372036854775807]" run "$case1d" --seed -1
expect_refusal "--seed: found '99999999999999999999' (out of range)" run "$case1d" --seed 99999999999999999999
expect_refusal "--threads: found '-1'; allowed: an integer in [1, " run "$case1d" --threads -1
expect_refusal "--threads: found '1024'" run "$case1d" --threads 1024
expect_refusal "--threads: found 'two'" run "$case1d" --threads two
expect_refusal "--out: found an empty path" run "$case1d" --out ''
OMP_NUM_THREADS=1024 expect_refusal "OMP_NUM_THREADS (the default for --threads): found '1024'" run "$case1d" --out "$work/omp"
printf '[run]\nthreads = 4096\n' >"$work/threads.toml"
cat "$case1d" "$work/threads.toml" >"$work/many_threads.toml"
expect_refusal "many_threads.toml:$(($(wc -l <"$case1d") + 2)):11: run.threads: found 4096" validate "$work/many_threads.toml"

# 2. Files that are not case files.
expect_refusal "$work: is a folder" validate "$work"
expect_refusal "/dev/null: is not a regular file" validate /dev/null
: >"$work/empty.toml"
expect_refusal "empty.toml:1:1: the file is empty" validate "$work/empty.toml"
printf '[network]\nhidden = [8]\n' >"$work/no_problem.toml"
expect_refusal "no_problem.toml:1:1: the [problem] section is missing" validate "$work/no_problem.toml"

# 3. --set values are blamed on --set, quoted.
expect_refusal "--set 'a.b.c.d=1': unknown key 'a'" validate "$case1d" --set a.b.c.d=1
expect_refusal "--set 'problem.domain.min=2': problem.domain" validate "$case1d" --set problem.domain.min=2

# 4. validate refuses what run refuses, with the key's location.
expect_refusal "problem.exact: \"acosh(0)\" is " validate "$case1d" --set 'problem.exact="acosh(0)"'
expect_refusal "problem.source: \"ln(x)\" is -inf at (0)" validate "$case1d" --set 'problem.source="ln(x)"'
expect_refusal "problem.upper_obstacle is below problem.obstacle" validate "$case1d" \
  --set 'problem.obstacle="x>0.3&&x<0.7?0.5:-0.3"' --set 'problem.upper_obstacle="0.3"'
expect_refusal "output.evaluation_points: found 100000 per dimension" validate "$src/cases/radial2d.toml" \
  --set output.evaluation_points=100000
expect_refusal "reference.cells: found 100000 cells per dimension" validate "$src/cases/step41.toml" \
  --set reference.cells=100000
expect_refusal "--cells: found 100000 cells per dimension" reference "$src/cases/step41.toml" --cells 100000 --out "$work/ref"
expect_refusal "assigns with '='" validate "$case1d" --set 'problem.source="x=y"'
expect_refusal "gives 3 comma-separated results" validate "$case1d" --set 'problem.source="1,2,3"'
expect_refusal "a malformed or incomplete expression" validate "$case1d" --set 'problem.exact="x++"'
expect_refusal "interval domain: found min = 0, max = 4.94066e-324" validate "$case1d" --set problem.domain.max=5e-324
deep="$(printf '(%.0s' $(seq 1 51))x$(printf ')%.0s' $(seq 1 51))"
expect_refusal "expression nested 51 parentheses deep; allowed: at most 50" validate "$case1d" --set "problem.source=\"$deep\""
long_sum="$(printf 'x+%.0s' $(seq 1 1100))x"
expect_refusal "expression of 2201 characters; allowed: at most 2000" validate "$case1d" --set "problem.source=\"$long_sum\""
[ ! -e "$work/ref" ] || fail "a refused reference run wrote output"

# 5. A refused run changes nothing in an earlier result folder, which still resumes.
short=(--set stage.0.iterations=60 --set stage.1.iterations=0 --set output.log_every=20 --quiet)
"$bin" run "$case1d" --out "$work/prev" "${short[@]}" >/dev/null
(cd "$work/prev" && sha256sum * >"$work/prev.sha")
expect_refusal "problem.exact" run "$case1d" --out "$work/prev" "${short[@]}" --set 'problem.exact="acosh(0)"'
expect_refusal "--threads" run "$case1d" --out "$work/prev" "${short[@]}" --threads 100000
(cd "$work/prev" && sha256sum -c --quiet "$work/prev.sha") || fail "a refused run changed the earlier results"
[ "$(ls "$work/prev" | wc -l)" = "$(wc -l <"$work/prev.sha")" ] || fail "a refused run added files: $(ls "$work/prev")"
"$bin" resume "$work/prev" --quiet >/dev/null || fail "the earlier folder no longer resumes"

# 6. resume names the missing file.
mkdir "$work/early"
cp "$work/prev/case.toml" "$work/early/"
expect_refusal "checkpoint.bin is missing: the run stopped before its first checkpoint" resume "$work/early"
mkdir "$work/blank"
expect_refusal "case.toml is missing" resume "$work/blank"
expect_refusal "no such folder" resume "$work/missing"

# 7. SIGKILL at some moment after the first checkpoint, then resume: the same
# result as the uninterrupted run, digit for digit.
long=(--set stage.0.iterations=3000 --set stage.1.iterations=0 --set output.log_every=10 --threads 1 --quiet)
"$bin" run "$case1d" --out "$work/whole" "${long[@]}" >/dev/null
"$bin" run "$case1d" --out "$work/killed" "${long[@]}" >/dev/null &
pid=$!
for _ in $(seq 1 400); do
  [ -s "$work/killed/checkpoint.bin" ] && break
  sleep 0.01
done
sleep 0.2
kill -KILL "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
! ls "$work/killed" | grep -q '\.tmp\.' || echo "note: the kill left a temporary file (removed by nothing; harmless)"
"$bin" resume "$work/killed" --quiet >/dev/null || fail "resume after SIGKILL failed"
metrics() { grep -E '"(rel_l2|max_abs|rel_h1|max_violation)"' "$1/summary.json"; }
[ "$(metrics "$work/whole")" = "$(metrics "$work/killed")" ] ||
  { metrics "$work/whole"; metrics "$work/killed"; fail "resume after SIGKILL differs from the uninterrupted run"; }

# 8. Snapshots are replaced together with the results.
"$bin" run "$case1d" --out "$work/snap" "${short[@]}" --set output.snapshots=3 >/dev/null
[ -s "$work/snap/training.pvd" ] && [ -s "$work/snap/snapshots/solution_0.vtu" ] || fail "no snapshot series"
[ ! -e "$work/snap/snapshots.partial" ] || fail "snapshots.partial left after a complete run"
for f in $(grep -o 'file="[^"]*"' "$work/snap/training.pvd" | cut -d'"' -f2); do
  [ -s "$work/snap/$f" ] || fail "training.pvd lists $f, which is missing"
done
echo "reliability: all checks passed"
