/// @file nn/neuron_revival.hpp
/// @brief Revival of dead neurons of piecewise-linear networks: a hidden
/// neuron whose pre-activation is z ≤ 0 at every training point puts no kink
/// where the points are (and, for ReLU, gets no gradient), so it adds nothing
/// a piecewise-linear approximation can use. Revival moves its kink onto a
/// point where an error indicator is large (README, "Neuron revival").
/// Always-active neurons (z > 0 everywhere) have no kink there either, but
/// they carry the affine part of u; they are counted, not revived.
#pragma once

#include "nn/kokkos_types.hpp"
#include "nn/mlp.hpp"

#include <vector>

namespace pinn {

/// One hidden neuron: layer (0-based hidden layer) and index in it.
struct NeuronId {
  int layer = 0;
  int neuron = 0;
};

/// Hidden neurons whose pre-activation z keeps one sign at every point
/// (z ≤ 0 everywhere: dead; z > 0 everywhere: always active).
struct KinklessNeurons {
  std::vector<NeuronId> dead, always_active;
};
KinklessNeurons find_kinkless_neurons(const Mlp& net, const Matrix& points);

struct RevivalReport {
  std::vector<NeuronId> revived;
  std::vector<int> target_points;  ///< the point each revived neuron's kink now passes through
};

/// Moves the kink of every dead neuron through one of `targets` (indices of
/// `points`, best first; taken in turn and cycled): its bias b ← b − z(x*),
/// so z(x*) = 0 and the points on both sides of the new kink see different
/// slopes. Its outgoing weights are set to zero, so the revived neuron starts
/// as a pure kink candidate that training can weight in; u loses the dead
/// neuron's contribution α·z (nothing for ReLU). Neurons are processed layer
/// by layer on the updated network. Returns what was revived. Piecewise-linear
/// activations only (pinn::ApiError otherwise).
RevivalReport revive_dead_neurons(Mlp& net, const Matrix& points, const std::vector<int>& targets);

}  // namespace pinn
