/// @file tests/nn/test_diagnostics.cpp
/// @brief Layer diagnostics, spectral norms / Lipschitz bound and the exact 1D
/// kink count (nn/diagnostics.hpp) against hand-built networks and brute force.
#include "nn/nn.hpp"
#include "tests/nn/nn_test_helpers.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace {

using pinn::Activation;
using pinn::AlphaConstraint;
using pinn::AlphaMode;
using pinn::JetOrder;
using pinn::PointJet;
using pinn::test::from_host;
using pinn::test::to_host;

/// Writes W_l (row-major, width[l+1] x width[l]) and b_l into a host parameter copy.
void set_layer(std::vector<double>& p, const pinn::MlpLayout& layout, int l, const std::vector<double>& W,
               const std::vector<double>& b) {
  ASSERT_EQ(static_cast<int>(W.size()), layout.width[l] * layout.width[l + 1]);
  ASSERT_EQ(static_cast<int>(b.size()), layout.width[l + 1]);
  std::copy(W.begin(), W.end(), p.begin() + layout.w_offset[l]);
  std::copy(b.begin(), b.end(), p.begin() + layout.b_offset[l]);
}

pinn::Mlp make_net(int n_inputs, std::vector<int> hidden, Activation act, double alpha = 0.1,
                   AlphaMode mode = AlphaMode::layer, AlphaConstraint constraint = AlphaConstraint::none) {
  pinn::MlpConfig config;
  config.n_inputs = n_inputs;
  config.hidden = std::move(hidden);
  config.activation = act;
  config.alpha = alpha;
  config.alpha_mode = mode;
  config.alpha_constraint = constraint;
  return pinn::Mlp(config);
}

/// 1 -> 5 -> 1 ReLU: kinks at 0.2 and 0.5; neuron 2 (w = 0, b = −1) and
/// neuron 3 (kink at 5) are dead on [0, 1]; neuron 4 changes sign at 0.7 but
/// has output weight 0, so u has no kink there.
pinn::Mlp hand_built_shallow() {
  pinn::Mlp net = make_net(1, {5}, Activation::relu);
  std::vector<double> p(net.n_params(), 0.0);
  set_layer(p, net.layout(), 0, {1, 1, 0, 1, 1}, {-0.2, -0.5, -1.0, -5.0, -0.7});
  set_layer(p, net.layout(), 1, {1, -2, 3, 1, 0}, {0.0});
  from_host(p, net.params());
  return net;
}

/// Loss ½ u² (value only), for which the adjoints are easy to write by hand.
struct HalfSquare {
  KOKKOS_FUNCTION double operator()(int, const PointJet& jet, PointJet& seed) const {
    seed.value[0] = jet.value[0];
    return 0.5 * jet.value[0] * jet.value[0];
  }
};

pinn::Matrix grid_points(int n, double a, double b) {
  std::vector<std::vector<double>> rows;
  for (int i = 0; i < n; ++i) rows.push_back({a + (b - a) * (i + 0.5) / n});
  return pinn::test::points_from(rows);
}

