/// @file nn/kink_placement.cpp
/// @brief First-layer kinks moved through chosen points.
#include "nn/kink_placement.hpp"

#include "nn/error.hpp"

#include <cmath>

namespace pinn {

void place_first_layer_kinks(Mlp& net, const std::vector<KinkTarget>& targets) {
  const MlpLayout& layout = net.layout();
  PINN_REQUIRE(layout.n_layers >= 2, "the network has no hidden layer to place kinks in");
  const int n_in = layout.width[0], width = layout.width[1];
  PINN_REQUIRE(static_cast<int>(targets.size()) <= width,
               targets.size() << " kink targets for a first hidden layer of " << width << " neurons");
  auto params = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), net.params());
  for (std::size_t j = 0; j < targets.size(); ++j) {
    const KinkTarget& target = targets[j];
    PINN_REQUIRE(static_cast<int>(target.centre.size()) == n_in,
                 "kink target " << j << " has a centre of dimension " << target.centre.size() << ", the network "
                                << n_in << " inputs");
    double* w = &params(layout.w_offset[0] + static_cast<int>(j) * n_in);
    if (!target.normal.empty()) {
      PINN_REQUIRE(static_cast<int>(target.normal.size()) == n_in,
                   "kink target " << j << " has a normal of dimension " << target.normal.size());
      double length = 0.0, normal_length = 0.0, along = 0.0;
      for (int i = 0; i < n_in; ++i) {
        length += w[i] * w[i];
        normal_length += target.normal[i] * target.normal[i];
        along += w[i] * target.normal[i];
      }
      PINN_REQUIRE(normal_length > 0.0 && std::isfinite(normal_length), "kink target " << j << " has a zero normal");
      const double scale = (along < 0.0 ? -1.0 : 1.0) * std::sqrt(length / normal_length);
      for (int i = 0; i < n_in; ++i) w[i] = scale * target.normal[i];
    }
    double bias = 0.0;
    for (int i = 0; i < n_in; ++i) bias -= w[i] * target.centre[i];
    params(layout.b_offset[0] + static_cast<int>(j)) = bias;
  }
  Kokkos::deep_copy(net.params(), params);
}

}  // namespace pinn
