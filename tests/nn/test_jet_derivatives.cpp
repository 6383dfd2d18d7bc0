/// @file tests/nn/test_jet_derivatives.cpp
/// @brief ∇u, Δu and parameter gradients of the MLP against central finite differences.
#include "nn/nn.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace {

using pinn::Activation;
using pinn::JetOrder;

/// A loss touching every part of the jet with point-dependent weights, so that
/// the seeds differ per point and per component.
struct MixedJetLoss {
  int n_outputs, n_inputs;
  KOKKOS_FUNCTION double operator()(int i, const pinn::PointJet& jet, pinn::PointJet& seed) const {
    double loss = 0.0;
    for (int o = 0; o < n_outputs; ++o) {
      const double w = 1.0 + 0.1 * i + 0.3 * o;
      loss += 0.5 * w * jet.value[o] * jet.value[o];
      seed.value[o] = w * jet.value[o];
      for (int k = 0; k < n_inputs; ++k) {
        loss += 0.25 * (k + 1) * jet.grad[o][k] * jet.grad[o][k];
        seed.grad[o][k] = 0.5 * (k + 1) * jet.grad[o][k];
      }
      loss += 0.7 * jet.lap[o] + 0.2 * jet.lap[o] * jet.lap[o];
      seed.lap[o] = 0.7 + 0.4 * jet.lap[o];
    }
    return loss;
  }
};

pinn::Matrix make_points(int n, int d, unsigned seed) {
  pinn::Matrix points("points", n, d);
  auto host = Kokkos::create_mirror_view(points);
  std::srand(seed);
  for (int i = 0; i < n; ++i)
    for (int k = 0; k < d; ++k) host(i, k) = -0.9 + 1.8 * (std::rand() / double(RAND_MAX));
  Kokkos::deep_copy(points, host);
  return points;
}

double network_output(const pinn::Mlp& net, const std::vector<double>& x, int o) {
  pinn::Matrix p("p", 1, x.size());
  auto h = Kokkos::create_mirror_view(p);
  for (std::size_t k = 0; k < x.size(); ++k) h(0, k) = x[k];
  Kokkos::deep_copy(p, h);
  auto jets = pinn::evaluate_jets(pinn::ExecSpace(), net, p, JetOrder::value);
  auto hj = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), jets);
  return hj(0).value[o];
}

struct JetCase {
  Activation activation;
  int n_inputs;
  int n_outputs;
  pinn::AlphaMode alpha_mode;
  double smoothing = 0.0;  ///< softplus smoothing of piecewise-linear activations
};

class JetDerivatives : public ::testing::TestWithParam<JetCase> {
 protected:
  pinn::Mlp make_net() const {
    pinn::MlpConfig config;
    config.n_inputs = GetParam().n_inputs;
    config.n_outputs = GetParam().n_outputs;
    config.hidden = {7, 5, 6};
    config.activation = GetParam().activation;
    config.alpha = 0.2;
    config.alpha_mode = GetParam().alpha_mode;
    pinn::Mlp net(config);
    net.initialize(42);
    net.set_smoothing(GetParam().smoothing);
    // Biases away from zero so that points do not sit on kinks.
    auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), net.params());
    for (int p = 0; p < net.n_params(); ++p) h(p) += 0.05 * std::sin(3.0 * p);
    Kokkos::deep_copy(net.params(), h);
    return net;
  }
};

TEST_P(JetDerivatives, InputGradientAndLaplacianMatchFiniteDifferences) {
  const pinn::Mlp net = make_net();
  const int d = GetParam().n_inputs, n_out = GetParam().n_outputs;
  auto points = make_points(5, d, 7);
  auto jets = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(),
                                                  pinn::evaluate_jets(pinn::ExecSpace(), net, points, JetOrder::laplacian));
  auto hp = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), points);
  const bool smooth = !pinn::is_piecewise_linear(GetParam().activation) || GetParam().smoothing > 0.0;
  for (int i = 0; i < 5; ++i) {
    std::vector<double> x(d);
    for (int k = 0; k < d; ++k) x[k] = hp(i, k);
    for (int o = 0; o < n_out; ++o) {
      EXPECT_NEAR(jets(i).value[o], network_output(net, x, o), 1e-14);
      double lap_fd = 0.0;
      for (int k = 0; k < d; ++k) {
        const double h1 = 1e-6, h2 = 1e-4;
        auto xp = x, xm = x;
        xp[k] += h1;
        xm[k] -= h1;
        const double g_fd = (network_output(net, xp, o) - network_output(net, xm, o)) / (2 * h1);
        EXPECT_NEAR(jets(i).grad[o][k], g_fd, 1e-6 * (1.0 + std::abs(g_fd))) << "point " << i << " dim " << k;
        xp = x;
        xm = x;
        xp[k] += h2;
        xm[k] -= h2;
        lap_fd += (network_output(net, xp, o) - 2 * network_output(net, x, o) + network_output(net, xm, o)) / (h2 * h2);
      }
      if (smooth) {
        EXPECT_NEAR(jets(i).lap[o], lap_fd, 1e-5 * (1.0 + std::abs(lap_fd))) << "point " << i;
      } else {
        EXPECT_EQ(jets(i).lap[o], 0.0) << "a piecewise-linear network has Δu = 0 a.e.";
      }
    }
  }
}

