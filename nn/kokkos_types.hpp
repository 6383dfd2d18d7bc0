/// @file nn/kokkos_types.hpp
/// @brief Execution/memory space and View aliases used throughout the engine.
#pragma once

#include <Kokkos_Core.hpp>

#include <string>
#include <type_traits>

namespace pinn {

using ExecSpace = Kokkos::DefaultExecutionSpace;
using MemSpace = ExecSpace::memory_space;
using HostExecSpace = Kokkos::DefaultHostExecutionSpace;

/// A flat vector of doubles in the default memory space (parameters, gradients, per-point data).
using Vector = Kokkos::View<double*, MemSpace>;
/// A read-only Vector (e.g. the parameters of a const network).
using ConstVector = Kokkos::View<const double*, MemSpace>;
/// Row-major matrix; points are stored as (n_points, n_dims).
using Matrix = Kokkos::View<double**, Kokkos::LayoutRight, MemSpace>;

/// Host counterparts (host mirrors of the above). On a host backend they are
/// the same types as Vector and Matrix, and a mirror of a View in host
/// memory is that View itself.
using HostVector = Kokkos::View<double*, Kokkos::HostSpace>;
using ConstHostVector = Kokkos::View<const double*, Kokkos::HostSpace>;
/// Points on the host, row-major (n_points, n_dims), as Matrix stores them.
using HostPoints = Kokkos::View<double**, Kokkos::LayoutRight, Kokkos::HostSpace>;

/// Name of the default execution space's backend ("OpenMP", "Serial", "Cuda", ...).
inline std::string backend_name() { return ExecSpace::name(); }

/// Number of threads (or device concurrency) of the default execution space.
inline int backend_concurrency() { return ExecSpace().concurrency(); }

/// Number of threads of the host execution space: what host libraries
/// (Ceres, Eigen) may run on. The same as backend_concurrency() on a host
/// backend; on a device backend the host's threads, not the device's.
inline int host_concurrency() { return HostExecSpace().concurrency(); }

/// "OpenMP with 2 thread(s)"; for a device backend "Cuda (device), host
/// OpenMP with 16 thread(s)" (for banners and summaries).
inline std::string backend_description() {
  const std::string host =
      std::string(HostExecSpace::name()) + " with " + std::to_string(host_concurrency()) + " thread(s)";
  if (std::is_same_v<ExecSpace, HostExecSpace>) return host;
  return backend_name() + " (device), host " + host;
}

}  // namespace pinn
