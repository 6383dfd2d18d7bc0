/// @file nn/kokkos_initialize.hpp
/// @brief Starting Kokkos with a thread count, for the programs that start it
/// (the command line, the Python module).
#pragma once

#include <Kokkos_Core.hpp>

#include <cstdlib>

namespace pinn {

/// Starts Kokkos with `threads` host threads (0: its default, from OpenMP's
/// environment or all cores); Kokkos 3.4 and 4.x spell the settings differently.
/// A GPU build started by mpirun gives each rank on a node its own GPU (local
/// rank modulo the GPUs there); Kokkos 4 does that by itself.
inline void initialize_kokkos(int threads) {
#if KOKKOS_VERSION >= 30700
  Kokkos::InitializationSettings settings;
  if (threads > 0) settings.set_num_threads(threads);
  Kokkos::initialize(settings);
#else
  Kokkos::InitArguments arguments;
  if (threads > 0) arguments.num_threads = threads;
#ifdef KOKKOS_ENABLE_CUDA
  if (const char* local_rank = std::getenv("OMPI_COMM_WORLD_LOCAL_RANK")) {
    const int devices = static_cast<int>(Kokkos::Cuda::detect_device_count());
    if (devices > 0) arguments.device_id = std::atoi(local_rank) % devices;
  }
#endif
  Kokkos::initialize(arguments);
#endif
}

}  // namespace pinn