TEST_P(JetDerivatives, ParameterGradientMatchesFiniteDifferences) {
  pinn::Mlp net = make_net();
  const int d = GetParam().n_inputs;
  auto points = make_points(9, d, 3);
  const MixedJetLoss loss{GetParam().n_outputs, d};
  pinn::GradientWorkspace ws;
  pinn::Vector grad("grad", net.n_params());
  pinn::loss_and_gradient(pinn::ExecSpace(), net, points, loss, JetOrder::laplacian, grad, ws);
  auto hg = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), grad);
  auto params = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), net.params());
  pinn::Vector scratch("scratch", net.n_params());
  int checked = 0;
  for (int p = 0; p < net.n_params(); ++p) {
    const double h = 1e-6;
    const double saved = params(p);
    params(p) = saved + h;
    Kokkos::deep_copy(net.params(), params);
    const double lp = pinn::loss_and_gradient(pinn::ExecSpace(), net, points, loss, JetOrder::laplacian, scratch, ws);
    params(p) = saved - h;
    Kokkos::deep_copy(net.params(), params);
    const double lm = pinn::loss_and_gradient(pinn::ExecSpace(), net, points, loss, JetOrder::laplacian, scratch, ws);
    params(p) = saved;
    const double fd = (lp - lm) / (2 * h);
    EXPECT_NEAR(hg(p), fd, 1e-6 * (1.0 + std::abs(fd))) << "parameter " << p;
    ++checked;
  }
  Kokkos::deep_copy(net.params(), params);
  EXPECT_EQ(checked, net.n_params());
}

std::string case_name(const ::testing::TestParamInfo<JetCase>& info) {
  return pinn::to_string(info.param.activation) + "_in" + std::to_string(info.param.n_inputs) + "_out" +
         std::to_string(info.param.n_outputs) + (info.param.alpha_mode == pinn::AlphaMode::channel ? "_channel" : "") +
         (info.param.smoothing > 0.0 ? "_smoothed" : "");
}

INSTANTIATE_TEST_SUITE_P(
    AllActivations, JetDerivatives,
    ::testing::Values(JetCase{Activation::tanh, 1, 1, pinn::AlphaMode::layer},
                      JetCase{Activation::tanh, 2, 3, pinn::AlphaMode::layer},
                      JetCase{Activation::tanh, 3, 1, pinn::AlphaMode::layer},
                      JetCase{Activation::softplus, 2, 1, pinn::AlphaMode::layer},
                      JetCase{Activation::sin, 2, 2, pinn::AlphaMode::layer},
                      JetCase{Activation::relu, 2, 1, pinn::AlphaMode::layer},
                      JetCase{Activation::leaky_relu, 1, 1, pinn::AlphaMode::layer},
                      JetCase{Activation::leaky_relu, 3, 2, pinn::AlphaMode::layer},
                      JetCase{Activation::prelu, 1, 1, pinn::AlphaMode::layer},
                      JetCase{Activation::prelu, 2, 1, pinn::AlphaMode::channel},
                      JetCase{Activation::prelu, 4, 2, pinn::AlphaMode::channel},
                      // The smoothing homotopy's activations: C^∞, so Δu and its parameter gradient are not zero.
                      JetCase{Activation::relu, 2, 1, pinn::AlphaMode::layer, 0.3},
                      JetCase{Activation::leaky_relu, 3, 2, pinn::AlphaMode::layer, 0.3},
                      JetCase{Activation::prelu, 1, 1, pinn::AlphaMode::layer, 0.3},
                      JetCase{Activation::prelu, 2, 1, pinn::AlphaMode::channel, 0.3}),
    case_name);

}  // namespace
