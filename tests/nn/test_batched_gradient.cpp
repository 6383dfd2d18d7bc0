/// @file tests/nn/test_batched_gradient.cpp
/// @brief The batched matrix-product path of loss_and_gradient
/// (nn/detail/host/batched_gradient.hpp), in its host and its device shape
/// (nn/batched_gradient_device.hpp), against the per-point general kernel:
/// loss and every parameter derivative (weights, biases, PReLU slopes layer-
/// and channel-wise, reparametrised), 1–3 inputs, mixed widths; its selection
/// and its refusal of networks it cannot evaluate.
#include "nn/error.hpp"
#include "nn_test_helpers.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>

// The host-shaped batched paths call BLAS on host memory; a GPU build never
// selects them (nn/mlp_evaluation.hpp), so there is nothing to test there.
// The device shape runs on every build.
#define SKIP_ON_DEVICE_MEMORY()                                                    \
  do {                                                                             \
    if (!Kokkos::SpaceAccessibility<Kokkos::HostSpace, pinn::MemSpace>::accessible) \
      GTEST_SKIP() << "the batched paths run on host memory only";                \
  } while (false)

namespace {

using pinn::test::MixedJetLoss;
using pinn::test::random_points;
using pinn::test::to_host;

struct BatchedCase {
  std::string name;
  pinn::Activation activation;
  std::vector<int> hidden;
  int inputs;
  pinn::AlphaMode alpha_mode = pinn::AlphaMode::layer;
  pinn::AlphaConstraint constraint = pinn::AlphaConstraint::none;
};

pinn::Mlp make_network(const BatchedCase& c, std::uint64_t seed) {
  pinn::MlpConfig config;
  config.n_inputs = c.inputs;
  config.hidden = c.hidden;
  config.activation = c.activation;
  config.alpha = 0.2;
  config.alpha_mode = c.alpha_mode;
  config.alpha_constraint = c.constraint;
  pinn::Mlp net(config);
  net.initialize(seed);
  return net;
}

/// Runs `path` twice (the second call on the kept workspace) and requires its
/// loss and gradient to equal the general kernel's to 1e-12 (relative to the
/// largest gradient component). Returns the workspace for further checks.
/// `device_block_points`: the device shape's block size.
pinn::GradientWorkspace expect_equal_to_general(const pinn::Mlp& net, const pinn::Matrix& points,
                                                const MixedJetLoss& loss, pinn::JetOrder order, int laplacian_dims,
                                                pinn::KernelPath path,
                                                int device_block_points = pinn::kDeviceBlockPoints) {
  pinn::Vector g_general("g_general", net.n_params()), g_batched("g_batched", net.n_params());
  pinn::GradientWorkspace ws_general, ws_batched;
  ws_batched.batched_device.block_points = device_block_points;
  ws_batched.batched_jets_device.block_points = device_block_points;
  const pinn::ExecSpace space;
  const double l_general = pinn::loss_and_gradient(space, net, points, loss, order, g_general, ws_general,
                                                   laplacian_dims, pinn::KernelPath::general);
  for (int call = 0; call < 2; ++call) {
    const double l_batched =
        pinn::loss_and_gradient(space, net, points, loss, order, g_batched, ws_batched, laplacian_dims, path);
    EXPECT_NEAR(l_batched, l_general, 1e-12 * std::abs(l_general));
    const auto a = to_host(g_general), b = to_host(g_batched);
    double scale = 0.0;
    for (const double v : a) scale = std::max(scale, std::abs(v));
    for (std::size_t p = 0; p < a.size(); ++p) EXPECT_NEAR(b[p], a[p], 1e-12 * scale) << "parameter " << p;
  }
  return ws_batched;
}

class BatchedGradient : public ::testing::TestWithParam<BatchedCase> {};

TEST_P(BatchedGradient, EqualsTheGeneralKernel) {
  SKIP_ON_DEVICE_MEMORY();
  const BatchedCase& c = GetParam();
  const pinn::Mlp net = make_network(c, 11);
  const pinn::Matrix points = random_points(301, c.inputs, 5);  // three blocks, the last one partial
  expect_equal_to_general(net, points, MixedJetLoss{1, c.inputs}, pinn::JetOrder::gradient, -1,
                          pinn::KernelPath::batched);
}

// The device shape in blocks of 128 points: 301 points make three blocks, the
// last one partial, each summed over its points inside the products.
TEST_P(BatchedGradient, DeviceShapeEqualsTheGeneralKernel) {
  const BatchedCase& c = GetParam();
  const pinn::Mlp net = make_network(c, 11);
  const pinn::Matrix points = random_points(301, c.inputs, 5);
  const pinn::GradientWorkspace ws = expect_equal_to_general(net, points, MixedJetLoss{1, c.inputs},
                                                             pinn::JetOrder::gradient, -1,
                                                             pinn::KernelPath::batched_device, 128);
  EXPECT_EQ(ws.batched_device.n_blocks, 3);
  // One block for all the points: the default size.
  expect_equal_to_general(net, points, MixedJetLoss{1, c.inputs}, pinn::JetOrder::gradient, -1,
                          pinn::KernelPath::batched_device);
}

void expect_jets_equal_to_general(const pinn::Mlp& net, const pinn::Matrix& points, pinn::KernelPath path) {
  for (const pinn::JetOrder order : {pinn::JetOrder::value, pinn::JetOrder::gradient}) {
    const auto general = pinn::test::jets_of_path(net, points, order, pinn::KernelPath::general);
    const auto batched = pinn::test::jets_of_path(net, points, order, path);
    ASSERT_EQ(batched.size(), general.size());
    for (std::size_t i = 0; i < general.size(); ++i) {
      EXPECT_NEAR(batched[i].value[0], general[i].value[0], 1e-12 * (1.0 + std::abs(general[i].value[0])));
      for (int k = 0; k < pinn::kMaxInputs; ++k)
        EXPECT_NEAR(batched[i].grad[0][k], general[i].grad[0][k], 1e-12 * (1.0 + std::abs(general[i].grad[0][k])))
            << "point " << i << ", input " << k;
      EXPECT_EQ(batched[i].lap[0], 0.0);
    }
  }
}

// evaluate_jets takes the batched forward pass automatically for these
// networks (the host shape on host memory, the device shape on a device).
TEST_P(BatchedGradient, JetsEqualTheGeneralKernel) {
  const BatchedCase& c = GetParam();
  const pinn::Mlp net = make_network(c, 11);
  expect_jets_equal_to_general(net, random_points(301, c.inputs, 5), pinn::KernelPath::automatic);
}

TEST_P(BatchedGradient, DeviceShapeJetsEqualTheGeneralKernel) {
  const BatchedCase& c = GetParam();
  const pinn::Mlp net = make_network(c, 11);
  expect_jets_equal_to_general(net, random_points(301, c.inputs, 5), pinn::KernelPath::batched_device);
}

INSTANTIATE_TEST_SUITE_P(
    Networks, BatchedGradient,
    ::testing::Values(BatchedCase{"relu_1d", pinn::Activation::relu, {16, 16}, 1},
                      BatchedCase{"leaky_2d", pinn::Activation::leaky_relu, {24, 40, 8}, 2},
                      BatchedCase{"leaky_3d_one_layer", pinn::Activation::leaky_relu, {33}, 3},
                      BatchedCase{"prelu_layer_2d", pinn::Activation::prelu, {20, 20}, 2},
                      BatchedCase{"prelu_channel_2d", pinn::Activation::prelu, {20, 12}, 2, pinn::AlphaMode::channel},
                      BatchedCase{"prelu_channel_unit_interval_1d", pinn::Activation::prelu, {10, 30}, 1,
                                  pinn::AlphaMode::channel, pinn::AlphaConstraint::unit_interval}),
    [](const ::testing::TestParamInfo<BatchedCase>& param) { return param.param.name; });

TEST(BatchedGradient, LargeBatchesInLargerBlocksEqualTheGeneralKernel) {
  SKIP_ON_DEVICE_MEMORY();
  const pinn::Mlp net = make_network({"", pinn::Activation::prelu, {16, 16}, 2, pinn::AlphaMode::channel}, 3);
  const pinn::Matrix points = random_points(2500, 2, 9);  // ≥ 2048: blocks of 256, a partial last one
  const pinn::GradientWorkspace ws = expect_equal_to_general(net, points, MixedJetLoss{1, 2}, pinn::JetOrder::gradient,
                                                             -1, pinn::KernelPath::automatic);
  EXPECT_EQ(ws.batched.block_points, 256);
  EXPECT_EQ(ws.batched.n_blocks, 10);
}

// A caller's evaluation workspaces are the ones used (and kept), and give the
// same jets as a call that makes its own.
TEST(BatchedGradient, EvaluateJetsUsesTheCallersWorkspaces) {
  SKIP_ON_DEVICE_MEMORY();
  const pinn::Mlp net = make_network({"", pinn::Activation::leaky_relu, {24, 24}, 2}, 4);
  const pinn::Matrix points = random_points(700, 2, 3);
  const pinn::ExecSpace space;
  pinn::EvaluationWorkspaces kept;
  const auto own = Kokkos::create_mirror_view_and_copy(
      Kokkos::HostSpace(), pinn::evaluate_jets(space, net, points, pinn::JetOrder::gradient));
  for (int call = 0; call < 2; ++call) {
    const auto with_kept = Kokkos::create_mirror_view_and_copy(
        Kokkos::HostSpace(), pinn::evaluate_jets(space, net, points, pinn::JetOrder::gradient, -1,
                                                 pinn::KernelPath::automatic, pinn::Communicator(), &kept));
    EXPECT_EQ(std::memcmp(own.data(), with_kept.data(), sizeof(pinn::PointJet) * own.extent(0)), 0);
    ASSERT_EQ(static_cast<int>(kept.piecewise_linear.size()), pinn::detail::evaluation_threads());
    EXPECT_GT(kept.piecewise_linear[0].n_points, 0);  // its last block's buffers, kept for the next call
  }
}

TEST(BatchedGradientDispatch, AutomaticPicksThePathByActivationAndWidth) {
  SKIP_ON_DEVICE_MEMORY();
  const auto layout_of = [](const BatchedCase& c) { return make_network(c, 1).layout(); };
  using pinn::JetOrder;
  using pinn::KernelPath;
  using pinn::detail::BatchedPath;
  using pinn::detail::select_batched_path;
  const pinn::MlpLayout leaky = layout_of({"", pinn::Activation::leaky_relu, {64, 64, 64}, 2});
  EXPECT_EQ(select_batched_path(leaky, JetOrder::gradient, KernelPath::automatic), BatchedPath::piecewise_linear);
  EXPECT_EQ(select_batched_path(leaky, JetOrder::value, KernelPath::automatic), BatchedPath::piecewise_linear);
  EXPECT_EQ(select_batched_path(layout_of({"", pinn::Activation::prelu, {16, 16}, 1}), JetOrder::gradient,
                                KernelPath::automatic),
            BatchedPath::piecewise_linear);
  EXPECT_EQ(select_batched_path(leaky, JetOrder::gradient, KernelPath::fused), BatchedPath::none);
  EXPECT_EQ(select_batched_path(leaky, JetOrder::gradient, KernelPath::general), BatchedPath::none);
  // The Laplacian, smooth and smoothed activations: the jet path where the layers are wide enough.
  EXPECT_EQ(select_batched_path(leaky, JetOrder::laplacian, KernelPath::automatic), BatchedPath::jets);
  const pinn::MlpLayout tanh64 = layout_of({"", pinn::Activation::tanh, {64, 64}, 2});
  EXPECT_EQ(select_batched_path(tanh64, JetOrder::laplacian, KernelPath::automatic), BatchedPath::jets);
  EXPECT_EQ(select_batched_path(layout_of({"", pinn::Activation::tanh, {8, 8}, 2}), JetOrder::laplacian,
                                KernelPath::automatic),
            BatchedPath::none);
  EXPECT_EQ(select_batched_path(layout_of({"", pinn::Activation::tanh, {8, 8}, 2}), JetOrder::laplacian,
                                KernelPath::batched_jets),
            BatchedPath::jets);
  pinn::Mlp smoothed = make_network({"", pinn::Activation::leaky_relu, {64, 64}, 2}, 1);
  smoothed.set_smoothing(0.1);
  EXPECT_EQ(select_batched_path(smoothed.layout(), JetOrder::gradient, KernelPath::automatic), BatchedPath::jets);
  // The device shape only where asked for on host memory.
  EXPECT_EQ(select_batched_path(leaky, JetOrder::gradient, KernelPath::batched_device),
            BatchedPath::piecewise_linear_device);
  EXPECT_EQ(select_batched_path(tanh64, JetOrder::laplacian, KernelPath::batched_jets_device),
            BatchedPath::jets_device);
}

TEST(BatchedGradientDispatch, DeviceMemoryTakesTheDeviceShape) {
  if (Kokkos::SpaceAccessibility<Kokkos::HostSpace, pinn::MemSpace>::accessible)
    GTEST_SKIP() << "a device build's choice";
  const pinn::MlpLayout leaky = make_network({"", pinn::Activation::leaky_relu, {64, 64}, 2}, 1).layout();
  const pinn::MlpLayout tanh64 = make_network({"", pinn::Activation::tanh, {64, 64}, 2}, 1).layout();
  using pinn::detail::select_batched_path;
  EXPECT_EQ(select_batched_path(leaky, pinn::JetOrder::gradient, pinn::KernelPath::automatic),
            pinn::detail::BatchedPath::piecewise_linear_device);
  EXPECT_EQ(select_batched_path(tanh64, pinn::JetOrder::laplacian, pinn::KernelPath::automatic),
            pinn::detail::BatchedPath::jets_device);
  const pinn::MlpLayout tanh16 = make_network({"", pinn::Activation::tanh, {16, 16}, 2}, 1).layout();
  EXPECT_EQ(select_batched_path(tanh16, pinn::JetOrder::laplacian, pinn::KernelPath::automatic),
            pinn::detail::BatchedPath::none);
}

TEST(BatchedGradientDispatch, RefusesWhatItCannotEvaluateWithAClearMessage) {
  SKIP_ON_DEVICE_MEMORY();
  pinn::Mlp smoothed = make_network({"", pinn::Activation::leaky_relu, {16, 16}, 1}, 1);
  smoothed.set_smoothing(0.1);
  pinn::Mlp smooth = make_network({"", pinn::Activation::tanh, {16, 16}, 1}, 1);
  for (pinn::Mlp* net : {&smoothed, &smooth}) {
    try {
      pinn::detail::select_batched_path(net->layout(), pinn::JetOrder::gradient, pinn::KernelPath::batched);
      ADD_FAILURE() << "no error for " << net->describe();
    } catch (const pinn::ApiError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("KernelPath::batched"), std::string::npos) << what;
      EXPECT_NE(what.find("exact ReLU/LeakyReLU/PReLU"), std::string::npos) << what;
      EXPECT_NE(what.find("KernelPath::batched_jets"), std::string::npos) << what;
    }
  }
}