TEST(Diagnostics, HandBuiltNetworkHasItsKnownDeadNeuronsAndSignFractions) {
  const pinn::Mlp net = hand_built_shallow();
  const auto points = grid_points(100, 0.0, 1.0);  // x = 0.005, 0.015, ...
  const auto d = pinn::compute_diagnostics(pinn::ExecSpace(), net, points, HalfSquare{}, JetOrder::value);
  ASSERT_EQ(d.layers.size(), 1u);
  EXPECT_EQ(d.n_points, 100);
  EXPECT_EQ(d.layers[0].width, 5);
  EXPECT_EQ(d.layers[0].n_dead, 2);
  EXPECT_EQ(d.layers[0].dead_neurons, (std::vector<int>{2, 3}));
  // z < 0: 20 points (x < 0.2) + 50 (x < 0.5) + 100 + 100 + 70 (x < 0.7), of 5 · 100.
  EXPECT_DOUBLE_EQ(d.layers[0].negative_fraction, 340.0 / 500.0);
  EXPECT_EQ(d.layers[0].alpha_min, 0.0);
  EXPECT_EQ(d.layers[0].alpha_max, 0.0);
  EXPECT_FALSE(d.layers[0].learnable_alpha);
  // ReLU passes nothing back through the negative side.
  EXPECT_EQ(d.layers[0].mean_abs_negative_delta_z, 0.0);
  EXPECT_GT(d.layers[0].mean_abs_negative_upstream_z, 0.0);
  // ‖W_0‖₂ = ‖(1,1,0,1,1)‖ = 2, ‖W_1‖₂ = ‖(1,−2,3,1,0)‖ = √15.
  ASSERT_EQ(d.spectral_norms.size(), 2u);
  EXPECT_NEAR(d.spectral_norms[0], 2.0, 1e-14);
  EXPECT_NEAR(d.spectral_norms[1], std::sqrt(15.0), 1e-14);
  EXPECT_NEAR(d.lipschitz_bound, 2.0 * std::sqrt(15.0), 1e-13);
}

TEST(Diagnostics, ActivationSignsOfTheHandBuiltNetworkAreItsKnownCounts) {
  const pinn::Mlp net = hand_built_shallow();
  const auto signs = pinn::compute_activation_signs(pinn::ExecSpace(), net, grid_points(100, 0.0, 1.0));
  EXPECT_EQ(signs.n_points, 100);
  ASSERT_EQ(signs.negative.size(), 1u);
  // Kinks at 0.2, 0.5, none, 5, 0.7 on the midpoints of [0, 1]; neuron 2 is z = −1.
  EXPECT_EQ(signs.negative[0], (std::vector<int>{20, 50, 100, 100, 70}));
  EXPECT_EQ(signs.positive[0], (std::vector<int>{80, 50, 0, 0, 30}));
  EXPECT_DOUBLE_EQ(signs.negative_fraction(0), 340.0 / 500.0);
  EXPECT_EQ(signs.dead_neurons(0), (std::vector<int>{2, 3}));
}

// The history rows log these counts instead of the full diagnostics: both must agree.
TEST(Diagnostics, ActivationSignsAgreeWithTheFullDiagnostics) {
  struct Case {
    int n_inputs;
    std::vector<int> hidden;
    Activation activation;
    AlphaMode mode;
  };
  for (const Case& c : {Case{1, {7}, Activation::relu, AlphaMode::layer},
                        Case{2, {8, 6}, Activation::prelu, AlphaMode::channel},
                        Case{2, {16, 16, 16}, Activation::leaky_relu, AlphaMode::layer},  // batched path
                        Case{3, {5, 9}, Activation::tanh, AlphaMode::layer},            // per-point kernel
                        Case{2, {16, 24}, Activation::tanh, AlphaMode::layer}}) {       // batched jet path
    pinn::Mlp net = make_net(c.n_inputs, c.hidden, c.activation, 0.2, c.mode);
    net.initialize(11);
    const auto points = pinn::test::random_points(77, c.n_inputs, 3);  // not a multiple of the chunk size
    const auto d = pinn::compute_diagnostics(pinn::ExecSpace(), net, points, HalfSquare{}, JetOrder::value);
    const auto signs = pinn::compute_activation_signs(pinn::ExecSpace(), net, points);
    ASSERT_EQ(signs.negative.size(), d.layers.size());
    for (std::size_t l = 0; l < d.layers.size(); ++l) {
      EXPECT_DOUBLE_EQ(signs.negative_fraction(static_cast<int>(l)), d.layers[l].negative_fraction);
      EXPECT_EQ(signs.dead_neurons(static_cast<int>(l)), d.layers[l].dead_neurons);
    }
  }
  const pinn::Mlp net = hand_built_shallow();
  const auto none = pinn::compute_activation_signs(pinn::ExecSpace(), net, pinn::Matrix("empty", 0, 1));
  EXPECT_EQ(none.negative_fraction(0), 0.0);
  EXPECT_TRUE(none.dead_neurons(0).empty());
}

