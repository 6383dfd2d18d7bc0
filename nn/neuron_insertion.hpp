/// @file nn/neuron_insertion.hpp
/// @brief Adaptive neuron insertion (README, "Neuron insertion"): a hidden
/// layer is widened by neurons whose kinks pass through chosen points, with
/// zero outgoing weights, so the network's function does not change when they
/// arrive; training then weights them in. Which candidates to keep is decided
/// greedily by the loss gradient on their outgoing weights.
#pragma once

#include "nn/kokkos_types.hpp"
#include "nn/mlp.hpp"

#include <cstdint>
#include <vector>

namespace pinn {

/// A hidden neuron to add: its incoming weights (one per neuron of the layer
/// before, or per input for the first hidden layer) and its bias.
struct NewNeuron {
  std::vector<double> weights;
  double bias = 0.0;
};

/// A copy of `net` whose hidden layer `hidden_layer` (0-based) has `neurons`
/// appended after its existing ones. Every existing parameter keeps its value;
/// the new neurons' outgoing weights are zero (the function is unchanged) and
/// their PReLU slopes, for channel-wise slopes, the configuration's initial α.
/// The copy has the same smoothing width. Throws pinn::ApiError for a layer
/// that is not hidden or a neuron with the wrong number of weights.
Mlp add_hidden_neurons(const Mlp& net, int hidden_layer, const std::vector<NewNeuron>& neurons);

/// One candidate neuron for `hidden_layer` per target point (indices into
/// `points`): incoming weights drawn as the initialisation draws them (He
/// scale for piecewise-linear activations, Glorot otherwise; reproducible from
/// `seed`), bias chosen so that the neuron's pre-activation is zero at its
/// target point — its kink (or, for smooth activations, its steepest change)
/// passes through that point.
std::vector<NewNeuron> kink_candidates(const Mlp& net, int hidden_layer, const Matrix& points,
                                       const std::vector<int>& targets, std::uint64_t seed);

/// Greedy score of the neurons `first_new`, `first_new` + 1, … of hidden
/// layer `hidden_layer` of `net`: the Euclidean norm of the loss gradient
/// `gradient` (size n_params) over each neuron's outgoing weights. For a
/// neuron with zero outgoing weights this is the rate at which the loss can
/// fall along them: the first-order gain of keeping it.
std::vector<double> outgoing_gradient_norms(const Mlp& net, int hidden_layer, int first_new, const Vector& gradient);

}  // namespace pinn