TEST(BatchedGradientDispatch, TheDeviceShapeRefusesSmoothNetworksWithAClearMessage) {
  const pinn::Mlp smooth = make_network({"", pinn::Activation::tanh, {16, 16}, 1}, 1);
  try {
    pinn::detail::select_batched_path(smooth.layout(), pinn::JetOrder::gradient, pinn::KernelPath::batched_device);
    ADD_FAILURE() << "no error for " << smooth.describe();
  } catch (const pinn::ApiError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("KernelPath::batched_device was requested for a tanh network"), std::string::npos) << what;
    EXPECT_NE(what.find("exact ReLU/LeakyReLU/PReLU"), std::string::npos) << what;
  }
}

/// The batched jet path against the general kernel: smooth, smoothed and
/// learnable-slope activations, the gradient and Laplacian jets (also over the
/// first inputs only), several outputs, several blocks.
struct JetCase {
  std::string name;
  pinn::Activation activation;
  std::vector<int> hidden;
  int inputs, outputs;
  pinn::JetOrder order;
  int laplacian_dims = -1;
  double smoothing = 0.0;
  pinn::AlphaMode alpha_mode = pinn::AlphaMode::layer;
  int points = 301;
};

pinn::Mlp make_jet_network(const JetCase& c) {
  pinn::MlpConfig config;
  config.n_inputs = c.inputs;
  config.n_outputs = c.outputs;
  config.hidden = c.hidden;
  config.activation = c.activation;
  config.alpha = 0.2;
  config.alpha_mode = c.alpha_mode;
  pinn::Mlp net(config);
  net.initialize(21);
  if (c.smoothing > 0.0) net.set_smoothing(c.smoothing);
  return net;
}