TEST(Diagnostics, LossAndGradientNormAgreeWithLossAndGradient) {
  pinn::Mlp net = make_net(2, {8, 6}, Activation::prelu, 0.2, AlphaMode::channel);
  net.initialize(5);
  const auto points = pinn::test::random_points(77, 2, 3);
  const pinn::test::EnergyLoss loss{2};
  const auto d = pinn::compute_diagnostics(pinn::ExecSpace(), net, points, loss, JetOrder::gradient);
  pinn::Vector grad("grad", net.n_params());
  pinn::GradientWorkspace ws;
  // The per-point kernels (automatic would take the batched path, which sums in another order).
  const double expected = pinn::loss_and_gradient(pinn::ExecSpace(), net, points, loss, JetOrder::gradient, grad, ws,
                                                  -1, pinn::KernelPath::general);
  EXPECT_EQ(d.loss, expected);  // same chunks, same order
  double sq = 0.0;
  for (const double g : to_host(grad)) sq += g * g;
  EXPECT_DOUBLE_EQ(d.gradient_norm, std::sqrt(sq));
}

/// One hidden PReLU layer, loss ½u²: every adjoint written out on the host.
TEST(Diagnostics, NegativeSideSignalsAndSlopeGradientMatchAHandComputation) {
  pinn::Mlp net = make_net(1, {6}, Activation::prelu, 0.25, AlphaMode::channel);
  net.initialize(8);
  std::vector<double> p = to_host(net.params());
  const auto& layout = net.layout();
  for (int j = 0; j < 6; ++j) p[layout.alpha_offset[0] + j] = 0.1 + 0.1 * j;
  from_host(p, net.params());
  const auto points = pinn::test::random_points(50, 1, 4, -1.0, 1.0);
  const auto d = pinn::compute_diagnostics(pinn::ExecSpace(), net, points, HalfSquare{}, JetOrder::value);
  auto hx = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), points);
  double delta_z = 0.0, upstream_z = 0.0;
  std::vector<double> alpha_grad(6, 0.0);
  for (int i = 0; i < 50; ++i) {
    double z[6], u = p[layout.b_offset[1]];
    for (int j = 0; j < 6; ++j) {
      z[j] = p[layout.w_offset[0] + j] * hx(i, 0) + p[layout.b_offset[0] + j];
      const double alpha = p[layout.alpha_offset[0] + j];
      u += p[layout.w_offset[1] + j] * (z[j] > 0 ? z[j] : alpha * z[j]);
    }
    for (int j = 0; j < 6; ++j) {
      if (z[j] >= 0) continue;
      const double a_bar = u * p[layout.w_offset[1] + j];
      const double delta = a_bar * p[layout.alpha_offset[0] + j];
      delta_z += std::abs(delta * z[j]);
      upstream_z += std::abs(a_bar * z[j]);
      alpha_grad[j] += a_bar * z[j];
    }
  }
  const auto& layer = d.layers[0];
  EXPECT_NEAR(layer.mean_abs_negative_delta_z, delta_z / 300.0, 1e-14 * (1 + delta_z));
  EXPECT_NEAR(layer.mean_abs_negative_upstream_z, upstream_z / 300.0, 1e-14 * (1 + upstream_z));
  ASSERT_EQ(layer.alpha_gradient.size(), 6u);
  for (int j = 0; j < 6; ++j) EXPECT_NEAR(layer.alpha_gradient[j], alpha_grad[j], 1e-13) << j;
  EXPECT_TRUE(layer.learnable_alpha);
  EXPECT_NEAR(layer.alpha_min, 0.1, 1e-15);
  EXPECT_NEAR(layer.alpha_max, 0.6, 1e-15);
  EXPECT_NEAR(layer.alpha_mean, 0.35, 1e-15);
}

