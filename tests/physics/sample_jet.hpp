/// @file tests/physics/sample_jet.hpp
/// @brief A network jet with distinct values in every entry, for the loss
/// tests' finite-difference checks.
#pragma once

#include "nn/point_jet.hpp"

namespace pinn_test {

/// Outputs 0..n_out−1 with value 0.3 + shift + 0.11·o, Laplacian −0.7 + 0.2·o
/// and gradient 0.4 − 0.3k + 0.05·o (`shift` moves u across the obstacles).
inline pinn::PointJet make_jet(int n_out, int dim, double shift) {
  pinn::PointJet jet;
  jet.zero();
  for (int o = 0; o < n_out; ++o) {
    jet.value[o] = 0.3 + shift + 0.11 * o;
    jet.lap[o] = -0.7 + 0.2 * o;
    for (int k = 0; k < dim; ++k) jet.grad[o][k] = 0.4 - 0.3 * k + 0.05 * o;
  }
  return jet;
}

}  // namespace pinn_test