class BatchedJetGradient : public ::testing::TestWithParam<JetCase> {};

TEST_P(BatchedJetGradient, EqualsTheGeneralKernel) {
  SKIP_ON_DEVICE_MEMORY();
  const JetCase& c = GetParam();
  const pinn::Mlp net = make_jet_network(c);
  const pinn::Matrix points = random_points(c.points, c.inputs, 8);
  expect_equal_to_general(net, points, MixedJetLoss{c.outputs, c.inputs}, c.order, c.laplacian_dims,
                          pinn::KernelPath::batched_jets);
}

// The same forward pass evaluates jets (evaluate_jets takes it for wide layers).
TEST_P(BatchedJetGradient, JetsEqualTheGeneralKernel) {
  SKIP_ON_DEVICE_MEMORY();
  const JetCase& c = GetParam();
  const pinn::Mlp net = make_jet_network(c);
  const pinn::Matrix points = random_points(c.points, c.inputs, 8);
  const auto general = pinn::test::jets_of_path(net, points, c.order, pinn::KernelPath::general, c.laplacian_dims);
  pinn::PointJetView view("jets", c.points);
  std::vector<pinn::BatchedJetWorkspace> workspaces;
  for (int call = 0; call < 2; ++call) {  // the second call on the kept workspaces
    pinn::batched_jet_evaluate_jets(net, points, c.order, c.laplacian_dims, workspaces, view);
    const auto batched = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), view);
    const auto near = [](double a, double b) { return std::abs(a - b) <= 1e-12 * (1.0 + std::abs(b)); };
    for (int i = 0; i < c.points; ++i)
      for (int o = 0; o < c.outputs; ++o) {
        EXPECT_TRUE(near(batched(i).value[o], general[i].value[o])) << "point " << i << " output " << o;
        EXPECT_TRUE(near(batched(i).lap[o], general[i].lap[o])) << "point " << i << " output " << o;
        for (int k = 0; k < pinn::kMaxInputs; ++k)
          EXPECT_TRUE(near(batched(i).grad[o][k], general[i].grad[o][k])) << "point " << i << " input " << k;
      }
  }
}

