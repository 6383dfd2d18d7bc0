#!/usr/bin/env bash
# @file tests/tools/test_cli.sh
# @brief The command line as a user runs it: progress lines, exit codes, bad
# input, Ctrl-C writing outputs and a checkpoint, and resume finishing the run.
# Usage: test_cli.sh OBSTACLE_PINN_BINARY SOURCE_DIR
set -euo pipefail
bin="$1"
src="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
export OMP_PROC_BIND=spread OMP_PLACES=threads OMP_WAIT_POLICY=passive

# 1. A short run prints plain progress lines (not a terminal) and the final error.
"$bin" run "$src/cases/obstacle1d.toml" --out "$work/run" --set stage.0.iterations=200 \
  --set 'stage.1.iterations=5' --set output.log_every=50 >"$work/run.log" 2>&1 || fail "run exited $?"
grep -q "\[adam 0\] iter *50/200 .*rel_l2 .*ETA" "$work/run.log" || { cat "$work/run.log"; fail "no progress line"; }
grep -q "error against the exact solution: relative L2" "$work/run.log" || fail "no final error"
for f in summary.json history.csv solution.vtu solution.vtr points.vtu case.toml checkpoint.bin; do
  [ -s "$work/run/$f" ] || fail "missing $f"
done

# 1b. Under a budget the ETA counts down to the stage's share of it, not to its iterations.
"$bin" run "$src/cases/obstacle1d.toml" --out "$work/budget" --budget 2 --set stage.0.iterations=200000 \
  --set output.log_every=500 >"$work/budget.log" 2>&1 || fail "budgeted run exited $?"
grep -q "\[adam 0\] iter .*/200000 .*ETA" "$work/budget.log" || { cat "$work/budget.log"; fail "no progress line"; }
awk '/ETA/ { for (i = 1; i < NF; ++i) if ($i == "ETA" && $(i + 1) + 0 > 2.0) bad = 1 } END { exit bad }' \
  "$work/budget.log" || { cat "$work/budget.log"; fail "an ETA beyond the 2 s budget"; }

# 2. --quiet prints only the result.
"$bin" run "$src/cases/obstacle1d.toml" --out "$work/quiet" --quiet --set stage.0.iterations=20 \
  --set 'stage.1.iterations=2' >"$work/quiet.log" 2>&1
! grep -q "iter" "$work/quiet.log" || fail "--quiet printed progress"

# 3. Bad input: exit code 2 with file:line:column, nothing written.
printf '[problem]\nname = "x"\ndomain = { type = "interval" }\nobstacle = "0.5 - x^"\n' >"$work/bad.toml"
set +e
"$bin" run "$work/bad.toml" --out "$work/bad" >"$work/bad.log" 2>&1
code=$?
set -e
[ "$code" = 2 ] || fail "bad case exited $code, expected 2"
grep -q "bad.toml:4:12: problem.obstacle" "$work/bad.log" || { cat "$work/bad.log"; fail "no location in the message"; }
[ ! -e "$work/bad" ] || fail "a rejected case wrote output"
set +e
"$bin" run "$src/cases/obstacle1d.toml" --set network.activation=relu6 >/dev/null 2>&1
code=$?
set -e
[ "$code" = 2 ] || fail "--set with a bad value exited $code, expected 2"

# 4. Ctrl-C: exit 130, outputs and a checkpoint written; resume finishes the run.
"$bin" run "$src/cases/obstacle1d.toml" --out "$work/int" --set stage.0.iterations=200000 \
  --set output.log_every=100 >"$work/int.log" 2>&1 &
pid=$!
sleep 3
kill -INT "$pid"
set +e
wait "$pid"
code=$?
set -e
[ "$code" = 130 ] || { cat "$work/int.log"; fail "interrupted run exited $code, expected 130"; }
grep -q '"status": "interrupted"' "$work/int/summary.json" || fail "summary.json does not say interrupted"
[ -s "$work/int/checkpoint.bin" ] || fail "no checkpoint after Ctrl-C"
"$bin" resume "$work/int" --set 2>/dev/null && fail "resume accepted an unknown option" || true
# Finish quickly: the resumed run continues the same case (200000 iterations), so
# interrupt it again after it has shown that it resumed.
"$bin" resume "$work/int" >"$work/resume.log" 2>&1 &
pid=$!
sleep 3
kill -INT "$pid"
wait "$pid" || true
grep -q "resuming from .*checkpoint.bin: stage 0, iteration [1-9]" "$work/resume.log" || {
  cat "$work/resume.log"; fail "resume did not continue from the checkpoint"; }

# 5. A space-time run (one network of (x, t)): Ctrl-C keeps its network's checkpoint in space_time/,
# and resume continues from it; a Rothe run's resume is refused with a message.
"$bin" run "$src/tests/tools/view1d_time.toml" --out "$work/st" --set 'parabolic.method="space_time"' \
  --set stage.0.iterations=200000 --set output.log_every=100 >"$work/st.log" 2>&1 &
pid=$!
sleep 3
kill -INT "$pid"
set +e
wait "$pid"
code=$?
set -e
[ "$code" = 130 ] || { cat "$work/st.log"; fail "interrupted space-time run exited $code, expected 130"; }
[ -s "$work/st/space_time/checkpoint.bin" ] || fail "no space_time/checkpoint.bin after Ctrl-C"
grep -q '"status": "interrupted"' "$work/st/summary.json" || fail "the space-time summary does not say interrupted"
"$bin" resume "$work/st" >"$work/st_resume.log" 2>&1 &
pid=$!
sleep 3
kill -INT "$pid"
wait "$pid" || true
grep -q "resuming from .*space_time.partial/checkpoint.bin: stage 0, iteration [1-9]" "$work/st_resume.log" || {
  cat "$work/st_resume.log"; fail "resume did not continue the space-time run"; }
"$bin" run "$src/tests/tools/view1d_time.toml" --out "$work/rothe" --set stage.0.iterations=20 --quiet >/dev/null 2>&1
set +e
"$bin" resume "$work/rothe" >"$work/rothe_resume.log" 2>&1
code=$?
set -e
[ "$code" = 2 ] && grep -q 'parabolic.method = "rothe" cannot be resumed' "$work/rothe_resume.log" || {
  cat "$work/rothe_resume.log"; fail "resuming a Rothe run: exit $code, expected 2 and a message"; }
echo "cli: all checks passed"
