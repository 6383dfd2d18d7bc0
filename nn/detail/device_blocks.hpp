/// @file nn/detail/device_blocks.hpp
/// @brief What the device shapes of the batched paths
/// (nn/batched_gradient_device.hpp, nn/batched_jet_gradient_device.hpp)
/// share: buffers in the execution space's memory that are reallocated only
/// when a size changes, the index range of their elementwise kernels, and
/// the slopes of every hidden layer.
#pragma once

#include "nn/kokkos_types.hpp"
#include "nn/mlp.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace pinn::detail {

/// Resizes `view` to `size` entries when its size differs (contents not kept:
/// every pass writes its buffers before reading them).
void fit_view(Vector& view, std::size_t size, const std::string& label);

/// Resizes `rows` to (n_rows, n_columns) when its shape differs (contents not kept).
void fit_rows(Matrix& rows, int n_rows, int n_columns, const std::string& label);

/// A block of `size` ones (reallocated and filled only when the size changes).
void fit_ones(const ExecSpace& space, Vector& ones, std::size_t size, const std::string& label);

/// Indices 0 … count − 1 on `space`: one kernel thread per entry.
inline Kokkos::RangePolicy<ExecSpace> entries(const ExecSpace& space, int count) {
  return Kokkos::RangePolicy<ExecSpace>(space, 0, count);
}

/// Points [begin, end) of block `block` of a device workspace's cut (its
/// block_points and n_points).
template <class Workspace>
int block_begin(const Workspace& ws, int block) {
  return block * ws.block_points;
}
template <class Workspace>
int block_end(const Workspace& ws, int block) {
  const int end = (block + 1) * ws.block_points;
  return end < ws.n_points ? end : ws.n_points;
}

/// α_j of every hidden layer (ReLU 0, LeakyReLU its slope, PReLU from the
/// parameters), one View per layer, resized as needed.
void fit_slopes(const ExecSpace& space, const MlpLayout& layout, const ConstVector& params,
                std::vector<Vector>& slopes);

}  // namespace pinn::detail
