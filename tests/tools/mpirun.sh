#!/usr/bin/env bash
# @file tests/tools/mpirun.sh
# @brief Starts a program on N MPI ranks the way the tests need on any machine:
# Open MPI's mpirun refuses more ranks than cores and, as root, refuses to run
# at all without being told; other launchers get the plain line.
# Usage: mpirun.sh MPIEXEC N PROGRAM [ARGS...]   (exit 77: this machine's MPI cannot start a process)
set -euo pipefail
mpiexec="$1"
ranks="$2"
shift 2
flags=()
if "$mpiexec" --version 2>&1 | grep -q "Open MPI\|OpenRTE"; then
  flags+=(--oversubscribe --bind-to none)
  [ "$(id -u)" = 0 ] && flags+=(--allow-run-as-root)
  # Containers often forbid the cross-memory attach of the shared-memory
  # transport's single copy (process_vm_readv); copying through the buffer always works.
  export OMPI_MCA_btl_vader_single_copy_mechanism=none
fi
# A machine whose MPI cannot start even `true` (a container without what
# Open MPI's launcher needs) has no usable MPI: the test is skipped (77), as
# where MPI is absent, rather than failed for something that is not the engine's.
if [ "${PINN_MPIRUN_PROBE:-1}" = 1 ] && ! timeout 60 "$mpiexec" "${flags[@]}" -np 1 true >/dev/null 2>&1; then
  echo "mpirun.sh: $mpiexec cannot start a process on this machine; skipped" >&2
  exit 77
fi
exec "$mpiexec" "${flags[@]}" -np "$ranks" "$@"
