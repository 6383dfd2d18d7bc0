/// @file nn/communicator.hpp
/// @brief The processes a run spreads its points over (MPI ranks), and the few
/// collective operations training needs.
///
/// How a run uses it (README, "Many processes: MPI"): every rank holds every
/// training point and the same network. The work on the points is split: each
/// rank evaluates a contiguous range of the blocks of points that a kernel
/// processes anyway (nn/mlp_evaluation.hpp's chunks, the batched paths'
/// blocks), the block rows are gathered, and every rank adds them in block
/// order exactly as one process does. So every rank holds bitwise the same
/// parameters after every step, and a run gives bitwise the same result on
/// any number of ranks.
///
/// Without MPI in the build, or in a process not started by an MPI launcher,
/// the communicator is this process alone and every operation is a no-op.
#pragma once

#include <string>
#include <vector>

namespace pinn {

class Communicator {
 public:
  /// This process alone.
  Communicator() = default;
  /// MPI_COMM_WORLD when MpiSession initialised MPI, else this process alone.
  static Communicator world();
  /// An MPI communicator of the caller's, by its Fortran handle
  /// (MPI_Comm_c2f(comm)), which keeps <mpi.h> out of this header.
  /// pinn::ApiError in a build without MPI, or before MPI_Init.
  static Communicator from_fortran_handle(int handle);

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool distributed() const { return size_ > 1; }
  /// Rank 0: the rank that writes files and prints.
  bool writes() const { return rank_ == 0; }

  /// Offsets of n items split into contiguous ranges, as even as possible:
  /// rank r owns [offsets[r], offsets[r + 1]); size() + 1 entries.
  std::vector<int> split(int n) const;
  /// `data` holds n items of `item_length` doubles each; this rank has
  /// written its own range (split's offsets, in items). Afterwards every rank
  /// holds every item. Host memory.
  void allgather_items(double* data, const std::vector<int>& offsets, long item_length) const;
  /// True on every rank when `local` is true on any.
  bool any(bool local) const;
  /// Rank 0's value, on every rank (a decision by the clock must be the same everywhere).
  double from_root(double value) const;
  /// Ends every rank of the communicator with `exit_code` (MPI_Abort); returns
  /// only when the communicator is this process alone.
  void abort(int exit_code) const;

 private:
  int handle_ = 0;  ///< MPI_Comm_c2f of the communicator (when size_ > 1 or MPI is initialised)
  int rank_ = 0;
  int size_ = 1;
  bool mpi_ = false;  ///< an MPI communicator (possibly of one rank)
};

/// Initialises MPI for the process's lifetime when an MPI launcher (mpirun,
/// mpiexec, srun with PMI/PMIx) started it, and finalises it at the end; otherwise does
/// nothing, so that a plain run needs no MPI at all. Throws pinn::UserError
/// when a launcher started several copies of a build without MPI (each would
/// train alone and write the same files).
class MpiSession {
 public:
  MpiSession(int& argc, char**& argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  /// Whether the build has MPI.
  static bool available();
  /// The processes a launcher says it started (its environment), 1 when none.
  static int launched_processes();

 private:
  bool initialised_ = false;
};

}  // namespace pinn
