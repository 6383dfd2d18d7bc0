/// @file nn/communicator.cpp
/// @brief MPI behind pinn::Communicator; a build without MPI (PINN_HAVE_MPI
/// undefined) compiles the single-process half only.
#include "nn/communicator.hpp"

#include "nn/error.hpp"

#include <algorithm>
#include <cstdlib>

#ifdef PINN_HAVE_MPI
#include <mpi.h>
#endif

namespace pinn {

namespace {

#ifdef PINN_HAVE_MPI
MPI_Comm comm_of(int handle) { return MPI_Comm_f2c(handle); }

bool mpi_initialised() {
  int initialised = 0, finalised = 0;
  MPI_Initialized(&initialised);
  MPI_Finalized(&finalised);
  return initialised && !finalised;
}
#endif

/// The number a launcher's environment variable holds, or 0.
int environment_count(const char* name) {
  const char* value = std::getenv(name);
  return value ? std::atoi(value) : 0;
}

}  // namespace

Communicator Communicator::world() {
#ifdef PINN_HAVE_MPI
  if (mpi_initialised()) return from_fortran_handle(static_cast<int>(MPI_Comm_c2f(MPI_COMM_WORLD)));
#endif
  return Communicator();
}

Communicator Communicator::from_fortran_handle([[maybe_unused]] int handle) {
#ifdef PINN_HAVE_MPI
  PINN_REQUIRE(mpi_initialised(), "Communicator::from_fortran_handle: MPI is not initialised");
  Communicator c;
  c.handle_ = handle;
  MPI_Comm_rank(comm_of(handle), &c.rank_);
  MPI_Comm_size(comm_of(handle), &c.size_);
  return c;
#else
  PINN_REQUIRE(false, "Communicator::from_fortran_handle: this obstacle-pinn was built without MPI");
  return Communicator();
#endif
}

std::vector<int> Communicator::split(int n) const {
  std::vector<int> offsets(static_cast<std::size_t>(size_) + 1);
  for (int r = 0; r <= size_; ++r) offsets[r] = static_cast<int>(static_cast<long long>(n) * r / size_);
  return offsets;
}

std::vector<int> item_offsets(const std::vector<int>& block_offsets, int items_per_block, int n_items) {
  std::vector<int> items(block_offsets.size());
  for (std::size_t r = 0; r < block_offsets.size(); ++r)
    items[r] =
        static_cast<int>(std::min<long long>(static_cast<long long>(block_offsets[r]) * items_per_block, n_items));
  return items;
}

void Communicator::allgather_items([[maybe_unused]] double* data, [[maybe_unused]] const std::vector<int>& offsets,
                                   [[maybe_unused]] long item_length) const {
  if (!distributed()) return;
#ifdef PINN_HAVE_MPI
  PINN_REQUIRE(static_cast<int>(offsets.size()) == size_ + 1, "allgather_items: offsets for another number of ranks");
  // Counts in doubles must fit MPI's int; beyond that, gather item by item
  // groups (not needed for any run this engine makes: 2^31 doubles is 16 GiB).
  std::vector<int> counts(size_), displacements(size_);
  for (int r = 0; r < size_; ++r) {
    const long count = (offsets[r + 1] - offsets[r]) * item_length;
    const long displacement = offsets[r] * item_length;
    PINN_REQUIRE(count < (1L << 31) && displacement < (1L << 31),
                 "allgather_items: " << count << " doubles from rank " << r << " exceed one MPI message");
    counts[r] = static_cast<int>(count);
    displacements[r] = static_cast<int>(displacement);
  }
  MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, data, counts.data(), displacements.data(), MPI_DOUBLE,
                 comm_of(handle_));
#endif
}

void Communicator::sum_to_all([[maybe_unused]] double* data, [[maybe_unused]] int n) const {
  if (!distributed()) return;
#ifdef PINN_HAVE_MPI
  std::vector<double> sums(rank_ == 0 ? static_cast<std::size_t>(n) : 0);
  MPI_Reduce(data, sums.data(), n, MPI_DOUBLE, MPI_SUM, 0, comm_of(handle_));
  if (rank_ == 0) std::copy(sums.begin(), sums.end(), data);
  MPI_Bcast(data, n, MPI_DOUBLE, 0, comm_of(handle_));
#endif
}

bool Communicator::any(bool local) const {
  if (!distributed()) return local;
#ifdef PINN_HAVE_MPI
  int flag = local ? 1 : 0, result = 0;
  MPI_Allreduce(&flag, &result, 1, MPI_INT, MPI_MAX, comm_of(handle_));
  return result != 0;
#else
  return local;
#endif
}

double Communicator::from_root(double value) const {
  if (!distributed()) return value;
#ifdef PINN_HAVE_MPI
  MPI_Bcast(&value, 1, MPI_DOUBLE, 0, comm_of(handle_));
#endif
  return value;
}

void Communicator::abort([[maybe_unused]] int exit_code) const {
#ifdef PINN_HAVE_MPI
  if (distributed() && mpi_initialised()) MPI_Abort(comm_of(handle_), exit_code);
#endif
}

int MpiSession::launched_processes() {
  // Open MPI's mpirun and MPICH/Intel MPI's Hydra. (Not SLURM_NTASKS: a batch
  // script's own commands see the allocation's count too.)
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"}) {
    const int n = environment_count(name);
    if (n > 0) return n;
  }
  return 1;
}

MpiSession::MpiSession([[maybe_unused]] int& argc, [[maybe_unused]] char**& argv) {
  const int launched = launched_processes();
  const bool under_launcher = launched > 1 || std::getenv("PMIX_RANK") || std::getenv("PMI_RANK");
#ifdef PINN_HAVE_MPI
  if (under_launcher && !mpi_initialised()) {
    MPI_Init(&argc, &argv);
    initialised_ = true;
    int size = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    // Copies that each see a world of one would train alone and write the same files.
    PINN_USER_REQUIRE(size == launched || launched == 1,
                      "the launcher started " << launched << " processes, but MPI sees " << size
                                              << " in its world: the launcher and this MPI do not work together "
                                                 "(with srun, try --mpi=pmix; or start the run with mpirun)");
  }
#else
  PINN_USER_REQUIRE(!under_launcher || launched <= 1,
                    "an MPI launcher started " << launched
                                               << " copies of this obstacle-pinn, which was built without MPI: each "
                                                  "would train alone and write the same files. Install "
                                                  "libopenmpi-dev and rebuild (tools/setup), or run one process");
#endif
}

MpiSession::~MpiSession() {
#ifdef PINN_HAVE_MPI
  if (initialised_ && mpi_initialised()) MPI_Finalize();
#endif
}

}  // namespace pinn
