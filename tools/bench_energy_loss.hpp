/// @file tools/bench_energy_loss.hpp
/// @brief The point loss the network benchmarks time (tools/bench_nn.cpp,
/// tools/bench_mpi.cpp): the energy form's shape, so that a benchmark's
/// gradient costs what a training step's does.
#pragma once

#include "nn/point_jet.hpp"

#include <Kokkos_Core.hpp>

namespace pinn::bench {

/// ½|∇u|² − f u with f = 1 (what the energy form needs: u, ∇u), plus
/// ½(Δu)² when the Laplacian is tracked (a strong-form-like term).
struct EnergyLoss {
  int n_inputs;
  bool laplacian = false;
  KOKKOS_FUNCTION double operator()(int, const PointJet& jet, PointJet& seed) const {
    double loss = -jet.value[0];
    seed.value[0] = -1.0;
    for (int k = 0; k < n_inputs; ++k) {
      loss += 0.5 * jet.grad[0][k] * jet.grad[0][k];
      seed.grad[0][k] = jet.grad[0][k];
    }
    if (laplacian) {
      loss += 0.5 * jet.lap[0] * jet.lap[0];
      seed.lap[0] = jet.lap[0];
    }
    return loss;
  }
};

}  // namespace pinn::bench
