#!/usr/bin/env bash
# @file tests/tools/test_full_disk.sh
# @brief A full disk never costs earlier results: on a 1 MiB tmpfs filled to
# a few KiB, `run` and `resume` exit 1 naming the file and the cause, and the
# earlier results stay byte for byte what they were; a result set is always
# either all old or all new. Needs root and a private mount namespace
# (unshare -m); skipped (exit 77) where that is impossible.
# Usage: test_full_disk.sh OBSTACLE_PINN_BINARY SOURCE_DIR
set -euo pipefail
bin="$1"
src="$2"
fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }
export OMP_PROC_BIND=spread OMP_PLACES=threads OMP_WAIT_POLICY=passive

if [ -z "${PINN_IN_PRIVATE_MOUNTS:-}" ]; then
  [ "$(id -u)" = 0 ] || skip "needs root to mount a tmpfs"
  command -v unshare >/dev/null || skip "no unshare(1)"
  unshare -m true 2>/dev/null || skip "unshare -m is not permitted here (no private mount namespace)"
  PINN_IN_PRIVATE_MOUNTS=1 exec unshare -m --propagation private "$0" "$@"
fi

work="$(mktemp -d)"
trap 'umount "$work/disk" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir "$work/disk"
mount -t tmpfs -o size=1m tmpfs "$work/disk" || skip "cannot mount a tmpfs"
out="$work/disk/out"
results=(summary.json history.csv solution.vtu solution.vtr points.vtu)
checksums() { (cd "$out" && sha256sum "${results[@]}"); }
free_kib() { df -k --output=avail "$work/disk" | tail -1 | tr -d ' '; }
# Leaves about $1 KiB free on the tmpfs.
fill_to() {
  rm -f "$work/disk/filler"
  local fill=$(($(free_kib) - $1))
  ((fill > 0)) && dd if=/dev/zero of="$work/disk/filler" bs=1k count="$fill" status=none 2>/dev/null || true
}

short=(--set stage.0.iterations=60 --set stage.1.iterations=0 --set output.log_every=20 --threads 1 --quiet)
"$bin" run "$src/cases/obstacle1d.toml" --out "$out" "${short[@]}" >"$work/first.log" 2>&1 ||
  { cat "$work/first.log"; fail "the first run on the tmpfs failed"; }
checksums >"$work/earlier.sha"
tries=0 refusals=0
for kib in 4 16 28 48 96 160; do
  for command in run resume; do
    fill_to "$kib"
    set +e
    if [ "$command" = run ]; then
      "$bin" run "$src/cases/obstacle1d.toml" --out "$out" "${short[@]}" --set stage.0.iterations=40 >"$work/try.log" 2>&1
    else
      "$bin" resume "$out" --threads 1 --quiet >"$work/try.log" 2>&1
    fi
    code=$?
    set -e
    tries=$((tries + 1))
    if [ "$code" = 0 ]; then
      checksums >"$work/earlier.sha"  # a complete new result set: the next try must keep this one
      continue
    fi
    refusals=$((refusals + 1))
    [ "$code" = 1 ] || { cat "$work/try.log"; fail "$command with $kib KiB free exited $code, expected 0 or 1"; }
    grep -q "No space left on device" "$work/try.log" || { cat "$work/try.log"; fail "$command: no cause named"; }
    grep -q "$out/" "$work/try.log" || { cat "$work/try.log"; fail "$command: no file named"; }
    checksums | cmp -s - "$work/earlier.sha" || { cat "$work/try.log"; fail "$command with $kib KiB free changed earlier results"; }
    ! ls "$out" | grep -q '\.tmp\.' || fail "$command left temporary files: $(ls "$out")"
  done
done
((refusals > 0)) || fail "no try ran out of space; the test does not test anything"
# With space again, the interrupted state resumes to a complete result set.
rm -f "$work/disk/filler"
"$bin" resume "$out" --threads 1 --quiet >"$work/resume.log" 2>&1 || { cat "$work/resume.log"; fail "resume after freeing space"; }
grep -q '"status": "ok"' "$out/summary.json" || fail "the final summary is not ok"
echo "full disk: $tries tries, $refusals refused with exit 1 and earlier results intact"
