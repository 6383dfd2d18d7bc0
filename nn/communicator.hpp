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

#include "nn/enum_names.hpp"

#include <vector>

namespace pinn {

/// How the ranks combine a loss and its gradient summed over the points
/// ([run] rank_sums; README, "Many processes: MPI").
enum class RankSums {
  /// every block's partial sum gathered and all added in block order on every
  /// rank: bitwise one process's result on any number of ranks; each rank
  /// receives the rows of all blocks (bytes grow with the points of all ranks)
  gathered,
  /// each rank adds its own blocks, the ranks' sums are added on rank 0 and
  /// broadcast: one gradient's bytes per rank and step whatever the number of
  /// points; bitwise the same on a given number of ranks, to rounding across numbers
  reduced,
};
inline constexpr NameTable<RankSums, 2> kRankSumsNames{
    {{RankSums::gathered, "gathered"}, {RankSums::reduced, "reduced"}}};

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
  /// How sums over points are combined (default: gathered).
  RankSums sums() const { return sums_; }
  /// The same ranks, combining sums over points as `sums` says.
  Communicator with_sums(RankSums sums) const {
    Communicator c = *this;
    c.sums_ = sums;
    return c;
  }

  /// Offsets of n items split into contiguous ranges, as even as possible:
  /// rank r owns [offsets[r], offsets[r + 1]); size() + 1 entries.
  std::vector<int> split(int n) const;
  /// `data` holds n items of `item_length` doubles each; this rank has
  /// written its own range (split's offsets, in items). Afterwards every rank
  /// holds every item. Host memory.
  void allgather_items(double* data, const std::vector<int>& offsets, long item_length) const;
  /// Every rank's `n` doubles added, in rank order on rank 0, and the sums
  /// written into `data` on every rank (MPI_Reduce, then MPI_Bcast: an
  /// MPI_Allreduce may round differently on different ranks).
  void sum_to_all(double* data, int n) const;
  /// True on every rank when `local` is true on any.
  bool any(bool local) const;
  /// Rank 0's value, on every rank (a decision by the clock must be the same everywhere).
  double from_root(double value) const;
  /// Ends every rank of the communicator with `exit_code` (MPI_Abort); returns
  /// only when the communicator is this process alone.
  void abort(int exit_code) const;

 private:
  int handle_ = 0;  ///< MPI_Comm_c2f of the communicator (meaningful when size_ > 1)
  int rank_ = 0;
  int size_ = 1;
  RankSums sums_ = RankSums::gathered;
};

/// Offsets of blocks of items (a split's, in blocks) as offsets of the
/// items: block b starts at item b · items_per_block, the last block may be
/// short, so every offset is at most n_items.
std::vector<int> item_offsets(const std::vector<int>& block_offsets, int items_per_block, int n_items);

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

  /// The processes a launcher says it started (its environment), 1 when none.
  static int launched_processes();

 private:
  bool initialised_ = false;
};

}  // namespace pinn