/// ∂L/∂α of the diagnostics equals the optimiser's slope gradient, through
/// tangent terms and the sigmoid reparametrisation (times σ'(a)).
TEST(Diagnostics, SlopeGradientMatchesTheParameterGradient) {
  for (const AlphaConstraint constraint : {AlphaConstraint::none, AlphaConstraint::unit_interval}) {
    for (const AlphaMode mode : {AlphaMode::layer, AlphaMode::channel}) {
      pinn::Mlp net = make_net(2, {7, 5}, Activation::prelu, 0.3, mode, constraint);
      net.initialize(12);
      const auto points = pinn::test::random_points(90, 2, 6);
      const pinn::test::MixedJetLoss loss{1, 2};
      const auto d = pinn::compute_diagnostics(pinn::ExecSpace(), net, points, loss, JetOrder::gradient);
      pinn::Vector grad("grad", net.n_params());
      pinn::GradientWorkspace ws;
      pinn::loss_and_gradient(pinn::ExecSpace(), net, points, loss, JetOrder::gradient, grad, ws);
      const auto g = to_host(grad), p = to_host(net.params());
      const auto& layout = net.layout();
      for (int l = 0; l < 2; ++l) {
        const auto& layer = d.layers[l];
        ASSERT_EQ(static_cast<int>(layer.alpha_gradient.size()), mode == AlphaMode::channel ? layout.width[l + 1] : 1);
        for (std::size_t k = 0; k < layer.alpha_gradient.size(); ++k) {
          const int index = layout.alpha_offset[l] + static_cast<int>(k);
          const double chain = layout.dalpha_dparameter(p[index]);
          EXPECT_NEAR(layer.alpha_gradient[k] * chain, g[index], 1e-12 * (1 + std::abs(g[index])))
              << to_string(constraint) << " layer " << l << " slope " << k;
        }
      }
    }
  }
}

/// Host forward of the pre-activations of every hidden layer.
std::vector<std::vector<double>> host_preactivations(const pinn::Mlp& net, const std::vector<double>& p,
                                                     std::vector<double> a) {
  const auto& layout = net.layout();
  std::vector<std::vector<double>> out;
  for (int l = 0; l + 1 < layout.n_layers; ++l) {
    const int n_in = layout.width[l], n_out = layout.width[l + 1];
    const auto alphas = net.alphas(l);
    std::vector<double> z(n_out), next(n_out);
    for (int j = 0; j < n_out; ++j) {
      z[j] = p[layout.b_offset[l] + j];
      for (int i = 0; i < n_in; ++i) z[j] += p[layout.w_offset[l] + j * n_in + i] * a[i];
      const double alpha = alphas.size() == 1 ? alphas[0] : alphas[j];
      next[j] = z[j] > 0 ? z[j] : alpha * z[j];
    }
    out.push_back(z);
    a = next;
  }
  return out;
}

