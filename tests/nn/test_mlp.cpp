/// @file tests/nn/test_mlp.cpp
/// @brief Slope constraints (projection, sigmoid reparametrisation), the ℓ1
/// slope penalty, and the initialisation gain of nn/mlp.hpp.
#include "nn/nn.hpp"
#include "tests/nn/nn_test_helpers.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

namespace {

using pinn::Activation;
using pinn::AlphaConstraint;
using pinn::AlphaMode;
using pinn::JetOrder;
using pinn::test::from_host;
using pinn::test::to_host;

double sigmoid(double a) { return 1.0 / (1.0 + std::exp(-a)); }

pinn::MlpConfig prelu_config(int n_inputs, AlphaMode mode, AlphaConstraint constraint, double alpha = 0.2) {
  pinn::MlpConfig config;
  config.n_inputs = n_inputs;
  config.hidden = {7, 5, 6};
  config.activation = Activation::prelu;
  config.alpha = alpha;
  config.alpha_mode = mode;
  config.alpha_constraint = constraint;
  return config;
}

/// Indices of every stored slope parameter.
std::vector<int> alpha_indices(const pinn::Mlp& net) {
  std::vector<int> out;
  const auto& layout = net.layout();
  for (int l = 0; l + 1 < layout.n_layers; ++l) {
    if (layout.alpha_offset[l] < 0) continue;
    const int count = layout.alpha_stride[l] ? layout.width[l + 1] : 1;
    for (int j = 0; j < count; ++j) out.push_back(layout.alpha_offset[l] + j);
  }
  return out;
}

/// Initialises, moves biases off zero (no point on a kink) and gives every
/// stored slope a different value from `stored_slope(k)`.
template <class F>
void prepare(pinn::Mlp& net, const F& stored_slope) {
  net.initialize(42);
  std::vector<double> p = to_host(net.params());
  for (std::size_t i = 0; i < p.size(); ++i) p[i] += 0.05 * std::sin(3.0 * i);
  const std::vector<int> alphas = alpha_indices(net);
  for (std::size_t k = 0; k < alphas.size(); ++k) p[alphas[k]] = stored_slope(static_cast<int>(k));
  from_host(p, net.params());
}

TEST(AlphaConstraint, UnitIntervalStoresLogitOfInitialSlope) {
  for (const double alpha : {0.25, 0.5, 1.0}) {
    pinn::Mlp net(prelu_config(1, AlphaMode::channel, AlphaConstraint::unit_interval, alpha));
    net.initialize(3);
    const std::vector<double> p = to_host(net.params());
    const double expected_alpha = alpha == 1.0 ? 1.0 - 1e-6 : alpha;
    for (const int i : alpha_indices(net)) EXPECT_DOUBLE_EQ(p[i], std::log(expected_alpha / (1.0 - expected_alpha)));
    for (int l = 0; l < 3; ++l)
      for (const double a : net.alphas(l)) EXPECT_NEAR(a, expected_alpha, 1e-15);
  }
  const double clamped = 1.0 - 1e-6;
  EXPECT_DOUBLE_EQ(pinn::alpha_to_parameter(AlphaConstraint::unit_interval, 1.0), std::log(clamped / (1.0 - clamped)));
  EXPECT_NEAR(pinn::alpha_to_parameter(AlphaConstraint::unit_interval, 1.0), std::log(1e6), 1e-5);
  EXPECT_EQ(pinn::alpha_to_parameter(AlphaConstraint::monotone, 0.3), 0.3);
}

TEST(AlphaConstraint, UnitIntervalRejectsSlopesOutsideTheInterval) {
  for (const double alpha : {0.0, -0.1, 1.5}) {
    try {
      pinn::Mlp net(prelu_config(1, AlphaMode::layer, AlphaConstraint::unit_interval, alpha));
      FAIL() << "alpha " << alpha << " accepted";
    } catch (const pinn::UserError& e) {
      EXPECT_NE(std::string(e.what()).find("unit_interval"), std::string::npos) << e.what();
    }
  }
}

TEST(AlphaConstraint, SigmoidHelpersAreAccurateForLargeArguments) {
  pinn::MlpLayout layout;
  layout.alpha_constraint = AlphaConstraint::unit_interval;
  for (const double a : {-40.0, -3.0, 0.0, 0.7, 40.0}) {
    const double s = layout.alpha_from_parameter(a);
    EXPECT_NEAR(s, sigmoid(a), 1e-16);
    // σ'(a) = e^{-|a|}/(1 + e^{-|a|})², relative accuracy even where σ(1 − σ) cancels.
    const double e = std::exp(-std::abs(a));
    EXPECT_NEAR(layout.dalpha_dparameter(a) / (e / ((1 + e) * (1 + e))), 1.0, 1e-14);
  }
  layout.alpha_constraint = AlphaConstraint::none;
  EXPECT_EQ(layout.alpha_from_parameter(-0.3), -0.3);
  EXPECT_EQ(layout.dalpha_dparameter(-0.3), 1.0);
}

/// The unit-interval network with stored a computes what the unconstrained one
/// computes with α = sigmoid(a), and its slope gradient is the chain rule's.
TEST(AlphaConstraint, UnitIntervalNetworkEqualsFreeNetworkWithSigmoidSlopes) {
  for (const AlphaMode mode : {AlphaMode::layer, AlphaMode::channel}) {
    pinn::Mlp reparam(prelu_config(2, mode, AlphaConstraint::unit_interval));
    pinn::Mlp free(prelu_config(2, mode, AlphaConstraint::none));
    prepare(reparam, [](int k) { return -1.5 + 0.4 * k; });
    prepare(free, [](int k) { return sigmoid(-1.5 + 0.4 * k); });
    const auto points = pinn::test::random_points(40, 2, 11);
    const auto jr = pinn::test::jets_of(reparam, points, JetOrder::gradient);
    const auto jf = pinn::test::jets_of(free, points, JetOrder::gradient);
    for (std::size_t i = 0; i < jr.size(); ++i) {
      EXPECT_NEAR(jr[i].value[0], jf[i].value[0], 1e-14);
      EXPECT_NEAR(jr[i].grad[0][1], jf[i].grad[0][1], 1e-13);
    }
    pinn::GradientWorkspace ws;
    pinn::Vector gr("gr", reparam.n_params()), gf("gf", free.n_params());
    const pinn::test::MixedJetLoss loss{1, 2};
    pinn::loss_and_gradient(pinn::ExecSpace(), reparam, points, loss, JetOrder::gradient, gr, ws);
    pinn::loss_and_gradient(pinn::ExecSpace(), free, points, loss, JetOrder::gradient, gf, ws);
    const auto hr = to_host(gr), hf = to_host(gf), stored = to_host(reparam.params());
    const std::vector<int> alphas = alpha_indices(reparam);
    for (int p = 0; p < reparam.n_params(); ++p) {
      const bool slope = std::find(alphas.begin(), alphas.end(), p) != alphas.end();
      const double chain = slope ? sigmoid(stored[p]) * (1.0 - sigmoid(stored[p])) : 1.0;
      EXPECT_NEAR(hr[p], hf[p] * chain, 1e-12 * (1.0 + std::abs(hf[p]))) << "parameter " << p;
    }
  }
}

struct ReparamCase {
  int n_inputs;
  AlphaMode mode;
  JetOrder order;
};

class UnitIntervalGradient : public ::testing::TestWithParam<ReparamCase> {};

/// ∂L/∂a through α = sigmoid(a) against central differences in a (and every
/// other parameter), relative error ≤ 1e-6 as in test_jet_derivatives.
TEST_P(UnitIntervalGradient, MatchesFiniteDifferencesOfStoredParameters) {
  const int d = GetParam().n_inputs;
  pinn::Mlp net(prelu_config(d, GetParam().mode, AlphaConstraint::unit_interval));
  prepare(net, [](int k) { return -2.0 + 0.35 * k; });
  const auto points = pinn::test::random_points(37, d, 5);
  const pinn::test::MixedJetLoss loss{1, d};
  pinn::GradientWorkspace ws;
  pinn::Vector grad("grad", net.n_params()), scratch("scratch", net.n_params());
  const JetOrder order = GetParam().order;
  pinn::loss_and_gradient(pinn::ExecSpace(), net, points, loss, order, grad, ws);
  const auto g = to_host(grad);
  const auto evaluate = [&] { return pinn::loss_and_gradient(pinn::ExecSpace(), net, points, loss, order, scratch, ws); };
  const std::vector<int> alphas = alpha_indices(net);
  ASSERT_FALSE(alphas.empty());
  for (int p = 0; p < net.n_params(); ++p) {
    const double fd = pinn::test::fd_parameter_derivative(net, p, 1e-6, evaluate);
    EXPECT_NEAR(g[p], fd, 1e-6 * (1.0 + std::abs(fd))) << "parameter " << p;
  }
  // The slope gradients are not trivially zero (the test would be vacuous).
  double slope_gradient = 0.0;
  for (const int p : alphas) slope_gradient += std::abs(g[p]);
  EXPECT_GT(slope_gradient, 1e-3);
}

std::string reparam_case_name(const ::testing::TestParamInfo<ReparamCase>& info) {
  return "in" + std::to_string(info.param.n_inputs) + (info.param.mode == AlphaMode::channel ? "_channel" : "_layer") +
         (info.param.order == JetOrder::laplacian ? "_laplacian" : "_gradient");
}

INSTANTIATE_TEST_SUITE_P(Prelu, UnitIntervalGradient,
                         ::testing::Values(ReparamCase{1, AlphaMode::layer, JetOrder::gradient},
                                           ReparamCase{1, AlphaMode::channel, JetOrder::laplacian},
                                           ReparamCase{2, AlphaMode::channel, JetOrder::gradient},
                                           ReparamCase{3, AlphaMode::layer, JetOrder::laplacian}),
                         reparam_case_name);

TEST(AlphaConstraint, MonotoneProjectsNegativeSlopesToZeroAndUnitIntervalLeavesThem) {
  pinn::Mlp monotone(prelu_config(1, AlphaMode::channel, AlphaConstraint::monotone));
  prepare(monotone, [](int k) { return k % 2 ? -0.3 : 0.4; });
  monotone.project_parameters(pinn::ExecSpace());
  for (int l = 0; l < 3; ++l) {
    const auto alphas = monotone.alphas(l);
    for (const double a : alphas) EXPECT_GE(a, 0.0);
  }
  const auto p = to_host(monotone.params());
  const auto idx = alpha_indices(monotone);
  for (std::size_t k = 0; k < idx.size(); ++k) EXPECT_EQ(p[idx[k]], k % 2 ? 0.0 : 0.4) << k;

  pinn::Mlp unit(prelu_config(1, AlphaMode::channel, AlphaConstraint::unit_interval));
  prepare(unit, [](int k) { return k % 2 ? -0.3 : 0.4; });
  const auto before = to_host(unit.params());
  unit.project_parameters(pinn::ExecSpace());
  EXPECT_EQ(to_host(unit.params()), before);
}

/// value = weight Σ|α|; the subgradient is added, FD-checked in the stored parameters.
TEST(AlphaL1Penalty, ValueAndSubgradientMatchFiniteDifferences) {
  for (const AlphaConstraint constraint : {AlphaConstraint::none, AlphaConstraint::unit_interval}) {
    pinn::Mlp net(prelu_config(2, AlphaMode::channel, constraint));
    // Mixed signs for the free slopes (never 0, where |α| has no derivative).
    prepare(net, [](int k) { return (k % 3 == 0 ? -1.0 : 1.0) * (0.1 + 0.13 * k); });
    const double weight = 0.7;
    double expected = 0.0;
    for (int l = 0; l < 3; ++l)
      for (const double a : net.alphas(l)) expected += std::abs(a);
    pinn::Vector grad("grad", net.n_params());
    Kokkos::deep_copy(grad, 1.0);
    const double value = pinn::add_alpha_l1_penalty(pinn::ExecSpace(), net, weight, grad);
    EXPECT_NEAR(value, weight * expected, 1e-14 * expected);
    const auto g = to_host(grad);
    pinn::Vector scratch("scratch", net.n_params());
    const auto penalty = [&] { return pinn::add_alpha_l1_penalty(pinn::ExecSpace(), net, weight, scratch); };
    const auto alphas = alpha_indices(net);
    for (int p = 0; p < net.n_params(); ++p) {
      const bool slope = std::find(alphas.begin(), alphas.end(), p) != alphas.end();
      if (!slope) {
        EXPECT_EQ(g[p], 1.0) << "non-slope parameter " << p << " changed";
        continue;
      }
      const double fd = pinn::test::fd_parameter_derivative(net, p, 1e-6, penalty);
      EXPECT_NEAR(g[p] - 1.0, fd, 1e-6 * (1.0 + std::abs(fd))) << to_string(constraint) << " parameter " << p;
      EXPECT_NE(g[p], 1.0);
    }
  }
}

TEST(AlphaL1Penalty, ZeroSlopeHasZeroSubgradientAndOtherActivationsNoPenalty) {
  pinn::Mlp net(prelu_config(1, AlphaMode::layer, AlphaConstraint::none));
  prepare(net, [](int) { return 0.0; });
  pinn::Vector grad("grad", net.n_params());
  EXPECT_EQ(pinn::add_alpha_l1_penalty(pinn::ExecSpace(), net, 2.0, grad), 0.0);
  for (const double g : to_host(grad)) EXPECT_EQ(g, 0.0);

  for (const Activation act : {Activation::leaky_relu, Activation::tanh}) {
    pinn::MlpConfig config;
    config.activation = act;
    pinn::Mlp other(config);
    other.initialize(1);
    pinn::Vector g2("g2", other.n_params());
    EXPECT_EQ(pinn::add_alpha_l1_penalty(pinn::ExecSpace(), other, 2.0, g2), 0.0);
    for (const double g : to_host(g2)) EXPECT_EQ(g, 0.0);
  }
}

TEST(MlpInitialisation, HiddenWeightsHaveTheHeGainForTheSlope) {
  for (const double alpha : {0.0, 0.25, 0.5}) {
    pinn::MlpConfig config;
    config.hidden = {256, 256};
    config.activation = alpha == 0.0 ? Activation::relu : Activation::leaky_relu;
    config.alpha = alpha;
    pinn::Mlp net(config);
    net.initialize(9);
    const auto p = to_host(net.params());
    const auto& layout = net.layout();
    double sq = 0.0;
    const int n = layout.b_offset[1] - layout.w_offset[1];
    for (int i = layout.w_offset[1]; i < layout.b_offset[1]; ++i) sq += p[i] * p[i];
    const double expected = pinn::he_gain(alpha) / std::sqrt(256.0);
    EXPECT_NEAR(std::sqrt(sq / n), expected, 0.01 * expected) << "alpha " << alpha;
    EXPECT_DOUBLE_EQ(pinn::he_gain(alpha), std::sqrt(2.0 / (1.0 + alpha * alpha)));
  }
}

TEST(Mlp, DescribeNamesTheSlopeConstraint) {
  pinn::Mlp net(prelu_config(2, AlphaMode::channel, AlphaConstraint::unit_interval));
  EXPECT_EQ(net.describe(), "2-7-5-6-1 prelu(channel, unit_interval)");
  pinn::Mlp plain(prelu_config(2, AlphaMode::layer, AlphaConstraint::none));
  EXPECT_EQ(plain.describe(), "2-7-5-6-1 prelu(layer)");
}

}  // namespace
