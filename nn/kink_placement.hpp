/// @file nn/kink_placement.hpp
/// @brief Kink-aware initialisation: first-layer neurons whose kinks (the
/// hyperplanes w·x + b = 0) pass through chosen points, optionally oriented
/// along chosen normals (README, "Kink-aware initialisation").
#pragma once

#include "nn/mlp.hpp"

#include <vector>

namespace pinn {

/// Where one first-layer neuron's kink goes: through `centre`, and, when
/// `normal` is not empty, perpendicular to it (w ← ±|w|·normal/|normal|,
/// keeping the drawn length of w and the sign of w·normal, so the
/// initialisation's scale and the neuron's orientation class survive).
struct KinkTarget {
  std::vector<double> centre;
  std::vector<double> normal;
};

/// Moves the kinks of first-layer neurons 0, 1, …, targets.size() − 1 onto
/// their targets (b ← −w·centre after the optional re-orientation). Other
/// neurons and layers are untouched. Throws pinn::ApiError for more targets
/// than first-layer neurons, a centre or normal of the wrong dimension, or a
/// zero normal.
void place_first_layer_kinks(Mlp& net, const std::vector<KinkTarget>& targets);

}  // namespace pinn