TEST(Diagnostics, NegativeFractionAndDeadNeuronsMatchABruteForceCount) {
  pinn::Mlp net = make_net(2, {9, 7, 5}, Activation::prelu, 0.2, AlphaMode::channel);
  net.initialize(31);
  std::vector<double> p = to_host(net.params());
  const auto& layout = net.layout();
  p[layout.b_offset[0] + 3] = -50.0;  // dead in the first layer
  p[layout.b_offset[1] + 0] = -50.0;  // dead in the second
  p[layout.b_offset[2] + 4] = -50.0;  // and in the third
  from_host(p, net.params());
  const int n = 123;
  const auto points = pinn::test::random_points(n, 2, 77);
  const auto d = pinn::compute_diagnostics(pinn::ExecSpace(), net, points, pinn::test::EnergyLoss{2}, JetOrder::gradient);
  auto hx = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), points);
  std::vector<std::vector<int>> negative(3), positive(3);
  for (int l = 0; l < 3; ++l) {
    negative[l].assign(layout.width[l + 1], 0);
    positive[l].assign(layout.width[l + 1], 0);
  }
  for (int i = 0; i < n; ++i) {
    const auto z = host_preactivations(net, p, {hx(i, 0), hx(i, 1)});
    for (int l = 0; l < 3; ++l)
      for (std::size_t j = 0; j < z[l].size(); ++j) {
        negative[l][j] += z[l][j] < 0;
        positive[l][j] += z[l][j] > 0;
      }
  }
  for (int l = 0; l < 3; ++l) {
    int total = 0;
    std::vector<int> dead;
    for (std::size_t j = 0; j < negative[l].size(); ++j) {
      total += negative[l][j];
      if (positive[l][j] == 0) dead.push_back(static_cast<int>(j));
    }
    EXPECT_DOUBLE_EQ(d.layers[l].negative_fraction, total / double(n * layout.width[l + 1])) << "layer " << l;
    EXPECT_EQ(d.layers[l].dead_neurons, dead) << "layer " << l;
    EXPECT_GE(d.layers[l].n_dead, 1) << "layer " << l;
  }
}

TEST(Diagnostics, LipschitzBoundExceedsTheObservedInputGradient) {
  struct Case {
    Activation act;
    double alpha;
  };
  for (const Case c : {Case{Activation::tanh, 0.0}, Case{Activation::prelu, 0.3}, Case{Activation::prelu, 1.7},
                       Case{Activation::leaky_relu, 0.1}, Case{Activation::sin, 0.0}}) {
    pinn::Mlp net = make_net(2, {16, 16}, c.act, c.alpha, AlphaMode::channel);
    net.initialize(2);
    const double bound = pinn::lipschitz_upper_bound(net);
    const auto jets = pinn::test::jets_of(net, pinn::test::random_points(2000, 2, 9, -3.0, 3.0), JetOrder::gradient);
    double observed = 0.0;
    for (const auto& jet : jets) observed = std::max(observed, std::hypot(jet.grad[0][0], jet.grad[0][1]));
    EXPECT_GT(observed, 0.0);
    EXPECT_GE(bound, observed) << to_string(c.act) << " alpha " << c.alpha;
    // A slope above 1 enters the bound.
    if (c.alpha > 1.0) {
      double norms = 1.0;
      for (const double s : pinn::weight_spectral_norms(net)) norms *= s;
      EXPECT_NEAR(bound, norms * c.alpha * c.alpha, 1e-12 * bound);
    }
  }
}

TEST(Diagnostics, SpectralNormMatchesTheLargestSingularValue) {
  // W = [[3, 0], [4, 5]] has singular values sqrt(45) and sqrt(5).
  pinn::Mlp net = make_net(2, {2}, Activation::tanh);
  std::vector<double> p(net.n_params(), 0.0);
  set_layer(p, net.layout(), 0, {3, 0, 4, 5}, {0, 0});
  set_layer(p, net.layout(), 1, {1, 0}, {0});
  from_host(p, net.params());
  const auto norms = pinn::weight_spectral_norms(net);
  EXPECT_NEAR(norms[0], std::sqrt(45.0), 1e-14);
  EXPECT_NEAR(norms[1], 1.0, 1e-15);
}

TEST(KinkCount, HandBuiltShallowNetwork) {
  const pinn::Mlp net = hand_built_shallow();
  const auto k = pinn::count_kinks_1d(net, 0.0, 1.0);
  ASSERT_EQ(k.breakpoints.size(), 3u);
  EXPECT_NEAR(k.breakpoints[0], 0.2, 1e-15);
  EXPECT_NEAR(k.breakpoints[1], 0.5, 1e-15);
  EXPECT_NEAR(k.breakpoints[2], 0.7, 1e-15);
  EXPECT_EQ(k.n_kinks(), 2);
  EXPECT_EQ(k.n_linear_regions(), 3);
  EXPECT_NEAR(k.kinks[0], 0.2, 1e-15);
  EXPECT_NEAR(k.kinks[1], 0.5, 1e-15);
  // On (0.3, 1) only 0.5 and 0.7 lie inside.
  EXPECT_EQ(pinn::count_kinks_1d(net, 0.3, 1.0).n_kinks(), 1);
}

