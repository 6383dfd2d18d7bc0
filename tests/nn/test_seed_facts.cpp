/// @file tests/nn/test_seed_facts.cpp
/// @brief The worked facts about (P)LeakyReLU networks (README.md, "Piecewise-linear
/// activations: slopes, initialisation, diagnostics") as tests of the
/// network code: the dying-ReLU toy, the LeakyReLU residual identity, the
/// gradient jump 1 − α at 0, α = 1 giving a linear network, and the forward
/// variance kept constant by the gain g*(α) = sqrt(2/(1 + α²)).
#include "nn/nn.hpp"
#include "tests/nn/nn_test_helpers.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace {

using pinn::Activation;
using pinn::JetOrder;
using pinn::PointJet;
using pinn::test::from_host;
using pinn::test::to_host;

/// Σ_i (u_i − y_i)², the toy's squared loss.
struct SquaredError {
  pinn::Vector targets;
  KOKKOS_FUNCTION double operator()(int i, const PointJet& jet, PointJet& seed) const {
    const double r = jet.value[0] - targets(i);
    seed.value[0] = 2.0 * r;
    return r * r;
  }
};

struct ValueResidual {
  KOKKOS_FUNCTION void operator()(int, const PointJet& jet, double* r, PointJet* seeds) const {
    r[0] = jet.value[0];
    seeds[0].value[0] = 1.0;
  }
};

/// The toy: one neuron z = w x + b (w = 0, b = −1) read out unchanged,
/// u = σ(z), on data (1, 1), (2, 0), (−1, 2).
struct DyingReluToy {
  pinn::Mlp net;
  pinn::Matrix x = pinn::test::points_from({{1.0}, {2.0}, {-1.0}});
  pinn::Vector y{"y", 3};
  int w_index, b_index;

  explicit DyingReluToy(Activation act) : net(config(act)) {
    std::vector<double> p(net.n_params(), 0.0);
    const auto& layout = net.layout();
    w_index = layout.w_offset[0];
    b_index = layout.b_offset[0];
    p[w_index] = 0.0;
    p[b_index] = -1.0;
    p[layout.w_offset[1]] = 1.0;  // u = σ(z)
    p[layout.b_offset[1]] = 0.0;
    from_host(p, net.params());
    from_host({1.0, 0.0, 2.0}, y);
  }
  static pinn::MlpConfig config(Activation act) {
    pinn::MlpConfig c;
    c.hidden = {1};
    c.activation = act;
    c.alpha = 0.1;
    return c;
  }
  double loss_and_gradient(const pinn::Vector& grad) {
    pinn::GradientWorkspace ws;
    return pinn::loss_and_gradient(pinn::ExecSpace(), net, x, SquaredError{y}, JetOrder::value, grad, ws);
  }
  /// Plain gradient descent steps; returns the losses before and after.
  std::pair<double, double> train(int steps) {
    pinn::AdamOptions options;
    options.plain_sgd = true;
    options.schedule.initial = 0.05;
    pinn::Adam sgd(net.n_params(), options);
    pinn::Vector grad("grad", net.n_params());
    const double before = loss_and_gradient(grad);
    for (int s = 0; s < steps; ++s) {
      loss_and_gradient(grad);
      sgd.step(pinn::ExecSpace(), net.params(), grad);
    }
    return {before, loss_and_gradient(grad)};
  }
};

TEST(SeedFacts, DyingReluToyHasZeroGradientsForWAndB) {
  DyingReluToy toy(Activation::relu);
  pinn::Vector grad("grad", toy.net.n_params());
  toy.loss_and_gradient(grad);
  const auto g = to_host(grad);
  EXPECT_EQ(g[toy.w_index], 0.0);
  EXPECT_EQ(g[toy.b_index], 0.0);
  for (const auto& jet : pinn::test::jets_of(toy.net, toy.x, JetOrder::value)) EXPECT_EQ(jet.value[0], 0.0);
  // Training cannot revive it: w and b never move.
  toy.train(20);
  const auto p = to_host(toy.net.params());
  EXPECT_EQ(p[toy.w_index], 0.0);
  EXPECT_EQ(p[toy.b_index], -1.0);
}