// The device shape in blocks of 128 points (three for 301 points, the last
// one partial) and in one block.
TEST_P(BatchedJetGradient, DeviceShapeEqualsTheGeneralKernel) {
  const JetCase& c = GetParam();
  const pinn::Mlp net = make_jet_network(c);
  const pinn::Matrix points = random_points(c.points, c.inputs, 8);
  const pinn::GradientWorkspace ws =
      expect_equal_to_general(net, points, MixedJetLoss{c.outputs, c.inputs}, c.order, c.laplacian_dims,
                              pinn::KernelPath::batched_jets_device, 128);
  EXPECT_EQ(ws.batched_jets_device.n_blocks, (c.points + 127) / 128);
  expect_equal_to_general(net, points, MixedJetLoss{c.outputs, c.inputs}, c.order, c.laplacian_dims,
                          pinn::KernelPath::batched_jets_device);
}

TEST_P(BatchedJetGradient, DeviceShapeJetsEqualTheGeneralKernel) {
  const JetCase& c = GetParam();
  const pinn::Mlp net = make_jet_network(c);
  const pinn::Matrix points = random_points(c.points, c.inputs, 8);
  const auto general = pinn::test::jets_of_path(net, points, c.order, pinn::KernelPath::general, c.laplacian_dims);
  const auto device =
      pinn::test::jets_of_path(net, points, c.order, pinn::KernelPath::batched_jets_device, c.laplacian_dims);
  const auto near = [](double a, double b) { return std::abs(a - b) <= 1e-12 * (1.0 + std::abs(b)); };
  ASSERT_EQ(device.size(), general.size());
  for (int i = 0; i < c.points; ++i)
    for (int o = 0; o < c.outputs; ++o) {
      EXPECT_TRUE(near(device[i].value[o], general[i].value[o])) << "point " << i << " output " << o;
      EXPECT_TRUE(near(device[i].lap[o], general[i].lap[o])) << "point " << i << " output " << o;
      for (int k = 0; k < pinn::kMaxInputs; ++k)
        EXPECT_TRUE(near(device[i].grad[o][k], general[i].grad[o][k])) << "point " << i << " input " << k;
    }
}

