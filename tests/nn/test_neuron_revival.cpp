/// @file tests/nn/test_neuron_revival.cpp
/// @brief Revival of dead neurons (nn/neuron_revival.hpp): which neurons
/// count as dead or always active, where the dead ones' kinks go, and that the dying-ReLU
/// diagnostics (p̂₋, dead neurons) change as intended.
#include "nn/nn.hpp"
#include "tests/nn/nn_test_helpers.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace {

using pinn::Activation;
using pinn::JetOrder;
using pinn::test::from_host;
using pinn::test::to_host;

/// 1 -> 4 -> 3 -> 1 LeakyReLU on [0, 1]: first-layer neuron 1 is dead
/// (z = x − 5 < 0), neuron 2 always active (z = x + 3 > 0); neurons 0 and 3
/// have kinks at 0.3 and 0.6.
pinn::Mlp two_layer_net() {
  pinn::MlpConfig config;
  config.n_inputs = 1;
  config.hidden = {4, 3};
  config.activation = Activation::leaky_relu;
  config.alpha = 0.1;
  pinn::Mlp net(config);
  net.initialize(5);
  std::vector<double> p = to_host(net.params());
  const pinn::MlpLayout& L = net.layout();
  const double w0[4] = {1, 1, 1, -1}, b0[4] = {-0.3, -5.0, 3.0, 0.6};
  for (int j = 0; j < 4; ++j) p[L.w_offset[0] + j] = w0[j], p[L.b_offset[0] + j] = b0[j];
  // Second layer: neuron 0 = a0 − 0.1 and neuron 2 = a3 − 0.2 (kinks at 0.4),
  // neuron 1 = a0 − 10 (dead: a0 ≤ 0.7).
  const double w1[3][4] = {{1, 0, 0, 0}, {1, 0, 0, 0}, {0, 0, 0, 1}}, b1[3] = {-0.1, -10.0, -0.2};
  for (int j = 0; j < 3; ++j) {
    for (int i = 0; i < 4; ++i) p[L.w_offset[1] + j * 4 + i] = w1[j][i];
    p[L.b_offset[1] + j] = b1[j];
  }
  from_host(p, net.params());
  return net;
}

pinn::Matrix grid(int n) {
  std::vector<std::vector<double>> rows;
  for (int i = 0; i < n; ++i) rows.push_back({(i + 0.5) / n});
  return pinn::test::points_from(rows);
}

/// Loss u (value only): the diagnostics need some loss.
struct Value {
  KOKKOS_FUNCTION double operator()(int, const pinn::PointJet& jet, pinn::PointJet& seed) const {
    seed.value[0] = 1.0;
    return jet.value[0];
  }
};

TEST(NeuronRevival, FindsDeadAndAlwaysActiveNeurons) {
  const pinn::Mlp net = two_layer_net();
  const auto found = pinn::find_kinkless_neurons(net, grid(100));
  ASSERT_EQ(found.dead.size(), 2u);
  EXPECT_EQ(found.dead[0].layer, 0);
  EXPECT_EQ(found.dead[0].neuron, 1);
  EXPECT_EQ(found.dead[1].layer, 1);
  EXPECT_EQ(found.dead[1].neuron, 1);
  ASSERT_EQ(found.always_active.size(), 1u);
  EXPECT_EQ(found.always_active[0].layer, 0);
  EXPECT_EQ(found.always_active[0].neuron, 2);
}

TEST(NeuronRevival, MovesEachKinkOntoItsTargetAndSilencesTheNeuron) {
  pinn::Mlp net = two_layer_net();
  const pinn::Matrix points = grid(100);
  const auto before = pinn::compute_diagnostics(pinn::ExecSpace(), net, points, Value{}, JetOrder::value);
  EXPECT_EQ(before.layers[0].n_dead, 1);
  EXPECT_EQ(before.layers[1].n_dead, 1);

  const pinn::RevivalReport report = pinn::revive_dead_neurons(net, points, {70, 20});
  ASSERT_EQ(report.revived.size(), 2u);
  EXPECT_EQ(report.target_points, (std::vector<int>{70, 20})) << "targets taken in turn";
  const auto left = pinn::find_kinkless_neurons(net, points);
  EXPECT_TRUE(left.dead.empty());
  ASSERT_EQ(left.always_active.size(), 1u) << "the always-active neuron carries the affine part: left alone";

  // First layer: z = w x + b of the dead neuron now vanishes at the target x = 0.705.
  const std::vector<double> p = to_host(net.params());
  const pinn::MlpLayout& L = net.layout();
  EXPECT_NEAR(p[L.w_offset[0] + 1] * 0.705 + p[L.b_offset[0] + 1], 0.0, 1e-14);
  EXPECT_EQ(p[L.b_offset[0] + 2], 3.0);
  // Its outgoing weights are zero, the others untouched.
  const double column0[3] = {1, 1, 0};
  for (int j = 0; j < 3; ++j) {
    EXPECT_EQ(p[L.w_offset[1] + j * 4 + 1], 0.0);
    EXPECT_EQ(p[L.w_offset[1] + j * 4 + 0], column0[j]);
  }
  EXPECT_EQ(p[L.w_offset[2] + 1], 0.0);
  // The dead second-layer neuron a0 − 10 now has its kink at the second target x = 0.205,
  // where a0 = 0.1·(0.205 − 0.3) (the leaky side).
  EXPECT_NEAR(p[L.b_offset[1] + 1], -0.1 * (0.205 - 0.3), 1e-14);

  // p̂₋ as intended: no neuron is dead any more; the dead first-layer neuron
  // went from z < 0 at all 100 points to z < 0 at the 70 left of its kink.
  const auto after = pinn::compute_diagnostics(pinn::ExecSpace(), net, points, Value{}, JetOrder::value);
  EXPECT_EQ(after.layers[0].n_dead, 0);
  EXPECT_EQ(after.layers[1].n_dead, 0);
  // (The revived neuron has z = 0 at its target up to rounding: one point of slack.)
  EXPECT_NEAR(after.layers[0].negative_fraction, before.layers[0].negative_fraction - 30.0 / 400.0, 1.01 / 400.0);
}

TEST(NeuronRevival, LeavesNetworksWithoutDeadNeuronsAlone) {
  pinn::Mlp net = two_layer_net();
  const pinn::Matrix points = grid(100);
  pinn::revive_dead_neurons(net, points, {50});
  const std::vector<double> revived = to_host(net.params());
  const pinn::RevivalReport again = pinn::revive_dead_neurons(net, points, {10});
  EXPECT_TRUE(again.revived.empty());
  EXPECT_EQ(to_host(net.params()), revived);
}

TEST(NeuronRevival, RefusesSmoothNetworksAndBadTargets) {
  pinn::MlpConfig config;
  config.n_inputs = 1;
  config.hidden = {4};
  config.activation = Activation::tanh;
  pinn::Mlp smooth(config);
  EXPECT_THROW(pinn::find_kinkless_neurons(smooth, grid(10)), pinn::ApiError);
  pinn::Mlp net = two_layer_net();
  EXPECT_THROW(pinn::revive_dead_neurons(net, grid(10), {10}), pinn::ApiError);
}

}  // namespace
