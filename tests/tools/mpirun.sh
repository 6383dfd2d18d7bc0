#!/usr/bin/env bash
# @file tests/tools/mpirun.sh
# @brief Starts a program on N MPI ranks the way the tests need on any machine:
# Open MPI's mpirun refuses more ranks than cores and, as root, refuses to run
# at all without being told; other launchers get the plain line.
# Usage: mpirun.sh MPIEXEC N PROGRAM [ARGS...]
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
exec "$mpiexec" "${flags[@]}" -np "$ranks" "$@"