INSTANTIATE_TEST_SUITE_P(
    Networks, BatchedJetGradient,
    ::testing::Values(
        JetCase{"tanh_2d_laplacian", pinn::Activation::tanh, {24, 40, 8}, 2, 1, pinn::JetOrder::laplacian},
        JetCase{"tanh_1d_gradient", pinn::Activation::tanh, {32, 32}, 1, 1, pinn::JetOrder::gradient},
        JetCase{"sin_3d_value", pinn::Activation::sin, {12, 12}, 3, 1, pinn::JetOrder::value},
        JetCase{"softplus_2d_two_outputs", pinn::Activation::softplus, {16, 16}, 2, 2, pinn::JetOrder::laplacian},
        JetCase{"tanh_space_time", pinn::Activation::tanh, {16, 16}, 3, 1, pinn::JetOrder::laplacian, 2},
        JetCase{"smoothed_prelu_channel", pinn::Activation::prelu, {20, 12}, 2, 1, pinn::JetOrder::laplacian, -1,
                0.1, pinn::AlphaMode::channel},
        JetCase{"smoothed_leaky_gradient", pinn::Activation::leaky_relu, {16, 16}, 2, 1, pinn::JetOrder::gradient,
                -1, 0.2},
        JetCase{"smoothed_prelu_layer", pinn::Activation::prelu, {10, 14}, 1, 1, pinn::JetOrder::laplacian, -1, 0.1},
        JetCase{"tanh_large_batch", pinn::Activation::tanh, {16, 16}, 2, 1, pinn::JetOrder::laplacian, -1, 0.0,
                pinn::AlphaMode::layer, 2500}),
    [](const ::testing::TestParamInfo<JetCase>& param) { return param.param.name; });

}  // namespace
