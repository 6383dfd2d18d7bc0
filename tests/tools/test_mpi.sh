#!/usr/bin/env bash
# @file tests/tools/test_mpi.sh
# @brief Runs shared by several MPI ranks through the command line: 1, 2 and 3 ranks
# give the same metrics and stage losses, bitwise (obstacle1d with the
# Levenberg–Marquardt stage, radial2d with LBFGS, short budgets); rank 0 alone
# writes; [run] rank_sums = "reduced" repeats itself on 2 ranks and stays
# within rounding of 1 rank; a run stopped by SIGUSR1 on 2 ranks resumes on 2
# ranks, and on 1, to the uninterrupted result; a rank that fails on bad input
# ends every rank with its message and a non-zero exit, without hanging. About
# 30 s on 2 cores.
# Usage: test_mpi.sh MPIEXEC OBSTACLE_PINN_BINARY SOURCE_DIR
set -euo pipefail
mpiexec="$1"
bin="$2"
src="$3"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# mpirun N ARGS...: ARGS on N ranks, one thread each, ended after 300 s at most.
# Skipped (77) where this machine's MPI cannot start a process; probed once.
status=0
"$here/mpirun.sh" "$mpiexec" 1 true || status=$?
[ "$status" = 0 ] || exit "$status"
export PINN_MPIRUN_PROBE=0
mpirun() { local n="$1"; shift; timeout 300 "$here/mpirun.sh" "$mpiexec" "$n" "$bin" "$@" --threads 1; }

# same_result A B: the two runs' metrics and every stage's losses and
# iterations agree to the last bit (Python's json reads doubles exactly).
same_result() {
  python3 - "$1/summary.json" "$2/summary.json" <<'PY' || fail "$1 and $2 differ"
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
keys = ("loss_start", "loss_end", "iterations", "termination")
stages = lambda s: [{k: st[k] for k in keys} for st in s["stages"]]
if a["metrics"] != b["metrics"] or stages(a) != stages(b):
    print("metrics", a["metrics"], "\nagainst", b["metrics"], "\nstages", stages(a), "\nagainst", stages(b))
    sys.exit(1)
PY
}

# 1. The same run on 1, 2 and 3 ranks.
obstacle1d=(run "$src/cases/obstacle1d.toml" --quiet --set stage.0.iterations=300 --set stage.1.iterations=60)
radial2d=(run "$src/cases/radial2d.toml" --quiet --set stage.0.iterations=100 --set stage.1.iterations=60
          --set sampling.interior=1024)
for ranks in 1 2 3; do
  mpirun "$ranks" "${obstacle1d[@]}" --out "$work/o$ranks" >"$work/o$ranks.log" 2>&1 || {
    cat "$work/o$ranks.log"; fail "obstacle1d on $ranks ranks failed"; }
done
for ranks in 1 2; do
  mpirun "$ranks" "${radial2d[@]}" --out "$work/r$ranks" >"$work/r$ranks.log" 2>&1 || {
    cat "$work/r$ranks.log"; fail "radial2d on $ranks ranks failed"; }
done
same_result "$work/o1" "$work/o2"
same_result "$work/o1" "$work/o3"
same_result "$work/r1" "$work/r2"
python3 -c "
import json, sys
m = json.load(open('$work/o3/summary.json'))['mpi']
assert m['ranks'] == 3 and sum(m['points_per_rank']) == 512 and min(m['points_per_rank']) > 0, m
" || fail "summary.json's mpi record"
[ "$(grep -c '^status: ok' "$work/o2.log")" = 1 ] || { cat "$work/o2.log"; fail "rank 0 alone should print"; }

# 2. rank_sums = "reduced": the same on every run of 2 ranks, to rounding what 1 rank gives.
for run in a b; do
  mpirun 2 "${radial2d[@]}" --set run.rank_sums='"reduced"' --out "$work/reduced_$run" >"$work/reduced.log" 2>&1 || {
    cat "$work/reduced.log"; fail "radial2d with reduced sums failed"; }
done
same_result "$work/reduced_a" "$work/reduced_b"
python3 - "$work/r1/summary.json" "$work/reduced_a/summary.json" <<'PY' || fail "reduced sums far from one rank's"
import json, sys
a, b = (json.load(open(f))["metrics"]["rel_l2"] for f in sys.argv[1:3])
assert abs(a - b) <= 1e-8 * abs(a), (a, b)
PY

# 3. Stop a 2-rank run (mpirun forwards SIGUSR1), then resume it on 2 ranks and a copy on 1.
long=(run "$src/cases/obstacle1d.toml" --quiet --set stage.0.iterations=8000 --set stage.1.iterations=40
      --set output.log_every=50)
mpirun 1 "${long[@]}" --out "$work/whole" >/dev/null 2>&1 || fail "the uninterrupted run failed"
# Started directly (mpirun.sh execs mpirun), so that the signal goes to mpirun.
"$here/mpirun.sh" "$mpiexec" 2 "$bin" "${long[@]}" --threads 1 --out "$work/stopped" >"$work/stopped.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do [ -s "$work/stopped/checkpoint.bin" ] && break; sleep 0.1; done
kill -USR1 "$pid"
set +e
wait "$pid"
code=$?
set -e
[ "$code" = 130 ] || { cat "$work/stopped.log"; fail "the stopped 2-rank run exited $code, expected 130"; }
grep -q '"status": "interrupted"' "$work/stopped/summary.json" || fail "the stopped run's summary says otherwise"
cp -r "$work/stopped" "$work/stopped_copy"
mpirun 2 resume "$work/stopped" --quiet >"$work/resume2.log" 2>&1 || { cat "$work/resume2.log"; fail "resume on 2 ranks"; }
mpirun 1 resume "$work/stopped_copy" --quiet >"$work/resume1.log" 2>&1 || { cat "$work/resume1.log"; fail "resume on 1 rank"; }
same_result "$work/whole" "$work/stopped"
same_result "$work/whole" "$work/stopped_copy"

# 4. One rank meets bad input while the other starts training: every rank ends, with the message.
printf '[problem]\nname = "broken"\n' >"$work/broken.toml"
set +e
timeout 120 "$here/mpirun.sh" "$mpiexec" 1 "$bin" run "$src/cases/obstacle1d.toml" --threads 1 --quiet \
  --out "$work/good" : -np 1 "$bin" run "$work/broken.toml" --threads 1 --out "$work/bad" >"$work/fail.log" 2>&1
code=$?
set -e
[ "$code" != 0 ] && [ "$code" != 124 ] || { cat "$work/fail.log"; fail "a failing rank gave exit $code (124: a hang)"; }
grep -q "error (rank 1 of 2): .*broken.toml" "$work/fail.log" || { cat "$work/fail.log"; fail "no message from rank 1"; }
echo "mpi runs: ok"