TEST(SeedFacts, DyingReluToyWithLeakyReluOutputsMinusPointOneAndTrains) {
  DyingReluToy toy(Activation::leaky_relu);
  for (const auto& jet : pinn::test::jets_of(toy.net, toy.x, JetOrder::value)) EXPECT_DOUBLE_EQ(jet.value[0], -0.1);
  EXPECT_DOUBLE_EQ(pinn::activation_values(Activation::leaky_relu, -1.0, 0.1).d1, 0.1);
  // ∂u/∂b = σ'(z) = 0.1 and ∂u/∂w = 0.1 x at every data point.
  pinn::Vector r("r", 3);
  pinn::Matrix J("J", 3, toy.net.n_params());
  pinn::residual_jacobian(pinn::ExecSpace(), toy.net, toy.x, ValueResidual{}, JetOrder::value, 1, r, J);
  auto hJ = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), J);
  const double xs[3] = {1.0, 2.0, -1.0};
  for (int i = 0; i < 3; ++i) {
    EXPECT_DOUBLE_EQ(hJ(i, toy.b_index), 0.1);
    EXPECT_DOUBLE_EQ(hJ(i, toy.w_index), 0.1 * xs[i]);
  }
  // Residuals u − y = (−1.1, −0.1, −2.1): ∂L/∂b = 2·0.1·Σ r = −0.66,
  // ∂L/∂w = 2·0.1·Σ r x = 0.16.
  pinn::Vector grad("grad", toy.net.n_params());
  EXPECT_NEAR(toy.loss_and_gradient(grad), 1.21 + 0.01 + 4.41, 1e-14);
  const auto g = to_host(grad);
  EXPECT_NEAR(g[toy.b_index], -0.66, 1e-15);
  EXPECT_NEAR(g[toy.w_index], 0.16, 1e-15);
  const auto [before, after] = toy.train(20);
  const auto p = to_host(toy.net.params());
  EXPECT_NE(p[toy.w_index], 0.0);
  EXPECT_NE(p[toy.b_index], -1.0);
  EXPECT_LT(after, before);
}

TEST(SeedFacts, LeakyReluIsIdentityPlusScaledNegativePart) {
  for (const Activation act : {Activation::relu, Activation::leaky_relu, Activation::prelu}) {
    for (const double alpha : {0.0, 0.1, 0.25, 1.0, 1.5}) {
      const double a = act == Activation::relu ? 0.0 : alpha;
      for (double x = -3.0; x <= 3.0; x += 0.125) {
        // Equal in exact arithmetic; the two roundings differ by a few ulps.
        EXPECT_NEAR(pinn::activation_values(act, x, alpha).f, x + (a - 1.0) * std::min(0.0, x), 1e-15 * std::abs(x))
            << to_string(act) << " alpha " << alpha << " x " << x;
      }
    }
  }
}

TEST(SeedFacts, GradientJumpAtZeroIsOneMinusAlpha) {
  for (const double alpha : {0.0, 0.1, 0.25, 0.5, 1.0}) {
    const double eps = 1e-12;
    const auto left = pinn::activation_values(Activation::leaky_relu, -eps, alpha);
    const auto right = pinn::activation_values(Activation::leaky_relu, eps, alpha);
    EXPECT_DOUBLE_EQ(right.d1 - left.d1, 1.0 - alpha);
    // At 0 itself the documented subgradient is the left one, α ∈ [α, 1].
    EXPECT_EQ(pinn::activation_values(Activation::leaky_relu, 0.0, alpha).d1, alpha);
    // Through a network u = v σ(w x + b): the jump of u' across the kink x = −b/w is v w (1 − α).
    pinn::MlpConfig config;
    config.hidden = {1};
    config.activation = Activation::leaky_relu;
    config.alpha = alpha;
    pinn::Mlp net(config);
    const double w = 2.0, b = -0.5, v = 1.5;
    from_host({w, b, v, 0.3}, net.params());
    const auto jets = pinn::test::jets_of(net, pinn::test::points_from({{0.25 - 1e-9}, {0.25 + 1e-9}}), JetOrder::gradient);
    EXPECT_NEAR(jets[1].grad[0][0] - jets[0].grad[0][0], v * w * (1.0 - alpha), 1e-15) << alpha;
  }
}

/// Second differences of u along the axes and the diagonal, largest over points.
double max_second_difference(const pinn::Mlp& net, const std::vector<std::vector<double>>& centres, double h) {
  std::vector<std::vector<double>> rows;
  const double shifts[6][2] = {{0, 0}, {h, 0}, {-h, 0}, {0, h}, {0, -h}, {h, h}};
  for (const auto& c : centres)
    for (const auto& s : shifts) rows.push_back({c[0] + s[0], c[1] + s[1]});
  const auto jets = pinn::test::jets_of(net, pinn::test::points_from(rows), JetOrder::value);
  double worst = 0.0;
  for (std::size_t i = 0; i < centres.size(); ++i) {
    double u[6];
    for (int k = 0; k < 6; ++k) u[k] = jets[6 * i + k].value[0];
    worst = std::max(worst, std::abs(u[1] - 2 * u[0] + u[2]));
    worst = std::max(worst, std::abs(u[3] - 2 * u[0] + u[4]));
    worst = std::max(worst, std::abs(u[5] - u[1] - u[3] + u[0]));
  }
  return worst;
}

