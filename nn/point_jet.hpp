/// @file nn/point_jet.hpp
/// @brief The value, input gradient and Laplacian of every network output at one point.
#pragma once

#include "nn/mlp.hpp"

namespace pinn {

/// How much of the jet to compute. Higher orders cost more.
enum class JetOrder { value = 0, gradient = 1, laplacian = 2 };

/// u_o, ∂u_o/∂x_k and Δu_o = Σ_{k < n_laplacian_dims} ∂²u_o/∂x_k² for every output o.
/// Also used for the seeds of the reverse pass (∂L/∂u_o, ∂L/∂(∇u_o)_k, ∂L/∂Δu_o).
struct PointJet {
  double value[kMaxOutputs];
  double grad[kMaxOutputs][kMaxInputs];
  double lap[kMaxOutputs];

  KOKKOS_INLINE_FUNCTION void zero() {
    for (int o = 0; o < kMaxOutputs; ++o) {
      value[o] = 0.0;
      lap[o] = 0.0;
      for (int k = 0; k < kMaxInputs; ++k) grad[o][k] = 0.0;
    }
  }
};

using PointJetView = Kokkos::View<PointJet*, MemSpace>;

}  // namespace pinn
