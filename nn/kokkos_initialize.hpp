/// @file nn/kokkos_initialize.hpp
/// @brief Starting Kokkos with a thread count, for the programs that start it
/// (the command line, the Python module).
#pragma once

#include <Kokkos_Core.hpp>

namespace pinn {

/// Starts Kokkos with `threads` host threads (0: its default, from OpenMP's
/// environment or all cores); Kokkos 3.4 and 4.x spell the settings differently.
inline void initialize_kokkos(int threads) {
#if KOKKOS_VERSION >= 30700
  Kokkos::InitializationSettings settings;
  if (threads > 0) settings.set_num_threads(threads);
  Kokkos::initialize(settings);
#else
  Kokkos::InitArguments arguments;
  if (threads > 0) arguments.num_threads = threads;
  Kokkos::initialize(arguments);
#endif
}

}  // namespace pinn
