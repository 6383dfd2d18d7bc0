/// @file nn/kokkos_types.hpp
/// @brief Execution/memory space and View aliases used throughout the engine.
#pragma once

#include <Kokkos_Core.hpp>

#include <string>

namespace pinn {

using ExecSpace = Kokkos::DefaultExecutionSpace;
using MemSpace = ExecSpace::memory_space;
using HostExecSpace = Kokkos::DefaultHostExecutionSpace;

/// A flat vector of doubles in the default memory space (parameters, gradients, per-point data).
using Vector = Kokkos::View<double*, MemSpace>;
/// Row-major matrix; points are stored as (n_points, n_dims).
using Matrix = Kokkos::View<double**, Kokkos::LayoutRight, MemSpace>;

/// Name of the default execution space's backend ("OpenMP", "Serial", "Cuda", ...).
inline std::string backend_name() { return ExecSpace::name(); }

/// Number of threads (or device concurrency) of the default execution space.
inline int backend_concurrency() { return ExecSpace().concurrency(); }

}  // namespace pinn