/// u = relu(relu(x − 0.2) − 0.3) + 0·relu(0.9 − x): a second-layer kink at 0.5,
/// first-layer breakpoints at 0.2 (no kink of u: the second layer is off
/// there) and 0.9 (output weight 0 through the second layer).
TEST(KinkCount, HandBuiltDeepNetworkFindsSecondLayerKinks) {
  pinn::Mlp net = make_net(1, {2, 1}, Activation::relu);
  std::vector<double> p(net.n_params(), 0.0);
  set_layer(p, net.layout(), 0, {1, -1}, {-0.2, 0.9});
  set_layer(p, net.layout(), 1, {1, 0}, {-0.3});
  set_layer(p, net.layout(), 2, {1}, {0});
  from_host(p, net.params());
  const auto k = pinn::count_kinks_1d(net, 0.0, 1.0);
  EXPECT_EQ(k.breakpoints_per_layer, (std::vector<int>{2, 1}));
  ASSERT_EQ(k.breakpoints.size(), 3u);
  EXPECT_NEAR(k.breakpoints[1], 0.5, 1e-15);
  ASSERT_EQ(k.n_kinks(), 1);
  EXPECT_NEAR(k.kinks[0], 0.5, 1e-15);
}

/// On a random deep PReLU network the exact kinks are exactly the grid cells
/// where the slope computed by the jets changes.
TEST(KinkCount, MatchesASlopeScanOnAFineGrid) {
  for (const Activation act : {Activation::prelu, Activation::relu, Activation::leaky_relu}) {
    pinn::MlpConfig config;
    config.hidden = {16, 16, 8};
    config.activation = act;
    config.alpha = 0.2;
    config.alpha_mode = AlphaMode::channel;
    config.input_lower = {-1.0};
    config.input_upper = {1.0};
    pinn::Mlp net(config);
    net.initialize(4);
    const auto k = pinn::count_kinks_1d(net, -1.0, 1.0);
    const int n = 200001;
    std::vector<std::vector<double>> rows;
    for (int i = 0; i < n; ++i) rows.push_back({-1.0 + 2.0 * i / (n - 1)});
    const auto jets = pinn::test::jets_of(net, pinn::test::points_from(rows), JetOrder::gradient);
    double max_slope = 0.0;
    for (const auto& jet : jets) max_slope = std::max(max_slope, std::abs(jet.grad[0][0]));
    int changes = 0, agree = 0;
    for (int i = 0; i + 1 < n; ++i) {
      const bool change = std::abs(jets[i + 1].grad[0][0] - jets[i].grad[0][0]) > 1e-9 * max_slope;
      const double lo = rows[i][0], hi = rows[i + 1][0];
      const bool kink = std::any_of(k.kinks.begin(), k.kinks.end(), [&](double x) { return x > lo && x < hi; });
      changes += change;
      agree += change == kink;
    }
    EXPECT_EQ(agree, n - 1) << to_string(act);
    EXPECT_EQ(changes, k.n_kinks()) << to_string(act);
    EXPECT_GT(k.n_kinks(), 10) << to_string(act) << ": the test needs kinks to count";
  }
}

TEST(KinkCount, RejectsSmoothActivationsAndSeveralInputs) {
  pinn::Mlp smooth = make_net(1, {4}, Activation::tanh);
  EXPECT_THROW(pinn::count_kinks_1d(smooth, 0.0, 1.0), pinn::ApiError);
  pinn::Mlp two_d = make_net(2, {4}, Activation::relu);
  EXPECT_THROW(pinn::count_kinks_1d(two_d, 0.0, 1.0), pinn::ApiError);
}

}  // namespace
