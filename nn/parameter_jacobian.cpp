/// @file nn/parameter_jacobian.cpp
/// @brief The gather of residual and Jacobian rows computed by several ranks.
#include "nn/parameter_jacobian.hpp"

namespace pinn {

namespace detail {

void gather_residual_rows(const ExecSpace& space, const Communicator& communicator, const std::vector<int>& share,
                          int n_points, int n_residuals_per_point, const Vector& residuals, const Matrix& jacobian) {
  // The chunks' offsets as points, each point an item of n_residuals_per_point rows.
  const std::vector<int> points = item_offsets(share, kPointsPerChunk, n_points);
  space.fence();
  auto host_residuals = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), residuals);
  communicator.allgather_items(host_residuals.data(), points, n_residuals_per_point);
  Kokkos::deep_copy(residuals, host_residuals);
  if (jacobian.extent(0) == 0) return;
  auto host_jacobian = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), jacobian);
  communicator.allgather_items(host_jacobian.data(), points,
                               static_cast<long>(n_residuals_per_point) * static_cast<long>(jacobian.extent(1)));
  Kokkos::deep_copy(jacobian, host_jacobian);
}

}  // namespace detail

}  // namespace pinn
