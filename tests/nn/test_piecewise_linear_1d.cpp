/// @file tests/nn/test_piecewise_linear_1d.cpp
/// @brief The exact Dirichlet energy of 1D piecewise-linear networks: its
/// value against a fine quadrature, its gradient against finite differences
/// (it is smooth in the parameters, the point-quadrature energy is not), and
/// the breakpoints against sign changes of the neurons.
#include "nn/piecewise_linear_1d.hpp"
#include "nn_test_helpers.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace {

struct PlCase {
  pinn::Activation activation;
  pinn::AlphaMode mode;
  pinn::AlphaConstraint constraint;
};

pinn::Mlp make_net(const PlCase& c, unsigned seed) {
  pinn::MlpConfig config;
  config.hidden = {7, 6};
  config.activation = c.activation;
  config.alpha = 0.15;
  config.alpha_mode = c.mode;
  config.alpha_constraint = c.constraint;
  config.input_lower = {0.0};
  config.input_upper = {1.0};
  pinn::Mlp net(config);
  net.initialize(seed);
  return net;
}

/// ½∫N'² by the midpoint rule on n cells, the slope from evaluate_jets.
double midpoint_energy(const pinn::Mlp& net, double a, double b, int n) {
  pinn::Matrix points("x", n, 1);
  auto host = Kokkos::create_mirror_view(points);
  const double h = (b - a) / n;
  for (int i = 0; i < n; ++i) host(i, 0) = a + (i + 0.5) * h;
  Kokkos::deep_copy(points, host);
  double energy = 0.0;
  for (const pinn::PointJet& jet : pinn::test::jets_of(net, points, pinn::JetOrder::gradient))
    energy += 0.5 * h * jet.grad[0][0] * jet.grad[0][0];
  return energy;
}

class ExactEnergy1d : public ::testing::TestWithParam<PlCase> {};

TEST_P(ExactEnergy1d, MatchesAFineQuadrature) {
  const pinn::Mlp net = make_net(GetParam(), 4);
  const double exact = pinn::dirichlet_energy_1d(net, 0.0, 1.0, nullptr);
  const double fine = midpoint_energy(net, 0.0, 1.0, 400000);
  // The midpoint rule errs only in the cells holding a kink: O(h) in all.
  EXPECT_NEAR(exact, fine, 1e-4 * std::abs(exact));
  EXPECT_GT(exact, 0.0);
}

TEST_P(ExactEnergy1d, GradientMatchesFiniteDifferences) {
  pinn::Mlp net = make_net(GetParam(), 9);
  const int n = net.n_params();
  std::vector<double> gradient(n, 0.0);
  const double energy = pinn::dirichlet_energy_1d(net, 0.0, 1.0, &gradient);
  const std::vector<double> theta = pinn::test::to_host(net.params());
  double scale = 0.0;
  for (const double g : gradient) scale = std::max(scale, std::abs(g));
  const double h = 1e-6;
  for (int p = 0; p < n; ++p) {
    std::vector<double> shifted = theta;
    shifted[p] = theta[p] + h;
    pinn::test::from_host(shifted, net.params());
    const double plus = pinn::dirichlet_energy_1d(net, 0.0, 1.0, nullptr);
    shifted[p] = theta[p] - h;
    pinn::test::from_host(shifted, net.params());
    const double minus = pinn::dirichlet_energy_1d(net, 0.0, 1.0, nullptr);
    EXPECT_NEAR(gradient[p], (plus - minus) / (2 * h), 1e-6 * scale) << "parameter " << p;
  }
  pinn::test::from_host(theta, net.params());
  EXPECT_DOUBLE_EQ(pinn::dirichlet_energy_1d(net, 0.0, 1.0, nullptr), energy);
}

TEST_P(ExactEnergy1d, BreakpointsAreSignChangesOfTheirNeuron) {
  const pinn::Mlp net = make_net(GetParam(), 2);
  const auto params = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), net.params());
  const std::vector<pinn::Breakpoint1d> breaks = pinn::find_breakpoints_1d(net, 0.0, 1.0);
  ASSERT_FALSE(breaks.empty());
  pinn::detail::Forward1d f;
  for (std::size_t k = 0; k < breaks.size(); ++k) {
    const pinn::Breakpoint1d& p = breaks[k];
    if (k > 0) {
      EXPECT_GT(p.x, breaks[k - 1].x);
    }
    EXPECT_GT(p.x, 0.0);
    EXPECT_LT(p.x, 1.0);
    pinn::detail::forward_1d(net.layout(), params, p.x, f, p.layer);
    EXPECT_NEAR(f.z[p.layer][p.neuron], 0.0, 1e-12) << "breakpoint " << k;
  }
}

INSTANTIATE_TEST_SUITE_P(
    PiecewiseLinear, ExactEnergy1d,
    ::testing::Values(PlCase{pinn::Activation::relu, pinn::AlphaMode::layer, pinn::AlphaConstraint::none},
                      PlCase{pinn::Activation::leaky_relu, pinn::AlphaMode::layer, pinn::AlphaConstraint::none},
                      PlCase{pinn::Activation::prelu, pinn::AlphaMode::layer, pinn::AlphaConstraint::none},
                      PlCase{pinn::Activation::prelu, pinn::AlphaMode::channel, pinn::AlphaConstraint::none},
                      PlCase{pinn::Activation::prelu, pinn::AlphaMode::channel, pinn::AlphaConstraint::unit_interval}));

TEST(ExactEnergy1d, PointQuadratureMissesHowTheKinksMove) {
  // A single kink: N(x) = ReLU(x − c) on (0, 1): E = ½(1 − c), dE/dc = −½.
  // A midpoint rule sees dE/dc = 0 between points, the exact integral −½.
  pinn::MlpConfig config;
  config.hidden = {1};
  config.activation = pinn::Activation::relu;
  pinn::Mlp net(config);
  const pinn::MlpLayout& l = net.layout();
  std::vector<double> theta(net.n_params(), 0.0);
  const double c = 0.3;
  theta[l.w_offset[0]] = 1.0;
  theta[l.b_offset[0]] = -c;
  theta[l.w_offset[1]] = 1.0;
  pinn::test::from_host(theta, net.params());
  std::vector<double> gradient(net.n_params(), 0.0);
  EXPECT_NEAR(pinn::dirichlet_energy_1d(net, 0.0, 1.0, &gradient), 0.5 * (1.0 - c), 1e-14);
  // b = −c, so dE/db = −dE/dc = ½.
  EXPECT_NEAR(gradient[l.b_offset[0]], 0.5, 1e-14);
}

}  // namespace