TEST(SeedFacts, SlopeOneRemovesTheKinks) {
  std::vector<std::vector<double>> centres;
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  for (int i = 0; i < 200; ++i) centres.push_back({uniform(rng), uniform(rng)});
  for (const Activation act : {Activation::leaky_relu, Activation::prelu}) {
    pinn::MlpConfig config;
    config.n_inputs = 2;
    config.hidden = {16, 16};
    config.activation = act;
    config.alpha = 1.0;
    config.input_lower = {-1, -1};
    config.input_upper = {1, 1};
    pinn::Mlp linear(config);
    linear.initialize(7);
    // h = 0.3 crosses many first-layer kinks (placed in the box): they would show.
    EXPECT_LT(max_second_difference(linear, centres, 0.3), 1e-13) << to_string(act);
    const auto jets = pinn::test::jets_of(linear, pinn::test::random_points(500, 2, 4), JetOrder::gradient);
    for (const auto& jet : jets) {
      EXPECT_NEAR(jet.grad[0][0], jets[0].grad[0][0], 1e-14);
      EXPECT_NEAR(jet.grad[0][1], jets[0].grad[0][1], 1e-14);
    }
    // The same network with α = 0.5 is not affine: the test can tell.
    config.alpha = 0.5;
    pinn::Mlp kinked(config);
    kinked.initialize(7);
    EXPECT_GT(max_second_difference(kinked, centres, 0.3), 1e-3) << to_string(act);
  }
}

/// q^l = E[(z^l)²] for z^l = W^l σ(z^{l−1}), l = 1..depth, z^0 ~ N(0, I),
/// W^l ~ N(0, (gain/sqrt(width))²) as Mlp::initialize draws hidden weights
/// (test_mlp.cpp checks that it does), b = 0; the expectation is over the
/// weights and the input.
///
/// Why an ensemble: one finite network does *not* keep q^l within 10% — at
/// width 256 a single ReLU network drifts by 30–60% over 20 layers (log q^l
/// has variance ≈ 5 l / width), although E[q^l] is exactly constant with the
/// gain g*. So the test averages over n_networks independent networks with
/// one input each. For one input a and a fresh Gaussian W, W a is exactly
/// N(0, gain² |a|²/width · I), so each layer is sampled in O(width) instead of
/// drawing the width² weights; this is the same distribution, not an
/// approximation. Done on the host rather than through Mlp, which allows at
/// most 9 hidden layers and 4 inputs (raising kMaxLinearLayers to 24 would grow
/// the MlpLayout copied into every kernel for a test's sake).
std::vector<double> forward_variances(double alpha, double gain, int width, int depth, int n_networks,
                                      unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<double> q(depth + 1, 0.0), z(width);
  for (int net = 0; net < n_networks; ++net) {
    double square = 0.0;
    for (double& v : z) {
      v = normal(rng);
      square += v * v;
    }
    q[0] += square / width;
    for (int l = 1; l <= depth; ++l) {
      double a_square = 0.0;
      for (const double v : z) {
        const double a = pinn::activation_values(Activation::leaky_relu, v, alpha).f;
        a_square += a * a;
      }
      const double stddev = gain / std::sqrt(static_cast<double>(width)) * std::sqrt(a_square);
      square = 0.0;
      for (double& v : z) {
        v = stddev * normal(rng);
        square += v * v;
      }
      q[l] += square / width;
    }
  }
  for (double& v : q) v /= n_networks;
  return q;
}

TEST(SeedFacts, HeGainKeepsForwardVarianceConstantOverTwentyLayers) {
  for (const double alpha : {0.0, 0.1, 0.25, 0.5}) {
    const auto q = forward_variances(alpha, pinn::he_gain(alpha), 256, 20, 500, 11);
    for (std::size_t l = 1; l < q.size(); ++l)
      EXPECT_NEAR(q[l] / q[0], 1.0, 0.1) << "alpha " << alpha << " layer " << l;
    // Without the gain (g = 1) q shrinks by (1 + α²)/2 per layer.
    const auto plain = forward_variances(alpha, 1.0, 256, 20, 500, 11);
    EXPECT_LT(plain.back(), 0.5 * plain.front()) << "alpha " << alpha;
    EXPECT_NEAR(plain.back() / plain.front(), std::pow((1 + alpha * alpha) / 2, 20), 0.3 * std::pow((1 + alpha * alpha) / 2, 20));
  }
}

}  // namespace
