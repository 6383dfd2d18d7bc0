/// @file tests/nn/test_kink_placement.cpp
/// @brief Kink-aware initialisation (nn/kink_placement.hpp): placed kinks
/// pass through their centres, perpendicular to their normals, with the
/// drawn weight length; other neurons and layers are untouched.
#include "nn/detail/host/host_forward.hpp"
#include "nn/nn.hpp"
#include "tests/nn/nn_test_helpers.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace {

using pinn::test::to_host;

pinn::Mlp leaky_2d() {
  pinn::MlpConfig config;
  config.n_inputs = 2;
  config.hidden = {6, 4};
  config.activation = pinn::Activation::leaky_relu;
  config.input_lower = {-1.0, -1.0};
  config.input_upper = {1.0, 1.0};
  pinn::Mlp net(config);
  net.initialize(3);
  return net;
}

TEST(KinkPlacement, KinksPassThroughTheirCentresAlongTheirNormals) {
  pinn::Mlp net = leaky_2d();
  const auto before = to_host(net.params());
  const std::vector<pinn::KinkTarget> targets = {{{0.5, 0.1}, {1.0, 0.0}}, {{-0.3, 0.7}, {}}, {{0.0, -0.2}, {-3.0, 4.0}}};
  pinn::place_first_layer_kinks(net, targets);
  const auto after = to_host(net.params());
  const pinn::MlpLayout& L = net.layout();
  for (int j = 0; j < 3; ++j) {
    const double* w = &after[L.w_offset[0] + 2 * j];
    const double* w0 = &before[L.w_offset[0] + 2 * j];
    EXPECT_NEAR(w[0] * targets[j].centre[0] + w[1] * targets[j].centre[1] + after[L.b_offset[0] + j], 0.0, 1e-15);
    EXPECT_NEAR(std::hypot(w[0], w[1]), std::hypot(w0[0], w0[1]), 1e-15) << "the drawn length is kept";
  }
  EXPECT_EQ(after[L.w_offset[0] + 1], 0.0) << "neuron 0 is perpendicular to (1, 0): a vertical kink";
  EXPECT_EQ(after[L.w_offset[0] + 2], before[L.w_offset[0] + 2]) << "neuron 1 has no normal: w unchanged";
  EXPECT_EQ(after[L.w_offset[0] + 3], before[L.w_offset[0] + 3]);
  EXPECT_NEAR(after[L.w_offset[0] + 4] * 4.0 - after[L.w_offset[0] + 5] * -3.0, 0.0, 1e-15) << "w ∥ (−3, 4)";
  // The orientation's sign is the drawn weight's: w·normal keeps its sign.
  const double drawn = before[L.w_offset[0] + 4] * -3.0 + before[L.w_offset[0] + 5] * 4.0;
  const double placed = after[L.w_offset[0] + 4] * -3.0 + after[L.w_offset[0] + 5] * 4.0;
  EXPECT_GT(drawn * placed, 0.0);
  for (int p = 0; p < net.n_params(); ++p) {
    const bool placed_parameter = (p >= L.w_offset[0] && p < L.w_offset[0] + 6) || (p >= L.b_offset[0] && p < L.b_offset[0] + 3);
    if (!placed_parameter) {
      EXPECT_EQ(after[p], before[p]) << "parameter " << p;
    }
  }
}

TEST(KinkPlacement, RefusesImpossibleTargets) {
  pinn::Mlp net = leaky_2d();
  EXPECT_THROW(pinn::place_first_layer_kinks(net, std::vector<pinn::KinkTarget>(7, {{0.0, 0.0}, {}})), pinn::ApiError);
  EXPECT_THROW(pinn::place_first_layer_kinks(net, {{{0.0}, {}}}), pinn::ApiError) << "a 1D centre";
  EXPECT_THROW(pinn::place_first_layer_kinks(net, {{{0.0, 0.0}, {0.0, 0.0}}}), pinn::ApiError) << "a zero normal";
}

}  // namespace
